package oktaemu

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
)

// The org authorization server's token endpoint, as okta-sdk-golang builds it (orgURL + this path).
const oauthTokenPath = "/oauth2/v1/token"

const (
	oauthAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// Okta's org authorization server issues access tokens that live one hour.
	oauthTokenTTL = time.Hour
	// How far clocks may disagree when checking iat/exp of assertions and DPoP proofs.
	oauthClockSkew = 5 * time.Minute
	// Okta refuses client assertions that expire more than an hour after they are presented.
	oauthMaxAssertionLifetime = time.Hour
	// DPoP nonces issued by the token endpoint stay acceptable this long.
	oauthNonceTTL = 5 * time.Minute
)

// Asymmetric algorithms Okta accepts for private_key_jwt assertions and DPoP proofs.
var oauthAllowedAlgs = map[string]bool{
	"RS256": true, "RS384": true, "RS512": true,
	"ES256": true, "ES384": true, "ES512": true,
}

// oauthServer is the org's OAuth 2.0 authorization server for service apps: clients registered
// through the control API, private_key_jwt client assertions, scoped access tokens.
type oauthServer struct {
	mu      sync.Mutex
	clients map[string]*oauthClient
	tokens  map[string]*oauthToken
	// jti values already presented (client assertions and DPoP proofs), with when they may be forgotten.
	seenJTIs map[string]time.Time
	// DPoP nonces handed out by the token endpoint, with their expiry.
	nonces map[string]time.Time

	now func() time.Time
}

// oauthClient is a registered service app: one public key and the scopes granted to it.
type oauthClient struct {
	id     string
	key    crypto.PublicKey
	keyID  string // optional; when set, an assertion's kid must match it
	scopes map[string]bool
	dpop   bool // dpop_bound_access_tokens: token requests must carry a DPoP proof
}

// oauthToken is an issued, opaque access token.
type oauthToken struct {
	clientID string
	scopes   []string
	expires  time.Time
	jkt      string // SHA-256 thumbprint of the DPoP key the token is bound to; empty for Bearer tokens
}

func newOAuthServer() *oauthServer {
	return &oauthServer{
		clients:  map[string]*oauthClient{},
		tokens:   map[string]*oauthToken{},
		seenJTIs: map[string]time.Time{},
		nonces:   map[string]time.Time{},
		now:      time.Now,
	}
}

// oauthRegistration is the control API body of PUT /__emulator/oauth-clients/{clientId}.
type oauthRegistration struct {
	PublicKeyPEM string   `json:"public_key_pem"`
	Scopes       []string `json:"scopes"`
	// Optional: the kid the client signs with (Okta matches it against the app's JWKS).
	KeyID string `json:"key_id,omitempty"`
	// Optional: Okta's "Require DPoP header in token requests" app setting. The Apps API defaults it to false.
	DPoPBoundAccessTokens bool `json:"dpop_bound_access_tokens,omitempty"`
}

// handleRegisterClient serves the control call PUT /__emulator/oauth-clients/{clientId} (the router
// sees to the method and a non-empty id).
// Registering an existing client id replaces it and revokes the tokens issued to it.
func (o *oauthServer) handleRegisterClient(w http.ResponseWriter, r *http.Request, clientID string) {
	var reg oauthRegistration
	if err := json.NewDecoder(r.Body).Decode(&reg); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed JSON: " + err.Error()})
		return
	}
	key, err := oauthParsePublicKey(reg.PublicKeyPEM)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "public_key_pem: " + err.Error()})
		return
	}
	scopes := map[string]bool{}
	for _, s := range reg.Scopes {
		if strings.TrimSpace(s) != s || s == "" || strings.ContainsAny(s, " \t\n") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("scopes: invalid scope %q", s)})
			return
		}
		scopes[s] = true
	}

	o.mu.Lock()
	o.clients[clientID] = &oauthClient{id: clientID, key: key, keyID: reg.KeyID, scopes: scopes, dpop: reg.DPoPBoundAccessTokens}
	for tok, t := range o.tokens {
		if t.clientID == clientID {
			delete(o.tokens, tok)
		}
	}
	o.mu.Unlock()

	writeJSON(w, http.StatusOK, map[string]any{
		"client_id":                clientID,
		"scopes":                   sortedKeys(scopes),
		"key_id":                   reg.KeyID,
		"dpop_bound_access_tokens": reg.DPoPBoundAccessTokens,
	})
}

