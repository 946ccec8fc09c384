package provider_test

import (
	"context"
	"fmt"
	"regexp"
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

// The source priority managed by dialpad_okta_user_attribute itself (master_type, master_priority).

// masterArgs is the HCL of master_type and master_priority ("" for neither).
func masterArgs(masterType string, priority ...string) string {
	if masterType == "" {
		return ""
	}
	s := fmt.Sprintf("  master_type = %q\n", masterType)
	if len(priority) > 0 {
		s += "  master_priority = " + acctest.List(priority...) + "\n"
	}
	return s
}

// schemaCalls checks, on the emulator, the user schema calls since resetStats: reads (-1: any;
// the refreshes of terraform-plugin-testing's plans add some) and writes (POSTs), and that the apps were not listed (no profile-sourcing check) when listsApps is false.
func schemaCalls(org acctest.Org, reads, writes int, listsApps bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		emu := org.Emulator()
		if emu == nil {
			return nil // live mode: the plan's actions are the proof
		}
		// The routes as calls_test.go names them (that file is not built on Windows).
		const routeUserSchema, routePostUser, routeApps = "GET /api/v1/meta/schemas/user/{id}",
			"POST /api/v1/meta/schemas/user/{id}", "GET /api/v1/apps"
		return emu.CheckStats(func(s acctest.Stats) error {
			got := s.ByRoute
			if (reads >= 0 && got[routeUserSchema] != reads) || got[routePostUser] != writes {
				return fmt.Errorf("user schema calls: %d reads, %d writes; want %d, %d (all: %v)",
					got[routeUserSchema], got[routePostUser], reads, writes, got)
			}
			if !listsApps && got[routeApps] != 0 {
				return fmt.Errorf("the apps were listed %d times: no profile-sourcing check was due", got[routeApps])
			}
			if listsApps && got[routeApps] == 0 {
				return fmt.Errorf("the apps were never listed: the profile-sourcing check did not run")
			}
			return nil
		})(nil)
	}
}

