package acctest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func (g *org) ProviderBlock(extra ...string) string {
	var b strings.Builder
	b.WriteString("provider \"dialpad\" {\n")
	if g.mode != ModeLive {
		fmt.Fprintf(&b, "  okta_org_url   = %q\n  okta_api_token = %q\n", g.url, g.token)
		// Emulator faults are short; keep retry waits short so tests stay fast.
		b.WriteString("  max_backoff_seconds = 2\n")
	}
	// Live mode: everything from the OKTA_* environment, as a pipeline would configure it.
	for _, e := range extra {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *org) Config(hcl ...string) string {
	return Compose(append([]string{g.ProviderBlock()}, hcl...)...)
}

func (g *org) ConfigOAuth(t testing.TB, hcl ...string) string {
	t.Helper()
	var block string
	switch {
	case g.emu != nil:
		clientID := "0oatfacc" + randomString(12)
		key := g.emu.RegisterOAuthClient(t, clientID, nil)
		block = fmt.Sprintf("provider \"dialpad\" {\n  okta_org_url     = %q\n  okta_client_id   = %q\n  okta_private_key = %q\n  max_backoff_seconds = 2\n}\n",
			g.url, clientID, key)
	case os.Getenv("OKTA_API_CLIENT_ID") != "" && os.Getenv("OKTA_API_PRIVATE_KEY") != "":
		url := ""
		if g.mode != ModeLive {
			url = fmt.Sprintf("  okta_org_url     = %q\n", g.url)
		}
		block = fmt.Sprintf("provider \"dialpad\" {\n%s  okta_client_id   = %q\n  okta_private_key = %q\n}\n",
			url, os.Getenv("OKTA_API_CLIENT_ID"), os.Getenv("OKTA_API_PRIVATE_KEY"))
	default:
		t.Skipf("OAuth test skipped in %s mode: set OKTA_API_CLIENT_ID and OKTA_API_PRIVATE_KEY for a service app of this org", g.mode)
	}
	return Compose(append([]string{block}, hcl...)...)
}

// Compose joins HCL blocks with blank lines.
func Compose(blocks ...string) string {
	var b strings.Builder
	for _, s := range blocks {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	return b.String()
}

// Quote renders a Go string as an HCL string literal (with ${ and %{ escaped, so values are
// taken literally).
func Quote(s string) string {
	q := fmt.Sprintf("%q", s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// List renders strings as an HCL list of literals.
func List(items ...string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
