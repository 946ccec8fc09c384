package provider

// What dialpad_okta_attribute_source and dialpad_okta_user_attribute (its master_type and
// master_priority) share about a user attribute's source priority: the validators of the
// priority list, the rules between the type and the list, the plan-time profile-sourcing check,
// the conversion of a priority list, and the warning for orgs that do not report it.

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// masterTypeDescription says what each master type means.
const masterTypeDescription = "`PROFILE_MASTER` (inherit from the user's profile source), `OKTA` (only Okta and " +
	"admins set it), or `OVERRIDE` (the apps in `%s`, highest first)."

// masterPriorityDescription describes the priority list argument of either resource.
const masterPriorityDescription = "With `master_type = \"OVERRIDE\"` (and only then): app ids in priority order, highest " +
	"first; `\"OKTA\"` stands for Okta itself. Each app must be a profile source."

// profileSourcingDescription is the plan-time check, for resource descriptions.
const profileSourcingDescription = "**Profile sourcing.** Okta accepts an app in an override list only when the app is a profile source (" +
	"\"Allow <app> to source Okta users\"), a setting with no public API. The plan fails with the exact Admin " +
	"Console steps when a listed app is not one, and warns when the listed apps would be the org's only profile " +
	"sources: Dialpad must not be the sole profile source and belongs at the bottom of the Profile Sources " +
	"priority (Directory -> Profile Sources), with its deactivation action \"Do Nothing\". Okta's public API reads " +
	"neither that priority nor the deactivation action, so the provider cannot check them. These checks run only " +
	"when the source priority is about to be written, never on destroy."

// masterPriorityValidators are the checks of one priority list's values.
func masterPriorityValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.UniqueValues(),
		listvalidator.ValueStringsAre(stringvalidator.RegexMatches(appIDPattern, "must be an app id (no spaces or slashes)")),
	}
}

// validateMasterPriority checks that the priority list (the argument priorityAttr) is set exactly
// when masterType is OVERRIDE; known values only.
func validateMasterPriority(masterType types.String, priority types.List, priorityAttr string, diags *diag.Diagnostics) {
	if masterType.IsUnknown() {
		return
	}
	override := masterType.ValueString() == okta.MasterOverride
	switch {
	case override && priority.IsNull():
		diags.AddAttributeError(path.Root(priorityAttr), "Missing "+priorityAttr,
			fmt.Sprintf("master_type = \"OVERRIDE\" needs %s: the app ids that source this attribute, highest priority first.", priorityAttr))
	case !override && !priority.IsNull():
		is := fmt.Sprintf("master_type is %q", masterType.ValueString())
		if masterType.IsNull() {
			is = "master_type is not set"
		}
		diags.AddAttributeError(path.Root(priorityAttr), "Invalid "+priorityAttr,
			fmt.Sprintf("%s is only valid with master_type = \"OVERRIDE\" (%s); remove it.", priorityAttr, is))
	}
}

// checkMasterPrioritySourcing runs at plan time, when a source priority override is about to be
// written: every app in the priority list (the argument at p) must be a profile source; warnings
// when they would be the org's only ones. Unknown values are checked at the apply's plan.
func checkMasterPrioritySourcing(ctx context.Context, c *okta.Client, priority types.List, p path.Path, diags *diag.Diagnostics) {
	if priority.IsNull() || priority.IsUnknown() {
		return
	}
	var ids []types.String
	diags.Append(priority.ElementsAs(ctx, &ids, false)...)
	var appIDs []string
	for _, id := range ids {
		if id.IsUnknown() {
			return
		}
		appIDs = append(appIDs, id.ValueString())
	}
	warnings, err := c.CheckProfileSourcing(ctx, appIDs)
	var pse *okta.ProfileSourcingError
	switch {
	case errors.As(err, &pse):
		diags.AddAttributeError(p, pse.Summary(), pse.Detail())
	case okta.IsNotFound(err):
		diags.AddAttributeError(p, "Unknown app in "+lastStep(p),
			fmt.Sprintf("%s. %s lists app ids (e.g. data.dialpad_okta_app.dialpad.id), not labels.", err, lastStep(p)))
	case err != nil:
		diags.AddError("Cannot check profile sourcing", err.Error())
	}
	for _, w := range warnings {
		diags.AddAttributeWarning(p, w.Summary, w.Detail)
	}
}

// masterPriorityList is the priority list of s: null unless an OVERRIDE lists apps.
func masterPriorityList(s okta.AttributeSource, diags *diag.Diagnostics) types.List {
	if s.MasterType != okta.MasterOverride || len(s.Priority) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(s.Priority))
	for i, id := range s.Priority {
		elems[i] = types.StringValue(id)
	}
	list, d := types.ListValue(types.StringType, elems)
	diags.Append(d...)
	return list
}

// warnUnreportedMaster tells the user that the org does not report source priorities.
func warnUnreportedMaster(diags *diag.Diagnostics) {
	diags.AddWarning("Okta does not report the source priority", okta.UnreportedMasterWarning)
}
