package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Day-2 changes: what a sync is keyed by (attribute name, user type, app) changes in one apply,
// keeps the source override and leaves nothing of the old sync behind.

// psGone proves that no piece named name exists on the user type and app, and that the mapping
// app -> user type has no property name.
func psGone(org acctest.Org, appID, userType, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		c := org.Client()
		if _, err := c.FindUserAttribute(ctx, userType, name); !okta.IsNotFound(err) {
			return fmt.Errorf("the Okta user attribute %s/%s is still there (err %v)", userType, name, err)
		}
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
		if p, ok := m.Properties[name]; ok {
			return fmt.Errorf("the mapping %s -> %s still maps %s (%+v)", appID, ut.ID, name, p)
		}
		return nil
	}
}

// TestAccPhoneSyncModule_rename: a new attribute_name converges in one apply: the new attributes,
// the override and the mapping property exist, the old ones are gone, and the plan is empty after.
func TestAccPhoneSyncModule_rename(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	old, renamed := org.RandomName("Phone"), org.RandomName("Phone")
	snap := org.Snapshot(t)
	cfg := func(name string) config.TestStepConfigFunc {
		return dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
			"user_type = "+acctest.Quote(fx.UserType))))
	}
	resource.ParallelTest(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{
			{ConfigDirectory: cfg(old), ConfigStateChecks: []statecheck.StateCheck{
				orgCheck(psAllPieces(org, old, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)),
			}},
			{ConfigDirectory: cfg(renamed), ConfigStateChecks: []statecheck.StateCheck{
				orgCheck(psAllPieces(org, renamed, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)),
				orgCheck(psGone(org, fx.AppID, fx.UserType, old)),
			}},
			{ConfigDirectory: cfg(renamed), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{ConfigDirectory: cfg(renamed), Destroy: true},
		},
	}))
	if err := psNoPieces(org, renamed); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}
