package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

const mappingAddr = "dialpad_okta_attribute_mapping.test"

// mprop is one property of a test config: expression and push status ("" = the default).
type mprop struct{ expr, push string }

// mappingConfig is a dialpad_okta_attribute_mapping from sourceID to the default user type.
func mappingConfig(sourceID string, props map[string]mprop, extra string) string {
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		p := props[n]
		fmt.Fprintf(&b, "    %s = { expression = %s", n, acctest.Quote(p.expr))
		if p.push != "" {
			fmt.Fprintf(&b, ", push_status = %q", p.push)
		}
		b.WriteString(" }\n")
	}
	return fmt.Sprintf(`
data "dialpad_okta_user_type" "default" {}

resource "dialpad_okta_attribute_mapping" "test" {
  source_id = %[1]q
  target_id = data.dialpad_okta_user_type.default.id
  properties = {
%[2]s  }
%[3]s
}
`, sourceID, b.String(), extra)
}

// ownedProperties lists the property names a mapping resource state owns.
func ownedProperties(rs *terraform.ResourceState) []string {
	var names []string
	for k := range rs.Primary.Attributes {
		if strings.HasPrefix(k, "properties.") && strings.HasSuffix(k, ".expression") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(k, "properties."), ".expression"))
		}
	}
	sort.Strings(names)
	return names
}

