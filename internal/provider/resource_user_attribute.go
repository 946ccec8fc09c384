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
)

var (
	_ resource.ResourceWithConfigure      = (*userAttributeResource)(nil)
	_ resource.ResourceWithImportState    = (*userAttributeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userAttributeResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userAttributeResource)(nil)
)

// NewUserAttributeResource is the constructor of resource "dialpad_okta_user_attribute".
func NewUserAttributeResource() resource.Resource { return &userAttributeResource{} }

type userAttributeResource struct {
	client *okta.Client
}

type userAttributeModel struct {
	ID       types.String `tfsdk:"id"`
	UserType types.String `tfsdk:"user_type"`
	attributeFieldsModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

const userAttributeDescription = "One custom attribute of an Okta user type's profile schema " +
	"(Directory -> Profile Editor -> User).\n\n" +
	"Creating an attribute that already exists fails with the import command; nothing is adopted silently, " +
	"except an attribute exactly as configured (what an interrupted apply leaves behind), which is taken over. " +
	"Writes to one schema are serialized inside the provider, each write reads the whole attribute, changes only " +
	"the fields this resource manages, and is verified by reading it back; Okta's eventual consistency, lost " +
	"concurrent updates and its clean-up window after a deletion are retried within the resource's `timeouts`.\n\n" +
	"This resource never writes the attribute's source priority (`master`); manage that with " +
	"`dialpad_okta_attribute_source`. Both can own the same attribute.\n\n" +
	"Okta refuses to delete an attribute a profile mapping still uses; the error names the mapping and property. " +
	"When the mapping is in the same configuration, make it depend on the attribute (reference the attribute's " +
	"`name`, or `depends_on`), so that Terraform removes the mapping property first.\n\n" +
	"Changing `name`, `user_type` (to another type: `user`, `default` and the default type's id are one type), `type` or " +
	"`array_type` replaces the attribute, which deletes its values on every user profile; Okta then refuses the same " +
	"variable name until it has finished cleaning up (usually minutes), which the create retries within `timeouts.create`. " +
	"When a mapping uses the attribute, give the attribute (and a `dialpad_okta_attribute_source` of it) " +
	"`lifecycle { create_before_destroy = true }`: Terraform then creates the new attribute, moves the mapping property to " +
	"it and deletes the old attribute last. Without it the old attribute is deleted first, which Okta refuses while the " +
	"mapping still uses it. (`create_before_destroy` needs the new attribute to be another one: a new `type` under the " +
	"same name and user type cannot be created while the old one exists.)"

func (r *userAttributeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_user_attribute"
}

func (r *userAttributeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := attributeSchemaAttributes()
	attrs["name"] = withNameValidator(attrs["name"], newAttributeNameValidator(true))
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "`<user_type>/<name>`, also the import ID.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["user_type"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(okta.DefaultUserType),
		MarkdownDescription: userTypeArgumentDescription + " Changing it to another type replaces the attribute.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: userAttributeDescription,
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *userAttributeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *userAttributeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg userAttributeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateAttributeFields(ctx, cfg.attributeFieldsModel, &resp.Diagnostics)
}

// ModifyPlan makes the spellings of one user type one value and checks that it exists (see
// planUserType). Never on destroy.
func (r *userAttributeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planUserType(ctx, r.client, req, resp, path.Root("user_type"), true)
}

func (r *userAttributeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userAttributeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	want := plan.toAttribute(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.CreateUserAttribute(ctx, plan.UserType.ValueString(), want)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Okta user attribute", attributeErrorDetail("dialpad_okta_user_attribute", err))
		return
	}
	plan.ID = types.StringValue(plan.UserType.ValueString() + "/" + got.Name)
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userAttributeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAttributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.FindUserAttribute(ctx, state.UserType.ValueString(), state.Name.ValueString())
	if okta.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot read Okta user attribute", err.Error())
		return
	}
	state.ID = types.StringValue(state.UserType.ValueString() + "/" + got.Name)
	state.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userAttributeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan userAttributeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	want := plan.toAttribute(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.UpdateUserAttribute(ctx, plan.UserType.ValueString(), want)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Okta user attribute", attributeErrorDetail("dialpad_okta_user_attribute", err))
		return
	}
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *userAttributeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userAttributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	if err := r.client.DeleteUserAttribute(ctx, state.UserType.ValueString(), state.Name.ValueString()); err != nil {
		resp.Diagnostics.AddError("Cannot delete Okta user attribute", attributeErrorDetail("dialpad_okta_user_attribute", err))
	}
}

// ImportState takes "<user_type>/<name>" (or just "<name>" for the default user type).
func (r *userAttributeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	userType, name, ok := splitUserTypeID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"<user_type>/<name>\" such as \"default/dialpadPhone\", got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), userType+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_type"), userType)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

func (m *userAttributeModel) toAttribute(ctx context.Context, diags *diag.Diagnostics) okta.Attribute {
	return m.attributeFieldsModel.toAttribute(ctx, diags)
}

func (m *userAttributeModel) fromAttribute(a *okta.Attribute, diags *diag.Diagnostics) {
	m.attributeFieldsModel.fromAttribute(a, diags)
}
