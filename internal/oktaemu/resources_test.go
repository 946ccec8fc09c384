package oktaemu

import (
	"net/url"
	"strings"
	"testing"
)

func TestUserTypes(t *testing.T) {
	te := startEmu(t, Options{})
	list := te.mustDo(200, "GET", "/api/v1/meta/types/user", nil).list(t)
	if len(list) != 1 {
		t.Fatalf("%d user types", len(list))
	}
	for _, id := range []string{"default", DemoDefaultUserTypeID} {
		ut := te.mustDo(200, "GET", "/api/v1/meta/types/user/"+id, nil).obj(t)
		if ut["id"] != DemoDefaultUserTypeID || ut["default"] != true || ut["name"] != "user" {
			t.Fatalf("%s: %v", id, ut)
		}
		if !strings.HasSuffix(path(t, ut, "_links", "schema", "href").(string), "/api/v1/meta/schemas/user/"+DemoDefaultUserSchemaID) {
			t.Fatalf("schema link: %v", ut["_links"])
		}
	}
	wantError(t, te.do("GET", "/api/v1/meta/types/user/otynope", nil), 404, "E0000007")
}

func TestApps_list(t *testing.T) {
	te := startEmu(t, Options{})
	all := te.mustDo(200, "GET", "/api/v1/apps", nil).list(t)
	if len(all) != 3 {
		t.Fatalf("%d apps", len(all))
	}
	// q is a prefix match on label or name: "Dialpad" finds both Dialpad apps, so label lookups must
	// compare exactly.
	q := te.mustDo(200, "GET", "/api/v1/apps?q=dialpad", nil).list(t)
	if len(q) != 2 {
		t.Fatalf("q=dialpad: %d apps", len(q))
	}
	f := te.mustDo(200, "GET", "/api/v1/apps?filter="+url.QueryEscape(`name eq "dialpad"`), nil).list(t)
	if len(f) != 1 || f[0].(map[string]any)["id"] != DemoDialpadAppID {
		t.Fatalf("filter name: %v", f)
	}
	f = te.mustDo(200, "GET", "/api/v1/apps?filter="+url.QueryEscape(`status eq "ACTIVE" and name eq "workday"`), nil).list(t)
	if len(f) != 1 || f[0].(map[string]any)["id"] != DemoHRAppID {
		t.Fatalf("filter and: %v", f)
	}
	f = te.mustDo(200, "GET", "/api/v1/apps?filter="+url.QueryEscape(`id eq "`+DemoMeetingsAppID+`"`), nil).list(t)
	if len(f) != 1 || f[0].(map[string]any)["label"] != DemoMeetingsAppLabel {
		t.Fatalf("filter id: %v", f)
	}
	wantError(t, te.do("GET", "/api/v1/apps?filter="+url.QueryEscape(`label sw "D"`), nil), 400, "E0000001")
	wantError(t, te.do("GET", "/api/v1/apps?limit=x", nil), 400, "E0000001")
	// Pagination with after and Link.
	r := te.mustDo(200, "GET", "/api/v1/apps?limit=2", nil)
	if len(r.list(t)) != 2 {
		t.Fatal("limit ignored")
	}
	next := nextLink(t, r)
	if !strings.Contains(next, "after=") {
		t.Fatalf("next link %q", next)
	}
	r = te.mustDo(200, "GET", next, nil)
	if len(r.list(t)) != 1 || nextLink(t, r) != "" {
		t.Fatalf("last page: %s", r.raw)
	}
}

func TestApps_get(t *testing.T) {
	te := startEmu(t, Options{})
	a := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID, nil).obj(t)
	if a["label"] != "Dialpad" || a["name"] != "dialpad" || a["status"] != "ACTIVE" || a["signOnMode"] == nil {
		t.Fatalf("app: %v", a)
	}
	m := te.mustDo(200, "GET", "/api/v1/apps/"+DemoMeetingsAppID, nil).obj(t)
	if m["label"] != "Dialpad Meetings" || len(m["features"].([]any)) != 0 {
		t.Fatalf("meetings: %v", m)
	}
	wantError(t, te.do("GET", "/api/v1/apps/0oanope", nil), 404, "E0000007")
	types := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID+"/user/types", nil).list(t)
	if len(types) != 1 || !strings.HasSuffix(path(t, types[0], "_links", "schema", "href").(string), "/apps/"+DemoDialpadAppID+"/default") {
		t.Fatalf("app user types: %v", types)
	}
	wantError(t, te.do("GET", "/api/v1/apps/0oanope/user/types", nil), 404, "E0000007")
}