// findMappingProperties: nil while any owned property is still mapped, NotFound once all are gone.
func findMappingProperties(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error {
	src, tgt := rs.Primary.Attributes["source_id"], rs.Primary.Attributes["target_id"]
	m, err := c.FindMapping(ctx, src, tgt)
	if err != nil {
		return err
	}
	for _, n := range ownedProperties(rs) {
		if _, ok := m.Properties[n]; ok {
			return nil
		}
	}
	return &okta.NotFoundError{Kind: "mapping properties", ID: rs.Primary.ID}
}

func mappingDestroyed(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	return acctest.CheckDestroyAll(
		acctest.CheckDestroy(org, "dialpad_okta_attribute_mapping", findMappingProperties),
		org.CheckUnchanged(snap),
	)
}

func defaultUserTypeID(t *testing.T, org acctest.Org) string {
	t.Helper()
	ut, err := org.Client().FindUserType(apiCtx(t), "default")
	if err != nil {
		t.Fatalf("reading the default user type: %v", err)
	}
	return ut.ID
}

func mustMapping(t *testing.T, org acctest.Org, source, target string) *okta.Mapping {
	t.Helper()
	m, err := org.Client().FindMapping(apiCtx(t), source, target)
	if err != nil {
		t.Fatalf("reading mapping %s -> %s: %v", source, target, err)
	}
	return m
}

// setMappingOutOfBand writes mapping properties straight through the Okta API (nil removes one),
// as an admin in the console would, and waits until Okta shows the change.
func setMappingOutOfBand(t *testing.T, org acctest.Org, source, target string, props map[string]*okta.MappingProperty) {
	t.Helper()
	m := mustMapping(t, org, source, target)
	body := map[string]any{}
	for n, p := range props {
		if p == nil {
			body[n] = nil
			continue
		}
		body[n] = map[string]any{"expression": p.Expression, "pushStatus": p.PushStatus}
	}
	org.API(t, "POST", "/api/v1/mappings/"+m.ID, map[string]any{"properties": body}, nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		m = mustMapping(t, org, source, target)
		ok := true
		for n, p := range props {
			got, present := m.Properties[n]
			if (p == nil) == present || (p != nil && got != *p) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the out-of-band mapping change is not visible: %+v", m.Properties)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkMappingHolds verifies through the finder that Okta holds exactly these owned values.
func checkMappingHolds(org acctest.Org, source string, target func() string, want map[string]okta.MappingProperty) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m, err := org.Client().FindMapping(context.Background(), source, target())
		if err != nil {
			return err
		}
		for n, w := range want {
			if got, ok := m.Properties[n]; !ok || got != w {
				return fmt.Errorf("mapping %s property %s = %+v (present %v), want %+v", m.ID, n, got, ok, w)
			}
		}
		return nil
	}
}

// expectMappingChange asserts the refreshed (drifted) and planned value of one field of one owned property.
func expectMappingChange(prop, field, before, after string) plancheck.PlanCheck {
	return mappingChangeCheck{prop: prop, field: field, before: before, after: after}
}

type mappingChangeCheck struct{ prop, field, before, after string }

func (c mappingChangeCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	get := func(v any) string {
		m, _ := v.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		p, _ := props[c.prop].(map[string]any)
		return fmt.Sprint(p[c.field])
	}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != mappingAddr {
			continue
		}
		if b, a := get(rc.Change.Before), get(rc.Change.After); b != c.before || a != c.after {
			resp.Error = fmt.Errorf("properties.%s.%s planned %q -> %q, want %q -> %q", c.prop, c.field, b, a, c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", mappingAddr)
}

// liveTestAttrs are the custom user attributes a live-capable test maps into: created by the
// test's own configuration (sweepable tfacc names), so no property of a real org is ever taken
// over, and the mapping's destroy runs before the attributes' (the keys reference them).
type liveTestAttrs map[string]string // resource label -> attribute name

func newTestAttrs(org acctest.Org, labels ...string) liveTestAttrs {
	a := liveTestAttrs{}
	for _, l := range labels {
		a[l] = org.RandomName("map" + l)
	}
	return a
}

// config is the attributes plus the mapping from sourceID to the default user type, whose
// properties are keyed by attribute label.
func (a liveTestAttrs) config(sourceID string, props map[string]mprop, extra string) string {
	attrs, keyed := a.attributes(props)
	return attrs + mappingConfig(sourceID, keyed, extra)
}

// attributes is a dialpad_okta_user_attribute per label, and props (keyed by label) keyed by the
// expression of that attribute's name, as a mapping's properties reference it.
func (a liveTestAttrs) attributes(props map[string]mprop) (string, map[string]mprop) {
	labels := make([]string, 0, len(a))
	for l := range a {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	var b strings.Builder
	for _, l := range labels {
		fmt.Fprintf(&b, "resource \"dialpad_okta_user_attribute\" %q {\n  name  = %q\n  title = \"Mapping test %s\"\n}\n\n", l, a[l], l)
	}
	keyed := map[string]mprop{}
	for l, p := range props {
		keyed["(dialpad_okta_user_attribute."+l+".name)"] = p
	}
	return b.String(), keyed
}

func (a liveTestAttrs) destroyed(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	return acctest.CheckDestroyAll(
		acctest.CheckDestroy(org, "dialpad_okta_attribute_mapping", findMappingProperties),
		acctest.CheckDestroy(org, "dialpad_okta_user_attribute", findUserAttributeState),
		org.CheckUnchanged(snap),
	)
}

// mapWithoutKey is a knownvalue check that a map (or a null one) has no entry under the key.
type mapWithoutKey string

func (k mapWithoutKey) CheckValue(v any) error {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("expected map[string]any value for mapWithoutKey check, got: %T", v)
	}
	if _, ok := m[string(k)]; ok {
		return fmt.Errorf("map has key %q", string(k))
	}
	return nil
}

func (k mapWithoutKey) String() string { return fmt.Sprintf("map without key %q", string(k)) }

// Expressions every app user schema can evaluate (userName is a base property of every app).
const (
	exprUser    = "appuser.userName"
	exprUserAlt = `appuser.userName + "-alt"`
)

func TestAccAttributeMapping_basic(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	seed := mustMapping(t, org, app, ut).Properties
	at := newTestAttrs(org, "a", "b")

	stateChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(app+"/"+ut)),
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringRegexp(regexp.MustCompile(`.+`))),
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("properties").AtMapKey(at["a"]).AtMapKey("push_status"), knownvalue.StringExact("PUSH")),
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("apply_to_existing_users"), knownvalue.Bool(false)),
		// The mapping's own properties (the seed's, or the live org's) are shown read-only, without the owned ones.
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("other_properties"), knownvalue.MapSizeExact(len(seed))),
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("other_properties"), mapWithoutKey(at["a"])),
	}
	for n, p := range seed {
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue(mappingAddr,
			tfjsonpath.New("other_properties").AtMapKey(n).AtMapKey("expression"), knownvalue.StringExact(p.Expression)))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(at.config(app, map[string]mprop{
				"a": {expr: exprUser},
				"b": {expr: exprUserAlt, push: "DONT_PUSH"},
			}, "")),
			ConfigStateChecks: stateChecks,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckExists(org, mappingAddr, findMappingProperties),
				checkMappingHolds(org, app, func() string { return ut }, map[string]okta.MappingProperty{
					at["a"]: {Expression: exprUser, PushStatus: "PUSH"},
					at["b"]: {Expression: exprUserAlt, PushStatus: "DONT_PUSH"},
				}),
				// The mapping's own properties (the seed's, or the live org's) are untouched.
				checkMappingHolds(org, app, func() string { return ut }, seed),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

