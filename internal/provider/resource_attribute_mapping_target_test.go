package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// mappingToTypeConfig is a dialpad_okta_attribute_mapping from sourceID to the user type named
// targetUserType (target_user_type, no data source), plus extra inside the resource.
func mappingToTypeConfig(sourceID, targetUserType string, props map[string]mprop, extra string) string {
	cfg := mappingConfig(sourceID, props, extra)
	cfg = strings.Replace(cfg, "data \"dialpad_okta_user_type\" \"default\" {}\n", "", 1)
	return strings.Replace(cfg, "target_id = data.dialpad_okta_user_type.default.id",
		"target_user_type = "+acctest.Quote(targetUserType), 1)
}

// typeConfig is the attributes plus a mapping from sourceID to targetUserType, keyed by attribute
// label (liveTestAttrs.config with target_user_type instead of target_id).
func (a liveTestAttrs) typeConfig(sourceID, targetUserType string, props map[string]mprop, extra string) string {
	attrs, keyed := a.attributes(props)
	return attrs + mappingToTypeConfig(sourceID, targetUserType, keyed, extra)
}

// mappingCalls checks what the emulator counted since the step's PreConfig reset: GETs of the
// mapping by id and POSTs to it.
func mappingCalls(emu *acctest.Emulator, reads, posts int) resource.TestCheckFunc {
	return emu.CheckStats(func(s acctest.Stats) error {
		if got := s.ByRoute[routeMapping]; got != reads {
			return fmt.Errorf("%s: %d calls, want %d (by route: %v)", routeMapping, got, reads, s.ByRoute)
		}
		if got := s.ByRoute[routePostMapping]; got != posts {
			return fmt.Errorf("%s: %d calls, want %d (by route: %v)", routePostMapping, got, posts, s.ByRoute)
		}
		return nil
	})
}

// target_user_type gives the plan target_id, id and mapping_id, from the listing of the app's
// mappings; another spelling of the same type plans nothing.
func TestAccAttributeMapping_targetUserType(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	mappingID := mustMapping(t, org, app, ut).ID
	at := newTestAttrs(org, "a")
	cfg := func(userType string) string {
		return org.Config(at.typeConfig(app, userType, map[string]mprop{"a": {expr: exprUser}}, ""))
	}
	emu := org.Emulator()
	resetStats := func() {
		if emu != nil {
			emu.ResetStats(t)
		}
	}
	noListing := func(*terraform.State) error { return nil }
	if emu != nil {
		noListing = emu.CheckStats(func(s acctest.Stats) error {
			if n := s.ByRoute["GET /api/v1/mappings"]; n != 0 {
				return fmt.Errorf("the plan of another spelling listed the mappings %d times, want none", n)
			}
			return nil
		})
	}
	keptDefault := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_user_type"), knownvalue.StringExact("default")),
		statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_id"), knownvalue.StringExact(ut)),
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config: cfg("default"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_id"), knownvalue.StringExact(ut)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(app+"/"+ut)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringExact(mappingID)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: keptDefault,
				Check: checkMappingHolds(org, app, func() string { return ut }, map[string]okta.MappingProperty{
					at["a"]: {Expression: exprUser, PushStatus: "PUSH"},
				}),
			},
			// Okta's name of the default type, and its id: the same type, nothing to do, and the
			// state keeps its spelling. Neither needs a lookup: no listing of mappings.
			{
				PreConfig:         resetStats,
				Config:            cfg("user"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: keptDefault,
				Check:             noListing,
			},
			{
				PreConfig:         resetStats,
				Config:            cfg(ut),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: keptDefault,
				Check:             noListing,
			},
			// The import ID names the target by id: target_user_type is null after the import.
			{
				ResourceName:            mappingAddr,
				ImportState:             true,
				ImportStateId:           okta.MappingImportID(app, ut, []string{at["a"]}),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"target_user_type"},
			},
		},
	})
}

