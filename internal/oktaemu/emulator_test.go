package oktaemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNew_rejectsBadOptions(t *testing.T) {
	for name, opts := range map[string]Options{
		"fault rate":   {FaultRate: 1.5},
		"rate limit":   {RateLimit: -1},
		"latency":      {Latency: -time.Second},
		"unknown seed": {Seed: "/nonexistent/seed.json"},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted %+v", name, opts)
		}
	}
}

func TestAuth(t *testing.T) {
	te := startEmu(t, Options{Token: "secret"})
	for _, auth := range []string{"", "SSWS wrong", "SSWS", "Bearer unknown", "Basic c2VjcmV0", "secret"} {
		r := te.call("GET", "/api/v1/users", auth, nil)
		wantError(t, r, 401, "E0000011")
	}
	if r := te.call("GET", "/api/v1/users?limit=1", "SSWS secret", nil); r.status != 200 {
		t.Fatalf("SSWS secret: %d %s", r.status, r.raw)
	}
	// The control API wants the same token.
	wantError(t, te.call("GET", "/__emulator/stats", "SSWS wrong", nil), 401, "E0000011")
	if r := te.call("GET", "/__emulator/stats", "SSWS secret", nil); r.status != 200 {
		t.Fatalf("control with token: %d", r.status)
	}
}

func TestAuth_bearerScopes(t *testing.T) {
	te := startEmu(t, Options{})
	te.emu.oauthScopes = func(r *http.Request) ([]string, bool) {
		_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		switch tok {
		case "read-schemas":
			return []string{"okta.schemas.read"}, true
		case "manage-all":
			return []string{"okta.schemas.manage", "okta.profileMappings.manage", "okta.apps.read", "okta.users.read", "okta.userTypes.read"}, true
		}
		return nil, false
	}
	if r := te.call("GET", "/api/v1/meta/schemas/user/default", "Bearer read-schemas", nil); r.status != 200 {
		t.Fatalf("read with read scope: %d %s", r.status, r.raw)
	}
	// DPoP-bound tokens are presented with the DPoP scheme.
	if r := te.call("GET", "/api/v1/meta/schemas/user/default", "DPoP read-schemas", nil); r.status != 200 {
		t.Fatalf("DPoP scheme: %d %s", r.status, r.raw)
	}
	wantError(t, te.call("POST", "/api/v1/meta/schemas/user/default", "Bearer read-schemas", addProp("x1", strProp("X"))), 403, "E0000006")
	wantError(t, te.call("GET", "/api/v1/apps", "Bearer read-schemas", nil), 403, "E0000006")
	wantError(t, te.call("GET", "/api/v1/mappings", "Bearer read-schemas", nil), 403, "E0000006")
	wantError(t, te.call("GET", "/api/v1/users", "Bearer read-schemas", nil), 403, "E0000006")
	wantError(t, te.call("GET", "/api/v1/meta/types/user", "Bearer read-schemas", nil), 403, "E0000006")
	// manage implies read.
	for _, p := range []string{"/api/v1/meta/schemas/user/default", "/api/v1/mappings", "/api/v1/apps", "/api/v1/users?limit=1", "/api/v1/meta/types/user"} {
		if r := te.call("GET", p, "Bearer manage-all", nil); r.status != 200 {
			t.Fatalf("GET %s with manage scopes: %d %s", p, r.status, r.raw)
		}
	}
	if r := te.call("POST", "/api/v1/meta/schemas/user/default", "Bearer manage-all", addProp("x1", strProp("X"))); r.status != 200 {
		t.Fatalf("POST with manage scope: %d %s", r.status, r.raw)
	}
	// Reapply is refused to OAuth callers whatever their scopes, as Okta's internal API does.
	q := "/api/internal/v1/mappings/reapply?source=" + DemoHRAppID + "&target=" + DemoDefaultUserTypeID
	wantError(t, te.call("PUT", q, "Bearer manage-all", nil), 403, "E0000006")
	te.mustDo(204, "PUT", q, nil)
	// The control API never accepts OAuth tokens.
	wantError(t, te.call("GET", "/__emulator/stats", "Bearer manage-all", nil), 401, "E0000011")
}

