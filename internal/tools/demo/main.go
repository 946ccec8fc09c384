// Command demo is `make demo`: the provider's main job end to end, offline, against the local Okta
// emulator. It builds the provider and the emulator, starts the emulator with the demo seed, does the
// one console-only step (as an admin would), applies examples/phone-sync with real Terraform, imports the
// Dialpad users, prints each user's Okta dialpadPhone, changes the sync in Okta and shows `terraform plan`
// reporting the drift, repairs it, destroys, and shows the org's own attributes and mappings survived.
// Every step is labelled; any failure exits non-zero; the emulator is stopped on every exit path.
//
// It is a Go program rather than a shell script so that a fresh machine needs nothing but Go.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest/orgsnap"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/tools/tfdev"
)

const (
	appLabel  = "Dialpad"
	attribute = "dialpadPhone"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\nmake demo: FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("\nmake demo: every step passed")
}

// demo carries what the steps share.
type demo struct {
	out       io.Writer
	root      string // repository root
	tmp       string
	terraform string
	workdir   string // copy of examples/phone-sync beside a copy of the module
	env       []string
	okta      *okta.Client
	step      int
	app       okta.App          // the Dialpad app, found by label in the first step
	before    *orgsnap.Snapshot // the org's own attributes and mappings before the first apply
}

const totalSteps = 11

func (d *demo) begin(title string) {
	d.step++
	fmt.Fprintf(d.out, "\n==> Step %d/%d: %s\n", d.step, totalSteps, title)
}

func (d *demo) say(format string, a ...any) { fmt.Fprintf(d.out, "    "+format+"\n", a...) }

func run(ctx context.Context, out io.Writer) (err error) {
	root, err := tfdev.RepoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "dialpad-demo-")
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			os.RemoveAll(tmp)
		} else {
			fmt.Fprintf(out, "\n(demo files kept for inspection in %s)\n", tmp)
		}
	}()
	d := &demo{out: out, root: root, tmp: tmp}

	// 1. Build.
	d.begin("build the provider and the Okta emulator")
	if err := d.build(ctx); err != nil {
		return err
	}

	// 2. Start the emulator; stop it on every way out.
	d.begin("start the Okta emulator with the demo seed")
	emu, err := startEmulator(ctx, filepath.Join(tmp, "bin", "oktaemu"), out)
	if err != nil {
		return err
	}
	defer func() {
		if serr := emu.stop(); serr != nil && err == nil {
			err = serr
		}
		fmt.Fprintln(out, "\n    emulator stopped")
	}()
	d.say("emulator at %s (token %q)", emu.url, emulatorToken)
	if d.okta, err = newOktaClient(ctx, emu.url, emulatorToken); err != nil {
		return err
	}
	d.env = tfdev.CleanEnv(filepath.Join(tmp, "terraform.rc"), "OKTA_ORG_URL="+emu.url, "OKTA_API_TOKEN="+emulatorToken)

	steps := []func(context.Context) error{
		d.showSeed,
		d.adminStep,
		d.apply,
		d.importUsers,
		d.showUsers,
		d.drift,
		d.repair,
		d.destroy,
		d.seedSurvived,
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted: %w", err)
		}
		if err := s(ctx); err != nil {
			return fmt.Errorf("step %d: %w", d.step, err)
		}
	}
	return nil
}

