package acctest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// Emulator is a test's emulator with its control API (/__emulator/...), driven over HTTP like any
// other client would. It is also an Org.
type Emulator struct {
	*org
	Server *httptest.Server
	Emu    *oktaemu.Emulator
}

// Token is the emulator's API token (tests that check logs for secrets need it).
func (e *Emulator) Token() string { return e.token }

// Stats is GET /__emulator/stats: Okta API calls counted by the emulator (control calls excluded).
type Stats struct {
	Total     int `json:"total"`
	Throttled int `json:"throttled"` // 429s answered (both kinds)
	// ThrottledConcurrency is the part of Throttled answered over the concurrency cap.
	ThrottledConcurrency int            `json:"throttled_concurrency"`
	Faults               int            `json:"faults"`   // injected 5xx
	Dropped              int            `json:"dropped"`  // writes swallowed by the lost-update window
	Deletes              int            `json:"deletes"`  // schema or mapping properties removed
	ByRoute              map[string]int `json:"by_route"` // e.g. "GET /api/v1/meta/schemas/user/{id}"
}

// Stats reads the emulator's counters.
func (e *Emulator) Stats(t testing.TB) Stats {
	t.Helper()
	var s Stats
	e.control(t, "GET", "/__emulator/stats", nil, &s)
	return s
}

// ResetStats zeroes the counters.
func (e *Emulator) ResetStats(t testing.TB) {
	t.Helper()
	e.control(t, "POST", "/__emulator/stats/reset", nil, nil)
}

// CheckStats is a TestCheckFunc over the emulator's counters, e.g. that an update deleted nothing.
func (e *Emulator) CheckStats(check func(Stats) error) func(*terraform.State) error {
	return func(*terraform.State) error {
		s, err := e.stats()
		if err != nil {
			return err
		}
		return check(s)
	}
}

// SetProfileSourcing flips the console-only "Allow <app> to source Okta users" setting (with
// deactivation action "Do Nothing").
func (e *Emulator) SetProfileSourcing(t testing.TB, appID string, enabled bool) {
	t.Helper()
	e.control(t, "PUT", "/__emulator/apps/"+appID+"/profile-sourcing",
		map[string]any{"enabled": enabled, "deactivation_action": "NONE"}, nil)
}

// Import simulates the app pushing its users to Okta (an import run).
func (e *Emulator) Import(t testing.TB, appID string) {
	t.Helper()
	e.control(t, "POST", "/__emulator/apps/"+appID+"/import", nil, nil)
}

// DeleteApp deletes an app as an admin would in the Admin Console (with its mappings).
func (e *Emulator) DeleteApp(t testing.TB, appID string) {
	t.Helper()
	e.control(t, "DELETE", "/__emulator/apps/"+appID, nil, nil)
}

// Faults changes the emulator's knobs at runtime; nil fields keep their value.
type Faults struct {
	Latency          *time.Duration
	FaultRate        *float64
	RateLimit        *int
	RateProfile      *string
	ConsistencyDelay *time.Duration
	CleanupDelay     *time.Duration
	LostUpdateWindow *time.Duration
	OmitMaster       *bool
	// RefuseDontPushFromSource: see oktaemu.Options.
	RefuseDontPushFromSource *bool
	Rules                    []FaultRule
}

// FaultRule is a targeted fault: the next Count calls of Method Route answer Status (after
// applying the write when AfterCommit). Route is the emulator's route pattern, e.g.
// "/api/v1/mappings/{id}", or a concrete path.
//
// With LostUpdate (and no Status) the next Count schema or mapping writes matching Route lose to
// a simulated overlapping writer instead: answered 200 with the change, which is gone from the next
// read (a created property missing, a deleted one back); each counts in Stats.Dropped.
type FaultRule struct {
	Method      string `json:"method"`
	Route       string `json:"route"`
	Status      int    `json:"status,omitempty"`
	Count       int    `json:"count"`
	AfterCommit bool   `json:"after_commit,omitempty"`
	LostUpdate  bool   `json:"lost_update,omitempty"`
}

// Ptr returns a pointer to v (for Faults fields).
func Ptr[T any](v T) *T { return &v }

