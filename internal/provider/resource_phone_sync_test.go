package provider_test

import (
	"context"
	"fmt"
	"regexp"
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

const phoneSyncAddr = "dialpad_okta_phone_sync.test"

// phoneSyncConfig is one composite sync of the attribute name on app appID, with extra arguments.
func phoneSyncConfig(appID, name string, extra ...string) string {
	return fmt.Sprintf(`
resource "dialpad_okta_phone_sync" "test" {
  app_id         = %[1]q
  attribute_name = %[2]q
  %[3]s
}
`, appID, name, strings.Join(extra, "\n  "))
}

// unchanged is CheckUnchanged of the org (the seed's own attributes and mappings survived and
// nothing of this test is left).
func psUnchanged(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	u, ok := org.(interface {
		CheckUnchanged(*acctest.Snapshot) resource.TestCheckFunc
	})
	if !ok {
		return func(*terraform.State) error { return fmt.Errorf("org %T has no CheckUnchanged", org) }
	}
	return u.CheckUnchanged(snap)
}

func phoneSyncSpec(org acctest.Org, name string) okta.PhoneSyncSpec {
	return okta.PhoneSyncSpec{AppID: org.Fixtures().AppID, UserType: org.Fixtures().UserType, AttributeName: name}
}

// checkPieces reads every piece of the sync from the org and hands it to check.
func psCheckPieces(org acctest.Org, name string, check func(o *okta.PhoneSyncObserved) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		o, err := org.Client().ReadPhoneSync(context.Background(), phoneSyncSpec(org, name))
		if err != nil {
			return err
		}
		return check(o)
	}
}

// allPieces wants every piece present with the given fields.
func psAllPieces(org acctest.Org, name, title, external, push string, override bool) resource.TestCheckFunc {
	appID := org.Fixtures().AppID
	return psCheckPieces(org, name, func(o *okta.PhoneSyncObserved) error {
		var errs []string
		if o.UserAttr == nil || o.UserAttr.Title != title || o.UserAttr.Type != "string" {
			errs = append(errs, fmt.Sprintf("user attribute: %+v", o.UserAttr))
		}
		if o.AppAttr == nil || o.AppAttr.Title != title || o.AppAttr.ExternalName != external {
			errs = append(errs, fmt.Sprintf("app user attribute: %+v", o.AppAttr))
		}
		if o.MappingProp == nil || o.MappingProp.Expression != "appuser."+name || o.MappingProp.PushStatus != push {
			errs = append(errs, fmt.Sprintf("mapping property: %+v", o.MappingProp))
		}
		if got := o.UserAttr != nil && o.UserAttr.Source.MasterType == okta.MasterOverride &&
			len(o.UserAttr.Source.Priority) == 1 && o.UserAttr.Source.Priority[0] == appID; got != override {
			errs = append(errs, fmt.Sprintf("source priority override with %s: %v, want %v (%+v)", appID, got, override, o.UserAttr))
		}
		if len(errs) > 0 {
			return fmt.Errorf("phone sync %s in Okta:\n  %s", name, strings.Join(errs, "\n  "))
		}
		return nil
	})
}

// noPieces proves that no piece of the sync exists (CheckDestroy, rollback).
func psNoPieces(org acctest.Org, name string) error {
	_, err := org.Client().ReadPhoneSync(context.Background(), phoneSyncSpec(org, name))
	if okta.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("pieces of the phone sync %s are still in Okta", name)
}

func TestAccPhoneSync_basic(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	id := fx.AppID + "/" + name
	if fx.UserType != okta.DefaultUserType {
		id = fx.AppID + "/" + fx.UserType + "/" + name
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			func(*terraform.State) error { return psNoPieces(org, name) },
			psUnchanged(org, snap),
		),
		Steps: []resource.TestStep{
			{
				Config: org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Dialpad Phone")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("external_name"), knownvalue.StringExact("phoneNumbers.^[type=='Dialpad'].value")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("push_status"), knownvalue.StringExact("PUSH")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("override_profile_source"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("mapping_expression"), knownvalue.StringExact("appuser."+name)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("user_type_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("mapping_id"), knownvalue.NotNull()),
				},
				Check: psAllPieces(org, name, "Dialpad Phone", "phoneNumbers.^[type=='Dialpad'].value", "PUSH", true),
			},
			{
				Config:           org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      phoneSyncAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
				// apply_to_existing_users is an action, not something Okta shows; timeouts are local.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			// The same import as an import block (terraform plan): it must plan nothing but the import.
			{ResourceName: phoneSyncAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: id},
		},
	})
}

