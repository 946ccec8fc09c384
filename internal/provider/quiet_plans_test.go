package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
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

// Plans that change or replace something show only what changes (issue 11, points 4, 5 and 7).

// expectKept asserts that the planned values of attrs of addr are known and equal to the prior
// ones (not "known after apply", not removed), and that the prior ones are not empty.
func expectKept(addr string, attrs ...string) plancheck.PlanCheck { return keptCheck{addr, attrs} }

type keptCheck struct {
	addr  string
	attrs []string
}

func (c keptCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		for _, a := range c.attrs {
			switch {
			case before[a] == nil || reflect.DeepEqual(before[a], map[string]any{}) || before[a] == "":
				resp.Error = fmt.Errorf("%s.%s is empty before the change: the check would prove nothing", c.addr, a)
			case unknown[a] == true:
				resp.Error = fmt.Errorf("%s.%s is planned as known after apply, want it kept as %v", c.addr, a, before[a])
			case !reflect.DeepEqual(before[a], after[a]):
				resp.Error = fmt.Errorf("%s.%s is planned %v -> %v, want it kept", c.addr, a, before[a], after[a])
			}
			if resp.Error != nil {
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// expectOnlyChanged asserts that attr is the only top-level attribute of addr the plan changes.
func expectOnlyChanged(addr, attr string) plancheck.PlanCheck { return onlyChangedCheck{addr, attr} }

type onlyChangedCheck struct{ addr, attr string }

func (c onlyChangedCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var changed []string
		for k := range after {
			if !reflect.DeepEqual(before[k], after[k]) || unknown[k] == true {
				changed = append(changed, k)
			}
		}
		sort.Strings(changed)
		if len(changed) != 1 || changed[0] != c.attr {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want only %s", c.addr, changed, c.attr)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

const requiredProviders = "terraform {\n  required_providers {\n    dialpad = {\n      source = \"dialpad/dialpad\"\n    }\n  }\n}\n\n"

// twoOwnersConfig is two mapping resources owning one property each of the same mapping.
func twoOwnersConfig(org acctest.Org, at liveTestAttrs, app, exprTest, exprOther string) string {
	return org.Config(at.config(app, map[string]mprop{"a": {expr: exprTest, push: "DONT_PUSH"}}, "") + fmt.Sprintf(`
resource "dialpad_okta_attribute_mapping" "other" {
  source_id = %[1]q
  target_id = data.dialpad_okta_user_type.default.id
  properties = {
    (dialpad_okta_user_attribute.b.name) = { expression = %[2]q, push_status = "DONT_PUSH" }
  }
}
`, app, exprOther))
}

// Updating a mapping keeps the view of the properties it does not own (the mapping's own, another
// resource's) as it was refreshed, instead of planning it "known after apply" or removed; the next
// refresh picks up what the apply changed.
func TestAccAttributeMapping_quietUpdate(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	at := newTestAttrs(org, "a", "b")
	other := "dialpad_okta_attribute_mapping.other"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: twoOwnersConfig(org, at, app, exprUser, exprUser)},
			{
				// Both owners change in one apply: neither plan touches the other's view.
				Config: twoOwnersConfig(org, at, app, exprUserAlt, exprUserAlt),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(other, plancheck.ResourceActionUpdate),
						expectKept(mappingAddr, "id", "mapping_id", "other_properties"),
						expectKept(other, "id", "mapping_id", "other_properties"),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("other_properties").AtMapKey(at["b"]).AtMapKey("expression"),
							knownvalue.StringExact(exprUser)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The refresh shows the other owner's new expression.
				Config:           twoOwnersConfig(org, at, app, exprUserAlt, exprUserAlt),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("other_properties").AtMapKey(at["b"]).AtMapKey("expression"),
						knownvalue.StringExact(exprUserAlt)),
					statecheck.ExpectKnownValue(other, tfjsonpath.New("other_properties").AtMapKey(at["a"]).AtMapKey("expression"),
						knownvalue.StringExact(exprUserAlt)),
				},
			},
		},
	})
}

// A replacement (another source) plans the new id and mapping_id, which Okta already has, instead
// of "known after apply".
func TestAccAttributeMapping_replace(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	if fx.SourceAppID == "" {
		t.Skip("DIALPAD_ACC_SOURCE_APP_ID names no second app to move the mapping to")
	}
	snap := org.Snapshot(t)
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a")
	cfg := func(app string) string {
		return org.Config(at.config(app, map[string]mprop{"a": {expr: exprUser, push: "DONT_PUSH"}}, ""))
	}
	moved := mustMapping(t, org, fx.SourceAppID, ut).ID

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg(fx.AppID)},
			{
				Config: cfg(fx.SourceAppID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("mapping_id"), knownvalue.StringExact(moved)),
						plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("id"), knownvalue.StringExact(fx.SourceAppID+"/"+ut)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMappingHolds(org, fx.SourceAppID, func() string { return ut }, map[string]okta.MappingProperty{
					at["a"]: {Expression: exprUser, PushStatus: "DONT_PUSH"},
				}),
			},
		},
	})
}

