package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

const phoneSyncAddr = "dialpad_okta_phone_sync.test"

// phoneSyncConfig is one composite sync of the attribute name on app appID, with extra arguments.
func phoneSyncConfig(appID, name string, extra ...string) string {
	return fmt.Sprintf(`
resource "dialpad_okta_phone_sync" "test" {
  app_id         = %[1]q
  attribute_name = %[2]q
  %[3]s
}
`, appID, name, strings.Join(extra, "\n  "))
}

// unchanged is CheckUnchanged of the org (the seed's own attributes and mappings survived and
// nothing of this test is left).
func unchanged(org acctest.Org, snap *acctest.Snapshot) resource.TestCheckFunc {
	u, ok := org.(interface {
		CheckUnchanged(*acctest.Snapshot) resource.TestCheckFunc
	})
	if !ok {
		return func(*terraform.State) error { return fmt.Errorf("org %T has no CheckUnchanged", org) }
	}
	return u.CheckUnchanged(snap)
}

func phoneSyncSpec(org acctest.Org, name string) okta.PhoneSyncSpec {
	return okta.PhoneSyncSpec{AppID: org.Fixtures().AppID, UserType: org.Fixtures().UserType, AttributeName: name}
}

// checkPieces reads every piece of the sync from the org and hands it to check.
func checkPieces(org acctest.Org, name string, check func(o *okta.PhoneSyncObserved) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		o, err := org.Client().ReadPhoneSync(context.Background(), phoneSyncSpec(org, name))
		if err != nil {
			return err
		}
		return check(o)
	}
}

// allPieces wants every piece present with the given fields.
func allPieces(org acctest.Org, name, title, external, push string, override bool) resource.TestCheckFunc {
	appID := org.Fixtures().AppID
	return checkPieces(org, name, func(o *okta.PhoneSyncObserved) error {
		var errs []string
		if o.UserAttr == nil || o.UserAttr.Title != title || o.UserAttr.Type != "string" {
			errs = append(errs, fmt.Sprintf("user attribute: %+v", o.UserAttr))
		}
		if o.AppAttr == nil || o.AppAttr.Title != title || o.AppAttr.ExternalName != external {
			errs = append(errs, fmt.Sprintf("app user attribute: %+v", o.AppAttr))
		}
		if o.MappingProp == nil || o.MappingProp.Expression != "appuser."+name || o.MappingProp.PushStatus != push {
			errs = append(errs, fmt.Sprintf("mapping property: %+v", o.MappingProp))
		}
		if got := o.UserAttr != nil && o.UserAttr.Source.MasterType == okta.MasterOverride &&
			len(o.UserAttr.Source.Priority) == 1 && o.UserAttr.Source.Priority[0] == appID; got != override {
			errs = append(errs, fmt.Sprintf("source priority override with %s: %v, want %v (%+v)", appID, got, override, o.UserAttr))
		}
		if len(errs) > 0 {
			return fmt.Errorf("phone sync %s in Okta:\n  %s", name, strings.Join(errs, "\n  "))
		}
		return nil
	})
}

// noPieces proves that no piece of the sync exists (CheckDestroy, rollback).
func noPieces(org acctest.Org, name string) error {
	_, err := org.Client().ReadPhoneSync(context.Background(), phoneSyncSpec(org, name))
	if okta.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("pieces of the phone sync %s are still in Okta", name)
}

func TestAccPhoneSync_basic(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	id := fx.AppID + "/" + name
	if fx.UserType != okta.DefaultUserType {
		id = fx.AppID + "/" + fx.UserType + "/" + name
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: acctest.CheckDestroyAll(
			func(*terraform.State) error { return noPieces(org, name) },
			unchanged(org, snap),
		),
		Steps: []resource.TestStep{
			{
				Config: org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Dialpad Phone")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("external_name"), knownvalue.StringExact("phoneNumbers.^[type=='Dialpad'].value")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("push_status"), knownvalue.StringExact("PUSH")),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("override_profile_source"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("mapping_expression"), knownvalue.StringExact("appuser."+name)),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("user_type_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(phoneSyncAddr, tfjsonpath.New("mapping_id"), knownvalue.NotNull()),
				},
				Check: allPieces(org, name, "Dialpad Phone", "phoneNumbers.^[type=='Dialpad'].value", "PUSH", true),
			},
			{
				Config:           org.Config(phoneSyncConfig(fx.AppID, name, "user_type = "+acctest.Quote(fx.UserType))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      phoneSyncAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
				// apply_to_existing_users is an action, not something Okta shows; timeouts are local.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

var _ = regexp.MustCompile
