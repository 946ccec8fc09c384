package provider

import (
	"context"
	"fmt"
	"strings"

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

var _ lookupModel = (*appDataSourceModel)(nil)

// NewAppDataSource is the constructor of data "dialpad_okta_app": the lookup data source
// (lookup_data_source.go) of an app.
func NewAppDataSource() datasource.DataSource { return &lookupDataSource{kind: appLookup} }

type appDataSourceModel struct {
	ID                     types.String `tfsdk:"id"`
	Label                  types.String `tfsdk:"label"`
	Name                   types.String `tfsdk:"name"`
	Status                 types.String `tfsdk:"status"`
	Features               types.List   `tfsdk:"features"`
	ProfileSourcingEnabled types.Bool   `tfsdk:"profile_sourcing_enabled"`
}

var appLookup = lookupKind{
	typeName: "dialpad_okta_app",
	noun:     "app",
	schema: schema.Schema{
		MarkdownDescription: "Looks up one Okta app by `id` or by exact `label`, and tells whether it is a profile source " +
			"(\"Allow <app> to source Okta users\", which only the Admin Console can switch on).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "App id (e.g. `0oa1b2c3d4...`). Exactly one of `id` and `label`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"label": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "App label as shown in the Admin Console, matched exactly and case-sensitively (`Dialpad` does not match `Dialpad Meetings`). It is an error when no app or more than one app has this label.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The integration's name, e.g. `dialpad`.",
			},
			"status": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`ACTIVE` or `INACTIVE`.",
			},
			"features": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Provisioning features of the app, e.g. `PUSH_NEW_USERS`, `PROFILE_MASTERING`.",
			},
			"profile_sourcing_enabled": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the app is a profile source (its features contain `PROFILE_MASTERING`).",
			},
		},
	},
	validators: []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("label")),
	},
	newModel: func() lookupModel { return &appDataSourceModel{} },
}

// lookup finds the app by id, or by exact label (an error when none or several have it).
func (m *appDataSourceModel) lookup(ctx context.Context, c *okta.Client, diags *diag.Diagnostics) {
	var app okta.App
	if id := m.ID.ValueString(); id != "" {
		a, err := c.FindApp(ctx, id)
		if okta.IsNotFound(err) {
			diags.AddAttributeError(path.Root("id"), "Okta app not found",
				fmt.Sprintf("No Okta app has id %q. Check the id in the Admin Console (Applications -> the app -> the URL ends with the id), or look the app up by label.", id))
			return
		}
		if err != nil {
			diags.AddError("Cannot read Okta app", fmt.Sprintf("Reading app %q: %s", id, err))
			return
		}
		app = a
	} else {
		label := m.Label.ValueString()
		apps, err := c.FindAppsByLabel(ctx, label)
		if err != nil {
			diags.AddError("Cannot look up Okta app", fmt.Sprintf("Looking up apps labelled %q: %s", label, err))
			return
		}
		switch len(apps) {
		case 0:
			diags.AddAttributeError(path.Root("label"), "Okta app not found",
				fmt.Sprintf("No Okta app is labelled exactly %q (labels are matched exactly and case-sensitively). Check the label in the Admin Console, or use id.", label))
			return
		case 1:
			app = apps[0]
		default:
			ids := make([]string, 0, len(apps))
			for _, a := range apps {
				ids = append(ids, fmt.Sprintf("%s (%s, %s)", a.ID, a.Name, a.Status))
			}
			diags.AddAttributeError(path.Root("label"), "Several Okta apps have this label",
				fmt.Sprintf("%d Okta apps are labelled %q: %s. Use id to choose one.", len(apps), label, strings.Join(ids, ", ")))
			return
		}
	}

	features, d := types.ListValueFrom(ctx, types.StringType, app.Features)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	m.ID = types.StringValue(app.ID)
	m.Label = types.StringValue(app.Label)
	m.Name = types.StringValue(app.Name)
	m.Status = types.StringValue(app.Status)
	m.Features = features
	m.ProfileSourcingEnabled = types.BoolValue(app.ProfileSourcingEnabled)
}
