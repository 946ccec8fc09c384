package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

func testProvider(env map[string]string) *dialpadProvider {
	return &dialpadProvider{version: "test", getenv: func(k string) string { return env[k] }}
}

// nullModel is a provider block with nothing set.
func nullModel() providerModel {
	return providerModel{
		OrgURL: types.StringNull(), APIToken: types.StringNull(), ClientID: types.StringNull(),
		PrivateKey: types.StringNull(), PrivateKeyID: types.StringNull(), Scopes: types.ListNull(types.StringType),
		MaxRetries: types.Int64Null(), MaxBackoffSeconds: types.Int64Null(), RequestTimeoutSeconds: types.Int64Null(),
		MaxAPICapacity: types.Int64Null(),
	}
}

func testKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b}))
}

func errorText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, e := range d.Errors() {
		b.WriteString(e.Summary() + ": " + e.Detail() + "\n")
	}
	return b.String()
}

func TestProviderConfig_errors(t *testing.T) {
	key := testKeyPEM(t)
	cases := []struct {
		name    string
		env     map[string]string
		set     func(*providerModel)
		want    string // substring of the error text
		notWant string // must not appear (secrets)
	}{
		{name: "missing org URL", set: func(m *providerModel) { m.APIToken = types.StringValue("t") }, want: "Missing Okta org URL"},
		{name: "malformed org URL", set: func(m *providerModel) {
			m.OrgURL, m.APIToken = types.StringValue("not a url"), types.StringValue("t")
		}, want: "Invalid Okta org URL"},
		{name: "org URL with a path", set: func(m *providerModel) {
			m.OrgURL, m.APIToken = types.StringValue("https://example.okta.com/api/v1"), types.StringValue("t")
		}, want: "base URL with no path"},
		{name: "admin URL", set: func(m *providerModel) {
			m.OrgURL, m.APIToken = types.StringValue("https://example-admin.okta.com"), types.StringValue("t")
		}, want: "Admin Console URL"},
		{name: "ftp scheme", set: func(m *providerModel) {
			m.OrgURL, m.APIToken = types.StringValue("ftp://example.okta.com"), types.StringValue("t")
		}, want: "must start with https://"},
		{name: "http not loopback", set: func(m *providerModel) {
			m.OrgURL, m.APIToken = types.StringValue("http://example.okta.com"), types.StringValue("t")
		}, want: "only allowed for a loopback host"},
		{name: "neither auth mode", set: func(m *providerModel) { m.OrgURL = types.StringValue("https://example.okta.com") },
			want: "Missing Okta credentials"},
		{name: "both auth modes", set: func(m *providerModel) {
			m.OrgURL, m.APIToken, m.ClientID = types.StringValue("https://example.okta.com"), types.StringValue("t"), types.StringValue("0oa1")
			m.PrivateKey = types.StringValue(key)
		}, want: "Conflicting Okta credentials"},
		{name: "both auth modes from env", env: map[string]string{
			"OKTA_ORG_URL": "https://example.okta.com", "OKTA_API_TOKEN": "t", "OKTA_API_CLIENT_ID": "0oa1", "OKTA_API_PRIVATE_KEY": key,
		}, want: "Conflicting Okta credentials"},
		{name: "client id without key", set: func(m *providerModel) {
			m.OrgURL, m.ClientID = types.StringValue("https://example.okta.com"), types.StringValue("0oa1")
		}, want: "Missing OAuth private key"},
		{name: "key without client id", set: func(m *providerModel) {
			m.OrgURL, m.PrivateKey = types.StringValue("https://example.okta.com"), types.StringValue(key)
		}, want: "Missing OAuth client ID"},
		{name: "key neither PEM nor file", set: func(m *providerModel) {
			m.OrgURL, m.ClientID = types.StringValue("https://example.okta.com"), types.StringValue("0oa1")
			m.PrivateKey = types.StringValue("MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC-secret-ish")
		}, want: "neither a PEM private key nor the path of a readable file", notWant: "secret-ish"},
		{name: "PEM that is not a private key", set: func(m *providerModel) {
			m.OrgURL, m.ClientID = types.StringValue("https://example.okta.com"), types.StringValue("0oa1")
			m.PrivateKey = types.StringValue("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
		}, want: "Invalid OAuth private key"},
		{name: "bad max_retries from env", env: map[string]string{
			"OKTA_ORG_URL": "https://example.okta.com", "OKTA_API_TOKEN": "t", "OKTA_MAX_RETRIES": "lots",
		}, want: "OKTA_MAX_RETRIES"},
		{name: "max_api_capacity from env out of range", env: map[string]string{
			"OKTA_ORG_URL": "https://example.okta.com", "OKTA_API_TOKEN": "t", "OKTA_MAX_API_CAPACITY": "150",
		}, want: "between 1 and 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			if tc.set != nil {
				tc.set(&m)
			}
			var d diag.Diagnostics
			_, known := testProvider(tc.env).clientConfig(context.Background(), m, &d)
			if !known {
				t.Fatal("configuration reported unknown")
			}
			got := errorText(d)
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want an error containing %q, got %q", tc.want, got)
			}
			if tc.notWant != "" && strings.Contains(got, tc.notWant) {
				t.Fatalf("error repeats a secret-like value: %q", got)
			}
		})
	}
}