func TestAccAttributeMapping_update(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a", "b")
	emu := org.Emulator()
	resetStats := func() {
		if emu != nil {
			emu.ResetStats(t)
		}
	}
	deletes := func(want int) resource.TestCheckFunc {
		if emu == nil {
			return func(*terraform.State) error { return nil }
		}
		return emu.CheckStats(func(s acctest.Stats) error {
			if s.Deletes != want {
				return fmt.Errorf("emulator counted %d property deletes, want %d", s.Deletes, want)
			}
			return nil
		})
	}
	target := func() string { return ut }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config: org.Config(at.config(app, map[string]mprop{"a": {expr: exprUser}}, "")),
			},
			{
				// Change expression and push status, add a property: all in place, nothing deleted.
				PreConfig: resetStats,
				Config: org.Config(at.config(app, map[string]mprop{
					"a": {expr: exprUserAlt, push: "DONT_PUSH"},
					"b": {expr: exprUser},
				}, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					deletes(0),
					checkMappingHolds(org, app, target, map[string]okta.MappingProperty{
						at["a"]: {Expression: exprUserAlt, PushStatus: "DONT_PUSH"},
						at["b"]: {Expression: exprUser, PushStatus: "PUSH"},
					}),
				),
			},
			{
				// Dropping a key removes exactly that property, in place.
				PreConfig: resetStats,
				Config:    org.Config(at.config(app, map[string]mprop{"b": {expr: exprUser}}, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					deletes(1),
					checkMappingHolds(org, app, target, map[string]okta.MappingProperty{at["b"]: {Expression: exprUser, PushStatus: "PUSH"}}),
					func(*terraform.State) error {
						if _, ok := mustMapping(t, org, app, ut).Properties[at["a"]]; ok {
							return fmt.Errorf("%s is still mapped after it left the configuration", at["a"])
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccAttributeMapping_import(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a", "b")
	absent := org.RandomName("absent")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(at.config(app, map[string]mprop{
				"a": {expr: exprUser},
				"b": {expr: exprUserAlt, push: "DONT_PUSH"},
			}, ""))},
			{
				ResourceName:      mappingAddr,
				ImportState:       true,
				ImportStateId:     app + "/" + ut + "/" + at["b"] + "," + at["a"],
				ImportStateVerify: true,
			},
			// The same import as an import block (terraform plan): it must plan nothing but the import.
			{
				ResourceName:    mappingAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   app + "/" + ut + "/" + at["a"] + "," + at["b"],
			},
			{
				ResourceName:  mappingAddr,
				ImportState:   true,
				ImportStateId: app + "/" + ut + "/" + at["a"] + "," + absent,
				ExpectError:   errorRegexp("has no property " + absent),
			},
			{
				ResourceName:  mappingAddr,
				ImportState:   true,
				ImportStateId: app + "/" + ut,
				ExpectError:   errorRegexp("<source_id>/<target_id>/<property>"),
			},
		},
	})
}

// Creating a property that is already mapped (one of the mapping's own) is refused with the
// import command; nothing is adopted and the property is unchanged.
func TestAccAttributeMapping_existing(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	ut := defaultUserTypeID(t, org)
	taken := firstKey(mustMapping(t, org, app, ut).Properties)
	if taken == "" {
		t.Skip("the fixture app's mapping has no property to collide with")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             mappingDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config:      org.Config(mappingConfig(app, map[string]mprop{taken: {expr: exprUser, push: "DONT_PUSH"}}, "")),
			ExpectError: errorRegexp("terraform import dialpad_okta_attribute_mapping.<name> " + app + "/" + ut + "/" + taken),
		}},
	})
}

