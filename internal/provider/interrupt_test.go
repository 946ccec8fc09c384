//go:build !windows

package provider_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/tools/tfdev"
)

// Interrupted runs (issue 10). terraform-plugin-testing cannot send signals, so these tests drive
// the real terraform CLI against a provider binary built from this tree (dev_overrides, as make
// bench does) and an emulator slowed down by latency, and interrupt one command of a create, an
// update or a destroy of the composite or of the module once the emulator has answered a given
// number of API calls:
//
//   - SIGINT to terraform alone, as an operator's Ctrl-C or a CI cancel does: terraform asks the
//     provider to stop, the provider's in-flight calls are cancelled and the composite rolls back
//     what its create made;
//   - SIGKILL to terraform's whole process group (terraform and the provider process), as a machine
//     dying or an OOM kill does: nothing runs after the signal, and the state misses whatever was
//     being written.
//
// Then `terraform apply` of the full configuration must converge, `terraform plan` be empty and
// `terraform destroy` leave the org equal to its snapshot from before the test (nothing orphaned).
//
// `make test` runs one quick case (the hardest: SIGKILL in the middle of the composite's create);
// `make soak` (DIALPAD_SOAK=1) runs every kind x operation x signal x interruption point.

type interruptCase struct {
	kind   string // "composite" | "module"
	op     string // "create" | "update" | "destroy"
	signal syscall.Signal
	after  int // API calls answered before the signal
}

func (c interruptCase) name() string {
	sig := "SIGINT"
	if c.signal == syscall.SIGKILL {
		sig = "SIGKILL"
	}
	return fmt.Sprintf("%s_%s_%s_after%d", c.kind, c.op, sig, c.after)
}

// interruptCalls is how many API calls each interrupted command makes when left alone, plan
// included, with this test's configurations (apply_to_existing_users = true, so a create and an
// update end with "Apply Updates Now"; the update changes display_name and push_status), on the
// demo seed: the interruption points are fractions of it.
var interruptCalls = map[string]int{
	"composite create": 13, "composite update": 13, "composite destroy": 9,
	"module create": 13, "module update": 13, "module destroy": 9,
}

func interruptCases() []interruptCase {
	if os.Getenv(envSoak) != "1" {
		// After both attributes' writes (call 10 is the app user attribute's read-back) and before
		// the mapping's: the state has nothing, Okta has half a sync.
		return []interruptCase{{kind: "composite", op: "create", signal: syscall.SIGKILL, after: 10}}
	}
	var cases []interruptCase
	for _, kind := range []string{"composite", "module"} {
		for _, op := range []string{"create", "update", "destroy"} {
			for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
				for _, pct := range []int{20, 50, 75} {
					cases = append(cases, interruptCase{kind, op, sig, max(interruptCalls[kind+" "+op]*pct/100, 1)})
				}
			}
		}
	}
	return cases
}

func TestAccInterrupt(t *testing.T) {
	acctest.RequireEmulator(t, "slows the emulator down (latency) and counts its API calls to pick the moment of the signal")
	bin := interruptProvider(t)
	for _, c := range interruptCases() {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			runInterruptCase(t, bin, c)
		})
	}
}

var (
	interruptBuild    sync.Once
	interruptBin      string
	interruptBuildErr error
)

// interruptProvider builds the provider binary once per test binary. The tests that drive the real
// CLI with it are acceptance tests: without TF_ACC they skip here, before the build.
func interruptProvider(t *testing.T) string {
	t.Helper()
	acctest.PreCheck(t)
	interruptBuild.Do(func() {
		root, err := acctest.ModuleRoot()
		if err != nil {
			interruptBuildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "dialpad-interrupt-")
		if err != nil {
			interruptBuildErr = err
			return
		}
		interruptBin = dir
		interruptBuildErr = tfdev.Build(context.Background(), root, dir, tfdev.Provider)
	})
	if interruptBuildErr != nil {
		t.Fatal(interruptBuildErr)
	}
	return interruptBin
}