func TestProviderConfig_envFallbacks(t *testing.T) {
	key := testKeyPEM(t)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		env   map[string]string
		set   func(*providerModel)
		check func(t *testing.T, c okta.Config)
	}{
		{name: "OKTA_ORG_URL and OKTA_API_TOKEN", env: map[string]string{"OKTA_ORG_URL": "https://a.okta.com/", "OKTA_API_TOKEN": "tok"},
			check: func(t *testing.T, c okta.Config) {
				eq(t, c.OrgURL, "https://a.okta.com/")
				eq(t, c.APIToken, "tok")
			}},
		{name: "OKTA_ORG_NAME and OKTA_BASE_URL", env: map[string]string{"OKTA_ORG_NAME": "dev-1", "OKTA_BASE_URL": "oktapreview.com", "OKTA_API_TOKEN": "tok"},
			check: func(t *testing.T, c okta.Config) { eq(t, c.OrgURL, "https://dev-1.oktapreview.com") }},
		{name: "OKTA_ORG_NAME defaults to okta.com", env: map[string]string{"OKTA_ORG_NAME": "dev-1", "OKTA_API_TOKEN": "tok"},
			check: func(t *testing.T, c okta.Config) { eq(t, c.OrgURL, "https://dev-1.okta.com") }},
		{name: "OKTA_ORG_URL wins over OKTA_ORG_NAME", env: map[string]string{"OKTA_ORG_URL": "https://x.okta.com", "OKTA_ORG_NAME": "dev-1", "OKTA_API_TOKEN": "tok"},
			check: func(t *testing.T, c okta.Config) { eq(t, c.OrgURL, "https://x.okta.com") }},
		{name: "OAuth from env, key as PEM, scopes comma-separated", env: map[string]string{
			"OKTA_ORG_URL": "https://a.okta.com", "OKTA_API_CLIENT_ID": "0oa1", "OKTA_API_PRIVATE_KEY": key,
			"OKTA_API_PRIVATE_KEY_ID": "kid1", "OKTA_API_SCOPES": "okta.apps.read, okta.schemas.manage,,",
		}, check: func(t *testing.T, c okta.Config) {
			eq(t, c.ClientID, "0oa1")
			eq(t, strings.TrimSpace(c.PrivateKey), strings.TrimSpace(key))
			eq(t, c.PrivateKeyID, "kid1")
			eq(t, strings.Join(c.Scopes, " "), "okta.apps.read okta.schemas.manage")
			eq(t, c.APIToken, "")
		}},
		{name: "OAuth key as a file path", env: map[string]string{"OKTA_ORG_URL": "https://a.okta.com", "OKTA_API_CLIENT_ID": "0oa1", "OKTA_API_PRIVATE_KEY": keyFile},
			check: func(t *testing.T, c okta.Config) { eq(t, c.PrivateKey, key) }},
		{name: "tuning from env", env: map[string]string{"OKTA_ORG_URL": "https://a.okta.com", "OKTA_API_TOKEN": "t",
			"OKTA_MAX_RETRIES": "2", "OKTA_MAX_BACKOFF_SECONDS": "7", "OKTA_REQUEST_TIMEOUT_SECONDS": "9", "MAX_API_CAPACITY": "50"},
			check: func(t *testing.T, c okta.Config) {
				eq(t, c.MaxRetries, 2)
				eq(t, c.MaxBackoff, 7*time.Second)
				eq(t, c.RequestTimeout, 9*time.Second)
				eq(t, c.MaxAPICapacity, 50)
			}},
		{name: "defaults", env: map[string]string{"OKTA_ORG_URL": "https://a.okta.com", "OKTA_API_TOKEN": "t"},
			check: func(t *testing.T, c okta.Config) {
				eq(t, c.MaxRetries, okta.DefaultMaxRetries)
				eq(t, c.MaxBackoff, okta.DefaultMaxBackoff)
				eq(t, c.RequestTimeout, okta.DefaultRequestTimeout)
				eq(t, c.MaxAPICapacity, okta.DefaultMaxAPICapacity)
			}},
		{name: "configuration wins over env", env: map[string]string{"OKTA_ORG_URL": "https://env.okta.com", "OKTA_API_TOKEN": "envtok", "OKTA_MAX_RETRIES": "9"},
			set: func(m *providerModel) {
				m.OrgURL, m.APIToken, m.MaxRetries = types.StringValue("https://cfg.okta.com"), types.StringValue("cfgtok"), types.Int64Value(1)
			},
			check: func(t *testing.T, c okta.Config) {
				eq(t, c.OrgURL, "https://cfg.okta.com")
				eq(t, c.APIToken, "cfgtok")
				eq(t, c.MaxRetries, 1)
			}},
		{name: "OAuth in configuration ignores a token in env", env: map[string]string{"OKTA_ORG_URL": "https://a.okta.com", "OKTA_API_TOKEN": "envtok"},
			set: func(m *providerModel) {
				m.ClientID, m.PrivateKey = types.StringValue("0oa1"), types.StringValue(keyFile)
			},
			check: func(t *testing.T, c okta.Config) {
				eq(t, c.APIToken, "")
				eq(t, c.ClientID, "0oa1")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := nullModel()
			if tc.set != nil {
				tc.set(&m)
			}
			var d diag.Diagnostics
			cfg, known := testProvider(tc.env).clientConfig(context.Background(), m, &d)
			if d.HasError() || !known {
				t.Fatalf("unexpected errors (known=%v): %s", known, errorText(d))
			}
			tc.check(t, cfg)
			if _, err := okta.NewClient(context.Background(), cfg); err != nil {
				t.Fatalf("NewClient: %v", err)
			}
		})
	}
}

