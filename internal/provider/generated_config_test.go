package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/tools/tfdev"
)

// TestAccGeneratedConfig adopts a console-made setup the way the adoption guide says: objects made
// straight through the Okta API, an import block, `plan -generate-config-out`, one apply (the
// import, nothing else), and then an empty plan. It drives the real CLI in TF_ACC_TERRAFORM_PATH
// (Terraform 1.5.7, or OpenTofu) with dev_overrides, since terraform-plugin-testing cannot run a
// plan with -generate-config-out and then keep the generated file.
func TestAccGeneratedConfig(t *testing.T) {
	acctest.RequireEmulator(t, "makes the console-made objects in a fresh emulator for each resource")
	acctest.PreCheck(t)
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := tfdev.Build(context.Background(), root, bin, tfdev.Provider); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		resource string
		// setup makes the objects through the API and returns the import ID.
		setup func(t *testing.T, emu *acctest.Emulator) string
		// readOnly are attributes the generated config must not set (computed-only ones).
		readOnly []string
	}{
		{
			resource: "dialpad_okta_user_attribute",
			setup: func(t *testing.T, emu *acctest.Emulator) string {
				name := consoleUserAttribute(t, emu)
				return "default/" + name
			},
			readOnly: []string{"id"},
		},
		{
			resource: "dialpad_okta_app_user_attribute",
			setup: func(t *testing.T, emu *acctest.Emulator) string {
				app, name := emu.Fixtures().AppID, emu.RandomName("Console")
				if _, err := emu.Client().CreateAppUserAttribute(apiCtx(t), app, okta.Attribute{
					Name: name, Title: "Console app attribute", Type: "string", Scope: "NONE",
					ExternalName: "phoneNumbers.^[type=='Dialpad'].value", ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User",
				}); err != nil {
					t.Fatal(err)
				}
				return app + "/" + name
			},
			readOnly: []string{"id"},
		},
		{
			resource: "dialpad_okta_attribute_mapping",
			setup: func(t *testing.T, emu *acctest.Emulator) string {
				app := emu.Fixtures().AppID
				emu.EnsureProfileSource(t, app)
				name := consoleUserAttribute(t, emu)
				ut := defaultUserTypeID(t, emu)
				if _, err := emu.Client().CreateMappingProperties(apiCtx(t), app, ut, map[string]okta.MappingProperty{
					name: {Expression: exprUser, PushStatus: okta.PushStatusPush},
				}); err != nil {
					t.Fatal(err)
				}
				return app + "/" + ut + "/" + name
			},
			readOnly: []string{"id", "mapping_id", "other_properties"},
		},
		{
			resource: "dialpad_okta_attribute_source",
			setup: func(t *testing.T, emu *acctest.Emulator) string {
				app := emu.Fixtures().AppID
				emu.EnsureProfileSource(t, app)
				name := consoleUserAttribute(t, emu)
				if _, err := emu.Client().SetAttributeMaster(apiCtx(t), "default", name, "OVERRIDE", []string{app}); err != nil {
					t.Fatal(err)
				}
				return "default/" + name
			},
			readOnly: []string{"id"},
		},
		{
			resource: "dialpad_okta_phone_sync",
			setup: func(t *testing.T, emu *acctest.Emulator) string {
				app := emu.Fixtures().AppID
				emu.EnsureProfileSource(t, app)
				spec := okta.PhoneSyncSpec{
					AppID: app, UserType: "default", AttributeName: emu.RandomName("Phone"),
					DisplayName: "Phone from the console", Description: "Made in the Admin Console",
					ExternalName: phoneSyncDefaultExternal, ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User",
					PushStatus: okta.PushStatusPush, OverrideProfileSource: true,
				}
				if _, err := emu.Client().CreatePhoneSync(apiCtx(t), spec); err != nil {
					t.Fatal(err)
				}
				return spec.ID()
			},
			readOnly: []string{"id", "user_type_id", "mapping_id", "user_attribute_id", "app_user_attribute_id", "mapping_expression"},
		},
	}
	for _, c := range cases {
		t.Run(c.resource, func(t *testing.T) {
			emu := acctest.NewEmulator(t)
			id := c.setup(t, emu)
			addr := c.resource + ".adopted"
			run, dir := newCLI(t, bin, emu.ProviderBlock()+"\nimport {\n  to = "+addr+"\n  id = "+acctest.Quote(id)+"\n}\n")

			run(0, "plan", "-generate-config-out=generated.tf")
			gen, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
			if err != nil {
				t.Fatalf("plan -generate-config-out wrote no file: %v", err)
			}
			for _, a := range c.readOnly {
				if regexp.MustCompile(`(?m)^\s*` + a + `\s*=`).Match(gen) {
					t.Errorf("the generated config sets the read-only attribute %s:\n%s", a, gen)
				}
			}
			out := run(0, "apply", "-auto-approve")
			if !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
				t.Errorf("the apply of the generated config did more than import:\n%s\ngenerated.tf:\n%s", out, gen)
			}
			if out := run(0, "plan", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
				t.Errorf("the plan after the import is not empty:\n%s", out)
			}
		})
	}
}

