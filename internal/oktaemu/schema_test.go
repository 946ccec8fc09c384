package oktaemu

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestUserSchema_get(t *testing.T) {
	te := startEmu(t, Options{})
	a := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil).obj(t)
	b := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/"+DemoDefaultUserSchemaID, nil).obj(t)
	if a["id"] != b["id"] || !strings.HasSuffix(a["id"].(string), "/meta/schemas/user/"+DemoDefaultUserSchemaID) {
		t.Fatalf("ids %v / %v", a["id"], b["id"])
	}
	for _, name := range []string{DemoUserAttrBadgeNumber, DemoUserAttrPronouns, DemoUserAttrWorkLocation} {
		if customProps(t, a)[name] == nil {
			t.Errorf("seed attribute %s missing", name)
		}
	}
	base := path(t, a, "definitions", "base", "properties").(map[string]any)
	for _, name := range []string{"login", "firstName", "lastName", "email", "mobilePhone", "primaryPhone"} {
		if base[name] == nil {
			t.Errorf("base property %s missing", name)
		}
	}
	if path(t, a, "_links", "self", "href") == nil || path(t, a, "_links", "type", "href") == nil {
		t.Fatalf("links: %v", a["_links"])
	}
	wantError(t, te.do("GET", "/api/v1/meta/schemas/user/oscnope", nil), 404, "E0000007")
}

func TestAppSchema_get(t *testing.T) {
	te := startEmu(t, Options{})
	s := te.mustDo(200, "GET", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", nil).obj(t)
	if s["name"] != DemoDialpadAppName {
		t.Fatalf("name %v", s["name"])
	}
	p := customProps(t, s)[DemoDialpadAttrDepartment].(map[string]any)
	if p["externalName"] != "department" || p["externalNamespace"] != scimEnterpriseNamespace {
		t.Fatalf("app attribute %v", p)
	}
	if _, ok := p["master"]; ok {
		t.Fatal("app schema properties have no master")
	}
	wantError(t, te.do("GET", "/api/v1/meta/schemas/apps/0oanope/default", nil), 404, "E0000007")
	wantError(t, te.do("POST", "/api/v1/meta/schemas/apps/0oanope/default", addProp("x", strProp("X"))), 404, "E0000007")
}

func TestSchema_partialUpdateAndNull(t *testing.T) {
	for _, schemaPath := range []string{"/api/v1/meta/schemas/user/default", "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default"} {
		t.Run(schemaPath, func(t *testing.T) {
			te := startEmu(t, Options{})
			before := customProps(t, te.mustDo(200, "GET", schemaPath, nil).obj(t))
			add := map[string]any{"title": "Dialpad phone", "type": "string", "description": "d", "maxLength": 30, "minLength": 2,
				"externalName": "phoneNumbers.^[type=='Dialpad'].value", "externalNamespace": scimCoreNamespace,
				"unique": "UNIQUE_VALIDATED", "required": false, "permissions": []any{map[string]any{"principal": "SELF", "action": "HIDE"}}}
			got := te.mustDo(200, "POST", schemaPath, addProp("dialpadPhone", add)).obj(t)
			props := customProps(t, got)
			if len(props) != len(before)+1 {
				t.Fatalf("response should be the whole schema: %d props, had %d", len(props), len(before))
			}
			p := props["dialpadPhone"].(map[string]any)
			for k, v := range map[string]any{"title": "Dialpad phone", "maxLength": 30.0, "minLength": 2.0, "unique": "UNIQUE_VALIDATED",
				"externalName": "phoneNumbers.^[type=='Dialpad'].value", "scope": "NONE", "description": "d", "required": nil} {
				if p[k] != v {
					t.Errorf("%s = %v, want %v", k, p[k], v)
				}
			}
			// A property sent again replaces the stored one whole.
			got = te.mustDo(200, "POST", schemaPath, addProp("dialpadPhone", map[string]any{"title": "Phone", "type": "string"})).obj(t)
			p = customProps(t, got)["dialpadPhone"].(map[string]any)
			if p["title"] != "Phone" || p["maxLength"] != nil || p["externalName"] != nil {
				t.Fatalf("replace was a merge: %v", p)
			}
			// Others untouched, including ones not mentioned.
			for name := range before {
				if customProps(t, got)[name] == nil {
					t.Fatalf("%s was dropped by a partial update", name)
				}
			}
			// null removes.
			got = te.mustDo(200, "POST", schemaPath, addProp("dialpadPhone", nil)).obj(t)
			if _, ok := customProps(t, got)["dialpadPhone"]; ok {
				t.Fatal("null did not remove the property")
			}
			if _, ok := customProps(t, te.mustDo(200, "GET", schemaPath, nil).obj(t))["dialpadPhone"]; ok {
				t.Fatal("GET still shows the removed property")
			}
			// Removing an absent property is a no-op.
			te.mustDo(200, "POST", schemaPath, addProp("neverThere", nil))
			if s := te.stats(); s.Deletes != 1 {
				t.Fatalf("deletes %d, want 1", s.Deletes)
			}
		})
	}
}

func TestSchema_userDefaults(t *testing.T) {
	te := startEmu(t, Options{})
	got := te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("costCode", strProp("Cost code"))).obj(t)
	p := customProps(t, got)["costCode"].(map[string]any)
	if path(t, p, "master", "type") != "PROFILE_MASTER" || p["mutability"] != "READ_WRITE" {
		t.Fatalf("defaults: %v", p)
	}
	perm := p["permissions"].([]any)[0].(map[string]any)
	if perm["principal"] != "SELF" || perm["action"] != "READ_ONLY" {
		t.Fatalf("default permissions %v", perm)
	}
	// Booleans for unique are accepted and returned as Okta's strings.
	got = te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("empId", map[string]any{"title": "E", "type": "string", "unique": true})).obj(t)
	if customProps(t, got)["empId"].(map[string]any)["unique"] != "UNIQUE_VALIDATED" {
		t.Fatal("unique true not stored as UNIQUE_VALIDATED")
	}
	got = te.mustDo(200, "POST", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", addProp("groups", map[string]any{
		"title": "Groups", "type": "array", "items": map[string]any{"type": "string"}, "union": "ENABLE"})).obj(t)
	if customProps(t, got)["groups"].(map[string]any)["union"] != "ENABLE" {
		t.Fatal("union not stored")
	}
}

