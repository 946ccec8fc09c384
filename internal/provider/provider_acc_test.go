package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// The org URL comes from another resource, so it is unknown while planning the first apply:
// planning must not fail or crash, and apply must configure the provider and create everything.
// (A data source read at plan time cannot wait; see _unknownOrgURLDataSourceAtPlan.)
func TestAccProvider_unknownOrgURLAtPlan(t *testing.T) {
	acctest.RequireEmulator(t, "writes the emulator's URL and token into the provider block")
	t.Parallel()
	emu := acctest.NewEmulator(t)
	snap := emu.Snapshot(t)
	name := emu.RandomName("unknownurl")
	cfg := fmt.Sprintf(`
resource "terraform_data" "org" {
  input = %[1]s
}

provider "dialpad" {
  okta_org_url   = terraform_data.org.output
  okta_api_token = %[2]s
}

data "dialpad_okta_app" "x" {
  id = %[3]s
  # Read at apply, once the provider is configured.
  depends_on = [terraform_data.org]
}

resource "dialpad_okta_user_attribute" "x" {
  name  = %[4]s
  title = "Unknown URL at plan"
}
`, acctest.Quote(emu.URL()), acctest.Quote(emu.Token()), acctest.Quote(emu.Fixtures().AppID), acctest.Quote(name))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			acctest.CheckDestroy(emu, "dialpad_okta_user_attribute", findUserAttributeState),
			emu.CheckUnchanged(snap),
		),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("label"), knownvalue.StringExact(emu.Fixtures().AppLabel)),
			},
			Check:            acctest.CheckExists(emu, "dialpad_okta_user_attribute.x", findUserAttributeState),
			ConfigPlanChecks: emptyPlanAfterApply(),
		}},
	})
}

// A data source Terraform reads while planning, with the provider's org URL still unknown, gets a
// clear error saying what to do (not a crash, not a nil client).
func TestAccProvider_unknownOrgURLDataSourceAtPlan(t *testing.T) {
	acctest.RequireEmulator(t, "writes the emulator's URL and token into the provider block")
	t.Parallel()
	emu := acctest.NewEmulator(t)
	cfg := fmt.Sprintf(`
resource "terraform_data" "org" {
  input = %[1]s
}

provider "dialpad" {
  okta_org_url   = terraform_data.org.output
  okta_api_token = %[2]s
}

data "dialpad_okta_app" "x" {
  id = %[3]s
}
`, acctest.Quote(emu.URL()), acctest.Quote(emu.Token()), acctest.Quote(emu.Fixtures().AppID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)provider is not configured yet.*known only after apply`),
		}},
	})
}

// OAuth failures name what Okta refused: an unregistered client (the token endpoint's
// invalid_client, which the SDK alone reports as "Empty access token") and a missing scope.
func TestAccProvider_oauthErrors(t *testing.T) {
	acctest.RequireEmulator(t, "registers OAuth clients with chosen scopes through the control API")
	t.Parallel()
	emu := acctest.NewEmulator(t)
	key := emu.RegisterOAuthClient(t, "0oatfaccnarrowscope01", []string{"okta.users.read"})
	block := func(clientID string, scopes ...string) string {
		s := ""
		if scopes != nil {
			s = "  okta_scopes      = " + acctest.List(scopes...) + "\n"
		}
		return "provider \"dialpad\" {\n  okta_org_url     = " + acctest.Quote(emu.URL()) + "\n  okta_client_id   = " + acctest.Quote(clientID) +
			"\n  okta_private_key = " + acctest.Quote(key) + "\n" + s + "  max_retries      = 0\n}\n"
	}
	data := appByID(emu.Fixtures().AppID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.Compose(block("0oatfaccunregistered1"), data),
				ExpectError: regexp.MustCompile(`(?s)OAuth access token for client\s+"0oatfaccunregistered1".*invalid_client`),
			},
			{
				// Asks only for the scope it was granted, then reads apps.
				Config:      acctest.Compose(block("0oatfaccnarrowscope01", "okta.users.read"), data),
				ExpectError: regexp.MustCompile(`(?s)403.*E0000006`),
			},
		},
	})
}
