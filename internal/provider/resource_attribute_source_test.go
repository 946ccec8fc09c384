package provider_test

import (
	"context"
	"fmt"
	"regexp"
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

const sourceAddr = "dialpad_okta_attribute_source.test"

// sourceConfig is a user attribute plus the source priority of it; description lets tests change
// the attribute resource's own field.
func sourceConfig(name, description, masterType string, priority ...string) string {
	prio := ""
	if len(priority) > 0 {
		prio = "  priority = " + acctest.List(priority...)
	}
	return fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "test" {
  name        = %[1]q
  title       = "Sourced"
  description = %[2]q
}

resource "dialpad_okta_attribute_source" "test" {
  attribute_name = dialpad_okta_user_attribute.test.name
  master_type    = %[3]q
%[4]s
}
`, name, description, masterType, prio)
}

// findSourceOverride treats a source priority back at PROFILE_MASTER (or the attribute gone) as
// destroyed.
func findSourceOverride(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error {
	s, err := c.FindAttributeSource(ctx, rs.Primary.Attributes["user_type"], rs.Primary.Attributes["attribute_name"])
	if err != nil {
		return err
	}
	if s.MasterType == okta.MasterProfileMaster {
		return &okta.NotFoundError{Kind: "source override", ID: rs.Primary.ID}
	}
	return nil
}

func sourceDestroyed(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	return acctest.CheckDestroyAll(
		acctest.CheckDestroy(org, "dialpad_okta_attribute_source", findSourceOverride),
		acctest.CheckDestroy(org, "dialpad_okta_user_attribute", findUserAttributeState),
		org.CheckUnchanged(snap),
	)
}

func checkMaster(t *testing.T, org acctest.Org, name, masterType string, priority ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		a := mustUserAttr(t, org, name)
		if a.Source.MasterType != masterType || strings.Join(a.Source.Priority, ",") != strings.Join(priority, ",") {
			return fmt.Errorf("Okta holds master %+v, want %s %v", a.Source, masterType, priority)
		}
		return nil
	}
}

// checkStoredMaster is checkMaster on an emulator that omits master (omit_master): what Okta
// stores, read with master shown again, and omitted after.
func checkStoredMaster(t *testing.T, emu *acctest.Emulator, name, masterType string, priority ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(false)})
		defer emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(true)})
		return checkMaster(t, emu, name, masterType, priority...)(s)
	}
}

func TestAccAttributeSource_basic(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("src")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(sourceConfig(name, "d", "OVERRIDE", app)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(sourceAddr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
				statecheck.ExpectKnownValue(sourceAddr, tfjsonpath.New("priority"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app)})),
			},
			Check:            checkMaster(t, org, name, okta.MasterOverride, app),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

func TestAccAttributeSource_update(t *testing.T) {
	t.Parallel()
	emu := acctest.NewOrg(t)
	snap := emu.Snapshot(t)
	app, hr, name := emu.Fixtures().AppID, emu.Fixtures().SourceAppID, emu.RandomName("src")
	if hr == "" {
		t.Skip("needs a second profile source app (DIALPAD_ACC_SOURCE_APP_ID)")
	}
	emu.EnsureProfileSource(t, app)
	update := func(cfg string, master string, prio ...string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { resetStats(t, emu) },
			Config:    emu.Config(cfg),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sourceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("dialpad_okta_user_attribute.test", plancheck.ResourceActionNoop),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkMaster(t, emu, name, master, prio...),
				noDeletes(emu),
			),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{Config: emu.Config(sourceConfig(name, "d", "OVERRIDE", app))},
			update(sourceConfig(name, "d", "OVERRIDE", hr, app), okta.MasterOverride, hr, app),
			update(sourceConfig(name, "d", "OKTA"), okta.MasterOkta),
			update(sourceConfig(name, "d", "PROFILE_MASTER"), okta.MasterProfileMaster),
		},
	})
}

func TestAccAttributeSource_import(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("src")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(sourceConfig(name, "d", "OVERRIDE", app))},
			{ResourceName: sourceAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "default/" + name},
			// The same import as an import block (terraform plan): it must plan nothing but the import.
			{ResourceName: sourceAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "default/" + name},
		},
	})
}

func TestAccAttributeSource_drift(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("src")
	org.EnsureProfileSource(t, app)
	cfg := org.Config(sourceConfig(name, "d", "OVERRIDE", app))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if _, err := org.Client().SetAttributeMaster(apiCtx(t), "default", name, okta.MasterOkta, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(sourceAddr, plancheck.ResourceActionUpdate),
						expectChange(sourceAddr, "master_type", "OKTA", "OVERRIDE"),
						plancheck.ExpectResourceAction("dialpad_okta_user_attribute.test", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMaster(t, org, name, okta.MasterOverride, app),
			},
		},
	})
}

func TestAccAttributeSource_disappears(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("src")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(sourceConfig(name, "d", "OVERRIDE", app)),
			Check: func(*terraform.State) error {
				return org.Client().DeleteUserAttribute(apiCtx(t), "default", name)
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sourceAddr, plancheck.ResourceActionCreate)},
			},
		}},
	})
}

// The shared property: the attribute resource owns the description, the source resource owns
// master. Changing the description (in the configuration, and out of band) keeps master OVERRIDE,
// and both plan empty.
func TestAccAttributeSource_sharedProperty(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("shared")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(sourceConfig(name, "first", "OVERRIDE", app))},
			{
				Config: org.Config(sourceConfig(name, "second", "OVERRIDE", app)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("dialpad_okta_user_attribute.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(sourceAddr, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMaster(t, org, name, okta.MasterOverride, app),
					func(*terraform.State) error {
						if a := mustUserAttr(t, org, name); a.Description != "second" {
							return fmt.Errorf("description = %q", a.Description)
						}
						return nil
					},
				),
			},
		},
	})
}

// What the source resource does not own (the attribute's description) changing out of band leaves
// its plan empty (the attribute resource here ignores its description, so the whole plan is empty).
func TestAccAttributeSource_unmanaged(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("src")
	org.EnsureProfileSource(t, app)
	cfg := org.Config(fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "test" {
  name  = %[1]q
  title = "Sourced"
  lifecycle {
    ignore_changes = [description]
  }
}

resource "dialpad_okta_attribute_source" "test" {
  attribute_name = dialpad_okta_user_attribute.test.name
  master_type    = "OVERRIDE"
  priority       = [%[2]q]
}
`, name, app))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					a := mustUserAttr(t, org, name)
					a.Description = "edited in the console"
					if _, err := org.Client().UpdateUserAttribute(apiCtx(t), "default", *a); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkMaster(t, org, name, okta.MasterOverride, app),
			},
		},
	})
}

