package oktaemu

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestRateProfile_bucketsDiffer(t *testing.T) {
	te := startEmu(t, Options{RateProfile: "okta-smallest"})
	// /api/v1/apps/{id}/users is in the apps* bucket: 20 a minute on the smallest plans.
	for i := range 20 {
		r := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID+"/users?limit=1", nil)
		if r.header.Get("X-Rate-Limit-Limit") != "20" || r.header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(19-i) {
			t.Fatalf("call %d: limit %s remaining %s", i, r.header.Get("X-Rate-Limit-Limit"), r.header.Get("X-Rate-Limit-Remaining"))
		}
	}
	wantError(t, te.do("GET", "/api/v1/apps", nil), 429, "E0000047")
	// Other buckets are untouched and have their own sizes.
	if r := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID, nil); r.header.Get("X-Rate-Limit-Limit") != "100" {
		t.Fatalf("/api/v1/apps/{id} limit %s, want 100", r.header.Get("X-Rate-Limit-Limit"))
	}
	if r := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil); r.header.Get("X-Rate-Limit-Limit") != "100" {
		t.Fatalf("/api/v1 limit %s, want 100", r.header.Get("X-Rate-Limit-Limit"))
	}
	// The profile can be switched at runtime; with a uniform limit it is refused.
	got := te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rate_profile": "okta-largest"}).obj(t)
	if got["rate_profile"] != "okta-largest" {
		t.Fatalf("faults %v", got)
	}
	if r := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil); r.header.Get("X-Rate-Limit-Limit") != "1200" {
		t.Fatalf("okta-largest /api/v1 limit %s, want 1200", r.header.Get("X-Rate-Limit-Limit"))
	}
	wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"rate_limit": 10}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"rate_profile": "okta-huge"}), 400, "E0000001")
	te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rate_profile": "", "rate_limit": 10})
}

func TestRateProfile_invalidOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"unknown profile": {RateProfile: "okta-free"},
		"both":            {RateProfile: "okta-smallest", RateLimit: 60},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New accepted %+v", name, o)
		}
	}
}

// Over the concurrency cap Okta answers 429 with X-Rate-Limit-Limit and -Remaining 0 and a
// suggested reset, and does not count the request against the bucket's window.
func TestRateProfile_concurrencyCap(t *testing.T) {
	te := startEmu(t, Options{RateProfile: "okta-smallest", Latency: time.Second})
	const n = 45
	var wg sync.WaitGroup
	results := make([]resp, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = te.do("GET", "/api/v1/meta/schemas/user/default", nil)
		}()
	}
	wg.Wait()
	ok, capped := 0, 0
	for _, r := range results {
		switch r.status {
		case 200:
			ok++
		case 429:
			capped++
			if r.header.Get("X-Rate-Limit-Limit") != "0" || r.header.Get("X-Rate-Limit-Remaining") != "0" {
				t.Errorf("concurrency 429 headers: limit %q remaining %q, want 0 and 0",
					r.header.Get("X-Rate-Limit-Limit"), r.header.Get("X-Rate-Limit-Remaining"))
			}
			reset, err := strconv.ParseInt(r.header.Get("X-Rate-Limit-Reset"), 10, 64)
			if err != nil || time.Until(time.Unix(reset, 0)) > 2*time.Second {
				t.Errorf("concurrency 429 reset %q is not a near suggestion", r.header.Get("X-Rate-Limit-Reset"))
			}
		default:
			t.Errorf("status %d: %s", r.status, r.raw)
		}
	}
	if ok != 35 || capped != n-35 {
		t.Fatalf("%d answered, %d over the cap; want 35 and %d", ok, capped, n-35)
	}
	s := te.stats()
	if s.ThrottledConcurrency != capped || s.Throttled != capped {
		t.Fatalf("stats %+v", s)
	}
	// The rejected requests did not use the per-minute window.
	r := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil)
	if got := r.header.Get("X-Rate-Limit-Remaining"); got != strconv.Itoa(100-35-1) {
		t.Fatalf("remaining %s after 35 served calls, want %d", got, 100-35-1)
	}
}
