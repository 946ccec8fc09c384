package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoEmulatorControlPaths fails when provider code (internal/okta, internal/provider, non-test
// files) refers to the emulator's control API: against a real org those paths do not exist, so
// the provider must never depend on them. Tests may use them (through internal/acctest).
func TestNoEmulatorControlPaths(t *testing.T) {
	const needle = "/__" + "emulator"
	checked := 0
	for _, dir := range []string{".", filepath.Join("..", "okta")} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if strings.Contains(string(b), needle) {
				t.Errorf("%s refers to the emulator's control API (%s); provider code must work against a real Okta org", f, needle)
			}
		}
	}
	if checked < 4 {
		t.Fatalf("only %d provider source files found; the test is looking in the wrong place", checked)
	}
}
