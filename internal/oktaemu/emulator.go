// Package oktaemu is a stateful, in-memory Okta org for tests, demos and benchmarks: an http.Handler
// serving the slice of the Okta management API this provider uses (schemas, user types, apps, app users,
// profile mappings, mapping reapply, users, the OAuth token endpoint), with knobs that make it behave as
// harshly as a real org can (latency, faults, rate limits, eventual consistency, the attribute clean-up
// window, lost concurrent writes).
//
// Control API (not Okta; same SSWS token; never counted, rate-limited, delayed or faulted; absent with
// Options.NoControl):
//
//	GET  /__emulator/stats                         {"total","throttled","throttled_concurrency","faults",
//	                                                "dropped","deletes","by_route"}
//	POST /__emulator/stats/reset
//	PUT  /__emulator/apps/{appId}/profile-sourcing {"enabled": true, "deactivation_action": "NONE"}
//	POST /__emulator/apps/{appId}/import           recompute app users from SCIM records, apply PUSH mappings
//	DELETE /__emulator/apps/{appId}                delete the app (console action), its schema and mappings
//	GET  /__emulator/faults                        current knobs and live rules
//	PUT  /__emulator/faults                        {"latency": "50ms", "fault_rate": 0.1, "rate_limit": 60,
//	                                                "rate_profile": "okta-smallest",
//	                                                "consistency_delay": "1s", "cleanup_delay": "5s",
//	                                                "lost_update_window": "200ms", "omit_master": true,
//	                                                "refuse_dont_push_from_source": true,
//	                                                "rules": [{"method": "POST",
//	                                                "route": "/api/v1/mappings/{id}", "status": 503, "count": 1,
//	                                                "after_commit": true},
//	                                                {"route": "/api/v1/meta/schemas/user/{id}",
//	                                                "lost_update": true, "count": 2}]}
//	                                                (keys left out keep their value)
//	PUT  /__emulator/oauth-clients/{clientId}      {"public_key_pem": "...", "scopes": ["okta.schemas.manage"]}
//
// A fault rule answers the next count calls matching method and route (a route pattern as above, or
// a concrete path) with status, before the write or, with after_commit, after it. A lost_update rule
// instead makes the next count schema or mapping POSTs lose to a simulated overlapping writer, as
// Okta does (see arrivalBase): answered 200 with the change, then the other writer's copy, read just
// before the write, is committed, so the next read lacks the change (a created property is missing,
// a deleted one is back); each counts in stats "dropped". Unlike the lost-update window, it does not
// depend on timing.
//
// Seeds: "demo" (see the Demo* constants), "empty" (the default user type only), "scale:N" (N users
// assigned to Dialpad, seed_scale.go), or a JSON file in the
// seedFile format (user_attributes, users, apps with attributes, users+scim, mappings_to_okta/_from_okta).
package oktaemu

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configures an Emulator. The zero value of every knob means "off".
type Options struct {
	// Token is the API token accepted as "Authorization: SSWS <token>" (and required by the control API).
	// Empty means "emulator-token".
	Token string
	// Seed is "demo" (the default when empty), "empty", "scale:N", or the path of a JSON seed file.
	Seed string
	// Latency is added to every API call.
	Latency time.Duration
	// ConsistencyDelay: schema and mapping writes become visible to GETs only after this.
	ConsistencyDelay time.Duration
	// CleanupDelay: after a custom attribute is deleted, re-adding that name fails during this window.
	CleanupDelay time.Duration
	// LostUpdateWindow: a schema or mapping POST arriving less than this after the last applied write to
	// the same object is answered 200 with the expected body but silently dropped.
	LostUpdateWindow time.Duration
	// FaultRate is the probability (0..1) that an API call answers 500 or 503.
	FaultRate float64
	// RateLimit is the number of requests per minute of every Okta rate-limit bucket alike; 0 is
	// unlimited. Exclusive with RateProfile.
	RateLimit int
	// OmitMaster answers user schema properties without `master`, as some real orgs do (recordings
	// from 2026 where a posted PROFILE_MASTER comes back without it). The stored source priority is
	// still kept and used for sourcing.
	OmitMaster bool
	// RefuseDontPushFromSource answers a mapping write with DONT_PUSH from a profile-source app 400
	// "Profile mastering enabled apps support push status only", as the org of
	// terraform-provider-okta #807 did; other evidence (the ProfileMapping_crud recording) accepts
	// DONT_PUSH from a source that is not profile mastering, so orgs may differ.
	RefuseDontPushFromSource bool
	// RateProfile sets each bucket's per-minute limit and the concurrency cap as Okta documents them
	// for a plan: "okta-smallest" or "okta-largest" (RateProfiles); empty means none.
	RateProfile string
	// NoControl starts the emulator without the /__emulator/ control API.
	NoControl bool
}

