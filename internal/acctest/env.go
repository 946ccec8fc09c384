package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dialpad/terraform-provider-dialpad/internal/provider"
)

// ProviderFactories serves the provider in-process to the Terraform CLI under test.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"dialpad": providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

// Environment variables of the harness.
const (
	EnvLive           = "DIALPAD_ACC_LIVE"
	EnvLiveEmulator   = "DIALPAD_ACC_LIVE_EMULATOR"
	EnvAppID          = "DIALPAD_ACC_APP_ID"
	EnvSourceAppID    = "DIALPAD_ACC_SOURCE_APP_ID"
	EnvNonSourceAppID = "DIALPAD_ACC_NON_SOURCE_APP_ID"
	EnvUserType       = "DIALPAD_ACC_USER_TYPE"
)

// Mode is how the suite reaches an org.
type Mode int

const (
	ModeEmulator     Mode = iota // fresh in-process emulator per test, control API on
	ModeLive                     // a real org from OKTA_* variables
	ModeLiveEmulator             // live code path against an in-process emulator without control API
)

func (m Mode) String() string {
	return [...]string{"emulator", "live", "live-emulator"}[m]
}

// CurrentMode reads the mode from the environment.
func CurrentMode() Mode {
	switch {
	case os.Getenv(EnvLiveEmulator) == "1":
		return ModeLiveEmulator
	case os.Getenv(EnvLive) == "1":
		return ModeLive
	}
	return ModeEmulator
}

// RequireEmulator skips the test unless it runs against an emulator with its control API. reason
// names what the test needs (faults, stats, the profile-sourcing toggle ...) and appears in the
// skip message, so a live run lists exactly which tests it could not run and why.
func RequireEmulator(t testing.TB, reason string) {
	t.Helper()
	if m := CurrentMode(); m != ModeEmulator {
		t.Skipf("emulator-only test skipped in %s mode: %s", m, reason)
	}
}

var (
	setupOnce sync.Once
	setupErr  error
)

// setup prepares the process environment for terraform-plugin-testing once. It uses os.Setenv (not
// t.Setenv) because parallel tests cannot call t.Setenv; every value is the same for all tests.
func setup() error {
	setupOnce.Do(func() {
		setupErr = func() error {
			tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
			if tf == "" {
				root, err := ModuleRoot()
				if err != nil {
					return err
				}
				tf = filepath.Join(root, ".tools", "bin", "terraform")
			}
			if st, err := os.Stat(tf); err != nil || st.IsDir() {
				return fmt.Errorf("terraform binary %s not found: run `make tools` (Terraform 1.5.7 is built from source; it is never downloaded) or set TF_ACC_TERRAFORM_PATH", tf)
			}
			// A CLI config file the runner provides (make test: .ci/terraform.rc) is kept; otherwise
			// (the machine's TF_CLI_CONFIG_FILE names a missing file) the harness writes its own.
			cli := os.Getenv("TF_CLI_CONFIG_FILE")
			if st, err := os.Stat(cli); cli == "" || err != nil || st.IsDir() {
				dir, err := os.MkdirTemp("", "dialpad-acctest-")
				if err != nil {
					return err
				}
				cli = filepath.Join(dir, "terraformrc")
				if err := os.WriteFile(cli, []byte("disable_checkpoint = true\n"), 0o600); err != nil {
					return err
				}
			}
			engine, err := DetectEngine(tf)
			if err != nil {
				return err
			}
			currentEngine = engine
			// terraform-plugin-testing reattaches the in-process provider as
			// TF_ACC_PROVIDER_HOST/TF_ACC_PROVIDER_NAMESPACE/dialpad (host registry.terraform.io unless
			// set); it must be the address the engine makes of the configurations' "dialpad/dialpad".
			for k, v := range map[string]string{
				"TF_ACC_TERRAFORM_PATH":     tf,
				"CHECKPOINT_DISABLE":        "1",
				"TF_ACC_PROVIDER_HOST":      engine.ProviderHost,
				"TF_ACC_PROVIDER_NAMESPACE": "dialpad",
				"TF_CLI_CONFIG_FILE":        cli,
				"TF_IN_AUTOMATION":          "1",
			} {
				if err := os.Setenv(k, v); err != nil {
					return err
				}
			}
			return nil
		}()
	})
	return setupErr
}

// PreCheck fails the test when the harness cannot run Terraform. NewOrg and NewEmulator call it.
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	if err := setup(); err != nil {
		t.Fatal(err)
	}
}

// ModuleRoot is the directory holding go.mod, found upwards from the working directory (go test
// runs in the package directory), so paths work the same locally and in CI.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
