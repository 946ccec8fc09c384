// Package okta is the only package that talks to okta-sdk-golang/v5. It builds a safe SDK
// configuration, owns the one http.RoundTripper every call goes through, translates Okta errors,
// and offers one finder per API object plus the writers the resources use.
//
// Calls go through the SDK where its models carry what we need. A few go through doJSON, over the
// same *http.Client and transport: calls the SDK has no method for (mapping reapply), bodies the
// SDK cannot express (a schema property sent as JSON null to remove it), and objects whose SDK
// models lose fields or reject valid answers (apps are a discriminated oneOf that fails on sign-on
// modes the SDK does not know; UserType in v5.0.6 has only an id).
package okta

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
	goCache "github.com/patrickmn/go-cache"
)

// AuthMode says how the client authenticates.
type AuthMode string

const (
	AuthModeAPIToken   AuthMode = "SSWS"
	AuthModePrivateKey AuthMode = "PrivateKey"
)

// DefaultScopes are requested in OAuth mode when the configuration names none: what the
// provider's resources and data sources need, nothing more.
var DefaultScopes = []string{
	"okta.apps.read",
	"okta.users.read",
	"okta.userTypes.read",
	"okta.schemas.manage",
	"okta.profileMappings.manage",
}

// DefaultMaxAPICapacity is the share of each rate-limit bucket (percent) a client uses when the
// configuration names none: all of it. The other defaults of Config are in transport.go.
const DefaultMaxAPICapacity = 100

// The answers of CheckCredentials: what is wrong with a set of credentials.
var (
	ErrConflictingCredentials = errors.New("both an API token and OAuth client credentials are set; configure exactly one")
	ErrMissingPrivateKey      = errors.New("okta_client_id is set but okta_private_key is empty")
	ErrMissingClientID        = errors.New("okta_private_key is set but okta_client_id is empty")
	ErrNoCredentials          = errors.New("no credentials: set okta_api_token, or okta_client_id with okta_private_key")
)

// CheckCredentials says which auth mode a set of credentials selects, or why none: exactly one of
// an API token, and a client id with a private key (what the key is, is ValidatePrivateKey's
// business). The provider asks it before it reads a key file, NewClient before it builds a client;
// the error is one of the Err... values above.
func CheckCredentials(apiToken, clientID, privateKey string) (AuthMode, error) {
	switch {
	case apiToken != "" && (clientID != "" || privateKey != ""):
		return "", ErrConflictingCredentials
	case apiToken != "":
		return AuthModeAPIToken, nil
	case clientID != "" && privateKey == "":
		return "", ErrMissingPrivateKey
	case clientID == "" && privateKey != "":
		return "", ErrMissingClientID
	case clientID != "":
		return AuthModePrivateKey, nil
	}
	return "", ErrNoCredentials
}

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
	RequestTimeout time.Duration // per attempt; retries and waits are bounded by the caller's context
	MaxAPICapacity int           // percent of each rate-limit bucket this client may use, 1..100
	Version        string
	// NoReadCache makes every read go to Okta. Clients that verify what another client (a
	// provider process) wrote — the acceptance-test harness, the sweeper — set it.
	NoReadCache bool
}

// Client is a configured Okta client shared by every resource of one provider instance.
type Client struct {
	orgURL *url.URL
	mode   AuthMode
	api    *sdk.APIClient
	http   *http.Client
	tr     *transport
	locks  *keyedMutex
	cache  *readCache // shared reads of schemas and mappings (readcache.go)
	// pacers space the writes to each schema (schema_write.go), mappings queues the changes
	// waiting for each mapping's lock (mapping_batch.go): both live as long as the client.
	pacers   *writePacers
	mappings *mappingQueue
	cfg      Config
	ua       string

	// rawTokens caches the OAuth access token of raw calls (the SDK's cache is unexported).
	rawTokens *goCache.Cache

	// plannedAppAttrs holds the app user attributes this command plans to create (planned.go).
	plannedAppAttrs sync.Map
	// masterOwners holds the user attributes whose source priority a dialpad_okta_user_attribute
	// manages in this process (master_owner.go).
	masterOwners masterOwners

	// createdAttrs holds the attributes this client created, for the mapping create (created.go).
	createdAttrs createdAttributes
}

// AuthMode reports how the client authenticates (reapply is refused for OAuth callers).
func (c *Client) AuthMode() AuthMode { return c.mode }

