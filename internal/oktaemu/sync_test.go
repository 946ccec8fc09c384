package oktaemu

import (
	"os"
	"path/filepath"
	"testing"
)

// dialpadUsers returns the Dialpad app users in assignment order (demo index order).
func (te *testEmu) dialpadUsers() []map[string]any {
	te.t.Helper()
	var out []map[string]any
	for _, au := range te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID+"/users?limit=500", nil).list(te.t) {
		out = append(out, au.(map[string]any))
	}
	return out
}

func (te *testEmu) userProfile(id string) map[string]any {
	te.t.Helper()
	return path(te.t, te.mustDo(200, "GET", "/api/v1/users/"+id, nil).obj(te.t), "profile").(map[string]any)
}

func TestSeed_demo(t *testing.T) {
	te := startEmu(t, Options{})
	dp := te.dialpadUsers()
	if len(dp) != DemoDialpadUserCount {
		t.Fatalf("%d Dialpad users", len(dp))
	}
	kinds := map[int]int{}
	for i := range dp {
		kinds[len(DemoDialpadPhones(i))]++
	}
	if kinds[0] == 0 || kinds[1] == 0 || kinds[2] == 0 {
		t.Fatalf("phone variety: %v", kinds)
	}
	// The Dialpad side's SCIM records hold numbers of several types.
	types := map[string]int{}
	te.emu.mu.Lock()
	for _, rec := range te.emu.org.appsByID[DemoDialpadAppID].scim {
		pns, _ := rec["phoneNumbers"].([]any)
		for _, pn := range pns {
			typ, _ := pn.(map[string]any)["type"].(string)
			types[typ]++
		}
	}
	te.emu.mu.Unlock()
	if types["Dialpad"] == 0 || types["work"] == 0 || types["mobile"] == 0 {
		t.Fatalf("SCIM phone number types: %v", types)
	}
	hr := te.mustDo(200, "GET", "/api/v1/apps/"+DemoHRAppID+"/users?limit=500", nil).list(t)
	hrIDs := map[string]bool{}
	for _, au := range hr {
		hrIDs[au.(map[string]any)["id"].(string)] = true
	}
	both := 0
	for _, au := range dp {
		if hrIDs[au["id"].(string)] {
			both++
		}
	}
	if both == 0 || both == len(dp) {
		t.Fatalf("%d Dialpad users also have the HR app", both)
	}
	// App user profiles come from the SCIM records through externalName (incl. a namespaced one).
	p := dp[0]["profile"].(map[string]any)
	if p["givenName"] == nil || p["email"] == nil || p[DemoDialpadAttrDepartment] == nil {
		t.Fatalf("app user profile %v", p)
	}
}

