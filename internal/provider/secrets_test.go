package provider_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// Issue 6, secrets: TestAccLogRedaction (FOUND) proves the TRACE logs of successful runs in both auth
// modes hold no token and no key body. This test adds what the logs of a good run do not show: the
// Terraform state, and the diagnostics of failing runs, where an error path might quote a credential
// (a refused token, a private key that is not a key, a key Okta does not know). Each scenario runs
// in a child process (TF_LOG is process-wide) with TF_LOG=TRACE, the secrets handed over through the
// environment as a pipeline would (terraform-plugin-testing echoes configurations into the TRACE
// log, so a secret in a configuration would be found there by design). The parent first proves the
// capture worked (the expected diagnostic, the state, the redacted Authorization header are in it),
// then that no secret is: the token, its base64 forms, the key's body lines or the body joined.

const (
	envSecretsChild    = "DIALPAD_SECRETS_CHILD" // scenario name
	envSecretsConfig   = "DIALPAD_SECRETS_CONFIG"
	envSecretsStateOut = "DIALPAD_SECRETS_STATE_OUT"
)

type secretsScenario struct {
	name   string
	env    []string          // OKTA_* variables carrying the secrets
	config string            // holds no secret
	fails  bool              // the run is expected to fail with want in its output
	want   []string          // regexps that must match the captured output (proof of capture)
	secret map[string]string // what must not appear, by description
}

