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
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

const appAttrAddr = "dialpad_okta_app_user_attribute.test"

func appUserAttributeConfig(appID, name, title, extra string) string {
	return fmt.Sprintf(`
resource "dialpad_okta_app_user_attribute" "test" {
  app_id = %[1]q
  name   = %[2]q
  title  = %[3]q
%[4]s
}
`, appID, name, title, extra)
}

func findAppUserAttribute(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error {
	_, err := c.FindAppUserAttribute(ctx, rs.Primary.Attributes["app_id"], rs.Primary.Attributes["name"])
	return err
}

func appUserAttributeDestroyed(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	return acctest.CheckDestroyAll(
		acctest.CheckDestroy(org, "dialpad_okta_app_user_attribute", findAppUserAttribute),
		org.CheckUnchanged(snap),
	)
}

func mustAppAttr(t *testing.T, org acctest.Org, name string) *okta.Attribute {
	t.Helper()
	a, err := org.Client().FindAppUserAttribute(context.Background(), org.Fixtures().AppID, name)
	if err != nil {
		t.Fatalf("reading app user attribute %s: %v", name, err)
	}
	return a
}

const dialpadPhoneFields = `
  external_name      = "phoneNumbers.^[type=='Dialpad'].value"
  external_namespace = "urn:ietf:params:scim:schemas:core:2.0:User"`

func TestAccAppUserAttribute_basic(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("phone")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(appUserAttributeConfig(app, name, "Dialpad phone", dialpadPhoneFields)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(appAttrAddr, tfjsonpath.New("id"), knownvalue.StringExact(app+"/"+name)),
				statecheck.ExpectKnownValue(appAttrAddr, tfjsonpath.New("union"), knownvalue.Bool(false)),
			},
			Check: func(*terraform.State) error {
				a := mustAppAttr(t, org, name)
				if a.ExternalName != "phoneNumbers.^[type=='Dialpad'].value" || a.ExternalNamespace != "urn:ietf:params:scim:schemas:core:2.0:User" {
					return fmt.Errorf("Okta holds %+v", a)
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// Changing external_name/namespace (and other fields) is an in-place update: no delete, so the
// attribute and its values survive.
func TestAccAppUserAttribute_update(t *testing.T) {
	t.Parallel()
	emu := acctest.NewOrg(t)
	snap := emu.Snapshot(t)
	app, name := emu.Fixtures().AppID, emu.RandomName("phone")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{Config: emu.Config(appUserAttributeConfig(app, name, "Dialpad phone", dialpadPhoneFields))},
			{
				PreConfig: func() { resetStats(t, emu) },
				Config: emu.Config(appUserAttributeConfig(app, name, "Mobile phone", `
  description        = "now the mobile number"
  external_name      = "phoneNumbers.^[type=='mobile'].value"
  external_namespace = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
  scope              = "SELF"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAttrAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noDeletes(emu),
					func(*terraform.State) error {
						if a := mustAppAttr(t, emu, name); a.ExternalName != "phoneNumbers.^[type=='mobile'].value" || a.Scope != "SELF" {
							return fmt.Errorf("Okta holds %+v", a)
						}
						return nil
					},
				),
			},
			{
				Config: emu.Config(appUserAttributeConfig(app, name, "Groups", `
  type       = "array"
  array_type = "string"
  union      = true`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAttrAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAppUserAttribute_import(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("imp")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: org.Config(appUserAttributeConfig(app, name, "Imported", dialpadPhoneFields+"\n  required = true\n  min_length = 3"))},
			{ResourceName: appAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: app + "/" + name},
			// The same import as an import block (terraform plan): it must plan nothing but the import.
			{ResourceName: appAttrAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: app + "/" + name},
		},
	})
}

// Okta's app user schemas keep no permissions and refuse pattern (recorded real-Okta traffic; okta
// provider #606): both are refused at plan, before anything is written, instead of a verify-after-write
// that waits for a value Okta never keeps.
func TestAccAppUserAttribute_notKeptFields(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("kept")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config:      org.Config(appUserAttributeConfig(app, name, "Hidden", dialpadPhoneFields+"\n  permissions = \"HIDE\"")),
				ExpectError: regexp.MustCompile(`(?s)Okta does not keep permissions on app user attributes.*dialpad_okta_user_attribute`),
			},
			{
				Config:      org.Config(appUserAttributeConfig(app, name, "Patterned", dialpadPhoneFields+"\n  pattern = \"[0-9+]+\"")),
				ExpectError: regexp.MustCompile(`(?s)Okta does not keep pattern on app user attributes.*refuses`),
			},
			{
				// What Okta keeps (required, lengths) reads back as written: no diff after apply.
				Config: org.Config(appUserAttributeConfig(app, name, "Kept", dialpadPhoneFields+"\n  required = true\n  max_length = 20")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(appAttrAddr, tfjsonpath.New("permissions"), knownvalue.Null()),
					statecheck.ExpectKnownValue(appAttrAddr, tfjsonpath.New("required"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccAppUserAttribute_existing(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	acctest.RequireEmulator(t, "uses the demo seed's Dialpad attribute")
	app := org.Fixtures().AppID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      org.Config(appUserAttributeConfig(app, oktaemu.DemoDialpadAttrDepartment, "Mine now", "")),
			ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import\s+dialpad_okta_app_user_attribute.<resource name>\s+` + app + `/dialpadDepartment`),
		}},
	})
}

func TestAccAppUserAttribute_drift(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("drift")
	cfg := org.Config(appUserAttributeConfig(app, name, "Drift", dialpadPhoneFields))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					a := mustAppAttr(t, org, name)
					a.ExternalName = "phoneNumbers.^[type=='work'].value"
					if _, err := org.Client().UpdateAppUserAttribute(apiCtx(t), app, *a); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(appAttrAddr, plancheck.ResourceActionUpdate),
						expectChange(appAttrAddr, "external_name", "phoneNumbers.^[type=='work'].value", "phoneNumbers.^[type=='Dialpad'].value"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAppUserAttribute_disappears(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name := org.Fixtures().AppID, org.RandomName("gone")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(appUserAttributeConfig(app, name, "Gone", "")),
			Check: func(*terraform.State) error {
				return org.Client().DeleteAppUserAttribute(apiCtx(t), app, name)
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAttrAddr, plancheck.ResourceActionCreate)},
			},
		}},
	})
}

