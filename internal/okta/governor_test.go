package okta

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when a governor sleeps on it.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestGovernor(capacity int, clock *fakeClock) *rateGovernor {
	g := newRateGovernor(capacity)
	g.now, g.sleep = clock.now, clock.sleep
	g.jitter = func(time.Duration) time.Duration { return 0 }
	return g
}

func schemaReq() *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "https://example.okta.com/api/v1/meta/schemas/user/default", nil)
	return req
}

// answer builds a response as Okta sends it: Date on the server's clock, Reset in epoch seconds.
func answer(status, limit, remaining int, reset, serverNow time.Time) *http.Response {
	h := http.Header{}
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("Date", serverNow.UTC().Format(http.TimeFormat))
	return &http.Response{StatusCode: status, Header: h}
}

// fakeServer counts requests per one-minute window like Okta and answers with the headers.
type fakeServer struct {
	limit     int
	start     time.Time
	used      int
	throttled int
}

func (s *fakeServer) serve(now time.Time) *http.Response {
	if s.start.IsZero() || now.Sub(s.start) >= time.Minute {
		s.start, s.used = now, 0
	}
	reset := s.start.Add(time.Minute).Truncate(time.Second).Add(time.Second)
	if s.used >= s.limit {
		s.throttled++
		return answer(http.StatusTooManyRequests, s.limit, 0, reset, now)
	}
	s.used++
	return answer(http.StatusOK, s.limit, s.limit-s.used, reset, now)
}

func TestRateBucketOf(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/api/v1/meta/schemas/user/default", "/api/v1"},
		{"POST", "/api/v1/meta/schemas/apps/0oa1/default", "/api/v1"},
		{"GET", "/api/v1/mappings", "/api/v1"},
		{"POST", "/api/v1/mappings/prm1", "/api/v1"},
		{"PUT", "/api/internal/v1/mappings/reapply", "/api/v1"},
		{"GET", "/api/v1/meta/types/user/default", "/api/v1"},
		{"GET", "/api/v1/apps", "/api/v1/apps"},
		{"GET", "/api/v1/apps/0oa1", "/api/v1/apps/{id}"},
		{"GET", "/api/v1/apps/0oa1/users", "/api/v1/apps"},
		{"GET", "/api/v1/users", "/api/v1/users"},
		{"GET", "/api/v1/users/00u1", "GET /api/v1/users/{idOrLogin}"},
		{"POST", "/api/v1/users/00u1", "/api/v1/users/{id}"},
		{"POST", "/oauth2/v1/token", "/oauth2/v1/token"},
	} {
		req, _ := http.NewRequest(c.method, "https://example.okta.com"+c.path, nil)
		if got := rateBucketOf(req); got != c.want {
			t.Errorf("rateBucketOf(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

// Sequential requests through a server with a 60-per-minute window: never a 429, and the calls are
// spread over the windows instead of using each one up at once.
func TestGovernor_pacesBelowTheLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	srv := &fakeServer{limit: 60}
	start := clock.now()
	ctx := context.Background()
	for i := 0; i < 150; i++ {
		if err := g.Wait(ctx, schemaReq()); err != nil {
			t.Fatal(err)
		}
		g.Observe(schemaReq(), srv.serve(clock.now()))
		clock.advance(10 * time.Millisecond) // the call itself
	}
	if srv.throttled != 0 {
		t.Fatalf("%d requests throttled, want 0", srv.throttled)
	}
	took := clock.now().Sub(start)
	// 150 calls at 60/min need at least 1.5 windows' worth of time minus a burst; at most a
	// few seconds per window more than the lower bound.
	if lower := 150 * time.Minute / 60; took < lower-20*time.Second || took > lower+10*time.Second {
		t.Fatalf("150 calls took %s, want about %s", took, lower)
	}
	// Smooth: no single wait was a whole window.
	for _, d := range clock.slept {
		if d > 10*time.Second {
			t.Fatalf("a wait of %s: the governor burst and then waited for the reset", d)
		}
	}
}

// max_api_capacity 50 leaves half of each window to others.
func TestGovernor_capacityCapsTheShare(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(50, clock)
	srv := &fakeServer{limit: 100}
	ctx := context.Background()
	windowStart := clock.now()
	inFirst := 0
	for i := 0; i < 80; i++ {
		if err := g.Wait(ctx, schemaReq()); err != nil {
			t.Fatal(err)
		}
		if clock.now().Sub(windowStart) < time.Minute {
			inFirst++
		}
		g.Observe(schemaReq(), srv.serve(clock.now()))
		clock.advance(time.Millisecond)
	}
	if inFirst > 50 {
		t.Fatalf("%d requests in the first window, want at most 50 (50%% of 100)", inFirst)
	}
	if srv.throttled != 0 {
		t.Fatalf("%d throttled", srv.throttled)
	}
}

// Other clients' use shows in Remaining and is respected.
func TestGovernor_othersUseCounts(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	reset := clock.now().Add(30 * time.Second)
	// Someone else has used the whole window but one request (plus the 1% safety margin).
	g.Observe(schemaReq(), answer(http.StatusOK, 600, 1+6, reset, clock.now()))
	if err := g.Wait(context.Background(), schemaReq()); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) != 0 {
		t.Fatalf("waited %v for the last request of the window", clock.slept)
	}
	if err := g.Wait(context.Background(), schemaReq()); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) == 0 || clock.now().Before(reset) {
		t.Fatalf("sent before the reset at %s (now %s, slept %v)", reset, clock.now(), clock.slept)
	}
}

