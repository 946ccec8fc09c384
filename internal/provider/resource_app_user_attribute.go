package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*appUserAttributeResource)(nil)
	_ resource.ResourceWithImportState    = (*appUserAttributeResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*appUserAttributeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*appUserAttributeResource)(nil)
)

// NewAppUserAttributeResource is the constructor of resource "dialpad_okta_app_user_attribute".
func NewAppUserAttributeResource() resource.Resource { return &appUserAttributeResource{} }

type appUserAttributeResource struct {
	client *okta.Client
}

type appUserAttributeModel struct {
	ID    types.String `tfsdk:"id"`
	AppID types.String `tfsdk:"app_id"`
	attributeFieldsModel
	Union    types.Bool     `tfsdk:"union"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// appIDPattern rejects what is clearly not an app id (a label with spaces, a path); the id itself
// is checked by Okta.
var appIDPattern = regexp.MustCompile(`^[^\s/]+$`)

const appUserAttributeDescription = "One custom attribute of an Okta app's user profile schema " +
	"(Directory -> Profile Editor -> <app> User), e.g. the Dialpad app's `dialpadPhone` read from the SCIM " +
	"record through `external_name = \"phoneNumbers.^[type=='Dialpad'].value\"`.\n\n" +
	"`external_name` and `external_namespace` are updated in place: the attribute and the values Okta holds " +
	"for it are kept. Creating an attribute that already exists fails with the import command, unless it is " +
	"exactly as configured (what an interrupted apply leaves behind), which is taken over. Writes are " +
	"serialized per schema, merged into the whole stored attribute and verified by reading back, with Okta's " +
	"eventual consistency, lost updates and clean-up window retried within `timeouts`.\n\n" +
	"Okta refuses to delete an attribute a profile mapping still uses; the error names the mapping and property. " +
	"Reference the attribute from the mapping resource (or use `depends_on`) so Terraform removes the mapping " +
	"property first.\n\n" +
	"Changing `app_id`, `name`, `type` or `array_type` replaces the attribute."

func (r *appUserAttributeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_app_user_attribute"
}

func (r *appUserAttributeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := attributeSchemaAttributes()
	attrs["name"] = withNameValidator(attrs["name"], newAttributeNameValidator(false))
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "`<app_id>/<name>`, also the import ID.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["app_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Id of the app whose user profile schema holds the attribute. Changing it replaces the attribute.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{stringvalidator.RegexMatches(appIDPattern, "must be an app id (no spaces or slashes), such as data.dialpad_okta_app.dialpad.id")},
	}
	// Okta's app user schemas take permissions and keep none (recorded real-Okta traffic: 51 of 51
	// POSTs), and refuse pattern (terraform-provider-okta #606): either would be a perpetual diff or
	// an apply-time failure, so setting them is a plan-time error.
	attrs["permissions"] = schema.StringAttribute{
		Optional:           true,
		DeprecationMessage: appNotKeptDetail("permissions"),
		MarkdownDescription: "Not supported: Okta accepts `permissions` on an app user schema but does not keep it " +
			"(the app user profile has no self-service permissions). Setting it is a plan-time error; set `permissions` on " +
			"the Okta user attribute (`dialpad_okta_user_attribute`) instead.",
	}
	attrs["pattern"] = schema.StringAttribute{
		Optional:           true,
		DeprecationMessage: appNotKeptDetail("pattern"),
		MarkdownDescription: "Not supported: Okta refuses `pattern` on app user schemas. Setting it is a plan-time " +
			"error; set `pattern` on the Okta user attribute (`dialpad_okta_user_attribute`) instead.",
	}
	attrs["union"] = schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(false),
		MarkdownDescription: "For `array` attributes: combine the values from all group assignments (`true`) instead " +
			"of taking the highest-priority group's (default `false`). Not with `scope = \"SELF\"`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: appUserAttributeDescription,
		Attributes:          attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *appUserAttributeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *appUserAttributeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg appUserAttributeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, f := range []struct {
		name string
		v    types.String
	}{{"permissions", cfg.Permissions}, {"pattern", cfg.Pattern}} {
		if !f.v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(f.name), "Okta does not keep "+f.name+" on app user attributes",
				appNotKeptDetail(f.name))
		}
	}
	validateAttributeFields(ctx, cfg.attributeFieldsModel, &resp.Diagnostics)
	if cfg.Union.ValueBool() {
		if !cfg.Type.IsUnknown() && cfg.Type.ValueString() != "array" {
			resp.Diagnostics.AddAttributeError(path.Root("union"), "Invalid union",
				"union = true is only valid with type = \"array\".")
		}
		if cfg.Scope.ValueString() == "SELF" {
			resp.Diagnostics.AddAttributeError(path.Root("union"), "Invalid union",
				"union = true cannot be combined with scope = \"SELF\".")
		}
	}
}

