package provider

// What dialpad_okta_user_attribute and dialpad_okta_app_user_attribute share: the attribute's
// arguments (schema), their model, the rules between them, and the conversion to and from
// okta.Attribute.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

// attributeFieldsModel holds the fields the user and app user attribute resources share.
type attributeFieldsModel struct {
	ID                types.String   `tfsdk:"id"`
	Name              types.String   `tfsdk:"name"`
	Title             types.String   `tfsdk:"title"`
	Description       types.String   `tfsdk:"description"`
	Type              types.String   `tfsdk:"type"`
	ArrayType         types.String   `tfsdk:"array_type"`
	Required          types.Bool     `tfsdk:"required"`
	Unique            types.Bool     `tfsdk:"unique"`
	Scope             types.String   `tfsdk:"scope"`
	Permissions       types.String   `tfsdk:"permissions"`
	Enum              types.List     `tfsdk:"enum"`
	OneOf             types.List     `tfsdk:"one_of"`
	MinLength         types.Int64    `tfsdk:"min_length"`
	MaxLength         types.Int64    `tfsdk:"max_length"`
	Pattern           types.String   `tfsdk:"pattern"`
	ExternalName      types.String   `tfsdk:"external_name"`
	ExternalNamespace types.String   `tfsdk:"external_namespace"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (m *attributeFieldsModel) fields() *attributeFieldsModel { return m }

func (m attributeFieldsModel) validate(ctx context.Context, diags *diag.Diagnostics) {
	validateAttributeFields(ctx, m, diags)
}

// source: an attribute that has no source priority of its own keeps Okta's (the user attribute
// overrides it).
func (m *attributeFieldsModel) source(context.Context, attributeModel, *diag.Diagnostics) *okta.AttributeSource {
	return nil
}

type enumChoiceModel struct {
	Const types.String `tfsdk:"const"`
	Title types.String `tfsdk:"title"`
}

var enumChoiceAttrTypes = map[string]attr.Type{"const": types.StringType, "title": types.StringType}

// attributeSchemaAttributes are the schema attributes both attribute resources have. The id is
// "<ownerAttr>/<name>"; userProfile: the Okta user profile, which refuses other names than an app
// user profile (its base properties).
func attributeSchemaAttributes(ownerAttr string, userProfile bool) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`<" + ownerAttr + ">/<name>`, also the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Variable name of the attribute (what mappings and expressions refer to): letters, " +
				"digits and underscores, not starting with a digit. Changing it replaces the attribute.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:    []validator.String{newAttributeNameValidator(userProfile)},
		},
		"title": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Display name shown in the Admin Console.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"description": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Description of the attribute.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"type": schema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString("string"),
			MarkdownDescription: "Data type: `string` (default), `boolean`, `number`, `integer` or `array`. Okta cannot " +
				"change the type of an existing attribute, so changing it replaces the attribute.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:    []validator.String{stringvalidator.OneOf(validate.AttributeTypes...)},
		},
		"array_type": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Type of the elements when `type = \"array\"` (required then): `string`, `number` or `integer`. Changing it replaces the attribute.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:          []validator.String{stringvalidator.OneOf(validate.ArrayItemTypes...)},
		},
		"required": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			MarkdownDescription: "Whether every profile must have a value (default `false`).",
		},
		"unique": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			MarkdownDescription: "Whether values must be unique across users (default `false`); `string`, `number` and `integer` types only.",
		},
		"scope": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("NONE"),
			MarkdownDescription: "`NONE` (default) or `SELF`.",
			Validators:          []validator.String{stringvalidator.OneOf(validate.Scopes...)},
		},
		"permissions": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("READ_ONLY"),
			MarkdownDescription: "What the user may do with their own value: `HIDE`, `READ_ONLY` (default) or `READ_WRITE`.",
			Validators:          []validator.String{stringvalidator.OneOf(validate.Permissions...)},
		},
		"enum": schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: "Allowed values (numbers written as strings for numeric types). Not with `one_of`, which " +
				"sets the allowed values together with their display names.",
			Validators: []validator.List{
				listvalidator.SizeAtLeast(1),
				listvalidator.UniqueValues(),
				listvalidator.ConflictsWith(path.MatchRoot("one_of")),
			},
		},
		"one_of": schema.ListNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Allowed values with display names, in order; the attribute's enum is set to the `const` values.",
			Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"const": schema.StringAttribute{Required: true, MarkdownDescription: "The value."},
					"title": schema.StringAttribute{Required: true, MarkdownDescription: "Its display name."},
				},
			},
		},
		"min_length": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Minimum length of a `string` value.",
		},
		"max_length": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Maximum length of a `string` value.",
		},
		"pattern": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Regular expression a `string` value must match (Okta evaluates it, Java syntax).",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), patternValidator()},
		},
		"external_name": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Name of the attribute in the external system: a dotted path, where a segment may be " +
				"Okta's filter `^[attr==value]`, e.g. `phoneNumbers.^[type=='Dialpad'].value`. Updated in place.",
			Validators: []validator.String{externalNameValidator()},
		},
		"external_namespace": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "URN of the external schema, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`. Updated in place.",
			Validators:          []validator.String{urnValidator()},
		},
	}
}