func TestAccAttributeMapping_drift(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a")
	name := at["a"]
	cfg := org.Config(at.config(app, map[string]mprop{"a": {expr: exprUser}}, ""))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{
						name: {Expression: exprUserAlt, PushStatus: "PUSH"}})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
						expectMappingChange(name, "expression", exprUserAlt, exprUser),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("properties").AtMapKey(name).AtMapKey("expression"), knownvalue.StringExact(exprUser)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMappingHolds(org, app, func() string { return ut }, map[string]okta.MappingProperty{
					name: {Expression: exprUser, PushStatus: "PUSH"}}),
			},
			{
				PreConfig: func() {
					setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{
						name: {Expression: exprUser, PushStatus: "DONT_PUSH"}})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
						expectMappingChange(name, "push_status", "DONT_PUSH", "PUSH"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAttributeMapping_disappears(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a", "b")
	cfg := org.Config(at.config(app, map[string]mprop{
		"a": {expr: exprUser},
		"b": {expr: exprUserAlt},
	}, ""))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// One owned property removed outside Terraform: planned back in place.
				PreConfig: func() {
					setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{at["b"]: nil})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
						expectMappingChange(at["b"], "expression", "<nil>", exprUserAlt),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Every owned property removed: the resource is gone and planned for creation.
				PreConfig: func() {
					if err := org.Client().DeleteMappingProperties(apiCtx(t), app, ut, []string{at["a"], at["b"]}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Changes to properties the resource does not own never show up in its plan, and destroy leaves
// them (the mapping's own, and one added later by someone else) exactly as they are.
func TestAccAttributeMapping_unmanaged(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	seed := mustMapping(t, org, app, ut).Properties
	seedName := firstKey(seed)
	if seedName == "" {
		t.Skip("the fixture app's mapping has no property of its own to change")
	}
	at := newTestAttrs(org, "a")
	cfg := org.Config(at.config(app, map[string]mprop{"a": {expr: exprUser}}, ""))

	// Someone else's attribute and mapping property, made outside this configuration.
	other := org.RandomName("other")
	if _, err := org.Client().CreateUserAttribute(apiCtx(t), "default", okta.Attribute{Name: other, Title: "Other", Type: "string"}); err != nil {
		t.Fatalf("creating the unmanaged attribute: %v", err)
	}
	t.Cleanup(func() { _ = org.Client().DeleteUserAttribute(context.Background(), "default", other) })
	extra := &okta.MappingProperty{Expression: exprUserAlt, PushStatus: "DONT_PUSH"}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			m, err := org.Client().FindMapping(context.Background(), app, ut)
			if err != nil {
				return err
			}
			if got, ok := m.Properties[other]; !ok || got != *extra {
				return fmt.Errorf("destroy touched the unmanaged property %s: %+v (present %v)", other, got, ok)
			}
			if got := m.Properties[seedName]; got != seed[seedName] {
				return fmt.Errorf("the mapping's own property %s is %+v, want %+v", seedName, got, seed[seedName])
			}
			setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{other: nil})
			if err := org.Client().DeleteUserAttribute(apiCtx(t), "default", other); err != nil {
				return err
			}
			return at.destroyed(org, snap)(s)
		},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					changed := okta.MappingProperty{Expression: exprUserAlt, PushStatus: "DONT_PUSH"}
					setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{seedName: &changed, other: extra})
				},
				Config:   cfg,
				PlanOnly: true, // fails on any non-empty plan
			},
			{
				PreConfig: func() {
					orig := seed[seedName]
					setMappingOutOfBand(t, org, app, ut, map[string]*okta.MappingProperty{seedName: &orig})
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

// apply_to_existing_users runs "Apply updates now": existing Okta users get the mapped value.
func TestAccAttributeMapping_applyToExistingUsers(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "reads the demo seed's users, whose profiles the reapply changes")
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := oktaemu.DemoDialpadAppID
	org.EnsureProfileSource(t, app)
	withNick := func() []okta.User {
		users, err := org.Client().ListUsers(apiCtx(t), `profile.nickName pr`)
		if err != nil {
			t.Fatal(err)
		}
		return users
	}
	if n := len(withNick()); n != 0 {
		t.Fatalf("the seed has %d users with a nickName; the test needs none", n)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             mappingDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: `"dp-" + appuser.givenName`}},
				"  apply_to_existing_users = true")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				users := withNick()
				if len(users) == 0 {
					return errors.New("no Okta user received a nickName: the mapping was not applied to existing users")
				}
				for _, u := range users {
					if got, want := fmt.Sprint(u.Profile["nickName"]), "dp-"+fmt.Sprint(u.Profile["firstName"]); got != want {
						return fmt.Errorf("user %s: nickName %q, want %q", u.Login, got, want)
					}
				}
				return nil
			},
		}},
	})
}