// ModifyPlan notes an attribute this plan creates, so that a mapping expression reading it is not
// refused at plan time because Okta does not have it yet (see dialpad_okta_attribute_mapping).
func (r *appUserAttributeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	var appID, name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("app_id"), &appID)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() || appID.IsUnknown() || name.IsUnknown() {
		return
	}
	// Also on updates and no-ops: a replacement plans an update first, and noting is free.
	r.client.NotePlannedAppUserAttribute(appID.ValueString(), name.ValueString())
}

func (r *appUserAttributeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appUserAttributeModel
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

	got, err := r.client.CreateAppUserAttribute(ctx, plan.AppID.ValueString(), want)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Okta app user attribute", attributeErrorDetail("dialpad_okta_app_user_attribute", err))
		return
	}
	plan.ID = types.StringValue(plan.AppID.ValueString() + "/" + got.Name)
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *appUserAttributeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appUserAttributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.client.FindAppUserAttribute(ctx, state.AppID.ValueString(), state.Name.ValueString())
	if okta.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot read Okta app user attribute", err.Error())
		return
	}
	state.ID = types.StringValue(state.AppID.ValueString() + "/" + got.Name)
	state.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *appUserAttributeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan appUserAttributeModel
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

	got, err := r.client.UpdateAppUserAttribute(ctx, plan.AppID.ValueString(), want)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Okta app user attribute", attributeErrorDetail("dialpad_okta_app_user_attribute", err))
		return
	}
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *appUserAttributeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appUserAttributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	if err := r.client.DeleteAppUserAttribute(ctx, state.AppID.ValueString(), state.Name.ValueString()); err != nil {
		resp.Diagnostics.AddError("Cannot delete Okta app user attribute", attributeErrorDetail("dialpad_okta_app_user_attribute", err))
	}
}

// ImportState takes "<app_id>/<name>".
func (r *appUserAttributeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	appID, name, ok := strings.Cut(req.ID, "/")
	if !ok || appID == "" || validate.VariableName(name) != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"<app_id>/<name>\" such as \"0oa1b2c3d4/dialpadPhone\", got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}

func (m *appUserAttributeModel) toAttribute(ctx context.Context, diags *diag.Diagnostics) okta.Attribute {
	a := m.attributeFieldsModel.toAttribute(ctx, diags)
	a.Union = m.Union.ValueBool()
	a.Permission, a.Pattern = "", ""
	return a
}

func (m *appUserAttributeModel) fromAttribute(a *okta.Attribute, diags *diag.Diagnostics) {
	m.attributeFieldsModel.fromAttribute(a, diags)
	m.Union = types.BoolValue(a.Type == "array" && a.Union)
	m.Permissions, m.Pattern = types.StringNull(), types.StringNull()
}

// appNotKeptDetail says why an app user attribute field is refused at plan time.
func appNotKeptDetail(field string) string {
	what := "accepts `" + field + "` on an app user schema and answers success, but does not keep it"
	if field == "pattern" {
		what = "refuses `pattern` on an app user schema"
	}
	return "Okta " + what + ", so this provider cannot manage it on dialpad_okta_app_user_attribute. Remove `" + field +
		"` from this resource; to constrain or protect the value, set `" + field + "` on the Okta user attribute " +
		"(dialpad_okta_user_attribute), which Okta keeps."
}