// oauthParsePublicKey accepts the PEM forms people have at hand: PKIX "PUBLIC KEY", PKCS#1
// "RSA PUBLIC KEY" (what okta-sdk-golang's helpers write) and a "CERTIFICATE".
func oauthParsePublicKey(p string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.ReplaceAll(p, `\n`, "\n")))
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("PEM type %q is not a public key", block.Type)
	}
	if err != nil {
		return nil, err
	}
	switch key.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return key, nil
	default:
		return nil, fmt.Errorf("unsupported key type %T (Okta takes RSA or EC keys)", key)
	}
}

// oauthAssertionClaims are the private_key_jwt claims okta-sdk-golang sends (ClientAssertionClaims).
type oauthAssertionClaims struct {
	Issuer   string           `json:"iss"`
	Subject  string           `json:"sub"`
	Audience jwt.Audience     `json:"aud"`
	Expiry   *jwt.NumericDate `json:"exp"`
	IssuedAt *jwt.NumericDate `json:"iat"`
	ID       string           `json:"jti"`
}

// oauthDPoPClaims are the claims of a DPoP proof (RFC 9449 section 4.2).
type oauthDPoPClaims struct {
	HTTPMethod  string           `json:"htm"`
	HTTPURI     string           `json:"htu"`
	IssuedAt    *jwt.NumericDate `json:"iat"`
	ID          string           `json:"jti"`
	Nonce       string           `json:"nonce"`
	AccessToken string           `json:"ath"`
}

// oauthErr is an OAuth 2.0 error response (RFC 6749 section 5.2), the shape Okta's token endpoint answers.
type oauthErr struct {
	status int
	code   string
	desc   string
}

func (e *oauthErr) Error() string { return e.code + ": " + e.desc }

func oauthInvalidClient(desc string) *oauthErr {
	return &oauthErr{status: http.StatusUnauthorized, code: "invalid_client", desc: desc}
}

// handleToken serves POST /oauth2/v1/token.
func (o *oauthServer) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthWriteError(w, &oauthErr{http.StatusMethodNotAllowed, "invalid_request", "The token endpoint only accepts POST."})
		return
	}
	resp, err := o.issue(r)
	if err != nil {
		var oe *oauthErr
		if !errors.As(err, &oe) {
			oe = &oauthErr{http.StatusInternalServerError, "server_error", err.Error()}
		}
		if oe.code == "use_dpop_nonce" {
			w.Header().Set("DPoP-Nonce", o.newNonce())
		}
		oauthWriteError(w, oe)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// oauthTokenResponse is the successful token response (RequestAccessToken in the SDK).
type oauthTokenResponse struct {
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
}

// issue runs the client_credentials grant: client authentication by private_key_jwt, DPoP when the
// client requires it, then the scope decision. Checks run in the order Okta reports them.
func (o *oauthServer) issue(r *http.Request) (*oauthTokenResponse, error) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, &oauthErr{http.StatusBadRequest, "invalid_request", "The request must use Content-Type application/x-www-form-urlencoded."}
	}
	if err := r.ParseForm(); err != nil {
		return nil, &oauthErr{http.StatusBadRequest, "invalid_request", "The request body could not be parsed."}
	}
	form := r.PostForm
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		if gt == "" {
			return nil, &oauthErr{http.StatusBadRequest, "invalid_request", "The 'grant_type' parameter is required."}
		}
		return nil, &oauthErr{http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The authorization grant type '%s' is not supported by the authorization server. Configured grant types: [client_credentials].", gt)}
	}
	if form.Get("client_assertion_type") != oauthAssertionType || form.Get("client_assertion") == "" {
		return nil, oauthInvalidClient("Client authentication failed. Either the client or the client credentials are invalid.")
	}
	client, err := o.authenticateClient(r, form.Get("client_assertion"))
	if err != nil {
		return nil, err
	}

	tokenType, jkt := "Bearer", ""
	if client.dpop {
		if jkt, err = o.checkTokenDPoP(r); err != nil {
			return nil, err
		}
		tokenType = "DPoP"
	}

	requested := strings.Fields(form.Get("scope"))
	if len(requested) == 0 {
		return nil, &oauthErr{http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed."}
	}
	var granted []string
	seen := map[string]bool{}
	for _, s := range requested {
		if !client.scopes[s] {
			return nil, &oauthErr{http.StatusBadRequest, "invalid_scope", fmt.Sprintf("The requested scope is invalid, unknown, or malformed. Scope '%s' is not granted to client %s.", s, client.id)}
		}
		if !seen[s] {
			seen[s] = true
			granted = append(granted, s)
		}
	}

	tok := oauthRandom(32)
	o.mu.Lock()
	o.tokens[tok] = &oauthToken{clientID: client.id, scopes: granted, expires: o.now().Add(oauthTokenTTL), jkt: jkt}
	o.mu.Unlock()
	return &oauthTokenResponse{
		TokenType:   tokenType,
		ExpiresIn:   int(oauthTokenTTL / time.Second),
		AccessToken: tok,
		Scope:       strings.Join(granted, " "),
	}, nil
}