func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

// configure runs the provider's Configure with a raw configuration, as Terraform would.
func configure(t *testing.T, p *dialpadProvider, vals map[string]tftypes.Value) *fwprovider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	var sresp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := vals[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(at, nil)
		}
	}
	req := fwprovider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, all)}}
	resp := &fwprovider.ConfigureResponse{}
	p.Configure(ctx, req, resp)
	return resp
}

func TestProviderConfigure_client(t *testing.T) {
	resp := configure(t, testProvider(nil), map[string]tftypes.Value{
		"okta_org_url":   tftypes.NewValue(tftypes.String, "http://127.0.0.1:8080"),
		"okta_api_token": tftypes.NewValue(tftypes.String, "tok"),
		"okta_scopes":    tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
	})
	if resp.Diagnostics.HasError() {
		t.Fatal(errorText(resp.Diagnostics))
	}
	c, ok := resp.ResourceData.(*okta.Client)
	if !ok || resp.DataSourceData != resp.ResourceData {
		t.Fatalf("provider data is %T / %T", resp.ResourceData, resp.DataSourceData)
	}
	eq(t, c.OrgURL(), "http://127.0.0.1:8080")
	eq(t, c.AuthMode(), okta.AuthModeAPIToken)
}

// An org URL known only after apply (from another resource) must neither fail nor configure.
func TestProviderConfigure_unknownValues(t *testing.T) {
	for _, attr := range []string{"okta_org_url", "okta_api_token", "max_retries"} {
		t.Run(attr, func(t *testing.T) {
			vals := map[string]tftypes.Value{
				"okta_org_url":   tftypes.NewValue(tftypes.String, "https://a.okta.com"),
				"okta_api_token": tftypes.NewValue(tftypes.String, "tok"),
			}
			typ := tftypes.Type(tftypes.String)
			if attr == "max_retries" {
				typ = tftypes.Number
			}
			vals[attr] = tftypes.NewValue(typ, tftypes.UnknownValue)
			resp := configure(t, testProvider(nil), vals)
			if resp.Diagnostics.HasError() {
				t.Fatalf("unknown %s gave errors: %s", attr, errorText(resp.Diagnostics))
			}
			if resp.ResourceData != nil || resp.DataSourceData != nil {
				t.Fatal("provider configured a client from unknown values")
			}
		})
	}
}

func TestProviderConfigure_errorIsDiagnostic(t *testing.T) {
	resp := configure(t, testProvider(nil), map[string]tftypes.Value{
		"okta_org_url": tftypes.NewValue(tftypes.String, "http://example.okta.com"),
	})
	got := errorText(resp.Diagnostics)
	for _, want := range []string{"only allowed for a loopback host", "Missing Okta credentials"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in %q", want, got)
		}
	}
	if resp.ResourceData != nil {
		t.Fatal("client configured despite errors")
	}
}

func TestProviderSchema_sensitive(t *testing.T) {
	var resp fwprovider.SchemaResponse
	testProvider(nil).Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	for _, name := range []string{"okta_api_token", "okta_private_key"} {
		if !resp.Schema.Attributes[name].IsSensitive() {
			t.Errorf("%s is not sensitive", name)
		}
	}
	for _, name := range []string{"okta_org_url", "okta_api_token", "okta_client_id", "okta_private_key", "okta_private_key_id",
		"okta_scopes", "max_retries", "max_backoff_seconds", "request_timeout_seconds", "max_api_capacity"} {
		if _, ok := resp.Schema.Attributes[name]; !ok {
			t.Errorf("argument %s is missing", name)
		}
	}
}