func TestAccSecrets(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's token and OAuth client registration, and a token the org refuses")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	url := "okta_org_url = " + acctest.Quote(emu.URL())
	provider := func(lines ...string) string {
		return "provider \"dialpad\" {\n  " + strings.Join(append([]string{url}, lines...), "\n  ") + "\n}\n"
	}
	readOnly := `data "dialpad_okta_user_type" "d" {}` + "\n\n" + appByID(fx.AppID)
	name := emu.RandomName("Secret")

	tokenSecrets := func(tok string) map[string]string {
		return map[string]string{
			"API token":                    tok,
			"base64 of the API token":      base64.StdEncoding.EncodeToString([]byte(tok)),
			"base64 of SSWS + token":       base64.StdEncoding.EncodeToString([]byte("SSWS " + tok)),
			"URL-safe base64 of the token": base64.RawURLEncoding.EncodeToString([]byte(tok)),
		}
	}
	keySecrets := func(key string) map[string]string {
		m := map[string]string{}
		lines := pemBodyLines(key)
		for i, l := range lines {
			m[fmt.Sprintf("private key body line %d", i+1)] = l
		}
		m["private key body (joined)"] = strings.Join(lines, "")
		return m
	}

	// A registered OAuth client, so the run also sends Bearer calls (redacted in the logs).
	clientID := "0oatfaccsecrets00001"
	goodKey := emu.RegisterOAuthClient(t, clientID, nil)
	// A well-formed key Okta does not know: the token request is refused.
	strangerKey := newPKCS8Key(t)
	// A "key" that is no key: its body must not be quoted back by the configuration error.
	notAKey := "-----BEGIN PRIVATE KEY-----\n" + base64.StdEncoding.EncodeToString([]byte("tfacc-not-a-key-"+name+"-0123456789abcdef")) + "\n-----END PRIVATE KEY-----\n"
	wrongToken := "tfacc-wrong-token-" + strings.ToLower(name) + "-00112233445566778899"

	scenarios := []secretsScenario{
		{
			name: "state",
			env:  []string{"OKTA_API_TOKEN=" + emu.Token()},
			config: acctest.Compose(provider(), readOnly, fmt.Sprintf(`resource "dialpad_okta_user_attribute" "s" {
  name  = %q
  title = "Secrets test"
}`, name)),
			want:   []string{`"name":\s*"` + name + `"`, `SSWS \[REDACTED\]`, `/api/v1/meta/schemas/user/`},
			secret: tokenSecrets(emu.Token()),
		},
		{
			name:   "oauth state",
			env:    []string{"OKTA_API_CLIENT_ID=" + clientID, "OKTA_API_PRIVATE_KEY=" + goodKey},
			config: acctest.Compose(provider(), readOnly),
			want:   []string{`(Bearer|DPoP) \[REDACTED\]`, `"schema_id"`},
			secret: keySecrets(goodKey),
		},
		{
			name:   "token refused",
			env:    []string{"OKTA_API_TOKEN=" + wrongToken},
			config: acctest.Compose(provider(), readOnly),
			fails:  true,
			want:   []string{`Okta answered 401 Unauthorized(?s:.*)E0000011`},
			secret: tokenSecrets(wrongToken),
		},
		{
			name:   "not a private key",
			env:    []string{"OKTA_API_CLIENT_ID=" + clientID, "OKTA_API_PRIVATE_KEY=" + notAKey},
			config: acctest.Compose(provider(), readOnly),
			fails:  true,
			want:   []string{`Invalid OAuth private key(?s:.*)okta_private_key is not usable`},
			secret: keySecrets(notAKey),
		},
		{
			name:   "key not registered",
			env:    []string{"OKTA_API_CLIENT_ID=" + clientID, "OKTA_API_PRIVATE_KEY=" + strangerKey},
			config: acctest.Compose(provider(), readOnly),
			fails:  true,
			want:   []string{`getting an OAuth access token(?s:.*)401 Unauthorized to POST\s+/oauth2/v1/token`},
			secret: keySecrets(strangerKey),
		},
	}

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dir := t.TempDir()
			tfLog := filepath.Join(dir, "terraform.log")
			stateOut := filepath.Join(dir, "state.json")
			cmd := exec.CommandContext(context.Background(), os.Args[0], "-test.run=^TestAccSecretsChild$", "-test.v", "-test.count=1")
			cmd.Env = append(withoutOktaEnv(os.Environ()), sc.env...)
			cmd.Env = append(cmd.Env,
				envSecretsChild+"="+sc.name,
				envSecretsConfig+"="+sc.config,
				envSecretsStateOut+"="+stateOut,
				"TF_LOG=TRACE",
				"TF_ACC_LOG=TRACE",
				"TF_ACC_LOG_PATH="+tfLog,
			)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			runErr := cmd.Run()
			captured := out.String()
			for _, f := range []string{tfLog, stateOut} {
				if b, err := os.ReadFile(f); err == nil {
					captured += "\n" + string(b)
				}
			}
			passed := strings.Contains(out.String(), "--- PASS: TestAccSecretsChild")
			switch {
			case !sc.fails && (runErr != nil || !passed):
				t.Fatalf("the child run failed: %v\n%s", runErr, tail(out.String(), 4000))
			case sc.fails && (runErr == nil || !strings.Contains(out.String(), "--- FAIL: TestAccSecretsChild")):
				t.Fatalf("the child run should have failed with a diagnostic: %v\n%s", runErr, tail(out.String(), 4000))
			}
			if !sc.fails {
				if _, err := os.Stat(stateOut); err != nil {
					t.Fatalf("the child did not write the state it saw: %v", err)
				}
			}

			// 1. The capture worked.
			for _, w := range sc.want {
				if !regexp.MustCompile(w).MatchString(captured) {
					t.Errorf("captured output (%d bytes) lacks %q: the capture did not work, so the absence checks below would prove nothing\n%s",
						len(captured), w, tail(out.String(), 3000))
				}
			}
			if t.Failed() {
				return
			}
			// 2. No secret appears.
			for what, s := range sc.secret {
				if i := strings.Index(captured, s); i >= 0 {
					lo, hi := max(0, i-300), min(len(captured), i+len(s)+100)
					t.Errorf("the %s appears in the captured logs, diagnostics or state: ...%s...", what, captured[lo:hi])
				}
			}
		})
	}
}

// TestAccSecretsChild is run by TestAccSecrets in a child process, once per scenario.
func TestAccSecretsChild(t *testing.T) {
	if os.Getenv(envSecretsChild) == "" {
		t.Skip("run by TestAccSecrets")
	}
	acctest.PreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            os.Getenv(envSecretsConfig),
			ConfigStateChecks: []statecheck.StateCheck{writeState(os.Getenv(envSecretsStateOut))},
		}},
	})
}

// writeState is a state check that writes the state Terraform holds after the apply (JSON, as
// `terraform show -json` gives it) to a file for the parent to search.
type writeState string

func (p writeState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.MarshalIndent(req.State, "", "  ")
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = os.WriteFile(string(p), b, 0o600)
}

// newPKCS8Key is a fresh RSA private key in PKCS#8 PEM.
func newPKCS8Key(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
