package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

func TestAccUserTypeDataSource_basic(t *testing.T) {
	t.Parallel()
	org := acctest.NewOrg(t)
	ut, err := org.Client().FindUserType(t.Context(), "default")
	if err != nil {
		t.Fatal(err)
	}
	same := func(addr string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ut.ID)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(ut.Name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("schema_id"), knownvalue.StringExact(ut.SchemaID)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.NotNull()),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		// Invalid configurations first: the post-test destroy uses the last step's configuration.
		Steps: []resource.TestStep{
			{
				Config:      org.Config(`data "dialpad_okta_user_type" "x" { name = ` + acctest.Quote(org.RandomName("nosuchtype")) + ` }`),
				ExpectError: regexp.MustCompile(`No Okta user type has the name or id`),
			},
			{
				Config:      org.Config("data \"dialpad_okta_user_type\" \"x\" {\n  name = \"default\"\n  id   = \"x\"\n}"),
				ExpectError: regexp.MustCompile(`(?i)cannot be configured together|conflict`),
			},
			{
				Config: org.Config(
					`data "dialpad_okta_user_type" "implicit" {}`,
					`data "dialpad_okta_user_type" "by_name" { name = "default" }`,
					`data "dialpad_okta_user_type" "by_id" { id = `+acctest.Quote(ut.ID)+` }`,
				),
				ConfigStateChecks: append(append(same("data.dialpad_okta_user_type.implicit"),
					same("data.dialpad_okta_user_type.by_name")...), same("data.dialpad_okta_user_type.by_id")...),
				ConfigPlanChecks: emptyPlanAfterApply(),
			},
		},
	})
}