// Moving a phone sync to a new attribute_name on the same app and user type is an in-place update
// (the sync moves, it is not replaced) whose plan keeps user_type_id and mapping_id: they cannot change.
func TestAccPhoneSync_replaceKeepsIDs(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	first, second := org.RandomName("Phone"), org.RandomName("Renamed")
	snap := org.Snapshot(t)
	cfg := func(name string) string {
		return org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType)))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			func(*terraform.State) error { return psNoPieces(org, first) },
			func(*terraform.State) error { return psNoPieces(org, second) },
			psUnchanged(org, snap),
		),
		Steps: []resource.TestStep{
			{Config: cfg(first)},
			{
				Config: cfg(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(phoneSyncAddr, plancheck.ResourceActionUpdate),
						expectKept(phoneSyncAddr, "user_type_id", "mapping_id"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// After an import Terraform cannot know whether the mapping was ever applied to existing users, so
// the state says false. A configuration saying true plans exactly that one change (an in-place
// update whose apply runs "Apply updates now" once); with false, or the argument left out, the
// import plans nothing (the ImportBlockWithID step of TestAccAttributeMapping_import).
func TestAccAttributeMapping_importApplyToExistingUsers(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	ut := defaultUserTypeID(t, org)
	at := newTestAttrs(org, "a")
	cfg := func(extra string) string {
		return org.Config(at.config(app, map[string]mprop{"a": {expr: exprUser, push: "DONT_PUSH"}}, extra))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             at.destroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg("")},
			{
				// Planned only: the import step never applies. Its own configuration needs its own
				// required_providers (terraform-plugin-testing adds none to an import step's).
				Config:             requiredProviders + cfg("  apply_to_existing_users = true"),
				ResourceName:       mappingAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      app + "/" + ut + "/" + at["a"],
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(mappingAddr, plancheck.ResourceActionUpdate),
					expectOnlyChanged(mappingAddr, "apply_to_existing_users"),
					plancheck.ExpectKnownValue(mappingAddr, tfjsonpath.New("apply_to_existing_users"), knownvalue.Bool(true)),
				}},
			},
		},
	})
}

// An expression reading an attribute the source app does not have is refused at plan time, naming
// the property, and nothing is written; the same attribute created by the same configuration (by
// reference, or a literal name with depends_on) is not refused.
func TestAccAttributeMapping_expressionMissingAttribute(t *testing.T) {
	acctest.RequireEmulator(t, "asserts through the emulator's stats that the refused plan wrote nothing")
	t.Parallel()
	org := acctest.NewOrg(t)
	emu := org.Emulator()
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	org.EnsureProfileSource(t, app)
	at := newTestAttrs(org, "a", "b")
	missing, byRef, byName := org.RandomName("missing"), org.RandomName("byRef"), org.RandomName("byName")
	appAttrs := fmt.Sprintf(`
resource "dialpad_okta_app_user_attribute" "ref" {
  app_id = %[1]q
  name   = %[2]q
  title  = "By reference"
}

resource "dialpad_okta_app_user_attribute" "named" {
  app_id = %[1]q
  name   = %[3]q
  title  = "By name"
}
`, app, byRef, byName)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			at.destroyed(org, snap),
			acctest.CheckDestroy(org, "dialpad_okta_app_user_attribute", findAppUserAttribute),
		),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.ResetStats(t) },
				Config: org.Config(at.config(app, map[string]mprop{
					"a": {expr: exprUser},
					"b": {expr: `appuser.userName + appuser.` + missing},
				}, "")),
				ExpectError: errorRegexp(`properties["`+at["b"]+`"].expression`, "has no attribute "+missing),
			},
			{
				PreConfig: func() {
					var writes []string
					for route, n := range emu.Stats(t).ByRoute {
						if n > 0 && !strings.HasPrefix(route, "GET ") {
							writes = append(writes, route)
						}
					}
					if len(writes) > 0 {
						t.Fatalf("the refused plan wrote to the org: %v", writes)
					}
				},
				Config: org.Config(appAttrs + fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "a" {
  name  = %[1]q
  title = "Mapping test a"
}

resource "dialpad_okta_user_attribute" "b" {
  name  = %[2]q
  title = "Mapping test b"
}

data "dialpad_okta_user_type" "default" {}

resource "dialpad_okta_attribute_mapping" "test" {
  source_id = %[3]q
  target_id = data.dialpad_okta_user_type.default.id
  properties = {
    (dialpad_okta_user_attribute.a.name) = { expression = "appuser.${dialpad_okta_app_user_attribute.ref.name}" }
    (dialpad_okta_user_attribute.b.name) = { expression = "appuser.%[4]s" }
  }
  depends_on = [dialpad_okta_app_user_attribute.named]
}
`, at["a"], at["b"], app, byName)),
				Check: checkMappingHolds(org, app, func() string { return defaultUserTypeID(t, org) }, map[string]okta.MappingProperty{
					at["a"]: {Expression: "appuser." + byRef, PushStatus: "PUSH"},
					at["b"]: {Expression: "appuser." + byName, PushStatus: "PUSH"},
				}),
			},
		},
	})
}
