package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Day-2 changes: what a sync is keyed by (attribute name, user type, app) changes in one apply,
// keeps the source override and leaves nothing of the old sync behind; spellings of one user type
// change nothing; a user type that does not exist fails the plan.

// psWhole wants every piece of the sync of name on appID and userType, with the override.
func psWhole(org acctest.Org, appID, userType, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		o, err := org.Client().ReadPhoneSync(context.Background(), okta.PhoneSyncSpec{AppID: appID, UserType: userType, AttributeName: name})
		if err != nil {
			return fmt.Errorf("phone sync %s on %s/%s: %w", name, appID, userType, err)
		}
		var errs []string
		if o.UserAttr == nil {
			errs = append(errs, "no Okta user attribute")
		} else if s := o.UserAttr.Source; s.MasterType != okta.MasterOverride || len(s.Priority) != 1 || s.Priority[0] != appID {
			errs = append(errs, fmt.Sprintf("source priority %+v, want an override with %s", s, appID))
		}
		if o.AppAttr == nil {
			errs = append(errs, "no app user attribute")
		}
		if o.MappingProp == nil || o.MappingProp.Expression != "appuser."+name {
			errs = append(errs, fmt.Sprintf("mapping property %+v", o.MappingProp))
		}
		if len(errs) > 0 {
			return fmt.Errorf("phone sync %s on %s/%s: %s", name, appID, userType, strings.Join(errs, "; "))
		}
		return nil
	}
}

// psGone proves that the user type has no attribute name, the app has no app user attribute name
// (unless keepAppAttr) and the mapping app -> user type has no property name.
func psGone(org acctest.Org, appID, userType, name string, keepAppAttr bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		c := org.Client()
		if _, err := c.FindUserAttribute(ctx, userType, name); !okta.IsNotFound(err) {
			return fmt.Errorf("the Okta user attribute %s/%s is still there (err %v)", userType, name, err)
		}
		if _, err := c.FindAppUserAttribute(ctx, appID, name); !keepAppAttr && !okta.IsNotFound(err) {
			return fmt.Errorf("the app user attribute %s/%s is still there (err %v)", appID, name, err)
		}
		ut, err := c.FindUserType(ctx, userType)
		if err != nil {
			return err
		}
		m, err := c.FindMapping(ctx, appID, ut.ID)
		if err != nil {
			return err
		}
		if p, ok := m.Properties[name]; ok {
			return fmt.Errorf("the mapping %s -> %s still maps %s (%+v)", appID, ut.ID, name, p)
		}
		return nil
	}
}

// createUserType adds a user type to the emulator (POST /api/v1/meta/types/user, as in Okta) and
// returns its id.
func createUserType(t *testing.T, org acctest.Org, name string) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	org.API(t, "POST", "/api/v1/meta/types/user", map[string]any{"name": name, "displayName": name, "description": "test"}, &out)
	if out.ID == "" {
		t.Fatal("creating a user type returned no id")
	}
	return out.ID
}

func expectUpdate(addr string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
}

func expectEmpty() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// TestAccPhoneSyncModule_rename: a new attribute_name converges in one apply: the new attributes,
// the override and the mapping property exist, the old ones are gone, and the plan is empty after.
func TestAccPhoneSyncModule_rename(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	old, renamed := org.RandomName("Phone"), org.RandomName("Phone")
	snap := org.Snapshot(t)
	cfgOn := func(appID, name string) config.TestStepConfigFunc {
		return dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(appID), "attribute_name = "+acctest.Quote(name),
			"user_type = "+acctest.Quote(fx.UserType))))
	}
	cfg := func(name string) config.TestStepConfigFunc { return cfgOn(fx.AppID, name) }
	steps := []resource.TestStep{
		{ConfigDirectory: cfg(old), ConfigStateChecks: []statecheck.StateCheck{orgCheck(psWhole(org, fx.AppID, fx.UserType, old))}},
		{
			ConfigDirectory: cfg(renamed),
			// New attributes first (the Okta user attribute created with the override), the mapping
			// moves in place, the old ones go last.
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("module.sync.dialpad_okta_user_attribute.this", plancheck.ResourceActionCreateBeforeDestroy),
				plancheck.ExpectResourceAction("module.sync.dialpad_okta_app_user_attribute.this", plancheck.ResourceActionCreateBeforeDestroy),
				plancheck.ExpectResourceAction("module.sync.dialpad_okta_attribute_mapping.this", plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				orgCheck(psWhole(org, fx.AppID, fx.UserType, renamed)),
				orgCheck(psGone(org, fx.AppID, fx.UserType, old, false)),
			},
		},
		{ConfigDirectory: cfg(renamed), ConfigPlanChecks: expectEmpty()},
	}
	final := fx.AppID
	if fx.SourceAppID != "" {
		// Another app: the Okta user attribute stays, the app user attribute and the mapping move.
		final = fx.SourceAppID
		steps = append(steps,
			resource.TestStep{ConfigDirectory: cfgOn(final, renamed), ConfigStateChecks: []statecheck.StateCheck{
				orgCheck(psWhole(org, final, fx.UserType, renamed)),
				orgCheck(psGoneFromApp(org, fx.AppID, fx.UserType, renamed)),
			}},
			resource.TestStep{ConfigDirectory: cfgOn(final, renamed), ConfigPlanChecks: expectEmpty()},
		)
	}
	steps = append(steps, resource.TestStep{ConfigDirectory: cfgOn(final, renamed), Destroy: true})
	resource.ParallelTest(t, moduleCase(resource.TestCase{Steps: steps}))
	if err := psGone(org, final, fx.UserType, renamed, false)(nil); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccPhoneSyncModule_userType: a new user_type converges in one apply: the attribute, its