func TestAppUsers(t *testing.T) {
	te := startEmu(t, Options{})
	var all []any
	next := "/api/v1/apps/" + DemoDialpadAppID + "/users?limit=25"
	pages := 0
	for next != "" {
		r := te.mustDo(200, "GET", next, nil)
		all = append(all, r.list(t)...)
		next = nextLink(t, r)
		pages++
	}
	if len(all) != DemoDialpadUserCount || pages != 3 {
		t.Fatalf("%d app users in %d pages", len(all), pages)
	}
	au := all[0].(map[string]any)
	if au["scope"] != "USER" || path(t, au, "profile", "userName") == nil || path(t, au, "credentials", "userName") == nil {
		t.Fatalf("app user: %v", au)
	}
	id := au["id"].(string)
	one := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID+"/users/"+id, nil).obj(t)
	if one["id"] != id {
		t.Fatalf("get app user: %v", one)
	}
	wantError(t, te.do("GET", "/api/v1/apps/"+DemoDialpadAppID+"/users/00unope", nil), 404, "E0000007")
	wantError(t, te.do("GET", "/api/v1/apps/0oanope/users", nil), 404, "E0000007")
}

func TestUsers_listAndSearch(t *testing.T) {
	te := startEmu(t, Options{})
	var all []any
	next := "/api/v1/users"
	pages := 0
	for next != "" {
		r := te.mustDo(200, "GET", next, nil)
		all = append(all, r.list(t)...)
		next = nextLink(t, r)
		pages++
	}
	if len(all) != DemoUserCount || pages != 2 {
		t.Fatalf("%d users in %d pages (default limit 200)", len(all), pages)
	}
	seen := map[string]bool{}
	for _, u := range all {
		id := u.(map[string]any)["id"].(string)
		if seen[id] || !strings.HasPrefix(id, "00u") || len(id) != 20 {
			t.Fatalf("user id %q (duplicate=%v)", id, seen[id])
		}
		seen[id] = true
	}
	search := func(expr string) []any {
		return te.mustDo(200, "GET", "/api/v1/users?limit=200&search="+url.QueryEscape(expr), nil).list(t)
	}
	if n := len(search("profile.badgeNumber pr")); n != demoHREnd-demoHRFirst {
		t.Fatalf("badgeNumber pr: %d", n)
	}
	first := all[0].(map[string]any)
	login := path(t, first, "profile", "login").(string)
	if got := search(`profile.login eq "` + strings.ToUpper(login) + `"`); len(got) != 1 {
		t.Fatalf("login eq: %d", len(got))
	}
	if n := len(search(`profile.department eq "Sales" and profile.badgeNumber pr`)); n == 0 || n >= demoHREnd-demoHRFirst {
		t.Fatalf("and: %d", n)
	}
	if n := len(search(`status eq "STAGED" or status eq "SUSPENDED"`)); n != 2 {
		t.Fatalf("or: %d", n)
	}
	for _, bad := range []string{"profile.x", "profile.x eq", "profile.x gt 1", `(profile.x pr`, "profile.x eq unquoted"} {
		wantError(t, te.do("GET", "/api/v1/users?search="+url.QueryEscape(bad), nil), 400, "E0000031")
	}
	u := te.mustDo(200, "GET", "/api/v1/users/"+first["id"].(string), nil).obj(t)
	if u["id"] != first["id"] || path(t, u, "type", "id") != DemoDefaultUserTypeID {
		t.Fatalf("get user: %v", u)
	}
	if te.mustDo(200, "GET", "/api/v1/users/"+url.PathEscape(login), nil).obj(t)["id"] != first["id"] {
		t.Fatal("get by login")
	}
	wantError(t, te.do("GET", "/api/v1/users/00unope", nil), 404, "E0000007")
	// A cursor past the end is an empty page.
	if got := te.mustDo(200, "GET", "/api/v1/users?after=00unope", nil).list(t); len(got) != 0 {
		t.Fatalf("unknown cursor: %d users", len(got))
	}
}
