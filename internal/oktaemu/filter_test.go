package oktaemu

import (
	"net/url"
	"testing"
)

func TestFilterExpr(t *testing.T) {
	attrs := map[string]any{"s": "Hello World", "n": 3.0, "b": true, "z": nil}
	get := func(a string) (any, bool) { v, ok := attrs[a]; return v, ok }
	cases := map[string]bool{
		`s eq "hello world"`:                 true,
		`s ne "x"`:                           true,
		`missing ne "x"`:                     true,
		`s sw "hel"`:                         true,
		`s sw "World"`:                       false,
		`s co "o w"`:                         true,
		`n sw "3"`:                           false,
		`n eq 3`:                             true,
		`n eq 4`:                             false,
		`b eq true`:                          true,
		`b eq false`:                         false,
		`z eq null`:                          true,
		`z pr`:                               false,
		`s pr`:                               true,
		`missing pr`:                         false,
		`(s pr or n eq 4) and b eq true`:     true,
		`s pr and (n eq 4 or b eq false)`:    false,
		`n eq 4 or n eq 5 or s co "World"`:   true,
		`s EQ "hello world" AND b eq true`:   true,
		`s eq "say \"hi\""`:                  false,
		`missing eq "x" or missing sw "x"`:   false,
		`s eq "Hello World" and not_here pr`: false,
	}
	for expr, want := range cases {
		x, err := parseFilterExpr(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if got := x.eval(get, nil); got != want {
			t.Errorf("%s = %v, want %v", expr, got, want)
		}
	}
	for _, bad := range []string{"", "s", "s eq", "s gt 1", `s sw 1`, `"s" eq "x"`, "(s pr", "s pr)", `s eq "open`, "s eq x"} {
		if _, err := parseFilterExpr(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestApps_filterByUser(t *testing.T) {
	te := startEmu(t, Options{})
	users := te.mustDo(200, "GET", "/api/v1/apps/"+DemoHRAppID+"/users?limit=1", nil).list(t)
	uid := users[0].(map[string]any)["id"].(string)
	got := te.mustDo(200, "GET", "/api/v1/apps?filter="+url.QueryEscape(`user.id eq "`+uid+`"`), nil).list(t)
	if len(got) != 2 { // the HR app's first user is also a Dialpad user
		t.Fatalf("apps of user %s: %d", uid, len(got))
	}
}

func TestSchema_baseMergeRules(t *testing.T) {
	te := startEmu(t, Options{})
	base := func(name string, p any) any {
		return map[string]any{"definitions": map[string]any{"base": map[string]any{"properties": map[string]any{name: p}}}}
	}
	user := "/api/v1/meta/schemas/user/default"
	got := te.mustDo(200, "POST", user, base("firstName", map[string]any{"type": "string", "title": "Given name", "required": false,
		"permissions": []any{map[string]any{"principal": "SELF", "action": "HIDE"}}, "maxLength": 3})).obj(t)
	p := path(t, got, "definitions", "base", "properties", "firstName").(map[string]any)
	if p["title"] != "Given name" || p["required"] != nil || p["maxLength"] != 50.0 { // required:false is not echoed
		t.Fatalf("base merge: %v", p)
	}
	wantCause(t, wantError(t, te.do("POST", user, base("firstName", map[string]any{"type": "integer"})), 400, "E0000001"), "type of a base property cannot be changed")
	wantCause(t, wantError(t, te.do("POST", user, base("firstName", map[string]any{"required": "yes"})), 400, "E0000001"), "required must be a boolean")
	wantCause(t, wantError(t, te.do("POST", user, base("firstName", map[string]any{"permissions": "all"})), 400, "E0000001"), "permissions must be a list")
	wantCause(t, wantError(t, te.do("POST", user, base("firstName", "x")), 400, "E0000001"), "must be an object")
	app := "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default"
	// An app base property takes master and permissions and keeps neither (recording
	// TestAccResourceOktaAppUserBaseSchema_change); pattern is refused (terraform-provider-okta #606).
	got = te.mustDo(200, "POST", app, base("userName", map[string]any{"master": map[string]any{"type": "OKTA"},
		"permissions": []any{map[string]any{"principal": "SELF", "action": "HIDE"}}})).obj(t)
	p = path(t, got, "definitions", "base", "properties", "userName").(map[string]any)
	if perms, _ := p["permissions"].([]any); p["master"] != nil || len(perms) != 1 || path(t, perms[0], "action") != "READ_WRITE" {
		t.Fatalf("app base merge kept master or permissions: %v", p)
	}
	wantCause(t, wantError(t, te.do("POST", app, base("userName", map[string]any{"pattern": ".+"})), 400, "E0000001"), "not supported on app user schemas")
	wantError(t, te.do("POST", "/api/v1/meta/schemas/user/oscnope", addProp("x", strProp("X"))), 404, "E0000007")
}