// override and the mapping property move to the new type, the app user attribute stays, nothing is
// left on the old type.
func TestAccPhoneSyncModule_userType(t *testing.T) {
	acctest.RequireEmulator(t, "creates a second user type")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name, typeName := emu.RandomName("Phone"), emu.RandomName("type")
	createUserType(t, emu, typeName)
	snap := emu.Snapshot(t)
	cfg := func(userType string) config.TestStepConfigFunc {
		return dirConfig(t, emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
			"user_type = "+acctest.Quote(userType))))
	}
	resource.Test(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{
			{ConfigDirectory: cfg("default"), ConfigStateChecks: []statecheck.StateCheck{orgCheck(psWhole(emu, fx.AppID, "default", name))}},
			{ConfigDirectory: cfg(typeName), ConfigStateChecks: []statecheck.StateCheck{
				orgCheck(psWhole(emu, fx.AppID, typeName, name)),
				orgCheck(psGone(emu, fx.AppID, "default", name, true)),
			}},
			{ConfigDirectory: cfg(typeName), ConfigPlanChecks: expectEmpty()},
			{ConfigDirectory: cfg(typeName), Destroy: true},
		},
	}))
	if err := psGone(emu, fx.AppID, typeName, name, false)(nil); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(emu, snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccPhoneSyncModule_userTypeSpellings: "user", "default" and the default type's id are one
// user type: switching between them plans nothing, and users keep their numbers.
func TestAccPhoneSyncModule_userTypeSpellings(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	if !okta.IsDefaultUserType(fx.UserType) {
		t.Skipf("the fixture user type %q is not the default type", fx.UserType)
	}
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	ut, err := org.Client().FindUserType(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(userType string) config.TestStepConfigFunc {
		return dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
			"user_type = "+acctest.Quote(userType), "apply_to_existing_users = true")))
	}
	numbers := psNumbersKept(t, org, name)
	resource.ParallelTest(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{
			{ConfigDirectory: cfg("user"), ConfigStateChecks: []statecheck.StateCheck{orgCheck(numbers.first)}},
			{ConfigDirectory: cfg("default"), ConfigPlanChecks: expectEmpty()},
			{ConfigDirectory: cfg(ut.ID), ConfigPlanChecks: expectEmpty(), ConfigStateChecks: []statecheck.StateCheck{orgCheck(numbers.again)}},
			{ConfigDirectory: cfg(ut.ID), Destroy: true},
		},
	}))
	if err := psNoPieces(org, name); err != nil {
		t.Fatal(err)
	}
}

// psNumbers checks on the emulator that users hold their Dialpad numbers after the first apply and
// the app's import (first), and still the same ones later (again). In live modes both pass.
type psNumbers struct{ first, again resource.TestCheckFunc }

func psNumbersKept(t *testing.T, org acctest.Org, name string) psNumbers {
	emu := org.Emulator()
	if emu == nil {
		ok := func(*terraform.State) error { return nil }
		return psNumbers{ok, ok}
	}
	var had map[string]any
	count := func() (map[string]any, error) {
		users, err := psUsers(org)
		if err != nil {
			return nil, err
		}
		got := map[string]any{}
		for id, p := range users {
			if v, ok := p[name].(string); ok && v != "" {
				got[id] = v
			}
		}
		return got, nil
	}
	return psNumbers{
		first: func(*terraform.State) error {
			emu.Import(t, org.Fixtures().AppID)
			var err error
			if had, err = count(); err != nil {
				return err
			}
			if len(had) != 40 {
				return fmt.Errorf("%d users have a number after the import, want 40", len(had))
			}
			return nil
		},
		again: func(*terraform.State) error {
			now, err := count()
			if err != nil {
				return err
			}
			if fmt.Sprint(now) != fmt.Sprint(had) {
				return fmt.Errorf("users' numbers changed: %d before, %d now", len(had), len(now))
			}
			return nil
		},
	}
}