// After a 429 every request waits for X-Rate-Limit-Reset, measured on the server's clock.
func TestGovernor_429HoldsUntilResetOnServerClock(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	server := clock.now().Add(-2 * time.Hour) // the server's clock is two hours behind ours
	g.Observe(schemaReq(), answer(http.StatusTooManyRequests, 600, 0, server.Add(20*time.Second), server))
	if err := g.Wait(context.Background(), schemaReq()); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) != 1 || clock.slept[0] != 20*time.Second {
		t.Fatalf("slept %v, want [20s]", clock.slept)
	}
}

// A wait that would outlast the request's deadline fails at once.
func TestGovernor_waitBoundedByContext(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	g := newTestGovernor(100, clock)
	g.Observe(schemaReq(), answer(http.StatusTooManyRequests, 600, 0, clock.now().Add(45*time.Second), clock.now()))
	ctx, cancel := context.WithDeadline(context.Background(), clock.now().Add(5*time.Second))
	defer cancel()
	err := g.Wait(ctx, schemaReq())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if len(clock.slept) != 0 {
		t.Fatalf("slept %v before failing", clock.slept)
	}
}

// Buckets are independent: a throttled /api/v1 bucket does not hold an apps call.
func TestGovernor_bucketsAreIndependent(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	g.Observe(schemaReq(), answer(http.StatusTooManyRequests, 600, 0, clock.now().Add(time.Minute), clock.now()))
	req, _ := http.NewRequest(http.MethodGet, "https://example.okta.com/api/v1/apps/0oa1", nil)
	if err := g.Wait(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) != 0 {
		t.Fatalf("an apps call waited %v for the schemas bucket", clock.slept)
	}
}

// Many goroutines share one governor: no 429 and no race (run with -race).
func TestGovernor_concurrent(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	var mu sync.Mutex
	srv := &fakeServer{limit: 50}
	var wg sync.WaitGroup
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 12; i++ {
				if err := g.Wait(context.Background(), schemaReq()); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				resp := srv.serve(clock.now())
				mu.Unlock()
				g.Observe(schemaReq(), resp)
			}
		}()
	}
	wg.Wait()
	if srv.throttled != 0 {
		t.Fatalf("%d of 120 requests throttled", srv.throttled)
	}
}

// Answers without rate-limit headers (a proxy, an error page) change nothing.
func TestGovernor_noHeaders(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	g := newTestGovernor(100, clock)
	for i := 0; i < 1000; i++ {
		if err := g.Wait(context.Background(), schemaReq()); err != nil {
			t.Fatal(err)
		}
		g.Observe(schemaReq(), &http.Response{StatusCode: 200, Header: http.Header{}})
	}
	if len(clock.slept) != 0 {
		t.Fatalf("slept %v without any rate-limit information", clock.slept)
	}
}

