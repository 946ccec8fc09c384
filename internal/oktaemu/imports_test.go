package oktaemu

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the emulator independent of what it emulates for: no provider or okta client
// packages and no Okta SDK outside tests, so the emulator cannot share a bug with the client.
func TestImports(t *testing.T) {
	const mod = "github.com/dialpad/terraform-provider-dialpad/"
	forbidden := []string{mod + "internal/provider", mod + "internal/okta", mod + "internal/acctest", "github.com/okta/"}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		isTest := strings.HasSuffix(p, "_test.go")
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") || (bad == "github.com/okta/" && strings.HasPrefix(path, bad)) {
					if isTest && bad == "github.com/okta/" {
						continue // tests may drive the SDK against the emulator
					}
					t.Errorf("%s imports %s", p, path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
