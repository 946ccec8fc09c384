package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// One implementation serves both data sources that look up an owner of attributes; they differ
// only by what they look up, which lookupKind describes: an app (dialpad_okta_app,
// data_source_app.go) or a user type (dialpad_okta_user_type, data_source_user_type.go).

var (
	_ datasource.DataSourceWithConfigure        = (*lookupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*lookupDataSource)(nil)
)

type lookupDataSource struct {
	client *okta.Client
	kind   lookupKind
}

// lookupKind is what one lookup data source has of its own.
type lookupKind struct {
	typeName   string // e.g. "dialpad_okta_app"
	noun       string // in diagnostics: "Cannot read Okta <noun>"
	schema     schema.Schema
	validators []datasource.ConfigValidator
	newModel   func() lookupModel
}

// lookupModel is the model of one lookup data source: lookup fills it in from Okta, or adds an
// error that says what was not found and how to find it.
type lookupModel interface {
	lookup(ctx context.Context, c *okta.Client, diags *diag.Diagnostics)
}

func (d *lookupDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = d.kind.typeName
}

func (d *lookupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.kind.schema
}

func (d *lookupDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return d.kind.validators
}

func (d *lookupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *lookupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m := d.kind.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		resp.Diagnostics.AddError("Cannot read Okta "+d.kind.noun, errNotConfigured)
		return
	}
	m.lookup(ctx, d.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
