// Package tfdev runs real Terraform against a provider built from this repository, for the
// programs behind `make demo` and `make bench`: it builds the binaries, writes a CLI configuration
// whose dev_overrides point Terraform at them (so nothing comes from a registry and `terraform init`
// is not needed), and gives a clean environment.
package tfdev

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ProviderAddress is the provider's registry address, as configurations require it.
const ProviderAddress = "dialpad/dialpad"

// RepoRoot finds the repository root from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.Contains(string(b), "module github.com/dialpad/terraform-provider-dialpad") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run this from inside the terraform-provider-dialpad repository")
		}
		dir = parent
	}
}

// Terraform is the Terraform binary to use: $TERRAFORM, else the pinned one `make tools` builds.
func Terraform(root string) (string, error) {
	tf := os.Getenv("TERRAFORM")
	if tf == "" {
		tf = filepath.Join(root, ".tools", "bin", "terraform")
	}
	if _, err := os.Stat(tf); err != nil {
		return "", fmt.Errorf("terraform not found at %s: run `make tools`", tf)
	}
	return tf, nil
}

// Binary is one program to build: its output name and package path (relative to the root).
type Binary struct{ Name, Package string }

// Provider is the provider binary.
var Provider = Binary{"terraform-provider-dialpad", "."}

// Build builds the binaries into binDir.
func Build(ctx context.Context, root, binDir string, bins ...Binary) error {
	for _, b := range bins {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, b.Name), b.Package)
		cmd.Dir = root
		if o, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", b.Package, err, o)
		}
	}
	return nil
}

// WriteCLIConfig writes a Terraform CLI configuration whose dev_overrides use the provider in binDir.
func WriteCLIConfig(path, binDir string) error {
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderAddress, binDir)
	return os.WriteFile(path, []byte(rc), 0o644)
}

// CleanEnv is the caller's environment without Okta and Terraform settings, plus the CLI
// configuration and the settings that keep Terraform quiet and offline.
func CleanEnv(cliConfig string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OKTA_") || strings.HasPrefix(k, "TF_") || k == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return append(env, extra...)
}

// CopyTF copies the Terraform files (and READMEs) of one directory, not its state or .terraform.
func CopyTF(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".tf") || strings.HasSuffix(e.Name(), ".md")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
