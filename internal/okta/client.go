// Package okta is the only package that talks to okta-sdk-golang/v5. It builds a safe SDK
// configuration, owns the one http.RoundTripper every call goes through, translates Okta errors,
// and offers one finder per API object plus the writers the resources use.
package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// AuthMode says how the client authenticates.
type AuthMode string

const (
	AuthModeAPIToken   AuthMode = "SSWS"
	AuthModePrivateKey AuthMode = "PrivateKey"
)

// Config is everything the provider knows about how to reach an org.
type Config struct {
	OrgURL         string
	APIToken       string
	ClientID       string
	PrivateKey     string // PEM body (the provider resolves file paths before this point)
	PrivateKeyID   string
	Scopes         []string
	MaxRetries     int
	MaxBackoff     time.Duration
	RequestTimeout time.Duration
	MaxAPICapacity int // percent of each rate-limit bucket this client may use, 1..100
	Version        string
}

// Client is a configured Okta client shared by every resource of one provider instance.
type Client struct {
	orgURL *url.URL
	mode   AuthMode
	api    *sdk.APIClient
	http   *http.Client
	locks  *keyedMutex
}

// AuthMode reports how the client authenticates (reapply is refused for OAuth callers).
func (c *Client) AuthMode() AuthMode { return c.mode }

// OrgURL is the org's base URL, port included.
func (c *Client) OrgURL() string { return c.orgURL.String() }

// NewClient builds a client. It never reads ~/.okta/okta.yaml or OKTA_CLIENT_* variables: every
// field the SDK could have picked up from them is overwritten with the caller's value.
func NewClient(_ context.Context, cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.OrgURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("okta_org_url %q is not an absolute URL such as https://example.okta.com", cfg.OrgURL)
	}
	mode := AuthModeAPIToken
	if cfg.APIToken == "" {
		mode = AuthModePrivateKey
	}
	httpClient := &http.Client{
		Transport: newTransport(http.DefaultTransport, cfg),
		Timeout:   cfg.RequestTimeout,
	}

	sdkCfg, err := sdk.NewConfiguration(
		sdk.WithOrgUrl(u.String()),
		sdk.WithCache(false),
		sdk.WithHttpClientPtr(httpClient),
		sdk.WithUserAgentExtra("terraform-provider-dialpad/"+cfg.Version),
		// Retries are owned by our transport; the SDK's own would be layered on top of it.
		sdk.WithRateLimitMaxRetries(0),
		sdk.WithRateLimitPrevent(false),
		sdk.WithTestingDisableHttpsCheck(u.Scheme == "http"),
	)
	if err != nil {
		return nil, fmt.Errorf("configuring the Okta SDK: %w", err)
	}
	isolate(sdkCfg, u, cfg, mode)
	return &Client{orgURL: u, mode: mode, api: sdk.NewAPIClient(sdkCfg), http: httpClient, locks: newKeyedMutex()}, nil
}

// isolate overwrites everything the SDK may have read from ~/.okta/okta.yaml, a project .okta.yaml
// or OKTA_CLIENT_* variables, and restores the port that NewConfiguration drops.
func isolate(c *sdk.Configuration, u *url.URL, cfg Config, mode AuthMode) {
	c.Host = u.Host
	c.Scheme = u.Scheme
	cl := &c.Okta.Client
	cl.OrgUrl = u.String()
	cl.Cache.Enabled = false
	cl.Proxy.Host, cl.Proxy.Port, cl.Proxy.Username, cl.Proxy.Password = "", 0, "", ""
	cl.ConnectionTimeout = int64(cfg.RequestTimeout / time.Second)
	cl.RequestTimeout = int64(cfg.RequestTimeout / time.Second)
	cl.RateLimit.MaxRetries = 0
	cl.RateLimit.Enable = false
	cl.Token, cl.ClientId, cl.Scopes, cl.PrivateKey, cl.PrivateKeyId = "", "", nil, "", ""
	cl.JWK, cl.EncryptionType, cl.ClientAssertion = "", "", ""
	c.PrivateKeySigner = nil
	switch mode {
	case AuthModeAPIToken:
		cl.AuthorizationMode = "SSWS"
		cl.Token = cfg.APIToken
		c.Context = context.WithValue(context.Background(), sdk.ContextAPIKeys,
			map[string]sdk.APIKey{"API_Token": {Key: cfg.APIToken, Prefix: "SSWS"}})
	case AuthModePrivateKey:
		cl.AuthorizationMode = "PrivateKey"
		cl.ClientId = cfg.ClientID
		cl.Scopes = cfg.Scopes
		cl.PrivateKey = cfg.PrivateKey
		cl.PrivateKeyId = cfg.PrivateKeyID
		c.Context = context.Background()
	}
}
