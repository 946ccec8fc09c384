package acctest

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// Org is "an org" as a test sees it: the emulator or a live org, through the same methods.
type Org interface {
	// Mode says whether this is the emulator, a live org, or live mode against the emulator.
	Mode() Mode
	// URL is the org URL the provider is configured with.
	URL() string
	// Fixtures names the apps and user type tests may use.
	Fixtures() Fixtures
	// RandomName returns a sweepable, per-test unique Okta variable name: "tfacc" + a per-test
	// random part + base (+ a counter when base was used before in this test).
	RandomName(base string) string
	// Config joins HCL blocks after a provider block that authenticates with an API token.
	Config(hcl ...string) string
	// ConfigOAuth is Config with OAuth 2.0 private-key JWT authentication. It skips the test
	// when a live org has no OAuth credentials configured.
	ConfigOAuth(t testing.TB, hcl ...string) string
	// ProviderBlock is the provider block of Config, with extra lines inside it (e.g. "max_retries = 1").
	ProviderBlock(extra ...string) string
	// Client is an internal/okta client for finders (CheckDestroy) and out-of-band changes.
	Client() *okta.Client
	// API sends a raw Okta API call with the org's credentials and fails the test on error.
	API(t testing.TB, method, path string, body, out any)
	// EnsureProfileSource makes appID a profile source: on the emulator by its control API (what an
	// admin does in the console), on a live org it only checks and fails with the console steps.
	EnsureProfileSource(t testing.TB, appID string)
	// Snapshot records the custom schema properties and mapping properties tests may touch.
	Snapshot(t testing.TB) *Snapshot
	// CheckUnchanged proves (in CheckDestroy) that the org equals the snapshot again.
	CheckUnchanged(s *Snapshot) resource.TestCheckFunc
	// Emulator returns the emulator controls, or nil when there is no control API (live modes).
	Emulator() *Emulator
}

// Fixtures are the org objects tests build on.
type Fixtures struct {
	// AppID is the app the sync is built for. In live mode it is already a profile source
	// (DIALPAD_ACC_APP_ID); on the emulator it is the seed's Dialpad app, which becomes one
	// through EnsureProfileSource.
	AppID    string
	AppLabel string
	// SourceAppID is another app that already is a profile source (emulator: the HR app); "" when
	// a live org names none.
	SourceAppID string
	// NonSourceAppID is an app that is not a profile source (emulator: "Dialpad Meetings"); "" when
	// a live org names none.
	NonSourceAppID string
	// UserType is the user type name tests create attributes on ("default" unless DIALPAD_ACC_USER_TYPE).
	UserType string
}

// Option changes how NewOrg / NewEmulator start an emulator. Options are ignored in live mode.
type Option func(*oktaemu.Options)

// WithKnobs sets the emulator's knobs (latency, delays, faults, rate limit, seed). Token and
// NoControl are the harness's and are ignored.
func WithKnobs(o oktaemu.Options) Option {
	return func(opts *oktaemu.Options) {
		tok, nc, seed := opts.Token, opts.NoControl, opts.Seed
		*opts = o
		opts.Token, opts.NoControl = tok, nc
		if opts.Seed == "" { // WithSeed may come before or after WithKnobs
			opts.Seed = seed
		}
	}
}

// WithSeed picks the emulator seed: "demo" (default), "empty", "scale:N" or a JSON file.
func WithSeed(seed string) Option { return func(o *oktaemu.Options) { o.Seed = seed } }

// WithRateProfile meters the emulator as Okta documents a plan's rate limits: per-bucket
// per-minute limits and the concurrency cap ("okta-smallest", "okta-largest"; oktaemu.RateProfiles).
func WithRateProfile(name string) Option {
	return func(o *oktaemu.Options) { o.RateProfile, o.RateLimit = name, 0 }
}

// org implements Org for every mode.
type org struct {
	mode     Mode
	url      string
	token    string // API token, when the org uses one
	client   *okta.Client
	fixtures Fixtures
	prefix   string
	emu      *Emulator

	mu    sync.Mutex
	names map[string]int
}

// NewOrg returns the org of this test: a fresh emulator (control API on) by default, the live org
// when DIALPAD_ACC_LIVE=1, or a fresh emulator without control API used as a live org when
// DIALPAD_ACC_LIVE_EMULATOR=1. It skips unless TF_ACC is set.
func NewOrg(t testing.TB, opts ...Option) Org {
	t.Helper()
	PreCheck(t)
	switch CurrentMode() {
	case ModeLive:
		return newLiveOrg(t)
	case ModeLiveEmulator:
		return startEmulator(t, true, opts)
	}
	return startEmulator(t, false, opts)
}

// NewEmulator starts a fresh emulator with its control API for this test. Call RequireEmulator
// first: in a live mode NewEmulator fails the test.
func NewEmulator(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	PreCheck(t)
	if m := CurrentMode(); m != ModeEmulator {
		t.Fatalf("NewEmulator in %s mode: call acctest.RequireEmulator(t, reason) first", m)
	}
	return startEmulator(t, false, opts).emu
}

