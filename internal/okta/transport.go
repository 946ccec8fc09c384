package okta

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// transport is the one http.RoundTripper every Okta call goes through: the SDK's calls, the SDK's
// OAuth token requests (it uses the same *http.Client) and our raw calls. It owns
//
//   - retries: 429 waits until X-Rate-Limit-Reset (epoch seconds, measured against the response's
//     Date header so a skewed local clock does not matter); 500/502/503/504 and connection errors
//     back off exponentially with jitter. Every wait is bounded by maxBackoff, the number of retries
//     by maxRetries, and everything by the request's context (the resource timeouts).
//   - the per-attempt timeout (request_timeout_seconds); the SDK's own timeout is switched off
//     because it would span all our retries.
//   - the rate-limit governor (governor.go), which holds each request until its Okta bucket has
//     room and learns from every answer.
//   - debug logging through tflog, with credentials redacted.
//
// Every method is retried, POST included. That is deliberate: the POSTs this provider sends are
// Okta's schema and mapping updates, which are partial updates that set properties to the values
// sent (sending the same body twice leaves the same state), and the OAuth token request, which only
// mints another token. A 5xx that arrives after Okta applied a write (an "after_commit" failure) is
// therefore safe to repeat. Do not route a non-idempotent call (one that creates a new object on
// each POST) through this client without revisiting this.
type transport struct {
	next           http.RoundTripper
	maxRetries     int
	maxBackoff     time.Duration
	attemptTimeout time.Duration
	gov            governor

	// hooks for tests
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time

	// lastTokenErr is the last error answer of the OAuth token endpoint. The SDK discards it and
	// reports only "Empty access token"; translate uses this to say what Okta actually refused.
	lastTokenErr atomic.Pointer[APIError]
}

// governor decides how long to wait before a request is sent and learns from each answer's
// X-Rate-Limit-* headers. NewClient installs a *rateGovernor (governor.go); newTransport starts
// with noGovernor so that the transport's own retry tests see no pacing.
type governor interface {
	// Wait blocks until req may be sent, or returns ctx's error.
	Wait(ctx context.Context, req *http.Request) error
	// Observe sees every answer (including 429s) before the retry decision; resp is nil when the
	// attempt got no answer (connection error, per-attempt timeout).
	Observe(req *http.Request, resp *http.Response)
}

type noGovernor struct{}

func (noGovernor) Wait(context.Context, *http.Request) error { return nil }
func (noGovernor) Observe(*http.Request, *http.Response)     {}

// Defaults when the provider passes zero values.
const (
	DefaultMaxRetries     = 5
	DefaultMaxBackoff     = 30 * time.Second
	DefaultRequestTimeout = 60 * time.Second
	minBackoff            = 200 * time.Millisecond
)

func newTransport(next http.RoundTripper, cfg Config) *transport {
	t := &transport{
		next:           next,
		maxRetries:     cfg.MaxRetries,
		maxBackoff:     cfg.MaxBackoff,
		attemptTimeout: cfg.RequestTimeout,
		gov:            noGovernor{},
		sleep:          sleepCtx,
		now:            time.Now,
	}
	if t.maxRetries < 0 {
		t.maxRetries = 0
	}
	if t.maxBackoff <= 0 {
		t.maxBackoff = DefaultMaxBackoff
	}
	return t
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

func (t *transport) tokenError() *APIError { return t.lastTokenErr.Load() }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	body, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	isToken := isTokenRequest(req)
	for attempt := 0; ; attempt++ {
		if err := t.gov.Wait(ctx, req); err != nil {
			return nil, err
		}
		r, cancel := t.attempt(ctx, req, body)
		t.logRequest(ctx, r, body, attempt, isToken)
		start := t.now()
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			t.gov.Observe(req, nil)
			cancel()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ctx.Err())
			}
			tflog.Debug(ctx, "Okta API call failed", map[string]any{"method": req.Method, "path": req.URL.Path, "attempt": attempt + 1, "error": err.Error()})
			if attempt >= t.maxRetries {
				// Flatten the error: the SDK retries io.EOF without limit when MaxRetries is 0.
				return nil, fmt.Errorf("%s %s failed after %d attempts: %s", req.Method, req.URL.Path, attempt+1, err.Error())
			}
			if err := t.sleep(ctx, t.backoff(attempt)); err != nil {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
			}
			continue
		}
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		t.gov.Observe(req, resp)
		resp = t.logResponse(ctx, req, resp, t.now().Sub(start), isToken)
		if isToken {
			if resp.StatusCode >= 400 {
				t.rememberTokenError(req, resp)
			} else {
				t.lastTokenErr.Store(nil) // e.g. the DPoP negotiation's expected refusals are over
			}
		}
		wait, retry := t.retryAfter(resp, attempt)
		if !retry || attempt >= t.maxRetries {
			if retry {
				tflog.Warn(ctx, "Okta API call still failing, giving up", map[string]any{"method": req.Method, "path": req.URL.Path, "status": resp.StatusCode, "attempts": attempt + 1})
			}
			return resp, nil
		}
		tflog.Debug(ctx, "Retrying Okta API call", map[string]any{"method": req.Method, "path": req.URL.Path, "status": resp.StatusCode, "attempt": attempt + 1, "wait": wait.String()})
		drain(resp)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s %s: waiting to retry after %d: %w", req.Method, req.URL.Path, resp.StatusCode, err)
		}
	}
}