// consoleUserAttribute adds a string attribute to the default user profile through the API.
func consoleUserAttribute(t *testing.T, emu *acctest.Emulator) string {
	t.Helper()
	name := emu.RandomName("Console")
	if _, err := emu.Client().CreateUserAttribute(apiCtx(t), "default", okta.Attribute{
		Name: name, Title: "Console attribute", Type: "string", Scope: "NONE",
	}); err != nil {
		t.Fatal(err)
	}
	return name
}

// newCLI writes mainTF (after the required_providers block) into a fresh working directory and
// returns a runner of the engine in TF_ACC_TERRAFORM_PATH there, with the provider built into bin
// used through dev_overrides (no init, no registry): run(wantExitCode, args...) fails the test on
// another exit code.
func newCLI(t *testing.T, bin, mainTF string) (run func(want int, args ...string) string, dir string) {
	t.Helper()
	home := t.TempDir()
	rc := filepath.Join(home, "terraform.rc")
	if err := tfdev.WriteCLIConfig(rc, bin); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(home, "work")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	hcl := requiredProviders + mainTF
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	r := tfdev.Runner{
		Terraform: os.Getenv("TF_ACC_TERRAFORM_PATH"), Dir: dir,
		Env: tfdev.CleanEnv(rc, "HOME="+home, "TF_PLUGIN_CACHE_DIR="),
	}
	return func(want int, args ...string) string {
		t.Helper()
		out, err := r.Run(context.Background(), want, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}, dir
}

// TestAccPhoneSyncModule_adopt adopts a console-made phone sync into modules/okta-phone-sync with
// import blocks at the building blocks' addresses inside the module, as the adoption guide shows:
// `terraform get` installs the module (dev_overrides need no init), one apply imports the four
// resources and changes nothing, and the next plan is empty.
func TestAccPhoneSyncModule_adopt(t *testing.T) {
	acctest.RequireEmulator(t, "makes the console-made sync in a fresh emulator")
	acctest.PreCheck(t)
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := tfdev.Build(context.Background(), root, bin, tfdev.Provider); err != nil {
		t.Fatal(err)
	}
	emu := acctest.NewEmulator(t)
	app := emu.Fixtures().AppID
	emu.EnsureProfileSource(t, app)
	spec := okta.PhoneSyncSpec{
		AppID: app, UserType: "default", AttributeName: "dialpadPhone", DisplayName: "Dialpad Phone", Description: "Dialpad Phone",
		ExternalName: phoneSyncDefaultExternal, ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User",
		PushStatus: okta.PushStatusPush, OverrideProfileSource: true,
	}
	if _, err := emu.Client().CreatePhoneSync(apiCtx(t), spec); err != nil {
		t.Fatal(err)
	}
	// The mapping's target by user type name, as the module configures it (target_user_type).
	imports := map[string]string{
		"module.sync.dialpad_okta_user_attribute.this":     "default/dialpadPhone",
		"module.sync.dialpad_okta_app_user_attribute.this": app + "/dialpadPhone",
		"module.sync.dialpad_okta_attribute_mapping.this":  app + "/default/dialpadPhone",
	}
	hcl := emu.ProviderBlock() + moduleConfig(t, "app_id = "+acctest.Quote(app))
	for to, id := range imports {
		hcl += fmt.Sprintf("\nimport {\n  to = %s\n  id = %s\n}\n", to, acctest.Quote(id))
	}
	run, _ := newCLI(t, bin, hcl)
	run(0, "get")
	// An imported user attribute does not manage its source priority (another resource may): the
	// module's master_type and master_priority are the one in-place change, which finds the
	// override there and writes nothing.
	emu.ResetStats(t)
	out := run(0, "apply", "-auto-approve")
	if !strings.Contains(out, "3 imported, 0 added, 1 changed, 0 destroyed") ||
		!regexp.MustCompile(`(?s)module\.sync\.dialpad_okta_user_attribute\.this will be updated in-place.*\+ master_type\s+= "OVERRIDE"`).MatchString(out) {
		t.Errorf("adopting the console-made sync did more than import and take over the source override:\n%s", out)
	}
	for route, n := range emu.Stats(t).ByRoute {
		if n > 0 && !strings.HasPrefix(route, "GET ") {
			t.Errorf("adopting the console-made sync wrote to Okta: %d x %s", n, route)
		}
	}
	if out := run(0, "plan", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the import is not empty:\n%s", out)
	}
}
