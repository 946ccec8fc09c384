package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Engine is the CLI the acceptance tests drive (TF_ACC_TERRAFORM_PATH): Terraform or OpenTofu.
type Engine struct {
	Name    string // "Terraform" or "OpenTofu"
	Version string // "1.5.7", "1.10.10"
	// ProviderHost is the registry host the engine gives a source address without one: a
	// configuration's "dialpad/dialpad" is registry.terraform.io/dialpad/dialpad to Terraform and
	// registry.opentofu.org/dialpad/dialpad to OpenTofu. Reattached providers, filesystem mirrors
	// and plugin directories must use it.
	ProviderHost string
}

// DetectEngine asks the binary at path which engine it is. Both print "<Name> v<version>" as the
// first line of `version` (their `version -json` both say "terraform_version", so it cannot tell).
func DetectEngine(path string) (Engine, error) {
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return Engine{}, fmt.Errorf("%s version: %w", path, err)
	}
	return parseEngine(string(out))
}

func parseEngine(out string) (Engine, error) {
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	name, v, ok := strings.Cut(strings.TrimSpace(first), " v")
	if !ok || v == "" {
		return Engine{}, fmt.Errorf("cannot read an engine and version from %q", first)
	}
	switch name {
	case "Terraform":
		return Engine{Name: name, Version: v, ProviderHost: "registry.terraform.io"}, nil
	case "OpenTofu":
		return Engine{Name: name, Version: v, ProviderHost: "registry.opentofu.org"}, nil
	}
	return Engine{}, fmt.Errorf("unknown engine %q (want Terraform or OpenTofu)", name)
}

var currentEngine Engine

// CurrentEngine is the engine the acceptance tests run on. It is known once PreCheck (NewOrg,
// NewEmulator) has run.
func CurrentEngine() Engine { return currentEngine }