// authenticateClient verifies a private_key_jwt client assertion against the registered key.
func (o *oauthServer) authenticateClient(r *http.Request, assertion string) (*oauthClient, error) {
	tok, err := jwt.ParseSigned(assertion)
	if err != nil || len(tok.Headers) != 1 {
		return nil, oauthInvalidClient("The client_assertion token is malformed.")
	}
	var claims oauthAssertionClaims
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return nil, oauthInvalidClient("The client_assertion token is malformed.")
	}
	o.mu.Lock()
	client := o.clients[claims.Subject]
	o.mu.Unlock()
	if client == nil {
		return nil, oauthInvalidClient("Invalid value for 'client_id' parameter.")
	}
	h := tok.Headers[0]
	if !oauthAllowedAlgs[h.Algorithm] {
		return nil, oauthInvalidClient(fmt.Sprintf("The client_assertion token has an unsupported signing algorithm '%s'.", h.Algorithm))
	}
	if client.keyID != "" && h.KeyID != client.keyID {
		return nil, oauthInvalidClient("The client_assertion JWT kid is invalid.")
	}
	if err := tok.Claims(client.key, &claims); err != nil {
		return nil, oauthInvalidClient("The client_assertion signature is invalid.")
	}
	if claims.Issuer != client.id || claims.Subject != client.id {
		return nil, oauthInvalidClient("The client_assertion token must have 'iss' and 'sub' claims equal to the client_id.")
	}
	if want := oauthRequestURL(r); len(claims.Audience) != 1 || claims.Audience[0] != want {
		return nil, oauthInvalidClient("The audience claim for client_assertion must be the endpoint invoked for the request.")
	}
	now := o.now()
	if claims.Expiry == nil {
		return nil, oauthInvalidClient("The client_assertion token must have an 'exp' claim.")
	}
	exp := claims.Expiry.Time()
	if !exp.After(now.Add(-oauthClockSkew)) {
		return nil, oauthInvalidClient("The client_assertion token is expired.")
	}
	if exp.After(now.Add(oauthMaxAssertionLifetime + oauthClockSkew)) {
		return nil, oauthInvalidClient("The client_assertion token has an expiration too far into the future.")
	}
	if claims.IssuedAt != nil && claims.IssuedAt.Time().After(now.Add(oauthClockSkew)) {
		return nil, oauthInvalidClient("The client_assertion token was issued in the future.")
	}
	if claims.ID == "" {
		return nil, oauthInvalidClient("The client_assertion token must have a 'jti' claim.")
	}
	if !o.useJTI("assertion:"+client.id+":"+claims.ID, exp.Add(oauthClockSkew)) {
		return nil, oauthInvalidClient("The client_assertion token has already been used.")
	}
	return client, nil
}