func TestAccAppUserAttribute_unmanaged(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app := org.Fixtures().AppID
	name, other := org.RandomName("mine"), org.RandomName("other")
	cfg := org.Config(appUserAttributeConfig(app, name, "Mine", dialpadPhoneFields))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if _, err := org.Client().CreateAppUserAttribute(apiCtx(t), app, okta.Attribute{Name: other, Title: "Other", Type: "string"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if err := org.Client().DeleteAppUserAttribute(apiCtx(t), app, other); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Destroying an attribute a mapping still uses fails with the mapping and property named; once the
// mapping property is gone, destroy works.
func TestAccAppUserAttribute_inUseByMapping(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	app, name, target := org.Fixtures().AppID, org.RandomName("used"), org.RandomName("target")
	ut, err := org.Client().FindUserType(context.Background(), org.Fixtures().UserType)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             appUserAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config: org.Config(appUserAttributeConfig(app, name, "Used", "")),
				Check: func(*terraform.State) error {
					ctx := apiCtx(t)
					if _, err := org.Client().CreateUserAttribute(ctx, org.Fixtures().UserType, okta.Attribute{Name: target, Title: "Target", Type: "string"}); err != nil {
						return err
					}
					_, err := org.Client().CreateMappingProperties(ctx, app, ut.ID, map[string]okta.MappingProperty{
						target: {Expression: "appuser." + name, PushStatus: okta.PushStatusDontPush},
					})
					return err
				},
			},
			{
				Config:      org.Config(),
				ExpectError: regexp.MustCompile(`(?s)still used by a profile mapping.*` + target + `.*appuser\.` + name),
			},
			{
				PreConfig: func() {
					ctx := apiCtx(t)
					if err := org.Client().DeleteMappingProperties(ctx, app, ut.ID, []string{target}); err != nil {
						t.Fatal(err)
					}
					if err := org.Client().DeleteUserAttribute(ctx, org.Fixtures().UserType, target); err != nil {
						t.Fatal(err)
					}
				},
				Config: org.Config(),
			},
		},
	})
}