func TestSchema_enumOneOfMasterRoundTrip(t *testing.T) {
	te := startEmu(t, Options{})
	in := map[string]any{"title": "Size", "type": "string", "enum": []any{"S", "M"},
		"oneOf":  []any{map[string]any{"const": "S", "title": "Small"}, map[string]any{"const": "M", "title": "Medium"}},
		"master": map[string]any{"type": "OVERRIDE", "priority": []any{map[string]any{"type": "APP", "value": DemoDialpadAppID}, map[string]any{"type": "APP", "value": DemoHRAppID}}},
	}
	got := te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("size", in)).obj(t)
	p := customProps(t, got)["size"].(map[string]any)
	if len(p["enum"].([]any)) != 2 || len(p["oneOf"].([]any)) != 2 {
		t.Fatalf("enum/oneOf: %v", p)
	}
	prio := path(t, p, "master", "priority").([]any)
	if len(prio) != 2 || prio[0].(map[string]any)["value"] != DemoDialpadAppID {
		t.Fatalf("priority: %v", prio)
	}
	// Base properties accept master and permission changes.
	base := map[string]any{"definitions": map[string]any{"base": map[string]any{"properties": map[string]any{
		"mobilePhone": map[string]any{"master": map[string]any{"type": "OVERRIDE", "priority": []any{map[string]any{"type": "APP", "value": DemoDialpadAppID}}}},
	}}}}
	got = te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", base).obj(t)
	mp := path(t, got, "definitions", "base", "properties", "mobilePhone").(map[string]any)
	if path(t, mp, "master", "type") != "OVERRIDE" || mp["title"] != "Mobile phone" {
		t.Fatalf("base merge: %v", mp)
	}
}

