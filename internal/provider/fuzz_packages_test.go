package provider_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// TestFuzzTargetsStaySmall (issue 6): every package with a `func FuzzXxx` target is fuzzed in
// `make test` (.ci/fuzz.sh), and fuzzing instruments everything the test binary imports. So such a
// package must not depend on the Okta SDK (nor on the provider or the emulator's HTTP side), or
// each 10 s of fuzzing starts with a long instrumented rebuild. The test also pins the targets issue
// 6 asks for: the name, URN and expression validators and the emulator's externalName evaluator.
func TestFuzzTargetsStaySmall(t *testing.T) {
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz[A-Za-z0-9_]*)\(`)
	targets := map[string][]string{} // package dir (relative) -> targets
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "dist" || name == "build") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(b), -1) {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			targets["./"+filepath.ToSlash(rel)] = append(targets["./"+filepath.ToSlash(rel)], m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want := map[string][]string{
		"./internal/validate":         {"FuzzVariableName", "FuzzURN", "FuzzExpression", "FuzzExternalName"},
		"./internal/oktaemu/scimpath": {"FuzzEval"},
	}
	for pkg, names := range want {
		for _, n := range names {
			found := false
			for _, got := range targets[pkg] {
				found = found || got == n
			}
			if !found {
				t.Errorf("fuzz target %s is missing from %s (found %v)", n, pkg, targets[pkg])
			}
		}
	}

	pkgs := make([]string, 0, len(targets))
	for p := range targets {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	forbidden := []string{
		"github.com/okta/okta-sdk-golang",
		"github.com/dialpad/terraform-provider-dialpad/internal/okta",
		"github.com/dialpad/terraform-provider-dialpad/internal/provider",
		"github.com/hashicorp/terraform-plugin-framework",
	}
	for _, pkg := range pkgs {
		// -test: the test binary's imports, which are what fuzzing instruments.
		cmd := exec.Command("go", append([]string{"list", "-test", "-deps", "-f", "{{.ImportPath}}"}, pkg)...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -test -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 2 {
			t.Fatalf("go list -test -deps %s listed %v: the dependency check would prove nothing", pkg, deps)
		}
		for _, dep := range deps {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s has fuzz targets %v but its test binary imports %s", pkg, targets[pkg], dep)
				}
			}
		}
	}
}
