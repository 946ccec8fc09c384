package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// Tests of modules/okta-phone-sync with real Terraform against the emulator (or a live org).

func moduleSource(t *testing.T) string {
	t.Helper()
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// An absolute path: `terraform init` copies it like any other module source.
	return filepath.Join(root, "modules", "okta-phone-sync")
}

// moduleCase sets the provider factories on every step. terraform-plugin-testing runs `terraform
// init` on the whole configuration, so that the module gets installed, only for steps that declare
// providers and whose configuration is a directory (dirConfig); with Config it inits only the
// provider block.
func moduleCase(c resource.TestCase) resource.TestCase {
	for i := range c.Steps {
		c.Steps[i].ProtoV6ProviderFactories = acctest.ProviderFactories
	}
	c.ProtoV6ProviderFactories = nil
	return c
}

// dirConfig writes hcl as main.tf of a fresh directory for TestStep.ConfigDirectory.
func dirConfig(t *testing.T, hcl string) config.TestStepConfigFunc {
	t.Helper()
	dir := t.TempDir()
	// With a directory terraform-plugin-testing adds no required_providers block of its own.
	hcl = "terraform {\n  required_providers {\n    dialpad = {\n      source = \"dialpad/dialpad\"\n    }\n  }\n}\n\n" + hcl
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	return config.StaticDirectory(dir)
}

func moduleConfig(t *testing.T, inputs ...string) string {
	return moduleConfigFrom(moduleSource(t), inputs...)
}

// moduleConfigFrom is moduleConfig with the module read from source.
func moduleConfigFrom(source string, inputs ...string) string {
	return fmt.Sprintf(`
module "sync" {
  source = %q
  %s
}

output "app_id" {
  value = module.sync.app_id
}

output "attribute_name" {
  value = module.sync.attribute_name
}
`, source, strings.Join(inputs, "\n  "))
}

func TestAccPhoneSyncModule_basic(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	org.EnsureProfileSource(t, fx.AppID)
	name := org.RandomName("Phone")
	snap := org.Snapshot(t)
	emu := org.Emulator()
	inputs := []string{"app_label = " + acctest.Quote(fx.AppLabel), "attribute_name = " + acctest.Quote(name),
		"user_type = " + acctest.Quote(fx.UserType), "apply_to_existing_users = true"}

	var before map[string]map[string]any
	hr := map[string]bool{}
	if emu != nil {
		var err error
		if before, err = psUsers(org); err != nil {
			t.Fatal(err)
		}
		hrUsers, err := org.Client().ListAppUsers(context.Background(), fx.SourceAppID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range hrUsers {
			hr[u.ID] = true
		}
	}
	// After the app's import every assigned user has their number (HR-sourced users included), on
	// the emulator where the import can be triggered.
	numbers := func(s *terraform.State) error {
		if emu == nil {
			return nil
		}
		emu.Import(t, fx.AppID)
		return psValues(org, name, "+1415555", 40, before, hr, true)(s)
	}

	resource.ParallelTest(t, moduleCase(resource.TestCase{
		Steps: []resource.TestStep{
			{
				ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, inputs...))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("app_id", knownvalue.StringExact(fx.AppID)),
					statecheck.ExpectKnownOutputValue("attribute_name", knownvalue.StringExact(name)),
					orgCheck(psAllPieces(org, name, "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)),
					orgCheck(numbers),
				},
			},
			{
				ConfigDirectory:  dirConfig(t, org.Config(moduleConfig(t, inputs...))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Looked up by id instead of label: same objects, nothing to change.
				ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "attribute_name = "+acctest.Quote(name),
					"user_type = "+acctest.Quote(fx.UserType), "apply_to_existing_users = true"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// An explicit destroy step: terraform-plugin-testing cannot read module state for its own.
				ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, inputs...))),
				Destroy:         true,
			},
		},
	}))
	// The destroy has run: nothing of the sync is left, the org's own attributes and mappings are as they were.
	// (terraform-plugin-testing cannot shim module state for CheckDestroy.)
	if err := psNoPieces(org, name); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(org, snap)(nil); err != nil {
		t.Fatal(err)
	}
}