func startEmulator(t testing.TB, noControl bool, opts []Option) *org {
	t.Helper()
	o := oktaemu.Options{Seed: "demo"}
	for _, opt := range opts {
		opt(&o)
	}
	o.Token = "tfacc-token-" + randomString(24)
	o.NoControl = noControl
	if o.Seed == "" {
		o.Seed = "demo"
	}
	e, err := oktaemu.New(o)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	g := &org{mode: ModeEmulator, url: srv.URL, token: o.Token, prefix: newPrefix(), names: map[string]int{}}
	g.fixtures = Fixtures{
		AppID:          oktaemu.DemoDialpadAppID,
		AppLabel:       "Dialpad",
		SourceAppID:    oktaemu.DemoHRAppID,
		NonSourceAppID: oktaemu.DemoMeetingsAppID,
		UserType:       okta.DefaultUserType,
	}
	if noControl {
		// Live mode against the emulator: fixtures as a live run would have them (an app that is
		// already a profile source), overridable through the same variables.
		g.mode = ModeLiveEmulator
		g.fixtures.AppID = envOr(EnvAppID, oktaemu.DemoHRAppID)
		g.fixtures.AppLabel = ""
		g.fixtures.SourceAppID = os.Getenv(EnvSourceAppID)
		g.fixtures.NonSourceAppID = envOr(EnvNonSourceAppID, oktaemu.DemoMeetingsAppID)
		g.fixtures.UserType = envOr(EnvUserType, okta.DefaultUserType)
	}
	g.client = newClient(t, okta.Config{OrgURL: srv.URL, APIToken: o.Token})
	if noControl {
		g.resolveAppLabel(t)
	} else {
		g.emu = &Emulator{org: g, Server: srv, Emu: e}
	}
	return g
}

func newClient(t testing.TB, cfg okta.Config) *okta.Client {
	t.Helper()
	// A test's checks read the org through the faults the test injects (chaos tests: 20% of calls
	// fail), thousands of reads per run. With the provider's 5 retries one read in 15,625 failed and
	// took the test with it ("Check failed: ... 503 ... GET /api/v1/mappings"). 30 retries make that
	// about one in 10^21 at a 20% fault rate (10^-16 at 30%), at a cost of a few seconds per faulted
	// read.
	cfg.MaxRetries = 30
	cfg.MaxBackoff = 2 * time.Second
	cfg.RequestTimeout = 30 * time.Second
	cfg.Version = "acctest"
	// The harness checks what the provider (another client) wrote: never from a cache.
	cfg.NoReadCache = true
	c, err := okta.NewClient(context.Background(), cfg)
	if err != nil {
		t.Fatalf("building the test's Okta client: %v", err)
	}
	return c
}

func (g *org) resolveAppLabel(t testing.TB) {
	t.Helper()
	app, err := g.client.FindApp(context.Background(), g.fixtures.AppID)
	if err != nil {
		t.Fatalf("fixture app %s=%q: %v", EnvAppID, g.fixtures.AppID, err)
	}
	g.fixtures.AppLabel = app.Label
}

func (g *org) Mode() Mode           { return g.mode }
func (g *org) URL() string          { return g.url }
func (g *org) Fixtures() Fixtures   { return g.fixtures }
func (g *org) Client() *okta.Client { return g.client }
func (g *org) Emulator() *Emulator  { return g.emu }
func envOr(k, def string) string    { return strings.TrimSpace(orDefault(os.Getenv(k), def)) }
func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (g *org) RandomName(base string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.names[base]++
	if n := g.names[base]; n > 1 {
		return fmt.Sprintf("%s%s%d", g.prefix, base, n)
	}
	return g.prefix + base
}

func (g *org) API(t testing.TB, method, path string, body, out any) {
	t.Helper()
	p, q := splitQuery(path)
	if err := g.client.Raw(context.Background(), method, p, q, body, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

func splitQuery(p string) (string, url.Values) {
	path, rawQuery, _ := strings.Cut(p, "?")
	q, _ := url.ParseQuery(rawQuery)
	return path, q
}

func (g *org) EnsureProfileSource(t testing.TB, appID string) {
	t.Helper()
	if g.emu != nil {
		g.emu.SetProfileSourcing(t, appID, true)
		return
	}
	app, err := g.client.FindApp(context.Background(), appID)
	if err != nil {
		t.Fatalf("reading app %q: %v", appID, err)
	}
	if !app.ProfileSourcingEnabled {
		t.Fatalf("app %q (%s) is not a profile source, and only the Admin Console can make it one: Applications -> %s -> "+
			"Provisioning -> To Okta -> Profile & Lifecycle Sourcing -> \"Allow %s to source Okta users\", deactivation action \"Do Nothing\"",
			appID, app.Label, app.Label, app.Label)
	}
}

// newPrefix is "tfacc" + 6 random lower-case letters/digits, starting with a letter so the
// result stays a valid Okta variable name whatever follows.
func newPrefix() string { return "tfacc" + randomString(6) }

func randomString(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	const alnum = letters + "0123456789"
	b := make([]byte, n)
	for i := range b {
		set := alnum
		if i == 0 {
			set = letters
		}
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		b[i] = set[k.Int64()]
	}
	return string(b)
}
