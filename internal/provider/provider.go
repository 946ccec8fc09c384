// Package provider is the Terraform surface of the dialpad provider.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

var _ provider.Provider = (*dialpadProvider)(nil)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &dialpadProvider{version: version, getenv: os.Getenv}
	}
}

type dialpadProvider struct {
	version string
	getenv  func(string) string // os.Getenv; replaced in unit tests
}

// defaultOktaBaseURL completes OKTA_ORG_NAME when OKTA_BASE_URL is not set, as in the Okta provider.
const defaultOktaBaseURL = "okta.com"

// intSetting is one whole-number tuning argument: its default, the range the schema validator and
// the environment check both enforce, and its environment variables, the first named in errors.
type intSetting struct {
	attr   string
	def    int64
	lo, hi int64
	env    []string
}

// The tuning arguments. Their defaults are internal/okta's own (what NewClient falls back to).
var (
	maxRetriesSetting     = intSetting{"max_retries", okta.DefaultMaxRetries, 0, 100, []string{"OKTA_MAX_RETRIES"}}
	maxBackoffSetting     = intSetting{"max_backoff_seconds", int64(okta.DefaultMaxBackoff / time.Second), 1, 3600, []string{"OKTA_MAX_BACKOFF_SECONDS"}}
	requestTimeoutSetting = intSetting{"request_timeout_seconds", int64(okta.DefaultRequestTimeout / time.Second), 1, 3600, []string{"OKTA_REQUEST_TIMEOUT_SECONDS"}}
	maxAPICapacitySetting = intSetting{"max_api_capacity", okta.DefaultMaxAPICapacity, 1, 100, []string{"OKTA_MAX_API_CAPACITY", "MAX_API_CAPACITY"}}
)

func (s intSetting) validators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(s.lo, s.hi)}
}

type providerModel struct {
	OrgURL                types.String `tfsdk:"okta_org_url"`
	APIToken              types.String `tfsdk:"okta_api_token"`
	ClientID              types.String `tfsdk:"okta_client_id"`
	PrivateKey            types.String `tfsdk:"okta_private_key"`
	PrivateKeyID          types.String `tfsdk:"okta_private_key_id"`
	Scopes                types.List   `tfsdk:"okta_scopes"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	MaxBackoffSeconds     types.Int64  `tfsdk:"max_backoff_seconds"`
	RequestTimeoutSeconds types.Int64  `tfsdk:"request_timeout_seconds"`
	MaxAPICapacity        types.Int64  `tfsdk:"max_api_capacity"`
}

func (p *dialpadProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "dialpad"
	resp.Version = p.version
}

func (p *dialpadProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Syncs Dialpad phone numbers to Okta user profiles: custom profile attributes, " +
			"profile mappings and attribute sourcing, managed through the Okta Management API.\n\n" +
			"Authenticate with an API token (`okta_api_token`) **or** with an OAuth 2.0 service app " +
			"(`okta_client_id` + `okta_private_key`, private-key JWT). Every argument can also come from " +
			"the environment; the Okta provider's variable names are accepted so existing pipelines work unchanged.",
		Attributes: map[string]schema.Attribute{
			"okta_org_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the Okta org, e.g. `https://example.okta.com` (no `-admin`, no path). " +
					"`http://` is accepted only for a loopback host (a local emulator). " +
					"Environment: `OKTA_ORG_URL`, or `OKTA_ORG_NAME` + `OKTA_BASE_URL` (default `" + defaultOktaBaseURL + "`) as the Okta provider names them.",
			},
			"okta_api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Okta API token (SSWS). Conflicts with `okta_client_id`. Environment: `OKTA_API_TOKEN`. " +
					"Note that Okta refuses the mapping reapply call (`apply_to_existing_users`) for OAuth callers, so it needs an API token.",
			},
			"okta_client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Client ID of an Okta API service app using private-key JWT. Requires `okta_private_key`. Environment: `OKTA_API_CLIENT_ID`.",
			},
			"okta_private_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "PEM private key of the service app (PKCS#1 or PKCS#8), or the path of a file holding it. " +
					"Environment: `OKTA_API_PRIVATE_KEY`.",
			},
			"okta_private_key_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Key ID (`kid`) of the private key, when the app has several keys. Environment: `OKTA_API_PRIVATE_KEY_ID`.",
			},
			"okta_scopes": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "OAuth scopes to request. Defaults to `" + strings.Join(okta.DefaultScopes, "`, `") + "`. " +
					"Environment: `OKTA_API_SCOPES` (comma-separated).",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How often one API call is retried after a 429 or a transient failure (500/502/503/504, connection errors). "+
					"Default %d. Environment: `OKTA_MAX_RETRIES`.", maxRetriesSetting.def),
				Validators: maxRetriesSetting.validators(),
			},
			"max_backoff_seconds": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Longest single wait between retries, in seconds. Default %d. Environment: `OKTA_MAX_BACKOFF_SECONDS`.",
					maxBackoffSetting.def),
				Validators: maxBackoffSetting.validators(),
			},
			"request_timeout_seconds": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Timeout of one HTTP attempt, in seconds. Retries and rate-limit waits are bounded by the "+
					"resources' own timeouts instead. Default %d. Environment: `OKTA_REQUEST_TIMEOUT_SECONDS`.", requestTimeoutSetting.def),
				Validators: requestTimeoutSetting.validators(),
			},
			"max_api_capacity": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Percentage (1-100) of each Okta rate-limit bucket this provider may use, leaving the rest "+
					"to other API clients of the org. Default %d. Environment: `OKTA_MAX_API_CAPACITY` (or `MAX_API_CAPACITY`).", maxAPICapacitySetting.def),
				Validators: maxAPICapacitySetting.validators(),
			},
		},
	}
}