func TestRouting_unknownAndMethod(t *testing.T) {
	te := startEmu(t, Options{})
	wantError(t, te.do("GET", "/api/v1/nope", nil), 404, "E0000007")
	wantError(t, te.do("DELETE", "/api/v1/mappings/prm123", nil), 405, "E0000022")
	wantError(t, te.do("GET", "/__emulator/nope", nil), 404, "E0000007")
	r := te.do("GET", "/api/v1/nope", nil)
	if r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("error content type %q", r.header.Get("Content-Type"))
	}
}

func TestHeaders_everyResponse(t *testing.T) {
	te := startEmu(t, Options{})
	for _, r := range []resp{
		te.do("GET", "/api/v1/apps", nil),
		te.do("GET", "/api/v1/apps/nope", nil),
		te.call("GET", "/api/v1/apps", "", nil),
	} {
		for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Date", "X-Okta-Request-Id"} {
			if r.header.Get(h) == "" {
				t.Fatalf("status %d response lacks %s", r.status, h)
			}
		}
		reset, err := strconv.ParseInt(r.header.Get("X-Rate-Limit-Reset"), 10, 64)
		if err != nil || reset < time.Now().Unix() || reset > time.Now().Add(61*time.Second).Unix() {
			t.Fatalf("X-Rate-Limit-Reset %q is not an epoch second within the next minute", r.header.Get("X-Rate-Limit-Reset"))
		}
	}
}

func TestRateLimit(t *testing.T) {
	te := startEmu(t, Options{RateLimit: 3})
	for i := range 3 {
		r := te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil)
		if got := r.header.Get("X-Rate-Limit-Remaining"); got != strconv.Itoa(2-i) {
			t.Fatalf("call %d: remaining %s", i, got)
		}
		if r.header.Get("X-Rate-Limit-Limit") != "3" {
			t.Fatalf("limit header %q", r.header.Get("X-Rate-Limit-Limit"))
		}
	}
	r := te.do("GET", "/api/v1/meta/schemas/apps/"+DemoDialpadAppID+"/default", nil)
	wantError(t, r, 429, "E0000047")
	if r.header.Get("X-Rate-Limit-Remaining") != "0" || r.header.Get("X-Rate-Limit-Reset") == "" {
		t.Fatalf("429 headers: %v", r.header)
	}
	// Schemas, user types and mappings share Okta's /api/v1 bucket; apps have their own.
	wantError(t, te.do("GET", "/api/v1/mappings", nil), 429, "E0000047")
	te.mustDo(200, "GET", "/api/v1/apps", nil)
	// Control calls are never limited nor counted.

	for range 5 {
		te.mustDo(200, "GET", "/__emulator/stats", nil)
	}
	s := te.stats()
	if s.Throttled != 2 || s.Total != 6 {
		t.Fatalf("stats %+v, want throttled 2 total 6", s)
	}
	// Limits change at runtime; 0 is unlimited.
	te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rate_limit": 0})
	te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil)
}