// TestAccPhoneSync_rename: the composite moves to a new attribute_name, and then to another app,
// each in one in-place apply: the new pieces and the override exist, the old ones are gone, and the
// plan is empty after.
func TestAccPhoneSync_rename(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	old, renamed := org.RandomName("Phone"), org.RandomName("Phone")
	snap := org.Snapshot(t)
	final := fx.AppID
	steps := []resource.TestStep{
		{Config: org.Config(phoneSyncConfig(fx.AppID, old)), Check: psWhole(org, fx.AppID, fx.UserType, old)},
		{
			Config:           org.Config(phoneSyncConfig(fx.AppID, renamed)),
			ConfigPlanChecks: expectUpdate(phoneSyncAddr),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("id"), knownvalue.StringExact(fx.AppID+"/"+renamed)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				psWhole(org, fx.AppID, fx.UserType, renamed),
				psGone(org, fx.AppID, fx.UserType, old, false),
			),
		},
		{Config: org.Config(phoneSyncConfig(fx.AppID, renamed)), ConfigPlanChecks: expectEmpty()},
	}
	if fx.SourceAppID != "" {
		final = fx.SourceAppID
		steps = append(steps,
			resource.TestStep{
				// Another app: the Okta user attribute stays (with its values), the rest moves.
				Config:           org.Config(phoneSyncConfig(fx.SourceAppID, renamed)),
				ConfigPlanChecks: expectUpdate(phoneSyncAddr),
				Check: resource.ComposeAggregateTestCheckFunc(
					psWhole(org, fx.SourceAppID, fx.UserType, renamed),
					psGoneFromApp(org, fx.AppID, fx.UserType, renamed),
				),
			},
			resource.TestStep{Config: org.Config(phoneSyncConfig(fx.SourceAppID, renamed)), ConfigPlanChecks: expectEmpty()},
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			psGone(org, final, fx.UserType, renamed, false),
			psUnchanged(org, snap),
		),
		Steps: steps,
	})
}

// psGoneFromApp: the app has no app user attribute name and its mapping to the user type no
// property name (the sync moved to another app).
func psGoneFromApp(org acctest.Org, appID, userType, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		c := org.Client()
		if _, err := c.FindAppUserAttribute(ctx, appID, name); !okta.IsNotFound(err) {
			return fmt.Errorf("the app user attribute %s/%s is still there (err %v)", appID, name, err)
		}
		ut, err := c.FindUserType(ctx, userType)
		if err != nil {
			return err
		}
		m, err := c.FindMapping(ctx, appID, ut.ID)
		if err != nil {
			return err
		}
		if _, ok := m.Properties[name]; ok {
			return fmt.Errorf("the mapping %s -> %s still maps %s", appID, ut.ID, name)
		}
		return nil
	}
}

// TestAccPhoneSync_userType: the composite moves to another user type in one in-place apply.
func TestAccPhoneSync_userType(t *testing.T) {
	acctest.RequireEmulator(t, "creates a second user type")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name, typeName := emu.RandomName("Phone"), emu.RandomName("type")
	typeID := createUserType(t, emu, typeName)
	snap := emu.Snapshot(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(psGone(emu, fx.AppID, typeName, name, false), psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{Config: emu.Config(phoneSyncConfig(fx.AppID, name)), Check: psWhole(emu, fx.AppID, "default", name)},
			{
				Config:           emu.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(typeName))),
				ConfigPlanChecks: expectUpdate(phoneSyncAddr),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("user_type_id"), knownvalue.StringExact(typeID)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					psWhole(emu, fx.AppID, typeName, name),
					psGone(emu, fx.AppID, "default", name, true),
				),
			},
			{Config: emu.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(typeName))), ConfigPlanChecks: expectEmpty()},
			// The type's id is the same type.
			{Config: emu.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(typeID))), ConfigPlanChecks: expectEmpty()},
		},
	})
}

