package provider_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// Environment handed from TestAccLogRedaction to its child process.
const (
	envLogChild       = "DIALPAD_LOGTEST_CHILD"
	envLogAPIConfig   = "DIALPAD_LOGTEST_API_CONFIG"
	envLogOAuthConfig = "DIALPAD_LOGTEST_OAUTH_CONFIG"
)

// TestAccLogRedaction runs a plan/apply with TF_LOG=TRACE in a child process (logging is
// process-wide), in both auth modes (API token, then OAuth private-key JWT), and captures everything it writes: the provider's logs on
// stderr and Terraform's log file. It first proves the capture worked (Okta request logs with a
// schema path and the redacted Authorization header are there), then that no secret is: neither
// the API token, nor its base64 form, nor the private key's body.
func TestAccLogRedaction(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's token and a registered OAuth client whose key the test knows")
	emu := acctest.NewEmulator(t)
	f := emu.Fixtures()
	data := `data "dialpad_okta_user_type" "d" {}` + "\n\n" + appByID(f.AppID)
	dir := t.TempDir()
	// Secrets reach the provider the way a pipeline hands them over: the API token from
	// OKTA_API_TOKEN, the private key from a file. The configurations hold none, because
	// terraform-plugin-testing itself echoes each test configuration into the TRACE log.
	apiConfig := acctest.Compose(`provider "dialpad" {`+"\n"+`  okta_org_url = `+acctest.Quote(emu.URL())+"\n}", data)
	clientID := "0oatfacclogtest00001"
	key := emu.RegisterOAuthClient(t, clientID, nil)
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	oauthConfig := acctest.Compose(
		`provider "dialpad" {`+"\n"+
			`  okta_org_url     = `+acctest.Quote(emu.URL())+"\n"+
			`  okta_client_id   = `+acctest.Quote(clientID)+"\n"+
			`  okta_private_key = `+acctest.Quote(keyFile)+"\n}",
		data)

	tfLog := filepath.Join(dir, "terraform.log")
	cmd := exec.CommandContext(context.Background(), os.Args[0], "-test.run=^TestAccLogRedactionChild$", "-test.v", "-test.count=1")
	cmd.Env = append(withoutOktaEnv(os.Environ()),
		envLogChild+"=1",
		"OKTA_API_TOKEN="+emu.Token(),
		envLogAPIConfig+"="+apiConfig,
		envLogOAuthConfig+"="+oauthConfig,
		"TF_LOG=TRACE",
		"TF_ACC_LOG=TRACE",
		"TF_ACC_LOG_PATH="+tfLog,
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child run failed: %v\n%s", err, tail(out.String(), 4000))
	}
	logs := out.String()
	if b, err := os.ReadFile(tfLog); err == nil {
		logs += "\n" + string(b)
	}
	if !strings.Contains(out.String(), "--- PASS: TestAccLogRedactionChild") {
		t.Fatalf("the child test did not pass:\n%s", tail(out.String(), 4000))
	}

	// 1. The capture worked: Okta calls were logged at TRACE, in both auth modes.
	for _, want := range []string{
		"Okta API request: GET /api/v1/meta/types/user/default",
		"/api/v1/meta/schemas/user/",
		"SSWS [REDACTED]",
		"DPoP [REDACTED]", // the OAuth client requires DPoP, as new Okta service apps do
		"Dpop:[REDACTED]",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("captured logs (%d bytes) lack %q: the capture did not work, so the absence checks below would prove nothing", len(logs), want)
		}
	}
	if t.Failed() {
		return
	}

	// 2. No secret appears.
	token := emu.Token()
	secrets := map[string]string{
		"API token":                    token,
		"base64 of the API token":      base64.StdEncoding.EncodeToString([]byte(token)),
		"base64 of SSWS + token":       base64.StdEncoding.EncodeToString([]byte("SSWS " + token)),
		"URL-safe base64 of the token": base64.RawURLEncoding.EncodeToString([]byte(token)),
	}
	for i, line := range pemBodyLines(key) {
		secrets["private key body line "+string(rune('A'+i%26))] = line
	}
	secrets["private key body (joined)"] = strings.Join(pemBodyLines(key), "")
	// Client assertions, DPoP proofs and JWT access tokens are all JWTs: none may be logged.
	if jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}`).FindString(logs); jwt != "" {
		t.Errorf("a JWT (client assertion, DPoP proof or access token) appears in the TRACE logs: %.40s...", jwt)
	}
	for what, s := range secrets {
		if i := strings.Index(logs, s); i >= 0 {
			lo, hi := max(0, i-300), min(len(logs), i+len(s)+100)
			t.Errorf("the %s appears in the TRACE logs: ...%s...", what, logs[lo:hi])
		}
	}
}

// TestAccLogRedactionChild is run by TestAccLogRedaction in a child process.
func TestAccLogRedactionChild(t *testing.T) {
	if os.Getenv(envLogChild) != "1" {
		t.Skip("run by TestAccLogRedaction")
	}
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: os.Getenv(envLogAPIConfig)},
			{Config: os.Getenv(envLogOAuthConfig)},
		},
	})
}

// pemBodyLines are the base64 lines of a PEM block (without the BEGIN/END lines).
func pemBodyLines(p string) []string {
	var out []string
	for _, l := range strings.Split(p, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// withoutOktaEnv drops ambient OKTA_* credentials, which would change the child's auth mode.
func withoutOktaEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OKTA_") {
			out = append(out, kv)
		}
	}
	return out
}
