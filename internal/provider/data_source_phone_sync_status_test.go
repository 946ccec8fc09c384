package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

const statusAddr = "data.dialpad_okta_phone_sync_status.test"

// statusConfig is the sync (with extra arguments) plus the status data source, read after the sync
// is written (depends_on defers the read to apply time when the sync changes), with dsExtra inside.
func statusConfig(org acctest.Org, name string, syncExtra []string, dsExtra string) string {
	fx := org.Fixtures()
	return org.Config(phoneSyncConfig(fx.AppID, name, syncExtra...), fmt.Sprintf(`
data "dialpad_okta_phone_sync_status" "test" {
  app_id         = dialpad_okta_phone_sync.test.app_id
  attribute_name = dialpad_okta_phone_sync.test.attribute_name
  depends_on     = [dialpad_okta_phone_sync.test]
  %s
}
`, dsExtra))
}

// The documented pipeline guard: a postcondition fails the run when coverage drops.
const statusPostcondition = `
  lifecycle {
    postcondition {
      condition     = self.coverage_percent >= 99
      error_message = "Only ${self.coverage_percent}% of Dialpad users have their number in Okta: ${self.users_missing} missing (${join(", ", self.missing_logins)})."
    }
  }`

var (
	notPushed      = []string{`push_status = "DONT_PUSH"`, "override_profile_source = false"}
	mobileExternal = "external_name = \"phoneNumbers.^[type=='mobile'].value\""
)

func TestAccPhoneSyncStatus_basic(t *testing.T) {
	acctest.RequireEmulator(t, "the import simulation decides which users have their number")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	snap := emu.Snapshot(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckDestroyAll(func(*terraform.State) error { return psNoPieces(emu, name) }, psUnchanged(emu, snap)),
		Steps: []resource.TestStep{
			// Not pushed: after the app's import the app holds the numbers but no Okta profile has one.
			{Config: statusConfig(emu, name, notPushed, "list_limit = 5")},
			{
				PreConfig: func() { emu.Import(t, fx.AppID) },
				Config:    statusConfig(emu, name, notPushed, "list_limit = 5"),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(statusAddr, "id", fx.AppID+"/"+name),
					resource.TestCheckResourceAttr(statusAddr, "users_assigned", "60"),
					resource.TestCheckResourceAttr(statusAddr, "users_with_number", "40"),
					resource.TestCheckResourceAttr(statusAddr, "users_without_number", "20"),
					resource.TestCheckResourceAttr(statusAddr, "users_synced", "0"),
					resource.TestCheckResourceAttr(statusAddr, "users_missing", "40"),
					resource.TestCheckResourceAttr(statusAddr, "users_stale", "0"),
					resource.TestCheckResourceAttr(statusAddr, "coverage_percent", "0"),
					// The lists are bounded by list_limit; the counts are not.
					resource.TestCheckResourceAttr(statusAddr, "missing_user_ids.#", "5"),
					resource.TestCheckResourceAttr(statusAddr, "missing_logins.#", "5"),
					resource.TestMatchResourceAttr(statusAddr, "missing_logins.0", regexp.MustCompile(`@example\.com$`)),
				),
			},
			{
				// The documented postcondition fails the run, naming the missing users.
				Config:      statusConfig(emu, name, notPushed, statusPostcondition),
				ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*Only 0% of Dialpad users have their number in Okta: 40 missing\s+\(.*@example\.com`),
			},
			{
				// Pushed and applied to existing users: every number is on its Okta profile, the guard passes.
				Config: statusConfig(emu, name, []string{"apply_to_existing_users = true"}, statusPostcondition),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(statusAddr, "users_synced", "40"),
					resource.TestCheckResourceAttr(statusAddr, "users_missing", "0"),
					resource.TestCheckResourceAttr(statusAddr, "coverage_percent", "100"),
					resource.TestCheckResourceAttr(statusAddr, "missing_user_ids.#", "0"),
				),
			},
			// The app now reads the mobile number and is no longer pushed: after the next import
			// the 20 users with a mobile number hold it in the app while Okta keeps the Dialpad one.
			{Config: statusConfig(emu, name, append(notPushed, mobileExternal), "")},
			{
				PreConfig: func() { emu.Import(t, fx.AppID) },
				Config:    statusConfig(emu, name, append(notPushed, mobileExternal), ""),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(statusAddr, "users_with_number", "20"),
					resource.TestCheckResourceAttr(statusAddr, "users_stale", "20"),
					resource.TestCheckResourceAttr(statusAddr, "users_synced", "0"),
					resource.TestCheckResourceAttr(statusAddr, "stale_user_ids.#", "20"),
					resource.TestMatchResourceAttr(statusAddr, "stale_logins.19", regexp.MustCompile(`@example\.com$`)),
				),
			},
		},
	})
}