func TestBucketFor(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/api/v1/apps", "/api/v1/apps"},
		{"GET", "/api/v1/apps/0oa1/users", "/api/v1/apps"},
		{"GET", "/api/v1/apps/0oa1", "/api/v1/apps/{id}"},
		{"GET", "/api/v1/users", "/api/v1/users"},
		{"GET", "/api/v1/users/00u1", "GET /api/v1/users/{idOrLogin}"},
		{"POST", "/api/v1/users/00u1", "/api/v1/users/{id}"},
		{"POST", "/api/v1/meta/schemas/user/default", "/api/v1"},
		{"GET", "/api/v1/mappings/prm1", "/api/v1"},
		{"PUT", "/api/internal/v1/mappings/reapply", "/api/v1"},
		{"POST", "/oauth2/v1/token", "/oauth2/v1/token"},
	} {
		if got := bucketFor(c.method, c.path); got != c.want {
			t.Errorf("bucketFor(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

func TestFaultRate(t *testing.T) {
	te := startEmu(t, Options{FaultRate: 1})
	for range 10 {
		r := te.do("GET", "/api/v1/apps", nil)
		if r.status != 500 && r.status != 503 {
			t.Fatalf("fault rate 1 answered %d", r.status)
		}
		code := map[int]string{500: "E0000009", 503: "E0000010"}[r.status]
		wantError(t, r, r.status, code)
	}
	te.mustDo(200, "GET", "/__emulator/stats", nil)
	if s := te.stats(); s.Faults != 10 || s.Total != 10 {
		t.Fatalf("stats %+v", s)
	}
	te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"fault_rate": 0})
	te.mustDo(200, "GET", "/api/v1/apps", nil)
}

func TestFaultRules(t *testing.T) {
	te := startEmu(t, Options{})
	id := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"rules": []any{
		map[string]any{"method": "POST", "route": "/api/v1/mappings/{id}", "status": 503, "count": 1},
		map[string]any{"method": "POST", "route": "/api/v1/mappings/{id}", "status": 500, "count": 1, "after_commit": true},
		map[string]any{"route": "/api/v1/users/{id}", "status": 429, "count": 2},
	}})
	body := mappingProps(map[string]any{"title": map[string]any{"expression": "user.title", "pushStatus": "PUSH"}})
	// First rule: refused before the write.
	wantError(t, te.do("POST", "/api/v1/mappings/"+id, body), 503, "E0000010")
	m := te.mustDo(200, "GET", "/api/v1/mappings/"+id, nil).obj(t)
	if _, ok := path(t, m, "properties").(map[string]any)["title"]; ok {
		t.Fatal("a write refused before commit was applied")
	}
	// Second rule: applied, then the error.
	wantError(t, te.do("POST", "/api/v1/mappings/"+id, body), 500, "E0000009")
	m = te.mustDo(200, "GET", "/api/v1/mappings/"+id, nil).obj(t)
	if _, ok := path(t, m, "properties").(map[string]any)["title"]; !ok {
		t.Fatal("an after_commit fault did not apply the write")
	}
	// Rules expire.
	te.mustDo(200, "POST", "/api/v1/mappings/"+id, body)
	wantError(t, te.do("GET", "/api/v1/users/anything", nil), 429, "E0000047")
	wantError(t, te.do("GET", "/api/v1/users/other", nil), 429, "E0000047")
	wantError(t, te.do("GET", "/api/v1/users/other", nil), 404, "E0000007")
	got := te.mustDo(200, "GET", "/__emulator/faults", nil).obj(t)
	if rules := got["rules"].([]any); len(rules) != 0 {
		t.Fatalf("spent rules remain: %v", rules)
	}
	if s := te.stats(); s.Faults != 4 {
		t.Fatalf("faults %d, want 4", s.Faults)
	}
	// Invalid rules and knobs are refused whole.
	wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"rules": []any{map[string]any{"route": "/x", "status": 200, "count": 1}}}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"latency": "soon"}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/faults", map[string]any{"fault_rate": 2}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/faults", "{"), 400, "E0000003")
}

