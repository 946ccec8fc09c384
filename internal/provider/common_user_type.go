package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

// Every resource argument that takes a user type (user_type of dialpad_okta_user_attribute,
// dialpad_okta_attribute_source and dialpad_okta_phone_sync) accepts the type's name, its id, and
// for the default type "default" as well as Okta's name for it, "user". planUserType makes these
// spellings one value and checks at plan time that the type exists.

const userTypeArgumentDescription = "Okta user type whose profile holds the attribute: its name (e.g. `contractor`) or " +
	"its id (`oty...`). The org's default user type is named `user` in Okta; `default` (the default here), `user` and " +
	"the default type's id all name it. Changing between spellings of the same type changes nothing in Okta and plans " +
	"no change; a user type that does not exist fails the plan with the list of the org's user types."

// planUserType runs in ModifyPlan for the user type argument at p.
//
//   - The configuration names the type the state already holds in another spelling ("user" ->
//     "default" -> its id): the plan keeps the state's spelling, so nothing is replaced or written.
//     Terraform accepts a planned value equal to the prior one as "functionally equivalent" to
//     the configuration.
//   - It names another type: with replace, p is added to RequiresReplace (the attribute lives in
//     that type's schema); changed reports it either way.
//   - The type does not exist: an error on p that lists the org's user types.
//
// A value unknown at plan is left alone, and replaced when replace is set (as RequiresReplace
// would). No API call is made when the value did not change or spells the default type; otherwise
// at most one user type read per spelling, shared through the client's read cache.
func planUserType(ctx context.Context, c *okta.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, p path.Path, replace bool) (changed bool) {
	if req.Plan.Raw.IsNull() || c == nil {
		return false
	}
	var planned, prior types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, p, &planned)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, p, &prior)...)
	}
	if resp.Diagnostics.HasError() {
		return false
	}
	creating := req.State.Raw.IsNull() || prior.IsNull()
	if planned.IsUnknown() {
		if !creating && replace {
			resp.RequiresReplace.Append(p)
		}
		return !creating
	}
	if !creating && planned.ValueString() == prior.ValueString() {
		return false
	}
	if !creating {
		same, err := c.SameUserType(ctx, prior.ValueString(), planned.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(p, "Cannot look up the Okta user type", fmt.Sprintf(
				"Comparing user type %q (state) with %q (configuration): %s", prior.ValueString(), planned.ValueString(), err))
			return false
		}
		if same {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, p, prior)...)
			return false
		}
		if replace {
			resp.RequiresReplace.Append(p)
		}
	}
	checkUserTypeExists(ctx, c, p, planned.ValueString(), &resp.Diagnostics)
	return !creating
}

// checkUserTypeExists adds an error on p when name is no user type of the org. The default type's
// spellings need no lookup.
func checkUserTypeExists(ctx context.Context, c *okta.Client, p path.Path, name string, diags *diag.Diagnostics) {
	if okta.IsDefaultUserType(name) {
		return
	}
	_, err := c.FindUserType(ctx, name)
	if err == nil {
		return
	}
	if !okta.IsNotFound(err) {
		diags.AddAttributeError(p, "Cannot look up the Okta user type", fmt.Sprintf("Looking up user type %q: %s", name, err))
		return
	}
	diags.AddAttributeError(p, "Okta user type not found", fmt.Sprintf("%s = %q names no user type of this Okta org, so nothing can be created on it.",
		lastStep(p), name)+userTypesHint(ctx, c))
}

// userTypesHint lists the org's user types for a not-found error, and what to do.
func userTypesHint(ctx context.Context, c *okta.Client) string {
	var b strings.Builder
	if list, err := c.ListUserTypes(ctx); err == nil {
		b.WriteString("\nThe org's user types are:")
		for _, t := range list {
			fmt.Fprintf(&b, "\n  - %q (id %s)", t.Name, t.ID)
			if t.Default {
				b.WriteString(", the default type, also spelled \"default\"")
			}
		}
	}
	b.WriteString("\nUse one of these names or ids, or create the user type first (Directory > Profile Editor > User types).")
	return b.String()
}

func lastStep(p path.Path) string {
	s := p.String()
	if i := strings.LastIndex(s, "."); i >= 0 {
		return s[i+1:]
	}
	return s
}

// splitUserTypeID splits the import ID "<user_type>/<name>" of the user attribute and attribute
// source resources; a bare "<name>" means the default user type. ok is false when it is neither.
func splitUserTypeID(id string) (userType, name string, ok bool) {
	userType, name, found := strings.Cut(id, "/")
	if !found {
		userType, name = okta.DefaultUserType, id
	}
	return userType, name, userType != "" && validate.VariableName(name) == nil
}