// DefaultToken is the API token used when Options.Token is empty.
const DefaultToken = "emulator-token"

// knobs are the Options that can change at runtime through PUT /__emulator/faults.
type knobs struct {
	latency          time.Duration
	consistencyDelay time.Duration
	cleanupDelay     time.Duration
	lostUpdateWindow time.Duration
	faultRate        float64
	rateLimit        int
	omitMaster       bool
	// refuseDontPushFromSource: see Options.RefuseDontPushFromSource.
	refuseDontPushFromSource bool
	rateProfile              string
}

// Emulator is an in-memory Okta org. It is safe for concurrent use.
type Emulator struct {
	token     string
	noControl bool
	oauth     *oauthServer
	// oauthScopes authenticates an OAuth caller ("Bearer <token>", or "DPoP <token>" with its proof)
	// and returns the granted scopes: the OAuth server's authorize; tests may substitute it.
	oauthScopes func(r *http.Request) ([]string, bool)

	api     *http.ServeMux
	control *http.ServeMux
	// scopes maps an API route pattern to the OAuth scope a Bearer caller needs for it.
	scopes map[string]string

	mu      sync.Mutex // guards everything below
	knobs   knobs
	org     *org
	stats   stats
	rules   []faultRule
	buckets map[string]*bucket
	rnd     *rand.Rand
	// inflight counts API requests being served (for the concurrency cap).
	inflight int
}

// New builds an emulator seeded as opts.Seed says.
func New(opts Options) (*Emulator, error) {
	if opts.FaultRate < 0 || opts.FaultRate > 1 {
		return nil, fmt.Errorf("fault rate %v is outside 0..1", opts.FaultRate)
	}
	if err := checkRateKnobs(opts.RateProfile, opts.RateLimit); err != nil {
		return nil, err
	}
	for _, d := range []time.Duration{opts.Latency, opts.ConsistencyDelay, opts.CleanupDelay, opts.LostUpdateWindow} {
		if d < 0 {
			return nil, fmt.Errorf("negative duration %v", d)
		}
	}
	e := &Emulator{
		token:     opts.Token,
		noControl: opts.NoControl,
		oauth:     newOAuthServer(),
		knobs: knobs{
			latency:                  opts.Latency,
			consistencyDelay:         opts.ConsistencyDelay,
			cleanupDelay:             opts.CleanupDelay,
			lostUpdateWindow:         opts.LostUpdateWindow,
			faultRate:                opts.FaultRate,
			rateLimit:                opts.RateLimit,
			omitMaster:               opts.OmitMaster,
			refuseDontPushFromSource: opts.RefuseDontPushFromSource,
			rateProfile:              opts.RateProfile,
		},
		buckets: map[string]*bucket{},
		rnd:     rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x0c7a)),
		stats:   newStats(),
	}
	if e.token == "" {
		e.token = DefaultToken
	}
	e.oauthScopes = e.oauth.authorize
	var err error
	switch opts.Seed {
	case "", "demo":
		e.org, err = demoOrg()
	case "empty":
		e.org, err = emptyOrg()
	default:
		if n, ok, perr := parseScaleSeed(opts.Seed); ok {
			if perr != nil {
				return nil, perr
			}
			e.org, err = scaleOrg(n)
			break
		}
		e.org, err = fileOrg(opts.Seed)
	}
	if err != nil {
		return nil, fmt.Errorf("seed %q: %w", opts.Seed, err)
	}
	e.routes()
	return e, nil
}

const (
	scopeSchemasRead   = "okta.schemas.read"
	scopeSchemasManage = "okta.schemas.manage"
	scopeTypesRead     = "okta.userTypes.read"
	scopeTypesManage   = "okta.userTypes.manage"
	scopeAppsRead      = "okta.apps.read"
	scopeMappingsRead  = "okta.profileMappings.read"
	scopeMappingManage = "okta.profileMappings.manage"
	scopeUsersRead     = "okta.users.read"

	routeToken   = "POST /oauth2/v1/token"
	routeReapply = "PUT /api/internal/v1/mappings/reapply"
)

