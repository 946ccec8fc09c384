package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

var (
	_ resource.ResourceWithConfigure      = (*phoneSyncResource)(nil)
	_ resource.ResourceWithImportState    = (*phoneSyncResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*phoneSyncResource)(nil)
	_ resource.ResourceWithValidateConfig = (*phoneSyncResource)(nil)
)

// NewPhoneSyncResource is the constructor registered with the provider.
func NewPhoneSyncResource() resource.Resource { return &phoneSyncResource{} }

type phoneSyncResource struct {
	client *okta.Client
}

type phoneSyncModel struct {
	ID                     types.String   `tfsdk:"id"`
	AppID                  types.String   `tfsdk:"app_id"`
	AttributeName          types.String   `tfsdk:"attribute_name"`
	DisplayName            types.String   `tfsdk:"display_name"`
	Description            types.String   `tfsdk:"description"`
	UserType               types.String   `tfsdk:"user_type"`
	ExternalName           types.String   `tfsdk:"external_name"`
	ExternalNamespace      types.String   `tfsdk:"external_namespace"`
	PushStatus             types.String   `tfsdk:"push_status"`
	ApplyToExistingUsers   types.Bool     `tfsdk:"apply_to_existing_users"`
	OverrideProfileSource  types.Bool     `tfsdk:"override_profile_source"`
	RequireProfileSourcing types.Bool     `tfsdk:"require_profile_sourcing"`
	UserTypeID             types.String   `tfsdk:"user_type_id"`
	MappingID              types.String   `tfsdk:"mapping_id"`
	UserAttributeID        types.String   `tfsdk:"user_attribute_id"`
	AppUserAttributeID     types.String   `tfsdk:"app_user_attribute_id"`
	MappingExpression      types.String   `tfsdk:"mapping_expression"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

const (
	phoneSyncDefaultAttribute = "dialpadPhone"
	phoneSyncDefaultTitle     = "Dialpad Phone"
	phoneSyncDefaultExternal  = "phoneNumbers.^[type=='Dialpad'].value"
	phoneSyncDefaultNamespace = "urn:ietf:params:scim:schemas:core:2.0:User"
)

func (r *phoneSyncResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_phone_sync"
}

func (r *phoneSyncResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	expected := func(desc string) schema.StringAttribute {
		// Planned by ModifyPlan from the configuration, so a piece missing in Okta plans an update naming it.
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The whole Dialpad -> Okta phone sync in one resource: every Okta user assigned to the Dialpad app " +
			"gets their Dialpad number on their Okta profile, kept that way, with drift reported.\n\n" +
			"Create runs the five steps in dependency order and verifies each: (1) the attribute on the Okta user profile, " +
			"(2) the attribute on the app user profile, read from the SCIM record (`external_name`), (3) the attribute's source " +
			"priority overridden with this app, (4) the app -> Okta mapping of the attribute with its push status, " +
			"(5) \"Apply Updates Now\" when `apply_to_existing_users` is set. A failure part-way removes what this create made, " +
			"so nothing is left half-made. Refresh checks every piece and names the one that drifted; destroy removes the pieces in " +
			"reverse order and leaves everything else (other attributes, other mapping properties) untouched.\n\n" +
			"The module `modules/okta-phone-sync` builds the same state from the building-block resources.\n\n" +
			"**Changing `attribute_name`, `user_type` or `app_id`** is an in-place update that moves the sync in one apply, with a " +
			"plan warning naming what moves. New pieces are made first (the attributes that change, the source override on the " +
			"attribute now synced), the new mapping property is added before the old one is removed, and the old attributes are " +
			"deleted last, because Okta refuses to delete an attribute a mapping uses. A new `attribute_name` replaces both " +
			"attributes; a new `user_type` replaces the Okta user attribute (on the new type's profile) and moves the property to " +
			"the app -> new type mapping; a new `app_id` replaces the app user attribute and the mapping property and keeps the Okta " +
			"user attribute with every user's number. A replaced Okta user attribute starts empty: users get their numbers again at " +
			"the app's next import, or during the same apply with `apply_to_existing_users = true`. When a step fails before the " +
			"old mapping property is removed, everything the move did is undone and the old sync is as it was.\n\n" +
			"**Before the first apply** an Okta admin must allow the app to source Okta users (Admin Console only: Applications > " +
			"Dialpad > Provisioning > To Okta > Profile & Lifecycle Sourcing > \"Allow Dialpad to source Okta users\", " +
			"deactivation action \"Do Nothing\"). The plan fails with these steps until then (`require_profile_sourcing`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<app_id>/<attribute_name>` for the default user type, `<app_id>/<user_type>/<attribute_name>` otherwise; also the import ID.",
				PlanModifiers:       keep,
			},
			"app_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the Dialpad app in Okta (the `dialpad_okta_app` data source looks it up by exact label). " +
					"Changing it moves the sync to the other app in one apply (see \"Changing attribute_name, user_type or app_id\").",
				Validators: []validator.String{stringvalidator.RegexMatches(appIDPattern, "must be an app id (no spaces or slashes), such as data.dialpad_okta_app.dialpad.id")},
			},
			"attribute_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(phoneSyncDefaultAttribute),
				MarkdownDescription: "Variable name of the attribute on the Okta user profile and on the app user profile. Changing it " +
					"moves the sync to new attributes in one apply (see \"Changing attribute_name, user_type or app_id\"). Default `" + phoneSyncDefaultAttribute + "`.",
				Validators: []validator.String{newAttributeNameValidator(true)},
			},
			"display_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(phoneSyncDefaultTitle),
				MarkdownDescription: "Display name (title) of the attribute on both profiles. Updated in place. Default `" + phoneSyncDefaultTitle + "`. " +
					"When the two profiles' titles differ in Okta (an edit in the Admin Console, an update that failed half-way), a refresh records both in one " +
					"value, so the plan shows the change and applying writes both.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(phoneSyncDefaultTitle),
				MarkdownDescription: "Description of the attribute on both profiles. Updated in place. Default `" + phoneSyncDefaultTitle + "`. Like `display_name`, a difference " +
					"between the two profiles' descriptions in Okta shows in the plan with both values.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"user_type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(okta.DefaultUserType),
				MarkdownDescription: userTypeArgumentDescription + " Changing it to another type moves the sync to that type in one apply.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_name": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(phoneSyncDefaultExternal),
				MarkdownDescription: "SCIM path Okta reads the number from in the Dialpad user record, e.g. `phoneNumbers.^[type=='mobile'].value` " +
					"for the mobile number. Updated in place; profiles get the new values on the next import or with `apply_to_existing_users`. " +
					"Default `" + phoneSyncDefaultExternal + "`.",
				Validators: []validator.String{externalNameValidator()},
			},
			"external_namespace": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(phoneSyncDefaultNamespace),
				MarkdownDescription: "URN of the SCIM schema holding `external_name`. Updated in place. Default `" + phoneSyncDefaultNamespace + "`.",
				Validators:          []validator.String{urnValidator()},
			},
			"push_status": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(okta.PushStatusPush),
				MarkdownDescription: "`PUSH` = \"Apply mappings on user Create and Update\"; `DONT_PUSH` = on create only. Updated in place. Default `PUSH`.",
				Validators:          []validator.String{stringvalidator.OneOf(okta.PushStatusPush, okta.PushStatusDontPush)},
			},
			"apply_to_existing_users": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "\"Apply Updates Now\": after create and after each update, apply the mapping to every existing user. " +
					"Okta refuses this for OAuth 2.0 service apps, so with OAuth credentials it is a plan-time error. Default `false`. " +
					"After an import the state holds `false` (Okta does not record whether the mapping was ever applied to existing " +
					"users); with `true` in the configuration the next plan shows that one in-place change, whose apply runs " +
					"\"Apply Updates Now\" once.",
			},
			"override_profile_source": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Set the attribute's source priority to \"Override profile source\" with this app only, so users whose profile " +
					"is sourced from another app (an HR system) still receive their number, and keep their other attributes. Default `true`.",
			},
			"require_profile_sourcing": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Fail the plan unless the app is a profile source, with the Admin Console steps; also warns when the app would be " +
					"the org's only profile source. Checked whenever the plan writes the source override or the mapping property (a create, " +
					"a move, a change of `push_status` or `override_profile_source`, a piece to make again), not for an update of the display " +
					"name, description or external name only. `false` is only valid with `push_status = \"DONT_PUSH\"` and " +
					"`override_profile_source = false`, which Okta accepts without sourcing. Default `true`.",
			},
			"user_type_id":          schema.StringAttribute{Computed: true, MarkdownDescription: "Id of the Okta user type (the mapping's target).", PlanModifiers: keep},
			"mapping_id":            schema.StringAttribute{Computed: true, MarkdownDescription: "Okta id of the app -> Okta user profile mapping.", PlanModifiers: keep},
			"user_attribute_id":     expected("`<user_type>/<attribute_name>` of the attribute on the Okta user profile; empty in state when it was deleted outside Terraform."),
			"app_user_attribute_id": expected("`<app_id>/<attribute_name>` of the attribute on the app user profile; empty in state when it was deleted outside Terraform."),
			"mapping_expression":    expected("The mapping expression of the attribute (`appuser.<attribute_name>`) as Okta holds it; empty when the mapping property is gone."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *phoneSyncResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig holds the rule between arguments that needs no API call.
func (r *phoneSyncResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m phoneSyncModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.RequireProfileSourcing.IsUnknown() || m.RequireProfileSourcing.IsNull() || m.RequireProfileSourcing.ValueBool() {
		return
	}
	push := m.PushStatus.IsNull() || m.PushStatus.ValueString() == okta.PushStatusPush
	override := m.OverrideProfileSource.IsNull() || m.OverrideProfileSource.ValueBool()
	if m.PushStatus.IsUnknown() || m.OverrideProfileSource.IsUnknown() || (!push && !override) {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("require_profile_sourcing"), "require_profile_sourcing = false needs DONT_PUSH and no override",
		"Okta refuses a PUSH mapping and a source override for an app that is not a profile source, so require_profile_sourcing = false "+
			"is only valid together with push_status = \"DONT_PUSH\" and override_profile_source = false.")
}

// ModifyPlan plans the expected pieces (so a piece deleted in Okta shows as an update naming it),
// makes the spellings of one user type one value, plans a move when the sync's attribute name, user
// type or app changes, and runs the plan-time checks that need the org. It never blocks a destroy plan.
func (r *phoneSyncResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	otherType := planUserType(ctx, r.client, req, resp, path.Root("user_type"), false)
	var plan phoneSyncModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := !plan.AppID.IsUnknown() && !plan.AttributeName.IsUnknown() && !plan.UserType.IsUnknown()
	if known {
		spec := specFromModel(plan)
		plan.ID = types.StringValue(spec.ID())
		plan.UserAttributeID = types.StringValue(spec.UserAttributeID())
		plan.AppUserAttributeID = types.StringValue(spec.AppUserAttributeID())
		plan.MappingExpression = types.StringValue(spec.MappingExpression())
		if req.State.Raw.IsNull() {
			r.planIDs(ctx, spec, &plan)
		}
		r.client.NotePlannedAppUserAttribute(spec.AppID, spec.AttributeName)
	}
	var state *phoneSyncModel
	if !req.State.Raw.IsNull() {
		state = &phoneSyncModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		planPhoneSyncMove(*state, &plan, otherType, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)

	// Nothing to apply (no change, no drift): the checks below guard writes, so spare their API calls.
	if !req.State.Raw.IsNull() && resp.Plan.Raw.Equal(req.State.Raw) {
		return
	}

	if !plan.ApplyToExistingUsers.IsUnknown() && plan.ApplyToExistingUsers.ValueBool() && r.client.AuthMode() != okta.AuthModeAPIToken {
		resp.Diagnostics.AddAttributeError(path.Root("apply_to_existing_users"), "apply_to_existing_users needs an API token",
			"Okta refuses \"Apply Updates Now\" (the mapping reapply call) for OAuth 2.0 service apps, and this provider authenticates with "+
				"OAuth. Set apply_to_existing_users = false (users then receive their numbers on the next import or profile update), "+
				"or configure okta_api_token.")
	}
	if plan.AppID.IsUnknown() || plan.RequireProfileSourcing.IsUnknown() || !plan.RequireProfileSourcing.ValueBool() {
		return
	}
	if state != nil && !writesSourcedPieces(*state, plan) {
		return // as in the module, whose source and mapping resources check only when they are written
	}
	notices, err := r.client.CheckProfileSourcing(ctx, []string{plan.AppID.ValueString()})
	for _, n := range notices {
		resp.Diagnostics.AddWarning(n.Summary, n.Detail)
	}
	var pse *okta.ProfileSourcingError
	switch {
	case errors.As(err, &pse):
		resp.Diagnostics.AddAttributeError(path.Root("app_id"), pse.Summary(), pse.Detail()+
			"\n\nOr set require_profile_sourcing = false together with push_status = \"DONT_PUSH\" and override_profile_source = false.")
	case okta.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("app_id"), "Okta app not found",
			fmt.Sprintf("There is no Okta app with id %q. The dialpad_okta_app data source looks an app up by its exact label.", plan.AppID.ValueString()))
	case err != nil:
		resp.Diagnostics.AddError("Cannot check whether the app is a profile source", err.Error())
	}
}

// writesSourcedPieces says whether applying plan over state writes what Okta accepts only from an
// app that is a profile source: the source override or the mapping property (a move, a change of
// either, a piece to make again, or the check switched on). An update of the display name,
// description or external name leaves both as they are, and needs no check.
func writesSourcedPieces(state, plan phoneSyncModel) bool {
	for _, p := range [][2]attr.Value{
		{state.AppID, plan.AppID}, {state.AttributeName, plan.AttributeName}, {state.UserType, plan.UserType},
		{state.PushStatus, plan.PushStatus}, {state.OverrideProfileSource, plan.OverrideProfileSource},
		{state.RequireProfileSourcing, plan.RequireProfileSourcing}, {state.UserAttributeID, plan.UserAttributeID},
		{state.MappingExpression, plan.MappingExpression},
	} {
		if !p[0].Equal(p[1]) {
			return true
		}
	}
	return false
}

// planIDs fills in, for a create or a replacement, the ids Okta already has before anything is
// written: the user type's and that of the mapping Okta keeps for the app and user type (one
// listing of the app's mappings, through the cache). So replacing a sync on the same app and user
// type (a new attribute_name) shows them unchanged instead of "known after apply", and the create
// uses them. What cannot be read stays unknown; the create then looks it up, or reports why.
func (r *phoneSyncResource) planIDs(ctx context.Context, spec okta.PhoneSyncSpec, plan *phoneSyncModel) {
	utID, mappingID, _ := r.client.FindAppUserTypeMapping(ctx, spec.AppID, spec.UserType)
	if utID != "" {
		plan.UserTypeID = types.StringValue(utID)
	}
	if mappingID != "" {
		plan.MappingID = types.StringValue(mappingID)
	}
}

func (r *phoneSyncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan phoneSyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	spec := specFromModel(plan)
	got, err := r.client.CreatePhoneSync(ctx, spec)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Okta phone sync", phoneSyncErrorDetail(err, spec))
		return
	}
	plan.fromObserved(spec, got, nil)
	warnPhoneSyncMaster(spec, got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *phoneSyncResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state phoneSyncModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, phoneSyncReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	spec := specFromModel(state)
	got, err := r.client.ReadPhoneSync(ctx, spec)
	if okta.IsNotFound(err) {
		removeGone(ctx, resp, "Okta phone sync is gone", "None of the pieces of the phone sync "+spec.ID()+" exist")
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the Okta phone sync", phoneSyncErrorDetail(err, spec))
		return
	}
	prior := state
	state.fromObserved(spec, got, &prior)
	warnPhoneSyncMaster(spec, got, &resp.Diagnostics)
	if drift := got.Drift(spec); len(drift) > 0 {
		resp.Diagnostics.AddWarning("Okta phone sync changed outside Terraform",
			"These pieces of "+spec.ID()+" differ from the configuration; the plan shows the repair:\n  - "+strings.Join(drift, "\n  - "))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *phoneSyncResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state phoneSyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	spec := specFromModel(plan)
	got, err := r.client.UpdatePhoneSync(ctx, specFromModel(state), spec, shownFromState(state))
	var inc *okta.MoveIncompleteError
	if errors.As(err, &inc) {
		// The sync is whole under its new names: record that, so the next apply does not move again.
		plan.fromObserved(spec, got, nil)
		warnPhoneSyncMaster(spec, got, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.AddError("Okta phone sync moved, with steps left to do", err.Error()+"\n\n"+
			"The sync works under its new names. Remove the old attributes listed above in the Admin Console (Directory > "+
			"Profile Editor), and apply the mapping to existing users there (Mappings > Apply updates now) if that step failed.")
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot update the Okta phone sync", phoneSyncErrorDetail(err, spec))
		return
	}
	plan.fromObserved(spec, got, nil)
	warnPhoneSyncMaster(spec, got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *phoneSyncResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state phoneSyncModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	spec := specFromModel(state)
	if err := r.client.DeletePhoneSync(ctx, spec); err != nil {
		resp.Diagnostics.AddError("Cannot delete the Okta phone sync", phoneSyncErrorDetail(err, spec))
	}
}

func (r *phoneSyncResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	appID, userType, name, err := okta.ParsePhoneSyncID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_type"), userType)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("attribute_name"), name)...)
}

// planPhoneSyncMove plans a change of what the sync is keyed by (attribute name, user type, app) as
// an in-place move: the ids Okta gives the new pieces are unknown until the apply, and a warning says
// what the users see meanwhile. otherType: the configuration names another user type (planUserType).
func planPhoneSyncMove(state phoneSyncModel, plan *phoneSyncModel, otherType bool, diags *diag.Diagnostics) {
	otherApp := !plan.AppID.Equal(state.AppID)
	renamed := !plan.AttributeName.Equal(state.AttributeName)
	if otherType {
		plan.UserTypeID = types.StringUnknown()
	}
	if otherType || otherApp {
		plan.MappingID = types.StringUnknown()
	}
	if (!otherType && !otherApp && !renamed) || plan.AppID.IsUnknown() || plan.AttributeName.IsUnknown() || plan.UserType.IsUnknown() {
		return
	}
	var what []string
	if renamed {
		what = append(what, "attribute_name")
	}
	if otherType {
		what = append(what, "user_type")
	}
	if otherApp {
		what = append(what, "app_id")
	}
	after := "Users get their numbers on the new attribute at the app's next import, or during this apply with apply_to_existing_users = true."
	if !renamed && !otherType {
		after = "The Okta user attribute stays, with every user's number; the numbers come from the new app from its next import on " +
			"(or during this apply with apply_to_existing_users = true)."
	}
	diags.AddAttributeWarning(path.Root(what[0]), "The phone sync moves to new Okta pieces",
		"Changing "+strings.Join(what, ", ")+" moves the sync in this apply: the new attributes are created, the source override "+
			"is set on the attribute now synced, the mapping property moves to them, and only then are the old attributes deleted "+
			"(with the values they hold). "+after)
}

// specFromModel is what the configuration (or state) asks of Okta. It is the one place defaults
// reach a model that lacks them, from the constants the schema's Defaults use: the configuration
// has them already, but a state imported and not yet refreshed holds only the import ID's parts
// (its refresh checks Okta against the defaults), and override_profile_source stays null in the
// state of a sync imported from an org that does not report source priorities.
func specFromModel(m phoneSyncModel) okta.PhoneSyncSpec {
	return okta.PhoneSyncSpec{
		AppID:                 m.AppID.ValueString(),
		UserType:              phoneSyncString(m.UserType, okta.DefaultUserType),
		AttributeName:         phoneSyncString(m.AttributeName, phoneSyncDefaultAttribute),
		DisplayName:           phoneSyncString(m.DisplayName, phoneSyncDefaultTitle),
		Description:           phoneSyncString(m.Description, phoneSyncDefaultTitle),
		ExternalName:          phoneSyncString(m.ExternalName, phoneSyncDefaultExternal),
		ExternalNamespace:     phoneSyncString(m.ExternalNamespace, phoneSyncDefaultNamespace),
		PushStatus:            phoneSyncString(m.PushStatus, okta.PushStatusPush),
		ApplyToExistingUsers:  m.ApplyToExistingUsers.ValueBool(),
		OverrideProfileSource: m.OverrideProfileSource.IsNull() || m.OverrideProfileSource.ValueBool(),
		// Known after the first apply; they save the lookups on refresh (unknown reads as "").
		UserTypeID: m.UserTypeID.ValueString(),
		MappingID:  m.MappingID.ValueString(),
	}
}

// shownFromState is what the refreshed prior state records of each piece (nil when it does not
// say, as before the first refresh), which the update trusts instead of reading it again.
func shownFromState(m phoneSyncModel) *okta.PhoneSyncShown {
	if m.UserAttributeID.IsNull() || m.AppUserAttributeID.IsNull() || m.MappingExpression.IsNull() ||
		m.UserAttributeID.IsUnknown() || m.AppUserAttributeID.IsUnknown() || m.MappingExpression.IsUnknown() {
		return nil
	}
	return &okta.PhoneSyncShown{UserAttr: m.UserAttributeID.ValueString() != "", AppAttr: m.AppUserAttributeID.ValueString() != "",
		MappingExpression: m.MappingExpression.ValueString()}
}

// warnPhoneSyncMaster warns when the override was sent to an org that does not report master.
func warnPhoneSyncMaster(spec okta.PhoneSyncSpec, o *okta.PhoneSyncObserved, diags *diag.Diagnostics) {
	if spec.OverrideProfileSource && o.UserAttr != nil && o.UserAttr.Source.Unreported {
		warnUnreportedMaster(diags)
	}
}

// fromObserved writes what Okta holds into the model. With prior (Read), a shared field takes the
// value of whichever piece differs from the prior state, so the plan names the drift; a missing piece
// empties its computed id so the plan shows it being put back. Without prior (Create/Update) the
// model keeps the planned values, which the write just verified.
func (m *phoneSyncModel) fromObserved(spec okta.PhoneSyncSpec, o *okta.PhoneSyncObserved, prior *phoneSyncModel) {
	m.ID = types.StringValue(spec.ID())
	m.AppID = types.StringValue(spec.AppID)
	m.UserType = types.StringValue(spec.UserType)
	m.AttributeName = types.StringValue(spec.AttributeName)
	if o.UserTypeID != "" {
		m.UserTypeID = types.StringValue(o.UserTypeID)
	}
	if o.MappingID != "" {
		m.MappingID = types.StringValue(o.MappingID)
	}
	m.UserAttributeID = types.StringValue("")
	if o.UserAttr != nil {
		m.UserAttributeID = types.StringValue(spec.UserAttributeID())
	}
	m.AppUserAttributeID = types.StringValue("")
	if o.AppAttr != nil {
		m.AppUserAttributeID = types.StringValue(spec.AppUserAttributeID())
	}
	m.MappingExpression = types.StringValue("")
	if o.MappingProp != nil {
		m.MappingExpression = types.StringValue(o.MappingProp.Expression)
	}
	if m.ApplyToExistingUsers.IsNull() || m.ApplyToExistingUsers.IsUnknown() {
		m.ApplyToExistingUsers = types.BoolValue(false)
	}
	if m.RequireProfileSourcing.IsNull() || m.RequireProfileSourcing.IsUnknown() {
		m.RequireProfileSourcing = types.BoolValue(true)
	}
	if prior == nil {
		return
	}

	pick := func(prev types.String, fallback string, seen ...*string) types.String {
		for _, s := range seen {
			if s != nil && (prev.IsNull() || prev.IsUnknown() || *s != prev.ValueString()) {
				return types.StringValue(*s)
			}
		}
		if prev.IsNull() || prev.IsUnknown() {
			return types.StringValue(fallback)
		}
		return prev
	}
	var uTitle, uDesc, aTitle, aDesc, ext, ns, push *string
	if a := o.UserAttr; a != nil {
		uTitle, uDesc = &a.Title, &a.Description
	}
	if a := o.AppAttr; a != nil {
		aTitle, aDesc, ext, ns = &a.Title, &a.Description, &a.ExternalName, &a.ExternalNamespace
	}
	if p := o.MappingProp; p != nil {
		push = &p.PushStatus
	}
	// display_name and description are one value for two attributes. When the two disagree (an
	// update that failed between them, an edit of one in the Admin Console), no single value of
	// theirs is right: the one that matches the configuration would hide the other. The state says
	// both, a value no configuration holds, so the plan shows the change and the update writes both.
	shared := func(prev types.String, fallback string, user, app *string) types.String {
		if user != nil && app != nil && *user != *app {
			return types.StringValue(fmt.Sprintf("%q on the Okta user attribute, %q on the app user attribute", *user, *app))
		}
		return pick(prev, fallback, user, app)
	}
	m.DisplayName = shared(prior.DisplayName, spec.DisplayName, uTitle, aTitle)
	m.Description = shared(prior.Description, spec.Description, uDesc, aDesc)
	m.ExternalName = pick(prior.ExternalName, spec.ExternalName, ext)
	m.ExternalNamespace = pick(prior.ExternalNamespace, spec.ExternalNamespace, ns)
	m.PushStatus = pick(prior.PushStatus, spec.PushStatus, push)
	// The source priority is ours only when we override it; otherwise it is left to the admin.
	// An org that does not report master leaves nothing to compare: keep what was written.
	unreported := o.UserAttr != nil && o.UserAttr.Source.Unreported
	if !unreported && (prior.OverrideProfileSource.IsNull() || prior.OverrideProfileSource.IsUnknown() || prior.OverrideProfileSource.ValueBool()) {
		m.OverrideProfileSource = types.BoolValue(o.Overridden(spec))
	}
}

func phoneSyncString(v types.String, def string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return def
	}
	return v.ValueString()
}

// phoneSyncErrorDetail is Okta's answer plus what the user can do next.
func phoneSyncErrorDetail(err error, spec okta.PhoneSyncSpec) string {
	detail := err.Error()
	var ae *okta.AttributeExistsError
	var me *okta.MappingPropertyExistsError
	if errors.As(err, &ae) || errors.As(err, &me) {
		detail += fmt.Sprintf("\n\nA phone sync only takes over pieces exactly as it would create them (what an interrupted apply leaves). If these are a phone sync made earlier "+
			"(by another configuration or before a state loss), import it whole:\n  terraform import dialpad_okta_phone_sync.<name> %s\n"+
			"Otherwise choose another attribute_name.", spec.ID())
	}
	return detail
}
