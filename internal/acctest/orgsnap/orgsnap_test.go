package orgsnap

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

func TestDiff(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	others := func(n string) bool { return strings.HasPrefix(n, "tfacc") && !strings.HasPrefix(n, "tfaccme") }
	before := &Snapshot{ignore: others, Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {"badgeNumber": raw(`{"type":"string","title":"Badge"}`)},
	}}
	same := &Snapshot{Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {
			"badgeNumber":  raw(`{"title":"Badge", "type":"string"}`), // same JSON, other order
			"tfaccotherX1": raw(`{}`),                                 // an ignored name
		},
	}}
	if d := before.Diff(same); len(d) != 0 {
		t.Fatalf("unexpected diff %v", d)
	}
	changed := &Snapshot{Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {"badgeNumber": raw(`{"type":"string","title":"Badge!"}`), "tfaccmePhone": raw(`{}`)},
		"mapping a->b":        {"x": raw(`{"expression":"appuser.x"}`)},
	}}
	d := strings.Join(before.Diff(changed), "\n")
	for _, want := range []string{`"badgeNumber" changed`, `"tfaccmePhone" was added`, `mapping a->b: "x" was added`} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if d := strings.Join(changed.Diff(before), "\n"); !strings.Contains(d, `"x" was removed`) {
		t.Errorf("removal not reported:\n%s", d)
	}
}

// Take records the demo seed's schemas and the mappings from and to the scope's apps, named as Okta
// names their ends, and a changed mapping property shows in the diff.
func TestTake(t *testing.T) {
	const token = "orgsnap-test-token"
	e, err := oktaemu.New(oktaemu.Options{Token: token, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c, err := okta.NewClient(ctx, okta.Config{OrgURL: srv.URL, APIToken: token, NoReadCache: true})
	if err != nil {
		t.Fatal(err)
	}
	scope := Scope{UserType: okta.DefaultUserType, Apps: []string{oktaemu.DemoDialpadAppID, "", oktaemu.DemoDialpadAppID}}
	before, err := Take(ctx, c, scope)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := before.UserSchema()[oktaemu.DemoUserAttrBadgeNumber]; !ok {
		t.Errorf("user schema lacks %s: %v", oktaemu.DemoUserAttrBadgeNumber, before.UserSchema())
	}
	if _, ok := before.AppSchema(oktaemu.DemoDialpadAppID)[oktaemu.DemoDialpadAttrDepartment]; !ok {
		t.Errorf("app schema lacks %s: %v", oktaemu.DemoDialpadAttrDepartment, before.AppSchema(oktaemu.DemoDialpadAppID))
	}
	toDialpad := "mapping " + oktaemu.DemoDefaultUserTypeID + "->" + oktaemu.DemoDialpadAppID
	fromDialpad := "mapping " + oktaemu.DemoDialpadAppID + "->" + oktaemu.DemoDefaultUserTypeID
	if got := before.MappingNames[toDialpad]; got != "user -> dialpad" {
		t.Errorf("name of %s = %q", toDialpad, got)
	}
	if len(before.Parts[toDialpad]) == 0 || len(before.Parts[fromDialpad]) == 0 {
		t.Errorf("mappings missing: %v", before.MappingNames)
	}
	if len(before.MappingNames) != 2 || len(before.Parts) != 4 {
		t.Errorf("parts beyond the scope (the Dialpad app, once): %v", before.MappingNames)
	}

	again, err := Take(ctx, c, scope)
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(again); len(d) != 0 {
		t.Fatalf("nothing changed, diff %v", d)
	}
	m, err := c.FindMapping(ctx, oktaemu.DemoDefaultUserTypeID, oktaemu.DemoDialpadAppID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Raw(ctx, "POST", "/api/v1/mappings/"+m.ID, nil,
		map[string]any{"properties": map[string]any{"email": map[string]any{"expression": "user.email", "pushStatus": "DONT_PUSH"}}}, nil); err != nil {
		t.Fatal(err)
	}
	after, err := Take(ctx, c, scope)
	if err != nil {
		t.Fatal(err)
	}
	if d := strings.Join(before.Diff(after), "\n"); !strings.Contains(d, toDialpad+`: "email" changed`) || strings.Count(d, "\n") != 0 {
		t.Errorf("diff after one mapping property changed:\n%s", d)
	}
}
