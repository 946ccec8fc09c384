package oktaemu

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// TestSDKFlow_phoneSync drives the whole phone-number sync on the demo org through okta-sdk-golang
// v5.0.6, the client the provider uses, over real HTTP:
//
//  1. add dialpadPhone to the Okta user schema;
//  2. add dialpadPhone to the Dialpad app user schema, read from SCIM phoneNumbers of type Dialpad;
//  3. map Dialpad -> Okta with PUSH: refused while the app is not a profile source, accepted once the
//     console-only "Allow app to source Okta users" is on (control API);
//  4. import: users whose profile master is Dialpad get their number, users mastered by the HR app
//     (higher priority) do not;
//  5. master OVERRIDE with Dialpad on dialpadPhone, then reapply: every Dialpad user with a Dialpad
//     number has it, nobody else does, and no other attribute of any user changed;
//  6. tear down with JSON nulls (which typed SDK models cannot express; AdditionalProperties can).
//
// Throughout, the seed's attributes and mappings must survive untouched.
func TestSDKFlow_phoneSync(t *testing.T) {
	emu, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c := flowSDK(t, srv.URL)
	ctx := t.Context()
	const attr = "dialpadPhone"
	dialpad, userType := DemoDialpadAppID, DemoDefaultUserTypeID

	usersBefore := flowUsers(t, c)
	if len(usersBefore) != DemoUserCount {
		t.Fatalf("listed %d users through pagination, the demo seed has %d", len(usersBefore), DemoUserCount)
	}
	mappingsBefore := flowMappings(t, c)
	userSchemaBefore := flowCustomProps(t, flowGetUserSchema(t, c))

	// Which demo user index each Dialpad app user is: the SCIM id is 5100000000+i (seed.go).
	appUsers := flowAppUsers(t, c, dialpad)
	if len(appUsers) != DemoDialpadUserCount {
		t.Fatalf("Dialpad has %d app users, want %d", len(appUsers), DemoDialpadUserCount)
	}
	index := map[string]int{}
	for _, au := range appUsers {
		n, err := strconv.Atoi(au.GetExternalId())
		if err != nil {
			t.Fatalf("app user %s externalId %q", au.GetId(), au.GetExternalId())
		}
		index[au.GetId()] = n - 5100000000
	}
	hrAssigned := map[string]bool{}
	for _, au := range flowAppUsers(t, c, DemoHRAppID) {
		hrAssigned[au.GetId()] = true
	}
	// want returns the number user id should end with, "" for none. onlyDialpadMastered: before the
	// OVERRIDE, the HR app masters its users and Dialpad may not write their profiles.
	want := func(id string, onlyDialpadMastered bool) string {
		i, ok := index[id]
		if !ok || (onlyDialpadMastered && hrAssigned[id]) {
			return ""
		}
		if nums := DemoDialpadPhones(i); len(nums) > 0 {
			return nums[0] // the filter selects the first Dialpad-typed number
		}
		return ""
	}

	// Step 1: the Okta user attribute.
	oktaAttr := sdk.UserSchemaAttribute{
		Title:       sdk.PtrString("Dialpad phone"),
		Description: sdk.PtrString("Primary Dialpad number, sourced from Dialpad"),
		Type:        sdk.PtrString("string"),
		Scope:       sdk.PtrString("NONE"),
		MaxLength:   *sdk.NewNullableInt32(sdk.PtrInt32(32)),
		Permissions: []sdk.UserSchemaAttributePermission{{Principal: sdk.PtrString("SELF"), Action: sdk.PtrString("READ_ONLY")}},
	}
	s, _, err := c.SchemaAPI.UpdateUserProfile(ctx, "default").UserSchema(flowSchemaWith(attr, oktaAttr)).Execute()
	if err != nil {
		t.Fatalf("step 1, add %s to the Okta user schema: %v", attr, flowErr(err))
	}
	got := flowCustomProps(t, s)
	if got[attr] == nil || got[attr]["title"] != "Dialpad phone" || got[attr]["maxLength"] != float64(32) {
		t.Fatalf("step 1: schema answered %s = %v", attr, got[attr])
	}
	flowSurvives(t, "step 1 user schema", userSchemaBefore, got)

	// Step 2: the app user attribute, read from SCIM.
	appAttr := sdk.UserSchemaAttribute{
		Title:             sdk.PtrString("Dialpad phone"),
		Type:              sdk.PtrString("string"),
		Scope:             sdk.PtrString("NONE"),
		ExternalName:      sdk.PtrString("phoneNumbers.^[type=='Dialpad'].value"),
		ExternalNamespace: sdk.PtrString("urn:ietf:params:scim:schemas:core:2.0:User"),
	}
	appSchemaBefore := flowCustomProps(t, flowGetAppSchema(t, c, dialpad))
	_, _, err = c.SchemaAPI.UpdateApplicationUserProfile(ctx, dialpad).Body(flowSchemaWith(attr, appAttr)).Execute()
	if err != nil {
		t.Fatalf("step 2, add %s to the Dialpad app user schema: %v", attr, flowErr(err))
	}
	got = flowCustomProps(t, flowGetAppSchema(t, c, dialpad))
	if got[attr]["externalName"] != "phoneNumbers.^[type=='Dialpad'].value" || got[attr]["externalNamespace"] != "urn:ietf:params:scim:schemas:core:2.0:User" {
		t.Fatalf("step 2: app schema holds %s = %v", attr, got[attr])
	}
	flowSurvives(t, "step 2 app schema", appSchemaBefore, got)

	// Step 3: the mapping Dialpad -> Okta with PUSH.
	list, _, err := c.ProfileMappingAPI.ListProfileMappings(ctx).SourceId(dialpad).TargetId(userType).Execute()
	if err != nil || len(list) != 1 {
		t.Fatalf("step 3: mappings Dialpad -> user: %v, %v", list, flowErr(err))
	}
	mappingID := list[0].GetId()
	push := sdk.ProfileMappingRequest{Properties: map[string]sdk.ProfileMappingProperty{
		attr: {Expression: sdk.PtrString("appuser." + attr), PushStatus: sdk.PtrString("PUSH")},
	}}
	_, resp, err := c.ProfileMappingAPI.UpdateProfileMapping(ctx, mappingID).ProfileMapping(push).Execute()
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest || !strings.Contains(flowErr(err).Error(), "profile mastering enabled apps only") {
		t.Fatalf("step 3: PUSH from an app that is not a profile source: %v, want 400 'Push status is allowed for profile mastering enabled apps only'", flowErr(err))
	}
	flowControl(t, srv.URL, http.MethodPut, "/__emulator/apps/"+dialpad+"/profile-sourcing", `{"enabled": true, "deactivation_action": "NONE"}`)
	app, _, err := c.ApplicationAPI.GetApplication(ctx, dialpad).Execute()
	if err != nil {
		t.Fatalf("step 3: get app: %v", flowErr(err))
	}
	if features := flowAppFeatures(t, app); !slices.Contains(features, "PROFILE_MASTERING") {
		t.Fatalf("step 3: profile sourcing on, but the app's features are %v", features)
	}
	m, _, err := c.ProfileMappingAPI.UpdateProfileMapping(ctx, mappingID).ProfileMapping(push).Execute()
	if err != nil {
		t.Fatalf("step 3: PUSH mapping once the app is a profile source: %v", flowErr(err))
	}
	if p := m.GetProperties()[attr]; p.GetExpression() != "appuser."+attr || p.GetPushStatus() != "PUSH" {
		t.Fatalf("step 3: mapping answered %s = %+v", attr, p)
	}
	for name, p := range mappingsBefore[mappingID] {
		if !reflect.DeepEqual(m.GetProperties()[name], p) {
			t.Errorf("step 3: the partial update changed the mapping's %s: %+v -> %+v", name, p, m.GetProperties()[name])
		}
	}

	// Step 4: the app pushes its users; only Dialpad-mastered users may receive the value.
	flowControl(t, srv.URL, http.MethodPost, "/__emulator/apps/"+dialpad+"/import", "")
	flowCheckUsers(t, "step 4 (import, master PROFILE_MASTER)", usersBefore, flowUsers(t, c), attr, func(id string) string { return want(id, true) })

	// Step 5: OVERRIDE with Dialpad first, then reapply the mapping to existing users.
	oktaAttr.Master = &sdk.UserSchemaAttributeMaster{
		Type:     sdk.PtrString("OVERRIDE"),
		Priority: []sdk.UserSchemaAttributeMasterPriority{{Type: sdk.PtrString("APP"), Value: sdk.PtrString(dialpad)}},
	}
	s, _, err = c.SchemaAPI.UpdateUserProfile(ctx, "default").UserSchema(flowSchemaWith(attr, oktaAttr)).Execute()
	if err != nil {
		t.Fatalf("step 5, master OVERRIDE: %v", flowErr(err))
	}
	master, _ := flowCustomProps(t, s)[attr]["master"].(map[string]any)
	if master["type"] != "OVERRIDE" || !reflect.DeepEqual(master["priority"], []any{map[string]any{"type": "APP", "value": dialpad}}) {
		t.Fatalf("step 5: master answered %v", master)
	}
	flowControl(t, srv.URL, http.MethodPut, "/api/internal/v1/mappings/reapply?source="+dialpad+"&target="+userType, "")
	usersAfter := flowUsers(t, c)
	flowCheckUsers(t, "step 5 (OVERRIDE + reapply)", usersBefore, usersAfter, attr, func(id string) string { return want(id, false) })
	withNumber := 0
	for i := range DemoDialpadUserCount {
		if len(DemoDialpadPhones(i)) > 0 {
			withNumber++
		}
	}
	found, _, err := c.UserAPI.ListUsers(ctx).Search("profile." + attr + " pr").Limit(200).Execute()
	if err != nil || len(found) != withNumber {
		t.Fatalf("step 5: search %s pr found %d users (%v), want %d", attr, len(found), flowErr(err), withNumber)
	}

	// Mappings of the seed survived the whole flow (the Dialpad one gained exactly one property).
	mappingsAfter := flowMappings(t, c)
	for id, props := range mappingsBefore {
		after := maps.Clone(mappingsAfter[id])
		if id == mappingID {
			delete(after, attr)
		}
		if !reflect.DeepEqual(after, props) {
			t.Errorf("mapping %s changed: %v -> %v", id, props, mappingsAfter[id])
		}
	}

	// Step 6: tear down. A mapped attribute cannot be removed; the mapping property goes first.
	_, resp, err = c.SchemaAPI.UpdateUserProfile(ctx, "default").UserSchema(flowSchemaRemoving(attr)).Execute()
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest || !strings.Contains(flowErr(err).Error(), "cannot be deleted") {
		t.Fatalf("step 6: removing the mapped attribute: %v, want 400 '... cannot be deleted ...'", flowErr(err))
	}
	unmap := sdk.ProfileMappingRequest{AdditionalProperties: map[string]any{"properties": map[string]any{attr: nil}}}
	m, _, err = c.ProfileMappingAPI.UpdateProfileMapping(ctx, mappingID).ProfileMapping(unmap).Execute()
	if err != nil {
		t.Fatalf("step 6: null the mapping property: %v", flowErr(err))
	}
	if _, ok := m.GetProperties()[attr]; ok || len(m.GetProperties()) != len(mappingsBefore[mappingID]) {
		t.Fatalf("step 6: mapping after the null: %v", m.GetProperties())
	}
	if _, _, err = c.SchemaAPI.UpdateUserProfile(ctx, "default").UserSchema(flowSchemaRemoving(attr)).Execute(); err != nil {
		t.Fatalf("step 6: remove the Okta attribute: %v", flowErr(err))
	}
	if _, _, err = c.SchemaAPI.UpdateApplicationUserProfile(ctx, dialpad).Body(flowSchemaRemoving(attr)).Execute(); err != nil {
		t.Fatalf("step 6: remove the app attribute: %v", flowErr(err))
	}
	if got := flowCustomProps(t, flowGetUserSchema(t, c)); !reflect.DeepEqual(got, userSchemaBefore) {
		t.Errorf("step 6: user schema custom properties %v, want the seed's %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(userSchemaBefore)))
	}
	if got := flowCustomProps(t, flowGetAppSchema(t, c, dialpad)); !reflect.DeepEqual(got, appSchemaBefore) {
		t.Errorf("step 6: app schema custom properties %v, want the seed's %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(appSchemaBefore)))
	}
}

// flowSDK is an SSWS client as the provider builds it, pointed at an http:// emulator.
func flowSDK(t *testing.T, orgURL string) *sdk.APIClient {
	t.Helper()
	cfg, err := sdk.NewConfiguration(
		sdk.WithOrgUrl(orgURL),
		sdk.WithToken(DefaultToken),
		sdk.WithAuthorizationMode("SSWS"),
		sdk.WithCache(false),
		sdk.WithTestingDisableHttpsCheck(true),
		sdk.WithRateLimitMaxRetries(0),
	)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(orgURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host = u.Host // NewConfiguration keeps only the hostname
	return sdk.NewAPIClient(cfg)
}

// flowErr adds the response body to an SDK error (the SDK's message is only the HTTP status).
func flowErr(err error) error {
	var ge *sdk.GenericOpenAPIError
	if errors.As(err, &ge) {
		return errors.New(ge.Error() + ": " + string(ge.Body()))
	}
	return err
}

// flowControl calls the emulator's control API (or an Okta endpoint the SDK lacks) with the API token.
func flowControl(t *testing.T, base, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
}

// flowSchemaWith is a schema update that sets one custom property.
func flowSchemaWith(name string, a sdk.UserSchemaAttribute) sdk.UserSchema {
	return sdk.UserSchema{Definitions: &sdk.UserSchemaDefinitions{Custom: &sdk.UserSchemaPublic{
		Id:         sdk.PtrString("#custom"),
		Type:       sdk.PtrString("object"),
		Properties: &map[string]sdk.UserSchemaAttribute{name: a},
	}}}
}

// flowSchemaRemoving is a schema update that sends `"name": null`: the typed Properties map cannot hold
// a null, so the properties object goes through AdditionalProperties.
func flowSchemaRemoving(name string) sdk.UserSchema {
	return sdk.UserSchema{Definitions: &sdk.UserSchemaDefinitions{Custom: &sdk.UserSchemaPublic{
		Id:                   sdk.PtrString("#custom"),
		Type:                 sdk.PtrString("object"),
		AdditionalProperties: map[string]any{"properties": map[string]any{name: nil}},
	}}}
}

func flowGetUserSchema(t *testing.T, c *sdk.APIClient) *sdk.UserSchema {
	t.Helper()
	s, _, err := c.SchemaAPI.GetUserSchema(t.Context(), "default").Execute()
	if err != nil {
		t.Fatalf("get user schema: %v", flowErr(err))
	}
	return s
}

func flowGetAppSchema(t *testing.T, c *sdk.APIClient, appID string) *sdk.UserSchema {
	t.Helper()
	s, _, err := c.SchemaAPI.GetApplicationUserSchema(t.Context(), appID).Execute()
	if err != nil {
		t.Fatalf("get app user schema: %v", flowErr(err))
	}
	return s
}

// flowCustomProps returns definitions.custom.properties as plain JSON values.
func flowCustomProps(t *testing.T, s *sdk.UserSchema) map[string]map[string]any {
	t.Helper()
	var out map[string]map[string]any
	if s.Definitions == nil || s.Definitions.Custom == nil || s.Definitions.Custom.Properties == nil {
		return out
	}
	b, err := json.Marshal(s.Definitions.Custom.Properties)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// flowSurvives checks that every property of before is unchanged in after.
func flowSurvives(t *testing.T, what string, before, after map[string]map[string]any) {
	t.Helper()
	for name, p := range before {
		if !reflect.DeepEqual(after[name], p) {
			t.Errorf("%s: pre-existing %s changed: %v -> %v", what, name, p, after[name])
		}
	}
}

func flowAppFeatures(t *testing.T, app *sdk.ListApplications200ResponseInner) []string {
	t.Helper()
	b, err := json.Marshal(app.GetActualInstance())
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Features []string `json:"features"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v.Features
}

// flowUsers lists every user through the SDK's pagination and returns their profiles as JSON values.
func flowUsers(t *testing.T, c *sdk.APIClient) map[string]map[string]any {
	t.Helper()
	page, resp, err := c.UserAPI.ListUsers(t.Context()).Limit(200).Execute()
	if err != nil {
		t.Fatalf("list users: %v", flowErr(err))
	}
	all := page
	for resp.HasNextPage() {
		var next []sdk.User
		if resp, err = resp.Next(&next); err != nil {
			t.Fatalf("list users, next page: %v", flowErr(err))
		}
		all = append(all, next...)
	}
	out := map[string]map[string]any{}
	for _, u := range all {
		b, err := json.Marshal(u.Profile)
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		out[u.GetId()] = p
	}
	return out
}

func flowAppUsers(t *testing.T, c *sdk.APIClient, appID string) []sdk.AppUser {
	t.Helper()
	page, resp, err := c.ApplicationUsersAPI.ListApplicationUsers(t.Context(), appID).Limit(500).Execute()
	if err != nil {
		t.Fatalf("list app users: %v", flowErr(err))
	}
	for resp.HasNextPage() {
		var next []sdk.AppUser
		if resp, err = resp.Next(&next); err != nil {
			t.Fatalf("list app users, next page: %v", flowErr(err))
		}
		page = append(page, next...)
	}
	return page
}

// flowMappings returns every mapping's properties by mapping id.
func flowMappings(t *testing.T, c *sdk.APIClient) map[string]map[string]sdk.ProfileMappingProperty {
	t.Helper()
	list, _, err := c.ProfileMappingAPI.ListProfileMappings(t.Context()).Execute()
	if err != nil {
		t.Fatalf("list mappings: %v", flowErr(err))
	}
	out := map[string]map[string]sdk.ProfileMappingProperty{}
	for _, l := range list {
		m, _, err := c.ProfileMappingAPI.GetProfileMapping(t.Context(), l.GetId()).Execute()
		if err != nil {
			t.Fatalf("get mapping %s: %v", l.GetId(), flowErr(err))
		}
		out[l.GetId()] = m.GetProperties()
	}
	return out
}

// flowCheckUsers checks that attr holds want(id) (absent when "") on every user, and that nothing else
// in any profile changed.
func flowCheckUsers(t *testing.T, what string, before, after map[string]map[string]any, attr string, want func(string) string) {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("%s: %d users, want %d", what, len(after), len(before))
	}
	wrong := 0
	for id, p := range after {
		got, _ := p[attr].(string)
		if w := want(id); got != w {
			if wrong++; wrong <= 5 {
				t.Errorf("%s: user %s has %s %q, want %q", what, id, attr, got, w)
			}
		}
		rest := maps.Clone(p)
		delete(rest, attr)
		if !reflect.DeepEqual(rest, before[id]) {
			t.Errorf("%s: user %s's other attributes changed: %v -> %v", what, id, before[id], rest)
		}
	}
	if wrong > 5 {
		t.Errorf("%s: %d users in all have a wrong %s", what, wrong, attr)
	}
}