func TestSchema_validation(t *testing.T) {
	te := startEmu(t, Options{})
	user := "/api/v1/meta/schemas/user/default"
	app := "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default"
	cases := []struct {
		name, path, prop string
		body             any
		cause            string
	}{
		{"bad variable name", user, "1abc", strProp("X"), "invalid"},
		{"dash in name", user, "a-b", strProp("X"), "invalid"},
		{"reserved", user, "status", strProp("X"), "reserved"},
		{"base name clash", user, "FirstName", strProp("X"), "conflicts with the base property"},
		{"case clash", user, "BADGENUMBER", strProp("X"), "conflicts with the existing property"},
		{"missing title", user, "a1", map[string]any{"type": "string"}, "title is required"},
		{"missing type", user, "a1", map[string]any{"title": "A"}, "type must be one of"},
		{"bad type", user, "a1", map[string]any{"title": "A", "type": "date"}, "type must be one of"},
		{"array without items", user, "a1", map[string]any{"title": "A", "type": "array"}, "items.type"},
		{"items on string", user, "a1", map[string]any{"title": "A", "type": "string", "items": map[string]any{"type": "string"}}, "only allowed for arrays"},
		{"bad scope", user, "a1", map[string]any{"title": "A", "type": "string", "scope": "ALL"}, "scope must be NONE or SELF"},
		{"bad permission", user, "a1", map[string]any{"title": "A", "type": "string", "permissions": []any{map[string]any{"principal": "SELF", "action": "WRITE"}}}, "permission action"},
		{"bad principal", user, "a1", map[string]any{"title": "A", "type": "string", "permissions": []any{map[string]any{"principal": "ADMIN", "action": "HIDE"}}}, "principal must be SELF"},
		{"bad master", user, "a1", map[string]any{"title": "A", "type": "string", "master": map[string]any{"type": "APP"}}, "master.type must be one of"},
		{"override without priority", user, "a1", map[string]any{"title": "A", "type": "string", "master": map[string]any{"type": "OVERRIDE"}}, "non-empty master.priority"},
		{"priority unknown app", user, "a1", map[string]any{"title": "A", "type": "string", "master": map[string]any{"type": "OVERRIDE", "priority": []any{map[string]any{"type": "APP", "value": "0oanope"}}}}, "not an app in this org"},
		{"priority without override", user, "a1", map[string]any{"title": "A", "type": "string", "master": map[string]any{"type": "PROFILE_MASTER", "priority": []any{map[string]any{"type": "APP", "value": DemoHRAppID}}}}, "only allowed with master.type OVERRIDE"},
		{"pattern on app schema", app, "a1", map[string]any{"title": "A", "type": "string", "pattern": ".+"}, "pattern is not supported on app user schemas"},
		{"union on user schema", user, "a1", map[string]any{"title": "A", "type": "array", "items": map[string]any{"type": "string"}, "union": "ENABLE"}, "only supported on app user schemas"},
		{"min over max", user, "a1", map[string]any{"title": "A", "type": "string", "minLength": 5, "maxLength": 2}, "must not exceed"},
		{"negative length", user, "a1", map[string]any{"title": "A", "type": "string", "maxLength": -1}, "non-negative integer"},
		{"length on integer", user, "a1", map[string]any{"title": "A", "type": "integer", "maxLength": 3}, "only allowed for strings"},
		{"enum type mismatch", user, "a1", map[string]any{"title": "A", "type": "integer", "enum": []any{"x"}}, "not of type integer"},
		{"enum duplicates", user, "a1", map[string]any{"title": "A", "type": "string", "enum": []any{"x", "x"}}, "unique"},
		{"oneOf mismatch", user, "a1", map[string]any{"title": "A", "type": "string", "enum": []any{"x"}, "oneOf": []any{map[string]any{"const": "y", "title": "Y"}}}, "oneOf must list exactly"},
		{"oneOf without enum", user, "a1", map[string]any{"title": "A", "type": "string", "oneOf": []any{map[string]any{"const": "y", "title": "Y"}}}, "requires enum"},
		{"bad unique", user, "a1", map[string]any{"title": "A", "type": "string", "unique": "YES"}, "unique must be"},
		{"bad pattern", user, "a1", map[string]any{"title": "A", "type": "string", "pattern": "(("}, "regular expression"},
		{"type change", user, DemoUserAttrBadgeNumber, map[string]any{"title": "A", "type": "integer"}, "type cannot be changed"},
		{"not an object", user, "a1", "yes", "must be an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			causes := wantError(t, te.do("POST", c.path, addProp(c.prop, c.body)), 400, "E0000001")
			wantCause(t, causes, c.cause)
		})
	}
	// Base properties cannot be removed, nor unknown base properties patched.
	for name, body := range map[string]any{"login": nil, "noSuchBase": map[string]any{"title": "x"}} {
		r := te.do("POST", user, map[string]any{"definitions": map[string]any{"base": map[string]any{"properties": map[string]any{name: body}}}})
		wantError(t, r, 400, "E0000001")
	}
	// A refused POST changes nothing, even the valid parts of it.
	body := map[string]any{"definitions": map[string]any{"custom": map[string]any{"properties": map[string]any{
		"okOne": strProp("Fine"), "1bad": strProp("Bad")}}}}
	wantError(t, te.do("POST", user, body), 400, "E0000001")
	if customProps(t, te.mustDo(200, "GET", user, nil).obj(t))["okOne"] != nil {
		t.Fatal("a refused POST was partly applied")
	}
	wantError(t, te.do("POST", user, "{not json"), 400, "E0000003")
	wantError(t, te.do("POST", user, ""), 400, "E0000003")
}