func (e *Emulator) routes() {
	e.api = http.NewServeMux()
	e.scopes = map[string]string{}
	handle := func(pattern, scope string, h http.HandlerFunc) {
		e.api.HandleFunc(pattern, h)
		e.scopes[pattern] = scope
	}
	e.api.HandleFunc(routeToken, e.oauth.handleToken)

	// The spec's security sections name these scopes (okta-openapi management spec).
	handle("GET /api/v1/meta/schemas/user/{id}", scopeSchemasRead, e.getUserSchema)
	handle("POST /api/v1/meta/schemas/user/{id}", scopeSchemasManage, e.postUserSchema)
	handle("GET /api/v1/meta/schemas/apps/{id}/default", scopeSchemasRead, e.getAppSchema)
	handle("POST /api/v1/meta/schemas/apps/{id}/default", scopeSchemasManage, e.postAppSchema)
	handle("GET /api/v1/meta/types/user", scopeTypesRead, e.listUserTypes)
	handle("GET /api/v1/meta/types/user/{id}", scopeTypesRead, e.getUserType)
	handle("POST /api/v1/meta/types/user", scopeTypesManage, e.createUserType)
	handle("GET /api/v1/apps", scopeAppsRead, e.listApps)
	handle("GET /api/v1/apps/{id}", scopeAppsRead, e.getApp)
	handle("GET /api/v1/apps/{id}/users", scopeAppsRead, e.listAppUsers)
	handle("GET /api/v1/apps/{id}/users/{userId}", scopeAppsRead, e.getAppUser)
	handle("GET /api/v1/apps/{id}/user/types", scopeAppsRead, e.listAppUserTypes)
	handle("GET /api/v1/mappings", scopeMappingsRead, e.listMappings)
	handle("GET /api/v1/mappings/{id}", scopeMappingsRead, e.getMapping)
	handle("POST /api/v1/mappings/{id}", scopeMappingManage, e.postMapping)
	handle(routeReapply, scopeMappingManage, e.reapply)
	handle("GET /api/v1/users", scopeUsersRead, e.listUsers)
	handle("GET /api/v1/users/{id}", scopeUsersRead, e.getUser)

	e.control = http.NewServeMux()
	e.control.HandleFunc("GET /__emulator/stats", e.ctlStats)
	e.control.HandleFunc("POST /__emulator/stats/reset", e.ctlStatsReset)
	e.control.HandleFunc("PUT /__emulator/apps/{id}/profile-sourcing", e.ctlProfileSourcing)
	e.control.HandleFunc("POST /__emulator/apps/{id}/import", e.ctlImport)
	e.control.HandleFunc("DELETE /__emulator/apps/{id}", e.ctlDeleteApp)
	e.control.HandleFunc("GET /__emulator/faults", e.ctlGetFaults)
	e.control.HandleFunc("PUT /__emulator/faults", e.ctlPutFaults)
	e.control.HandleFunc("PUT /__emulator/oauth-clients/{id}", func(w http.ResponseWriter, r *http.Request) {
		e.oauth.handleRegisterClient(w, r, r.PathValue("id"))
	})
}

// ServeHTTP implements http.Handler.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if r.URL.Path == "/__emulator" || strings.HasPrefix(r.URL.Path, "/__emulator/") {
		e.serveControl(w, r)
		return
	}
	e.serveAPI(w, r)
}

// serveControl serves the control API: never counted, rate-limited, delayed or faulted.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	if e.noControl {
		e.writeError(w, errNotFound(r.URL.Path, "Page"))
		return
	}
	if r.Header.Get("Authorization") != "SSWS "+e.token {
		e.writeError(w, errUnauthorized())
		return
	}
	if _, pattern := e.control.Handler(r); pattern == "" {
		e.writeNoRoute(w, r, e.control)
		return
	}
	// ServeHTTP (not the handler Handler returned) so that r.PathValue is populated.
	e.control.ServeHTTP(w, r)
}

