package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

var _ lookupModel = (*userTypeDataSourceModel)(nil)

// NewUserTypeDataSource is the constructor of data "dialpad_okta_user_type": the lookup data
// source (lookup_data_source.go) of a user type.
func NewUserTypeDataSource() datasource.DataSource { return &lookupDataSource{kind: userTypeLookup} }

type userTypeDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	SchemaID    types.String `tfsdk:"schema_id"`
}

var userTypeLookup = lookupKind{
	typeName: "dialpad_okta_user_type",
	noun:     "user type",
	schema: schema.Schema{
		MarkdownDescription: "Looks up an Okta user type by `name` or `id`, and gives the id of its profile schema. " +
			"The org's default user type is named `user` in Okta; `default` is an alias for it (and what is looked up when " +
			"neither `name` nor `id` is given), and `name` then reads `user`. Every `user_type` argument of this provider " +
			"accepts any of these: `user`, `default` and the type's id name the same type and plan no change. A type that " +
			"does not exist fails the plan with the list of the org's user types.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "User type id (e.g. `oty1a2b3c...`). Conflicts with `name`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "User type name (`user` for the default type; `default` is accepted for it too). When neither `name` " +
					"nor `id` is given, the default type. Read back as Okta's name of the type.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Display name of the user type.",
			},
			"schema_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Id of the user type's profile schema (the last segment of `_links.schema.href`), as used in `/api/v1/meta/schemas/user/{schema_id}`.",
			},
		},
	},
	validators: []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("name")),
	},
	newModel: func() lookupModel { return &userTypeDataSourceModel{} },
}

// lookup finds the user type by id or name, or the default type when neither is given.
func (m *userTypeDataSourceModel) lookup(ctx context.Context, c *okta.Client, diags *diag.Diagnostics) {
	key, attr := okta.DefaultUserType, path.Root("name")
	if id := m.ID.ValueString(); id != "" {
		key, attr = id, path.Root("id")
	} else if n := m.Name.ValueString(); n != "" {
		key = n
	}
	ut, err := c.FindUserType(ctx, key)
	if okta.IsNotFound(err) {
		diags.AddAttributeError(attr, "Okta user type not found",
			fmt.Sprintf("No Okta user type has the name or id %q.", key)+userTypesHint(ctx, c))
		return
	}
	if err != nil {
		diags.AddError("Cannot read Okta user type", fmt.Sprintf("Reading user type %q: %s", key, err))
		return
	}
	m.ID = types.StringValue(ut.ID)
	m.Name = types.StringValue(ut.Name)
	m.DisplayName = types.StringValue(ut.DisplayName)
	m.SchemaID = types.StringValue(ut.SchemaID)
}