// Where the source is known only after apply, so are target_id and mapping_id: the create
// resolves them.
func TestAccAttributeMapping_targetUserTypeUnknownSource(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a")
	cfg := at.typeConfig(app, "default", map[string]mprop{"a": {expr: exprUser}}, "")
	cfg = strings.Replace(cfg, "source_id = "+acctest.Quote(app), "source_id = terraform_data.app.output", 1) +
		fmt.Sprintf("\nresource \"terraform_data\" \"app\" {\n  input = %q\n}\n", app)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(cfg),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(mappingAddr, tfjsonpath.New("target_id")),
					plancheck.ExpectUnknownValue(mappingAddr, tfjsonpath.New("mapping_id")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_id"), knownvalue.StringExact(ut)),
				statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringExact(mustMapping(t, org, app, ut).ID)),
				statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(app+"/"+ut)),
			},
			Check: checkMappingHolds(org, app, func() string { return ut }, map[string]okta.MappingProperty{
				at["a"]: {Expression: exprUser, PushStatus: "PUSH"},
			}),
		}},
	})
}

// The state today's configurations write (target_id from the user type data source, no
// target_user_type), then target_user_type = "default" instead: an in-place change of that
// argument only, which writes nothing to Okta; never a replacement.
func TestAccAttributeMapping_targetUserTypeUpgrade(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "counts the mapping writes with the emulator's stats")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	app := emu.Fixtures().AppID
	emu.EnsureProfileSource(t, app)
	ut := defaultUserTypeID(t, emu)
	mappingID := mustMapping(t, emu, app, ut).ID
	at := newTestAttrs(emu, "a")
	props := map[string]mprop{"a": {expr: exprUser, push: "DONT_PUSH"}}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(emu, snap),
		Steps: []resource.TestStep{
			{Config: emu.Config(at.config(app, props, ""))},
			{
				PreConfig: func() { emu.ResetStats(t) },
				Config:    emu.Config(at.typeConfig(app, "default", props, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_id"), knownvalue.StringExact(ut)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringExact(mappingID)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_user_type"), knownvalue.StringExact("default")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					emu.CheckStats(func(s acctest.Stats) error {
						if n := s.ByRoute[routePostMapping]; n != 0 {
							return fmt.Errorf("the upgrade wrote the mapping %d times, want none", n)
						}
						return nil
					}),
					checkMappingHolds(emu, app, func() string { return ut }, map[string]okta.MappingProperty{
						at["a"]: {Expression: exprUser, PushStatus: "DONT_PUSH"},
					}),
				),
			},
		},
	})
}