// Create with OVERRIDE sends master in the creating POST: read, write, read-back, as without it.
func TestAccUserAttribute_master(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("master")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{{
			PreConfig: func() { resetStats(t, org) },
			Config:    org.Config(userAttributeConfig(name, "Sourced", masterArgs("OVERRIDE", app))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("master_type"), knownvalue.StringExact("OVERRIDE")),
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("master_priority"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app)})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				// First: the checks below read the schema too.
				schemaCalls(org, 2, 1, true),
				checkMaster(t, org, name, okta.MasterOverride, app),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// Drift of master shows in the plan and is written back; a title update keeps master without a
// sourcing check (no app listing) in one write; a change of master is one write; removing
// master_type returns the attribute to PROFILE_MASTER.
func TestAccUserAttribute_masterUpdate(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("master")
	org.EnsureProfileSource(t, app)
	override := org.Config(userAttributeConfig(name, "Sourced", masterArgs("OVERRIDE", app)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: override},
			{
				PreConfig: func() {
					if _, err := org.Client().SetAttributeMaster(apiCtx(t), "default", name, okta.MasterOkta, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: override,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate),
						expectChange(userAttrAddr, "master_type", "OKTA", "OVERRIDE"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMaster(t, org, name, okta.MasterOverride, app),
			},
			{
				PreConfig: func() { resetStats(t, org) },
				Config:    org.Config(userAttributeConfig(name, "Sourced (renamed)", masterArgs("OVERRIDE", app))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate),
						expectChange(userAttrAddr, "master_type", "OVERRIDE", "OVERRIDE"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					schemaCalls(org, -1, 1, false),
					checkMaster(t, org, name, okta.MasterOverride, app),
				),
			},
			{
				PreConfig: func() { resetStats(t, org) },
				Config:    org.Config(userAttributeConfig(name, "Sourced", masterArgs("OKTA"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChange(userAttrAddr, "master_type", "OVERRIDE", "OKTA")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					schemaCalls(org, -1, 1, false),
					checkMaster(t, org, name, okta.MasterOkta),
					func(*terraform.State) error {
						if a := mustUserAttr(t, org, name); a.Title != "Sourced" {
							return fmt.Errorf("title = %q", a.Title)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { resetStats(t, org) },
				Config:    org.Config(userAttributeConfig(name, "Sourced", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate),
						expectChange(userAttrAddr, "master_type", "OKTA", nil),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("master_type"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					schemaCalls(org, -1, 1, false),
					checkMaster(t, org, name, okta.MasterProfileMaster),
				),
			},
		},
	})
}

// Import leaves the source priority unmanaged (null): with master_type configured, the import
// plans an in-place update that writes (or finds) it.
func TestAccUserAttribute_masterImport(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("master")
	org.EnsureProfileSource(t, app)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(userAttributeConfig(name, "Sourced", masterArgs("OVERRIDE", app)))},
			{
				ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "default/" + name,
				// What import cannot know: whether the source priority is to be managed.
				ImportStateVerifyIgnore: []string{"master_type", "master_priority"},
			},
			{
				ResourceName: userAttrAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "default/" + name,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					expectChange(userAttrAddr, "master_type", nil, "OVERRIDE"),
					expectChange(userAttrAddr, "title", "Sourced", "Sourced"),
				}},
			},
		},
	})
}

// The plan fails, naming master_priority, when an app of an override is not a profile source.
func TestAccUserAttribute_masterNotProfileSource(t *testing.T) {
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   org.Config(userAttributeConfig(org.RandomName("master"), "Sourced", masterArgs("OVERRIDE", nonSource))),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)is not a profile source.*master_priority = .*Allow ` + regexp.QuoteMeta(app.Label) +
				` to source Okta users`),
		}},
	})
}

func TestAccUserAttribute_masterInvalid(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	for _, tc := range []struct{ name, hcl, want string }{
		{"override without priority", `master_type = "OVERRIDE"`, `master_type = "OVERRIDE" needs master_priority`},
		{"priority without override", "master_type = \"OKTA\"\n  master_priority = [\"0oa1\"]", `master_priority is only valid with master_type = "OVERRIDE" \(master_type is\s+"OKTA"\)`},
		{"priority without master_type", `master_priority = ["0oa1"]`, `master_priority is only valid with master_type = "OVERRIDE" \(master_type is\s+not set\)`},
		{"bad master type", `master_type = "APP"`, `(?s)master_type.*value must be one of`},
		{"duplicate priority", "master_type = \"OVERRIDE\"\n  master_priority = [\"0oa1\", \"0oa1\"]", `(?s)Duplicate List Value.*master_priority`},
		{"label in priority", "master_type = \"OVERRIDE\"\n  master_priority = [\"Dialpad Meetings\"]", `must be an app id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      org.Config(userAttributeConfig("ok", "Ok", "  "+tc.hcl)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Moving the source priority from dialpad_okta_attribute_source into the user attribute (what
// upgrading the okta-phone-sync module does): in one apply the source resource is destroyed and the
// user attribute updated from master null to OVERRIDE. With create_before_destroy on the source (as
// the module had it), Terraform updates the attribute first and destroys the source after, whose
// reset must then leave the override; without it, the reset runs first and the update writes the
// override over it. Either way Okta ends with the override and the next plan is empty.
func TestAccUserAttribute_masterFromSourceResource(t *testing.T) {
	t.Parallel()
	for _, cbd := range []bool{true, false} {
		t.Run(fmt.Sprintf("create_before_destroy=%v", cbd), func(t *testing.T) {
			t.Parallel()
			org := acctest.NewOrg(t)
			snap := org.Snapshot(t)
			app, name := org.Fixtures().AppID, org.RandomName("moved")
			org.EnsureProfileSource(t, app)
			lifecycle := ""
			if cbd {
				lifecycle = "  lifecycle {\n    create_before_destroy = true\n  }\n"
			}
			before := org.Config(userAttributeConfig(name, "Sourced", lifecycle) + fmt.Sprintf(`
resource "dialpad_okta_attribute_source" "test" {
  attribute_name = dialpad_okta_user_attribute.test.name
  master_type    = "OVERRIDE"
  priority       = [%[1]q]
%[2]s}
`, app, lifecycle))
			after := org.Config(userAttributeConfig(name, "Sourced", lifecycle+masterArgs("OVERRIDE", app)))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             userAttributeDestroyed(org, snap),
				Steps: []resource.TestStep{
					{Config: before, Check: checkMaster(t, org, name, okta.MasterOverride, app)},
					{
						Config: after,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(sourceAddr, plancheck.ResourceActionDestroy),
								plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkMaster(t, org, name, okta.MasterOverride, app),
					},
				},
			})
		})
	}
}

// The profile-sourcing check runs when the master is about to be written: not for an unchanged one
// (the plan stays empty after sourcing was turned off), but for a replacement, which creates the
// attribute anew with it.
func TestAccUserAttribute_masterSourcingOff(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "turns the console-only profile-sourcing setting off")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	app, name := emu.Fixtures().AppID, emu.RandomName("master")
	emu.EnsureProfileSource(t, app)
	cfg := emu.Config(userAttributeConfig(name, "Sourced", masterArgs("OVERRIDE", app)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        func() { emu.SetProfileSourcing(t, app, false) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:      emu.Config(userAttributeConfig(name+"2", "Sourced", masterArgs("OVERRIDE", app))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)is not a profile source.*master_priority = `),
			},
		},
	})
}

// An org that does not report master: the source priority is written, kept in state as configured
// and reported with a warning, and the plan stays empty.
func TestAccUserAttribute_masterNotReported(t *testing.T) {
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
			return userAttributeDestroyed(emu, snap)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: emu.Config(userAttributeConfig(name, "Sourced", masterArgs("OVERRIDE", app))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("master_type"), knownvalue.StringExact("OVERRIDE")),
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("master_priority"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(app)})),
				},
				Check:            checkStoredMaster(t, emu, name, okta.MasterOverride, app),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           emu.Config(userAttributeConfig(name, "Sourced (renamed)", masterArgs("OKTA"))),
				Check:            checkStoredMaster(t, emu, name, okta.MasterOkta),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:           emu.Config(userAttributeConfig(name, "Sourced (renamed)", "")),
				Check:            checkStoredMaster(t, emu, name, okta.MasterProfileMaster),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
