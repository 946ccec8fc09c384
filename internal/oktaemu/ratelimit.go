package oktaemu

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Rate limiting as Okta meters it: per-minute windows per endpoint family ("bucket",
// bucketFor) and, separately, a cap on the requests of the org in progress at once.
//
// A rate profile sets both from Okta's documented tables (FIDELITY.md, rate limits):
// developer.okta.com/docs/reference/rl-global-mgmt (per-minute limits per bucket, by plan) and
// developer.okta.com/docs/reference/rl-additional-limits (concurrent requests).

// RateProfiles are the names Options.RateProfile (and -rate-profile) accepts.
var RateProfiles = []string{"okta-smallest", "okta-largest"}

// rateProfile is one column of Okta's management rate-limit table plus its concurrency cap.
type rateProfile struct {
	limits      map[string]int // per bucket (bucketFor's names), requests per minute
	concurrency int            // API requests in progress at once; one more answers 429
}

var rateProfileTable = map[string]rateProfile{
	// The lowest value of each documented range (the smallest plans). The token endpoint and user
	// writes are not in the ranges this emulator models; they get the /api/v1 value.
	"okta-smallest": {concurrency: 35, limits: map[string]int{
		"/api/v1/apps":                  20,
		"/api/v1/apps/{id}":             100,
		"/api/v1/users":                 100,
		"GET /api/v1/users/{idOrLogin}": 100,
		"/api/v1/users/{id}":            100,
		"/api/v1":                       100,
		"/oauth2/v1/token":              100,
	}},
	// The highest value of each documented range (Workforce Identity).
	"okta-largest": {concurrency: 75, limits: map[string]int{
		"/api/v1/apps":                  100,
		"/api/v1/apps/{id}":             600,
		"/api/v1/users":                 600,
		"GET /api/v1/users/{idOrLogin}": 600,
		"/api/v1/users/{id}":            600,
		"/api/v1":                       1200,
		"/oauth2/v1/token":              600,
	}},
}

// checkRateKnobs validates a profile name and its combination with a uniform limit.
func checkRateKnobs(profile string, uniform int) error {
	if uniform < 0 {
		return fmt.Errorf("rate limit %d is negative", uniform)
	}
	if profile == "" {
		return nil
	}
	if _, ok := rateProfileTable[profile]; !ok {
		return fmt.Errorf("rate profile %q is not one of %s", profile, strings.Join(RateProfiles, ", "))
	}
	if uniform > 0 {
		return fmt.Errorf("rate profile %q and a uniform rate limit (%d) are exclusive: set one", profile, uniform)
	}
	return nil
}

// bucketLimit is the per-minute limit of a bucket under the current knobs; 0 is unlimited.
func (k knobs) bucketLimit(bucket string) int {
	if p, ok := rateProfileTable[k.rateProfile]; ok {
		return p.limits[bucket]
	}
	return k.rateLimit
}

// concurrencyLimit is the cap on API requests in progress at once; 0 is none.
func (k knobs) concurrencyLimit() int {
	return rateProfileTable[k.rateProfile].concurrency
}

// bucket is a fixed one-minute window, as Okta's X-Rate-Limit-Reset describes it.
type bucket struct {
	start time.Time
	used  int
}

type rateState struct {
	limit, remaining int
	reset            time.Time
}

// unlimitedReported is the limit advertised when rate limiting is off, so that clients which pace
// themselves on X-Rate-Limit-Remaining never wait.
const unlimitedReported = 100000

func (l rateState) setHeaders(h http.Header) {
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(l.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(l.remaining))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(l.reset.Unix(), 10))
}

// takeRate consumes one request from a bucket. Callers hold e.mu.
func (e *Emulator) takeRate(name string, limit int) (rateState, bool) {
	now := time.Now()
	b := e.buckets[name]
	if b == nil || now.Sub(b.start) >= time.Minute {
		b = &bucket{start: now}
		e.buckets[name] = b
	}
	reset := b.start.Add(time.Minute)
	if reset.Nanosecond() != 0 {
		reset = reset.Truncate(time.Second).Add(time.Second)
	}
	lim := limit
	if lim == 0 {
		lim = unlimitedReported
	}
	if limit > 0 && b.used >= limit {
		return rateState{limit: lim, remaining: 0, reset: reset}, false
	}
	b.used++
	return rateState{limit: lim, remaining: max(lim-b.used, 0), reset: reset}, true
}

// concurrencyRejected is what a request over the concurrency cap is answered with. Okta's
// rl-best-practices: "The first two header values are always 0 for concurrent rate limit errors.
// The third header reports an estimated time interval when the concurrent rate limit may be
// resolved" (a suggestion, not a window). The emulator suggests the next second.
func concurrencyRejected(now time.Time) rateState {
	return rateState{limit: 0, remaining: 0, reset: now.Truncate(time.Second).Add(time.Second)}
}

// bucketFor names the Okta rate-limit bucket of a call, following Okta's management rate-limit table
// (developer.okta.com/docs/reference/rl-global-mgmt): /api/v1/apps/{id} alone; every other /api/v1/apps
// call together; GET/POST /api/v1/users; GET /api/v1/users/{idOrLogin}; writes to /api/v1/users/{id};
// and "most other API actions" (schemas, user types, mappings) sharing the /api/v1 bucket.
func bucketFor(method, path string) string {
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

// RateProfileLimits returns a profile's per-bucket limits (bucket names as the emulator's stats
// and the provider's governor use them) and its concurrency cap, for tools that compute lower
// bounds (make bench).
func RateProfileLimits(name string) (map[string]int, int, bool) {
	p, ok := rateProfileTable[name]
	if !ok {
		return nil, 0, false
	}
	m := make(map[string]int, len(p.limits))
	for k, v := range p.limits {
		m[k] = v
	}
	return m, p.concurrency, true
}
