package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRuleValidators(t *testing.T) {
	for _, tc := range []struct {
		v     validator.String
		value types.String
		want  string // "" = valid
	}{
		{variableNameValidator(), types.StringValue("dialpadPhone"), ""},
		{variableNameValidator(), types.StringValue("1phone"), "name must be an Okta variable name"},
		{variableNameValidator(), types.StringUnknown(), ""},
		{variableNameValidator(), types.StringNull(), ""},
		{urnValidator(), types.StringValue("urn:ietf:params:scim:schemas:core:2.0:User"), ""},
		{urnValidator(), types.StringValue("core:2.0:User"), "name must be a URN"},
		{externalNameValidator(), types.StringValue("phoneNumbers.^[type=='Dialpad'].value"), ""},
		{externalNameValidator(), types.StringValue("phoneNumbers.^[type='Dialpad'].value"), "must compare with =="},
	} {
		resp := &validator.StringResponse{}
		tc.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name"), ConfigValue: tc.value}, resp)
		switch {
		case tc.want == "" && resp.Diagnostics.HasError():
			t.Errorf("%v: unexpected %v", tc.value, resp.Diagnostics)
		case tc.want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), tc.want)):
			t.Errorf("%v: diagnostics %v, want one containing %q", tc.value, resp.Diagnostics, tc.want)
		}
	}
}