func (p *dialpadProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, known := p.clientConfig(ctx, m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known {
		// A value comes from a resource that does not exist yet (plan time). Leave the provider
		// unconfigured; resources skip their plan-time checks and Terraform configures us again
		// with known values before apply.
		tflog.Info(ctx, "dialpad provider configuration has unknown values; configuring later")
		return
	}
	client, err := okta.NewClient(ctx, cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the dialpad provider", err.Error())
		return
	}
	tflog.Debug(ctx, "dialpad provider configured", map[string]any{"org_url": client.OrgURL(), "auth_mode": string(client.AuthMode())})
	resp.DataSourceData = client
	resp.ResourceData = client
}

// clientConfig merges configuration and environment and validates the result. known is false when
// a value that decides how to connect is unknown.
func (p *dialpadProvider) clientConfig(ctx context.Context, m providerModel, diags *diag.Diagnostics) (cfg okta.Config, known bool) {
	for _, v := range []interface{ IsUnknown() bool }{m.OrgURL, m.APIToken, m.ClientID, m.PrivateKey, m.PrivateKeyID, m.Scopes,
		m.MaxRetries, m.MaxBackoffSeconds, m.RequestTimeoutSeconds, m.MaxAPICapacity} {
		if v.IsUnknown() {
			return cfg, false
		}
	}
	getenv := p.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	str := func(v types.String, names ...string) string {
		if !v.IsNull() {
			return strings.TrimSpace(v.ValueString())
		}
		return env(names...)
	}
	num := func(v types.Int64, set intSetting) int64 {
		if !v.IsNull() {
			return v.ValueInt64()
		}
		s := env(set.env...)
		if s == "" {
			return set.def
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < set.lo || n > set.hi {
			diags.AddAttributeError(path.Root(set.attr), "Invalid "+set.attr,
				fmt.Sprintf("The environment variable %s is %q; it must be a whole number between %d and %d.", set.env[0], s, set.lo, set.hi))
			return set.def
		}
		return n
	}

	cfg.Version = p.version
	cfg.OrgURL = str(m.OrgURL, "OKTA_ORG_URL")
	if cfg.OrgURL == "" {
		if org := env("OKTA_ORG_NAME"); org != "" {
			base := env("OKTA_BASE_URL")
			if base == "" {
				base = defaultOktaBaseURL
			}
			cfg.OrgURL = "https://" + org + "." + strings.TrimPrefix(base, ".")
		}
	}
	// Credentials come as a set: when the provider block names any of them, the environment's
	// credentials are ignored, so an OKTA_API_TOKEN left in a shell cannot collide with an OAuth
	// configuration written in HCL (and the reverse).
	keyOrPath := ""
	if !m.APIToken.IsNull() || !m.ClientID.IsNull() || !m.PrivateKey.IsNull() {
		cfg.APIToken = strings.TrimSpace(m.APIToken.ValueString())
		cfg.ClientID = strings.TrimSpace(m.ClientID.ValueString())
		keyOrPath = strings.TrimSpace(m.PrivateKey.ValueString())
	} else {
		cfg.APIToken = env("OKTA_API_TOKEN")
		cfg.ClientID = env("OKTA_API_CLIENT_ID")
		keyOrPath = env("OKTA_API_PRIVATE_KEY")
	}
	cfg.PrivateKeyID = str(m.PrivateKeyID, "OKTA_API_PRIVATE_KEY_ID")
	if !m.Scopes.IsNull() {
		var scopes []string
		diags.Append(m.Scopes.ElementsAs(ctx, &scopes, false)...)
		cfg.Scopes = scopes
	} else if s := env("OKTA_API_SCOPES"); s != "" {
		for _, sc := range strings.Split(s, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				cfg.Scopes = append(cfg.Scopes, sc)
			}
		}
	}
	cfg.MaxRetries = int(num(m.MaxRetries, maxRetriesSetting))
	cfg.MaxBackoff = time.Duration(num(m.MaxBackoffSeconds, maxBackoffSetting)) * time.Second
	cfg.RequestTimeout = time.Duration(num(m.RequestTimeoutSeconds, requestTimeoutSetting)) * time.Second
	cfg.MaxAPICapacity = int(num(m.MaxAPICapacity, maxAPICapacitySetting))

	// Org URL.
	if cfg.OrgURL == "" {
		diags.AddAttributeError(path.Root("okta_org_url"), "Missing Okta org URL",
			"Set okta_org_url (e.g. https://example.okta.com), or the environment variable OKTA_ORG_URL, "+
				"or OKTA_ORG_NAME with OKTA_BASE_URL as for the Okta provider.")
	} else if _, err := okta.ValidateOrgURL(cfg.OrgURL); err != nil {
		diags.AddAttributeError(path.Root("okta_org_url"), "Invalid Okta org URL", "okta_org_url "+err.Error())
	}

	// Exactly one auth mode, as NewClient will check again (the key may still be a file path here).
	mode, err := okta.CheckCredentials(cfg.APIToken, cfg.ClientID, keyOrPath)
	switch {
	case errors.Is(err, okta.ErrConflictingCredentials):
		diags.AddAttributeError(path.Root("okta_api_token"), "Conflicting Okta credentials",
			"Both an API token and OAuth client credentials are configured (in the provider block or in OKTA_API_TOKEN / "+
				"OKTA_API_CLIENT_ID / OKTA_API_PRIVATE_KEY). Configure exactly one: okta_api_token, or okta_client_id with okta_private_key.")
	case errors.Is(err, okta.ErrMissingPrivateKey):
		diags.AddAttributeError(path.Root("okta_private_key"), "Missing OAuth private key",
			"okta_client_id is set, so the provider authenticates with private-key JWT and needs okta_private_key "+
				"(PEM, or a file path) or the environment variable OKTA_API_PRIVATE_KEY.")
	case errors.Is(err, okta.ErrMissingClientID):
		diags.AddAttributeError(path.Root("okta_client_id"), "Missing OAuth client ID",
			"okta_private_key is set but okta_client_id is not; set okta_client_id or OKTA_API_CLIENT_ID.")
	case err != nil:
		diags.AddError("Missing Okta credentials",
			"Configure exactly one way to authenticate: okta_api_token (or OKTA_API_TOKEN), or okta_client_id with "+
				"okta_private_key (or OKTA_API_CLIENT_ID with OKTA_API_PRIVATE_KEY) for an OAuth 2.0 service app.")
	case mode == okta.AuthModePrivateKey:
		key, err := resolvePrivateKey(keyOrPath)
		if err != nil {
			diags.AddAttributeError(path.Root("okta_private_key"), "Invalid OAuth private key", err.Error())
		}
		cfg.PrivateKey = key
	}
	return cfg, true
}

// resolvePrivateKey accepts a PEM body or the path of a file holding one. Errors never repeat the
// value: it may be a key.
func resolvePrivateKey(v string) (string, error) {
	pemText := v
	if !strings.Contains(v, "-----BEGIN") {
		b, err := os.ReadFile(v)
		if err != nil {
			return "", fmt.Errorf("okta_private_key is neither a PEM private key nor the path of a readable file (%s)", pathErrorReason(err))
		}
		pemText = string(b)
	}
	if err := okta.ValidatePrivateKey(pemText); err != nil {
		return "", fmt.Errorf("okta_private_key is not usable: %w", err)
	}
	return pemText, nil
}

func pathErrorReason(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file"
	case os.IsPermission(err):
		return "permission denied"
	default:
		return "unreadable"
	}
}

func (p *dialpadProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAttributeMappingResource,
		NewPhoneSyncResource,
		NewUserAttributeResource,
		NewAppUserAttributeResource,
		NewAttributeSourceResource,
	}
}

func (p *dialpadProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAppDataSource,
		NewUserTypeDataSource,
		NewPhoneSyncStatusDataSource,
	}
}