// psChange is a plan check: the resource is updated in place and attr goes from before (the
// value refresh found in Okta) to after (the configuration).
type psChange struct {
	addr, attr    string
	before, after any
}

func (e psChange) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		if !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: planned %v, want an in-place update", e.addr, rc.Change.Actions)
			return
		}
		b, _ := rc.Change.Before.(map[string]any)
		a, _ := rc.Change.After.(map[string]any)
		if fmt.Sprint(b[e.attr]) != fmt.Sprint(e.before) || fmt.Sprint(a[e.attr]) != fmt.Sprint(e.after) {
			resp.Error = fmt.Errorf("%s.%s: planned %v -> %v, want %v -> %v", e.addr, e.attr, b[e.attr], a[e.attr], e.before, e.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

func TestAccPhoneSync_update(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	emu := org.Emulator()
	base := []string{"user_type = " + acctest.Quote(fx.UserType)}
	cfg := func(extra ...string) string {
		return org.Config(phoneSyncConfig(fx.AppID, name, append(base, extra...)...))
	}
	// Each update is in place, and (on the emulator) deletes nothing in Okta.
	inPlace := func(field string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(phoneSyncAddr, plancheck.ResourceActionUpdate),
		}}
	}
	resetStats := func() {
		if emu != nil {
			emu.ResetStats(t)
		}
	}
	noDeletes := func(*terraform.State) error {
		if emu == nil {
			return nil
		}
		if s := emu.Stats(t); s.Deletes != 0 {
			return fmt.Errorf("the update deleted %d schema or mapping properties in Okta, want 0", s.Deletes)
		}
		return nil
	}
	const mobile = "phoneNumbers.^[type=='mobile'].value"
	const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			func(*terraform.State) error { return psNoPieces(org, name) },
			psUnchanged(org, snap),
		),
		Steps: []resource.TestStep{
			{Config: cfg(), Check: psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)},
			{
				PreConfig:        resetStats,
				Config:           cfg(`display_name = "Work phone"`, `description = "Dialpad work number"`),
				ConfigPlanChecks: inPlace("display_name"),
				Check: resource.ComposeTestCheckFunc(noDeletes,
					psAllPieces(org, name, "Work phone", phoneSyncDefaultExternal, "PUSH", true),
					psCheckPieces(org, name, func(o *okta.PhoneSyncObserved) error {
						if o.UserAttr.Description != "Dialpad work number" || o.AppAttr.Description != "Dialpad work number" {
							return fmt.Errorf("descriptions %q / %q", o.UserAttr.Description, o.AppAttr.Description)
						}
						return nil
					})),
			},
			{
				PreConfig:        resetStats,
				Config:           cfg(`display_name = "Work phone"`, `description = "Dialpad work number"`, "external_name = "+acctest.Quote(mobile)),
				ConfigPlanChecks: inPlace("external_name"),
				Check:            resource.ComposeTestCheckFunc(noDeletes, psAllPieces(org, name, "Work phone", mobile, "PUSH", true)),
			},
			{
				PreConfig: resetStats,
				Config: cfg(`display_name = "Work phone"`, `description = "Dialpad work number"`, `external_name = "department"`,
					"external_namespace = "+acctest.Quote(enterprise)),
				ConfigPlanChecks: inPlace("external_namespace"),
				Check: resource.ComposeTestCheckFunc(noDeletes, psAllPieces(org, name, "Work phone", "department", "PUSH", true),
					psCheckPieces(org, name, func(o *okta.PhoneSyncObserved) error {
						if o.AppAttr.ExternalNamespace != enterprise {
							return fmt.Errorf("external namespace %q", o.AppAttr.ExternalNamespace)
						}
						return nil
					})),
			},
			{
				PreConfig:        resetStats,
				Config:           cfg(`push_status = "DONT_PUSH"`),
				ConfigPlanChecks: inPlace("push_status"),
				Check:            resource.ComposeTestCheckFunc(noDeletes, psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "DONT_PUSH", true)),
			},
			{
				PreConfig:        resetStats,
				Config:           cfg(`push_status = "DONT_PUSH"`, `override_profile_source = false`),
				ConfigPlanChecks: inPlace("override_profile_source"),
				Check: resource.ComposeTestCheckFunc(noDeletes, psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "DONT_PUSH", false),
					psCheckPieces(org, name, func(o *okta.PhoneSyncObserved) error {
						if o.UserAttr.Source.MasterType != okta.MasterProfileMaster {
							return fmt.Errorf("source priority %+v, want back to PROFILE_MASTER (inherit)", o.UserAttr.Source)
						}
						return nil
					})),
			},
			{
				PreConfig:        resetStats,
				Config:           cfg(`apply_to_existing_users = true`),
				ConfigPlanChecks: inPlace("apply_to_existing_users"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("apply_to_existing_users"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(noDeletes, psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)),
			},
			{Config: cfg(`apply_to_existing_users = true`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

const phoneSyncDefaultExternal = "phoneNumbers.^[type=='Dialpad'].value"

// TestAccPhoneSync_drift changes each piece through the Okta API (as an admin in the console
// would) and asserts the plan names it with the value found and the value to restore; the apply
// repairs it and the next plan is empty.
func TestAccPhoneSync_drift(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	c := org.Client()
	ctx := context.Background()
	ut := fx.UserType
	cfg := org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(ut)))
	utID := func() string {
		u, err := c.FindUserType(ctx, ut)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	attr := func(title, ext string) okta.Attribute {
		return okta.Attribute{Name: name, Title: title, Description: "Dialpad Phone", Type: "string", ExternalName: ext,
			ExternalNamespace: map[bool]string{true: "urn:ietf:params:scim:schemas:core:2.0:User"}[ext != ""]}
	}
	step := func(change func(), checks ...plancheck.PlanCheck) resource.TestStep {
		return resource.TestStep{
			PreConfig:        change,
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
			Check:            psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true),
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			func(*terraform.State) error { return psNoPieces(org, name) },
			psUnchanged(org, snap),
		),
		Steps: []resource.TestStep{
			{Config: cfg},
			// The Okta user attribute's title: the two titles now disagree, and the plan says both.
			step(func() {
				_, err := c.UpdateUserAttribute(ctx, ut, attr("Edited in Okta", ""))
				must(err)
			}, psChange{phoneSyncAddr, "display_name", `"Edited in Okta" on the Okta user attribute, "Dialpad Phone" on the app user attribute`, "Dialpad Phone"}),
			// The app user attribute's external name.
			step(func() {
				_, err := c.UpdateAppUserAttribute(ctx, fx.AppID, attr("Dialpad Phone", "phoneNumbers.^[type=='work'].value"))
				must(err)
			}, psChange{phoneSyncAddr, "external_name", "phoneNumbers.^[type=='work'].value", phoneSyncDefaultExternal}),
			// The source priority, back to inherit.
			step(func() {
				_, err := c.SetAttributeMaster(ctx, ut, name, okta.MasterProfileMaster, nil)
				must(err)
			}, psChange{phoneSyncAddr, "override_profile_source", false, true}),
			// The mapping property's push status.
			step(func() {
				_, err := c.UpdateMappingProperties(ctx, fx.AppID, utID(), map[string]okta.MappingProperty{
					name: {Expression: "appuser." + name, PushStatus: okta.PushStatusDontPush}}, nil)
				must(err)
			}, psChange{phoneSyncAddr, "push_status", "DONT_PUSH", "PUSH"}),
			// The mapping property's expression.
			step(func() {
				_, err := c.UpdateMappingProperties(ctx, fx.AppID, utID(), map[string]okta.MappingProperty{
					name: {Expression: "appuser.email", PushStatus: okta.PushStatusPush}}, nil)
				must(err)
			}, psChange{phoneSyncAddr, "mapping_expression", "appuser.email", "appuser." + name}),
			// The mapping property removed.
			step(func() {
				must(c.DeleteMappingProperties(ctx, fx.AppID, utID(), []string{name}))
			}, psChange{phoneSyncAddr, "mapping_expression", "", "appuser." + name}),
			// The app user attribute deleted (Okta needs the mapping property gone first).
			step(func() {
				must(c.DeleteMappingProperties(ctx, fx.AppID, utID(), []string{name}))
				must(c.DeleteAppUserAttribute(ctx, fx.AppID, name))
			}, psChange{phoneSyncAddr, "app_user_attribute_id", "", fx.AppID + "/" + name},
				psChange{phoneSyncAddr, "mapping_expression", "", "appuser." + name}),
			// The Okta user attribute deleted.
			step(func() {
				must(c.DeleteMappingProperties(ctx, fx.AppID, utID(), []string{name}))
				must(c.DeleteUserAttribute(ctx, ut, name))
			}, psChange{phoneSyncAddr, "user_attribute_id", "", ut + "/" + name}),
		},
	})
}

