package provider_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// The chaos suite (issue 6): repeated create / update / destroy cycles of the composite
// dialpad_okta_phone_sync and of the okta-phone-sync module against an emulator that is harsh on
// purpose: 20% of API calls fail with 500/503, a rate limit, eventual consistency, the attribute
// clean-up window, the lost-update window for schema and mapping writes, and before every apply
// targeted faults that commit the write and still answer 5xx (the ambiguous failure), plus a 429
// the rate-limit governor could not foresee. TestAccChaos_mixed and TestAccChaos_manyWriters put
// several writers of the same schemas and mapping into one configuration.
//
// After each apply the plan is empty (terraform-plugin-testing plans again after every apply and
// refresh; the explicit plan checks say so), every piece is in Okta as configured, and after the
// first apply of a cycle the app's import brings the numbers to the users' Okta profiles. An import
// in each composite cycle must read back what was applied. After each destroy the org's schemas and
// mappings equal the seed's, property by property (acctest snapshot), and so does every user's
// profile. Every cycle reuses the same attribute name, so each create runs into the clean-up window
// of the previous destroy.
//
// `make test` runs a few cycles with millisecond-scale delays. `make soak` (DIALPAD_SOAK=1) runs
// more cycles with delays of the size a real org shows; DIALPAD_SOAK_CYCLES overrides the count and
// DIALPAD_CHAOS_KNOBS any knob (see applyKnobOverrides).

const (
	envSoak       = "DIALPAD_SOAK"
	envSoakCycles = "DIALPAD_SOAK_CYCLES"
	envChaosKnobs = "DIALPAD_CHAOS_KNOBS"
)

// chaosProfile is one setting of the emulator's knobs plus how many cycles to run under it.
type chaosProfile struct {
	name   string
	cycles int
	knobs  oktaemu.Options
	// timeout of every resource operation (the provider retries faults, lost updates and the
	// clean-up window within it).
	timeout string
}

func currentChaosProfile(t *testing.T) chaosProfile {
	t.Helper()
	p := baseChaosProfile(t)
	p.applyKnobOverrides(t)
	return p
}

func baseChaosProfile(t *testing.T) chaosProfile {
	t.Helper()
	if os.Getenv(envSoak) != "1" {
		return chaosProfile{
			name:   "short",
			cycles: 2,
			knobs: oktaemu.Options{
				FaultRate:        0.2,
				RateLimit:        400,
				Latency:          time.Millisecond,
				ConsistencyDelay: 30 * time.Millisecond,
				CleanupDelay:     400 * time.Millisecond,
				LostUpdateWindow: 150 * time.Millisecond,
			},
			timeout: "3m",
		}
	}
	p := chaosProfile{
		name:   "soak",
		cycles: 5,
		knobs: oktaemu.Options{
			FaultRate:        0.2,
			RateLimit:        150,
			Latency:          60 * time.Millisecond,
			ConsistencyDelay: 2 * time.Second,
			CleanupDelay:     20 * time.Second,
			LostUpdateWindow: time.Second,
		},
		timeout: "10m",
	}
	if s := os.Getenv(envSoakCycles); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", envSoakCycles, s)
		}
		p.cycles = n
	}
	return p
}

// applyKnobOverrides reads DIALPAD_CHAOS_KNOBS, e.g. "fault_rate=0.3,consistency_delay=5s,
// lost_update_window=3s,cleanup_delay=1m,rate_limit=100,latency=100ms,timeout=20m", on top of the
// profile: for exploring harsher settings without editing the test.
func (p *chaosProfile) applyKnobOverrides(t *testing.T) {
	t.Helper()
	s := os.Getenv(envChaosKnobs)
	if s == "" {
		return
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		var err error
		dur := func(dst *time.Duration) {
			var d time.Duration
			if d, err = time.ParseDuration(v); err == nil {
				*dst = d
			}
		}
		switch k {
		case "fault_rate":
			p.knobs.FaultRate, err = strconv.ParseFloat(v, 64)
		case "rate_limit":
			p.knobs.RateLimit, err = strconv.Atoi(v)
		case "latency":
			dur(&p.knobs.Latency)
		case "consistency_delay":
			dur(&p.knobs.ConsistencyDelay)
		case "cleanup_delay":
			dur(&p.knobs.CleanupDelay)
		case "lost_update_window":
			dur(&p.knobs.LostUpdateWindow)
		case "timeout":
			_, err = time.ParseDuration(v)
			p.timeout = v
		default:
			err = fmt.Errorf("unknown knob %q", k)
		}
		if err != nil {
			t.Fatalf("%s: %q: %v", envChaosKnobs, kv, err)
		}
	}
	t.Logf("chaos knobs overridden by %s=%s", envChaosKnobs, s)
}