// attempt clones req for one try, with a fresh body and the per-attempt timeout.
func (t *transport) attempt(ctx context.Context, req *http.Request, body []byte) (*http.Request, context.CancelFunc) {
	cancel := context.CancelFunc(func() {})
	if t.attemptTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.attemptTimeout)
	}
	r := req.Clone(ctx)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	return r, cancel
}

// retryAfter says whether resp is worth another attempt and how long to wait first.
func (t *transport) retryAfter(resp *http.Response, attempt int) (time.Duration, bool) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if d, ok := rateLimitWait(resp, t.now()); ok {
			// A little jitter so that parallel requests do not all return at the same instant.
			d += time.Duration(rand.Int64N(int64(250 * time.Millisecond)))
			return min(d, t.maxBackoff), true
		}
		return t.backoff(attempt), true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return t.backoff(attempt), true
	}
	return 0, false
}

// rateLimitWait is how long until X-Rate-Limit-Reset, measured on the server's clock (Date).
func rateLimitWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	reset, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Reset")), 10, 64)
	if err != nil || reset <= 0 {
		return 0, false
	}
	serverNow := now
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		serverNow = d
	}
	// Date has one-second resolution: add a second so we never arrive before the reset.
	wait := time.Unix(reset, 0).Sub(serverNow) + time.Second
	if wait < 0 {
		wait = 0
	}
	return wait, true
}

// backoff is exponential from minBackoff, capped at maxBackoff, with "equal jitter" (half fixed,
// half random) so retries of parallel requests spread out.
func (t *transport) backoff(attempt int) time.Duration {
	d := minBackoff << min(attempt, 16)
	if d > t.maxBackoff || d <= 0 {
		d = t.maxBackoff
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func bufferBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	return b, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

// cancelOnClose releases the per-attempt context once the caller has read the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func isTokenRequest(req *http.Request) bool {
	return strings.HasPrefix(req.URL.Path, "/oauth2/")
}

func (t *transport) rememberTokenError(req *http.Request, resp *http.Response) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return
	}
	t.lastTokenErr.Store(parseAPIError(resp.StatusCode, req.Method, req.URL.Path, b))
}

// ---- logging ----

// maxLoggedBody bounds what one TRACE line carries.
const maxLoggedBody = 8 << 10

// redactedHeaders lists headers whose values are credentials.
var redactedHeaders = map[string]bool{"Authorization": true, "Dpop": true, "Cookie": true, "Set-Cookie": true}

// redactHeaders keeps the scheme of Authorization ("SSWS", "Bearer") so a log reader can tell the
// auth mode, and drops every credential value.
func redactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		val := strings.Join(v, ", ")
		if redactedHeaders[http.CanonicalHeaderKey(k)] {
			scheme, _, found := strings.Cut(val, " ")
			if found && http.CanonicalHeaderKey(k) == "Authorization" {
				val = scheme + " [REDACTED]"
			} else {
				val = "[REDACTED]"
			}
		}
		out[k] = val
	}
	return out
}

func (t *transport) logRequest(ctx context.Context, r *http.Request, body []byte, attempt int, isToken bool) {
	fields := map[string]any{
		"method":  r.Method,
		"url":     r.URL.String(),
		"attempt": attempt + 1,
		"headers": redactHeaders(r.Header),
	}
	tflog.Debug(ctx, "Okta API request: "+r.Method+" "+r.URL.Path, fields)
	// Token requests carry a signed client assertion; never log their bodies.
	if len(body) > 0 && !isToken {
		tflog.Trace(ctx, "Okta API request body: "+r.Method+" "+r.URL.Path, map[string]any{"body": truncate(body)})
	}
}

// logResponse logs the answer; at TRACE level it also logs the body, which means reading it and
// handing the caller a replayable copy.
func (t *transport) logResponse(ctx context.Context, req *http.Request, resp *http.Response, took time.Duration, isToken bool) *http.Response {
	fields := map[string]any{
		"method":   req.Method,
		"path":     req.URL.Path,
		"status":   resp.StatusCode,
		"duration": took.String(),
		"headers":  redactHeaders(resp.Header),
	}
	msg := fmt.Sprintf("Okta API response: %s %s -> %d", req.Method, req.URL.Path, resp.StatusCode)
	tflog.Debug(ctx, msg, fields)
	// Token answers carry the access token; their bodies are never logged. Other bodies (user
	// profiles included) only at TRACE.
	if !isToken && resp.Body != nil && resp.ContentLength != 0 {
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
			return resp
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		tflog.Trace(ctx, msg+" body", map[string]any{"body": truncate(b)})
	}
	return resp
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func truncate(b []byte) string {
	if len(b) > maxLoggedBody {
		return string(b[:maxLoggedBody]) + "...(truncated)"
	}
	return string(b)
}
