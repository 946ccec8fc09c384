package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*attributeSourceResource)(nil)
	_ resource.ResourceWithImportState    = (*attributeSourceResource)(nil)
	_ resource.ResourceWithValidateConfig = (*attributeSourceResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*attributeSourceResource)(nil)
)

// NewAttributeSourceResource is the constructor of resource "dialpad_okta_attribute_source".
func NewAttributeSourceResource() resource.Resource { return &attributeSourceResource{} }

type attributeSourceResource struct {
	client *okta.Client
}

type attributeSourceModel struct {
	ID            types.String   `tfsdk:"id"`
	UserType      types.String   `tfsdk:"user_type"`
	AttributeName types.String   `tfsdk:"attribute_name"`
	MasterType    types.String   `tfsdk:"master_type"`
	Priority      types.List     `tfsdk:"priority"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

const attributeSourceDescription = "Owns the source priority (`master`) of one Okta user attribute " +
	"(Profile Editor -> attribute -> Source priority): inherit from the user's profile source, Okta only, or " +
	"override with an ordered list of apps. Destroying it returns the attribute to inherit (`PROFILE_MASTER`).\n\n" +
	"Only `master` is written: the attribute's other fields (and `dialpad_okta_user_attribute`, which may manage " +
	"them) are left alone, and writes to the schema are serialized and verified. Instead of this resource, " +
	"`dialpad_okta_user_attribute` can manage the source priority itself (its `master_type` and `master_priority`, " +
	"which cost no extra API calls); manage it in one of the two, not both. Destroying this resource while a " +
	"`dialpad_okta_user_attribute` of the same attribute with `master_type` set is planned or applied in the same run " +
	"leaves the source priority to that resource (with a warning) instead of resetting it.\n\n" +
	profileSourcingDescription

func (r *attributeSourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_attribute_source"
}

func (r *attributeSourceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: attributeSourceDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<user_type>/<attribute_name>`, also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_type": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(okta.DefaultUserType),
				MarkdownDescription: userTypeArgumentDescription + " Changing it to another type replaces the resource.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"attribute_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Variable name of the user attribute, e.g. `dialpad_okta_user_attribute.phone.name` " +
					"(referencing it orders the two resources). Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{variableNameValidator()},
			},
			"master_type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf(masterTypeDescription, "priority"),
				Validators:          []validator.String{stringvalidator.OneOf(validate.MasterTypes...)},
			},
			"priority": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: masterPriorityDescription,
				Validators:          masterPriorityValidators(),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *attributeSourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *attributeSourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg attributeSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateMasterPriority(cfg.MasterType, cfg.Priority, "priority", &resp.Diagnostics)
}

// ModifyPlan makes the spellings of one user type one value and checks that it exists (see
// planUserType), and checks, when the source priority is about to be written, that every app listed
// is a profile source, and warns when they would be the org's only ones. Never on destroy.
func (r *attributeSourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	planUserType(ctx, r.client, req, resp, path.Root("user_type"), true)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() && resp.Plan.Raw.Equal(req.State.Raw) {
		return // nothing will be written
	}
	var plan attributeSourceModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.MasterType.ValueString() != okta.MasterOverride {
		return
	}
	checkMasterPrioritySourcing(ctx, r.client, plan.Priority, path.Root("priority"), &resp.Diagnostics)
}

func (r *attributeSourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan attributeSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	priority := plan.priority(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.SetAttributeMaster(ctx, plan.UserType.ValueString(), plan.AttributeName.ValueString(), plan.MasterType.ValueString(), priority)
	if err != nil {
		resp.Diagnostics.AddError("Cannot set Okta attribute source priority", sourceErrorDetail(err))
		return
	}
	plan.ID = types.StringValue(plan.UserType.ValueString() + "/" + plan.AttributeName.ValueString())
	plan.fromSource(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *attributeSourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state attributeSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.FindAttributeSource(ctx, state.UserType.ValueString(), state.AttributeName.ValueString())
	if okta.IsNotFound(err) {
		removeGone(ctx, resp, "Okta attribute source priority is gone", fmt.Sprintf("The user attribute %s/%s, whose source priority this resource sets,"+
			" does not exist", state.UserType.ValueString(), state.AttributeName.ValueString()))
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot read Okta attribute source priority", err.Error())
		return
	}
	state.ID = types.StringValue(state.UserType.ValueString() + "/" + state.AttributeName.ValueString())
	if got.Unreported {
		// Nothing to compare with: keep what was written, and say so.
		warnUnreportedMaster(&resp.Diagnostics)
	} else {
		state.fromSource(got, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *attributeSourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan attributeSourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	priority := plan.priority(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.SetAttributeMaster(ctx, plan.UserType.ValueString(), plan.AttributeName.ValueString(), plan.MasterType.ValueString(), priority)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Okta attribute source priority", sourceErrorDetail(err))
		return
	}
	plan.fromSource(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete returns the attribute to inherit from the profile source, unless a user attribute resource
// now manages its source priority; an attribute already gone is success.
func (r *attributeSourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state attributeSourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// Unless a dialpad_okta_user_attribute manages the same attribute's master in this run (moving
	// the source priority into it destroys this resource and updates that one in one apply, in
	// either order): the reset then writes nothing, and the final value is the user attribute's.
	// See ResetAttributeMaster (internal/okta/master_owner.go) for both orders.
	skipped, err := r.client.ResetAttributeMaster(ctx, state.UserType.ValueString(), state.AttributeName.ValueString())
	switch {
	case err != nil && !okta.IsNotFound(err):
		resp.Diagnostics.AddError("Cannot reset Okta attribute source priority", sourceErrorDetail(err))
	case skipped:
		resp.Diagnostics.AddWarning("Source priority left to dialpad_okta_user_attribute", fmt.Sprintf(
			"The source priority of user attribute %s/%s was not reset to PROFILE_MASTER: a dialpad_okta_user_attribute "+
				"with master_type set manages it now, in this same run.", state.UserType.ValueString(), state.AttributeName.ValueString()))
	}
}

// ImportState takes "<user_type>/<attribute_name>" (or just "<attribute_name>" for the default
// user type).
func (r *attributeSourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userType, name, ok := splitUserTypeID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"<user_type>/<attribute_name>\" such as \"default/dialpadPhone\", got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), userType+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_type"), userType)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("attribute_name"), name)...)
}

func (m *attributeSourceModel) priority(ctx context.Context, diags *diag.Diagnostics) []string {
	var ids []string
	if !m.Priority.IsNull() {
		diags.Append(m.Priority.ElementsAs(ctx, &ids, false)...)
	}
	return ids
}

func (m *attributeSourceModel) fromSource(s *okta.AttributeSource, diags *diag.Diagnostics) {
	if s.Unreported {
		warnUnreportedMaster(diags)
	}
	m.MasterType = types.StringValue(s.MasterType)
	m.Priority = masterPriorityList(*s, diags)
}

func sourceErrorDetail(err error) string {
	if okta.IsNotFound(err) {
		return fmt.Sprintf("%s. The attribute must exist before its source priority can be set: create it with "+
			"dialpad_okta_user_attribute and set attribute_name from it (dialpad_okta_user_attribute.x.name) so Terraform "+
			"creates it first.", err)
	}
	return err.Error()
}