func TestSync_endToEnd(t *testing.T) {
	te := startEmu(t, Options{})
	appSchema := "/api/v1/meta/schemas/apps/" + DemoDialpadAppID + "/default"
	userSchema := "/api/v1/meta/schemas/user/default"
	reapply := "/api/internal/v1/mappings/reapply?source=" + DemoDialpadAppID + "&target=" + DemoDefaultUserTypeID
	toOkta := te.mappingID(DemoDialpadAppID, DemoDefaultUserTypeID)
	dp := te.dialpadUsers()
	firstNames := map[string]any{}
	for _, au := range dp {
		firstNames[au["id"].(string)] = te.userProfile(au["id"].(string))["firstName"]
	}

	// 1. The app attribute reads the first Dialpad-typed number of the SCIM record; an import fills it.
	te.mustDo(200, "POST", appSchema, addProp("dialpadPhone", map[string]any{"title": "Dialpad phone", "type": "string",
		"externalName": "phoneNumbers.^[type=='Dialpad'].value", "externalNamespace": scimCoreNamespace}))
	if dp := te.dialpadUsers(); dp[0]["profile"].(map[string]any)["dialpadPhone"] != nil {
		t.Fatal("app user profiles change only on import")
	}
	imp := te.mustDo(200, "POST", "/__emulator/apps/"+DemoDialpadAppID+"/import", nil).obj(t)
	if imp["app_users"] != float64(DemoDialpadUserCount) {
		t.Fatalf("import: %v", imp)
	}
	dp = te.dialpadUsers()
	for i, au := range dp {
		got := au["profile"].(map[string]any)["dialpadPhone"]
		want := DemoDialpadPhones(i)
		if len(want) == 0 && got != nil || len(want) > 0 && got != want[0] {
			t.Fatalf("user %d: dialpadPhone %v, want first of %v", i, got, want)
		}
	}

	// 2. The Okta attribute and a DONT_PUSH mapping: not a profile source yet, so nothing is written.
	te.mustDo(200, "POST", userSchema, addProp("dialpadPhone", strProp("Dialpad phone")))
	te.mustDo(200, "POST", "/api/v1/mappings/"+toOkta, mappingProps(map[string]any{
		"dialpadPhone": map[string]any{"expression": "appuser.dialpadPhone", "pushStatus": "DONT_PUSH"}}))
	te.mustDo(204, "PUT", reapply, nil)
	for _, au := range dp {
		if v := te.userProfile(au["id"].(string))["dialpadPhone"]; v != nil {
			t.Fatalf("a non-profile-source app wrote %v", v)
		}
	}

	// 3. Profile sourcing on, PUSH, reapply: users whose profile master is Dialpad get the number; users
	// mastered by the higher-priority HR app do not; other attributes follow the same rule.
	te.mustDo(200, "PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true, "deactivation_action": "NONE"})
	te.mustDo(200, "POST", "/api/v1/mappings/"+toOkta, mappingProps(map[string]any{
		"dialpadPhone":       map[string]any{"expression": "appuser.dialpadPhone", "pushStatus": "PUSH"},
		"firstName":          map[string]any{"expression": "appuser.givenName + '*'", "pushStatus": "PUSH"},
		DemoUserAttrPronouns: map[string]any{"expression": "'x/x'", "pushStatus": "PUSH"},
	}))
	te.mustDo(204, "PUT", reapply, nil)
	for i, au := range dp {
		id := au["id"].(string)
		p := te.userProfile(id)
		hrMastered := i >= demoHRFirst
		want := any(nil)
		if ph := DemoDialpadPhones(i); len(ph) > 0 && !hrMastered {
			want = ph[0]
		}
		if p["dialpadPhone"] != want {
			t.Fatalf("user %d (HR-mastered %v): dialpadPhone %v, want %v", i, hrMastered, p["dialpadPhone"], want)
		}
		wantFirst := firstNames[id]
		if !hrMastered {
			wantFirst = wantFirst.(string) + "*"
		}
		if p["firstName"] != wantFirst {
			t.Fatalf("user %d: firstName %v, want %v", i, p["firstName"], wantFirst)
		}
		if p[DemoUserAttrPronouns] == "x/x" {
			t.Fatalf("user %d: an OKTA-mastered attribute was written by an app", i)
		}
	}

	// 4. Attribute-level OVERRIDE listing Dialpad lets it write dialpadPhone for HR-mastered users too,
	// and only that attribute.
	te.mustDo(200, "POST", userSchema, addProp("dialpadPhone", map[string]any{"title": "Dialpad phone", "type": "string",
		"master": map[string]any{"type": "OVERRIDE", "priority": []any{map[string]any{"type": "APP", "value": DemoDialpadAppID}}}}))
	te.mustDo(204, "PUT", reapply, nil)
	for i, au := range dp {
		p := te.userProfile(au["id"].(string))
		want := any(nil)
		if ph := DemoDialpadPhones(i); len(ph) > 0 {
			want = ph[0]
		}
		if p["dialpadPhone"] != want {
			t.Fatalf("user %d: dialpadPhone %v under OVERRIDE, want %v", i, p["dialpadPhone"], want)
		}
		if i >= demoHRFirst && p["firstName"] != firstNames[au["id"].(string)] {
			t.Fatalf("user %d: OVERRIDE on one attribute leaked to firstName", i)
		}
	}

	// 5. The HR app's mappings still hold and users outside Dialpad are untouched.
	hrMap := te.mustDo(200, "GET", "/api/v1/mappings/"+te.mappingID(DemoHRAppID, DemoDefaultUserTypeID), nil).obj(t)
	if path(t, hrMap, "properties", DemoUserAttrBadgeNumber, "expression") != "appuser.badgeNumber" {
		t.Fatal("HR mapping changed")
	}
	others := te.mustDo(200, "GET", "/api/v1/users?limit=200&search=profile.dialpadPhone%20pr", nil).list(t)
	withPhone := 0
	for i := range DemoDialpadUserCount {
		if len(DemoDialpadPhones(i)) > 0 {
			withPhone++
		}
	}
	if len(others) != withPhone {
		t.Fatalf("%d users have dialpadPhone, want %d", len(others), withPhone)
	}
}

func TestSync_importAppliesOnlyPush(t *testing.T) {
	te := startEmu(t, Options{})
	te.mustDo(200, "POST", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", addProp("dialpadPhone", map[string]any{
		"title": "Dialpad phone", "type": "string", "externalName": "phoneNumbers.^[type=='Dialpad'].value"}))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("dialpadPhone", strProp("Dialpad phone")))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("dialpadPhone2", strProp("Dialpad phone 2")))
	te.mustDo(200, "PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true})
	te.mustDo(200, "POST", "/api/v1/mappings/"+te.mappingID(DemoDialpadAppID, DemoDefaultUserTypeID), mappingProps(map[string]any{
		"dialpadPhone":  map[string]any{"expression": "appuser.dialpadPhone", "pushStatus": "PUSH"},
		"dialpadPhone2": map[string]any{"expression": "appuser.dialpadPhone", "pushStatus": "DONT_PUSH"},
	}))
	res := te.mustDo(200, "POST", "/__emulator/apps/"+DemoDialpadAppID+"/import", nil).obj(t)
	if res["users_updated"].(float64) == 0 {
		t.Fatalf("import changed no users: %v", res)
	}
	p := te.userProfile(te.dialpadUsers()[1]["id"].(string))
	if p["dialpadPhone"] != DemoDialpadPhones(1)[0] || p["dialpadPhone2"] != nil {
		t.Fatalf("import: %v / %v", p["dialpadPhone"], p["dialpadPhone2"])
	}
	wantError(t, te.do("POST", "/__emulator/apps/0oanope/import", nil), 404, "E0000007")
}