// Okta refuses reapply for OAuth callers, so the plan fails naming the argument.
func TestAccAttributeMapping_oauthApplyToExistingUsers(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	app := org.Fixtures().AppID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.ConfigOAuth(t, mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.givenName", push: "DONT_PUSH"}},
				"  apply_to_existing_users = true")),
			PlanOnly:    true,
			ExpectError: errorRegexp("apply_to_existing_users", "okta_api_token"),
		}},
	})
}

// PUSH from an app that is not a profile source fails at plan with the console steps; turning
// profile sourcing off later never blocks destroying.
func TestAccAttributeMapping_profileSourcing(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "switches the console-only profile-sourcing setting")
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	emu := org.Emulator()
	app := oktaemu.DemoDialpadAppID
	emu.SetProfileSourcing(t, app, false)
	cfg := org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.givenName"}}, ""))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             mappingDestroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: errorRegexp("nickName", "Profile & Lifecycle Sourcing"),
			},
			{
				// DONT_PUSH needs no profile source.
				Config: org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.givenName", push: "DONT_PUSH"}}, "")),
			},
			{
				PreConfig: func() { emu.SetProfileSourcing(t, app, true) },
				Config:    cfg,
			},
			{
				PreConfig: func() { emu.SetProfileSourcing(t, app, false) },
				Config:    cfg,
				Destroy:   true,
			},
		},
	})
}

