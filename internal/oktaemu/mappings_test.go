package oktaemu

import (
	"strings"
	"testing"
	"time"
)

func TestMappings_list(t *testing.T) {
	te := startEmu(t, Options{})
	all := te.mustDo(200, "GET", "/api/v1/mappings?limit=200", nil).list(t)
	if len(all) != 6 { // two per app
		t.Fatalf("%d mappings, want 6", len(all))
	}
	for _, m := range all {
		if _, ok := m.(map[string]any)["properties"]; ok {
			t.Fatal("the list carries no properties (ListProfileMappings)")
		}
		id := m.(map[string]any)["id"].(string)
		if !strings.HasPrefix(id, "prm") || len(id) != 20 {
			t.Fatalf("mapping id %q", id)
		}
	}
	bySource := te.mustDo(200, "GET", "/api/v1/mappings?sourceId="+DemoDialpadAppID, nil).list(t)
	if len(bySource) != 1 || path(t, bySource[0], "target", "id") != DemoDefaultUserTypeID || path(t, bySource[0], "source", "type") != "appuser" {
		t.Fatalf("by source: %v", bySource)
	}
	byTarget := te.mustDo(200, "GET", "/api/v1/mappings?targetId="+DemoDialpadAppID, nil).list(t)
	if len(byTarget) != 1 || path(t, byTarget[0], "source", "name") != "user" || path(t, byTarget[0], "source", "type") != "user" {
		t.Fatalf("by target: %v", byTarget)
	}
	// terraform-provider-okta #431: an id that is neither an app nor a user type is a 400.
	for _, q := range []string{"sourceId=0oanope", "targetId=0oanope", "sourceId=" + DemoDialpadAppID + "&targetId=oty404"} {
		r := te.do("GET", "/api/v1/mappings?"+q, nil)
		wantError(t, r, 400, "E0000001")
		if !strings.Contains(string(r.raw), "Invalid source or target id") {
			t.Fatalf("%s: %s", q, r.raw)
		}
	}
	// Pagination.
	r := te.mustDo(200, "GET", "/api/v1/mappings?limit=4", nil)
	page1 := r.list(t)
	next := nextLink(t, r)
	if len(page1) != 4 || next == "" {
		t.Fatalf("page 1: %d, next %q", len(page1), next)
	}
	r = te.mustDo(200, "GET", next, nil)
	if len(r.list(t)) != 2 || nextLink(t, r) != "" {
		t.Fatalf("page 2: %s", r.raw)
	}
}

func TestMappings_get(t *testing.T) {
	te := startEmu(t, Options{})
	id := te.mappingID(DemoHRAppID, DemoDefaultUserTypeID)
	m := te.mustDo(200, "GET", "/api/v1/mappings/"+id, nil).obj(t)
	p := path(t, m, "properties", DemoUserAttrBadgeNumber).(map[string]any)
	if p["expression"] != "appuser.badgeNumber" || p["pushStatus"] != "PUSH" {
		t.Fatalf("seed mapping: %v", p)
	}
	if !strings.HasSuffix(path(t, m, "source", "_links", "schema", "href").(string), "/api/v1/meta/schemas/apps/"+DemoHRAppID+"/default") ||
		!strings.HasSuffix(path(t, m, "target", "_links", "schema", "href").(string), "/api/v1/meta/schemas/user/"+DemoDefaultUserSchemaID) {
		t.Fatalf("links: %v", m)
	}
	wantError(t, te.do("GET", "/api/v1/mappings/prmnope", nil), 404, "E0000007")
	wantError(t, te.do("POST", "/api/v1/mappings/prmnope", mappingProps(map[string]any{})), 404, "E0000007")
}

func TestMappings_postPartialAndNull(t *testing.T) {
	te := startEmu(t, Options{})
	id := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	before := path(t, te.mustDo(200, "GET", "/api/v1/mappings/"+id, nil).obj(t), "properties").(map[string]any)
	got := te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{
		"title": map[string]any{"expression": "user.title", "pushStatus": "PUSH"},
		"email": nil,
	})).obj(t)
	props := path(t, got, "properties").(map[string]any)
	if props["email"] != nil || props["title"] == nil || len(props) != len(before) {
		t.Fatalf("partial update: %v", props)
	}
	for k := range before {
		if k != "email" && props[k] == nil {
			t.Fatalf("%s lost", k)
		}
	}
	// pushStatus left out: Okta->app defaults to PUSH; an existing property keeps its status.
	got = te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{"email": map[string]any{"expression": "user.email"}})).obj(t)
	if path(t, got, "properties", "email", "pushStatus") != "PUSH" {
		t.Fatalf("default push status: %v", got["properties"])
	}
	te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{"email": map[string]any{"expression": "user.email", "pushStatus": "DONT_PUSH"}}))
	got = te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{"email": map[string]any{"expression": "user.login"}})).obj(t)
	if path(t, got, "properties", "email", "pushStatus") != "DONT_PUSH" {
		t.Fatalf("kept push status: %v", got["properties"])
	}
	if s := te.stats(); s.Deletes != 1 {
		t.Fatalf("deletes %d", s.Deletes)
	}
}