func TestUsers_deprovisionedListedOnlyBySearch(t *testing.T) {
	seed := `{"users": [{"id": "00u000000000000000a1", "profile": {"login": "a@example.com"}},
	  {"id": "00u000000000000000a2", "status": "DEPROVISIONED", "profile": {"login": "b@example.com"}}]}`
	f := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(f, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	te := startEmu(t, Options{Seed: f})
	if n := len(te.mustDo(200, "GET", "/api/v1/users", nil).list(t)); n != 1 {
		t.Fatalf("list: %d users", n)
	}
	if n := len(te.mustDo(200, "GET", "/api/v1/users?search=status%20eq%20%22DEPROVISIONED%22", nil).list(t)); n != 1 {
		t.Fatalf("search: %d users", n)
	}
}

func TestSync_reapplyOktaToApp(t *testing.T) {
	te := startEmu(t, Options{})
	te.mustDo(200, "POST", "/api/v1/mappings/"+te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID), mappingProps(map[string]any{
		"title": map[string]any{"expression": "'T: ' + user.title", "pushStatus": "PUSH"}}))
	te.mustDo(204, "PUT", "/api/internal/v1/mappings/reapply?source=default&target="+DemoDialpadAppID, nil)
	au := te.dialpadUsers()[0]
	want := "T: " + te.userProfile(au["id"].(string))["title"].(string)
	if au["profile"].(map[string]any)["title"] != want {
		t.Fatalf("app user title %v, want %q", au["profile"].(map[string]any)["title"], want)
	}
}

