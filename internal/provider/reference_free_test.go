package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// TestAccReferenceFree_destroy: the building blocks of one sync imported into a configuration with
// literal names and no references between them (what `terraform plan -generate-config-out` writes),
// then destroyed. Terraform deletes the attributes and the mapping property at once, so Okta refuses
// the attributes while the mapping still uses them (issue 11 point 6: 4 destroys in 6 failed). The
// mapping removal is held back by four 503s, so the attribute deletes always arrive first: they
// must wait for the removal this run is making, then succeed.
func TestAccReferenceFree_destroy(t *testing.T) {
	acctest.RequireEmulator(t, "holds the mapping removal back with targeted 503s")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	snap := emu.Snapshot(t)
	name := emu.RandomName("free")
	ctx := context.Background()
	c := emu.Client()
	ut, err := c.FindUserType(ctx, fx.UserType)
	if err != nil {
		t.Fatal(err)
	}
	prop := map[string]okta.MappingProperty{name: {Expression: "appuser." + name, PushStatus: okta.PushStatusPush}}
	setUp := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := c.CreateUserAttribute(ctx, fx.UserType, okta.Attribute{Name: name, Title: "Free", Type: "string"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateAppUserAttribute(ctx, fx.AppID, okta.Attribute{Name: name, Title: "Free", Type: "string"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateMappingProperties(ctx, fx.AppID, ut.ID, prop); err != nil {
			t.Fatal(err)
		}
	}
	cfg := emu.Config(fmt.Sprintf(`
import {
  to = dialpad_okta_user_attribute.free
  id = "%[4]s/%[1]s"
}

import {
  to = dialpad_okta_app_user_attribute.free
  id = "%[2]s/%[1]s"
}

import {
  to = dialpad_okta_attribute_mapping.free
  id = "%[2]s/%[3]s/%[1]s"
}

resource "dialpad_okta_user_attribute" "free" {
  name  = %[1]q
  title = "Free"
}

resource "dialpad_okta_app_user_attribute" "free" {
  app_id = %[2]q
  name   = %[1]q
  title  = "Free"
}

resource "dialpad_okta_attribute_mapping" "free" {
  source_id = %[2]q
  target_id = %[3]q
  properties = {
    %[1]s = { expression = "appuser.%[1]s", push_status = "PUSH" }
  }
}
`, name, fx.AppID, ut.ID, fx.UserType))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             emu.CheckUnchanged(snap),
		Steps: []resource.TestStep{
			{
				PreConfig:        setUp,
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{
						{Method: "POST", Route: "/api/v1/mappings/{id}", Status: 503, Count: 4},
					}})
				},
				Config: emu.Config(),
				Check:  emu.CheckUnchanged(snap),
			},
		},
	})
}
