// Command bench is `make bench`: API-call accounting and scale measurements of the provider, with
// real Terraform against the Okta emulator, printed as one markdown table with issue 6's targets.
//
// Every figure comes from the emulator's own counters (GET /__emulator/stats, reset before each
// measured command) or from the wall clock around one terraform command. Timing is measured here and
// never asserted in tests.
//
//	go run ./internal/tools/bench            # everything (a few minutes: the scale case is rate limited)
//	go run ./internal/tools/bench -skip-scale
//
// It exits non-zero when a measurement misses its target (or a terraform command fails).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
	"github.com/dialpad/terraform-provider-dialpad/internal/tools/tfdev"
)

const token = oktaemu.DefaultToken

func main() {
	skipScale := flag.Bool("skip-scale", false, "skip the rate-limited 50-sync scale case (the slowest row)")
	only := flag.String("only", "", "run only these parts, comma-separated: ops, attrs, latency, scale, status")
	keep := flag.Bool("keep", false, "keep the temporary directory (configurations, state, logs)")
	flag.StringVar(&providerLog, "provider-log", "", "write the provider's DEBUG log (TF_LOG_PROVIDER) of every terraform command to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *skipScale, *only, *keep)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "make bench: FAILED: %v\n", err)
		os.Exit(1)
	}
}

type bench struct {
	root, tmp, terraform, rc string
	bin                      string // the provider binary's directory (to find the plugin process)
	rows                     []row
	log                      io.Writer // progress, on stderr so stdout is only the table
}

// row is one line of the table.
type row struct {
	what, config, measured, target, verdict, detail string
}

// providerLog is the -provider-log flag.
var providerLog string

func run(ctx context.Context, skipScale bool, only string, keep bool) (err error) {
	root, err := tfdev.RepoRoot()
	if err != nil {
		return err
	}
	tf, err := tfdev.Terraform(root)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "dialpad-bench-")
	if err != nil {
		return err
	}
	defer func() {
		// A failed run keeps its configurations, state and terraform output: they say why.
		if keep || err != nil {
			fmt.Fprintf(os.Stderr, "bench: files (configurations, state, every terraform command's output) kept in %s\n", tmp)
		} else {
			_ = os.RemoveAll(tmp)
		}
	}()
	bin := filepath.Join(tmp, "bin")
	b := &bench{root: root, tmp: tmp, terraform: tf, rc: filepath.Join(tmp, "terraform.rc"), log: os.Stderr, bin: bin}
	b.progress("building the provider")
	if err := tfdev.Build(ctx, root, bin, tfdev.Provider); err != nil {
		return err
	}
	if err := tfdev.WriteCLIConfig(b.rc, bin); err != nil {
		return err
	}
	tfVersion, _ := tfdev.Version(ctx, tf)

	parts := []struct {
		name string
		fn   func(context.Context) error
	}{{"ops", b.operations}, {"attrs", b.hundredAttributes}, {"latency", b.latencyHiding}, {"scale", b.scale}, {"status", b.status}}
	for _, p := range parts {
		switch {
		case only != "" && !slices.Contains(strings.Split(only, ","), p.name):
			continue
		case only == "" && skipScale && (p.name == "scale" || p.name == "status"):
			continue
		}
		if err := p.fn(ctx); err != nil {
			return fmt.Errorf("part %q: %w", p.name, err)
		}
	}
	b.print(os.Stdout, tfVersion)
	var missed []string
	targets := 0
	for _, r := range b.rows {
		if r.target == "" {
			continue
		}
		targets++
		if r.verdict != verdict(true) {
			missed = append(missed, fmt.Sprintf("%s (%s): measured %s, target %s%s", r.what, r.config, r.measured, r.target, detailSuffix(r.detail)))
		}
	}
	if len(missed) > 0 {
		return fmt.Errorf("%d of %d targets NOT MET:\n  %s", len(missed), targets, strings.Join(missed, "\n  "))
	}
	fmt.Printf("\nAll %d targets met.\n", targets)
	return nil
}

func detailSuffix(d string) string {
	if d == "" {
		return ""
	}
	return "; " + d
}

func (b *bench) progress(format string, a ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", a...)
}

// ---- the emulator, in process ------------------------------------------------------------------

type emulator struct {
	url  string
	srv  *http.Server
	http *http.Client
}

