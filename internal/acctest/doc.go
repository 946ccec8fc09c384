// Package acctest is the acceptance-test harness: every test talks to "an org" through one small
// interface, Org, which is either a fresh in-process Okta emulator (the default) or a real Okta org
// (live mode). The same test code runs in both.
//
// # Writing a test
//
// Acceptance tests live in external test packages (package provider_test): acctest imports the
// provider, so an in-package test (package provider) that imports acctest does not compile.
//
//	func TestAccUserAttribute_basic(t *testing.T) {
//		t.Parallel()
//		org := acctest.NewOrg(t)            // emulator per test, or the live org
//		snap := org.Snapshot(t)             // "the org as it was"
//		name := org.RandomName("phone")     // tfaccphone<random>: sweepable, unique
//		resource.Test(t, resource.TestCase{
//			ProtoV6ProviderFactories: acctest.ProviderFactories,
//			CheckDestroy: acctest.CheckDestroyAll(
//				acctest.CheckDestroy(org, "dialpad_okta_user_attribute", func(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error {
//					_, err := c.FindUserAttribute(ctx, rs.Primary.Attributes["user_type"], rs.Primary.Attributes["name"])
//					return err // nil = still there; a *okta.NotFoundError = gone
//				}),
//				org.CheckUnchanged(snap),
//			),
//			Steps: []resource.TestStep{{
//				Config: org.Config(fmt.Sprintf(`resource "dialpad_okta_user_attribute" "x" { name = %q }`, name)),
//				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
//			}},
//		})
//	}
//
// org.Config(hcl...) prepends the provider block (API token); acctest.Compose(org.ProviderBlock("max_retries = 0"),
// hcl...) adds provider arguments; org.ConfigOAuth(t, hcl...) uses OAuth
// private-key JWT instead (emulator: a client with a fresh key pair is registered; live: the OKTA_API_*
// OAuth variables). org.Fixtures() names the apps and user types a test may use. org.Client(t) is an
// internal/okta client for finders and out-of-band changes (drift tests), org.API(t, ...) a raw call.
//
// # Emulator-only tests
//
// Tests that need the control API (faults, rate limits, the profile-sourcing toggle, import
// simulation, stats) start with acctest.RequireEmulator(t, "why"), which skips in live mode with that
// reason, and then take the controls:
//
//	acctest.RequireEmulator(t, "needs the emulator's lost-update window and stats")
//	emu := acctest.NewEmulator(t, acctest.WithKnobs(oktaemu.Options{LostUpdateWindow: 50 * time.Millisecond}))
//	emu.ResetStats(t); ...; s := emu.Stats(t)
//	emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{Method: "POST", Route: "/api/v1/mappings/{id}", Status: 503, Count: 1, AfterCommit: true}}})
//
// The harness's own reads (Snapshot, CheckUnchanged, CheckDestroy, org.Client(), org.API) are Okta
// API calls: the emulator counts them in its stats and rate limits like the provider's. Reset the
// stats right before what you measure. They never go through the provider's read cache.
//
// org.EnsureProfileSource(t, appID) works in both modes: it flips the console-only setting on the
// emulator and verifies it in live mode (where it fails with the console steps if the app is not one).
//
// # Modes (environment)
//
//   - default: TF_ACC=1 runs acceptance tests against a fresh in-process emulator per test.
//   - live: TF_ACC=1 DIALPAD_ACC_LIVE=1 OKTA_ORG_URL=... and OKTA_API_TOKEN (or OKTA_API_CLIENT_ID +
//     OKTA_API_PRIVATE_KEY [+ OKTA_API_PRIVATE_KEY_ID, OKTA_API_SCOPES]); fixtures DIALPAD_ACC_APP_ID (an
//     app that already is a profile source), optional DIALPAD_ACC_SOURCE_APP_ID (another profile
//     source), DIALPAD_ACC_NON_SOURCE_APP_ID (an app that is not), DIALPAD_ACC_USER_TYPE (default
//     "default"). Names get a random tfacc prefix; `make sweep` removes leftovers.
//   - live against the emulator: TF_ACC=1 DIALPAD_ACC_LIVE_EMULATOR=1 runs live mode against an
//     in-process emulator started with NoControl, proving the live path needs no control API.
//
// Terraform: TF_ACC_TERRAFORM_PATH (kept when set, else <module root>/.tools/bin/terraform; never
// downloaded), CHECKPOINT_DISABLE=1, TF_ACC_PROVIDER_NAMESPACE=dialpad and TF_CLI_CONFIG_FILE (kept
// when it names an existing file, else a file the harness writes) are set by the harness.
// TF_ACC_TERRAFORM_PATH may name OpenTofu: the harness asks the binary which engine it is
// (CurrentEngine) and sets TF_ACC_PROVIDER_HOST to the engine's default registry host
// (registry.opentofu.org for OpenTofu), so the same configurations run on both.
//
// Leftovers of interrupted live runs: `go run ./internal/acctest/cmd/sweep [-dry-run]` (make sweep).
package acctest
