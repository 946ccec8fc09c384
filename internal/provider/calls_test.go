//go:build !windows

package provider_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// API calls per change (issue 14): what one `terraform apply` / `plan` / `destroy` of the composite
// and of the module costs, plan walks included, counted by the emulator per route, with the same
// configurations as `make bench -only ops` (the real CLI, as the bench runs it: terraform-plugin-
// testing would add refreshes and plans of its own). The counts are pinned per route; the one read
// that depends on timing has slack (the module's source priority builds on the attribute's
// read-back when that is at most 2 s old, and reads the schema again otherwise). Every write must
// still be read back: each route written has at least as many reads.

type callCounts map[string]int

func (c callCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func (c callCounts) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n      %2d  %s", c[k], k)
	}
	return b.String()
}

const (
	routeApps        = "GET /api/v1/apps"
	routeMappings    = "GET /api/v1/mappings"
	routeMapping     = "GET /api/v1/mappings/{id}"
	routeUserSchema  = "GET /api/v1/meta/schemas/user/{id}"
	routeAppSchema   = "GET /api/v1/meta/schemas/apps/{id}/default"
	routePostMapping = "POST /api/v1/mappings/{id}"
	routePostUser    = "POST /api/v1/meta/schemas/user/{id}"
	routePostApp     = "POST /api/v1/meta/schemas/apps/{id}/default"
)

type callsCase struct {
	op     string // create, plan, update, destroy
	args   []string
	title  string
	want   callCounts
	slack  callCounts // calls a route may make above want, where timing decides
	target int        // issue 14's target for the command
}

func TestAccPhoneSync_callsPerChange(t *testing.T) {
	acctest.RequireEmulator(t, "counts the emulator's API calls per route")
	bin := interruptProvider(t)
	apply, plan, destroy := []string{"apply", "-auto-approve"}, []string{"plan", "-detailed-exitcode"}, []string{"destroy", "-auto-approve"}
	const title, newTitle = "Dialpad Phone", "Dialpad Phone (renamed)"

	for _, kind := range []struct {
		name  string
		cases []callsCase
	}{
		{"composite", []callsCase{
			// Plan walk and apply walk each list the apps (profile sourcing) and the app's mappings (the
			// user type and mapping ids the plan shows, which the create then uses); the create reads
			// each schema before its write (an existing attribute is refused, not adopted) and after it;
			// the source override goes with the attribute's create; the mapping property of a new
			// attribute is posted without a read first, and read back.
			{"create", apply, title, callCounts{routeApps: 2, routeMappings: 2, routeUserSchema: 2, routeAppSchema: 2,
				routeMapping: 1, routePostUser: 1, routePostApp: 1, routePostMapping: 1}, nil, 12},
			{"plan", plan, title, callCounts{routeUserSchema: 1, routeAppSchema: 1, routeMapping: 1}, nil, 4},
			// The refresh reads every piece; the apply writes the two the plan shows changed: the user
			// attribute on a fresh read (its property holds the source priority and fields Okta adds),
			// the app user attribute whole; each read back. No sourcing check: nothing sourced changes.
			{"update", apply, newTitle, callCounts{routeUserSchema: 3, routeAppSchema: 2, routeMapping: 1,
				routePostUser: 1, routePostApp: 1}, nil, 8},
			// The refresh, then three removals (nulls, which need no read first), each read back.
			{"destroy", destroy, newTitle, callCounts{routeUserSchema: 2, routeAppSchema: 2, routeMapping: 2,
				routePostUser: 1, routePostApp: 1, routePostMapping: 1}, nil, 10},
		}},
		// Three resources, each verified on its own: the same calls as the composite. The user
		// attribute carries the source override (sent in its creating POST); the mapping takes its
		// user type and mapping ids from the listing its plan reads, and posts the property of the
		// attribute this apply created without a read first.
		{"module", []callsCase{
			{"create", apply, title, callCounts{routeApps: 2, routeMappings: 2, routeUserSchema: 2, routeAppSchema: 2,
				routeMapping: 1, routePostUser: 1, routePostApp: 1, routePostMapping: 1}, nil, 12},
			{"plan", plan, title, callCounts{routeUserSchema: 1, routeAppSchema: 1, routeMapping: 1}, nil, 5},
			{"update", apply, newTitle, callCounts{routeUserSchema: 3, routeAppSchema: 2, routeMapping: 1,
				routePostUser: 1, routePostApp: 1}, nil, 8},
			{"destroy", destroy, newTitle, callCounts{routeUserSchema: 2, routeAppSchema: 2, routeMapping: 2,
				routePostUser: 1, routePostApp: 1, routePostMapping: 1}, nil, 10},
		}},
	} {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			emu := acctest.NewEmulator(t)
			fx := emu.Fixtures()
			emu.EnsureProfileSource(t, fx.AppID)
			snap := emu.Snapshot(t)
			name := emu.RandomName("Calls")
			config := func(title string) string {
				body := phoneSyncConfig(fx.AppID, name, "display_name = "+acctest.Quote(title))
				if kind.name == "module" {
					body = moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
						"display_name = "+acctest.Quote(title))
				}
				return requiredProviders + emu.Config(body)
			}
			w := newCLIWork(t, bin)
			w.write(config(title))
			if kind.name == "module" {
				w.tf(0, "get", "-no-color")
			}
			var failed []string
			for _, c := range kind.cases {
				w.write(config(c.title))
				emu.ResetStats(t)
				w.tf(0, c.args...)
				got := callCounts(emu.Stats(t).ByRoute)
				for k, v := range got {
					if v == 0 {
						delete(got, k)
					}
				}
				t.Logf("%s %s: %d API calls (issue 14's target: <= %d)%v", kind.name, c.op, got.total(), c.target, got)
				if msg := c.check(got); msg != "" {
					failed = append(failed, fmt.Sprintf("%s %s (terraform %s): %s\n    got %d calls:%v\n    want %d:%v",
						kind.name, c.op, strings.Join(c.args, " "), msg, got.total(), got, c.want.total(), c.want))
				}
			}
			if err := psNoPieces(emu, name); err != nil {
				t.Error(err)
			}
			if err := emu.CheckUnchanged(snap)(nil); err != nil {
				t.Error(err)
			}
			if len(failed) > 0 {
				t.Fatalf("API calls per change differ from the pinned counts (update them, README's Performance rows and "+
					"interruptCalls when a change is intended):\n  %s", strings.Join(failed, "\n  "))
			}
		})
	}
}

// check compares got with c.want: each route as pinned (up to its slack). Every route written
// must also be read at least as often as it is written (each write is verified).
func (c callsCase) check(got callCounts) string {
	var problems []string
	for _, post := range []string{routePostUser, routePostApp, routePostMapping} {
		read := "GET " + strings.TrimPrefix(post, "POST ")
		if got[post] > got[read] {
			problems = append(problems, fmt.Sprintf("%d writes %s but %d reads of it: a write is not read back", got[post], post, got[read]))
		}
	}
	routes := map[string]bool{}
	for k := range got {
		routes[k] = true
	}
	for k := range c.want {
		routes[k] = true
	}
	for k := range routes {
		if got[k] < c.want[k] || got[k] > c.want[k]+c.slack[k] {
			pin := fmt.Sprint(c.want[k])
			if c.slack[k] > 0 {
				pin = fmt.Sprintf("%d to %d", c.want[k], c.want[k]+c.slack[k])
			}
			problems = append(problems, fmt.Sprintf("%s: %d, pinned %s", k, got[k], pin))
		}
	}
	sort.Strings(problems)
	return strings.Join(problems, "; ")
}
