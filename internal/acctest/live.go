package acctest

import (
	"os"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// newLiveOrg is the org named by OKTA_* variables (the okta provider's names, plus OKTA_ORG_URL).
func newLiveOrg(t testing.TB) *org {
	t.Helper()
	orgURL := os.Getenv("OKTA_ORG_URL")
	if orgURL == "" && os.Getenv("OKTA_ORG_NAME") != "" {
		orgURL = "https://" + os.Getenv("OKTA_ORG_NAME") + "." + orDefault(os.Getenv("OKTA_BASE_URL"), "okta.com")
	}
	cfg := okta.Config{OrgURL: orgURL, APIToken: os.Getenv("OKTA_API_TOKEN")}
	if cfg.APIToken == "" {
		cfg.ClientID = os.Getenv("OKTA_API_CLIENT_ID")
		cfg.PrivateKey = readKey(t, os.Getenv("OKTA_API_PRIVATE_KEY"))
		cfg.PrivateKeyID = os.Getenv("OKTA_API_PRIVATE_KEY_ID")
		cfg.Scopes = splitComma(os.Getenv("OKTA_API_SCOPES"))
	}
	if orgURL == "" || (cfg.APIToken == "" && (cfg.ClientID == "" || cfg.PrivateKey == "")) {
		t.Fatalf("%s=1 needs OKTA_ORG_URL (or OKTA_ORG_NAME) and OKTA_API_TOKEN or OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY", EnvLive)
	}
	appID := os.Getenv(EnvAppID)
	if appID == "" {
		t.Fatalf("%s=1 needs %s: the id of an app that already is a profile source (the sync's app)", EnvLive, EnvAppID)
	}
	g := &org{mode: ModeLive, url: strings.TrimRight(orgURL, "/"), token: cfg.APIToken, prefix: newPrefix(), names: map[string]int{}}
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

func readKey(t testing.TB, v string) string {
	if v == "" || strings.Contains(v, "-----BEGIN") {
		return v
	}
	b, err := os.ReadFile(v)
	if err != nil {
		t.Fatalf("OKTA_API_PRIVATE_KEY is neither PEM nor a readable file: %v", err)
	}
	return string(b)
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