// chaosRules are armed before every apply: the first POST to each schema and to the mapping, and
// the first reapply, are applied by the emulator and then answered with a 5xx.
func chaosRules() []acctest.FaultRule {
	return []acctest.FaultRule{
		{Method: "POST", Route: "/api/v1/meta/schemas/user/{id}", Status: 503, Count: 1, AfterCommit: true},
		{Method: "POST", Route: "/api/v1/meta/schemas/apps/{id}/default", Status: 500, Count: 1, AfterCommit: true},
		{Method: "POST", Route: "/api/v1/mappings/{id}", Status: 503, Count: 1, AfterCommit: true},
		{Method: "PUT", Route: "/api/internal/v1/mappings/reapply", Status: 502, Count: 1, AfterCommit: true},
	}
}

// rule429 is a 429 the governor could not foresee (another API client of the org spent the
// bucket). The provider then rightly holds the bucket until the window resets (up to a minute on
// the emulator's fixed windows), so it is armed sparingly: on the first apply of a short run, on
// every create of a soak.
var rule429 = acctest.FaultRule{Method: "GET", Route: "/api/v1/meta/schemas/user/{id}", Status: 429, Count: 1}

// armRules429 is armRules plus rule429.
func armRules429(t *testing.T, emu *acctest.Emulator) func() {
	return func() { emu.SetFaults(t, acctest.Faults{Rules: append(chaosRules(), rule429)}) }
}

// with429 says whether the apply at (cycle, variant) gets rule429.
func (p chaosProfile) with429(cycle, variant int) bool {
	return variant == 0 && (cycle == 1 || p.name == "soak")
}

// chaosEmulator starts the emulator for a chaos test: profile sourcing on for the Dialpad app and a
// snapshot of the seed taken while the org is still calm; then every knob is turned on.
func chaosEmulator(t *testing.T, p chaosProfile) (*acctest.Emulator, *chaosSeed) {
	t.Helper()
	emu := acctest.NewEmulator(t)
	emu.EnsureProfileSource(t, emu.Fixtures().AppID)
	users, err := psUsers(emu)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) < 100 {
		t.Fatalf("the demo seed has %d users; the profile comparison after each destroy would prove little", len(users))
	}
	hrUsers, err := emu.Client().ListAppUsers(context.Background(), emu.Fixtures().SourceAppID)
	if err != nil {
		t.Fatal(err)
	}
	hr := map[string]bool{}
	for _, u := range hrUsers {
		hr[u.ID] = true
	}
	snap := &chaosSeed{Snapshot: emu.Snapshot(t), users: users, hr: hr}
	k := p.knobs
	emu.SetFaults(t, acctest.Faults{
		Latency: &k.Latency, FaultRate: &k.FaultRate, RateLimit: &k.RateLimit,
		ConsistencyDelay: &k.ConsistencyDelay, CleanupDelay: &k.CleanupDelay, LostUpdateWindow: &k.LostUpdateWindow,
	})
	return emu, snap
}

// armRules is a PreConfig that re-arms the after_commit rules (spent rules expire).
func armRules(t *testing.T, emu *acctest.Emulator) func() {
	return func() { emu.SetFaults(t, acctest.Faults{Rules: chaosRules()}) }
}

// chaosVariant is what one apply of a cycle configures: create with the defaults, then update
// every in-place field.
type chaosVariant struct {
	title, external, push string
	override, reapply     bool
}

func chaosVariants(cycle int) []chaosVariant {
	return []chaosVariant{
		{title: "Dialpad Phone", external: phoneSyncDefaultExternal, push: "PUSH", override: true, reapply: true},
		{title: fmt.Sprintf("Dialpad Phone (cycle %d)", cycle), external: "phoneNumbers.^[type=='mobile'].value", push: "DONT_PUSH", override: false, reapply: false},
	}
}

// chaosChecks is check, followed by more when also.
func chaosChecks(check resource.TestCheckFunc, also bool, more resource.TestCheckFunc) resource.TestCheckFunc {
	if !also {
		return check
	}
	return resource.ComposeTestCheckFunc(check, more)
}