// Another user type is another mapping: the resource is replaced, and the plan shows the new ids.
func TestAccAttributeMapping_targetUserTypeReplace(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "adds a user type to the org")
	emu := acctest.NewEmulator(t)
	app := emu.Fixtures().AppID
	emu.EnsureProfileSource(t, app)
	otherName := emu.RandomName("maptype")
	other := createUserType(t, emu, otherName)
	snap := emu.Snapshot(t)
	ut := defaultUserTypeID(t, emu)
	moved := mustMapping(t, emu, app, other).ID
	name := emu.RandomName("mapother")
	// The same attribute name on both types, so that one properties key maps into either.
	cfg := func(userType string) string {
		return emu.Config(fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "default" {
  name  = %[1]q
  title = "Mapping test"
}

resource "dialpad_okta_user_attribute" "other" {
  name      = %[1]q
  title     = "Mapping test"
  user_type = %[2]q
}
`, name, otherName) + mappingToTypeConfig(app, userType, map[string]mprop{name: {expr: exprUser}},
			"  depends_on = [dialpad_okta_user_attribute.default, dialpad_okta_user_attribute.other]"))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			acctest.CheckDestroy(emu, "dialpad_okta_attribute_mapping", findMappingProperties),
			acctest.CheckDestroy(emu, "dialpad_okta_user_attribute", findUserAttributeState),
			emu.CheckUnchanged(snap),
		),
		Steps: []resource.TestStep{
			{Config: cfg("default")},
			{
				Config: cfg(otherName),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_id"), knownvalue.StringExact(other)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringExact(moved)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(app+"/"+other)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMappingHolds(emu, app, func() string { return other }, map[string]okta.MappingProperty{
						name: {Expression: exprUser, PushStatus: "PUSH"},
					}),
					func(*terraform.State) error {
						if _, ok := mustMapping(t, emu, app, ut).Properties[name]; ok {
							return fmt.Errorf("%s is still mapped into the default type after the move", name)
						}
						return nil
					},
				),
			},
			// The type's id instead of its name: the same type (resolved from the listing), nothing planned.
			{
				Config:            cfg(other),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("target_user_type"), knownvalue.StringExact(otherName))},
			},
		},
	})
}

// Refused at plan time: both or neither of target_id and target_user_type, a user type the org
// does not have (the error lists the org's types), and target_user_type from a source that is no app.
func TestAccAttributeMapping_targetUserTypeValidation(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	app := org.Fixtures().AppID
	ut := defaultUserTypeID(t, org)
	props := map[string]mprop{"nickName": {expr: exprUser}}
	step := func(cfg string, want ...string) resource.TestStep {
		return resource.TestStep{Config: org.Config(cfg), PlanOnly: true, ExpectError: errorRegexp(want...)}
	}
	missing := org.RandomName("notype")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			step(mappingConfig(app, props, `  target_user_type = "default"`), "Exactly one", "target_id", "target_user_type"),
			step(strings.Replace(mappingToTypeConfig(app, "default", props, ""), `target_user_type = "default"`, "", 1),
				"Exactly one", "target_id", "target_user_type"),
			step(mappingToTypeConfig(app, missing, props, ""), "Okta user type not found", "target_user_type", missing,
				"The org's user types are", ut),
			step(mappingToTypeConfig(ut, "default", props, ""), "target_user_type needs an app source"),
		},
	})
}

// A mapping create skips its existence read (a property mapped otherwise is refused) when the
// same apply's provider created every target attribute: Okta maps only existing attributes, so
// nothing can map one before it exists. Counted on the emulator: the create's GETs of the mapping
// by id are its read-back only. An attribute created by an earlier apply is read first, as before.
func TestAccAttributeMapping_createSkipsExistenceRead(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "counts the mapping reads with the emulator's stats")
	for _, tc := range []struct {
		name    string
		earlier bool // the attribute exists before the apply that creates the mapping
		byType  bool // target_user_type instead of target_id
		reads   int
	}{
		{name: "target_user_type", byType: true, reads: 1},
		{name: "target_id", reads: 1},
		{name: "attribute from an earlier apply", earlier: true, byType: true, reads: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := acctest.NewEmulator(t)
			snap := emu.Snapshot(t)
			app := emu.Fixtures().AppID
			emu.EnsureProfileSource(t, app)
			at := newTestAttrs(emu, "a")
			props := map[string]mprop{"a": {expr: exprUser}}
			withMapping := emu.Config(at.config(app, props, ""))
			if tc.byType {
				withMapping = emu.Config(at.typeConfig(app, "default", props, ""))
			}
			var steps []resource.TestStep
			if tc.earlier {
				attrOnly := fmt.Sprintf("resource \"dialpad_okta_user_attribute\" \"a\" {\n  name  = %q\n  title = \"Mapping test a\"\n}\n", at["a"])
				steps = append(steps, resource.TestStep{Config: emu.Config(attrOnly)})
			}
			steps = append(steps, resource.TestStep{
				PreConfig: func() { emu.ResetStats(t) },
				Config:    withMapping,
				Check:     mappingCalls(emu, tc.reads, 1),
			})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             at.destroyed(emu, snap),
				Steps:                    steps,
			})
		})
	}
}
