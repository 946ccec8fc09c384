package provider

import (
	"context"
	"strings"

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

var _ attributeModel = (*appUserAttributeModel)(nil)

// NewAppUserAttributeResource is the constructor of resource "dialpad_okta_app_user_attribute":
// the attribute resource (attribute_resource.go) owned by an app's user profile schema.
func NewAppUserAttributeResource() resource.Resource {
	return &attributeResource{owner: appAttributeOwner}
}

type appUserAttributeModel struct {
	AppID types.String `tfsdk:"app_id"`
	attributeFieldsModel
	Union types.Bool `tfsdk:"union"`
}

func (m *appUserAttributeModel) owner() string { return m.AppID.ValueString() }

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

var appAttributeOwner = attributeOwner{
	typeName:    "dialpad_okta_app_user_attribute",
	noun:        "app user attribute",
	description: appUserAttributeDescription,
	ownerAttr:   "app_id",
	attributes: map[string]schema.Attribute{
		"app_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Id of the app whose user profile schema holds the attribute. Changing it replaces the attribute.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:          []validator.String{stringvalidator.RegexMatches(appIDPattern, "must be an app id (no spaces or slashes), such as data.dialpad_okta_app.dialpad.id")},
		},
		// Okta's app user schemas take permissions and keep none (recorded real-Okta traffic: 51 of 51
		// POSTs), and refuse pattern (terraform-provider-okta #606): either would be a perpetual diff or
		// an apply-time failure, so setting them is a plan-time error.
		"permissions": schema.StringAttribute{
			Optional:           true,
			DeprecationMessage: appNotKeptDetail("permissions"),
			MarkdownDescription: "Not supported: Okta accepts `permissions` on an app user schema but does not keep it " +
				"(the app user profile has no self-service permissions). Setting it is a plan-time error; set `permissions` on " +
				"the Okta user attribute (`dialpad_okta_user_attribute`) instead.",
		},
		"pattern": schema.StringAttribute{
			Optional:           true,
			DeprecationMessage: appNotKeptDetail("pattern"),
			MarkdownDescription: "Not supported: Okta refuses `pattern` on app user schemas. Setting it is a plan-time " +
				"error; set `pattern` on the Okta user attribute (`dialpad_okta_user_attribute`) instead.",
		},
		"union": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "For `array` attributes: combine the values from all group assignments (`true`) instead " +
				"of taking the highest-priority group's (default `false`). Not with `scope = \"SELF\"`.",
		},
	},
	newModel:      func() attributeModel { return &appUserAttributeModel{} },
	importExample: "0oa1b2c3d4/dialpadPhone",
	splitImportID: splitAppAttributeID,
	modifyPlan:    planAppUserAttribute,
	// An app user attribute has no source priority (Okta keeps none on app schemas): master is nil.
	create: func(c *okta.Client, ctx context.Context, appID string, a okta.Attribute, _ *okta.AttributeSource) (*okta.Attribute, error) {
		return c.CreateAppUserAttribute(ctx, appID, a)
	},
	find: (*okta.Client).FindAppUserAttribute,
	update: func(c *okta.Client, ctx context.Context, appID string, a okta.Attribute, _ *okta.AttributeSource) (*okta.Attribute, error) {
		return c.UpdateAppUserAttribute(ctx, appID, a)
	},
	delete: (*okta.Client).DeleteAppUserAttribute,
}

// splitAppAttributeID splits the import ID "<app_id>/<name>".
func splitAppAttributeID(id string) (appID, name string, ok bool) {
	appID, name, ok = strings.Cut(id, "/")
	return appID, name, ok && appID != "" && validate.VariableName(name) == nil
}

// planAppUserAttribute notes an attribute this plan creates, so that a mapping expression reading
// it is not refused at plan time because Okta does not have it yet (see
// dialpad_okta_attribute_mapping).
func planAppUserAttribute(ctx context.Context, c *okta.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var appID, name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("app_id"), &appID)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() || appID.IsUnknown() || name.IsUnknown() {
		return
	}
	// Also on updates and no-ops: a replacement plans an update first, and noting is free.
	c.NotePlannedAppUserAttribute(appID.ValueString(), name.ValueString())
}

// validate refuses the fields Okta does not keep on app user schemas, and union where Okta
// ignores it, besides the rules both resources share.
func (m *appUserAttributeModel) validate(ctx context.Context, diags *diag.Diagnostics) {
	for _, f := range []struct {
		name string
		v    types.String
	}{{"permissions", m.Permissions}, {"pattern", m.Pattern}} {
		if !f.v.IsNull() {
			diags.AddAttributeError(path.Root(f.name), "Okta does not keep "+f.name+" on app user attributes",
				appNotKeptDetail(f.name))
		}
	}
	m.attributeFieldsModel.validate(ctx, diags)
	if m.Union.ValueBool() {
		if !m.Type.IsUnknown() && m.Type.ValueString() != "array" {
			diags.AddAttributeError(path.Root("union"), "Invalid union",
				"union = true is only valid with type = \"array\".")
		}
		if m.Scope.ValueString() == "SELF" {
			diags.AddAttributeError(path.Root("union"), "Invalid union",
				"union = true cannot be combined with scope = \"SELF\".")
		}
	}
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
