package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

const statusAddr = "data.dialpad_okta_phone_sync_status.test"

// statusHas checks one attribute of the status data source in the state after apply.
func statusHas(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New(attr), value)
}

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

// The documented pipeline gates, as written in the data source's example (statusPostcondition)
// and in the module README (statusStateGate).
const statusPostcondition = `
  lifecycle {
    postcondition {
      condition     = coalesce(self.coverage_percent, 0) >= 99
      error_message = "Phone sync ${self.state}: ${self.users_synced} of ${self.users_with_number} Dialpad users have their number in Okta; ${self.users_missing} missing (${join(", ", self.missing_logins)}), ${self.users_stale} stale (${join(", ", self.stale_logins)})."
    }
  }`

const statusStateGate = `
  lifecycle {
    postcondition {
      condition     = self.state == "synced"
      error_message = "Phone sync ${self.state}: ${self.users_synced} of ${self.users_with_number} synced; missing: ${join(", ", self.missing_logins)}"
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
			{
				// Before the import no assigned user has a number: unknown, not 100%.
				Config: statusConfig(emu, name, notPushed, "list_limit = 5"),
				ConfigStateChecks: []statecheck.StateCheck{
					statusHas("users_with_number", knownvalue.Int64Exact(0)),
					statusHas("state", knownvalue.StringExact("unknown")),
					statusHas("coverage_percent", knownvalue.Null()),
				},
			},
			{
				PreConfig: func() { emu.Import(t, fx.AppID) },
				Config:    statusConfig(emu, name, notPushed, "list_limit = 5"),
				ConfigStateChecks: []statecheck.StateCheck{
					statusHas("id", knownvalue.StringExact(fx.AppID+"/"+name)),
					statusHas("users_assigned", knownvalue.Int64Exact(60)),
					statusHas("users_with_number", knownvalue.Int64Exact(40)),
					statusHas("users_without_number", knownvalue.Int64Exact(20)),
					statusHas("users_synced", knownvalue.Int64Exact(0)),
					statusHas("users_missing", knownvalue.Int64Exact(40)),
					statusHas("users_stale", knownvalue.Int64Exact(0)),
					statusHas("coverage_percent", knownvalue.Float64Exact(0)),
					statusHas("state", knownvalue.StringExact("incomplete")),
					// The lists are bounded by list_limit; the counts are not.
					statusHas("missing_user_ids", knownvalue.ListSizeExact(5)),
					statusHas("missing_logins", knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("missing_logins").AtSliceIndex(0), knownvalue.StringRegexp(regexp.MustCompile(`@example\.com$`))),
				},
			},
			{
				// The documented postcondition fails the run, naming the missing users.
				Config:      statusConfig(emu, name, notPushed, statusPostcondition),
				ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*Phone\s+sync\s+incomplete:\s+0\s+of\s+40\s+Dialpad\s+users\s+have\s+their\s+number\s+in\s+Okta;\s+40\s+missing\s+\(.*@example\.com`),
			},
			{
				// Pushed and applied to existing users: every number is on its Okta profile, the guard passes.
				Config: statusConfig(emu, name, []string{"apply_to_existing_users = true"}, statusPostcondition),
				ConfigStateChecks: []statecheck.StateCheck{
					statusHas("users_synced", knownvalue.Int64Exact(40)),
					statusHas("users_missing", knownvalue.Int64Exact(0)),
					statusHas("coverage_percent", knownvalue.Float64Exact(100)),
					statusHas("state", knownvalue.StringExact("synced")),
					statusHas("missing_user_ids", knownvalue.ListSizeExact(0)),
				},
			},
			// The app now reads the mobile number and is no longer pushed: after the next import
			// the 20 users with a mobile number hold it in the app while Okta keeps the Dialpad one.
			{Config: statusConfig(emu, name, append(notPushed, mobileExternal), "")},
			{
				PreConfig: func() { emu.Import(t, fx.AppID) },
				Config:    statusConfig(emu, name, append(notPushed, mobileExternal), ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statusHas("users_with_number", knownvalue.Int64Exact(20)),
					statusHas("users_stale", knownvalue.Int64Exact(20)),
					statusHas("users_synced", knownvalue.Int64Exact(0)),
					statusHas("stale_user_ids", knownvalue.ListSizeExact(20)),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("stale_logins").AtSliceIndex(19), knownvalue.StringRegexp(regexp.MustCompile(`@example\.com$`))),
				},
			},
		},
	})
}

// Each documented gate fails before the first Dialpad import (nothing synced is not a pass), passes
// after it, and a misspelt attribute_name is an error rather than "0/0 synced".
func TestAccPhoneSyncStatus_gates(t *testing.T) {
	acctest.RequireEmulator(t, "the import simulation decides when users have their number")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	name := emu.RandomName("Phone")
	pushed := []string{"apply_to_existing_users = true"}
	typo := func(extra string) string {
		return emu.Config(phoneSyncConfig(fx.AppID, name, pushed...), fmt.Sprintf(`
data "dialpad_okta_phone_sync_status" "test" {
  app_id         = dialpad_okta_phone_sync.test.app_id
  attribute_name = "${dialpad_okta_phone_sync.test.attribute_name}%s"
}
`, extra))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return psNoPieces(emu, name) },
		Steps: []resource.TestStep{
			{Config: statusConfig(emu, name, pushed, "")},
			{
				Config:      statusConfig(emu, name, pushed, statusPostcondition),
				ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*Phone\s+sync\s+unknown:\s+0\s+of\s+0\s`),
			},
			{
				Config:      statusConfig(emu, name, pushed, statusStateGate),
				ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*Phone\s+sync\s+unknown:\s+0\s+of\s+0\s+synced`),
			},
			{
				PreConfig:         func() { emu.Import(t, fx.AppID) },
				Config:            statusConfig(emu, name, pushed, statusPostcondition),
				ConfigStateChecks: []statecheck.StateCheck{statusHas("state", knownvalue.StringExact("synced"))},
			},
			{
				Config:            statusConfig(emu, name, pushed, statusStateGate),
				ConfigStateChecks: []statecheck.StateCheck{statusHas("coverage_percent", knownvalue.Float64Exact(100))},
			},
			{
				Config:      typo("x"),
				ExpectError: regexp.MustCompile(`(?s)attribute\s+"` + name + `x"\s+is\s+not\s+on\s+the\s+app\s+user\s+schema`),
			},
		},
	})
}
