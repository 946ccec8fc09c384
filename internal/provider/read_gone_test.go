package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// Every resource's Read, when Okta no longer has what the resource manages, warns in the words
// the phone sync has always used and removes the resource from state (issue 12). Each case reads
// a state naming something the demo org does not have.
func TestRead_goneWarnsAndRemoves(t *testing.T) {
	ctx := context.Background()
	emu, err := oktaemu.New(oktaemu.Options{Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	c, err := okta.NewClient(ctx, okta.Config{OrgURL: srv.URL, APIToken: oktaemu.DefaultToken, NoReadCache: true})
	if err != nil {
		t.Fatal(err)
	}
	ut, err := c.FindUserType(ctx, okta.DefaultUserType)
	if err != nil {
		t.Fatal(err)
	}
	const app, gone = oktaemu.DemoDialpadAppID, "zzGoneAttribute"
	props := func(name string) types.Map {
		obj := types.ObjectValueMust(mappingPropertyAttrTypes, map[string]attr.Value{
			"expression": types.StringValue("appuser." + name), "push_status": types.StringValue(okta.PushStatusPush),
		})
		return types.MapValueMust(types.ObjectType{AttrTypes: mappingPropertyAttrTypes}, map[string]attr.Value{name: obj})
	}
	const then = " in Okta any more; Terraform will plan to create it again."
	cases := []struct {
		name    string
		res     resource.Resource
		state   map[string]attr.Value
		summary string
		detail  string
	}{
		{"user attribute", NewUserAttributeResource(),
			map[string]attr.Value{"id": types.StringValue("default/" + gone), "user_type": types.StringValue("default"), "name": types.StringValue(gone)},
			"Okta user attribute is gone", "The user attribute default/" + gone + " does not exist" + then},
		{"app user attribute", NewAppUserAttributeResource(),
			map[string]attr.Value{"id": types.StringValue(app + "/" + gone), "app_id": types.StringValue(app), "name": types.StringValue(gone)},
			"Okta app user attribute is gone", "The app user attribute " + app + "/" + gone + " does not exist" + then},
		{"attribute source", NewAttributeSourceResource(),
			map[string]attr.Value{"id": types.StringValue("default/" + gone), "user_type": types.StringValue("default"),
				"attribute_name": types.StringValue(gone), "master_type": types.StringValue(okta.MasterOkta)},
			"Okta attribute source priority is gone",
			"The user attribute default/" + gone + ", whose source priority this resource sets, does not exist" + then},
		{"mapping", NewAttributeMappingResource(),
			map[string]attr.Value{"id": types.StringValue("0oaNoSuchApp/" + ut.ID), "source_id": types.StringValue("0oaNoSuchApp"),
				"target_id": types.StringValue(ut.ID), "properties": props(gone)},
			"Okta mapping is gone", "The mapping 0oaNoSuchApp -> " + ut.ID + " does not exist" + then},
		{"mapping properties", NewAttributeMappingResource(),
			map[string]attr.Value{"id": types.StringValue(app + "/" + ut.ID), "source_id": types.StringValue(app),
				"target_id": types.StringValue(ut.ID), "properties": props(gone)},
			"Okta mapping properties are gone", ""},
		{"phone sync", NewPhoneSyncResource(),
			map[string]attr.Value{"id": types.StringValue(app + "/" + gone), "app_id": types.StringValue(app),
				"user_type": types.StringValue("default"), "attribute_name": types.StringValue(gone)},
			"Okta phone sync is gone", "None of the pieces of the phone sync " + app + "/" + gone + " exist" + then},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.res.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: c}, &resource.ConfigureResponse{})
			var sr resource.SchemaResponse
			tc.res.Schema(ctx, resource.SchemaRequest{}, &sr)
			state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
			for k, v := range tc.state {
				if d := state.SetAttribute(ctx, path.Root(k), v); d.HasError() {
					t.Fatalf("building the state: %v", d)
				}
			}
			resp := resource.ReadResponse{State: state}
			tc.res.Read(ctx, resource.ReadRequest{State: state}, &resp)

			if resp.Diagnostics.HasError() {
				t.Fatalf("Read failed: %v", resp.Diagnostics.Errors())
			}
			if !resp.State.Raw.IsNull() {
				t.Error("the resource is still in the state")
			}
			warnings := resp.Diagnostics.Warnings()
			if len(warnings) != 1 {
				t.Fatalf("want one warning, got %d: %v", len(warnings), warnings)
			}
			w := warnings[0]
			if w.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", w.Summary(), tc.summary)
			}
			if tc.detail != "" && w.Detail() != tc.detail {
				t.Errorf("detail %q, want %q", w.Detail(), tc.detail)
			}
			if tc.detail == "" && !strings.HasSuffix(w.Detail(), then) {
				t.Errorf("detail %q does not end with %q", w.Detail(), then)
			}
		})
	}
}