// writeNoRoute answers a request no pattern matched: 405 when the path exists with another method.
func (e *Emulator) writeNoRoute(w http.ResponseWriter, r *http.Request, mux *http.ServeMux) {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" {
			e.writeError(w, errMethodNotAllowed())
			return
		}
	}
	e.writeError(w, errNotFound(r.URL.Path, "Page"))
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	_, route := e.api.Handler(r)
	statRoute := route
	if statRoute == "" {
		statRoute = r.Method + " (unmatched)"
	}

	// Writes apply to the object as it was when the request arrived (see arrivalBase).
	*r = *r.WithContext(context.WithValue(r.Context(), arrivalKey{}, time.Now()))
	e.mu.Lock()
	w.Header().Set("X-Okta-Request-Id", e.randID(27))
	k := e.knobs
	e.stats.total++
	e.stats.byRoute[statRoute]++
	e.inflight++
	overCap := k.concurrencyLimit() > 0 && e.inflight > k.concurrencyLimit()
	if overCap {
		e.stats.throttled++
		e.stats.concurrencyThrottled++
	}
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.inflight--
		e.mu.Unlock()
	}()
	if overCap {
		concurrencyRejected(time.Now()).setHeaders(w.Header())
		e.writeError(w, errRateLimited())
		return
	}

	if k.latency > 0 {
		if err := sleepCtx(r.Context(), k.latency); err != nil {
			return
		}
	}

	e.mu.Lock()
	name := bucketFor(r.Method, r.URL.Path)
	lim, ok := e.takeRate(name, k.bucketLimit(name))
	if !ok {
		e.stats.throttled++
	}
	e.mu.Unlock()
	lim.setHeaders(w.Header())
	if !ok {
		e.writeError(w, errRateLimited())
		return
	}

	if route == "" {
		e.writeNoRoute(w, r, e.api)
		return
	}

	if route != routeToken {
		if apiErr := e.authorize(r, route); apiErr != nil {
			e.writeError(w, apiErr)
			return
		}
	}

	e.mu.Lock()
	rule := e.matchRule(r.Method, route, r.URL.Path, false)
	randomFault := 0
	if rule == nil && k.faultRate > 0 && e.rnd.Float64() < k.faultRate {
		randomFault = http.StatusInternalServerError
		if e.rnd.IntN(2) == 0 {
			randomFault = http.StatusServiceUnavailable
		}
	}
	if rule != nil || randomFault != 0 {
		e.stats.faults++
	}
	e.mu.Unlock()

	switch {
	case randomFault != 0:
		e.writeError(w, errFault(randomFault))
	case rule != nil && rule.AfterCommit:
		// The write happens, the answer is lost: the ambiguous failure real networks produce.
		e.api.ServeHTTP(&discardWriter{h: http.Header{}}, r)
		e.writeError(w, errFault(rule.Status))
	case rule != nil:
		e.writeError(w, errFault(rule.Status))
	default:
		e.api.ServeHTTP(w, r)
	}
}

type arrivalKey struct{}