func (d *demo) build(ctx context.Context) error {
	tf, err := tfdev.Terraform(d.root)
	if err != nil {
		return fmt.Errorf("%w (make demo does this first)", err)
	}
	d.terraform = tf
	v, err := tfdev.Version(ctx, d.terraform)
	if err != nil {
		return err
	}
	d.say("terraform: %s (%s)", v, d.terraform)

	bin := filepath.Join(d.tmp, "bin")
	for _, b := range []tfdev.Binary{tfdev.Provider, {Name: "oktaemu", Package: "./internal/oktaemu/cmd/oktaemu"}} {
		if err := tfdev.Build(ctx, d.root, bin, b); err != nil {
			return err
		}
		d.say("built %s", filepath.Join(bin, b.Name))
	}

	// Terraform uses the provider just built (dev_overrides) and nothing from a registry: the module is
	// a local path, so `terraform get` installs it and `init` is not needed.
	if err := tfdev.WriteCLIConfig(filepath.Join(d.tmp, "terraform.rc"), bin); err != nil {
		return err
	}

	// Work on a copy with the same relative layout, so the repository stays clean.
	work := filepath.Join(d.tmp, "work")
	for _, dir := range []string{"modules/okta-phone-sync", "examples/phone-sync"} {
		if err := tfdev.CopyTF(filepath.Join(d.root, dir), filepath.Join(work, dir)); err != nil {
			return err
		}
	}
	d.workdir = filepath.Join(work, "examples", "phone-sync")
	d.say("configuration: examples/phone-sync (module modules/okta-phone-sync), copied to %s", d.workdir)
	return nil
}

func (d *demo) showSeed(ctx context.Context) error {
	d.begin("the org before: the Dialpad app, its users, the org's own attributes and mappings")
	app, err := findApp(ctx, d.okta, appLabel)
	if err != nil {
		return err
	}
	users, err := d.okta.ListAppUsers(ctx, app.ID)
	if err != nil {
		return err
	}
	d.say("app %q: id %s, name %s, status %s, profile source: %v", app.Label, app.ID, app.Name, app.Status, app.ProfileSourcingEnabled)
	d.say("users assigned to %s: %d", app.Label, len(users))
	snap, err := snapshot(ctx, d.okta)
	if err != nil {
		return err
	}
	d.before, d.app = snap, app
	d.showObjects(snap)
	if _, ok := snap.UserSchema()[attribute]; ok {
		return fmt.Errorf("the seed already has %s", attribute)
	}
	return nil
}

func (d *demo) adminStep(ctx context.Context) error {
	d.begin(`ADMIN'S MANUAL STEP (console only, no public API): "Allow Dialpad to source Okta users"`)
	d.say("In a real org an Okta admin does this once in the Admin Console:")
	d.say("  Applications > Dialpad > Provisioning > To Okta > Profile & Lifecycle Sourcing >")
	d.say(`  check "Allow Dialpad to source Okta users", deactivation action "Do Nothing", Save.`)
	d.say("Here the emulator's control API plays the admin: PUT /__emulator/apps/%s/profile-sourcing", d.app.ID)
	if err := control(ctx, d.okta, "PUT", "/__emulator/apps/"+d.app.ID+"/profile-sourcing",
		map[string]any{"enabled": true, "deactivation_action": "NONE"}); err != nil {
		return err
	}
	a, err := d.okta.FindApp(ctx, d.app.ID)
	if err != nil {
		return err
	}
	if !a.ProfileSourcingEnabled {
		return fmt.Errorf("app %s is still not a profile source (features %v)", a.ID, a.Features)
	}
	d.say("app %s is now a profile source (features: %s)", a.ID, strings.Join(a.Features, ", "))
	return nil
}

func (d *demo) apply(ctx context.Context) error {
	d.begin("terraform apply examples/phone-sync (the okta-phone-sync module)")
	if _, err := d.tf(ctx, "get"); err != nil {
		return err
	}
	if _, err := d.tf(ctx, "apply", "-auto-approve"); err != nil {
		return err
	}
	return nil
}

func (d *demo) importUsers(ctx context.Context) error {
	d.begin("the Dialpad app imports its users into Okta (what Dialpad's provisioning does)")
	d.say("POST /__emulator/apps/%s/import", d.app.ID)
	return control(ctx, d.okta, "POST", "/__emulator/apps/"+d.app.ID+"/import", nil)
}