// An app that is not a profile source fails the plan with the Admin Console steps.
func TestAccAttributeSource_notProfileSource(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	nonSource := org.Fixtures().NonSourceAppID
	if nonSource == "" {
		t.Skip("no non-source app fixture (DIALPAD_ACC_NON_SOURCE_APP_ID)")
	}
	app, err := org.Client().FindApp(context.Background(), nonSource)
	if err != nil {
		t.Fatal(err)
	}
	name := org.RandomName("src")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   org.Config(sourceConfig(name, "d", "OVERRIDE", nonSource)),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)is not a profile source.*Applications -> ` + regexp.QuoteMeta(app.Label) +
				` -> Provisioning -> To Okta -> Profile & Lifecycle Sourcing.*Allow ` + regexp.QuoteMeta(app.Label) +
				` to source Okta users.*Do Nothing`),
		}},
	})
}

// Turning profile sourcing off after apply neither blocks a no-op plan nor the destroy.
func TestAccAttributeSource_sourcingOffThenDestroy(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "turns the console-only profile-sourcing setting off")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	app, name := emu.Fixtures().AppID, emu.RandomName("src")
	emu.EnsureProfileSource(t, app)
	cfg := emu.Config(sourceConfig(name, "d", "OVERRIDE", app))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             sourceDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        func() { emu.SetProfileSourcing(t, app, false) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccAttributeSource_invalid(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	for _, tc := range []struct{ name, hcl, want string }{
		{"override without priority", `master_type = "OVERRIDE"`, `master_type = "OVERRIDE" needs priority`},
		{"priority without override", "master_type = \"OKTA\"\n  priority = [\"0oa1\"]", `priority is only valid with master_type = "OVERRIDE"`},
		{"bad master type", `master_type = "APP"`, `(?s)master_type.*value must be one of`},
		{"duplicate priority", "master_type = \"OVERRIDE\"\n  priority = [\"0oa1\", \"0oa1\"]", `(?s)Duplicate List Value.*priority`},
		{"label in priority", "master_type = \"OVERRIDE\"\n  priority = [\"Dialpad Meetings\"]", `must be an app id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: org.Config(`resource "dialpad_okta_attribute_source" "x" {
  attribute_name = "ok"
  ` + tc.hcl + `
}`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Some orgs answer every property without `master` (recordings from 2026 where a posted
// PROFILE_MASTER comes back without it). The source priority is then written once, kept in state and
// reported with a warning: never polled until the 20-minute timeout for a value that cannot show.
func TestAccAttributeSource_masterNotReported(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's omit_master knob")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t) // taken while master is shown, as CheckDestroy compares it
	emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(true)})
	app, name := emu.Fixtures().AppID, emu.RandomName("nomaster")
	emu.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(false)})
			return sourceDestroyed(emu, snap)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: emu.Config(sourceConfig(name, "d", "OVERRIDE", app)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sourceAddr, tfjsonpath.New("master_type"), knownvalue.StringExact("OVERRIDE")),
					statecheck.ExpectKnownValue(sourceAddr, tfjsonpath.New("priority"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app)})),
				},
				Check:            checkStoredMaster(t, emu, name, okta.MasterOverride, app),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           emu.Config(sourceConfig(name, "d", "OKTA")),
				Check:            checkStoredMaster(t, emu, name, okta.MasterOkta),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
