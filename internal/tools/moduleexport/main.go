// Command moduleexport writes modules/okta-phone-sync into the layout the Terraform Registry takes
// modules from: a repository named terraform-<provider>-<name> with the module at its root
// (terraform-dialpad-okta-phone-sync), plus the example rewritten to use the root module. `make
// release-module` runs it; the result is pushed to that repository and tagged vX.Y.Z.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	moduleDir  = "modules/okta-phone-sync"
	exampleDir = "examples/phone-sync"
	// RepoName is the registry's required repository name for module okta-phone-sync of provider dialpad.
	RepoName = "terraform-dialpad-okta-phone-sync"
)

func main() {
	root := flag.String("root", ".", "provider repository root")
	out := flag.String("out", filepath.Join("dist", RepoName), "directory to write the module repository into (replaced)")
	version := flag.String("version", "", "version the export will be tagged with (X.Y.Z), printed in the next steps")
	flag.Parse()
	if *version != "" && !regexp.MustCompile(`^v?\d+\.\d+\.\d+$`).MatchString(*version) {
		fmt.Fprintf(os.Stderr, "moduleexport: -version %q is not semver X.Y.Z\n", *version)
		os.Exit(2)
	}
	files, err := Export(*root, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "moduleexport:", err)
		os.Exit(1)
	}
	fmt.Printf("exported %s into %s (%d files)\n", moduleDir, *out, len(files))
	tag := "vX.Y.Z"
	if *version != "" {
		tag = "v" + strings.TrimPrefix(*version, "v")
	}
	fmt.Printf("next: push %s to the %s repository and tag it %s;\n", *out, RepoName, tag)
	fmt.Printf("users then write source = \"dialpad/okta-phone-sync/dialpad\", version = %q\n", strings.TrimPrefix(tag, "v"))
}

// Export replaces out with the registry layout and returns the files written, relative to out.
func Export(root, out string) ([]string, error) {
	mod := filepath.Join(root, moduleDir)
	for _, f := range []string{"main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"} {
		if _, err := os.Stat(filepath.Join(mod, f)); err != nil {
			return nil, fmt.Errorf("module file missing: %w", err)
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	var written []string
	put := func(rel string, data []byte) error {
		dst := filepath.Join(out, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		written = append(written, filepath.ToSlash(rel))
		return os.WriteFile(dst, data, 0o644)
	}

	// The module itself, at the root. Links into the provider repository become absolute.
	err := filepath.WalkDir(mod, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(mod, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".terraform") {
				return filepath.SkipDir
			}
			return nil
		}
		if skipFile(d.Name()) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "README.md" {
			data = bytes.ReplaceAll(data, []byte("](../../examples/phone-sync)"), []byte("](examples/phone-sync)"))
		}
		return put(rel, data)
	})
	if err != nil {
		return nil, err
	}

	// The example, pointed at the module root the way registry module repositories do it.
	ex := filepath.Join(root, exampleDir)
	entries, err := os.ReadDir(ex)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || skipFile(e.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(ex, e.Name()))
		if err != nil {
			return nil, err
		}
		data = bytes.ReplaceAll(data, []byte(`"../../modules/okta-phone-sync"`), []byte(`"../../"`))
		data = bytes.ReplaceAll(data, []byte("](../../modules/okta-phone-sync)"), []byte("](../../)"))
		if err := put(filepath.Join(exampleDir, e.Name()), data); err != nil {
			return nil, err
		}
	}
	if bytes.Contains(mustRead(filepath.Join(out, exampleDir, "main.tf")), []byte("modules/okta-phone-sync")) {
		return nil, errors.New("example still points into the provider repository")
	}

	if lic, err := os.ReadFile(filepath.Join(root, "LICENSE")); err == nil {
		if err := put("LICENSE", lic); err != nil {
			return nil, err
		}
	}
	return written, nil
}

// skipFile leaves out local Terraform state, lock files and editor leftovers.
func skipFile(name string) bool {
	return strings.HasSuffix(name, ".tfstate") || strings.Contains(name, ".tfstate.") ||
		name == ".terraform.lock.hcl" || strings.HasSuffix(name, "~") || strings.HasPrefix(name, ".")
}

func mustRead(p string) []byte {
	b, _ := os.ReadFile(p)
	return b
}