func (d *demo) showUsers(ctx context.Context) error {
	d.begin("every user assigned to Dialpad, with the number on their Okta profile")
	rows, err := syncTable(ctx, d.okta, d.app.ID, attribute)
	if err != nil {
		return err
	}
	var synced, none, bad, viaOverride int
	fmt.Fprintf(d.out, "    %-30s %-15s %-18s %-19s %s\n", "login", "Dialpad number", "Okta "+attribute, "profile sourced by", "")
	fmt.Fprintf(d.out, "    %s\n", strings.Repeat("-", 100))
	for _, r := range rows {
		state := "ok"
		switch {
		case r.Dialpad == "" && r.Okta == "":
			state, none = "no Dialpad number", none+1
		case r.Dialpad == r.Okta:
			synced++
			if r.Source != "" {
				state, viaOverride = "ok (via the source override)", viaOverride+1
			}
		default:
			state, bad = "NOT SYNCED", bad+1
		}
		fmt.Fprintf(d.out, "    %-30s %-15s %-18s %-19s %s\n", r.Login, dash(r.Dialpad), dash(r.Okta), dash(r.Source), state)
	}
	d.say("%d users: %d synced (%d of them sourced by another app, reached through the source override), %d without a Dialpad number, %d not synced",
		len(rows), synced, viaOverride, none, bad)
	if bad > 0 || synced == 0 {
		return fmt.Errorf("%d assigned users do not have their Dialpad number on their Okta profile (%d synced)", bad, synced)
	}
	return nil
}

func (d *demo) drift(ctx context.Context) error {
	d.begin("someone changes the sync in Okta (through the Okta API); terraform plan reports the drift")
	mappingID, err := d.tfOutput(ctx, "mapping_id")
	if err != nil {
		return err
	}
	d.say(`POST /api/v1/meta/schemas/user/default: %s title -> "Phone (edited in Okta)"`, attribute)
	if err := setUserAttributeTitle(ctx, d.okta, attribute, "Phone (edited in Okta)"); err != nil {
		return err
	}
	d.say("POST /api/v1/mappings/%s: %s pushStatus -> DONT_PUSH", mappingID, attribute)
	if err := setMappingPushStatus(ctx, d.okta, mappingID, attribute, "DONT_PUSH"); err != nil {
		return err
	}
	out, err := d.tfExit(ctx, 2, "plan", "-detailed-exitcode")
	if err != nil {
		return fmt.Errorf("terraform plan did not report the drift: %w", err)
	}
	for _, want := range []string{"Phone (edited in Okta)", "DONT_PUSH"} {
		if !strings.Contains(out, want) {
			return fmt.Errorf("terraform plan does not mention %q", want)
		}
	}
	d.say("terraform plan reported both changes (exit code 2: changes present)")
	return nil
}

func (d *demo) repair(ctx context.Context) error {
	d.begin("terraform apply repairs the drift; the next plan is empty")
	if _, err := d.tf(ctx, "apply", "-auto-approve"); err != nil {
		return err
	}
	if _, err := d.tfExit(ctx, 0, "plan", "-detailed-exitcode"); err != nil {
		return fmt.Errorf("plan after repair is not empty: %w", err)
	}
	d.say("terraform plan: no changes")
	return nil
}

func (d *demo) destroy(ctx context.Context) error {
	d.begin("terraform destroy")
	_, err := d.tf(ctx, "destroy", "-auto-approve")
	return err
}

func (d *demo) seedSurvived(ctx context.Context) error {
	d.begin("the org's own attributes and mappings are still there, exactly as before")
	after, err := snapshot(ctx, d.okta)
	if err != nil {
		return err
	}
	if _, ok := after.UserSchema()[attribute]; ok {
		return fmt.Errorf("%s is still on the Okta user profile after destroy", attribute)
	}
	if _, ok := after.AppSchema(d.app.ID)[attribute]; ok {
		return fmt.Errorf("%s is still on the Dialpad app user profile after destroy", attribute)
	}
	if diff := d.before.Diff(after); len(diff) > 0 {
		return fmt.Errorf("the org's own objects changed:\n%s", formatDiff(diff))
	}
	d.showObjects(after)
	d.say("identical to the snapshot taken before the first apply; %s is gone from both profiles", attribute)
	return nil
}

