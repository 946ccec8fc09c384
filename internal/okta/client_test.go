package okta

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

const emuToken = "finder-test-token"

func newEmu(t *testing.T, opts oktaemu.Options) (*httptest.Server, *Client) {
	t.Helper()
	opts.Token = emuToken
	e, err := oktaemu.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: emuToken, MaxRetries: 2, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestFindApp(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	a, err := c.FindApp(ctx, oktaemu.DemoDialpadAppID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Label != oktaemu.DemoDialpadAppLabel || a.Name != oktaemu.DemoDialpadAppName || a.Status != "ACTIVE" || a.ProfileSourcingEnabled {
		t.Fatalf("got %+v", a)
	}
	hr, err := c.FindApp(ctx, oktaemu.DemoHRAppID)
	if err != nil || !hr.ProfileSourcingEnabled {
		t.Fatalf("HR app %+v, %v: want a profile source", hr, err)
	}
	if _, err := c.FindApp(ctx, "0oanosuchapp00000000"); !IsNotFound(err) {
		t.Fatalf("unknown id gave %v, want NotFoundError", err)
	}
}

func TestFindAppsByLabelIsExact(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	apps, err := c.FindAppsByLabel(ctx, "Dialpad")
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].ID != oktaemu.DemoDialpadAppID {
		t.Fatalf(`"Dialpad" matched %+v; "Dialpad Meetings" must not match`, apps)
	}
	if apps, err = c.FindAppsByLabel(ctx, "dialpad"); err != nil || len(apps) != 0 {
		t.Fatalf("case-insensitive match: %+v %v", apps, err)
	}
	sources, err := c.ListProfileSourceApps(ctx)
	if err != nil || len(sources) != 1 || sources[0].ID != oktaemu.DemoHRAppID {
		t.Fatalf("profile sources %+v, %v", sources, err)
	}
}

func TestFindUserType(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	for _, key := range []string{"", "default", oktaemu.DemoDefaultUserTypeID, "user"} {
		ut, err := c.FindUserType(ctx, key)
		if err != nil {
			t.Fatalf("%q: %v", key, err)
		}
		if ut.ID != oktaemu.DemoDefaultUserTypeID || ut.SchemaID != oktaemu.DemoDefaultUserSchemaID || !ut.Default {
			t.Fatalf("%q gave %+v", key, ut)
		}
	}
	if _, err := c.FindUserType(ctx, "contractor"); !IsNotFound(err) {
		t.Fatalf("unknown name gave %v", err)
	}
}

func TestUsersPaginate(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	users, err := c.ListUsers(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != oktaemu.DemoUserCount {
		t.Fatalf("%d users, want %d (pagination over pages of 200)", len(users), oktaemu.DemoUserCount)
	}
	u, err := c.GetUser(ctx, users[0].ID)
	if err != nil || u.Login == "" || u.Login != users[0].Login {
		t.Fatalf("GetUser: %+v, %v", u, err)
	}
	if _, err := c.GetUser(ctx, "00unosuchuser0000000"); !IsNotFound(err) {
		t.Fatalf("unknown user gave %v", err)
	}
	appUsers, err := c.ListAppUsers(ctx, oktaemu.DemoDialpadAppID)
	if err != nil || len(appUsers) != oktaemu.DemoDialpadUserCount {
		t.Fatalf("%d app users, %v", len(appUsers), err)
	}
	if _, err := c.ListAppUsers(ctx, "0oanosuchapp00000000"); !IsNotFound(err) {
		t.Fatalf("unknown app gave %v", err)
	}
}

func TestAPIErrorCarriesSummaryAndCauses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errorCode":"E0000001","errorSummary":"Api validation failed: name","errorLink":"E0000001","errorId":"oae1","errorCauses":[{"errorSummary":"Variable name must start with a letter."}]}`)
	}))
	defer srv.Close()
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	// Through the SDK (GenericOpenAPIError) and through a raw call: the same *APIError.
	_, sdkErr := c.GetUser(context.Background(), "00u1")
	rawErr := c.doJSON(context.Background(), "POST", "/api/v1/meta/schemas/user/default", nil, map[string]any{"x": nil}, nil)
	for name, err := range map[string]error{"sdk": sdkErr, "raw": rawErr} {
		ae, ok := AsAPIError(err)
		if !ok {
			t.Fatalf("%s: %T %v is not an *APIError", name, err, err)
		}
		if ae.Status != 400 || ae.ErrorCode != "E0000001" || len(ae.ErrorCauses) != 1 {
			t.Fatalf("%s: %+v", name, ae)
		}
		for _, want := range []string{"400", "E0000001", "Api validation failed: name", "Variable name must start with a letter."} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", name, err.Error(), want)
			}
		}
	}
}

func TestNewClientIgnoresSDKEnvironment(t *testing.T) {
	t.Setenv("OKTA_CLIENT_ORGURL", "https://wrong.okta.com")
	t.Setenv("OKTA_CLIENT_TOKEN", "wrong-token")
	t.Setenv("OKTA_CLIENT_AUTHORIZATIONMODE", "Bearer")
	t.Setenv("OKTA_CLIENT_PROXY_HOST", "proxy.invalid")
	t.Setenv("OKTA_CLIENT_PROXY_PORT", "3128")
	t.Setenv("OKTA_CLIENT_CACHE_ENABLED", "true")
	t.Setenv("OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES", "9")
	_, c := newEmu(t, oktaemu.Options{})
	if _, err := c.GetUser(context.Background(), "00unosuchuser0000000"); !IsNotFound(err) {
		t.Fatalf("the SDK picked up OKTA_CLIENT_* settings: %v", err)
	}
	cfg := c.api.GetConfig()
	if cfg.Okta.Client.Cache.Enabled || cfg.Okta.Client.Proxy.Host != "" || cfg.Okta.Client.RateLimit.MaxRetries != 0 || cfg.Okta.Client.Token != emuToken {
		t.Fatalf("SDK configuration not isolated: %+v", cfg.Okta.Client)
	}
	if !strings.HasSuffix(cfg.Okta.Client.OrgUrl, c.orgURL.Port()) || cfg.Host != c.orgURL.Host {
		t.Fatalf("port lost: OrgUrl %q Host %q", cfg.Okta.Client.OrgUrl, cfg.Host)
	}
}