// TestAccPhoneSync_userTypeSpellings: "user", "default" and the default type's id are one user
// type for the composite and the building blocks: no change is planned, users keep their numbers.
func TestAccPhoneSync_userTypeSpellings(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	if !okta.IsDefaultUserType(fx.UserType) {
		t.Skipf("the fixture user type %q is not the default type", fx.UserType)
	}
	org.EnsureProfileSource(t, fx.AppID)
	name, blockName := org.RandomName("Phone"), org.RandomName("Attr")
	snap := org.Snapshot(t)
	ut, err := org.Client().FindUserType(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(userType string) string {
		return org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(userType), "apply_to_existing_users = true"), fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "test" {
  user_type = %[1]q
  name      = %[2]q
  title     = "Spelling"
}

resource "dialpad_okta_attribute_source" "test" {
  user_type      = %[1]q
  attribute_name = dialpad_okta_user_attribute.test.name
  master_type    = "OKTA"
}
`, userType, blockName))
	}
	numbers := psNumbersKept(t, org, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(org, name) }, psUnchanged(org, snap)),
		Steps: []resource.TestStep{
			{Config: cfg("user"), Check: numbers.first},
			{Config: cfg("default"), ConfigPlanChecks: expectEmpty()},
			{Config: cfg(ut.ID), ConfigPlanChecks: expectEmpty(), Check: numbers.again},
			{Config: cfg("user"), ConfigPlanChecks: expectEmpty()},
		},
	})
}

// TestAccPhoneSync_unknownUserType: a user type that does not exist fails the plan, naming the
// field and the org's user types, and nothing is written.
func TestAccPhoneSync_unknownUserType(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name, missing := org.RandomName("Phone"), org.RandomName("contractor")
	snap := org.Snapshot(t)
	notFound := regexp.MustCompile(`(?s)Okta user type not found.*user_type = "` + missing + `" names no user type.*"user" \(id [^)]+\), the default type`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(missing))),
				PlanOnly:    true,
				ExpectError: notFound,
			},
			{
				Config: org.Config(fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "test" {
  user_type = %q
  name      = %q
  title     = "Nowhere"
}
`, missing, name)),
				PlanOnly:    true,
				ExpectError: notFound,
			},
			{
				Config: org.Config(fmt.Sprintf(`
resource "dialpad_okta_attribute_source" "test" {
  user_type      = %q
  attribute_name = %q
  master_type    = "OKTA"
}
`, missing, name)),
				PlanOnly:    true,
				ExpectError: notFound,
			},
		},
	})
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// buildingBlocksConfig is the documented building-block shape (examples/resources/
// dialpad_okta_attribute_mapping): both attributes with create_before_destroy, the mapping keyed
// by the user attribute's name.
func buildingBlocksConfig(appID, userTypeID, name string) string {
	return fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "phone" {
  name  = %[3]q
  title = "Dialpad Phone"

  lifecycle {
    create_before_destroy = true
  }
}

resource "dialpad_okta_app_user_attribute" "phone" {
  app_id        = %[1]q
  name          = %[3]q
  title         = "Dialpad Phone"
  external_name = "phoneNumbers.^[type=='Dialpad'].value"

  lifecycle {
    create_before_destroy = true
  }
}

resource "dialpad_okta_attribute_source" "phone" {
  attribute_name = dialpad_okta_user_attribute.phone.name
  master_type    = "OVERRIDE"
  priority       = [%[1]q]

  lifecycle {
    create_before_destroy = true
  }
}

resource "dialpad_okta_attribute_mapping" "phone" {
  source_id = %[1]q
  target_id = %[2]q

  properties = {
    (dialpad_okta_user_attribute.phone.name) = {
      expression  = "appuser.${dialpad_okta_app_user_attribute.phone.name}"
      push_status = "PUSH"
    }
  }

  depends_on = [dialpad_okta_attribute_source.phone]
}
`, appID, userTypeID, name)
}

// TestAccBuildingBlocks_rename: the documented building-block shape renames in one apply.
func TestAccBuildingBlocks_rename(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	if !okta.IsDefaultUserType(fx.UserType) {
		t.Skipf("the documented shape uses the default user type, the fixture is %q", fx.UserType)
	}
	org.EnsureProfileSource(t, fx.AppID)
	old, renamed := org.RandomName("Phone"), org.RandomName("Phone")
	snap := org.Snapshot(t)
	ut, err := org.Client().FindUserType(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(psGone(org, fx.AppID, "default", renamed, false), psUnchanged(org, snap)),
		Steps: []resource.TestStep{
			{Config: org.Config(buildingBlocksConfig(fx.AppID, ut.ID, old)), Check: psWhole(org, fx.AppID, "default", old)},
			{
				Config: org.Config(buildingBlocksConfig(fx.AppID, ut.ID, renamed)),
				Check: resource.ComposeAggregateTestCheckFunc(
					psWhole(org, fx.AppID, "default", renamed),
					psGone(org, fx.AppID, "default", old, false),
				),
			},
			{Config: org.Config(buildingBlocksConfig(fx.AppID, ut.ID, renamed)), ConfigPlanChecks: expectEmpty()},
		},
	})
}

// TestAccPhoneSync_renameRollback: a move that fails before the old mapping property is removed
// undoes itself: the old sync is whole and unchanged, nothing of the new one exists, and the same
// change applied again converges.
func TestAccPhoneSync_renameRollback(t *testing.T) {
	acctest.RequireEmulator(t, "targeted faults on the mapping write")
	for _, afterCommit := range []bool{true, false} {
		t.Run(fmt.Sprintf("after_commit=%v", afterCommit), func(t *testing.T) {
			emu := acctest.NewEmulator(t)
			fx := emu.Fixtures()
			emu.EnsureProfileSource(t, fx.AppID)
			old, renamed := emu.RandomName("Phone"), emu.RandomName("Phone")
			snap := emu.Snapshot(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             acctest.CheckDestroyAll(psGone(emu, fx.AppID, "default", renamed, false), psUnchanged(emu, snap)),
				Steps: []resource.TestStep{
					{Config: emu.Config(phoneSyncConfig(fx.AppID, old))},
					{
						PreConfig: func() {
							emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{
								Method: "POST", Route: "/api/v1/mappings/{id}", Status: 400, Count: 1, AfterCommit: afterCommit,
							}}})
						},
						Config:      emu.Config(phoneSyncConfig(fx.AppID, renamed)),
						ExpectError: regexp.MustCompile(`(?s)add the mapping property ` + renamed + `.*removed again`),
					},
					{
						Config:           emu.Config(phoneSyncConfig(fx.AppID, old)),
						ConfigPlanChecks: expectEmpty(),
						Check: resource.ComposeAggregateTestCheckFunc(
							psWhole(emu, fx.AppID, "default", old),
							psGone(emu, fx.AppID, "default", renamed, false),
						),
					},
					{
						Config: emu.Config(phoneSyncConfig(fx.AppID, renamed)),
						Check: resource.ComposeAggregateTestCheckFunc(
							psWhole(emu, fx.AppID, "default", renamed),
							psGone(emu, fx.AppID, "default", old, false),
						),
					},
				},
			})
		})
	}
}

// TestAccPhoneSyncModule_unknownUserType: the module fails the plan on a user type the org does not
// have, listing the org's user types, and writes nothing.
func TestAccPhoneSyncModule_unknownUserType(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name, missing := org.RandomName("Phone"), org.RandomName("contractor")
	snap := org.Snapshot(t)
	resource.ParallelTest(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
				"user_type = "+acctest.Quote(missing)))),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Okta user type not found.*"` + missing + `".*"user" \(id [^)]+\), the default type`),
		}},
	}))
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccPhoneSync_moveMasterNotReported: on an org that answers without `master`, a rename and an
// app change still put the override on the attribute now synced (read with master shown again),
// without waiting for a value that cannot show.
func TestAccPhoneSync_moveMasterNotReported(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's omit_master knob")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	old, renamed := emu.RandomName("Phone"), emu.RandomName("Phone")
	snap := emu.Snapshot(t)
	emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(true)})
	shown := func(f resource.TestCheckFunc) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(false)})
			defer emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(true)})
			return f(s)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			emu.SetFaults(t, acctest.Faults{OmitMaster: acctest.Ptr(false)})
			return acctest.CheckDestroyAll(psGone(emu, fx.SourceAppID, "default", renamed, false), psUnchanged(emu, snap))(s)
		},
		Steps: []resource.TestStep{
			{Config: emu.Config(phoneSyncConfig(fx.AppID, old)), Check: shown(psWhole(emu, fx.AppID, "default", old))},
			{
				Config: emu.Config(phoneSyncConfig(fx.AppID, renamed)),
				Check:  shown(resource.ComposeAggregateTestCheckFunc(psWhole(emu, fx.AppID, "default", renamed), psGone(emu, fx.AppID, "default", old, false))),
			},
			{
				Config: emu.Config(phoneSyncConfig(fx.SourceAppID, renamed)),
				Check:  shown(resource.ComposeAggregateTestCheckFunc(psWhole(emu, fx.SourceAppID, "default", renamed), psGoneFromApp(emu, fx.AppID, "default", renamed))),
			},
		},
	})
}
