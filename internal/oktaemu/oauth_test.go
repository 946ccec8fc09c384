package oktaemu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
	"github.com/google/uuid"
	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// The tests in this file drive oauth.go directly (no router): a request to the token endpoint is
// built by hand the way okta-sdk-golang v5.0.6 builds it (client.go: createClientAssertion,
// getAccessTokenForPrivateKey, generateDpopJWT).

const oauthTestHost = "org.example.test"

var (
	oauthTestKeyOnce sync.Once
	oauthTestKeys    [2]*rsa.PrivateKey
)

// oauthTestRSAKeys returns two RSA key pairs made for this test binary (generating 2048-bit keys is
// slow on the shared machine, so they are made once).
func oauthTestRSAKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	oauthTestKeyOnce.Do(func() {
		for i := range oauthTestKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			oauthTestKeys[i] = k
		}
	})
	return oauthTestKeys[0], oauthTestKeys[1]
}

func oauthTestPublicPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func oauthTestPrivatePEM(key *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

// register calls handleRegisterClient as the control API would and returns the response.
func oauthTestRegister(t *testing.T, o *oauthServer, clientID string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPut, "http://"+oauthTestHost+"/__emulator/oauth-clients/"+clientID, strings.NewReader(string(b)))
	rec := httptest.NewRecorder()
	o.handleRegisterClient(rec, req, clientID)
	return rec
}

type oauthTestAssertion struct {
	kid      string
	iss, sub string
	aud      string
	exp, iat time.Time
	jti      string
}

func oauthTestDefaultAssertion(clientID string) oauthTestAssertion {
	now := time.Now()
	return oauthTestAssertion{
		iss: clientID, sub: clientID, aud: "http://" + oauthTestHost + oauthTokenPath,
		exp: now.Add(time.Hour), iat: now, jti: uuid.NewString(),
	}
}

func (a oauthTestAssertion) sign(t *testing.T, key any, alg jose.SignatureAlgorithm) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if a.kid != "" {
		opts = opts.WithHeader("kid", a.kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"iss": a.iss, "sub": a.sub, "aud": a.aud, "exp": a.exp.Unix(), "iat": a.iat.Unix(), "jti": a.jti}
	s, err := jwt.Signed(signer).Claims(claims).CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// oauthTestDPoP makes a DPoP proof as generateDpopJWT does: RS256, typ dpop+jwt, the public key as
// jwk header, claims htm/htu/iat/jti and optional nonce and ath.
func oauthTestDPoP(t *testing.T, key *rsa.PrivateKey, method, u, nonce, accessToken string) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("dpop+jwt").WithHeader("jwk", jose.JSONWebKey{Key: &key.PublicKey})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"htm": method, "htu": u, "iat": time.Now().Unix(), "jti": uuid.NewString()}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["ath"] = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	s, err := jwt.Signed(signer).Claims(claims).CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type oauthTestReply struct {
	status int
	header http.Header
	body   map[string]any
}

func oauthTestToken(t *testing.T, o *oauthServer, form url.Values, dpop string) oauthTestReply {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://"+oauthTestHost+oauthTokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if dpop != "" {
		req.Header.Set("DPoP", dpop)
	}
	rec := httptest.NewRecorder()
	o.handleToken(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("token endpoint answered non-JSON %q: %v", rec.Body.String(), err)
	}
	return oauthTestReply{status: rec.Code, header: rec.Header(), body: body}
}

func oauthTestForm(assertion, scope string) url.Values {
	return url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {scope},
		"client_assertion_type": {oauthAssertionType},
		"client_assertion":      {assertion},
	}
}

func oauthTestWantError(t *testing.T, got oauthTestReply, status int, code, descPart string) {
	t.Helper()
	if got.status != status || got.body["error"] != code {
		t.Fatalf("got %d %v, want %d error=%s", got.status, got.body, status, code)
	}
	if d, _ := got.body["error_description"].(string); !strings.Contains(d, descPart) {
		t.Fatalf("error_description %q does not contain %q", d, descPart)
	}
	if _, ok := got.body["access_token"]; ok {
		t.Fatalf("an error response carries an access token: %v", got.body)
	}
}