// OrgURL is the org's base URL, port included.
func (c *Client) OrgURL() string { return c.orgURL.String() }

// ValidateOrgURL checks an org URL the way NewClient does: absolute, https (http only for a
// loopback host such as a local emulator), no path, query or credentials.
func ValidateOrgURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q is not an absolute URL such as https://example.okta.com", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%q uses http://, which is only allowed for a loopback host (127.0.0.1, ::1, localhost); use https:// for an Okta org", raw)
		}
	default:
		return nil, fmt.Errorf("%q must start with https://", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q must not contain credentials", raw)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must be the org's base URL with no path, such as https://example.okta.com", raw)
	}
	if strings.Contains(u.Hostname(), "-admin.") {
		return nil, fmt.Errorf("%q is the Admin Console URL; use the org URL without -admin", raw)
	}
	return u, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidatePrivateKey checks that pemText is a PEM private key the SDK can sign with (PKCS#1 RSA
// or PKCS#8 RSA/ECDSA), without saying anything about its contents in the error.
func ValidatePrivateKey(pemText string) error {
	block, _ := pem.Decode([]byte(normalizePEM(pemText)))
	if block == nil {
		return errors.New("it is not PEM (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			return errors.New("the RSA PRIVATE KEY block does not parse as PKCS#1")
		}
	case "PRIVATE KEY":
		if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
			return errors.New("the PRIVATE KEY block does not parse as PKCS#8")
		}
	default:
		return fmt.Errorf("PEM block type %q is not a private key (expected PRIVATE KEY or RSA PRIVATE KEY)", block.Type)
	}
	return nil
}

// normalizePEM accepts keys pasted into a single-line variable with literal \n, as the SDK does.
func normalizePEM(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), `\n`, "\n") }