func (f Faults) body() map[string]any {
	m := map[string]any{}
	dur := func(k string, d *time.Duration) {
		if d != nil {
			m[k] = d.String()
		}
	}
	dur("latency", f.Latency)
	dur("consistency_delay", f.ConsistencyDelay)
	dur("cleanup_delay", f.CleanupDelay)
	dur("lost_update_window", f.LostUpdateWindow)
	if f.FaultRate != nil {
		m["fault_rate"] = *f.FaultRate
	}
	if f.RateLimit != nil {
		m["rate_limit"] = *f.RateLimit
	}
	if f.OmitMaster != nil {
		m["omit_master"] = *f.OmitMaster
	}
	if f.RefuseDontPushFromSource != nil {
		m["refuse_dont_push_from_source"] = *f.RefuseDontPushFromSource
	}
	if f.RateProfile != nil {
		m["rate_profile"] = *f.RateProfile
	}
	if f.Rules != nil {
		m["rules"] = f.Rules
	}
	return m
}

// SetFaults is PUT /__emulator/faults.
func (e *Emulator) SetFaults(t testing.TB, f Faults) {
	t.Helper()
	e.control(t, "PUT", "/__emulator/faults", f.body(), nil)
}

// CheckRulesSpent is a TestCheckFunc: every fault rule set has fired its Count times (the emulator
// drops a rule once spent), so what a test injected did happen.
func (e *Emulator) CheckRulesSpent() func(*terraform.State) error {
	return func(*terraform.State) error {
		var out struct {
			Rules []FaultRule `json:"rules"`
		}
		if err := e.doControl("GET", "/__emulator/faults", nil, &out); err != nil {
			return err
		}
		if len(out.Rules) > 0 {
			return fmt.Errorf("fault rules still armed, so not everything injected happened: %+v", out.Rules)
		}
		return nil
	}
}

// The write routes a lost_update rule can target (LoseNextWrites).
const (
	UserSchemaWrites = "/api/v1/meta/schemas/user/{id}"
	AppSchemaWrites  = "/api/v1/meta/schemas/apps/{id}/default"
	MappingWrites    = "/api/v1/mappings/{id}"
)

// LoseNextWrites is a simulated overlapping writer, the same at any machine load: for each route
// (UserSchemaWrites, AppSchemaWrites, MappingWrites) the next count POSTs lose to it, answered 200
// and gone from the next read. It resets the stats, so CheckLostWrites counts from here.
func (e *Emulator) LoseNextWrites(t testing.TB, counts map[string]int) {
	t.Helper()
	e.ResetStats(t)
	rules := make([]FaultRule, 0, len(counts))
	for route, n := range counts {
		rules = append(rules, FaultRule{Method: "POST", Route: route, LostUpdate: true, Count: n})
	}
	e.SetFaults(t, Faults{Rules: rules})
}

// CheckLostWrites is a TestCheckFunc after LoseNextWrites: every armed write was lost (the rules
// are spent) and the stats count at least want lost writes, so the test exercised what it says.
func (e *Emulator) CheckLostWrites(t testing.TB, want int) func(*terraform.State) error {
	return func(st *terraform.State) error {
		if err := e.CheckRulesSpent()(st); err != nil {
			return err
		}
		s, err := e.stats()
		if err != nil {
			return err
		}
		t.Logf("emulator stats after the lost writes: total %d, lost %d", s.Total, s.Dropped)
		if s.Dropped < want {
			return fmt.Errorf("%d writes lost, want at least the %d injected (stats %+v)", s.Dropped, want, s)
		}
		return nil
	}
}

// RegisterOAuthClient registers an OAuth service app with a fresh RSA key pair and returns the
// private key (PKCS#8 PEM). nil scopes grant okta.DefaultScopes, what the provider asks for. Like
// a new Okta API service app, it requires DPoP-bound access tokens.
func (e *Emulator) RegisterOAuthClient(t testing.TB, clientID string, scopes []string) string {
	t.Helper()
	if scopes == nil {
		scopes = okta.DefaultScopes
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	e.control(t, "PUT", "/__emulator/oauth-clients/"+clientID, map[string]any{
		"public_key_pem":           string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		"scopes":                   scopes,
		"dpop_bound_access_tokens": true,
	}, nil)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv}))
}

func (e *Emulator) stats() (Stats, error) {
	var s Stats
	err := e.doControl("GET", "/__emulator/stats", nil, &s)
	return s, err
}

func (e *Emulator) control(t testing.TB, method, path string, body, out any) {
	t.Helper()
	if err := e.doControl(method, path, body, out); err != nil {
		t.Fatal(err)
	}
}

func (e *Emulator) doControl(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "SSWS "+e.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		return fmt.Errorf("emulator control %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("emulator control %s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("emulator control %s %s: decoding %q: %w", method, path, b, err)
		}
	}
	return nil
}