func TestFaults_keysLeftOutKeepTheirValue(t *testing.T) {
	te := startEmu(t, Options{Latency: time.Millisecond, CleanupDelay: time.Minute})
	got := te.mustDo(200, "PUT", "/__emulator/faults", map[string]any{"lost_update_window": "5ms", "consistency_delay": "7ms"}).obj(t)
	want := map[string]any{"latency": "1ms", "cleanup_delay": "1m0s", "lost_update_window": "5ms", "consistency_delay": "7ms", "fault_rate": 0.0, "rate_limit": 0.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestLatency(t *testing.T) {
	te := startEmu(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	te.mustDo(200, "GET", "/api/v1/meta/types/user", nil)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("API call took %v with 30ms latency", d)
	}
	start = time.Now()
	te.mustDo(200, "GET", "/__emulator/stats", nil)
	if d := time.Since(start); d >= 30*time.Millisecond {
		t.Fatalf("control call took %v: latency must not apply", d)
	}
}

func TestStats(t *testing.T) {
	te := startEmu(t, Options{})
	te.mustDo(200, "GET", "/api/v1/meta/schemas/user/default", nil)
	te.mustDo(200, "GET", "/api/v1/meta/schemas/user/"+DemoDefaultUserSchemaID, nil)
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("tmp1", strProp("T")))
	te.mustDo(200, "POST", "/api/v1/meta/schemas/user/default", addProp("tmp1", nil))
	te.call("GET", "/api/v1/apps", "", nil)
	s := te.stats()
	if s.Total != 5 || s.Deletes != 1 {
		t.Fatalf("stats %+v", s)
	}
	if s.ByRoute["GET /api/v1/meta/schemas/user/{id}"] != 2 || s.ByRoute["POST /api/v1/meta/schemas/user/{id}"] != 2 || s.ByRoute["GET /api/v1/apps"] != 1 {
		t.Fatalf("by_route %v", s.ByRoute)
	}
	// The body has exactly issue 2's fields, plus the concurrency-cap share of throttled.
	var keys []string
	for k := range te.mustDo(200, "GET", "/__emulator/stats", nil).obj(t) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"by_route", "deletes", "dropped", "faults", "throttled", "throttled_concurrency", "total"}; !slices.Equal(keys, want) {
		t.Fatalf("stats fields %v, want %v", keys, want)
	}
	te.mustDo(204, "POST", "/__emulator/stats/reset", nil)
	if s := te.stats(); s.Total != 0 || len(s.ByRoute) != 0 || s.Deletes != 0 {
		t.Fatalf("after reset %+v", s)
	}
}

func TestNoControl(t *testing.T) {
	te := startEmu(t, Options{NoControl: true})
	for _, p := range []string{"/__emulator/stats", "/__emulator/faults"} {
		wantError(t, te.do("GET", p, nil), 404, "E0000007")
	}
	wantError(t, te.do("PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true}), 404, "E0000007")
	te.mustDo(200, "GET", "/api/v1/apps", nil)
}

func TestProfileSourcingControl(t *testing.T) {
	te := startEmu(t, Options{})
	features := func(id string) []any {
		return te.mustDo(200, "GET", "/api/v1/apps/"+id, nil).obj(t)["features"].([]any)
	}
	if slices.Contains(features(DemoDialpadAppID), any("PROFILE_MASTERING")) {
		t.Fatal("Dialpad starts as a profile source")
	}
	if !slices.Contains(features(DemoHRAppID), any("PROFILE_MASTERING")) {
		t.Fatal("HR app is not a profile source")
	}
	got := te.mustDo(200, "PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true, "deactivation_action": "NONE"}).obj(t)
	if got["priority"] != 2.0 {
		t.Fatalf("Dialpad should rank below the HR app: %v", got)
	}
	if !slices.Contains(features(DemoDialpadAppID), any("PROFILE_MASTERING")) {
		t.Fatal("enabling profile sourcing did not add PROFILE_MASTERING")
	}
	te.mustDo(200, "PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": false})
	if slices.Contains(features(DemoDialpadAppID), any("PROFILE_MASTERING")) {
		t.Fatal("disabling profile sourcing kept PROFILE_MASTERING")
	}
	wantError(t, te.do("PUT", "/__emulator/apps/0oanope/profile-sourcing", map[string]any{"enabled": true}), 404, "E0000007")
	wantError(t, te.do("PUT", "/__emulator/apps/"+DemoMeetingsAppID+"/profile-sourcing", map[string]any{"enabled": true}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{}), 400, "E0000001")
	wantError(t, te.do("PUT", "/__emulator/apps/"+DemoDialpadAppID+"/profile-sourcing", map[string]any{"enabled": true, "deactivation_action": "EXPLODE"}), 400, "E0000001")
	if s := te.stats(); s.Total != 4 || s.ByRoute["GET /api/v1/apps/{id}"] != 4 {
		t.Fatalf("only the four app GETs should count: %+v", s)
	}
}