func rsaKeyPair(t *testing.T) (privPEM, pubPEM string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(k)
	pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
}

func registerOAuthClient(t *testing.T, srvURL, clientID, pubPEM string, scopes []string, dpop ...bool) {
	t.Helper()
	emuControlPut(t, srvURL, emuToken, "/__emulator/oauth-clients/"+clientID,
		map[string]any{"public_key_pem": pubPEM, "scopes": scopes, "dpop_bound_access_tokens": len(dpop) > 0 && dpop[0]})
}

// emuControlPut sends a PUT to the emulator's control API (what an admin does in the console).
func emuControlPut(t *testing.T, base, token, path string, body any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "SSWS "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("PUT %s: %s", path, resp.Status)
	}
}

// Private-key JWT through the SDK (finders via SDK and raw calls alike), token URL with the port.
func TestOAuthPrivateKey(t *testing.T) {
	srv, _ := newEmu(t, oktaemu.Options{})
	priv, pub := rsaKeyPair(t)
	registerOAuthClient(t, srv.URL, "0oaclienttest0000001", pub, DefaultScopes)
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, ClientID: "0oaclienttest0000001", PrivateKey: priv, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.FindApp(ctx, oktaemu.DemoDialpadAppID); err != nil { // raw call
		t.Fatalf("raw call with OAuth: %v", err)
	}
	users, err := c.ListUsers(ctx, "") // SDK call
	if err != nil || len(users) == 0 {
		t.Fatalf("SDK call with OAuth: %d users, %v", len(users), err)
	}

	// A client the org does not know: the error says what the token endpoint answered.
	other, _ := rsaKeyPair(t)
	bad, err := NewClient(context.Background(), Config{OrgURL: srv.URL, ClientID: "0oaunknownclient0001", PrivateKey: other, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListUsers(ctx, "")
	if err == nil || !strings.Contains(err.Error(), "0oaunknownclient0001") || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("unknown client gave %v; want the token endpoint's invalid_client", err)
	}
}

func TestValidateOrgURL(t *testing.T) {
	for _, ok := range []string{"https://a.okta.com", "https://a.okta.com/", "http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"} {
		if _, err := ValidateOrgURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a.okta.com", "http://a.okta.com", "https://a-admin.okta.com", "https://u:p@a.okta.com", "https://a.okta.com/x", "ftp://a"} {
		if _, err := ValidateOrgURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// New Okta service apps require DPoP: the SDK negotiates it (invalid_dpop_proof, nonce, proofs
// per call), for its own calls and for our raw calls alike.
func TestOAuthPrivateKeyDPoP(t *testing.T) {
	srv, _ := newEmu(t, oktaemu.Options{})
	priv, pub := rsaKeyPair(t)
	registerOAuthClient(t, srv.URL, "0oaclientdpop0000001", pub, DefaultScopes, true)
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, ClientID: "0oaclientdpop0000001", PrivateKey: priv, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ { // the second round uses the cached DPoP-bound tokens
		if _, err := c.FindApp(ctx, oktaemu.DemoDialpadAppID); err != nil {
			t.Fatalf("raw call with DPoP (round %d): %v", i, err)
		}
		if _, err := c.GetUser(ctx, "00unosuchuser0000000"); !IsNotFound(err) {
			t.Fatalf("SDK call with DPoP (round %d): %v", i, err)
		}
	}
}

// A 429 that outlives max_retries is an *APIError 429 on both paths, saying what to change.
func TestRateLimitedAfterRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		w.Header().Set("X-Rate-Limit-Reset", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorCauses":[]}`)
	}))
	defer srv.Close()
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: "t", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, sdkErr := c.GetUser(context.Background(), "00u1")
	_, rawErr := c.FindApp(context.Background(), "0oa1")
	for name, err := range map[string]error{"sdk": sdkErr, "raw": rawErr} {
		ae, ok := AsAPIError(err)
		if !ok || ae.Status != 429 || ae.ErrorCode != "E0000047" || IsAmbiguous(err) {
			t.Errorf("%s: %T %v", name, err, err)
		}
	}
}

// TestSameUserType: the default type's spellings are one type without a read; its id costs one
// read; another type's name and id are one type; a name of no type is no type.
func TestSameUserType(t *testing.T) {
	srv, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	body := strings.NewReader(`{"name":"contractor","displayName":"Contractor"}`)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/meta/types/user", body)
	req.Header.Set("Authorization", "SSWS "+emuToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("creating a user type: %v %v", resp, err)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"user", "default", true},
		{"", "user", true},
		{oktaemu.DemoDefaultUserTypeID, "user", true},
		{"default", oktaemu.DemoDefaultUserTypeID, true},
		{"contractor", created.ID, true},
		{"contractor", "default", false},
		{created.ID, oktaemu.DemoDefaultUserTypeID, false},
		{"nosuchtype", "default", false},
		{"nosuchtype", "contractor", false},
	} {
		got, err := c.SameUserType(ctx, tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("SameUserType(%q, %q) = %v, %v; want %v", tc.a, tc.b, got, err, tc.want)
		}
	}
}