// NewClient builds a client. It never reads ~/.okta/okta.yaml or OKTA_CLIENT_* variables: every
// field the SDK could have picked up from them is overwritten with the caller's value.
func NewClient(_ context.Context, cfg Config) (*Client, error) {
	u, err := ValidateOrgURL(cfg.OrgURL)
	if err != nil {
		return nil, fmt.Errorf("okta_org_url: %w", err)
	}
	mode, err := CheckCredentials(cfg.APIToken, cfg.ClientID, cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	if mode == AuthModePrivateKey {
		cfg.PrivateKey = normalizePEM(cfg.PrivateKey)
		if err := ValidatePrivateKey(cfg.PrivateKey); err != nil {
			return nil, fmt.Errorf("okta_private_key: %w", err)
		}
		if len(cfg.Scopes) == 0 {
			cfg.Scopes = append([]string(nil), DefaultScopes...)
		}
	}
	if cfg.MaxRetries < 0 { // 0 means "no retries"; the provider supplies its default
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxAPICapacity <= 0 || cfg.MaxAPICapacity > 100 {
		cfg.MaxAPICapacity = DefaultMaxAPICapacity
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}

	cache := newReadCache()
	if cfg.NoReadCache {
		cache.ttl = 0 // nothing is reused
	}

	tr := newTransport(http.DefaultTransport, cfg)
	tr.gov = newRateGovernor(cfg.MaxAPICapacity)
	// No http.Client.Timeout: it would span all retries and rate-limit waits. The transport puts
	// the timeout on each attempt instead.
	httpClient := &http.Client{Transport: tr}

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
	isolate(sdkCfg, u, cfg, mode, httpClient)
	return &Client{
		orgURL:    u,
		mode:      mode,
		api:       sdk.NewAPIClient(sdkCfg),
		http:      httpClient,
		tr:        tr,
		locks:     newKeyedMutex(),
		cache:     cache,
		pacers:    newWritePacers(),
		mappings:  newMappingQueue(),
		cfg:       cfg,
		ua:        sdk.NewUserAgent(sdkCfg).String(),
		rawTokens: goCache.New(5*time.Minute, 10*time.Minute),
	}, nil
}

// isolate overwrites everything the SDK may have read from ~/.okta/okta.yaml, a project .okta.yaml
// or OKTA_CLIENT_* variables, and restores the port that NewConfiguration drops.
//
// The SDK builds the OAuth token URL as Okta.Client.OrgUrl + "/oauth2/v1/token" and sends the
// token request through cfg.HTTPClient, so the port survives and our transport sees the request.
func isolate(c *sdk.Configuration, u *url.URL, cfg Config, mode AuthMode, hc *http.Client) {
	c.Host = u.Host
	c.Scheme = u.Scheme
	c.HTTPClient = hc
	c.Debug = false // the SDK's debug dumps would log the Authorization header
	c.CacheManager = nil
	cl := &c.Okta.Client
	cl.OrgUrl = u.String()
	cl.Cache.Enabled = false
	cl.Proxy.Host, cl.Proxy.Port, cl.Proxy.Username, cl.Proxy.Password = "", 0, "", ""
	// Timeouts are per attempt in our transport; the SDK's would span our retries.
	cl.ConnectionTimeout = 0
	cl.RequestTimeout = 0
	cl.RateLimit.MaxRetries = 0
	cl.RateLimit.MaxBackoff = 0
	cl.RateLimit.Enable = false
	cl.Token, cl.ClientId, cl.Scopes, cl.PrivateKey, cl.PrivateKeyId = "", "", nil, "", ""
	cl.JWK, cl.EncryptionType, cl.ClientAssertion = "", "", ""
	c.Okta.Testing.DisableHttpsCheck = u.Scheme == "http"
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

// authorize sets the Authorization header of a raw request the way the SDK would. In OAuth mode
// it uses the SDK's own private-key JWT flow (same token endpoint, same transport) with a token
// cache of our own.
func (c *Client) authorize(req *http.Request) error {
	switch c.mode {
	case AuthModeAPIToken:
		req.Header.Set("Authorization", "SSWS "+c.cfg.APIToken)
		return nil
	default:
		u := *req.URL
		u.RawQuery = ""
		auth := sdk.NewPrivateKeyAuth(sdk.PrivateKeyAuthConfig{
			TokenCache:   c.rawTokens,
			HttpClient:   c.http,
			PrivateKey:   c.cfg.PrivateKey,
			PrivateKeyId: c.cfg.PrivateKeyID,
			ClientId:     c.cfg.ClientID,
			OrgURL:       c.orgURL.String(),
			UserAgent:    c.ua,
			Scopes:       c.cfg.Scopes,
			Req:          req,
		})
		return auth.Authorize(req.Method, u.String())
	}
}

// doJSON sends one raw call through the shared transport: path is relative to the org URL, body
// (if not nil) is sent as JSON — a json.RawMessage or []byte is sent as is, which is how a caller
// sends an explicit null — and a 2xx answer is decoded into out (if not nil). Error answers come
// back as *APIError. Retries, rate limits and logging are the transport's.
func (c *Client) doJSON(ctx context.Context, method, path string, query url.Values, body, out any) error {
	_, err := c.doJSONHeader(ctx, method, path, query, body, out)
	return err
}

// Raw is doJSON for the acceptance-test harness and the sweeper, which must read and change an
// org out of band. Resources and data sources call the typed functions of this package instead.
func (c *Client) Raw(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.doJSON(ctx, method, path, query, body, out)
}

// doJSONHeader is doJSON that also returns the answer's headers (for Link pagination).
func (c *Client) doJSONHeader(ctx context.Context, method, path string, query url.Values, body, out any) (http.Header, error) {
	u := *c.orgURL
	u.Path = path
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		var b []byte
		switch v := body.(type) {
		case json.RawMessage:
			b = v
		case []byte:
			b = v
		default:
			var err error
			if b, err = json.Marshal(body); err != nil {
				return nil, fmt.Errorf("encoding %s %s: %w", method, path, err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.ua)
	if err := c.authorize(req); err != nil {
		return nil, c.translate(err, nil, "", "")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.Header, fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return resp.Header, parseAPIError(resp.StatusCode, method, path, b)
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.Header, fmt.Errorf("decoding the answer to %s %s: %w", method, path, err)
		}
	}
	return resp.Header, nil
}

// nextCursor returns the `after` value of the rel="next" Link, or "" on the last page.
func nextCursor(h http.Header) string {
	for _, l := range h.Values("Link") {
		for _, part := range strings.Split(l, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			isNext := false
			for _, s := range segs[1:] {
				if strings.ReplaceAll(strings.TrimSpace(s), `"`, "") == "rel=next" {
					isNext = true
				}
			}
			if !isNext {
				continue
			}
			raw := strings.Trim(strings.TrimSpace(segs[0]), "<>")
			if u, err := url.Parse(raw); err == nil {
				return u.Query().Get("after")
			}
		}
	}
	return ""
}

// maxPages bounds every paginated listing, so a server that keeps answering with a next link
// cannot keep a plan running forever.
const maxPages = 1000
