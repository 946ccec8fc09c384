package oktaemu

import "net/http"

// oauthServer is the org's OAuth 2.0 authorization server for service apps: clients registered
// through the control API, private_key_jwt client assertions, scoped access tokens.
type oauthServer struct{}

func newOAuthServer() *oauthServer { return &oauthServer{} }

// handleToken serves POST /oauth2/v1/token.
func (o *oauthServer) handleToken(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}

// handleRegisterClient serves the control call PUT /__emulator/oauth-clients/{clientId}.
func (o *oauthServer) handleRegisterClient(w http.ResponseWriter, r *http.Request, clientID string) {
	http.Error(w, "not implemented yet", http.StatusNotImplemented)
}

// scopesFor returns the scopes granted to a Bearer access token, and false when the token is
// unknown or expired.
func (o *oauthServer) scopesFor(accessToken string) ([]string, bool) { return nil, false }