func TestAccPhoneSync_disappears(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(org, name) }, psUnchanged(org, snap)),
		Steps: []resource.TestStep{{
			Config: org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
			Check: func(*terraform.State) error {
				return org.Client().DeletePhoneSync(context.Background(), phoneSyncSpec(org, name))
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(phoneSyncAddr, plancheck.ResourceActionCreate),
			}},
		}},
	})
}

// TestAccPhoneSync_rollback fails the mapping write (step 4) with a targeted emulator fault, once
// after Okta applied it (after_commit) and once before, and proves the create left nothing: both
// attributes and the mapping property are gone, the seed is as it was.
func TestAccPhoneSync_rollback(t *testing.T) {
	acctest.RequireEmulator(t, "targeted faults on the mapping write")
	for _, afterCommit := range []bool{true, false} {
		t.Run(fmt.Sprintf("after_commit=%v", afterCommit), func(t *testing.T) {
			emu := acctest.NewEmulator(t)
			fx := emu.Fixtures()
			emu.EnsureProfileSource(t, fx.AppID)
			name := emu.RandomName("Phone")
			snap := emu.Snapshot(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
				Steps: []resource.TestStep{{
					PreConfig: func() {
						emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{
							Method: "POST", Route: "/api/v1/mappings/{id}", Status: 400, Count: 1, AfterCommit: afterCommit,
						}}})
					},
					Config:      emu.Config(phoneSyncConfig(fx.AppID, name)),
					ExpectError: regexp.MustCompile(`(?s)step 4/5: add the mapping property.*removed again`),
				}, {
					// Nothing half-made: the same configuration now creates cleanly (nothing is left to refuse it).
					Config: emu.Config(phoneSyncConfig(fx.AppID, name)),
					Check:  psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true),
				}},
			})
		})
	}
}