// arrival is when the API request reached the emulator, before any latency.
func arrival(r *http.Request) time.Time {
	if t, ok := r.Context().Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

type authKind int

const (
	authSSWS authKind = iota + 1
	authBearer
)

type authKey struct{}

// authorize checks the Authorization header: SSWS API token, or an OAuth access token (Bearer or
// DPoP scheme) whose scopes cover the route.
func (e *Emulator) authorize(r *http.Request, route string) *apiError {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	switch {
	case scheme == "SSWS" && cred == e.token && cred != "":
		*r = *r.WithContext(context.WithValue(r.Context(), authKey{}, authSSWS))
		return nil
	case scheme == "Bearer" || scheme == "DPoP":
		granted, ok := e.oauthScopes(r)
		if !ok {
			return errUnauthorized()
		}
		if route == routeReapply {
			// Okta's internal reapply endpoint only accepts API tokens (session-like admins).
			return errForbidden("The reapply endpoint does not accept OAuth 2.0 access tokens.")
		}
		if need := e.scopes[route]; need != "" && !hasScope(granted, need) {
			return errForbidden("The access token does not grant the scope " + need + ".")
		}
		*r = *r.WithContext(context.WithValue(r.Context(), authKey{}, authBearer))
		return nil
	}
	return errUnauthorized()
}

// hasScope reports whether granted covers need; a .manage scope also grants the matching .read.
func hasScope(granted []string, need string) bool {
	for _, g := range granted {
		if g == need {
			return true
		}
		if strings.HasSuffix(need, ".read") && g == strings.TrimSuffix(need, ".read")+".manage" {
			return true
		}
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randID returns n random id characters. Callers hold e.mu.
func (e *Emulator) randID(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idAlphabet[e.rnd.IntN(len(idAlphabet))]
	}
	return string(b)
}

// --- stats ---

type stats struct {
	total, throttled, faults, dropped, deletes int
	concurrencyThrottled                       int // the part of throttled over the concurrency cap
	byRoute                                    map[string]int
}

func newStats() stats { return stats{byRoute: map[string]int{}} }

// --- fault rules ---

// faultRule is a targeted fault set through PUT /__emulator/faults.
type faultRule struct {
	Method      string `json:"method,omitempty"`
	Route       string `json:"route"`
	Status      int    `json:"status,omitempty"`
	Count       int    `json:"count"`
	AfterCommit bool   `json:"after_commit,omitempty"`
	// LostUpdate makes the next Count matching schema or mapping writes lose to a simulated
	// overlapping writer: the write is answered 200 with its change in the body, then the other
	// writer commits the copy it read before the write, so the change is gone from the next read (a
	// created property missing, a deleted one back). Counted in stats dropped, not faults. Such a
	// rule has no status and is used up only by a write that would otherwise have committed (a
	// refused write leaves it armed).
	LostUpdate bool `json:"lost_update,omitempty"`
}

// lostUpdateRoutes are the writes a lost_update rule can target: the ones Okta answers 200 and
// then loses to an overlapping write.
var lostUpdateRoutes = []string{
	"POST /api/v1/meta/schemas/user/{id}",
	"POST /api/v1/meta/schemas/apps/{id}/default",
	"POST /api/v1/mappings/{id}",
}

// matchRule returns a copy of the first live rule of the kind asked for (lost_update or not)
// matching the call and consumes one of its uses; spent rules expire. Callers hold e.mu.
func (e *Emulator) matchRule(method, route, path string, lostUpdate bool) *faultRule {
	_, tmpl, _ := strings.Cut(route, " ")
	for i := range e.rules {
		r := &e.rules[i]
		if r.LostUpdate != lostUpdate {
			continue
		}
		if r.Method != "" && !strings.EqualFold(r.Method, method) {
			continue
		}
		if r.Route != "" && r.Route != tmpl && r.Route != path {
			continue
		}
		hit := *r
		r.Count--
		if r.Count <= 0 {
			e.rules = append(e.rules[:i], e.rules[i+1:]...)
		}
		return &hit
	}
	return nil
}

// loseThisWrite says whether a lost_update rule takes this write (and consumes one of its uses).
// The schema and mapping write handlers ask once the write is valid and about to commit. Callers
// hold e.mu.
func (e *Emulator) loseThisWrite(r *http.Request) bool {
	if e.matchRule(r.Method, r.Pattern, r.URL.Path, true) == nil {
		return false
	}
	e.stats.dropped++
	return true
}

var errBadRule = errors.New("bad fault rule")

// validateRule checks a rule of PUT /__emulator/faults; api resolves a lost_update rule's route.
func validateRule(r faultRule, api *http.ServeMux) error {
	if r.Count <= 0 {
		return fmt.Errorf("%w: count must be positive", errBadRule)
	}
	if r.LostUpdate {
		return validateLostUpdateRule(r, api)
	}
	if r.Status < 400 || r.Status > 599 {
		return fmt.Errorf("%w: status %d is not an HTTP error status", errBadRule, r.Status)
	}
	return nil
}

func validateLostUpdateRule(r faultRule, api *http.ServeMux) error {
	if r.Status != 0 || r.AfterCommit {
		return fmt.Errorf("%w: a lost_update rule answers 200 and loses the write: leave out status and after_commit", errBadRule)
	}
	if r.Method != "" && !strings.EqualFold(r.Method, http.MethodPost) {
		return fmt.Errorf("%w: a lost_update rule applies to POSTs only", errBadRule)
	}
	if r.Route == "" {
		return nil // any schema or mapping write
	}
	probe, err := http.NewRequest(http.MethodPost, r.Route, nil)
	if err == nil {
		_, pattern := api.Handler(probe)
		if slices.Contains(lostUpdateRoutes, pattern) {
			return nil
		}
	}
	return fmt.Errorf("%w: a lost_update rule applies to schema and mapping writes only (%s), not %q",
		errBadRule, strings.Join(lostUpdateRoutes, ", "), r.Route)
}