func startEmulator(opts oktaemu.Options) (*emulator, error) {
	opts.Token = token
	e, err := oktaemu.New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &emulator{url: "http://" + ln.Addr().String(), srv: srv, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (e *emulator) stop() { _ = e.srv.Close() }

// control calls the emulator's control API (or the Okta API) with the emulator's token.
func (e *emulator) control(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "SSWS "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (e *emulator) resetStats(ctx context.Context) error {
	return e.control(ctx, http.MethodPost, "/__emulator/stats/reset", nil, nil)
}

// stats is the body of GET /__emulator/stats.
type stats = oktaemu.Stats

func (e *emulator) stats(ctx context.Context) (stats, error) {
	var s stats
	err := e.control(ctx, http.MethodGet, "/__emulator/stats", nil, &s)
	return s, err
}

func (e *emulator) enableProfileSourcing(ctx context.Context, appID string) error {
	return e.control(ctx, http.MethodPut, "/__emulator/apps/"+appID+"/profile-sourcing",
		map[string]any{"enabled": true, "deactivation_action": "NONE"}, nil)
}

func (e *emulator) setLatency(ctx context.Context, d time.Duration) error {
	return e.control(ctx, http.MethodPut, "/__emulator/faults", map[string]any{"latency": d.String()}, nil)
}

// ---- terraform ------------------------------------------------------------------------------

// workdir is one Terraform root module against one emulator.
type workdir struct {
	dir string
	run tfdev.Runner
}

func (b *bench) workdir(name string, emu *emulator) (*workdir, error) {
	dir := filepath.Join(b.tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	extra := []string{"OKTA_ORG_URL=" + emu.url, "OKTA_API_TOKEN=" + token}
	if providerLog != "" {
		extra = append(extra, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+providerLog)
	}
	return &workdir{dir: dir, run: tfdev.Runner{Terraform: b.terraform, Dir: dir, Env: tfdev.CleanEnv(b.rc, extra...)}}, nil
}

func (w *workdir) write(hcl string) error {
	return os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(hcl), 0o644)
}

// tf runs one terraform command and returns its output and wall time; wantExit is the exit code
// that counts as success.
func (w *workdir) tf(ctx context.Context, wantExit int, args ...string) (string, time.Duration, error) {
	start := time.Now()
	out, err := w.run.Run(ctx, wantExit, args...)
	took := time.Since(start)
	logName := filepath.Join(w.dir, fmt.Sprintf("%s-%d.log", args[0], time.Now().UnixNano()))
	_ = os.WriteFile(logName, []byte(out), 0o644)
	if err != nil {
		return out, took, fmt.Errorf("%w (in %s):\n%s", err, w.dir, tail(out, 40))
	}
	return out, took, nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

const providerBlock = `terraform {
  required_providers {
    dialpad = { source = "dialpad/dialpad" }
  }
}

provider "dialpad" {
  max_api_capacity = 100
}
`

// ---- 1. API calls per operation --------------------------------------------------------------

// operations measures create, no-op plan, update and destroy of the composite and of the module.
func (b *bench) operations(ctx context.Context) error {
	composite := func(title string) string {
		return providerBlock + fmt.Sprintf(`
resource "dialpad_okta_phone_sync" "this" {
  app_id       = %q
  display_name = %q
}
`, oktaemu.DemoDialpadAppID, title)
	}
	module := func(title string) string {
		return providerBlock + fmt.Sprintf(`
module "phone_sync" {
  source       = "./modules/okta-phone-sync"
  app_id       = %q
  display_name = %q
}
`, oktaemu.DemoDialpadAppID, title)
	}
	for _, c := range []struct {
		name, config string
		hcl          func(string) string
		refreshMax   int
	}{
		{"composite", "`dialpad_okta_phone_sync` (demo seed, app_id given, defaults)", composite, 4},
		{"module", "`modules/okta-phone-sync` with `app_id` (demo seed, defaults)", module, 5},
	} {
		b.progress("API calls per operation: %s", c.name)
		emu, err := startEmulator(oktaemu.Options{Seed: "demo"})
		if err != nil {
			return err
		}
		err = b.measureOperations(ctx, emu, c.name, c.config, c.hcl, c.refreshMax)
		emu.stop()
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return nil
}

func (b *bench) measureOperations(ctx context.Context, emu *emulator, name, config string, hcl func(string) string, refreshMax int) error {
	if err := emu.enableProfileSourcing(ctx, oktaemu.DemoDialpadAppID); err != nil {
		return err
	}
	w, err := b.workdir("ops-"+name, emu)
	if err != nil {
		return err
	}
	if name == "module" {
		if err := tfdev.CopyTF(filepath.Join(b.root, "modules", "okta-phone-sync"), filepath.Join(w.dir, "modules", "okta-phone-sync")); err != nil {
			return err
		}
	}
	if err := w.write(hcl("Dialpad Phone")); err != nil {
		return err
	}
	if name == "module" {
		if _, _, err := w.tf(ctx, 0, "get"); err != nil {
			return err
		}
	}
	type op struct {
		label string
		title string
		exit  int
		args  []string
	}
	ops := []op{
		{"create (`terraform apply`)", "Dialpad Phone", 0, []string{"apply", "-auto-approve"}},
		{"plan, no changes (`terraform plan`: refresh + plan)", "Dialpad Phone", 0, []string{"plan", "-detailed-exitcode"}},
		{"update display_name (`terraform apply`)", "Dialpad Phone (bench)", 0, []string{"apply", "-auto-approve"}},
		{"destroy (`terraform destroy`)", "Dialpad Phone (bench)", 0, []string{"destroy", "-auto-approve"}},
	}
	for _, o := range ops {
		if err := w.write(hcl(o.title)); err != nil {
			return err
		}
		if err := emu.resetStats(ctx); err != nil {
			return err
		}
		if _, _, err := w.tf(ctx, o.exit, o.args...); err != nil {
			return err
		}
		s, err := emu.stats(ctx)
		if err != nil {
			return err
		}
		r := row{what: "API calls, " + name + ": " + o.label, config: config, measured: fmt.Sprint(s.Total), detail: routeSummary(s)}
		if max, ok := opTargets[strings.Fields(o.label)[0]]; ok {
			r.target = fmt.Sprintf("<= %d", max)
			r.verdict = verdict(s.Total <= max)
		}
		if strings.HasPrefix(o.label, "plan") {
			r.what = "API calls, " + name + ": refresh/plan, no changes (`terraform plan`)"
			r.target = fmt.Sprintf("<= %d", refreshMax)
			r.verdict = verdict(s.Total <= refreshMax)
		}
		b.rows = append(b.rows, r)
	}
	return nil
}

// opTargets are issue 14's call targets per change, for the composite and the module alike.
var opTargets = map[string]int{"create": 12, "update": 8, "destroy": 10}

// routeSummary is "3 GET /api/v1/meta/schemas/user/{id}, ..." from the emulator's by_route.
func routeSummary(s stats) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range s.ByRoute {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	parts := make([]string, 0, len(list))
	for _, e := range list {
		parts = append(parts, fmt.Sprintf("%d× `%s`", e.v, e.k))
	}
	return strings.Join(parts, ", ")
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**NOT MET**"
}

// ---- 2. 100 attributes on one schema ---------------------------------------------------------

func attributesConfig(prefix string, n int) string {
	return providerBlock + fmt.Sprintf(`
resource "dialpad_okta_user_attribute" "a" {
  count = %d
  name  = format("%s%%03d", count.index)
  title = format("Bench attribute %%d", count.index)
  type  = "string"
}
`, n, prefix)
}

func schemaGets(s stats) int {
	n := 0
	for k, v := range s.ByRoute {
		if strings.HasPrefix(k, "GET /api/v1/meta/schemas/") {
			n += v
		}
	}
	return n
}

func (b *bench) hundredAttributes(ctx context.Context) error {
	b.progress("100 attributes on one schema: apply, then a refresh")
	emu, err := startEmulator(oktaemu.Options{Seed: "demo"})
	if err != nil {
		return err
	}
	defer emu.stop()
	w, err := b.workdir("attrs-100", emu)
	if err != nil {
		return err
	}
	if err := w.write(attributesConfig("benchAttr", 100)); err != nil {
		return err
	}
	if _, _, err := w.tf(ctx, 0, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := emu.resetStats(ctx); err != nil {
		return err
	}
	if _, _, err := w.tf(ctx, 0, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	s, err := emu.stats(ctx)
	if err != nil {
		return err
	}
	n := schemaGets(s)
	b.rows = append(b.rows, row{
		what:     "100 attributes on one schema, refresh (`terraform plan`): schema GETs",
		config:   "100 × `dialpad_okta_user_attribute` on the default user type, -parallelism=10",
		measured: fmt.Sprint(n), target: "<= 3", verdict: verdict(n <= 3),
		detail: fmt.Sprintf("%d API calls in all: %s", s.Total, routeSummary(s)),
	})
	return nil
}

// ---- 3. latency hiding -----------------------------------------------------------------------

func (b *bench) latencyHiding(ctx context.Context) error {
	b.progress("latency hiding: 200 attributes, plan at 0 ms and at 100 ms")
	emu, err := startEmulator(oktaemu.Options{Seed: "demo"})
	if err != nil {
		return err
	}
	defer emu.stop()
	w, err := b.workdir("attrs-200", emu)
	if err != nil {
		return err
	}
	if err := w.write(attributesConfig("benchLat", 200)); err != nil {
		return err
	}
	if _, _, err := w.tf(ctx, 0, "apply", "-auto-approve"); err != nil {
		return err
	}
	// A first plan warms the file-system cache and Terraform's plugin start-up; it is not counted.
	if _, _, err := w.tf(ctx, 0, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	// Then three plans at each latency, alternating, and the fastest of each: the machine is shared
	// (other builds and tests), and interference only ever adds time.
	var zero, slow time.Duration
	for i := 0; i < 3; i++ {
		for _, lat := range []time.Duration{0, 100 * time.Millisecond} {
			if err := emu.setLatency(ctx, lat); err != nil {
				return err
			}
			if err := emu.resetStats(ctx); err != nil {
				return err
			}
			_, took, err := w.tf(ctx, 0, "plan", "-detailed-exitcode")
			if err != nil {
				return err
			}
			if lat == 0 && (zero == 0 || took < zero) {
				zero = took
			}
			if lat > 0 && (slow == 0 || took < slow) {
				slow = took
			}
		}
	}
	s, err := emu.stats(ctx)
	if err != nil {
		return err
	}
	ratio := slow.Seconds() / zero.Seconds()
	b.rows = append(b.rows, row{
		what:     "latency hiding: `terraform plan` of 200 attributes at 100 ms ÷ at 0 ms",
		config:   "200 × `dialpad_okta_user_attribute`, same state, same emulator, -parallelism=10; fastest of 3 alternating plans each",
		measured: fmt.Sprintf("%.2f× (%.2f s ÷ %.2f s)", ratio, slow.Seconds(), zero.Seconds()),
		target:   "<= 1.25×", verdict: verdict(ratio <= 1.25),
		detail: fmt.Sprintf("%d API calls in the 100 ms plan: %s", s.Total, routeSummary(s)),
	})
	return nil
}

// ---- 4. the scale case -----------------------------------------------------------------------

const (
	scaleApps    = 50
	scaleProfile = "okta-smallest" // Okta's documented per-bucket limits and concurrency cap, smallest plans
)

func scaleAppID(i int) string { return fmt.Sprintf("0oabench%02dApp00000", i) }

// writeScaleSeed writes a JSON seed (oktaemu's -seed file format) with 50 provisioning apps that
// are profile sources.
func writeScaleSeed(path string) error {
	type app struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		Label         string `json:"label"`
		SignOnMode    string `json:"sign_on_mode"`
		Provisioning  bool   `json:"provisioning"`
		ProfileSource bool   `json:"profile_source"`
	}
	var seed struct {
		Apps []app `json:"apps"`
	}
	for i := 0; i < scaleApps; i++ {
		seed.Apps = append(seed.Apps, app{ID: scaleAppID(i), Name: "dialpad", Label: fmt.Sprintf("Dialpad bench %02d", i),
			SignOnMode: "SAML_2_0", Provisioning: true, ProfileSource: true})
	}
	j, err := json.MarshalIndent(seed, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, j, 0o644)
}

var rateLimitError = regexp.MustCompile(`(?i)(\b429\b|too many requests|rate limit)`)

func (b *bench) scale(ctx context.Context) error {
	b.progress("scale: 50 phone syncs on 50 apps, -parallelism=10, -rate-profile %s (takes several minutes)", scaleProfile)
	seed := filepath.Join(b.tmp, "scale-seed.json")
	if err := writeScaleSeed(seed); err != nil {
		return err
	}
	emu, err := startEmulator(oktaemu.Options{Seed: seed, RateProfile: scaleProfile})
	if err != nil {
		return err
	}
	defer emu.stop()
	w, err := b.workdir("scale", emu)
	if err != nil {
		return err
	}
	ids := make([]string, scaleApps)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", scaleAppID(i))
	}
	hcl := providerBlock + fmt.Sprintf(`
locals {
  apps = [%s]
}

resource "dialpad_okta_phone_sync" "s" {
  count          = length(local.apps)
  app_id         = local.apps[count.index]
  attribute_name = format("benchPhone%%02d", count.index)
}
`, strings.Join(ids, ", "))
	if err := w.write(hcl); err != nil {
		return err
	}
	if err := emu.resetStats(ctx); err != nil {
		return err
	}
	out, took, err := w.tf(ctx, 0, "apply", "-auto-approve", "-parallelism=10")
	surfaced := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Error") && rateLimitError.MatchString(line) {
			surfaced++
		}
	}
	if err != nil && surfaced == 0 {
		return err
	}
	s, serr := emu.stats(ctx)
	if serr != nil {
		return serr
	}
	// Required calls per bucket: the routes grouped by the governor's classifier (the emulator meters
	// the same buckets). Throttled attempts are not required calls; which bucket they hit is unknown,
	// so all are taken off the busiest (conservatively).
	perBucket := map[string]int{}
	for route, n := range s.ByRoute {
		method, path, _ := strings.Cut(route, " ")
		perBucket[okta.RateBucket(method, path)] += n
	}
	// The lower bound is the bucket that takes longest at its limit. Throttled attempts are not
	// required calls; which bucket they hit is unknown, so all are taken off the busiest.
	limits, _, _ := oktaemu.RateProfileLimits(scaleProfile)
	busiest, lower := "", time.Duration(0)
	for k, n := range perBucket {
		if lim := limits[k]; lim > 0 {
			if d := time.Duration(float64(n) / float64(lim) * float64(time.Minute)); d > lower {
				busiest, lower = k, d
			}
		}
	}
	required := perBucket[busiest] - s.Throttled
	lower = time.Duration(float64(required) / float64(limits[busiest]) * float64(time.Minute))
	ratio := took.Seconds() / lower.Seconds()
	var buckets []string
	for k, n := range perBucket {
		buckets = append(buckets, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(buckets)
	config := fmt.Sprintf("50 × `dialpad_okta_phone_sync` (distinct attribute names) on 50 apps, `terraform apply -parallelism=10`, emulator -rate-profile %s, max_api_capacity 100", scaleProfile)
	ok := err == nil && surfaced == 0
	b.rows = append(b.rows,
		row{what: "scale: wall time of the apply", config: config, measured: fmt.Sprintf("%.1f s", took.Seconds()),
			detail: fmt.Sprintf("%d API calls; per bucket: %s", s.Total, strings.Join(buckets, ", "))},
		row{what: "scale: surfaced 429s (errors reaching Terraform)", config: "same run", measured: fmt.Sprint(surfaced), target: "0", verdict: verdict(ok),
			detail: applyOutcome(err)},
		row{what: "scale: 429s the emulator sent (`throttled`)", config: "same run", measured: fmt.Sprint(s.Throttled), target: "near 0", verdict: verdict(s.Throttled <= 5)},
		row{what: "scale: wall time ÷ rate-limit lower bound", config: "same run",
			measured: fmt.Sprintf("%.2f× (lower bound %.1f s = %d `%s` calls ÷ %d/min)", ratio, lower.Seconds(), required, busiest, limits[busiest]),
			target:   "<= 1.3×", verdict: verdict(ratio <= 1.3)},
	)
	return nil
}

func applyOutcome(err error) string {
	if err != nil {
		return "the apply FAILED: " + firstLine(err.Error())
	}
	return "the apply succeeded"
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// ---- output ---------------------------------------------------------------------------------

func (b *bench) print(w io.Writer, tfVersion string) {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	fmt.Fprintf(w, "\n## make bench (%s, emulator in process, %s)\n\n", tfVersion, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintln(w, "| measurement | configuration | measured | target | met? | detail (emulator stats) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range b.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", esc(r.what), esc(r.config), esc(r.measured), esc(r.target), esc(r.verdict), esc(r.detail))
	}
}
