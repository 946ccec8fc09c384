package provider

// Helpers every resource and data source uses.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// optionalString is null for "": Okta leaves an unset optional field out.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// requireClient reports whether the provider is configured; CRUD needs Okta.
func requireClient(c *okta.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured", errNotConfigured)
		return false
	}
	return true
}

// clientFromProviderData is the Configure helper of every resource and data source: nil data
// means the provider is not configured yet (plan with unknown provider values), which is not an
// error until an Okta call is needed.
func clientFromProviderData(data any, diags *diag.Diagnostics) *okta.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*okta.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *okta.Client, got %T. This is a bug in the provider.", data))
		return nil
	}
	return c
}

// errNotConfigured is what a read says when the provider could not be configured because its
// values were unknown at plan time.
const errNotConfigured = "The dialpad provider is not configured yet: a provider argument (okta_org_url or credentials) " +
	"depends on a value known only after apply. Apply the resources it depends on first (e.g. with -target)."

// removeGone is what every Read does when Okta no longer has what the resource manages: a warning
// (summary e.g. "Okta user attribute is gone"; the detail begins with gone, e.g. "The user
// attribute default/dialpadPhone does not exist"), and the resource leaves the state, so that the
// plan creates it again.
func removeGone(ctx context.Context, resp *resource.ReadResponse, summary, gone string) {
	resp.Diagnostics.AddWarning(summary, gone+" in Okta any more; Terraform will plan to create it again.")
	resp.State.RemoveResource(ctx)
}
