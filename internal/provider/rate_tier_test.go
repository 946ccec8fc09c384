package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// TestAccPhoneSync_smallestRateTier applies several composite syncs at once against an org with
// Okta's smallest documented rate tier (per-bucket limits and the concurrency cap, issue 9 point 7):
// the governor must keep every 429 away from Terraform, and the syncs converge and go away cleanly.
func TestAccPhoneSync_smallestRateTier(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's okta-smallest rate profile")
	emu := acctest.NewEmulator(t, acctest.WithRateProfile("okta-smallest"))
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	snap := emu.Snapshot(t)
	names := make([]string, 4)
	for i := range names {
		names[i] = emu.RandomName(fmt.Sprintf("Tier%d", i))
	}
	config := emu.Config(fmt.Sprintf(`
resource "dialpad_okta_phone_sync" "tier" {
  count          = %[3]d
  app_id         = %[2]q
  attribute_name = %[1]s[count.index]
}
`, acctest.List(names...), fx.AppID, len(names)))

	noneLeft := func(*terraform.State) error {
		for _, n := range names {
			if err := psNoPieces(emu, n); err != nil {
				return err
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(noneLeft, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(st *terraform.State) error {
					for _, n := range names {
						if err := psAllPieces(emu, n, "Dialpad Phone", "phoneNumbers.^[type=='Dialpad'].value", "PUSH", true)(st); err != nil {
							return err
						}
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