func TestSchema_deleteRefusedWhileMapped(t *testing.T) {
	te := startEmu(t, Options{})
	// A user attribute populated by a mapping (HR badgeNumber -> user.badgeNumber).
	causes := wantError(t, te.do("POST", "/api/v1/meta/schemas/user/default", addProp(DemoUserAttrBadgeNumber, nil)), 400, "E0000001")
	wantCause(t, causes, "Property badgeNumber cannot be deleted.")
	// An app attribute read by a mapping: Okta's "It is used to populate user.X".
	causes = wantError(t, te.do("POST", "/api/v1/meta/schemas/apps/"+DemoHRAppID+"/default", addProp(DemoHRAttrBadgeNumber, nil)), 400, "E0000001")
	wantCause(t, causes, "Property badgeNumber cannot be deleted. It is used to populate user.badgeNumber.")
	// A user attribute read by an Okta->app mapping.
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("deskCode", strProp("Desk")))
	id := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{"title": map[string]any{"expression": "'D-' + user.deskCode", "pushStatus": "PUSH"}}))
	causes = wantError(t, te.do("POST", "/api/v1/meta/schemas/user/default", addProp("deskCode", nil)), 400, "E0000001")
	wantCause(t, causes, "It is used to populate dialpad.title.")
	// Once unmapped it can go.
	te.mustDo(200, "POST", "/api/v1/mappings/"+id, mappingProps(map[string]any{"title": nil}))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("deskCode", nil))
}

func TestSchema_cleanupDelay(t *testing.T) {
	te := startEmu(t, Options{CleanupDelay: 80 * time.Millisecond})
	user := "/api/v1/meta/schemas/user/default"
	te.mustDo(200, "POST", user, addProp("temp", strProp("Temp")))
	te.mustDo(200, "POST", user, addProp("temp", nil))
	causes := wantError(t, te.do("POST", user, addProp("temp", strProp("Temp"))), 400, "E0000001")
	wantCause(t, causes, "the deletion process for an attribute with the same variable name is incomplete")
	// Case-insensitively the same variable name.
	wantError(t, te.do("POST", user, addProp("TEMP", strProp("Temp"))), 400, "E0000001")
	// Other names and other schemas are unaffected.
	te.mustDo(200, "POST", user, addProp("temp2", strProp("Temp")))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", addProp("temp", strProp("Temp")))
	time.Sleep(90 * time.Millisecond)
	te.mustDo(200, "POST", user, addProp("temp", strProp("Temp")))
}

func TestSchema_consistencyDelay(t *testing.T) {
	te := startEmu(t, Options{ConsistencyDelay: 80 * time.Millisecond})
	user := "/api/v1/meta/schemas/user/default"
	got := te.mustDo(200, "POST", user, addProp("late", strProp("Late"))).obj(t)
	if customProps(t, got)["late"] == nil {
		t.Fatal("the POST response must show the write")
	}
	if customProps(t, te.mustDo(200, "GET", user, nil).obj(t))["late"] != nil {
		t.Fatal("GET saw the write before the consistency delay")
	}
	// The write is nonetheless applied: a second write builds on it.
	te.mustDo(200, "POST", user, addProp("later", strProp("Later")))
	time.Sleep(90 * time.Millisecond)
	props := customProps(t, te.mustDo(200, "GET", user, nil).obj(t))
	if props["late"] == nil || props["later"] == nil {
		t.Fatalf("after the delay GET lacks writes: %v", props)
	}
}