func TestSeed_emptyAndFile(t *testing.T) {
	te := startEmu(t, Options{Seed: "empty"})
	if n := len(te.mustDo(200, "GET", "/api/v1/apps", nil).list(t)); n != 0 {
		t.Fatalf("empty seed has %d apps", n)
	}
	te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil)
	te.mustDo(200, "GET", "/api/v1/meta/types/user/default", nil)

	seed := `{
	  "user_attributes": {"deskCode": {"title": "Desk", "type": "string"}},
	  "users": [{"id": "00u000000000000000a1", "profile": {"login": "a@example.com", "firstName": "A", "lastName": "B", "email": "a@example.com"}}],
	  "apps": [{"id": "0oa000000000000000x1", "name": "scimapp", "label": "SCIM App", "provisioning": true,
	            "attributes": {"phone": {"title": "Phone", "type": "string", "externalName": "phoneNumbers.^[type=='work'].value"}},
	            "users": [{"id": "00u000000000000000a1", "scim": {"userName": "a@example.com", "phoneNumbers": [{"type": "work", "value": "+1555"}]}}],
	            "mappings_to_okta": {"firstName": {"expression": "appuser.givenName"}}}]
	}`
	f := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(f, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	te = startEmu(t, Options{Seed: f})
	au := te.mustDo(200, "GET", "/api/v1/apps/0oa000000000000000x1/users", nil).list(t)
	if len(au) != 1 || path(t, au[0], "profile", "phone") != "+1555" {
		t.Fatalf("file seed app users: %v", au)
	}
	if customProps(t, te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil).obj(t))["deskCode"] == nil {
		t.Fatal("file seed user attribute missing")
	}
	for _, bad := range []string{`{`, `{"apps":[{"name":"x"}]}`, `{"users":[{"id":"u1"},{"id":"u1"}]}`,
		`{"user_attributes":{"1x":{"title":"t","type":"string"}}}`,
		`{"apps":[{"name":"a","label":"A","mappings_to_okta":{"firstName":{"expression":"appuser.nope"}}}]}`} {
		if err := os.WriteFile(f, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Options{Seed: f}); err == nil {
			t.Errorf("seed %s accepted", bad)
		}
	}
}

func TestSync_deletedAttributeLeavesProfiles(t *testing.T) {
	te := startEmu(t, Options{})
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp(DemoUserAttrWorkLocation, nil))
	for _, u := range te.mustDo(200, "GET", "/api/v1/users?limit=5", nil).list(t) {
		if _, ok := path(t, u, "profile").(map[string]any)[DemoUserAttrWorkLocation]; ok {
			t.Fatal("a deleted user attribute kept its values")
		}
	}
	te.mustDo(200, "POST", "/api/v1/mappings/"+te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID), mappingProps(map[string]any{DemoDialpadAttrDepartment: nil}))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", addProp(DemoDialpadAttrDepartment, nil))
	if _, ok := te.dialpadUsers()[0]["profile"].(map[string]any)[DemoDialpadAttrDepartment]; ok {
		t.Fatal("a deleted app attribute kept its values")
	}
}

// TestSeed_consistent: the seed's profiles are what its own mappings produce, so reapplying or importing
// them changes nothing (a test that sees a change knows the provider caused it).
func TestSeed_consistent(t *testing.T) {
	te := startEmu(t, Options{})
	for _, app := range []string{DemoHRAppID, DemoDialpadAppID} {
		te.mustDo(200, "PUT", "/__emulator/apps/"+app+"/profile-sourcing", map[string]any{"enabled": true})
		res := te.mustDo(200, "POST", "/__emulator/apps/"+app+"/import", nil).obj(t)
		if res["users_updated"] != 0.0 || res["app_users_updated"] != 0.0 {
			t.Fatalf("import of %s changed the seed: %v", app, res)
		}
	}
	before := te.mustDo(200, "GET", "/api/v1/users?limit=200", nil).raw
	var appsBefore [][]byte
	for _, app := range []string{DemoDialpadAppID, DemoHRAppID, DemoMeetingsAppID} {
		appsBefore = append(appsBefore, te.mustDo(200, "GET", "/api/v1/apps/"+app+"/users?limit=500", nil).raw)
	}
	for _, pair := range [][2]string{{DemoHRAppID, "default"}, {DemoDialpadAppID, "default"}, {"default", DemoDialpadAppID}, {"default", DemoMeetingsAppID}} {
		te.mustDo(204, "PUT", "/api/internal/v1/mappings/reapply?source="+pair[0]+"&target="+pair[1], nil)
	}
	if after := te.mustDo(200, "GET", "/api/v1/users?limit=200", nil).raw; string(after) != string(before) {
		t.Fatal("reapplying the seed's mappings changed user profiles")
	}
	for i, app := range []string{DemoDialpadAppID, DemoHRAppID, DemoMeetingsAppID} {
		if after := te.mustDo(200, "GET", "/api/v1/apps/"+app+"/users?limit=500", nil).raw; string(after) != string(appsBefore[i]) {
			t.Fatalf("reapplying the seed's mappings changed %s app users", app)
		}
	}
	meet := te.mustDo(200, "GET", "/api/v1/apps/"+DemoMeetingsAppID+"/users?limit=1", nil).list(t)
	if path(t, meet[0], "profile", "userName") == nil {
		t.Fatal("Meetings app users have no userName")
	}
}