// TestAccPhoneSync_ambiguousMappingWrite: a 503 answered after Okta applied the mapping write is
// accepted once the read-back shows it; the create succeeds and nothing is duplicated.
func TestAccPhoneSync_ambiguousMappingWrite(t *testing.T) {
	acctest.RequireEmulator(t, "targeted faults on the mapping write")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	snap := emu.Snapshot(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{
					Method: "POST", Route: "/api/v1/mappings/{id}", Status: 503, Count: 1, AfterCommit: true,
				}}})
			},
			Config: emu.Config(phoneSyncConfig(fx.AppID, name)),
			Check: resource.ComposeTestCheckFunc(
				psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true),
				emu.CheckStats(func(s acctest.Stats) error {
					if s.Faults < 1 {
						return fmt.Errorf("the fault did not fire (stats %+v)", s)
					}
					return nil
				})),
		}},
	})
}

func TestAccPhoneSync_requireProfileSourcing(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	if fx.NonSourceAppID == "" {
		t.Skip("needs an app that is not a profile source (DIALPAD_ACC_NON_SOURCE_APP_ID)")
	}
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(org, name) }, psUnchanged(org, snap)),
		Steps: []resource.TestStep{
			{
				// The default: the plan fails with the console steps.
				Config:      org.Config(phoneSyncConfig(fx.NonSourceAppID, name)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Provisioning.*To Okta.*Profile & Lifecycle Sourcing.*Allow .* to source Okta users.*Do Nothing`),
			},
			{
				// Switching the check off is only valid with DONT_PUSH and no override.
				Config:      org.Config(phoneSyncConfig(fx.NonSourceAppID, name, "require_profile_sourcing = false")),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)require_profile_sourcing = false.*DONT_PUSH`),
			},
			{
				// That combination Okta accepts without sourcing.
				Config: org.Config(phoneSyncConfig(fx.NonSourceAppID, name, "require_profile_sourcing = false",
					`push_status = "DONT_PUSH"`, "override_profile_source = false")),
				Check: psCheckPieces(org, name, func(o *okta.PhoneSyncObserved) error { return nil }),
			},
		},
	})
}