// Okta refuses to delete an attribute a mapping still uses; the error names mapping and property.
func TestAccAttributeMapping_attributeInUse(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	ut := defaultUserTypeID(t, org)
	name := org.RandomName("inuse")
	attr := fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "a" {
  name  = %q
  title = "In use"
}
`, name)
	mapping := func(key string) string {
		return fmt.Sprintf(`
data "dialpad_okta_user_type" "default" {}

resource "dialpad_okta_attribute_mapping" "test" {
  source_id  = %q
  target_id  = data.dialpad_okta_user_type.default.id
  properties = { (%s) = { expression = "appuser.userName", push_status = "DONT_PUSH" } }
}
`, app, key)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			acctest.CheckDestroy(org, "dialpad_okta_user_attribute", findUserAttributeState),
			mappingDestroyed(org, snap),
		),
		Steps: []resource.TestStep{
			{Config: org.Config(attr, mapping("dialpad_okta_user_attribute.a.name"))},
			{
				// The mapping keeps the property (literal key) while the attribute leaves the configuration.
				Config:      org.Config(mapping(acctest.Quote(name))),
				ExpectError: errorRegexp(name, "still used by a profile mapping", "mapping prm", `property "`+name+`"`),
			},
			{
				// Removing the mapping property first lets the attribute go.
				Config: org.Config(attr),
				Check: func(*terraform.State) error {
					if _, ok := mustMapping(t, org, app, ut).Properties[name]; ok {
						return errors.New("the mapping property is still there")
					}
					return nil
				},
			},
		},
	})
}

// errorRegexp matches the literal parts in order, whatever Terraform's line wrapping puts between
// words.
func errorRegexp(parts ...string) *regexp.Regexp {
	q := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		q[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(q, `(?s:.*)`))
}

func firstKey[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// _parallel: 20 attributes on one schema and 20 mapping properties on one mapping in one apply at
// Terraform's default -parallelism=10, with the emulator dropping writes that follow an applied
// one too closely and showing writes late. Every object must be present, the plan empty, and the
// emulator must prove it did drop writes (so the retries were exercised).
func TestAccAttributeMapping_parallel(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's lost-update window, consistency delay and stats")
	org := acctest.NewOrg(t, acctest.WithKnobs(oktaemu.Options{
		Seed:             "demo",
		LostUpdateWindow: 300 * time.Millisecond,
		ConsistencyDelay: 100 * time.Millisecond,
	}))
	snap := org.Snapshot(t)
	emu := org.Emulator()
	app := oktaemu.DemoDialpadAppID
	ut := oktaemu.DemoDefaultUserTypeID
	const n = 20
	var b strings.Builder
	b.WriteString("data \"dialpad_okta_user_type\" \"default\" {}\n")
	names := make([]string, n)
	for i := range n {
		names[i] = org.RandomName(fmt.Sprintf("par%02d", i))
		fmt.Fprintf(&b, `
resource "dialpad_okta_user_attribute" "a%[1]d" {
  name  = %[2]q
  title = "Parallel %[1]d"
}

resource "dialpad_okta_attribute_mapping" "m%[1]d" {
  source_id  = %[3]q
  target_id  = data.dialpad_okta_user_type.default.id
  properties = { (dialpad_okta_user_attribute.a%[1]d.name) = { expression = "appuser.givenName", push_status = "DONT_PUSH" } }
}
`, i, names[i], app)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			acctest.CheckDestroy(org, "dialpad_okta_user_attribute", findUserAttributeState),
			mappingDestroyed(org, snap),
		),
		Steps: []resource.TestStep{{
			PreConfig: func() { emu.LoseNextWrites(t, map[string]int{acctest.MappingWrites: 2}) },
			Config:    org.Config(b.String()),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				emu.CheckLostWrites(t, 2),
				func(*terraform.State) error {
					time.Sleep(200 * time.Millisecond) // past the consistency delay: read what Okta settled on
					m := mustMapping(t, org, app, ut)
					var missing []string
					for _, name := range names {
						if _, err := org.Client().FindUserAttribute(context.Background(), "default", name); err != nil {
							missing = append(missing, "attribute "+name+": "+err.Error())
						}
						if p, ok := m.Properties[name]; !ok || p.Expression != "appuser.givenName" {
							missing = append(missing, "mapping property "+name)
						}
					}
					if len(missing) > 0 {
						return fmt.Errorf("lost in the parallel apply: %s", strings.Join(missing, "; "))
					}
					return nil
				},
			),
		}},
	})
}

// A write Okta applied before failing (503 after commit) is accepted as the resource's own: the
// create neither fails nor reports the property as pre-existing.
func TestAccAttributeMapping_ambiguousFailure(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "injects a 503 after the mapping write is applied")
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	emu := org.Emulator()
	app := oktaemu.DemoDialpadAppID
	org.EnsureProfileSource(t, app)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             mappingDestroyed(org, snap),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{
					{Method: "POST", Route: "/api/v1/mappings/{id}", Status: 503, Count: 3, AfterCommit: true},
				}})
				emu.ResetStats(t)
			},
			Config: org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.givenName"}}, "")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: emu.CheckStats(func(s acctest.Stats) error {
				if s.Faults == 0 {
					return errors.New("no fault was injected: the test exercised nothing")
				}
				return nil
			}),
		}},
	})
}

// When Okta keeps dropping the write, the resource's own timeout ends the apply with a clear
// error instead of a hang.
func TestAccAttributeMapping_timeout(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's lost-update window")
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	emu := org.Emulator()
	app := oktaemu.DemoDialpadAppID
	org.EnsureProfileSource(t, app)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             mappingDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.givenName"}}, ""))},
			{
				// From now on every write follows the last applied one too closely and is dropped.
				PreConfig: func() { emu.SetFaults(t, acctest.Faults{LostUpdateWindow: acctest.Ptr(time.Hour)}) },
				Config: org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.familyName"}},
					"  timeouts {\n    update = \"3s\"\n  }")),
				ExpectError: errorRegexp(`did not show the write of "nickName"`, "before the timeout"),
			},
			{
				PreConfig: func() { emu.SetFaults(t, acctest.Faults{LostUpdateWindow: acctest.Ptr(time.Duration(0))}) },
				Config:    org.Config(mappingConfig(app, map[string]mprop{"nickName": {expr: "appuser.familyName"}}, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Bad input is refused at plan time, naming the field, before any Okta call is made.
func TestAccAttributeMapping_validation(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	app := org.Fixtures().AppID
	step := func(props map[string]mprop, extra string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config:      org.Config(mappingConfig(app, props, extra)),
			PlanOnly:    true,
			ExpectError: errorRegexp(want...),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(map[string]mprop{"nickName": {expr: " "}}, "", "expression", "must not be empty"),
			step(map[string]mprop{"nickName": {expr: `String.substringBefore(appuser.email, "@"`}}, "", "expression", "is never closed"),
			step(map[string]mprop{"nickName": {expr: "appuser.givenName +"}}, "", "expression", "ends with the operator"),
			step(map[string]mprop{"nickName": {expr: "appuser.givenName", push: "ALWAYS"}}, "", "push_status", "PUSH", "DONT_PUSH"),
			step(map[string]mprop{`"1st-name"`: {expr: "appuser.givenName"}}, "", "Okta variable name"),
			step(map[string]mprop{}, "", "properties", "at least 1"),
		},
	})
}

// Okta answers a mapping list for a source that no longer exists with 400 "Invalid source or target
// id" (terraform-provider-okta #431). A refresh after the app is deleted drops the mapping from
// state instead of failing.
func TestAccAttributeMapping_sourceAppDeleted(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "deletes an app through the control API")
	emu := acctest.NewEmulator(t)
	app := emu.Fixtures().SourceAppID
	at := newTestAttrs(emu, "a")
	cfg := emu.Config(at.config(app, map[string]mprop{"a": {expr: exprUser}}, ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroy(emu, "dialpad_okta_user_attribute", findUserAttributeState),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					emu.DeleteApp(t, app)
					// Make the refresh miss by id and fall back to the list, as after a console deletion.
					if _, err := emu.Client().FindMapping(context.Background(), app, defaultUserTypeID(t, emu)); !okta.IsNotFound(err) {
						t.Fatalf("mapping of the deleted app: want not found, got %v", err)
					}
				},
				// The refresh drops the mapping (no error) and the plan would create it again.
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Some orgs refuse DONT_PUSH from a profile-source app (terraform-provider-okta #807); the plan warns
// and the failed apply says what to change instead of a bare 400.
func TestAccAttributeMapping_dontPushFromSource(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's refuse_dont_push_from_source knob")
	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{Seed: "demo", RefuseDontPushFromSource: true}))
	snap := emu.Snapshot(t)
	app := emu.Fixtures().SourceAppID
	at := newTestAttrs(emu, "a")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(emu, snap),
		Steps: []resource.TestStep{
			{
				Config:      emu.Config(at.config(app, map[string]mprop{"a": {expr: exprUser, push: "DONT_PUSH"}}, "")),
				ExpectError: regexp.MustCompile(`(?s)push status only.*refuses push_status = "DONT_PUSH".*set\s+push_status\s+=\s+"PUSH"`),
			},
			{
				Config:           emu.Config(at.config(app, map[string]mprop{"a": {expr: exprUser, push: "PUSH"}}, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