func TestOAuthRegisterClient(t *testing.T) {
	key, _ := oauthTestRSAKeys(t)
	o := newOAuthServer()

	rec := oauthTestRegister(t, o, "0oaClient", map[string]any{
		"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey),
		"scopes":         []string{"okta.schemas.read", "okta.apps.read"},
	})
	if rec.Code != http.StatusOK {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["client_id"] != "0oaClient" || !reflect.DeepEqual(got["scopes"], []any{"okta.apps.read", "okta.schemas.read"}) {
		t.Fatalf("register answered %v", got)
	}

	// PKCS#1 "RSA PUBLIC KEY" is what the SDK's own helpers write; EC keys are accepted like Okta does.
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}))
	if rec := oauthTestRegister(t, o, "0oaPKCS1", map[string]any{"public_key_pem": pkcs1, "scopes": []string{"okta.users.read"}}); rec.Code != http.StatusOK {
		t.Fatalf("PKCS#1 key refused: %d %s", rec.Code, rec.Body)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if rec := oauthTestRegister(t, o, "0oaEC", map[string]any{"public_key_pem": oauthTestPublicPEM(t, &ec.PublicKey), "scopes": []string{"okta.users.read"}}); rec.Code != http.StatusOK {
		t.Fatalf("EC key refused: %d %s", rec.Code, rec.Body)
	}

	for name, body := range map[string]any{
		"no key":      map[string]any{"scopes": []string{"okta.users.read"}},
		"private key": map[string]any{"public_key_pem": oauthTestPrivatePEM(key), "scopes": []string{"okta.users.read"}},
		"not PEM":     map[string]any{"public_key_pem": "hello", "scopes": []string{"okta.users.read"}},
		"bad scope":   map[string]any{"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey), "scopes": []string{"a b"}},
	} {
		if rec := oauthTestRegister(t, o, "0oaBad", body); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: got %d %s, want 400", name, rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest(http.MethodPut, "/__emulator/oauth-clients/x", strings.NewReader("{"))
	rec = httptest.NewRecorder()
	o.handleRegisterClient(rec, req, "x")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("malformed JSON: got %d", rec.Code)
	}
}

func TestOAuthToken_clientCredentials(t *testing.T) {
	key, _ := oauthTestRSAKeys(t)
	o := newOAuthServer()
	oauthTestRegister(t, o, "0oaSvc", map[string]any{
		"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey),
		"scopes":         []string{"okta.schemas.read", "okta.schemas.manage", "okta.apps.read"},
	})

	a := oauthTestDefaultAssertion("0oaSvc")
	a.kid = "any-kid" // no key_id registered: like a single-key app, any kid is accepted
	got := oauthTestToken(t, o, oauthTestForm(a.sign(t, key, jose.RS256), "okta.schemas.read okta.apps.read"), "")
	if got.status != http.StatusOK {
		t.Fatalf("token: %d %v", got.status, got.body)
	}
	if got.body["token_type"] != "Bearer" || got.body["expires_in"] != float64(3600) || got.body["scope"] != "okta.schemas.read okta.apps.read" {
		t.Fatalf("token response %v", got.body)
	}
	if got.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got.header.Get("Cache-Control"))
	}
	tok, _ := got.body["access_token"].(string)
	if len(tok) < 32 {
		t.Fatalf("access token %q is not an opaque random token", tok)
	}

	// Only the requested scopes are granted, even though more are registered.
	scopes, ok := o.scopesFor(tok)
	if !ok || !reflect.DeepEqual(scopes, []string{"okta.schemas.read", "okta.apps.read"}) {
		t.Fatalf("scopesFor = %v, %v", scopes, ok)
	}
	req := httptest.NewRequest(http.MethodGet, "http://"+oauthTestHost+"/api/v1/apps", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if scopes, ok := o.authorize(req); !ok || len(scopes) != 2 {
		t.Fatalf("authorize(Bearer) = %v, %v", scopes, ok)
	}
	req.Header.Set("Authorization", "SSWS "+tok)
	if _, ok := o.authorize(req); ok {
		t.Fatal("an access token was accepted under the SSWS scheme")
	}
	if _, ok := o.scopesFor("not-a-token"); ok {
		t.Fatal("unknown token accepted")
	}

	// Tokens expire after expires_in.
	o.now = func() time.Time { return time.Now().Add(oauthTokenTTL + time.Second) }
	if _, ok := o.scopesFor(tok); ok {
		t.Fatal("expired token accepted")
	}
}

// TestOAuthToken_ecKey: the SDK signs with ES256 when given a PKCS#8 EC key; Okta accepts EC keys.
func TestOAuthToken_ecKey(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o := newOAuthServer()
	oauthTestRegister(t, o, "0oaEC", map[string]any{"public_key_pem": oauthTestPublicPEM(t, &ec.PublicKey), "scopes": []string{"okta.users.read"}})
	a := oauthTestDefaultAssertion("0oaEC")
	if got := oauthTestToken(t, o, oauthTestForm(a.sign(t, ec, jose.ES256), "okta.users.read"), ""); got.status != http.StatusOK {
		t.Fatalf("ES256 assertion: %d %v", got.status, got.body)
	}
	rsaKey, _ := oauthTestRSAKeys(t)
	got := oauthTestToken(t, o, oauthTestForm(oauthTestDefaultAssertion("0oaEC").sign(t, rsaKey, jose.RS256), "okta.users.read"), "")
	oauthTestWantError(t, got, 401, "invalid_client", "signature")
}

func TestOAuthToken_refused(t *testing.T) {
	key, other := oauthTestRSAKeys(t)
	o := newOAuthServer()
	oauthTestRegister(t, o, "0oaSvc", map[string]any{
		"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey),
		"scopes":         []string{"okta.schemas.read"},
	})
	oauthTestRegister(t, o, "0oaKid", map[string]any{
		"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey),
		"scopes":         []string{"okta.schemas.read"},
		"key_id":         "kid-1",
	})
	const scope = "okta.schemas.read"

	cases := []struct {
		name     string
		mutate   func(*oauthTestAssertion)
		signWith *rsa.PrivateKey
		scope    string
		status   int
		code     string
		desc     string
	}{
		{"unknown client", func(a *oauthTestAssertion) { a.iss, a.sub = "0oaNobody", "0oaNobody" }, key, scope, 401, "invalid_client", "client_id"},
		{"bad signature", nil, other, scope, 401, "invalid_client", "signature is invalid"},
		{"wrong audience", func(a *oauthTestAssertion) { a.aud = "http://" + oauthTestHost + "/oauth2/default/v1/token" }, key, scope, 401, "invalid_client", "audience"},
		{"issuer not the client", func(a *oauthTestAssertion) { a.iss = "someone" }, key, scope, 401, "invalid_client", "'iss' and 'sub'"},
		{"expired", func(a *oauthTestAssertion) { a.exp = time.Now().Add(-time.Hour) }, key, scope, 401, "invalid_client", "expired"},
		{"expires too late", func(a *oauthTestAssertion) { a.exp = time.Now().Add(3 * time.Hour) }, key, scope, 401, "invalid_client", "too far"},
		{"no jti", func(a *oauthTestAssertion) { a.jti = "" }, key, scope, 401, "invalid_client", "jti"},
		{"kid mismatch", func(a *oauthTestAssertion) { a.iss, a.sub, a.kid = "0oaKid", "0oaKid", "kid-2" }, key, scope, 401, "invalid_client", "kid is invalid"},
		{"unregistered scope", nil, key, "okta.schemas.read okta.users.manage", 400, "invalid_scope", "okta.users.manage"},
		{"no scope", nil, key, "", 400, "invalid_scope", "scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := oauthTestDefaultAssertion("0oaSvc")
			if c.mutate != nil {
				c.mutate(&a)
			}
			got := oauthTestToken(t, o, oauthTestForm(a.sign(t, c.signWith, jose.RS256), c.scope), "")
			oauthTestWantError(t, got, c.status, c.code, c.desc)
		})
	}

	t.Run("replayed assertion", func(t *testing.T) {
		assertion := oauthTestDefaultAssertion("0oaSvc").sign(t, key, jose.RS256)
		if got := oauthTestToken(t, o, oauthTestForm(assertion, scope), ""); got.status != http.StatusOK {
			t.Fatalf("first use: %d %v", got.status, got.body)
		}
		oauthTestWantError(t, oauthTestToken(t, o, oauthTestForm(assertion, scope), ""), 401, "invalid_client", "already been used")
	})
	t.Run("matching kid", func(t *testing.T) {
		a := oauthTestDefaultAssertion("0oaKid")
		a.kid = "kid-1"
		if got := oauthTestToken(t, o, oauthTestForm(a.sign(t, key, jose.RS256), scope), ""); got.status != http.StatusOK {
			t.Fatalf("got %d %v", got.status, got.body)
		}
	})
	t.Run("HMAC assertion", func(t *testing.T) {
		// A symmetric signature with the public key as secret must never pass for private_key_jwt.
		secret := x509.MarshalPKCS1PublicKey(&key.PublicKey)
		a := oauthTestDefaultAssertion("0oaSvc")
		got := oauthTestToken(t, o, oauthTestForm(a.sign(t, secret, jose.HS256), scope), "")
		oauthTestWantError(t, got, 401, "invalid_client", "algorithm")
	})
	t.Run("wrong grant type", func(t *testing.T) {
		f := oauthTestForm(oauthTestDefaultAssertion("0oaSvc").sign(t, key, jose.RS256), scope)
		f.Set("grant_type", "password")
		oauthTestWantError(t, oauthTestToken(t, o, f, ""), 400, "unsupported_grant_type", "password")
	})
	t.Run("no client assertion", func(t *testing.T) {
		f := oauthTestForm("", scope)
		oauthTestWantError(t, oauthTestToken(t, o, f, ""), 401, "invalid_client", "Client authentication failed")
	})
	t.Run("malformed assertion", func(t *testing.T) {
		oauthTestWantError(t, oauthTestToken(t, o, oauthTestForm("a.b.c", scope), ""), 401, "invalid_client", "malformed")
	})
	t.Run("GET", func(t *testing.T) {
		rec := httptest.NewRecorder()
		o.handleToken(rec, httptest.NewRequest(http.MethodGet, "http://"+oauthTestHost+oauthTokenPath, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("GET token endpoint: %d", rec.Code)
		}
	})
}

func TestOAuthToken_reregistrationRevokes(t *testing.T) {
	key, other := oauthTestRSAKeys(t)
	o := newOAuthServer()
	oauthTestRegister(t, o, "0oaSvc", map[string]any{"public_key_pem": oauthTestPublicPEM(t, &key.PublicKey), "scopes": []string{"okta.users.read"}})
	got := oauthTestToken(t, o, oauthTestForm(oauthTestDefaultAssertion("0oaSvc").sign(t, key, jose.RS256), "okta.users.read"), "")
	tok, _ := got.body["access_token"].(string)
	if _, ok := o.scopesFor(tok); !ok {
		t.Fatalf("token not valid: %v", got.body)
	}
	oauthTestRegister(t, o, "0oaSvc", map[string]any{"public_key_pem": oauthTestPublicPEM(t, &other.PublicKey), "scopes": []string{"okta.users.read"}})
	if _, ok := o.scopesFor(tok); ok {
		t.Fatal("token survived re-registration of its client")
	}
	// The old key no longer authenticates the client; the new one does.
	oauthTestWantError(t, oauthTestToken(t, o, oauthTestForm(oauthTestDefaultAssertion("0oaSvc").sign(t, key, jose.RS256), "okta.users.read"), ""), 401, "invalid_client", "signature")
	if got := oauthTestToken(t, o, oauthTestForm(oauthTestDefaultAssertion("0oaSvc").sign(t, other, jose.RS256), "okta.users.read"), ""); got.status != 200 {
		t.Fatalf("new key refused: %v", got.body)
	}
}

// TestOAuthToken_dpop walks the exchange the SDK performs for a DPoP-bound client: a request without
// proof is refused invalid_dpop_proof, a proof without nonce gets use_dpop_nonce and a DPoP-Nonce
// header, a proof with that nonce gets a DPoP token, and API calls need a fresh proof bound to it.
func TestOAuthToken_dpop(t *testing.T) {
	key, dpopKey := oauthTestRSAKeys(t)
	o := newOAuthServer()
	oauthTestRegister(t, o, "0oaDPoP", map[string]any{
		"public_key_pem":           oauthTestPublicPEM(t, &key.PublicKey),
		"scopes":                   []string{"okta.schemas.read"},
		"dpop_bound_access_tokens": true,
	})
	tokenURL := "http://" + oauthTestHost + oauthTokenPath
	form := func() url.Values {
		return oauthTestForm(oauthTestDefaultAssertion("0oaDPoP").sign(t, key, jose.RS256), "okta.schemas.read")
	}

	oauthTestWantError(t, oauthTestToken(t, o, form(), ""), 400, "invalid_dpop_proof", "missing")

	got := oauthTestToken(t, o, form(), oauthTestDPoP(t, dpopKey, http.MethodPost, tokenURL, "", ""))
	oauthTestWantError(t, got, 400, "use_dpop_nonce", "nonce")
	nonce := got.header.Get("DPoP-Nonce")
	if nonce == "" {
		t.Fatal("use_dpop_nonce without a DPoP-Nonce header")
	}

	oauthTestWantError(t, oauthTestToken(t, o, form(), oauthTestDPoP(t, dpopKey, http.MethodPost, tokenURL, "made-up", "")), 400, "use_dpop_nonce", "nonce")
	oauthTestWantError(t, oauthTestToken(t, o, form(), oauthTestDPoP(t, dpopKey, http.MethodGet, tokenURL, nonce, "")), 400, "invalid_dpop_proof", "htm")
	oauthTestWantError(t, oauthTestToken(t, o, form(), oauthTestDPoP(t, dpopKey, http.MethodPost, "http://elsewhere"+oauthTokenPath, nonce, "")), 400, "invalid_dpop_proof", "htu")

	got = oauthTestToken(t, o, form(), oauthTestDPoP(t, dpopKey, http.MethodPost, tokenURL, nonce, ""))
	if got.status != http.StatusOK || got.body["token_type"] != "DPoP" {
		t.Fatalf("token with nonce: %d %v", got.status, got.body)
	}
	tok, _ := got.body["access_token"].(string)

	apiURL := "http://" + oauthTestHost + "/api/v1/meta/schemas/user/default"
	call := func(scheme, proof string) bool {
		req := httptest.NewRequest(http.MethodGet, apiURL+"?x=1", nil)
		req.Header.Set("Authorization", scheme+" "+tok)
		if proof != "" {
			req.Header.Set("DPoP", proof)
		}
		_, ok := o.authorize(req)
		return ok
	}
	proof := oauthTestDPoP(t, dpopKey, http.MethodGet, apiURL, nonce, tok)
	if !call("DPoP", proof) {
		t.Fatal("DPoP call with a valid proof refused")
	}
	if call("DPoP", proof) {
		t.Error("a DPoP proof was accepted twice")
	}
	if call("DPoP", "") {
		t.Error("DPoP call without proof accepted")
	}
	if call("Bearer", "") {
		t.Error("DPoP-bound token accepted as Bearer")
	}
	if _, ok := o.scopesFor(tok); ok {
		t.Error("scopesFor accepted a DPoP-bound token")
	}
	if call("DPoP", oauthTestDPoP(t, dpopKey, http.MethodPost, apiURL, nonce, tok)) {
		t.Error("proof for another method accepted")
	}
	if call("DPoP", oauthTestDPoP(t, dpopKey, http.MethodGet, apiURL, nonce, "other-token")) {
		t.Error("proof with a wrong ath accepted")
	}
	if call("DPoP", oauthTestDPoP(t, key, http.MethodGet, apiURL, nonce, tok)) {
		t.Error("proof signed by a key the token is not bound to accepted")
	}
}

// oauthTestSDK builds an okta-sdk-golang v5 client in PrivateKey mode, configured the way the
// provider configures it, against orgURL (an http:// test server).
func oauthTestSDK(t *testing.T, orgURL, clientID string, key *rsa.PrivateKey, scopes []string) *sdk.APIClient {
	t.Helper()
	cfg, err := sdk.NewConfiguration(
		sdk.WithOrgUrl(orgURL),
		sdk.WithAuthorizationMode("PrivateKey"),
		sdk.WithClientId(clientID),
		sdk.WithScopes(scopes),
		sdk.WithPrivateKey(oauthTestPrivatePEM(key)),
		sdk.WithPrivateKeyId("kid-1"),
		sdk.WithCache(false),
		sdk.WithTestingDisableHttpsCheck(true),
		sdk.WithRateLimitMaxRetries(0),
	)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(orgURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host = u.Host // NewConfiguration keeps only the hostname; the test server needs its port
	return sdk.NewAPIClient(cfg)
}

// oauthTestEmulator starts the demo org on a real HTTP server (the SDK needs one) and registers an
// OAuth client through the control API, as the acceptance-test harness does.
func oauthTestEmulator(t *testing.T, clientID string, reg map[string]any) (*Emulator, *httptest.Server) {
	t.Helper()
	emu, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	b, _ := json.Marshal(reg)
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/__emulator/oauth-clients/"+clientID, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "SSWS "+DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("registering OAuth client: %s", resp.Status)
	}
	return emu, srv
}

// TestOAuthSDK_emulator gets tokens through okta-sdk-golang v5.0.6 itself, in both modes the SDK
// knows: plain Bearer, and DPoP (which the SDK switches to when the token endpoint asks for it).
func TestOAuthSDK_emulator(t *testing.T) {
	key, other := oauthTestRSAKeys(t)
	for _, dpop := range []bool{false, true} {
		name := "bearer"
		if dpop {
			name = "dpop"
		}
		t.Run(name, func(t *testing.T) {
			emu, srv := oauthTestEmulator(t, "0oaSDK", map[string]any{
				"public_key_pem":           oauthTestPublicPEM(t, &key.PublicKey),
				"scopes":                   []string{"okta.schemas.read", "okta.apps.read"},
				"key_id":                   "kid-1",
				"dpop_bound_access_tokens": dpop,
			})
			ctx := t.Context()

			c := oauthTestSDK(t, srv.URL, "0oaSDK", key, []string{"okta.schemas.read", "okta.apps.read"})
			for i := 0; i < 2; i++ { // the second call reuses the SDK's cached token (and, for DPoP, its key)
				s, _, err := c.SchemaAPI.GetUserSchema(ctx, "default").Execute()
				if err != nil {
					t.Fatalf("GET user schema #%d: %v", i+1, err)
				}
				if s.Definitions == nil || s.Definitions.Base == nil {
					t.Fatalf("GET user schema #%d: no base definitions in %+v", i+1, s)
				}
			}
			if _, _, err := c.ApplicationAPI.GetApplication(ctx, DemoDialpadAppID).Execute(); err != nil {
				t.Fatalf("GET app: %v", err)
			}
			emu.oauth.mu.Lock()
			for _, tok := range emu.oauth.tokens {
				if bound := tok.jkt != ""; bound != dpop {
					t.Errorf("issued token DPoP-bound = %v, want %v", bound, dpop)
				}
			}
			emu.oauth.mu.Unlock()

			// Outside the granted scopes: writing the schema, reading users.
			_, resp, err := c.SchemaAPI.UpdateUserProfile(ctx, "default").UserSchema(sdk.UserSchema{}).Execute()
			oauthTestWant403(t, "POST user schema", resp, err)
			_, resp, err = c.UserAPI.ListUsers(ctx).Execute()
			oauthTestWant403(t, "GET users", resp, err)

			// The SDK reports every token endpoint refusal as "Empty access token" (it drops the OAuth
			// error body; the unit tests above check the bodies), so these only prove nothing got through.
			for name, c := range map[string]*sdk.APIClient{
				"wrong key":          oauthTestSDK(t, srv.URL, "0oaSDK", other, []string{"okta.schemas.read"}),
				"unknown client":     oauthTestSDK(t, srv.URL, "0oaNobody", key, []string{"okta.schemas.read"}),
				"unregistered scope": oauthTestSDK(t, srv.URL, "0oaSDK", key, []string{"okta.schemas.read", "okta.users.read"}),
			} {
				if _, _, err := c.SchemaAPI.GetUserSchema(ctx, "default").Execute(); err == nil {
					t.Errorf("%s: GET user schema succeeded", name)
				}
			}
		})
	}
}

func oauthTestWant403(t *testing.T, what string, resp *sdk.APIResponse, err error) {
	t.Helper()
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("%s outside the granted scopes: resp %v, err %v; want 403", what, resp, err)
	}
	var ge *sdk.GenericOpenAPIError
	if !errors.As(err, &ge) || !strings.Contains(string(ge.Body()), `"E0000006"`) {
		t.Fatalf("%s: 403 body is not E0000006: %v", what, err)
	}
}