func TestAccPhoneSync_oauthApplyToExistingUsers(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	name := org.RandomName("Phone")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      org.ConfigOAuth(t, phoneSyncConfig(fx.AppID, name, "apply_to_existing_users = true")),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)apply_to_existing_users needs an API token`),
		}},
	})
}

// psUsers reads every Okta user's profile by id.
func psUsers(org acctest.Org) (map[string]map[string]any, error) {
	users, err := org.Client().ListUsers(context.Background(), "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]any, len(users))
	for _, u := range users {
		out[u.ID] = u.Profile
	}
	return out, nil
}

// psValues checks the number on every assigned user's Okta profile against the app user profile:
// synced users must hold exactly wantPrefix-numbers, the users of hrUsers (profile mastered by the
// HR app) must be synced when hrSynced (and missing otherwise), and every other attribute of every
// user must be as it was in before.
func psValues(org acctest.Org, name, wantPrefix string, wantSynced int, before map[string]map[string]any, hrUsers map[string]bool, hrSynced bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		c := org.Client()
		st, err := c.PhoneSyncStatus(ctx, org.Fixtures().AppID, name, 1000)
		if err != nil {
			return err
		}
		if st.Synced != wantSynced || st.Stale != 0 {
			return fmt.Errorf("status %+v, want %d synced and none stale", st, wantSynced)
		}
		missing := map[string]bool{}
		for _, r := range st.MissingUsers {
			missing[r.ID] = true
		}
		appUsers, err := c.ListAppUsers(ctx, org.Fixtures().AppID)
		if err != nil {
			return err
		}
		now, err := psUsers(org)
		if err != nil {
			return err
		}
		hrChecked := 0
		for _, au := range appUsers {
			want, _ := au.Profile[name].(string)
			got, _ := now[au.ID][name].(string)
			if want != "" && !strings.HasPrefix(want, wantPrefix) {
				return fmt.Errorf("user %s: app holds %q, want a %s... number", au.ID, want, wantPrefix)
			}
			if hrUsers[au.ID] && want != "" {
				hrChecked++
				if hrSynced && got != want {
					return fmt.Errorf("HR-sourced user %s has %q on the Okta profile, want %q (the override should reach them)", au.ID, got, want)
				}
				if !hrSynced && got != "" {
					return fmt.Errorf("HR-sourced user %s got %q without the override", au.ID, got)
				}
			}
		}
		if hrChecked == 0 {
			return fmt.Errorf("no HR-sourced Dialpad user with a number was checked")
		}
		for id, p := range now {
			for k, v := range p {
				if k == name {
					continue
				}
				if fmt.Sprint(before[id][k]) != fmt.Sprint(v) {
					return fmt.Errorf("user %s: %s changed from %v to %v; the sync must not touch other attributes", id, k, before[id][k], v)
				}
			}
		}
		return nil
	}
}

// TestAccPhoneSync_values follows the numbers onto the Okta profiles: after apply and the app's
// import, users whose profile is mastered by the HR app get theirs through the source override and
// keep every other attribute; changing external_name to the mobile number and reapplying changes
// the values; without the override the HR-sourced users get nothing (so the check can fail), and
// turning it on reaches them through "Apply Updates Now".
func TestAccPhoneSync_values(t *testing.T) {
	acctest.RequireEmulator(t, "the seed's users, their SCIM records and the import simulation")
	for _, override := range []bool{true, false} {
		t.Run(fmt.Sprintf("override_profile_source=%v", override), func(t *testing.T) {
			emu := acctest.NewEmulator(t)
			fx := emu.Fixtures()
			emu.EnsureProfileSource(t, fx.AppID)
			name := emu.RandomName("Phone")
			snap := emu.Snapshot(t)
			before, err := psUsers(emu)
			if err != nil {
				t.Fatal(err)
			}
			hr := map[string]bool{}
			hrUsers, err := emu.Client().ListAppUsers(context.Background(), fx.SourceAppID)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range hrUsers {
				hr[u.ID] = true
			}
			const mobile = "external_name = \"phoneNumbers.^[type=='mobile'].value\""
			cfg := func(override bool, extra ...string) string {
				return emu.Config(phoneSyncConfig(fx.AppID, name, append([]string{"apply_to_existing_users = true",
					fmt.Sprintf("override_profile_source = %v", override)}, extra...)...))
			}
			// st checks the values; with importFirst the app pushes its users first (app user profiles
			// are computed from the SCIM records on import, as in Okta).
			st := func(prefix string, hrSynced, importFirst bool) resource.TestCheckFunc {
				// Dialpad numbers: 40 of the 60 users, 13 of them HR-sourced; mobile numbers: 20, 7 of
				// them HR-sourced (oktaemu seed: phone types by user index mod 6, HR users 40..59).
				n := map[string]int{"+1415555": 40, "+1650555": 20}[prefix]
				if !hrSynced {
					n -= map[string]int{"+1415555": 13, "+1650555": 7}[prefix]
				}
				check := psValues(emu, name, prefix, n, before, hr, hrSynced)
				return func(s *terraform.State) error {
					if importFirst {
						emu.Import(t, fx.AppID)
					}
					return check(s)
				}
			}
			steps := []resource.TestStep{
				{Config: cfg(override), Check: st("+1415555", override, true)},
				{Config: cfg(override, mobile), Check: st("+1650555", override, true)},
			}
			if !override {
				// Turning the override on reaches the HR-sourced users through "Apply Updates Now"
				// alone, without another import.
				steps = append(steps, resource.TestStep{Config: cfg(true, mobile), Check: st("+1650555", true, false)})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
				Steps:                    steps,
			})
		})
	}
}

// TestAccPhoneSync_existing: an attribute that already exists is refused with the import command
// and left exactly as it was; nothing else is made.
func TestAccPhoneSync_existing(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	ctx := context.Background()
	pre := okta.Attribute{Name: name, Title: "Someone else's", Type: "string"}
	if _, err := org.Client().CreateUserAttribute(ctx, fx.UserType, pre); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = org.Client().DeleteUserAttribute(ctx, fx.UserType, name) })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
			ExpectError: regexp.MustCompile(`(?s)step 1/5: create the Okta user attribute.*already exists.*terraform import\s+dialpad_okta_phone_sync\.<name>\s+` + regexp.QuoteMeta(fx.AppID+"/"+name)),
		}},
	})
	o, err := org.Client().ReadPhoneSync(ctx, phoneSyncSpec(org, name))
	if err != nil {
		t.Fatal(err)
	}
	if o.UserAttr == nil || o.UserAttr.Title != "Someone else's" || o.AppAttr != nil || o.MappingProp != nil {
		t.Fatalf("after the refused create: user attribute %+v, app attribute %+v, mapping property %+v; want only the pre-existing attribute, untouched",
			o.UserAttr, o.AppAttr, o.MappingProp)
	}
}

// TestAccPhoneSync_lostWrites: one write to each of the three objects the composite writes (the user
// schema, the app user schema, the app -> user mapping) loses to an overlapping writer, on create
// and again on destroy (a deleted property or mapping property reappears). The emulator's
// lost_update rules make the same writes lost at any machine load; the sync converges both ways.
func TestAccPhoneSync_lostWrites(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's lost_update fault rules and stats")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	snap := emu.Snapshot(t)
	loseOneEach := func() {
		emu.LoseNextWrites(t, map[string]int{acctest.UserSchemaWrites: 1, acctest.AppSchemaWrites: 1, acctest.MappingWrites: 1})
	}
	lost := emu.CheckLostWrites(t, 3)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{
				PreConfig:        loseOneEach,
				Config:           emu.Config(phoneSyncConfig(fx.AppID, name)),
				Check:            resource.ComposeAggregateTestCheckFunc(lost, psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: loseOneEach,
				Config:    emu.Config(),
				Check:     resource.ComposeAggregateTestCheckFunc(lost, func(*terraform.State) error { return psNoPieces(emu, name) }),
			},
		},
	})
}

// TestAccPhoneSync_harshOrg runs create, update, re-create after destroy (inside the attribute
// clean-up window) against an org with eventual consistency, lost concurrent writes and random 5xx:
// every step converges and the plan after it is empty.
func TestAccPhoneSync_harshOrg(t *testing.T) {
	acctest.RequireEmulator(t, "the emulator's consistency, lost-update, clean-up and fault knobs")
	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{
		ConsistencyDelay: 150 * time.Millisecond,
		LostUpdateWindow: 200 * time.Millisecond,
		CleanupDelay:     2 * time.Second,
		FaultRate:        0.1,
	}))
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	snap := emu.Snapshot(t)
	cfg := func(extra ...string) string { return emu.Config(phoneSyncConfig(fx.AppID, name, extra...)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{Config: cfg(), Check: psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)},
			{Config: cfg(`display_name = "Work phone"`, `push_status = "DONT_PUSH"`),
				Check: psAllPieces(emu, name, "Work phone", phoneSyncDefaultExternal, "DONT_PUSH", true)},
			{Config: emu.Config(), Check: func(*terraform.State) error { return psNoPieces(emu, name) }},
			// Re-created at once: Okta refuses the name until its clean-up ends; the create waits it out.
			{Config: cfg(), Check: psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)},
		},
	})
}

// TestAccPhoneSync_parallel: several syncs of one app (distinct attribute names) share its app
// schema, the user schema and the one app -> user mapping; created, refreshed and destroyed in one
// run with slow consistency and a lost-update window long enough that the emulator drops writes,
// every piece of every sync is there and the next plan is empty.
func TestAccPhoneSync_parallel(t *testing.T) {
	acctest.RequireEmulator(t, "the emulator's lost-update and consistency knobs")
	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{
		ConsistencyDelay: 100 * time.Millisecond,
		LostUpdateWindow: 400 * time.Millisecond,
	}))
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	snap := emu.Snapshot(t)
	var names []string
	var hcl strings.Builder
	for i := 0; i < 6; i++ {
		n := emu.RandomName(fmt.Sprintf("Phone%d", i))
		names = append(names, n)
		fmt.Fprintf(&hcl, "resource \"dialpad_okta_phone_sync\" \"s%d\" {\n  app_id         = %q\n  attribute_name = %q\n}\n\n", i, fx.AppID, n)
	}
	all := func(*terraform.State) error {
		for _, n := range names {
			if err := psAllPieces(emu, n, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)(nil); err != nil {
				return err
			}
		}
		return nil
	}
	none := func(*terraform.State) error {
		for _, n := range names {
			if err := psNoPieces(emu, n); err != nil {
				return err
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(none, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{
				// Lost writes happen for certain (one to the shared user schema, one to the shared mapping,
				// besides whatever the timing window drops), and every sync is there regardless.
				PreConfig: func() { emu.LoseNextWrites(t, map[string]int{acctest.UserSchemaWrites: 1, acctest.MappingWrites: 1}) },
				Config:    emu.Config(hcl.String()),
				Check:     resource.ComposeTestCheckFunc(all, emu.CheckLostWrites(t, 2)),
			},
			{Config: emu.Config(hcl.String()), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccPhoneSync_partialUpdateVisible: an update of display_name that fails after the user
// attribute took the new title but before the app user attribute did (Okta refuses the app schema
// write) keeps the prior state. The two attributes now disagree, one of them with the
// configuration: the next plan must still show the change (not hide the stale attribute behind the
// updated one), and applying it makes both titles the configured one.
func TestAccPhoneSync_partialUpdateVisible(t *testing.T) {
	acctest.RequireEmulator(t, "needs a fault rule to fail the app schema write mid-update")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	snap := emu.Snapshot(t)
	cfg := func(extra ...string) string { return emu.Config(phoneSyncConfig(fx.AppID, name, extra...)) }
	titles := func(user, app string) resource.TestCheckFunc {
		return psCheckPieces(emu, name, func(o *okta.PhoneSyncObserved) error {
			if o.UserAttr == nil || o.AppAttr == nil || o.UserAttr.Title != user || o.AppAttr.Title != app {
				return fmt.Errorf("titles: user attribute %+v, app user attribute %+v; want %q and %q", o.UserAttr, o.AppAttr, user, app)
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{Config: cfg(), Check: psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)},
			{
				PreConfig: func() {
					// Two refusals: the app attribute's update is sent once without a read and, refused,
					// once more on a fresh read; the second refusal ends the update.
					emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{Method: "POST", Route: acctest.AppSchemaWrites, Status: 400, Count: 2}}})
				},
				Config:      cfg(`display_name = "Work phone"`),
				ExpectError: regexp.MustCompile(`Cannot update the Okta phone sync`),
			},
			{
				// What the failed update left: the user attribute renamed, the app user attribute not.
				PreConfig: func() {
					if err := emu.CheckRulesSpent()(nil); err != nil {
						t.Fatal(err)
					}
					if err := titles("Work phone", "Dialpad Phone")(nil); err != nil {
						t.Fatalf("the failed update did not leave the two titles apart, so this test would prove nothing: %v", err)
					}
				},
				Config: cfg(`display_name = "Work phone"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(phoneSyncAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: titles("Work phone", "Work phone"),
			},
		},
	})
}
