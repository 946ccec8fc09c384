package okta

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateGovernor is the transport's governor: it keeps every Okta rate-limit bucket this client uses
// under its limit, so a large parallel apply neither surfaces a 429 nor provokes many.
//
// Okta meters each endpoint family ("bucket") in one-minute windows and reports, on every answer,
// X-Rate-Limit-Limit (the window's size), X-Rate-Limit-Remaining (what is left of it) and
// X-Rate-Limit-Reset (epoch seconds, server clock, when the window ends). Per bucket the governor
// keeps an estimate of what is left, lowered by one for every request it lets through and corrected
// by every answer, and:
//
//   - uses at most max_api_capacity percent of each window; the rest is left to the org's other
//     API clients (their use shows up in Remaining and is subtracted too);
//   - paces instead of bursting: after a burst allowance of a tenth of the share, requests are spread
//     evenly over what is left of the window, so the window is never used up early and everyone
//     then waits for the reset at once;
//   - when the share is used up (or a 429 arrived), holds requests until the window resets, plus a
//     little jitter so that waiting requests do not all return in the same instant; a wait that
//     would outlast the request's context (the resource's timeout) fails at once with a clear error.
//
// The estimate errs on the safe side: a request that is in flight is assumed to be counted already.
//
// Okta also caps the org's API requests in progress at once (35 or 75 by plan, rl-additional-limits)
// and answers 429 with X-Rate-Limit-Limit and -Remaining 0 above it. The governor keeps its own
// requests in progress under max_api_capacity percent of the smallest documented cap, and halves
// that when a concurrency 429 still arrives (other clients of the org use the cap too).
type rateGovernor struct {
	capacity int // percent of each bucket this client may use, 1..100

	mu      sync.Mutex
	buckets map[string]*rateBucket

	inflight    int           // requests let through and not yet answered, all buckets
	maxInflight int           // the concurrency this client allows itself
	freed       chan struct{} // closed (and replaced) whenever a request in flight ends

	// hooks for tests
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(max time.Duration) time.Duration
}

// rateWindow is the length of Okta's rate-limit windows.
const rateWindow = time.Minute

// resetJitter bounds the random delay added to waits for a window reset.
const resetJitter = 250 * time.Millisecond

// oktaConcurrencyCap is the smallest concurrent-request limit Okta documents for an org
// (developer.okta.com/docs/reference/rl-additional-limits).
const oktaConcurrencyCap = 35

type rateBucket struct {
	limit     int       // X-Rate-Limit-Limit; 0 until the first answer
	remaining int       // estimate of what is left of the window once every request we sent is counted
	reset     time.Time // local time the window ends
	resetUnix int64     // X-Rate-Limit-Reset of the window: the same on every answer of one window
	// provisional says the window was assumed (the previous one ended and no answer of the new
	// one has arrived yet); the first answer replaces it.
	provisional bool
	inflight    int // requests let through and not yet answered

	tokens   float64   // pacing: requests that may be sent now
	refilled time.Time // when tokens was last topped up
}

func newRateGovernor(capacity int) *rateGovernor {
	if capacity <= 0 || capacity > 100 {
		capacity = 100
	}
	return &rateGovernor{
		capacity:    capacity,
		buckets:     map[string]*rateBucket{},
		maxInflight: max(oktaConcurrencyCap*capacity/100, 1),
		freed:       make(chan struct{}),
		now:         time.Now,
		sleep:       sleepCtx,
		jitter: func(max time.Duration) time.Duration {
			return time.Duration(rand.Int64N(int64(max) + 1))
		},
	}
}

// RateBucket names the Okta rate-limit bucket of a call, following Okta's management rate-limit
// table (developer.okta.com/docs/reference/rl-global-mgmt) as the emulator meters it:
// /api/v1/apps/{id} alone; every other /api/v1/apps call together; /api/v1/users; GET
// /api/v1/users/{idOrLogin}; writes to /api/v1/users/{id}; the token endpoint; and "most other API
// actions" (schemas, user types, mappings) sharing one /api/v1 bucket. Grouping more coarsely than
// the server only makes the governor more careful, never less. Exported so that tools measuring
// API use (make bench) count by the same buckets the governor paces.
func RateBucket(method, path string) string {
	switch {
	case strings.HasPrefix(path, "/oauth2/"):
		return "/oauth2/v1/token"
	case strings.HasPrefix(path, "/api/v1/apps/") && !strings.Contains(strings.TrimPrefix(path, "/api/v1/apps/"), "/"):
		return "/api/v1/apps/{id}"
	case path == "/api/v1/apps" || strings.HasPrefix(path, "/api/v1/apps/"):
		return "/api/v1/apps"
	case path == "/api/v1/users":
		return "/api/v1/users"
	case strings.HasPrefix(path, "/api/v1/users/") && method == http.MethodGet:
		return "GET /api/v1/users/{idOrLogin}"
	case strings.HasPrefix(path, "/api/v1/users/"):
		return "/api/v1/users/{id}"
	}
	return "/api/v1"
}

func rateBucketOf(req *http.Request) string { return RateBucket(req.Method, req.URL.Path) }

