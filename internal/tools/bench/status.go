package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// ---- 5. the status data source on a 50,000-user org at Okta's smallest rate limits -------------

const (
	statusUsers   = 50000
	statusProfile = "okta-smallest"
)

func (b *bench) status(ctx context.Context) error {
	b.progress("status: %d users, rate profile %s: apply of one sync, then the status (about 6 minutes: 100 pages at 20/min)", statusUsers, statusProfile)
	emu, err := startEmulator(oktaemu.Options{Seed: fmt.Sprintf("scale:%d", statusUsers), RateProfile: statusProfile})
	if err != nil {
		return err
	}
	defer emu.stop()
	if err := emu.enableProfileSourcing(ctx, oktaemu.DemoDialpadAppID); err != nil {
		return err
	}
	w, err := b.workdir("status", emu)
	if err != nil {
		return err
	}
	sync := providerBlock + fmt.Sprintf(`
resource "dialpad_okta_phone_sync" "this" {
  app_id       = %q
  display_name = "Dialpad Phone"
}
`, oktaemu.DemoDialpadAppID)
	if err := w.write(sync); err != nil {
		return err
	}
	if err := emu.resetStats(ctx); err != nil {
		return err
	}
	if _, _, err := w.tf(ctx, 0, "apply", "-auto-approve"); err != nil {
		return err
	}
	s, err := emu.stats(ctx)
	if err != nil {
		return err
	}
	config := fmt.Sprintf("`dialpad_okta_phone_sync` on the `scale:%d` seed, emulator -rate-profile %s", statusUsers, statusProfile)
	b.rows = append(b.rows, row{what: "API calls, composite: create on the 50k org (`terraform apply`)", config: config,
		measured: fmt.Sprint(s.Total), target: fmt.Sprintf("<= %d (as on the demo org)", opTargets["create"]),
		verdict: verdict(s.Total <= opTargets["create"]), detail: routeSummary(s)})

	// Dialpad's import brings the numbers; the sync pushes them to the Okta profiles.
	if err := emu.control(ctx, "POST", "/__emulator/apps/"+oktaemu.DemoDialpadAppID+"/import", nil, nil); err != nil {
		return err
	}
	if err := w.write(sync + `
data "dialpad_okta_phone_sync_status" "this" {
  app_id         = dialpad_okta_phone_sync.this.app_id
  attribute_name = dialpad_okta_phone_sync.this.attribute_name
}

output "coverage" {
  value = "${data.dialpad_okta_phone_sync_status.this.state}: ${data.dialpad_okta_phone_sync_status.this.users_synced}/${data.dialpad_okta_phone_sync_status.this.users_with_number}"
}
`); err != nil {
		return err
	}
	if err := emu.resetStats(ctx); err != nil {
		return err
	}
	rss := b.watchPluginRSS()
	out, took, err := w.tf(ctx, 0, "plan")
	peak := rss()
	if err != nil {
		return err
	}
	if s, err = emu.stats(ctx); err != nil {
		return err
	}
	limits, _, _ := oktaemu.RateProfileLimits(statusProfile)
	perBucket := map[string]int{}
	for route, n := range s.ByRoute {
		method, path, _ := strings.Cut(route, " ")
		perBucket[okta.RateBucket(method, path)] += n
	}
	// The lower bound: the bucket that takes longest at its limit.
	var lower time.Duration
	busiest := ""
	for k, n := range perBucket {
		if lim := limits[k]; lim > 0 {
			if d := time.Duration(float64(n) / float64(lim) * float64(time.Minute)); d > lower {
				lower, busiest = d, k
			}
		}
	}
	ratio := took.Seconds() / lower.Seconds()
	coverage := ""
	if i := strings.Index(out, "coverage"); i >= 0 {
		coverage = firstLine(out[i:])
	}
	cfg := fmt.Sprintf("`dialpad_okta_phone_sync_status` (with the sync) on `scale:%d` after the import, `terraform plan`, -rate-profile %s", statusUsers, statusProfile)
	b.rows = append(b.rows,
		row{what: "status on 50k users: API calls", config: cfg, measured: fmt.Sprint(s.Total),
			detail: fmt.Sprintf("%s; %d throttled; %s", routeSummary(s), s.Throttled, coverage)},
		row{what: "status on 50k users: wall time ÷ rate-limit lower bound", config: "same run",
			measured: fmt.Sprintf("%.2f× (%.1f s; lower bound %.1f s = %d `%s` calls ÷ %d/min)", ratio, took.Seconds(), lower.Seconds(), perBucket[busiest], busiest, limits[busiest]),
			target:   "<= 1.2×", verdict: verdict(ratio <= 1.2)},
		row{what: "status on 50k users: provider peak RSS", config: "same run (VmHWM of the plugin process)",
			measured: fmt.Sprintf("%d MB", peak/1024), target: "<= 150 MB", verdict: verdict(peak > 0 && peak/1024 <= 150)},
	)
	return nil
}

// watchPluginRSS polls /proc for processes running the provider binary built by the bench and
// returns a function that stops polling and returns the highest VmHWM (KiB) seen.
func (b *bench) watchPluginRSS() func() int {
	var mu sync.Mutex
	peak := 0
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			ents, _ := os.ReadDir("/proc")
			for _, e := range ents {
				if _, err := strconv.Atoi(e.Name()); err != nil {
					continue
				}
				exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
				if err != nil || !strings.HasPrefix(exe, b.bin) {
					continue
				}
				raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
				if err != nil {
					continue
				}
				for _, line := range strings.Split(string(raw), "\n") {
					if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
						if kb, err := strconv.Atoi(f[1]); err == nil {
							mu.Lock()
							peak = max(peak, kb)
							mu.Unlock()
						}
					}
				}
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