// An attempt without an answer is no longer in flight: the estimate does not shrink for it.
func TestGovernor_noAnswerReleasesInFlight(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	reset := clock.now().Add(time.Minute)
	g.Observe(schemaReq(), answer(http.StatusOK, 600, 500, reset, clock.now()))
	for i := 0; i < 20; i++ {
		if err := g.Wait(context.Background(), schemaReq()); err != nil {
			t.Fatal(err)
		}
		g.Observe(schemaReq(), nil) // connection refused
	}
	g.Observe(schemaReq(), answer(http.StatusOK, 600, 480, reset, clock.now()))
	if b := g.buckets["/api/v1"]; b.inflight != 0 || b.remaining != 480 {
		t.Fatalf("in flight %d, remaining %d; want 0 and 480", b.inflight, b.remaining)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The transport and the governor together: a long run of calls through a rate-limited server never
// surfaces a 429, and when another client empties the window the one 429 it causes is retried
// after X-Rate-Limit-Reset instead of reaching the caller.
func TestTransportWithGovernor(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := &fakeServer{limit: 30}
	var mu sync.Mutex
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		resp := srv.serve(clock.now())
		resp.Body, resp.Request = io.NopCloser(strings.NewReader("{}")), r
		clock.advance(20 * time.Millisecond)
		return resp, nil
	})
	tr := newTransport(next, Config{MaxRetries: 3, MaxBackoff: 30 * time.Second, RequestTimeout: 5 * time.Second})
	tr.sleep, tr.now = clock.sleep, clock.now
	tr.gov = newTestGovernor(100, clock)
	client := &http.Client{Transport: tr}
	get := func() {
		t.Helper()
		resp, err := client.Get("https://example.okta.com/api/v1/meta/schemas/user/default")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a %d reached the caller", resp.StatusCode)
		}
	}
	start := clock.now()
	for i := 0; i < 100; i++ {
		get()
	}
	if srv.throttled != 0 {
		t.Fatalf("%d requests throttled on their own", srv.throttled)
	}
	if took := clock.now().Sub(start); took < 2*time.Minute || took > 4*time.Minute {
		t.Fatalf("100 calls at 30/min took %s, want about 3m20s", took)
	}

	mu.Lock()
	srv.used = srv.limit // another client empties the window
	windowEnd := srv.start.Add(time.Minute)
	mu.Unlock()
	get()
	if srv.throttled != 1 {
		t.Fatalf("throttled %d, want the one 429 the other client caused", srv.throttled)
	}
	if clock.now().Before(windowEnd) {
		t.Fatalf("the retry went at %s, before the window's reset at %s", clock.now(), windowEnd)
	}
}

// The governor keeps its requests in progress under its share of Okta's smallest concurrency cap.
func TestGovernor_concurrencyCap(t *testing.T) {
	g := newRateGovernor(100)
	var mu sync.Mutex
	cur, peak := 0, 0
	var wg sync.WaitGroup
	for w := 0; w < 3*oktaConcurrencyCap; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Wait(context.Background(), schemaReq()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			cur++
			peak = max(peak, cur)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			cur--
			mu.Unlock()
			g.Observe(schemaReq(), answer(http.StatusOK, 100000, 99000, time.Now().Add(time.Minute), time.Now()))
		}()
	}
	wg.Wait()
	if peak > oktaConcurrencyCap || peak < 2 {
		t.Fatalf("peak of %d requests in progress, want 2..%d", peak, oktaConcurrencyCap)
	}
	if half := newRateGovernor(50); half.maxInflight != oktaConcurrencyCap/2 {
		t.Fatalf("max_api_capacity 50 allows %d in progress, want %d", half.maxInflight, oktaConcurrencyCap/2)
	}
}

// A concurrency 429 (X-Rate-Limit-Limit 0) halves the concurrency and leaves the bucket's window alone.
func TestGovernor_concurrency429(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := newTestGovernor(100, clock)
	reset := clock.now().Add(time.Minute)
	g.Observe(schemaReq(), answer(http.StatusOK, 600, 500, reset, clock.now()))
	for i := 0; i < 10; i++ {
		if err := g.Wait(context.Background(), schemaReq()); err != nil {
			t.Fatal(err)
		}
	}
	g.Observe(schemaReq(), answer(http.StatusTooManyRequests, 0, 0, clock.now().Add(time.Second), clock.now()))
	if g.maxInflight != 5 {
		t.Fatalf("after a concurrency 429 with 10 in progress, %d allowed; want 5", g.maxInflight)
	}
	if b := g.buckets["/api/v1"]; b.remaining < 400 || b.limit != 600 {
		t.Fatalf("bucket %+v: a concurrency 429 must not spend the per-minute window", *b)
	}
	// The next request waits for an answer, not for the window.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := g.Wait(ctx, schemaReq()); err == nil {
		t.Fatal("a 10th request in progress was let through with 5 allowed")
	}
	for i := 0; i < 5; i++ {
		g.Observe(schemaReq(), answer(http.StatusOK, 600, 490, reset, clock.now()))
	}
	if err := g.Wait(context.Background(), schemaReq()); err != nil {
		t.Fatal(err)
	}
}