// checkTokenDPoP verifies the DPoP proof of a token request and returns the thumbprint of its key.
// Like Okta, a proof without a server nonce is answered use_dpop_nonce with a fresh DPoP-Nonce header.
func (o *oauthServer) checkTokenDPoP(r *http.Request) (string, error) {
	proof := r.Header.Get("DPoP")
	if proof == "" {
		return "", &oauthErr{http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing."}
	}
	claims, jkt, err := o.verifyDPoPProof(proof, r)
	if err != nil {
		return "", err
	}
	if claims.Nonce == "" || !o.validNonce(claims.Nonce) {
		return "", &oauthErr{http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof."}
	}
	if !o.useJTI("dpop:"+jkt+":"+claims.ID, claims.IssuedAt.Time().Add(2*oauthClockSkew)) {
		return "", &oauthErr{http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT has already been used."}
	}
	return jkt, nil
}

// verifyDPoPProof checks a DPoP proof's form, signature (by its embedded jwk), htm, htu and iat.
func (o *oauthServer) verifyDPoPProof(proof string, r *http.Request) (*oauthDPoPClaims, string, error) {
	bad := func(desc string) error { return &oauthErr{http.StatusBadRequest, "invalid_dpop_proof", desc} }
	tok, err := jwt.ParseSigned(proof)
	if err != nil || len(tok.Headers) != 1 {
		return nil, "", bad("The DPoP proof JWT is malformed.")
	}
	h := tok.Headers[0]
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" {
		return nil, "", bad("The DPoP proof JWT 'typ' header must be 'dpop+jwt'.")
	}
	if !oauthAllowedAlgs[h.Algorithm] {
		return nil, "", bad("The DPoP proof JWT 'alg' header is not supported.")
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.Valid() || !h.JSONWebKey.IsPublic() {
		return nil, "", bad("The DPoP proof JWT 'jwk' header must be a public key.")
	}
	var claims oauthDPoPClaims
	if err := tok.Claims(h.JSONWebKey.Key, &claims); err != nil {
		return nil, "", bad("The DPoP proof JWT signature is invalid.")
	}
	if claims.HTTPMethod != r.Method {
		return nil, "", bad("'htm' claim in the DPoP proof JWT is invalid.")
	}
	if claims.HTTPURI != oauthRequestURL(r) {
		return nil, "", bad("'htu' claim in the DPoP proof JWT is invalid.")
	}
	if claims.IssuedAt == nil {
		return nil, "", bad("'iat' claim in the DPoP proof JWT is missing.")
	}
	now := o.now()
	if iat := claims.IssuedAt.Time(); iat.Before(now.Add(-oauthClockSkew)) || iat.After(now.Add(oauthClockSkew)) {
		return nil, "", bad("'iat' claim in the DPoP proof JWT is out of range.")
	}
	if claims.ID == "" {
		return nil, "", bad("'jti' claim in the DPoP proof JWT is missing.")
	}
	tp, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, "", bad("The DPoP proof JWT 'jwk' header must be a public key.")
	}
	return &claims, base64.RawURLEncoding.EncodeToString(tp), nil
}

// scopesFor returns the scopes granted to a Bearer access token, and false when the token is
// unknown or expired. A DPoP-bound token is not valid as a Bearer token.
func (o *oauthServer) scopesFor(accessToken string) ([]string, bool) {
	t := o.lookup(accessToken)
	if t == nil || t.jkt != "" {
		return nil, false
	}
	return append([]string(nil), t.scopes...), true
}

// authorize checks the OAuth credentials of an API request, "Authorization: Bearer <token>" or
// "Authorization: DPoP <token>" with a DPoP proof bound to that token, and returns the granted scopes.
// ok is false for anything Okta would answer 401 to.
func (o *oauthServer) authorize(r *http.Request) (scopes []string, ok bool) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || token == "" {
		return nil, false
	}
	switch scheme {
	case "Bearer":
		return o.scopesFor(token)
	case "DPoP":
		t := o.lookup(token)
		if t == nil || t.jkt == "" {
			return nil, false
		}
		claims, jkt, err := o.verifyDPoPProof(r.Header.Get("DPoP"), r)
		if err != nil || jkt != t.jkt {
			return nil, false
		}
		sum := sha256.Sum256([]byte(token))
		if claims.AccessToken != base64.RawURLEncoding.EncodeToString(sum[:]) {
			return nil, false
		}
		if !o.useJTI("dpop:"+jkt+":"+claims.ID, claims.IssuedAt.Time().Add(2*oauthClockSkew)) {
			return nil, false
		}
		return append([]string(nil), t.scopes...), true
	}
	return nil, false
}

func (o *oauthServer) lookup(accessToken string) *oauthToken {
	o.mu.Lock()
	defer o.mu.Unlock()
	t := o.tokens[accessToken]
	if t == nil {
		return nil
	}
	if !o.now().Before(t.expires) {
		delete(o.tokens, accessToken)
		return nil
	}
	return t
}

// useJTI records a jti and reports whether it was new. Entries are forgotten once they could no
// longer be accepted anyway (their token expired), which keeps the map small.
func (o *oauthServer) useJTI(key string, forgetAfter time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if len(o.seenJTIs) > 1024 {
		for k, t := range o.seenJTIs {
			if now.After(t) {
				delete(o.seenJTIs, k)
			}
		}
	}
	if _, used := o.seenJTIs[key]; used {
		return false
	}
	o.seenJTIs[key] = forgetAfter
	return true
}

func (o *oauthServer) newNonce() string {
	n := oauthRandom(24)
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	for k, exp := range o.nonces {
		if now.After(exp) {
			delete(o.nonces, k)
		}
	}
	o.nonces[n] = now.Add(oauthNonceTTL)
	return n
}

func (o *oauthServer) validNonce(n string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.nonces[n]
	return ok && o.now().Before(exp)
}

// oauthRequestURL is the absolute URL the client called, without query: what `aud` of a client
// assertion and `htu` of a DPoP proof must equal. The SDK builds both from its orgUrl.
func oauthRequestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath()
}

func oauthRandom(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func oauthWriteError(w http.ResponseWriter, e *oauthErr) {
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}