// validateAttributeFields checks the rules between arguments; known values only.
func validateAttributeFields(ctx context.Context, m attributeFieldsModel, diags *diag.Diagnostics) {
	typ := m.Type.ValueString()
	if m.Type.IsNull() {
		typ = "string"
	}
	typeKnown := !m.Type.IsUnknown()
	if typeKnown {
		switch {
		case typ == "array" && m.ArrayType.IsNull():
			diags.AddAttributeError(path.Root("array_type"), "Missing array_type",
				"array_type is required when type = \"array\": set it to \"string\", \"number\" or \"integer\".")
		case typ != "array" && !m.ArrayType.IsNull():
			diags.AddAttributeError(path.Root("array_type"), "Invalid array_type",
				fmt.Sprintf("array_type is only valid with type = \"array\" (type is %q); remove it.", typ))
		}
		if typ != "string" {
			for _, f := range []struct {
				name string
				set  bool
			}{{"min_length", !m.MinLength.IsNull()}, {"max_length", !m.MaxLength.IsNull()}, {"pattern", !m.Pattern.IsNull()}} {
				if f.set {
					diags.AddAttributeError(path.Root(f.name), "Invalid "+f.name,
						fmt.Sprintf("%s is only valid with type = \"string\" (type is %q).", f.name, typ))
				}
			}
		}
		if (typ == "boolean" || typ == "array") && m.Unique.ValueBool() {
			diags.AddAttributeError(path.Root("unique"), "Invalid unique",
				fmt.Sprintf("Okta supports unique values only for string, number and integer attributes (type is %q).", typ))
		}
		if typ == "boolean" && (!m.Enum.IsNull() || !m.OneOf.IsNull()) {
			diags.AddAttributeError(path.Root("enum"), "Invalid enum",
				"enum and one_of are not supported for boolean attributes.")
		}
	}
	if !m.MinLength.IsUnknown() && !m.MaxLength.IsUnknown() {
		if err := validate.Lengths(m.MinLength.ValueInt64Pointer(), m.MaxLength.ValueInt64Pointer()); err != nil {
			diags.AddAttributeError(path.Root("min_length"), "Invalid min_length/max_length", err.Error())
		}
	}
	itemType := typ
	if typ == "array" {
		itemType = m.ArrayType.ValueString()
	}
	numeric := typeKnown && !m.ArrayType.IsUnknown() && (itemType == "integer" || itemType == "number")
	check := func(p path.Path, v string) {
		if !numeric {
			return
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil || (itemType == "integer" && strings.ContainsAny(v, ".eE")) {
			diags.AddAttributeError(p, "Invalid enum value", fmt.Sprintf("%q is not a valid %s.", v, itemType))
		}
	}
	if !m.Enum.IsNull() && !m.Enum.IsUnknown() {
		var values []types.String
		diags.Append(m.Enum.ElementsAs(ctx, &values, false)...)
		for i, v := range values {
			if !v.IsUnknown() && !v.IsNull() {
				check(path.Root("enum").AtListIndex(i), v.ValueString())
			}
		}
	}
	if !m.OneOf.IsNull() && !m.OneOf.IsUnknown() {
		var choices []enumChoiceModel
		diags.Append(m.OneOf.ElementsAs(ctx, &choices, false)...)
		var consts []string
		known := true
		for i, c := range choices {
			if c.Const.IsUnknown() {
				known = false
				continue
			}
			consts = append(consts, c.Const.ValueString())
			check(path.Root("one_of").AtListIndex(i).AtName("const"), c.Const.ValueString())
		}
		if known {
			if err := validate.Unique(consts); err != nil {
				diags.AddAttributeError(path.Root("one_of"), "Invalid one_of", "one_of consts: "+err.Error())
			}
		}
	}
}

func (m attributeFieldsModel) toAttribute(ctx context.Context, diags *diag.Diagnostics) okta.Attribute {
	a := okta.Attribute{
		Name:              m.Name.ValueString(),
		Title:             m.Title.ValueString(),
		Description:       m.Description.ValueString(),
		Type:              m.Type.ValueString(),
		ArrayType:         m.ArrayType.ValueString(),
		Required:          m.Required.ValueBool(),
		Unique:            m.Unique.ValueBool(),
		Scope:             m.Scope.ValueString(),
		Permission:        m.Permissions.ValueString(),
		MinLength:         m.MinLength.ValueInt64Pointer(),
		MaxLength:         m.MaxLength.ValueInt64Pointer(),
		Pattern:           m.Pattern.ValueString(),
		ExternalName:      m.ExternalName.ValueString(),
		ExternalNamespace: m.ExternalNamespace.ValueString(),
	}
	if !m.Enum.IsNull() {
		diags.Append(m.Enum.ElementsAs(ctx, &a.Enum, false)...)
	}
	if !m.OneOf.IsNull() {
		var choices []enumChoiceModel
		diags.Append(m.OneOf.ElementsAs(ctx, &choices, false)...)
		for _, c := range choices {
			a.OneOf = append(a.OneOf, okta.EnumChoice{Const: c.Const.ValueString(), Title: c.Title.ValueString()})
		}
	}
	return a
}

// fromAttribute writes what Okta holds into the model. Optional arguments Okta does not hold are
// null; enum is null when one_of is set (one_of carries the values).
func (m *attributeFieldsModel) fromAttribute(a *okta.Attribute, diags *diag.Diagnostics) {
	m.Name = types.StringValue(a.Name)
	m.Title = types.StringValue(a.Title)
	m.Description = optionalString(a.Description)
	m.Type = types.StringValue(a.Type)
	m.ArrayType = types.StringNull()
	if a.Type == "array" {
		m.ArrayType = optionalString(a.ArrayType)
	}
	m.Required = types.BoolValue(a.Required)
	m.Unique = types.BoolValue(a.Unique)
	m.Scope = types.StringValue(a.Scope)
	m.Permissions = types.StringValue(a.Permission)
	m.MinLength = types.Int64PointerValue(a.MinLength)
	m.MaxLength = types.Int64PointerValue(a.MaxLength)
	m.Pattern = optionalString(a.Pattern)
	m.ExternalName = optionalString(a.ExternalName)
	m.ExternalNamespace = optionalString(a.ExternalNamespace)

	m.Enum = types.ListNull(types.StringType)
	m.OneOf = types.ListNull(types.ObjectType{AttrTypes: enumChoiceAttrTypes})
	if len(a.OneOf) > 0 {
		elems := make([]attr.Value, len(a.OneOf))
		for i, c := range a.OneOf {
			obj, d := types.ObjectValue(enumChoiceAttrTypes, map[string]attr.Value{
				"const": types.StringValue(c.Const), "title": types.StringValue(c.Title),
			})
			diags.Append(d...)
			elems[i] = obj
		}
		list, d := types.ListValue(types.ObjectType{AttrTypes: enumChoiceAttrTypes}, elems)
		diags.Append(d...)
		m.OneOf = list
	} else if len(a.Enum) > 0 {
		elems := make([]attr.Value, len(a.Enum))
		for i, v := range a.Enum {
			elems[i] = types.StringValue(v)
		}
		list, d := types.ListValue(types.StringType, elems)
		diags.Append(d...)
		m.Enum = list
	}
}

// attributeErrorDetail explains a failed attribute write: what happened, Okta's answer, and what
// to do next.
func attributeErrorDetail(resourceType string, err error) string {
	var exists *okta.AttributeExistsError
	var inUse *okta.AttributeInUseError
	switch {
	case errors.As(err, &exists):
		return fmt.Sprintf("%s.\n\nTo manage the existing attribute, import it:\n\n"+
			"  terraform import %s.<resource name> %s\n\nor with an import block (Terraform 1.5+):\n\n"+
			"  import {\n    to = %s.<resource name>\n    id = %q\n  }\n\n"+
			"Otherwise choose another name.", err, resourceType, exists.ImportID, resourceType, exists.ImportID)
	case errors.As(err, &inUse):
		return err.Error()
	case okta.IsNotFound(err):
		return fmt.Sprintf("%s. It may have been deleted outside Terraform; run terraform apply again to re-create it.", err)
	}
	return err.Error()
}