// orgCheck runs a check of the org as a state check: terraform-plugin-testing refuses Check
// functions (which get shimmed state) for configurations with modules.
func orgCheck(f resource.TestCheckFunc) statecheck.StateCheck { return orgStateCheck{f} }

type orgStateCheck struct{ f resource.TestCheckFunc }

func (c orgStateCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.f(nil)
}

// TestAccPhoneSyncModule_preconditions: the rules between inputs fail the plan with clear messages.
func TestAccPhoneSyncModule_preconditions(t *testing.T) {
	org := acctest.NewOrg(t)
	fx := org.Fixtures()
	name := org.RandomName("Phone")
	steps := []resource.TestStep{
		{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "attribute_name = "+acctest.Quote(name)))),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`(?s)exactly one of app_id and app_label.*neither`),
		},
		{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "app_label = "+acctest.Quote(fx.AppLabel), "attribute_name = "+acctest.Quote(name)))),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`(?s)exactly one of app_id and app_label.*both`),
		},
		{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), "require_profile_sourcing = false", "attribute_name = "+acctest.Quote(name)))),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`(?s)require_profile_sourcing = false is only valid with\s+push_status = "DONT_PUSH"`),
		},
		{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.AppID), `push_status = "SOMETIMES"`))),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`push_status must be PUSH or DONT_PUSH`),
		},
	}
	if fx.NonSourceAppID != "" {
		steps = append(steps, resource.TestStep{
			ConfigDirectory: dirConfig(t, org.Config(moduleConfig(t, "app_id = "+acctest.Quote(fx.NonSourceAppID), "attribute_name = "+acctest.Quote(name)))),
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`(?s)is not a profile source.*Profile & Lifecycle Sourcing.*Do Nothing`),
		})
	}
	resource.ParallelTest(t, moduleCase(resource.TestCase{Steps: steps}))
}

// orgState is everything a sync touches, as a comparable value: the user schema, the app schema and
// every mapping of the emulator's snapshot.
func orgState(t *testing.T, org acctest.Org) map[string]map[string]any {
	t.Helper()
	s := org.Snapshot(t)
	out := map[string]map[string]any{}
	for part, props := range s.Parts {
		out[part] = map[string]any{}
		for name, raw := range props {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			out[part][name] = v
		}
	}
	return out
}