func runInterruptCase(t *testing.T, bin string, c interruptCase) {
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	snap := emu.Snapshot(t)
	name := emu.RandomName("Intr")

	config := func(title, push string) string {
		var body string
		if c.kind == "composite" {
			body = phoneSyncConfig(fx.AppID, name, "display_name = "+acctest.Quote(title), "push_status = "+acctest.Quote(push),
				"apply_to_existing_users = true")
		} else {
			body = moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
				"display_name = "+acctest.Quote(title), "push_status = "+acctest.Quote(push), "apply_to_existing_users = true")
		}
		return "terraform {\n  required_providers {\n    dialpad = {\n      source = \"dialpad/dialpad\"\n    }\n  }\n}\n\n" + emu.Config(body)
	}
	first, second := config("Dialpad Phone", "PUSH"), config("Dialpad Phone (updated)", "DONT_PUSH")

	w := newCLIWork(t, bin)
	run, write, tf := w.run, w.write, w.tf

	write(first)
	if c.kind == "module" {
		// Installs the module only: with dev_overrides the provider needs no `terraform init`.
		tf(0, "get", "-no-color")
	}
	// Leave nothing behind even when the test fails half-way.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		_, _ = run.Run(ctx, 0, "destroy", "-auto-approve")
	})

	// Bring the org to the state the interrupted command starts from.
	interrupted := []string{"apply", "-auto-approve"}
	switch c.op {
	case "update":
		tf(0, "apply", "-auto-approve")
		write(second)
	case "destroy":
		tf(0, "apply", "-auto-approve")
		interrupted = []string{"destroy", "-auto-approve"}
	}

	// Slow every call down so that the command is still running when the signal comes.
	latency := 150 * time.Millisecond
	emu.SetFaults(t, acctest.Faults{Latency: &latency})
	before := emu.Stats(t).Total
	out, signalled := interruptTerraform(t, run, interrupted, func() bool { return emu.Stats(t).Total-before >= c.after }, c.signal)
	if !signalled {
		t.Fatalf("terraform %v finished before its %d-th API call; the case interrupted nothing (has the command's call count "+
			"changed? update interruptCalls):\n%s", interrupted, c.after, out)
	}
	t.Logf("%s after %d API calls; terraform's output up to then:\n%s", c.signal, c.after, out)
	zero := time.Duration(0)
	emu.SetFaults(t, acctest.Faults{Latency: &zero})

	// The next apply of the full configuration converges, the plan after it is empty, and the
	// destroy leaves the org as it was.
	final := first
	if c.op == "update" {
		final = second
	}
	write(final)
	tf(0, "apply", "-auto-approve")
	tf(0, "plan", "-detailed-exitcode")
	title, push := "Dialpad Phone", "PUSH"
	if c.op == "update" {
		title, push = "Dialpad Phone (updated)", "DONT_PUSH"
	}
	if err := psAllPieces(emu, name, title, phoneSyncDefaultExternal, push, true)(nil); err != nil {
		t.Fatalf("after the apply that followed the interruption: %v", err)
	}
	tf(0, "destroy", "-auto-approve")
	if err := psNoPieces(emu, name); err != nil {
		t.Fatal(err)
	}
	if err := emu.CheckUnchanged(snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// cliWork is one working directory in which a test runs the real terraform CLI against the
// provider binary built from this tree.
type cliWork struct {
	run   tfdev.Runner
	write func(hcl string)
	// tf runs one command, failing the test unless it exits with want.
	tf func(want int, args ...string) string
}

func newCLIWork(t *testing.T, bin string) cliWork {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraform.rc")
	if err := tfdev.WriteCLIConfig(rc, bin); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	w := cliWork{run: tfdev.Runner{Terraform: os.Getenv("TF_ACC_TERRAFORM_PATH"), Dir: work, Env: tfdev.CleanEnv(rc, "HOME="+dir)}}
	w.write = func(hcl string) {
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(hcl), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w.tf = func(want int, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := w.run.Run(ctx, want, args...)
		if err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		return out
	}
	return w
}

// interruptTerraform runs terraform with args and sends sig once ready() holds: SIGINT to terraform,
// SIGKILL to its whole process group (terraform and the provider process, so that nothing of it
// outlives the kill and writes on). It reports whether the signal came before terraform ended.
func interruptTerraform(t *testing.T, run tfdev.Runner, args []string, ready func() bool, sig syscall.Signal) (string, bool) {
	t.Helper()
	out, acted, _ := disruptTerraform(t, run, args, ready, func(pid int) {
		target := pid
		if sig == syscall.SIGKILL {
			target = -pid
		}
		if err := syscall.Kill(target, sig); err != nil {
			t.Error(err)
		}
	})
	return out, acted
}

// disruptTerraform starts terraform with args in its own process group, calls act (with
// terraform's pid) once ready() holds, waits for terraform to end and returns its output, whether
// act ran before terraform ended on its own, and its exit code. Whatever is left of the process
// group afterwards is killed.
func disruptTerraform(t *testing.T, run tfdev.Runner, args []string, ready func() bool, act func(pid int)) (string, bool, int) {
	t.Helper()
	cmd := exec.Command(run.Terraform, append(args, "-no-color", "-input=false")...)
	cmd.Dir, cmd.Env = run.Dir, run.Env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer func() { _ = syscall.Kill(-pid, syscall.SIGKILL) }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exitCode := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("terraform %v: %v", args, err)
		}
		return 0
	}
	deadline := time.After(3 * time.Minute)
	for {
		select {
		case err := <-done:
			return out.String(), false, exitCode(err)
		case <-deadline:
			t.Fatalf("terraform %v did not reach the disruption point in 3 minutes:\n%s", args, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if !ready() {
			continue
		}
		act(pid)
		select {
		case err := <-done:
			return out.String(), true, exitCode(err)
		case <-time.After(5 * time.Minute):
			t.Fatalf("terraform %v did not end within 5 minutes of the disruption:\n%s", args, out.String())
		}
	}
}

// TestAccInterrupt_orgFailures: the org fails in the middle of the composite's create (its token is
// revoked: every call answers 401; or it goes away: every connection is refused), and an org URL
// nothing answers at. Each ends the command with an error that says what happened, without waiting
// out a timeout; once the org is back, the next apply converges, the plan is empty and the destroy
// leaves the org as it was.
func TestAccInterrupt_orgFailures(t *testing.T) {
	acctest.RequireEmulator(t, "revokes the token with a fault rule and takes the emulator's listener down mid-apply")
	bin := interruptProvider(t)

	midApply := func(t *testing.T, fail func(emu *acctest.Emulator), restore func(emu *acctest.Emulator), want *regexp.Regexp) {
		emu := acctest.NewEmulator(t)
		fx := emu.Fixtures()
		emu.EnsureProfileSource(t, fx.AppID)
		snap := emu.Snapshot(t)
		name := emu.RandomName("Fail")
		w := newCLIWork(t, bin)
		w.write("terraform {\n  required_providers {\n    dialpad = {\n      source = \"dialpad/dialpad\"\n    }\n  }\n}\n\n" +
			acctest.Compose(emu.ProviderBlock("request_timeout_seconds = 10"), phoneSyncConfig(fx.AppID, name, "apply_to_existing_users = true")))
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			_, _ = w.run.Run(ctx, 0, "destroy", "-auto-approve")
		})
		latency := 150 * time.Millisecond
		emu.SetFaults(t, acctest.Faults{Latency: &latency})
		before := emu.Stats(t).Total
		var failedAt time.Time
		out, failed, code := disruptTerraform(t, w.run, []string{"apply", "-auto-approve"},
			func() bool { return emu.Stats(t).Total-before >= 10 },
			func(int) { failedAt = time.Now(); fail(emu) })
		if !failed {
			t.Fatalf("the apply finished before the org failed:\n%s", out)
		}
		t.Logf("the apply ended %s after the org failed, exit %d", time.Since(failedAt).Round(100*time.Millisecond), code)
		if code != 1 || !want.MatchString(out) {
			t.Fatalf("the apply exited %d, want 1 with an error matching %q:\n%s", code, want, out)
		}
		restore(emu)
		zero := time.Duration(0)
		emu.SetFaults(t, acctest.Faults{Latency: &zero})
		w.tf(0, "apply", "-auto-approve")
		w.tf(0, "plan", "-detailed-exitcode")
		if err := psAllPieces(emu, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)(nil); err != nil {
			t.Fatal(err)
		}
		w.tf(0, "destroy", "-auto-approve")
		if err := emu.CheckUnchanged(snap)(nil); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("token_revoked", func(t *testing.T) {
		t.Parallel()
		midApply(t, func(emu *acctest.Emulator) {
			emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{{Route: "", Status: 401, Count: 1 << 20}}})
		}, func(emu *acctest.Emulator) {
			emu.SetFaults(t, acctest.Faults{Rules: []acctest.FaultRule{}})
		}, regexp.MustCompile(`(?s)Cannot create the Okta phone sync.*401 Unauthorized`))
	})

	t.Run("org_gone", func(t *testing.T) {
		t.Parallel()
		var addr string
		midApply(t, func(emu *acctest.Emulator) {
			addr = emu.Server.Listener.Addr().String()
			_ = emu.Server.Listener.Close()
			emu.Server.CloseClientConnections()
		}, func(emu *acctest.Emulator) {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatalf("listening on %s again: %v", addr, err)
			}
			srv := &http.Server{Handler: emu.Server.Config.Handler, ReadHeaderTimeout: 10 * time.Second}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(func() { _ = srv.Close() })
		}, regexp.MustCompile(`(?s)Cannot create the Okta phone sync.*(connection refused|connection reset|EOF)`))
	})

	t.Run("url_unreachable", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		_ = ln.Close() // nothing answers there now
		w := newCLIWork(t, bin)
		w.write(fmt.Sprintf(`terraform {
  required_providers {
    dialpad = {
      source = "dialpad/dialpad"
    }
  }
}

provider "dialpad" {
  okta_org_url            = %q
  okta_api_token          = "token"
  request_timeout_seconds = 10
}
`, url) + phoneSyncConfig("0oa9dialpad4Xq7Rt2w7", "dialpadPhone"))
		out := w.tf(1, "apply", "-auto-approve")
		if !regexp.MustCompile(`(?s)connection refused`).MatchString(out) || !strings.Contains(out, ln.Addr().String()) {
			t.Fatalf("want an error naming the address and saying the connection was refused:\n%s", out)
		}
	})
}
