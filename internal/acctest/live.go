package acctest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// OrgConfigFromEnv is the org and credentials named by the okta provider's variables (OKTA_ORG_URL,
// or OKTA_ORG_NAME + OKTA_BASE_URL; OKTA_API_TOKEN, or OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY
// as PEM or a file path [+ OKTA_API_PRIVATE_KEY_ID, OKTA_API_SCOPES]): what live mode and the
// sweeper connect to. Tuning fields are left to the caller.
func OrgConfigFromEnv() (okta.Config, error) {
	orgURL := os.Getenv("OKTA_ORG_URL")
	if orgURL == "" && os.Getenv("OKTA_ORG_NAME") != "" {
		orgURL = "https://" + os.Getenv("OKTA_ORG_NAME") + "." + orDefault(os.Getenv("OKTA_BASE_URL"), "okta.com")
	}
	cfg := okta.Config{OrgURL: orgURL, APIToken: os.Getenv("OKTA_API_TOKEN")}
	if cfg.APIToken == "" {
		key, err := readKey(os.Getenv("OKTA_API_PRIVATE_KEY"))
		if err != nil {
			return cfg, err
		}
		cfg.ClientID = os.Getenv("OKTA_API_CLIENT_ID")
		cfg.PrivateKey = key
		cfg.PrivateKeyID = os.Getenv("OKTA_API_PRIVATE_KEY_ID")
		cfg.Scopes = splitComma(os.Getenv("OKTA_API_SCOPES"))
	}
	if orgURL == "" || (cfg.APIToken == "" && (cfg.ClientID == "" || cfg.PrivateKey == "")) {
		return cfg, errors.New("set OKTA_ORG_URL (or OKTA_ORG_NAME [+ OKTA_BASE_URL]) and OKTA_API_TOKEN or OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY")
	}
	return cfg, nil
}

// newLiveOrg is the org named by OKTA_* variables (the okta provider's names, plus OKTA_ORG_URL).
func newLiveOrg(t testing.TB) *org {
	t.Helper()
	cfg, err := OrgConfigFromEnv()
	if err != nil {
		t.Fatalf("%s=1: %v", EnvLive, err)
	}
	appID := os.Getenv(EnvAppID)
	if appID == "" {
		t.Fatalf("%s=1 needs %s: the id of an app that already is a profile source (the sync's app)", EnvLive, EnvAppID)
	}
	g := &org{mode: ModeLive, url: strings.TrimRight(cfg.OrgURL, "/"), token: cfg.APIToken, prefix: newPrefix(), names: map[string]int{}}
	g.fixtures = Fixtures{
		AppID:          appID,
		SourceAppID:    os.Getenv(EnvSourceAppID),
		NonSourceAppID: os.Getenv(EnvNonSourceAppID),
		UserType:       envOr(EnvUserType, okta.DefaultUserType),
	}
	g.client = newClient(t, cfg)
	g.resolveAppLabel(t)
	return g
}

func readKey(v string) (string, error) {
	if v == "" || strings.Contains(v, "-----BEGIN") {
		return v, nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		// Never repeat the value: it may be a key that lost its PEM header.
		return "", errors.New("OKTA_API_PRIVATE_KEY is neither PEM nor a readable file")
	}
	return string(b), nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