func emptyAfterApply() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// chaosSeed is the org before the chaos: the schemas and mappings (acctest snapshot) and every
// user's Okta profile.
type chaosSeed struct {
	*acctest.Snapshot
	users map[string]map[string]any
	hr    map[string]bool // users assigned to the HR app (their profile master)
}

// numbersArrive is the check of the first apply of a cycle (PUSH, source override): after the
// app's import every assigned user with a Dialpad number has it on their Okta profile, HR-sourced
// users included, and no other attribute of any user changed.
func numbersArrive(t *testing.T, emu *acctest.Emulator, seed *chaosSeed, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		emu.Import(t, emu.Fixtures().AppID)
		return psValues(emu, name, "+1415555", 40, seed.users, seed.hr, true)(s)
	}
}

// seedAgain is the check after each destroy: nothing of the sync is left, the org's schemas and
// mappings equal the seed's, field by field, and so does every user's profile (the reapplies under
// faults wrote only the synced attribute, whose values left with it).
func seedAgain(emu *acctest.Emulator, seed *chaosSeed, name string, cycle int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := psNoPieces(emu, name); err != nil {
			return fmt.Errorf("cycle %d, after destroy: %w", cycle, err)
		}
		if err := emu.CheckUnchanged(seed.Snapshot)(s); err != nil {
			return fmt.Errorf("cycle %d, after destroy: %w", cycle, err)
		}
		now, err := psUsers(emu)
		if err != nil {
			return err
		}
		var diffs []string
		for id, before := range seed.users {
			after, ok := now[id]
			if !ok {
				diffs = append(diffs, "user "+id+" is gone")
				continue
			}
			for k := range union(before, after) {
				if !reflect.DeepEqual(before[k], after[k]) {
					diffs = append(diffs, fmt.Sprintf("user %s: %s changed from %v to %v", id, k, before[k], after[k]))
				}
			}
		}
		if len(now) != len(seed.users) {
			diffs = append(diffs, fmt.Sprintf("%d users, the seed had %d", len(now), len(seed.users)))
		}
		if len(diffs) > 0 {
			sort.Strings(diffs)
			return fmt.Errorf("cycle %d, after destroy, user profiles differ from the seed's:\n  %s", cycle, strings.Join(diffs[:min(len(diffs), 20)], "\n  "))
		}
		return nil
	}
}

// logChaosStats reports what the emulator did to the run and fails when the chaos did not happen
// (a chaos test whose faults never fired proves nothing).
func logChaosStats(t *testing.T, emu *acctest.Emulator, start time.Time) {
	t.Helper()
	s := emu.Stats(t)
	t.Logf("chaos stats after %s: total=%d faults=%d throttled=%d dropped=%d deletes=%d (throttled counts the emulator's own 429s, not rule429)",
		time.Since(start).Round(time.Second), s.Total, s.Faults, s.Throttled, s.Dropped, s.Deletes)
	if s.Faults == 0 {
		t.Errorf("no fault fired during the chaos run: %+v", s)
	}
}

// chaosOrgCheck runs a check that asks the org (not the state) as a state check, which works for
// configurations with child modules.
type chaosOrgCheck resource.TestCheckFunc

func (c chaosOrgCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(nil)
}