// TestAccPhoneSyncModule_sameStateAsComposite applies the module to one fresh org and the
// composite resource to another, with the same inputs, and compares the two orgs property by
// property: schemas (master included) and mappings must be identical.
func TestAccPhoneSyncModule_sameStateAsComposite(t *testing.T) {
	acctest.RequireEmulator(t, "two fresh orgs from the same seed")
	const name = "dialpadPhone"
	applied := func(cfg func(org acctest.Org) string) map[string]map[string]any {
		emu := acctest.NewEmulator(t)
		emu.EnsureProfileSource(t, emu.Fixtures().AppID)
		var got map[string]map[string]any
		resource.Test(t, moduleCase(resource.TestCase{
			Steps: []resource.TestStep{{
				ConfigDirectory: dirConfig(t, cfg(emu)),
				ConfigStateChecks: []statecheck.StateCheck{orgCheck(func(*terraform.State) error {
					got = orgState(t, emu)
					return nil
				})},
			}, {
				ConfigDirectory: dirConfig(t, cfg(emu)),
				Destroy:         true,
			}},
		}))
		return got
	}
	module := applied(func(org acctest.Org) string {
		return org.Config(moduleConfig(t, "app_label = "+acctest.Quote(org.Fixtures().AppLabel), "apply_to_existing_users = true"))
	})
	composite := applied(func(org acctest.Org) string {
		return org.Config(`
data "dialpad_okta_app" "dialpad" {
  label = ` + acctest.Quote(org.Fixtures().AppLabel) + `
}

resource "dialpad_okta_phone_sync" "test" {
  app_id                  = data.dialpad_okta_app.dialpad.id
  apply_to_existing_users = true
}
`)
	})
	if module == nil || composite == nil {
		t.Fatal("an apply did not run its check")
	}
	if _, ok := module["schema user/"+"osc9default0Jr5Wd3k6"][name]; !ok {
		t.Fatalf("the module did not create %s: %v", name, keys(module))
	}
	var diffs []string
	for part := range union(module, composite) {
		for prop := range union(module[part], composite[part]) {
			if !reflect.DeepEqual(module[part][prop], composite[part][prop]) {
				diffs = append(diffs, fmt.Sprintf("%s %q: module %v, composite %v", part, prop, module[part][prop], composite[part][prop]))
			}
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("the module and the composite left the org in different states:\n  %s", strings.Join(diffs, "\n  "))
	}
}

func union[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAccPhoneSyncModule_install installs the provider the way users do: `make release-local`
// builds the release zip and a filesystem_mirror, a real `terraform init` installs the provider
// from that mirror (no dev overrides, no in-process provider), and the module is applied through
// it, planned empty and destroyed.
func TestAccPhoneSyncModule_install(t *testing.T) {
	acctest.RequireEmulator(t, "applies against a fresh emulator")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	emu.EnsureProfileSource(t, fx.AppID)
	snap := emu.Snapshot(t)
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	const version = "0.1.0"

	release := exec.Command("make", "release-local", "VERSION="+version)
	release.Dir = root
	if out, err := release.CombinedOutput(); err != nil {
		t.Fatalf("make release-local: %v\n%s", err, out)
	}
	mirror := filepath.Join(root, "dist", "mirror")
	// The engine looks under its own default host (registry.opentofu.org for OpenTofu).
	zip := filepath.Join(mirror, acctest.CurrentEngine().ProviderHost, "dialpad", "dialpad",
		fmt.Sprintf("terraform-provider-dialpad_%s_%s_%s.zip", version, runtime.GOOS, runtime.GOARCH))
	if _, err := os.Stat(zip); err != nil {
		t.Fatalf("make release-local did not produce the mirror zip: %v", err)
	}

	dir := t.TempDir()
	rc := filepath.Join(dir, "terraform.rc")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(rc, fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["dialpad/dialpad"]
  }
  direct {
    exclude = ["dialpad/dialpad"]
  }
}
`, mirror))
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(work, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    dialpad = {
      source  = "dialpad/dialpad"
      version = %q
    }
  }
}

provider "dialpad" {
  okta_org_url   = %q
  okta_api_token = %q
}
`, version, emu.URL(), emu.Token())+moduleConfig(t, "app_label = "+acctest.Quote(fx.AppLabel), "apply_to_existing_users = true"))

	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TF_PLUGIN_CACHE_DIR="}
	run := func(want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(tf, args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("terraform %v: %v", args, err)
		}
		if code != want {
			t.Fatalf("terraform %v exited %d, want %d:\n%s", args, code, want, out)
		}
		return string(out)
	}
	out := run(0, "init", "-no-color")
	if !regexp.MustCompile(`Installing dialpad/dialpad v` + regexp.QuoteMeta(version)).MatchString(out) {
		t.Fatalf("terraform init did not install dialpad/dialpad %s from the mirror:\n%s", version, out)
	}
	t.Cleanup(func() { run(0, "destroy", "-auto-approve", "-no-color") })
	run(0, "apply", "-auto-approve", "-no-color")
	if err := psAllPieces(emu, "dialpadPhone", "Dialpad Phone", phoneSyncDefaultExternal, "PUSH", true)(nil); err != nil {
		t.Fatal(err)
	}
	run(0, "plan", "-detailed-exitcode", "-no-color")
	run(0, "destroy", "-auto-approve", "-no-color")
	if err := psNoPieces(emu, "dialpadPhone"); err != nil {
		t.Fatal(err)
	}
	if err := psUnchanged(emu, snap)(nil); err != nil {
		t.Fatal(err)
	}
}
