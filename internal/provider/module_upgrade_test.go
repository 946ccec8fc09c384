package provider_test

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// TestAccPhoneSyncModule_upgrade applies the module as it was with a separate
// dialpad_okta_attribute_source (testdata/module-with-attribute-source), then the current module
// on the same state, as a user upgrading does. One apply converges: the old source resource is
// destroyed, the user attribute takes over the override in place, the mapping keeps its target in
// place; nothing is replaced, and the attribute ends with the override whichever of the source's
// destroy and the attribute's update Terraform runs first.
func TestAccPhoneSyncModule_upgrade(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Upgrade")
	snap := org.Snapshot(t)
	inputs := []string{"app_id = " + acctest.Quote(fx.AppID), "attribute_name = " + acctest.Quote(name),
		"user_type = " + acctest.Quote(fx.UserType)}
	before, err := filepath.Abs(filepath.Join("testdata", "module-with-attribute-source"))
	if err != nil {
		t.Fatal(err)
	}
	oldConfig := org.Config(moduleConfigFrom(before, inputs...))
	newConfig := org.Config(moduleConfig(t, inputs...))
	const (
		userAttr = "module.sync.dialpad_okta_user_attribute.this"
		appAttr  = "module.sync.dialpad_okta_app_user_attribute.this"
		source   = "module.sync.dialpad_okta_attribute_source.this[0]"
		mapping  = "module.sync.dialpad_okta_attribute_mapping.this"
	)
	pieces := orgCheck(psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true))

	resource.ParallelTest(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{
			{
				ConfigDirectory:   dirConfig(t, oldConfig),
				ConfigStateChecks: []statecheck.StateCheck{pieces},
			},
			{
				ConfigDirectory: dirConfig(t, newConfig),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(source, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(userAttr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(mapping, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(appAttr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{pieces},
			},
			{
				// Converged in that one apply: the override is on, nothing left to do.
				ConfigDirectory:   dirConfig(t, newConfig),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{pieces},
			},
			{
				ConfigDirectory: dirConfig(t, newConfig),
				Destroy:         true,
			},
		},
	}))
	if err := psNoPieces(org, name); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}