func TestAccChaos_phoneSync(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's fault rate, rate limit, delays, lost-update window and after_commit fault rules")
	p := currentChaosProfile(t)
	emu, snap := chaosEmulator(t, p)
	fx := emu.Fixtures()
	name := emu.RandomName("Chaos")
	start := time.Now()

	var steps []resource.TestStep
	for cycle := 1; cycle <= p.cycles; cycle++ {
		for i, v := range chaosVariants(cycle) {
			arm := armRules(t, emu)
			if p.with429(cycle, i) {
				arm = armRules429(t, emu)
			}
			cfg := emu.Config(phoneSyncConfig(fx.AppID, name,
				"display_name = "+acctest.Quote(v.title),
				"description = "+acctest.Quote(v.title),
				"external_name = "+acctest.Quote(v.external),
				"push_status = "+acctest.Quote(v.push),
				fmt.Sprintf("override_profile_source = %t", v.override),
				fmt.Sprintf("apply_to_existing_users = %t", v.reapply),
				fmt.Sprintf("timeouts {\n    create = %[1]q\n    update = %[1]q\n    delete = %[1]q\n    read = %[1]q\n  }", p.timeout),
			))
			steps = append(steps, resource.TestStep{
				PreConfig:        arm,
				Config:           cfg,
				ConfigPlanChecks: emptyAfterApply(),
				Check:            chaosChecks(psAllPieces(emu, name, v.title, v.external, v.push, v.override), i == 0, numbersArrive(t, emu, snap, name)),
			})
		}
		// Import reads every piece back through the same faults and must find what was applied.
		steps = append(steps, resource.TestStep{
			ResourceName:            phoneSyncAddr,
			ImportState:             true,
			ImportStateId:           fx.AppID + "/" + name,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		})
		steps = append(steps, resource.TestStep{
			PreConfig: armRules(t, emu),
			Config:    emu.Config(),
			Check:     seedAgain(emu, snap, name, cycle),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             seedAgain(emu, snap, name, p.cycles),
		Steps:                    steps,
	})
	logChaosStats(t, emu, start)
}

func TestAccChaos_module(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's fault rate, rate limit, delays, lost-update window and after_commit fault rules")
	p := currentChaosProfile(t)
	emu, snap := chaosEmulator(t, p)
	fx := emu.Fixtures()
	name := emu.RandomName("Chaos")
	start := time.Now()

	var steps []resource.TestStep
	for cycle := 1; cycle <= p.cycles; cycle++ {
		for i, v := range chaosVariants(cycle) {
			arm := armRules(t, emu)
			if p.with429(cycle, i) {
				arm = armRules429(t, emu)
			}
			cfg := emu.Config(moduleConfig(t,
				"app_label = "+acctest.Quote(fx.AppLabel),
				"attribute_name = "+acctest.Quote(name),
				"display_name = "+acctest.Quote(v.title),
				"description = "+acctest.Quote(v.title),
				"external_name = "+acctest.Quote(v.external),
				"push_status = "+acctest.Quote(v.push),
				fmt.Sprintf("override_profile_source = %t", v.override),
				fmt.Sprintf("apply_to_existing_users = %t", v.reapply),
				fmt.Sprintf("timeouts = { create = %[1]q, update = %[1]q, delete = %[1]q, read = %[1]q }", p.timeout),
			))
			// Check takes the legacy state shim, which refuses child modules: ask the org through
			// a state check instead.
			steps = append(steps, resource.TestStep{
				PreConfig:        arm,
				ConfigDirectory:  dirConfig(t, cfg),
				ConfigPlanChecks: emptyAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{chaosOrgCheck(
					chaosChecks(psAllPieces(emu, name, v.title, v.external, v.push, v.override), i == 0, numbersArrive(t, emu, snap, name)))},
			})
		}
		steps = append(steps, resource.TestStep{
			PreConfig:         armRules(t, emu),
			ConfigDirectory:   dirConfig(t, emu.Config()),
			ConfigStateChecks: []statecheck.StateCheck{chaosOrgCheck(seedAgain(emu, snap, name, cycle))},
		})
	}
	resource.ParallelTest(t, moduleCase(resource.TestCase{
		CheckDestroy: seedAgain(emu, snap, name, p.cycles),
		Steps:        steps,
	}))
	logChaosStats(t, emu, start)
}

// TestAccChaos_mixed runs the module and two composites on the same app in one configuration, so one
// provider process writes the same user schema, app schema and mapping from several resources at
// once (Terraform's default -parallelism=10) while the chaos goes on: the per-object locks, the
// read-modify-write of shared schema properties and the lost-update retries are all in play.
func TestAccChaos_mixed(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's fault rate, rate limit, delays, lost-update window and after_commit fault rules")
	p := currentChaosProfile(t)
	p.cycles = max(1, p.cycles/2)
	emu, snap := chaosEmulator(t, p)
	fx := emu.Fixtures()
	modName, syncA, syncB := emu.RandomName("ChaosMod"), emu.RandomName("ChaosA"), emu.RandomName("ChaosB")
	names := []string{modName, syncA, syncB}
	start := time.Now()

	composite := func(label, name string, v chaosVariant) string {
		return fmt.Sprintf(`
resource "dialpad_okta_phone_sync" %[1]q {
  app_id                  = %[2]q
  attribute_name          = %[3]q
  display_name            = %[4]s
  external_name           = %[5]s
  push_status             = %[6]q
  override_profile_source = %[7]t
  apply_to_existing_users = %[8]t

  timeouts {
    create = %[9]q
    update = %[9]q
    delete = %[9]q
    read   = %[9]q
  }
}
`, label, fx.AppID, name, acctest.Quote(v.title), acctest.Quote(v.external), v.push, v.override, v.reapply, p.timeout)
	}
	allPieces := func(v chaosVariant) resource.TestCheckFunc {
		var checks []resource.TestCheckFunc
		for _, n := range names {
			checks = append(checks, psAllPieces(emu, n, v.title, v.external, v.push, v.override))
		}
		return resource.ComposeAggregateTestCheckFunc(checks...)
	}
	noneLeft := func(cycle int) resource.TestCheckFunc {
		var checks []resource.TestCheckFunc
		for _, n := range names {
			checks = append(checks, seedAgain(emu, snap, n, cycle))
		}
		return resource.ComposeAggregateTestCheckFunc(checks...)
	}

	var steps []resource.TestStep
	for cycle := 1; cycle <= p.cycles; cycle++ {
		for _, v := range chaosVariants(cycle) {
			cfg := emu.Config(moduleConfig(t,
				"app_id = "+acctest.Quote(fx.AppID),
				"attribute_name = "+acctest.Quote(modName),
				"display_name = "+acctest.Quote(v.title),
				"external_name = "+acctest.Quote(v.external),
				"push_status = "+acctest.Quote(v.push),
				fmt.Sprintf("override_profile_source = %t", v.override),
				fmt.Sprintf("apply_to_existing_users = %t", v.reapply),
				fmt.Sprintf("timeouts = { create = %[1]q, update = %[1]q, delete = %[1]q, read = %[1]q }", p.timeout),
			), composite("a", syncA, v), composite("b", syncB, v))
			steps = append(steps, resource.TestStep{
				PreConfig:         armRules(t, emu),
				ConfigDirectory:   dirConfig(t, cfg),
				ConfigPlanChecks:  emptyAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{chaosOrgCheck(allPieces(v))},
			})
		}
		steps = append(steps, resource.TestStep{
			PreConfig:         armRules(t, emu),
			ConfigDirectory:   dirConfig(t, emu.Config()),
			ConfigStateChecks: []statecheck.StateCheck{chaosOrgCheck(noneLeft(cycle))},
		})
	}
	resource.ParallelTest(t, moduleCase(resource.TestCase{Steps: steps}))
	logChaosStats(t, emu, start)
}

// TestAccChaos_manyWriters: n attributes on the Okta user schema, n on the app's schema, their
// source overrides and one mapping owning all n properties, created, updated and destroyed in one
// configuration at Terraform's -parallelism=10 under the same chaos (n = 5, 20 in a soak). The
// resources contend for the same schema lock and the same mapping while writes fail,
// commit-then-fail, get dropped and show late.
func TestAccChaos_manyWriters(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's fault rate, rate limit, delays, lost-update window and after_commit fault rules")
	p := currentChaosProfile(t)
	p.cycles = 1
	emu, seed := chaosEmulator(t, p)
	fx := emu.Fixtures()
	prefix := emu.RandomName("W")
	n := 5 // keeps `make test` short; a soak runs twice the parallelism Terraform allows
	if p.name == "soak" {
		n = 20
	}
	start := time.Now()

	config := func(title string, push string) string {
		return emu.Config(fmt.Sprintf(`
data "dialpad_okta_user_type" "default" {}

resource "dialpad_okta_user_attribute" "w" {
  count = %[1]d
  name  = "%[2]s${count.index}"
  title = %[3]s

  timeouts {
    create = %[5]q
    update = %[5]q
    delete = %[5]q
  }
}

resource "dialpad_okta_app_user_attribute" "w" {
  count  = %[1]d
  app_id = %[4]q
  name   = "%[2]s${count.index}"
  title  = %[3]s

  timeouts {
    create = %[5]q
    update = %[5]q
    delete = %[5]q
  }
}

resource "dialpad_okta_attribute_source" "w" {
  count          = %[1]d
  attribute_name = dialpad_okta_user_attribute.w[count.index].name
  master_type    = "OVERRIDE"
  priority       = [%[4]q]
}

resource "dialpad_okta_attribute_mapping" "w" {
  source_id = %[4]q
  target_id = data.dialpad_okta_user_type.default.id
  properties = {
    for i in range(%[1]d) : dialpad_okta_user_attribute.w[i].name => {
      expression  = "appuser.${dialpad_okta_app_user_attribute.w[i].name}"
      push_status = %[6]q
    }
  }

  timeouts {
    create = %[5]q
    update = %[5]q
    delete = %[5]q
  }

  depends_on = [dialpad_okta_attribute_source.w]
}
`, n, prefix, acctest.Quote(title), fx.AppID, p.timeout, push))
	}
	allThere := func(title, push string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			ctx := context.Background()
			c := emu.Client()
			ut, err := c.FindUserType(ctx, fx.UserType)
			if err != nil {
				return err
			}
			m, err := c.FindMapping(ctx, fx.AppID, ut.ID)
			if err != nil {
				return err
			}
			var errs []string
			for i := 0; i < n; i++ {
				name := fmt.Sprintf("%s%d", prefix, i)
				if a, err := c.FindUserAttribute(ctx, fx.UserType, name); err != nil || a.Title != title ||
					a.Source.MasterType != "OVERRIDE" || len(a.Source.Priority) != 1 || a.Source.Priority[0] != fx.AppID {
					errs = append(errs, fmt.Sprintf("user attribute %s: %+v %v", name, a, err))
				}
				if a, err := c.FindAppUserAttribute(ctx, fx.AppID, name); err != nil || a.Title != title {
					errs = append(errs, fmt.Sprintf("app user attribute %s: %+v %v", name, a, err))
				}
				if mp, ok := m.Properties[name]; !ok || mp.Expression != "appuser."+name || mp.PushStatus != push {
					errs = append(errs, fmt.Sprintf("mapping property %s: %+v (present %v)", name, mp, ok))
				}
			}
			if len(errs) > 0 {
				return fmt.Errorf("after apply:\n  %s", strings.Join(errs, "\n  "))
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             seedAgain(emu, seed, prefix+"0", 1),
		Steps: []resource.TestStep{
			{PreConfig: armRules(t, emu), Config: config("Writer", "PUSH"), ConfigPlanChecks: emptyAfterApply(), Check: allThere("Writer", "PUSH")},
			{PreConfig: armRules(t, emu), Config: config("Writer updated", "DONT_PUSH"), ConfigPlanChecks: emptyAfterApply(), Check: allThere("Writer updated", "DONT_PUSH")},
			{PreConfig: armRules(t, emu), Config: emu.Config(), Check: seedAgain(emu, seed, prefix+"0", 1)},
		},
	})
	logChaosStats(t, emu, start)
}

// TestAccChaos_plainCycles is issue 10's measurement as a test: a plain dialpad_okta_phone_sync
// (app_id only) through apply / plan / destroy cycles against random faults alone (no targeted
// rules), where every read and write must survive the faults without surfacing one. A `make soak`
// runs 10 cycles with the knobs (fault rate 0.2, rate limit 120, consistency delay 500 ms,
// clean-up delay 3 s, lost-update window 200 ms); `make test` 3 cycles with the short profile's.
// Any surfaced error fails the step; every apply is followed by an empty plan, every destroy by
// the seed's schemas and mappings.
func TestAccChaos_plainCycles(t *testing.T) {
	acctest.RequireEmulator(t, "needs the emulator's fault rate, rate limit, delays and lost-update window")
	p := currentChaosProfile(t)
	p.cycles = 3
	if p.name == "soak" {
		p.cycles = 10
		p.knobs = oktaemu.Options{FaultRate: 0.2, RateLimit: 120, ConsistencyDelay: 500 * time.Millisecond,
			CleanupDelay: 3 * time.Second, LostUpdateWindow: 200 * time.Millisecond}
		p.applyKnobOverrides(t)
	}
	emu, snap := chaosEmulator(t, p)
	fx := emu.Fixtures()
	start := time.Now()
	var steps []resource.TestStep
	for cycle := 1; cycle <= p.cycles; cycle++ {
		steps = append(steps,
			resource.TestStep{
				Config:           emu.Config(fmt.Sprintf("resource \"dialpad_okta_phone_sync\" \"test\" {\n  app_id = %q\n}\n", fx.AppID)),
				ConfigPlanChecks: emptyAfterApply(),
				Check:            psAllPieces(emu, "dialpadPhone", "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true),
			},
			resource.TestStep{Config: emu.Config(), Check: seedAgain(emu, snap, "dialpadPhone", cycle)},
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             seedAgain(emu, snap, "dialpadPhone", p.cycles),
		Steps:                    steps,
	})
	logChaosStats(t, emu, start)
}