func TestSchema_lostUpdateWindow(t *testing.T) {
	te := startEmu(t, Options{LostUpdateWindow: 80 * time.Millisecond})
	user := "/api/v1/meta/schemas/user/default"
	te.mustDo(200, "POST", user, addProp("first", strProp("First")))
	got := te.mustDo(200, "POST", user, addProp("second", strProp("Second"))).obj(t)
	if customProps(t, got)["second"] == nil || customProps(t, got)["first"] == nil {
		t.Fatal("a dropped write must still answer the expected body")
	}
	props := customProps(t, te.mustDo(200, "GET", user, nil).obj(t))
	if props["first"] == nil || props["second"] != nil {
		t.Fatalf("second write should have been dropped: first=%v second=%v", props["first"], props["second"])
	}
	if s := te.stats(); s.Dropped != 1 {
		t.Fatalf("dropped %d", s.Dropped)
	}
	// The window runs from the last applied write, so waiting it out gets through; another object is
	// unaffected.
	te.mustDo(200, "POST", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", addProp("x1", strProp("X")))
	time.Sleep(90 * time.Millisecond)
	te.mustDo(200, "POST", user, addProp("second", strProp("Second")))
	if customProps(t, te.mustDo(200, "GET", user, nil).obj(t))["second"] == nil {
		t.Fatal("a write after the window was dropped")
	}
	if customProps(t, te.mustDo(200, "GET", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", nil).obj(t))["x1"] == nil {
		t.Fatal("the window must be per object")
	}
}

// TestLostUpdateWindow_runsFromLastAppliedWrite: a dropped write does not restart the window (issue 2:
// "measured from the last applied write so that a careful client gets through"). With a 1 s window,
// write 0 is applied, write 1 0.4 s later is dropped, and write 2, 1.1 s after write 0 but only 0.7 s
// after write 1, is applied.
func TestLostUpdateWindow_runsFromLastAppliedWrite(t *testing.T) {
	const window = time.Second
	exprs := []string{"user.title", "user.login", "user.email"}
	for _, c := range []struct {
		name  string
		path  func(te *testEmu) string
		write func(i int) any
		state func(te *testEmu, path string) string // what the writes so far left behind
		want  string                                // state after writes 0 and 2, without 1
	}{
		{"schema", func(*testEmu) string { return "/api/v1/meta/schemas/user/default" },
			func(i int) any { return addProp(fmt.Sprintf("lost%d", i), strProp("Lost")) },
			func(te *testEmu, p string) string {
				var names []string
				for name := range customProps(te.t, te.mustDo(200, "GET", p, nil).obj(te.t)) {
					if strings.HasPrefix(name, "lost") {
						names = append(names, name)
					}
				}
				sort.Strings(names)
				return strings.Join(names, ",")
			}, "lost0,lost2"},
		{"mapping", func(te *testEmu) string {
			return "/api/v1/mappings/" + te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
		},
			func(i int) any {
				return mappingProps(map[string]any{"title": map[string]any{"expression": exprs[i], "pushStatus": "PUSH"}})
			},
			func(te *testEmu, p string) string {
				return fmt.Sprint(path(te.t, te.mustDo(200, "GET", p, nil).obj(te.t), "properties", "title", "expression"))
			}, exprs[2]},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			te := startEmu(t, Options{LostUpdateWindow: window})
			p := c.path(te)
			te.mustDo(200, "POST", p, c.write(0))
			time.Sleep(window * 4 / 10)
			te.mustDo(200, "POST", p, c.write(1))
			if s := te.stats(); s.Dropped != 1 {
				t.Fatalf("write 1, %v after the applied write 0, was not dropped (dropped %d)", window*4/10, s.Dropped)
			}
			time.Sleep(window * 7 / 10)
			te.mustDo(200, "POST", p, c.write(2))
			if s := te.stats(); s.Dropped != 1 {
				t.Fatalf("write 2, %v after the last applied write, was dropped: the window restarted at the dropped write (dropped %d)", window*11/10, s.Dropped)
			}
			if got := c.state(te, p); got != c.want {
				t.Fatalf("after the three writes: %s, want %s", got, c.want)
			}
		})
	}
}

