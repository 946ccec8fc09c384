package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExport_registryLayout(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), RepoName)
	// A stale file from an earlier export must not survive.
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "stale.tf"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	files, err := Export(root, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples/phone-sync/main.tf"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("%s missing from the export (files: %v)", want, files)
		}
	}
	// The module's own tests travel with it: registry modules are expected to ship tests, and
	// `tofu test` / `terraform test` in the exported repository run them (make test-module does).
	src, err := filepath.Glob(filepath.Join(root, "modules/okta-phone-sync/tests/*.tftest.hcl"))
	if err != nil || len(src) == 0 {
		t.Fatalf("the module has no tests/*.tftest.hcl to export: %v", err)
	}
	for _, f := range src {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join(out, "tests", filepath.Base(f)))
		if err != nil || string(got) != string(want) {
			t.Errorf("tests/%s not exported unchanged: %v", filepath.Base(f), err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "stale.tf")); !os.IsNotExist(err) {
		t.Errorf("stale.tf survived the export: %v", err)
	}
	ex, _ := os.ReadFile(filepath.Join(out, "examples/phone-sync/main.tf"))
	if !strings.Contains(string(ex), `source = "../../"`) {
		t.Errorf("example does not use the root module:\n%s", ex)
	}
	readme, _ := os.ReadFile(filepath.Join(out, "README.md"))
	for _, want := range []string{`source  = "dialpad/okta-phone-sync/dialpad"`, `version = "~> 0.1"`} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README lacks %s", want)
		}
	}
	if strings.Contains(string(readme), "../../examples") {
		t.Error("README still links into the provider repository")
	}
}