// Wait blocks until req may be sent under its bucket's budget, or returns an error when ctx ends
// (or would end) first.
func (g *rateGovernor) Wait(ctx context.Context, req *http.Request) error {
	key := rateBucketOf(req)
	for {
		g.mu.Lock()
		if g.inflight >= g.maxInflight {
			// At the concurrency this client allows itself: wait for an answer, not for a time.
			freed := g.freed
			g.mu.Unlock()
			select {
			case <-freed:
				continue
			case <-ctx.Done():
				return fmt.Errorf("%s %s: waiting for one of this provider's %d Okta requests in progress to finish: %w",
					req.Method, req.URL.Path, g.maxInflight, ctx.Err())
			}
		}
		b := g.bucket(key)
		d := g.delay(b, g.now())
		if d <= 0 {
			g.inflight++
			b.inflight++
			if b.limit > 0 {
				b.remaining--
				b.tokens--
			}
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		if dl, ok := ctx.Deadline(); ok && g.now().Add(d).After(dl) {
			return fmt.Errorf("%s %s: the Okta rate limit of this endpoint (bucket %q) leaves no room before the request's deadline "+
				"(a wait of %s would be needed); raise the resource's timeouts or max_api_capacity, or retry later: %w",
				req.Method, req.URL.Path, key, d.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := g.sleep(ctx, d); err != nil {
			return fmt.Errorf("%s %s: waiting for Okta's rate limit: %w", req.Method, req.URL.Path, err)
		}
	}
}

func (g *rateGovernor) bucket(key string) *rateBucket {
	b := g.buckets[key]
	if b == nil {
		b = &rateBucket{}
		g.buckets[key] = b
	}
	return b
}

// share is the part of a window of size limit this client may use: max_api_capacity percent, less
// a safety margin of 1% for the requests the estimate cannot see (answers that arrive out of order
// just as a window turns over).
func (g *rateGovernor) share(limit int) int {
	return max(limit*g.capacity/100-max(limit/100, 1), 1)
}

// delay is how long a request must wait before it may be sent now; g.mu is held.
func (g *rateGovernor) delay(b *rateBucket, now time.Time) time.Duration {
	if b.limit == 0 {
		return 0 // nothing known yet: the first answers tell us the limit
	}
	if !now.Before(b.reset) {
		// The window is over. Assume a fresh one until its first answer says more; requests still
		// in flight may count against it.
		b.remaining = b.limit - b.inflight
		b.reset = now.Add(rateWindow)
		b.provisional = true
		b.refilled = time.Time{} // a fresh window starts with a full burst
	}
	share := g.share(b.limit)
	// usable is what is left of our share: the window's remaining minus what is reserved for others.
	usable := b.remaining - (b.limit - share)
	if usable <= 0 {
		return b.reset.Sub(now) + g.jitter(resetJitter)
	}
	// Pace: spread what is usable evenly over what is left of the window (a token bucket whose rate
	// is recomputed on every call, so the window ends with the share used and not before), with a
	// burst allowance so that small applies are never slowed down.
	left := max(min(b.reset.Sub(now), rateWindow), time.Millisecond)
	rate := float64(usable) / left.Seconds() // requests per second
	burst := float64(max(share/10, 1))
	if b.refilled.IsZero() {
		b.tokens = burst
	} else if el := now.Sub(b.refilled).Seconds(); el > 0 {
		b.tokens = min(burst, b.tokens+el*rate)
	}
	b.refilled = now
	if b.tokens >= 1 {
		return 0
	}
	return max(time.Duration((1-b.tokens)/rate*float64(time.Second)), time.Millisecond)
}

// Observe learns from an answer's X-Rate-Limit-* headers (429s included); resp nil means the
// attempt got no answer.
func (g *rateGovernor) Observe(req *http.Request, resp *http.Response) {
	key := rateBucketOf(req)
	g.mu.Lock()
	defer g.mu.Unlock()
	b := g.bucket(key)
	if b.inflight > 0 {
		b.inflight--
	}
	if g.inflight > 0 {
		g.inflight--
		close(g.freed)
		g.freed = make(chan struct{})
	}
	if resp == nil {
		return // no answer: the request is no longer in flight, and nothing was learned
	}
	if resp.StatusCode == http.StatusTooManyRequests && strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Limit")) == "0" {
		// Over the org's concurrency cap (the per-minute windows are not concerned): others use
		// more of it than we assumed. Back off to half of what we had in progress.
		g.maxInflight = max(min(g.maxInflight, g.inflight+1)/2, 1)
		return
	}
	limit, err1 := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Limit")))
	remaining, err2 := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Remaining")))
	resetUnix, err3 := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Reset")), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit <= 0 {
		return
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		remaining = 0
	}
	now := g.now()
	// Reset is on the server's clock: measure it from the answer's Date. Date is truncated to the
	// second, so this errs late, which is the safe side.
	reset := time.Unix(resetUnix, 0)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		reset = now.Add(reset.Sub(d))
	}
	est := remaining - b.inflight
	switch {
	case resetUnix > b.resetUnix:
		// The first answer, or the first of a new window (which replaces an assumed one).
		if !b.provisional {
			b.refilled = time.Time{} // a new window starts with a full burst
		}
		b.limit, b.remaining, b.reset, b.resetUnix, b.provisional = limit, est, reset, resetUnix, false
	case resetUnix < b.resetUnix || b.provisional:
		// A late answer from an earlier window: nothing to learn about the current one.
	default:
		b.limit = limit
		b.remaining = min(b.remaining, est)
		// Every conversion errs late (Date is truncated, the answer took time to arrive): the
		// earliest is the best.
		if reset.Before(b.reset) {
			b.reset = reset
		}
	}
}