// showObjects prints the org's own attributes and mappings.
func (d *demo) showObjects(s *orgsnap.Snapshot) {
	d.say("Okta user profile custom attributes: %s", strings.Join(sortedNames(s.UserSchema()), ", "))
	d.say("Dialpad app user profile custom attributes: %s", orNone(sortedNames(s.AppSchema(d.app.ID))))
	d.say("profile mappings: %d (%s)", len(s.MappingNames), strings.Join(mappingSummary(s), "; "))
}

// tf runs terraform in the example, streaming its output indented, and fails on a non-zero exit.
func (d *demo) tf(ctx context.Context, args ...string) (string, error) {
	return d.tfExit(ctx, 0, args...)
}

// tfExit runs terraform and fails unless it exits with want.
func (d *demo) tfExit(ctx context.Context, want int, args ...string) (string, error) {
	fmt.Fprintf(d.out, "    $ terraform %s\n", strings.Join(args, " "))
	r := tfdev.Runner{Terraform: d.terraform, Dir: d.workdir, Env: d.env,
		Tee: &indenter{w: d.out, prefix: "    | "}, Flags: []string{"-compact-warnings"}}
	return r.Run(ctx, want, args...)
}

// tfOutput reads one field of the example's output phone_sync (the module's outputs as one object).
func (d *demo) tfOutput(ctx context.Context, name string) (string, error) {
	cmd := exec.CommandContext(ctx, d.terraform, "output", "-json", "phone_sync")
	cmd.Dir, cmd.Env = d.workdir, d.env
	o, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform output phone_sync: %w", err)
	}
	var outputs map[string]any
	if err := json.Unmarshal(o, &outputs); err != nil {
		return "", fmt.Errorf("terraform output phone_sync: %w", err)
	}
	v, ok := outputs[name].(string)
	if !ok || v == "" {
		return "", fmt.Errorf("terraform output phone_sync has no %s: %s", name, o)
	}
	return v, nil
}

// indenter prefixes every line written through it.
type indenter struct {
	w      io.Writer
	prefix string
	mid    bool
}

func (i *indenter) Write(p []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(p), "\n") {
		if line == "" {
			continue
		}
		if !i.mid {
			if _, err := io.WriteString(i.w, i.prefix); err != nil {
				return 0, err
			}
		}
		if _, err := io.WriteString(i.w, line); err != nil {
			return 0, err
		}
		i.mid = !strings.HasSuffix(line, "\n")
	}
	return len(p), nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

// emulator is the running oktaemu process.
type emulator struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

const emulatorToken = "emulator-token"

var listenLine = regexp.MustCompile(`^oktaemu listening on (http://\S+)$`)

func startEmulator(ctx context.Context, bin string, out io.Writer) (*emulator, error) {
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-seed", "demo", "-token", emulatorToken)
	cmd.Stderr = &indenter{w: out, prefix: "    emulator: "}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	e := &emulator{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		first := true
		for sc.Scan() {
			if first {
				lines <- sc.Text()
				first = false
			}
		}
		close(lines)
	}()
	go func() { e.done <- cmd.Wait() }()
	select {
	case l, ok := <-lines:
		m := listenLine.FindStringSubmatch(strings.TrimSpace(l))
		if !ok || m == nil {
			_ = e.stop()
			return nil, fmt.Errorf("emulator printed %q, want \"oktaemu listening on http://HOST:PORT\"", l)
		}
		e.url = m[1]
		return e, nil
	case err := <-e.done:
		return nil, fmt.Errorf("emulator exited before listening: %w", err)
	case <-time.After(60 * time.Second):
		_ = e.stop()
		return nil, errors.New("emulator did not print its listening line within 60s")
	case <-ctx.Done():
		_ = e.stop()
		return nil, ctx.Err()
	}
}

// stop sends SIGTERM and waits; the emulator exits 0 on SIGTERM.
func (e *emulator) stop() error {
	if e.cmd.Process == nil {
		return nil
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-e.done:
		e.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() != 0 {
			return fmt.Errorf("emulator exited %d on SIGTERM", ee.ExitCode())
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = e.cmd.Process.Kill()
		return errors.New("emulator did not stop within 10s of SIGTERM; killed")
	}
}
