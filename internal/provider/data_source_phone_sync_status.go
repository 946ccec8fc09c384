package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

var _ datasource.DataSourceWithConfigure = (*phoneSyncStatusDataSource)(nil)

// NewPhoneSyncStatusDataSource is the constructor registered with the provider.
func NewPhoneSyncStatusDataSource() datasource.DataSource { return &phoneSyncStatusDataSource{} }

type phoneSyncStatusDataSource struct {
	client *okta.Client
}

type phoneSyncStatusModel struct {
	ID                 types.String  `tfsdk:"id"`
	AppID              types.String  `tfsdk:"app_id"`
	AttributeName      types.String  `tfsdk:"attribute_name"`
	ListLimit          types.Int64   `tfsdk:"list_limit"`
	UsersAssigned      types.Int64   `tfsdk:"users_assigned"`
	UsersWithNumber    types.Int64   `tfsdk:"users_with_number"`
	UsersSynced        types.Int64   `tfsdk:"users_synced"`
	UsersMissing       types.Int64   `tfsdk:"users_missing"`
	UsersStale         types.Int64   `tfsdk:"users_stale"`
	UsersWithoutNumber types.Int64   `tfsdk:"users_without_number"`
	CoveragePercent    types.Float64 `tfsdk:"coverage_percent"`
	State              types.String  `tfsdk:"state"`
	MissingUserIDs     []string      `tfsdk:"missing_user_ids"`
	MissingLogins      []string      `tfsdk:"missing_logins"`
	StaleUserIDs       []string      `tfsdk:"stale_user_ids"`
	StaleLogins        []string      `tfsdk:"stale_logins"`
}

const (
	defaultStatusAttribute = phoneSyncDefaultAttribute // what the phone sync creates by default
	defaultStatusListLimit = 50
)

func (d *phoneSyncStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_phone_sync_status"
}

func (d *phoneSyncStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	ids := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "How far a phone sync has reached the Okta profiles: for every user assigned to the app, " +
			"the number the app holds (its app user profile) is compared with the value on the user's Okta profile " +
			"(read from the Okta user, not the app user).\n\n" +
			"Use a `postcondition` on this data source to fail a pipeline when coverage drops; a `check` block would only warn. " +
			"Gate on `state == \"synced\"` (or on `coalesce(coverage_percent, 0)`): before the first Dialpad import no assigned " +
			"user has a number, `state` is `unknown` and `coverage_percent` is null, and a gate must not pass then. " +
			"The attribute must exist on the app user schema and on the default Okta user schema (a typo is an error); " +
			"take `attribute_name` from the sync (resource attribute or module output) so the read waits for the sync to exist.\n\n" +
			"Cost: the app, the two schemas, and one listing of the app's users with the Okta user embedded (500 a page, " +
			"in Okta's `/api/v1/apps*` rate-limit bucket); no call per user, and memory bounded by `list_limit`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<app_id>/<attribute_name>`."},
			"app_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the Dialpad app in Okta.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"attribute_name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Variable name of the synced attribute on both profiles. Default `" + defaultStatusAttribute + "`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"list_limit": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("At most this many users in each of the id and login lists "+
					"(sorted by user id); the counts are always complete. Default %d.", defaultStatusListLimit),
				Validators: []validator.Int64{int64validator.Between(0, 1000)},
			},
			"users_assigned":       count("Users assigned to the app."),
			"users_with_number":    count("Assigned users whose app user profile holds a number."),
			"users_synced":         count("Assigned users whose Okta profile holds the number the app holds."),
			"users_missing":        count("Assigned users with a number in the app and none on their Okta profile."),
			"users_stale":          count("Assigned users whose Okta profile holds a different number than the app."),
			"users_without_number": count("Assigned users whose app user profile holds no number (nothing to sync)."),
			"coverage_percent": schema.Float64Attribute{
				Computed:            true,
				MarkdownDescription: "`users_synced` / `users_with_number` in percent; null when no assigned user has a number (`state = \"unknown\"`).",
			},
			"state": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`synced` (every assigned user with a number has it on their Okta profile), `incomplete` " +
					"(some are missing or stale) or `unknown` (no assigned user has a number yet, e.g. before the first Dialpad import).",
			},
			"missing_user_ids": ids("Okta ids of users counted in `users_missing` (at most `list_limit`)."),
			"missing_logins":   ids("Logins of the same users, in the same order."),
			"stale_user_ids":   ids("Okta ids of users counted in `users_stale` (at most `list_limit`)."),
			"stale_logins":     ids("Logins of the same users, in the same order."),
		},
	}
}

func (d *phoneSyncStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *phoneSyncStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured)
		return
	}
	var m phoneSyncStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.AttributeName.IsNull() || m.AttributeName.IsUnknown() {
		m.AttributeName = types.StringValue(defaultStatusAttribute)
	}
	if m.ListLimit.IsNull() || m.ListLimit.IsUnknown() {
		m.ListLimit = types.Int64Value(defaultStatusListLimit)
	}

	st, err := d.client.PhoneSyncStatus(ctx, m.AppID.ValueString(), m.AttributeName.ValueString(), int(m.ListLimit.ValueInt64()))
	if err != nil {
		detail := fmt.Sprintf("Reading the users of app %q and their Okta profiles failed: %s", m.AppID.ValueString(), err)
		var missing *okta.AttributeMissingError
		switch {
		case errors.As(err, &missing):
			detail = fmt.Sprintf("The %s. Check attribute_name for a typo, or take it from the phone sync "+
				"(dialpad_okta_phone_sync.<name>.attribute_name or the module's output) so this read waits until the sync exists.", missing)
		case okta.IsNotFound(err):
			detail = fmt.Sprintf("There is no Okta app with id %q. Check app_id (the dialpad_okta_app data source looks an app up by label).", m.AppID.ValueString())
		}
		resp.Diagnostics.AddError("Cannot read the Okta phone sync status", detail)
		return
	}

	m.ID = types.StringValue(m.AppID.ValueString() + "/" + m.AttributeName.ValueString())
	m.UsersAssigned = types.Int64Value(int64(st.Assigned))
	m.UsersWithNumber = types.Int64Value(int64(st.WithNumber))
	m.UsersSynced = types.Int64Value(int64(st.Synced))
	m.UsersMissing = types.Int64Value(int64(st.Missing))
	m.UsersStale = types.Int64Value(int64(st.Stale))
	m.UsersWithoutNumber = types.Int64Value(int64(st.WithoutNumber))
	m.CoveragePercent = types.Float64Null()
	if pct, ok := st.CoveragePercent(); ok {
		m.CoveragePercent = types.Float64Value(pct)
	}
	m.State = types.StringValue(st.State())
	m.MissingUserIDs, m.MissingLogins = splitRefs(st.MissingUsers)
	m.StaleUserIDs, m.StaleLogins = splitRefs(st.StaleUsers)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// splitRefs returns ids and logins as two parallel, non-nil lists.
func splitRefs(refs []okta.UserRef) (ids, logins []string) {
	ids, logins = make([]string, 0, len(refs)), make([]string, 0, len(refs))
	for _, r := range refs {
		ids = append(ids, r.ID)
		logins = append(logins, r.Login)
	}
	return ids, logins
}