func TestMappings_validation(t *testing.T) {
	te := startEmu(t, Options{})
	toApp := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	fromApp := te.mappingID(DemoDialpadAppID, DemoDefaultUserTypeID)
	cases := []struct {
		name, id, target string
		body             any
		cause            string
	}{
		{"unknown target property", toApp, "nope", map[string]any{"expression": "user.email"}, "does not exist in the target schema"},
		{"unknown source property", toApp, "title", map[string]any{"expression": "user.nope"}, "user.nope is not an attribute"},
		{"unknown appuser property", fromApp, "title", map[string]any{"expression": "appuser.nope", "pushStatus": "DONT_PUSH"}, "appuser.nope is not an attribute of dialpad"},
		{"appuser from okta source", toApp, "title", map[string]any{"expression": "appuser.title"}, "only available when the source is an app"},
		{"function call", toApp, "title", map[string]any{"expression": "String.toUpperCase(user.title)"}, "unsupported reference"},
		{"ternary", toApp, "title", map[string]any{"expression": "user.title != null ? user.title : ''"}, "only '+' may join terms"},
		{"dangling plus", toApp, "title", map[string]any{"expression": "user.title +"}, "ends with '+'"},
		{"unterminated", toApp, "title", map[string]any{"expression": "'abc"}, "unterminated"},
		{"empty", toApp, "title", map[string]any{"expression": ""}, "expression is required"},
		{"bad push status", toApp, "title", map[string]any{"expression": "user.title", "pushStatus": "ALWAYS"}, "pushStatus must be"},
		{"push from non-source app", fromApp, "title", map[string]any{"expression": "appuser.title", "pushStatus": "PUSH"}, "Push status is allowed for profile mastering enabled apps only"},
		{"not an object", toApp, "title", "x", "must be an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			causes := wantError(t, te.do("POST", "/api/v1/mappings/"+c.id, mappingProps(map[string]any{c.target: c.body})), 400, "E0000001")
			wantCause(t, causes, c.cause)
		})
	}
	wantError(t, te.do("POST", "/api/v1/mappings/"+toApp, map[string]any{}), 400, "E0000001")
	wantError(t, te.do("POST", "/api/v1/mappings/"+toApp, "[1,"), 400, "E0000003")
	// App->Okta without pushStatus defaults to DONT_PUSH, so it is accepted before profile sourcing.
	got := te.mustDo(200, "POST", "/api/v1/mappings/"+fromApp, mappingProps(map[string]any{"title": map[string]any{"expression": "appuser.title"}})).obj(t)
	if path(t, got, "properties", "title", "pushStatus") != "DONT_PUSH" {
		t.Fatalf("%v", got["properties"])
	}
	// Literals and '+' are fine.
	te.mustDo(200, "POST", "/api/v1/mappings/"+toApp, mappingProps(map[string]any{"title": map[string]any{"expression": `"Dr. " + user.lastName + ' (' + source.title + ')'`}}))
	// Once the app sources users, PUSH is allowed.
	te.mustDo(200, "PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true})
	te.mustDo(200, "POST", "/api/v1/mappings/"+fromApp, mappingProps(map[string]any{"title": map[string]any{"expression": "appuser.title", "pushStatus": "PUSH"}}))
}

func TestMappings_knobs(t *testing.T) {
	te := startEmu(t, Options{ConsistencyDelay: 60 * time.Millisecond, LostUpdateWindow: 30 * time.Millisecond})
	id := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	body := func(target string) any {
		return mappingProps(map[string]any{target: map[string]any{"expression": "user.title", "pushStatus": "PUSH"}})
	}
	get := func() map[string]any {
		return path(t, te.mustDo(200, "GET", "/api/v1/mappings/"+id, nil).obj(t), "properties").(map[string]any)
	}
	te.mustDo(200, "POST", "/api/v1/mappings/"+id, body("title"))
	if get()["title"] != nil {
		t.Fatal("mapping write visible before the consistency delay")
	}
	// Within the lost-update window: answered, dropped.
	got := te.mustDo(200, "POST", "/api/v1/mappings/"+id, body("userName")).obj(t)
	if path(t, got, "properties", "userName") == nil {
		t.Fatal("dropped write must answer the expected body")
	}
	time.Sleep(70 * time.Millisecond)
	props := get()
	if props["title"] == nil || props["userName"] != nil {
		t.Fatalf("after delay: %v", props)
	}
	if s := te.stats(); s.Dropped != 1 {
		t.Fatalf("dropped %d", s.Dropped)
	}
}

func TestReapply_errors(t *testing.T) {
	te := startEmu(t, Options{})
	wantError(t, te.do("PUT", "/api/internal/v1/mappings/reapply", nil), 400, "E0000001")
	wantError(t, te.do("PUT", "/api/internal/v1/mappings/reapply?source=0oanope&target="+DemoDefaultUserTypeID, nil), 404, "E0000007")
	// "default" names the default user type here too.
	te.mustDo(204, "PUT", "/api/internal/v1/mappings/reapply?source="+DemoDialpadAppID+"&target=default", nil)
	te.mustDo(204, "PUT", "/api/internal/v1/mappings/reapply?source=default&target="+DemoDialpadAppID, nil)
}

func nextLink(t *testing.T, r resp) string {
	t.Helper()
	for _, l := range r.header.Values("Link") {
		if strings.HasSuffix(l, `rel="next"`) {
			u := strings.TrimSuffix(strings.TrimPrefix(strings.Split(l, ";")[0], "<"), ">")
			i := strings.Index(u, "/api/")
			return u[i:]
		}
	}
	return ""
}
