package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

func emptyPlanAfterApply() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

func appByID(id string) string {
	return fmt.Sprintf(`data "dialpad_okta_app" "x" {
  id = %s
}`, acctest.Quote(id))
}

func appByLabel(label string) string {
	return fmt.Sprintf(`data "dialpad_okta_app" "x" {
  label = %s
}`, acctest.Quote(label))
}

func appChecks(f acctest.Fixtures) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("id"), knownvalue.StringExact(f.AppID)),
		statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("label"), knownvalue.StringExact(f.AppLabel)),
		statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
		statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("name"), knownvalue.NotNull()),
		statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("features"), knownvalue.NotNull()),
	}
}

func TestAccAppDataSource_byID(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	f := org.Fixtures()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            org.Config(appByID(f.AppID)),
			ConfigStateChecks: appChecks(f),
			ConfigPlanChecks:  emptyPlanAfterApply(),
		}},
	})
}

func TestAccAppDataSource_byLabel(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	f := org.Fixtures()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            org.Config(appByLabel(f.AppLabel)),
			ConfigStateChecks: appChecks(f),
			ConfigPlanChecks:  emptyPlanAfterApply(),
		}},
	})
}

// The seed has "Dialpad" and "Dialpad Meetings": a prefix must not match, nor a different case.
func TestAccAppDataSource_labelMatchesNone(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      org.Config(appByLabel(org.RandomName("nosuchapp"))),
				ExpectError: regexp.MustCompile(`No Okta app is labelled exactly`),
			},
			{
				Config:      org.Config(appByID("0oatfaccdoesnotexist")),
				ExpectError: regexp.MustCompile(`No Okta app has id "0oatfaccdoesnotexist"`),
			},
		},
	})
}

func TestAccAppDataSource_labelMatchesPrefixOnlyExact(t *testing.T) {
	acctest.RequireEmulator(t, "relies on the demo seed's \"Dialpad\" and \"Dialpad Meetings\" labels")
	t.Parallel()
	emu := acctest.NewEmulator(t)
	f := emu.Fixtures()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: emu.Config(appByLabel("Dialpad")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("id"), knownvalue.StringExact(f.AppID)),
					statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("profile_sourcing_enabled"), knownvalue.Bool(false)),
				},
			},
			{
				Config:      emu.Config(appByLabel("dialpad")),
				ExpectError: regexp.MustCompile(`No Okta app is labelled exactly "dialpad"`),
			},
		},
	})
}

// Two apps with one label: the error lists both ids so the user can pick one.
func TestAccAppDataSource_labelMatchesSeveral(t *testing.T) {
	acctest.RequireEmulator(t, "needs a seed with two apps sharing a label")
	t.Parallel()
	emu := acctest.NewEmulator(t, acctest.WithSeed(writeSeed(t, duplicateLabelSeed)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      emu.Config(appByLabel("Twin")),
			ExpectError: regexp.MustCompile(`(?s)2 Okta apps are labelled "Twin":.*0oatwin0000000000001.*0oatwin0000000000002.*Use id`),
		}},
	})
}

// profile_sourcing_enabled follows the console-only setting.
func TestAccAppDataSource_profileSourcing(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	f := org.Fixtures()
	org.EnsureProfileSource(t, f.AppID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.Config(appByID(f.AppID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.dialpad_okta_app.x", tfjsonpath.New("profile_sourcing_enabled"), knownvalue.Bool(true)),
			},
			ConfigPlanChecks: emptyPlanAfterApply(),
		}},
	})
}

// The same lookups with OAuth 2.0 private-key JWT against the org's token endpoint.
func TestAccAppDataSource_oauth(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	f := org.Fixtures()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            org.ConfigOAuth(t, appByID(f.AppID)),
				ConfigStateChecks: appChecks(f),
				ConfigPlanChecks:  emptyPlanAfterApply(),
			},
			{
				Config:            org.ConfigOAuth(t, appByLabel(f.AppLabel)),
				ConfigStateChecks: appChecks(f),
				ConfigPlanChecks:  emptyPlanAfterApply(),
			},
		},
	})
}
