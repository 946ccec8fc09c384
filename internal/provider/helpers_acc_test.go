package provider_test

import (
	"os"
	"path/filepath"
	"testing"
)

const duplicateLabelSeed = `{
  "apps": [
    {"id": "0oatwin0000000000001", "name": "twinone", "label": "Twin", "sign_on_mode": "SAML_2_0"},
    {"id": "0oatwin0000000000002", "name": "twintwo", "label": "Twin", "sign_on_mode": "SAML_2_0"},
    {"id": "0oatwin0000000000003", "name": "twinthree", "label": "Twin Three", "sign_on_mode": "SAML_2_0"}
  ]
}`

// writeSeed writes an emulator seed file for this test and returns its path.
func writeSeed(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
