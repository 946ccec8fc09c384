// Package tfdev runs real Terraform against a provider built from this repository, for the
// programs behind `make demo` and `make bench`: it builds the binaries, writes a CLI configuration
// whose dev_overrides point Terraform at them (so nothing comes from a registry and `terraform init`
// is not needed), and gives a clean environment.
package tfdev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// Version is the first line of `terraform version`, such as "Terraform v1.5.7".
func Version(ctx context.Context, terraform string) (string, error) {
	out, err := exec.CommandContext(ctx, terraform, "version").Output()
	if err != nil {
		return "", fmt.Errorf("%s version: %w", terraform, err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line, nil
}

// Runner runs terraform commands in one working directory.
type Runner struct {
	Terraform string
	Dir       string
	Env       []string
	// Tee, when set, also receives the output as it comes.
	Tee io.Writer
	// Flags are added to apply, plan and destroy, after -no-color and -input=false.
	Flags []string
}

// Run runs one terraform command and returns its output (stdout and stderr together). It fails
// unless terraform exits with want (`plan -detailed-exitcode` exits 2 when there are changes).
func (r Runner) Run(ctx context.Context, want int, args ...string) (string, error) {
	full := append([]string{}, args...)
	switch args[0] {
	case "apply", "plan", "destroy":
		full = append(append(full, "-no-color", "-input=false"), r.Flags...)
	}
	cmd := exec.CommandContext(ctx, r.Terraform, full...)
	cmd.Dir, cmd.Env = r.Dir, r.Env
	var out bytes.Buffer
	var w io.Writer = &out
	if r.Tee != nil {
		w = io.MultiWriter(&out, r.Tee)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if code := ee.ExitCode(); code != want {
			return out.String(), fmt.Errorf("terraform %s exited %d, want %d", strings.Join(full, " "), code, want)
		}
	case err != nil:
		return out.String(), err
	case want != 0:
		return out.String(), fmt.Errorf("terraform %s exited 0, want %d", strings.Join(full, " "), want)
	}
	return out.String(), nil
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
