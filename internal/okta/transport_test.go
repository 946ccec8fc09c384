package okta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testTransport is a transport whose waits are recorded instead of slept.
func testTransport(maxRetries int) (*transport, *[]time.Duration) {
	var waits []time.Duration
	tr := newTransport(http.DefaultTransport, Config{MaxRetries: maxRetries, MaxBackoff: 30 * time.Second, RequestTimeout: 5 * time.Second})
	tr.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return tr, &waits
}

func TestTransport_429WaitsUntilResetOnServerClock(t *testing.T) {
	var n atomic.Int32
	// The server's clock is 1h behind ours: the wait must be measured against Date, not time.Now.
	serverNow := time.Now().Add(-time.Hour).Truncate(time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Date", serverNow.UTC().Format(http.TimeFormat))
			w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(serverNow.Add(10*time.Second).Unix(), 10))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}`)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	tr, waits := testTransport(3)
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 2 {
		t.Fatalf("status %d after %d calls", resp.StatusCode, n.Load())
	}
	if len(*waits) != 1 || (*waits)[0] < 11*time.Second || (*waits)[0] > 11*time.Second+250*time.Millisecond {
		t.Fatalf("waits %v, want 11s (+jitter): reset is 10s after the server's Date, plus the Date's resolution", *waits)
	}
}

func TestTransport_429WaitIsCappedByMaxBackoff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	tr, waits := testTransport(2)
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d: after max_retries the last answer is returned", resp.StatusCode)
	}
	if len(*waits) != 2 || (*waits)[0] != 30*time.Second {
		t.Fatalf("waits %v, want two waits of max_backoff (30s)", *waits)
	}
}

func TestTransport_5xxRetriedWithReplayedBody(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != `{"a":1}` {
			t.Errorf("attempt %d got body %q", n.Load()+1, b)
		}
		if n.Add(1) < 3 {
			w.WriteHeader([]int{http.StatusServiceUnavailable, http.StatusInternalServerError}[n.Load()-1])
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	tr, waits := testTransport(5)
	resp, err := (&http.Client{Transport: tr}).Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 3 || len(*waits) != 2 {
		t.Fatalf("status %d, calls %d, waits %v", resp.StatusCode, n.Load(), *waits)
	}
	// Equal jitter: the second wait is drawn from [200ms, 400ms], the first from [100ms, 200ms].
	if w := (*waits)[0]; w < 100*time.Millisecond || w > 200*time.Millisecond {
		t.Errorf("first backoff %v outside [100ms, 200ms]", w)
	}
	if w := (*waits)[1]; w < 200*time.Millisecond || w > 400*time.Millisecond {
		t.Errorf("second backoff %v outside [200ms, 400ms]", w)
	}
}

func TestTransport_clientErrorsAreNotRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	tr, _ := testTransport(5)
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 1 {
		t.Fatalf("400 was sent %d times", n.Load())
	}
}

func TestTransport_connectionErrorsRetriedThenFlattened(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	tr, waits := testTransport(2)
	_, err := (&http.Client{Transport: tr}).Get(url)
	if err == nil {
		t.Fatal("no error")
	}
	if len(*waits) != 2 || !strings.Contains(err.Error(), "failed after 3 attempts") {
		t.Fatalf("waits %v, err %v", *waits, err)
	}
	if errors.Is(err, io.EOF) {
		t.Fatal("the error wraps io.EOF, which the SDK retries without limit")
	}
}

func TestTransport_contextEndsTheWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	tr := newTransport(http.DefaultTransport, Config{MaxRetries: 100, MaxBackoff: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	_, err := (&http.Client{Transport: tr}).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the context's deadline", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %v: the wait ignored the context", time.Since(start))
	}
}

func TestTransport_perAttemptTimeout(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	tr, _ := testTransport(2)
	tr.attemptTimeout = time.Second
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 2 {
		t.Fatalf("status %d after %d attempts", resp.StatusCode, n.Load())
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "SSWS 00secretToken")
	h.Set("Dpop", "eyJsecret")
	h.Set("Accept", "application/json")
	got := redactHeaders(h)
	if got["Authorization"] != "SSWS [REDACTED]" || got["Dpop"] != "[REDACTED]" || got["Accept"] != "application/json" {
		t.Fatalf("got %v", got)
	}
	h.Set("Authorization", "Bearer abc")
	if got := redactHeaders(h)["Authorization"]; got != "Bearer [REDACTED]" {
		t.Fatalf("got %q", got)
	}
	h.Set("Authorization", "rawsecret")
	if got := redactHeaders(h)["Authorization"]; got != "[REDACTED]" {
		t.Fatalf("got %q", got)
	}
}

func TestNextCursor(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://x.okta.com/api/v1/apps?limit=2>; rel="self"`)
	h.Add("Link", `<https://x.okta.com/api/v1/apps?after=0oa2&limit=2>; rel="next"`)
	if got := nextCursor(h); got != "0oa2" {
		t.Fatalf("got %q", got)
	}
	if got := nextCursor(http.Header{"Link": {`<https://x/api?limit=2>; rel="self"`}}); got != "" {
		t.Fatalf("last page gave %q", got)
	}
}

func TestIsAmbiguous(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&NotFoundError{Kind: "x"}, false},
		{&APIError{Status: 400}, false},
		{&APIError{Status: 429}, false},
		{&APIError{Status: 503}, true},
		{errors.Join(errors.New("ctx"), &APIError{Status: 500}), true},
		{context.DeadlineExceeded, true},
		{errors.New("POST /x failed after 3 attempts: connection reset"), true},
	} {
		if got := IsAmbiguous(tc.err); got != tc.want {
			t.Errorf("IsAmbiguous(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestResendable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&NotFoundError{Kind: "x"}, false},
		{&APIError{Status: 400}, false},
		{&APIError{Status: 429}, true}, // refused before processing: send it again
		{&APIError{Status: 503}, true},
		{&APIError{Status: 0, ErrorSummary: "no answer"}, true},
		{fmt.Errorf("POST /x: %w", context.DeadlineExceeded), false}, // the caller's deadline is final
		{fmt.Errorf("POST /x: %w", context.Canceled), false},
		{errors.New("POST /x failed after 3 attempts: connection reset"), true},
	} {
		if got := resendable(tc.err); got != tc.want {
			t.Errorf("resendable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
