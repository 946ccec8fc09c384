package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
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

const userAttrAddr = "dialpad_okta_user_attribute.test"

func userAttributeConfig(name, title, extra string) string {
	return fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "test" {
  name  = %[1]q
  title = %[2]q
%[3]s
}
`, name, title, extra)
}

func findUserAttributeState(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error {
	_, err := c.FindUserAttribute(ctx, rs.Primary.Attributes["user_type"], rs.Primary.Attributes["name"])
	return err
}

func userAttributeDestroyed(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	return acctest.CheckDestroyAll(
		acctest.CheckDestroy(org, "dialpad_okta_user_attribute", findUserAttributeState),
		org.CheckUnchanged(snap),
	)
}

// mustUserAttr reads an attribute through the finder (drift tests change it through the API).
func mustUserAttr(t *testing.T, org acctest.Org, name string) *okta.Attribute {
	t.Helper()
	a, err := org.Client().FindUserAttribute(context.Background(), "default", name)
	if err != nil {
		t.Fatalf("reading user attribute %s: %v", name, err)
	}
	return a
}

func apiCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// expectChange asserts the planned change of one attribute: its refreshed (drifted) value and the
// value the plan restores.
func expectChange(addr, attr string, before, after any) plancheck.PlanCheck {
	return changeCheck{addr: addr, attr: attr, before: before, after: after}
}

type changeCheck struct {
	addr, attr    string
	before, after any
}

func (c changeCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		b, _ := rc.Change.Before.(map[string]any)
		a, _ := rc.Change.After.(map[string]any)
		if fmt.Sprint(b[c.attr]) != fmt.Sprint(c.before) || fmt.Sprint(a[c.attr]) != fmt.Sprint(c.after) {
			resp.Error = fmt.Errorf("%s.%s: planned %v -> %v, want %v -> %v", c.addr, c.attr, b[c.attr], a[c.attr], c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

func TestAccUserAttribute_basic(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("phone")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(userAttributeConfig(name, "Dialpad phone", `
  description = "Dialpad number"
  max_length  = 30
  unique      = true
  external_name      = "phoneNumbers.^[type=='Dialpad'].value"
  external_namespace = "urn:ietf:params:scim:schemas:core:2.0:User"`)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("type"), knownvalue.StringExact("string")),
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("permissions"), knownvalue.StringExact("READ_ONLY")),
				statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("unique"), knownvalue.Bool(true)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckExists(org, userAttrAddr, findUserAttributeState),
				func(*terraform.State) error {
					a := mustUserAttr(t, org, name)
					if a.Title != "Dialpad phone" || a.MaxLength == nil || *a.MaxLength != 30 || !a.Unique {
						return fmt.Errorf("Okta holds %+v", a)
					}
					if a.Source.MasterType != okta.MasterProfileMaster {
						return fmt.Errorf("master = %+v, want the default PROFILE_MASTER (the resource never writes master)", a.Source)
					}
					return nil
				},
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// noDeletes proves, on the emulator, that no schema or mapping property was deleted since
// resetStats (in live mode the plan's Update action is the proof).
func noDeletes(org acctest.Org) resource.TestCheckFunc {
	return func(*terraform.State) error {
		emu := org.Emulator()
		if emu == nil {
			return nil
		}
		return emu.CheckStats(func(s acctest.Stats) error {
			if s.Deletes != 0 {
				return fmt.Errorf("an in-place update deleted %d properties", s.Deletes)
			}
			return nil
		})(nil)
	}
}

func resetStats(t *testing.T, org acctest.Org) {
	if emu := org.Emulator(); emu != nil {
		emu.ResetStats(t)
	}
}

func TestAccUserAttribute_update(t *testing.T) {
	t.Parallel()
	emu := acctest.NewOrg(t)
	snap := emu.Snapshot(t)
	name := emu.RandomName("size")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{
				Config: emu.Config(userAttributeConfig(name, "Size", `
  enum = ["S", "M"]`)),
			},
			{
				PreConfig: func() { resetStats(t, emu) },
				Config: emu.Config(userAttributeConfig(name, "T-shirt size", `
  description = "changed in place"
  permissions = "READ_WRITE"
  scope       = "SELF"
  required    = true
  one_of = [{ const = "S", title = "Small" }, { const = "M", title = "Medium" }, { const = "L", title = "Large" }]
  external_name = "size"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("one_of").AtSliceIndex(2).AtMapKey("title"), knownvalue.StringExact("Large")),
					// enum is optional and not in the configuration: null, not the one_of consts.
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("enum"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					noDeletes(emu),
					func(*terraform.State) error {
						a := mustUserAttr(t, emu, name)
						if a.Permission != "READ_WRITE" || a.Scope != "SELF" || !a.Required || strings.Join(a.Enum, ",") != "S,M,L" {
							return fmt.Errorf("Okta holds %+v", a)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccUserAttribute_import(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("imp")
	cfg := org.Config(userAttributeConfig(name, "Imported", `
  type       = "array"
  array_type = "integer"
  one_of     = [{ const = "1", title = "one" }, { const = "2", title = "two" }]`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			// Import steps reuse the previous step's configuration (with its provider block).
			{ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "default/" + name},
			{ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: name},
			// The same import as an import block (terraform plan): it must plan nothing but the import.
			{ResourceName: userAttrAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "default/" + name},
		},
	})
}

// Creating an attribute that already exists is refused with the import command, and nothing is
// adopted or changed.
func TestAccUserAttribute_existing(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "uses the demo seed's pre-existing attribute")
	org := acctest.NewOrg(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      org.Config(userAttributeConfig(oktaemu.DemoUserAttrWorkLocation, "Taken over", "")),
			ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import dialpad_okta_user_attribute.<resource name>\s+default/workLocation`),
		}},
	})
	if a := mustUserAttr(t, org, oktaemu.DemoUserAttrWorkLocation); a.Title == "Taken over" {
		t.Fatal("the existing attribute was changed")
	}
}

func TestAccUserAttribute_drift(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("drift")
	cfg := org.Config(userAttributeConfig(name, "Drift", `
  description = "as configured"
  max_length  = 40`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					a := mustUserAttr(t, org, name)
					a.Description = "changed in the console"
					if _, err := org.Client().UpdateUserAttribute(apiCtx(t), "default", *a); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionUpdate),
						expectChange(userAttrAddr, "description", "changed in the console", "as configured"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					a := mustUserAttr(t, org, name)
					a.MaxLength = nil
					if _, err := org.Client().UpdateUserAttribute(apiCtx(t), "default", *a); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChange(userAttrAddr, "max_length", nil, 40)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccUserAttribute_disappears(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("gone")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{{
			Config: org.Config(userAttributeConfig(name, "Gone", "")),
			Check: func(*terraform.State) error {
				return org.Client().DeleteUserAttribute(apiCtx(t), "default", name)
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAttrAddr, plancheck.ResourceActionCreate)},
			},
		}},
	})
}

// Changes to what the resource does not own — another property of the schema, the attribute's
// source priority (master) — leave the plan empty.
func TestAccUserAttribute_unmanaged(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name, other := org.RandomName("mine"), org.RandomName("other")
	cfg := org.Config(userAttributeConfig(name, "Mine", `  description = "mine"`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					ctx := apiCtx(t)
					if _, err := org.Client().CreateUserAttribute(ctx, "default", okta.Attribute{Name: other, Title: "Other", Type: "string"}); err != nil {
						t.Fatal(err)
					}
					if _, err := org.Client().SetAttributeMaster(ctx, "default", name, okta.MasterOkta, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if a := mustUserAttr(t, org, name); a.Source.MasterType != okta.MasterOkta {
						return fmt.Errorf("master became %+v; the attribute resource must keep it", a.Source)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := org.Client().DeleteUserAttribute(apiCtx(t), "default", other); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// 20 attributes on one schema at -parallelism=10 with the lost-update window and consistency delay
// on: the emulator drops writes, the provider retries them, and everything ends up present. Two
// writes are lost for certain (a lost_update rule); how many more the timing window drops depends
// on the machine's speed, so the test does not count on it.
func TestAccUserAttribute_parallel(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's lost-update window, consistency delay and stats")
	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{
		Seed:             "demo",
		LostUpdateWindow: 150 * time.Millisecond,
		ConsistencyDelay: 50 * time.Millisecond,
	}))
	snap := emu.Snapshot(t)
	prefix := emu.RandomName("par")
	cfg := emu.Config(fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "par" {
  count = 20
  name  = "%[1]s${count.index}"
  title = "Parallel ${count.index}"
}
`, prefix))
	var once sync.Once
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{{
			PreConfig: func() { once.Do(func() { emu.LoseNextWrites(t, map[string]int{acctest.UserSchemaWrites: 2}) }) },
			Config:    cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				emu.CheckLostWrites(t, 2),
				func(*terraform.State) error {
					for i := 0; i < 20; i++ {
						mustUserAttr(t, emu, fmt.Sprintf("%s%d", prefix, i))
					}
					return nil
				},
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// A create timeout shorter than Okta's clean-up window (after deleting an attribute of the same
// name) ends in an error quoting Okta, not a hang; with enough time the same create succeeds.
func TestAccUserAttribute_cleanupWindow(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's clean-up delay")
	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{Seed: "demo", CleanupDelay: 20 * time.Second}))
	snap := emu.Snapshot(t)
	name := emu.RandomName("again")
	short := userAttributeConfig(name, "Again", `
  timeouts {
    create = "3s"
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ctx := apiCtx(t)
					if _, err := emu.Client().CreateUserAttribute(ctx, "default", okta.Attribute{Name: name, Title: "Old", Type: "string"}); err != nil {
						t.Fatal(err)
					}
					if err := emu.Client().DeleteUserAttribute(ctx, "default", name); err != nil {
						t.Fatal(err)
					}
				},
				Config:      emu.Config(short),
				ExpectError: regexp.MustCompile(`(?s)deletion process for an attribute with the same\s+variable name is incomplete`),
			},
			{
				Config: emu.Config(userAttributeConfig(name, "Again", `
  timeouts {
    create = "2m"
  }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccUserAttribute_invalid(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	for _, tc := range []struct {
		name, extra, attrName, want string
	}{
		{"digit first", "", "9lives", `(?s)name must be an Okta variable name.*starts with a digit`},
		{"dash", "", "dialpad-phone", `(?s)name must be an Okta variable name`},
		{"bad type", `type = "text"`, "ok", `(?s)type.*value must be one of`},
		{"array without array_type", `type = "array"`, "ok", `array_type is required`},
		{"bad urn", `external_namespace = "scim:core"`, "ok", `(?s)external_namespace must be a URN`},
		{"bad filter", `external_name = "phoneNumbers.^[type='Dialpad'].value"`, "ok", `(?s)external_name must be an external name`},
		{"min > max", "min_length = 5\n  max_length = 2", "ok", `min_length 5 is greater than max_length 2`},
		{"enum and one_of", "enum = [\"a\"]\n  one_of = [{ const = \"a\", title = \"A\" }]", "ok", `(?s)Invalid Attribute Combination`},
		{"integer enum", "type = \"integer\"\n  enum = [\"x\"]", "ok", `"x" is not a valid integer`},
		{"bad permission", `permissions = "WRITE"`, "ok", `(?s)permissions.*value must be one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      org.Config(userAttributeConfig(tc.attrName, "T", "  "+tc.extra)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// An ambiguous failure of the create's own write (Okta applied it, then answered 503) is accepted
// when the attribute read back matches what was sent, instead of failing as "already exists".
func TestAccUserAttribute_ambiguousCreate(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs an after_commit fault rule")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	name := emu.RandomName("amb")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				emu.ResetStats(t)
				emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{
					{Method: "POST", Route: "/api/v1/meta/schemas/user/{id}", Status: 503, Count: 1, AfterCommit: true},
				}})
			},
			// No transport retries: the provider's own write loop sees the 503.
			Config: acctest.Compose(emu.ProviderBlock("max_retries = 0"), userAttributeConfig(name, "Ambiguous", `  description = "sent once"`)),
			Check: resource.ComposeAggregateTestCheckFunc(
				emu.CheckStats(func(s acctest.Stats) error {
					if s.Faults == 0 {
						return fmt.Errorf("the fault rule never fired, so this test proved nothing (stats %+v)", s)
					}
					return nil
				}),
				func(*terraform.State) error {
					if a := mustUserAttr(t, emu, name); a.Description != "sent once" {
						return fmt.Errorf("Okta holds %+v", a)
					}
					return nil
				},
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// Okta does not echo a custom property's defaults (issue 9 point 2): `required: false` is left out
// of its answer, and a property posted `unique: "NOT_UNIQUE"` comes back without `unique`
// (recordings UserSchema_* and customProfileAttributes). An attribute that sets both to false, on
// create and after an update from true, applies without waiting for a value Okta never shows (a
// provider that waited would run into the short timeouts), reads back without a diff, and imports.
func TestAccUserAttribute_notEchoedDefaults(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("noecho")
	cfg := func(required, unique bool) string {
		return org.Config(userAttributeConfig(name, "Not echoed", fmt.Sprintf(`
  required = %t
  unique   = %t
  timeouts {
    create = "30s"
    update = "30s"
  }`, required, unique)))
	}
	// answered checks the property as Okta answers it: wantRequired/wantUnique are the raw
	// `required` and `unique`, nil for left out. It proves the case under test really happens.
	answered := func(wantRequired, wantUnique any) resource.TestCheckFunc {
		return func(*terraform.State) error {
			var schema map[string]any
			if err := org.Client().Raw(context.Background(), "GET", "/api/v1/meta/schemas/user/default", nil, nil, &schema); err != nil {
				return err
			}
			defs, _ := schema["definitions"].(map[string]any)
			custom, _ := defs["custom"].(map[string]any)
			props, _ := custom["properties"].(map[string]any)
			p, ok := props[name].(map[string]any)
			if !ok {
				return fmt.Errorf("Okta has no property %s", name)
			}
			if p["required"] != wantRequired || p["unique"] != wantUnique {
				return fmt.Errorf("Okta answers %s with required = %#v, unique = %#v; want %#v, %#v (nil: left out)",
					name, p["required"], p["unique"], wantRequired, wantUnique)
			}
			return nil
		}
	}
	state := func(required, unique bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("required"), knownvalue.Bool(required)),
			statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("unique"), knownvalue.Bool(unique)),
		}
	}
	emptyPlan := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{Config: cfg(false, false), Check: answered(nil, nil), ConfigStateChecks: state(false, false), ConfigPlanChecks: emptyPlan},
			{ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "default/" + name,
				ImportStateVerifyIgnore: []string{"timeouts"}},
			{Config: cfg(true, true), Check: answered(true, "UNIQUE_VALIDATED"), ConfigStateChecks: state(true, true), ConfigPlanChecks: emptyPlan},
			// Back to the defaults: Okta drops both fields instead of answering false / NOT_UNIQUE.
			{Config: cfg(false, false), Check: answered(nil, nil), ConfigStateChecks: state(false, false), ConfigPlanChecks: emptyPlan},
			{ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "default/" + name,
				ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// user_type may name the user type by id (here from the data source): the attribute lands on that
// type's schema, and import takes the same id.
func TestAccUserAttribute_userTypeByID(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	snap := org.Snapshot(t)
	name := org.RandomName("byid")
	ut, err := org.Client().FindUserType(context.Background(), org.Fixtures().UserType)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(org, snap),
		Steps: []resource.TestStep{
			{
				Config: org.Config(fmt.Sprintf(`
data "dialpad_okta_user_type" "t" {
  name = %[1]q
}

resource "dialpad_okta_user_attribute" "test" {
  user_type = data.dialpad_okta_user_type.t.id
  name      = %[2]q
  title     = "By id"
}
`, org.Fixtures().UserType, name)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAttrAddr, tfjsonpath.New("id"), knownvalue.StringExact(ut.ID+"/"+name)),
				},
				Check: func(*terraform.State) error {
					_, err := org.Client().FindUserAttribute(context.Background(), org.Fixtures().UserType, name)
					return err
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: userAttrAddr, ImportState: true, ImportStateVerify: true, ImportStateId: ut.ID + "/" + name},
		},
	})
}

// Overlapping writes to one schema lose each other's changes in Okta: the one committed last wins
// whole, so a property just created is missing from the next answer and one just deleted reappears
// (recording TestAccResourceOktaUser_customProfileAttributes). The other writer (another Terraform
// run, an admin script) is simulated by the emulator's lost_update rules, so the same number of the
// provider's writes is lost at any machine load: three creates, then two deletes. The provider's
// verify-after-write notices each lost write and sends it again until it sticks.
func TestAccUserAttribute_concurrentWriter(t *testing.T) {
	t.Parallel()
	acctest.RequireEmulator(t, "needs the emulator's lost_update fault rules and stats")
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	prefix := emu.RandomName("conc")
	names := make([]string, 4)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	cfg := func(n int) string {
		return emu.Config(fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "conc" {
  count = %[2]d
  name  = "%[1]s${count.index}"
  title = "Concurrent ${count.index}"
}
`, prefix, n))
	}
	loseNext := func(n int) func() {
		return func() { emu.LoseNextWrites(t, map[string]int{acctest.UserSchemaWrites: n}) }
	}
	inOkta := func(present []string, absent []string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, n := range present {
				if _, err := emu.Client().FindUserAttribute(context.Background(), "default", n); err != nil {
					return fmt.Errorf("%s: %w", n, err)
				}
			}
			for _, n := range absent {
				if _, err := emu.Client().FindUserAttribute(context.Background(), "default", n); !okta.IsNotFound(err) {
					return fmt.Errorf("%s: deleted, but Okta still has it (%v)", n, err)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userAttributeDestroyed(emu, snap),
		Steps: []resource.TestStep{
			{
				PreConfig:        loseNext(3),
				Config:           cfg(4),
				Check:            resource.ComposeAggregateTestCheckFunc(emu.CheckLostWrites(t, 3), inOkta(names, nil)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The destroy path: a deleted property reappears and is deleted again.
				PreConfig: loseNext(2),
				Config:    cfg(2),
				Check:     resource.ComposeAggregateTestCheckFunc(emu.CheckLostWrites(t, 2), inOkta(names[:2], names[2:])),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`dialpad_okta_user_attribute.conc[2]`, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(`dialpad_okta_user_attribute.conc[3]`, plancheck.ResourceActionDestroy),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