// TestFaultRules_lostUpdate: a lost_update rule makes the next N schema or mapping writes lose to a
// simulated overlapping writer, independent of timing: each is answered 200 with its change, the
// next read lacks it (a created property is missing, a deleted one is back), and each counts in
// stats dropped. A refused write, or a write to another object, leaves the rule armed.
func TestFaultRules_lostUpdate(t *testing.T) {
	te := startEmu(t, Options{})
	user := "/api/v1/meta/schemas/user/default"
	app := "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default"
	mapping := "/api/v1/mappings/" + te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	te.mustDo(200, "POST", user, addProp("pre", strProp("Pre")))
	te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rules": []any{
		map[string]any{"method": "POST", "route": "/api/v1/meta/schemas/user/{id}", "lost_update": true, "count": 2},
		map[string]any{"route": mapping, "lost_update": true, "count": 1},
	}})
	userProps := func() map[string]any { return customProps(t, te.mustDo(200, "GET", user, nil).obj(t)) }

	// A create: answered with the property, gone on the next read.
	got := te.mustDo(200, "POST", user, addProp("made", strProp("Made"))).obj(t)
	if customProps(t, got)["made"] == nil {
		t.Fatalf("a lost write must answer the change it was sent: %s", got)
	}
	if p := userProps(); p["made"] != nil || p["pre"] == nil {
		t.Fatalf("after the lost create: made=%v pre=%v, want the property missing and pre kept", p["made"], p["pre"])
	}
	// Refused writes and writes to other objects do not use the rule up.
	wantError(t, te.do("POST", user, addProp("1bad", strProp("Bad"))), 400, "E0000001")
	te.mustDo(200, "POST", app, addProp("appOnly", strProp("App")))
	if customProps(t, te.mustDo(200, "GET", app, nil).obj(t))["appOnly"] == nil {
		t.Fatal("a write to the app schema was lost to a rule for user schemas")
	}
	// A delete: answered without the property, which is back on the next read.
	got = te.mustDo(200, "POST", user, addProp("pre", nil)).obj(t)
	if _, ok := customProps(t, got)["pre"]; ok {
		t.Fatalf("a lost delete must answer the property removed: %s", got)
	}
	if userProps()["pre"] == nil {
		t.Fatal("after the lost delete the property must reappear")
	}
	// A mapping write: answered with the property, gone on the next read.
	got = te.mustDo(200, "POST", mapping, mappingProps(map[string]any{"title": map[string]any{"expression": "user.title", "pushStatus": "PUSH"}})).obj(t)
	if path(t, got, "properties", "title") == nil {
		t.Fatalf("a lost mapping write must answer the change: %s", got)
	}
	if path(t, te.mustDo(200, "GET", mapping, nil).obj(t), "properties", "title") != nil {
		t.Fatal("a lost mapping write was kept")
	}
	if s := te.stats(); s.Dropped != 3 || s.Faults != 0 || s.Deletes != 0 {
		t.Fatalf("stats %+v, want 3 dropped, no faults, no deletes", s)
	}
	if rules := te.mustDo(200, "GET", "/__emulator/faults", nil).obj(t)["rules"].([]any); len(rules) != 0 {
		t.Fatalf("spent rules remain: %v", rules)
	}

	// Spent, the rules lose nothing more: the same writes stick.
	te.mustDo(200, "POST", user, addProp("made", strProp("Made")))
	te.mustDo(200, "POST", user, addProp("pre", nil))
	te.mustDo(200, "POST", mapping, mappingProps(map[string]any{"title": map[string]any{"expression": "user.title", "pushStatus": "PUSH"}}))
	if p := userProps(); p["made"] == nil || p["pre"] != nil {
		t.Fatalf("after the rules were spent: made=%v pre=%v", p["made"], p["pre"])
	}
	if path(t, te.mustDo(200, "GET", mapping, nil).obj(t), "properties", "title") == nil {
		t.Fatal("a mapping write after the rule was spent was lost")
	}
	if s := te.stats(); s.Dropped != 3 || s.Deletes != 1 {
		t.Fatalf("stats %+v, want still 3 dropped and the one real delete", s)
	}
}

func TestFaultRules_lostUpdateValidation(t *testing.T) {
	te := startEmu(t, Options{})
	for name, rule := range map[string]map[string]any{
		"with a status":      {"route": "/api/v1/mappings/{id}", "lost_update": true, "count": 1, "status": 503},
		"after commit":       {"route": "/api/v1/mappings/{id}", "lost_update": true, "count": 1, "after_commit": true},
		"not a POST":         {"method": "GET", "route": "/api/v1/mappings/{id}", "lost_update": true, "count": 1},
		"not a schema write": {"route": "/api/v1/users/{id}", "lost_update": true, "count": 1},
		"no count":           {"route": "/api/v1/meta/schemas/user/{id}", "lost_update": true},
	} {
		causes := wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"rules": []any{rule}}), 400, "E0000001")
		if len(causes) != 1 {
			t.Errorf("%s: causes %q", name, causes)
		}
	}
	// A concrete path and no route at all (any schema or mapping write) are taken.
	got := te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rules": []any{
		map[string]any{"route": "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default", "lost_update": true, "count": 1},
		map[string]any{"lost_update": true, "count": 1},
	}}).obj(t)
	if rules := got["rules"].([]any); len(rules) != 2 || rules[0].(map[string]any)["lost_update"] != true {
		t.Fatalf("rules %v", got["rules"])
	}
}
