package tfdev

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTerraform is a script that prints its arguments and exits with $EXIT.
func fakeTerraform(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'Terraform v1.5.7'; echo 'on linux_amd64'; exit 0; fi\necho \"args: $*\"\necho oops >&2\nexit ${EXIT:-0}\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunner(t *testing.T) {
	tf := fakeTerraform(t)
	ctx := context.Background()
	var tee strings.Builder
	r := Runner{Terraform: tf, Dir: t.TempDir(), Env: []string{"EXIT=2"}, Tee: &tee, Flags: []string{"-compact-warnings"}}

	out, err := r.Run(ctx, 2, "plan", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("exit 2 wanted 2: %v", err)
	}
	if want := "args: plan -detailed-exitcode -no-color -input=false -compact-warnings\noops\n"; out != want || tee.String() != want {
		t.Fatalf("output %q, tee %q, want %q", out, tee.String(), want)
	}
	if _, err := r.Run(ctx, 0, "plan"); err == nil || !strings.Contains(err.Error(), "exited 2, want 0") {
		t.Fatalf("exit 2 wanted 0: %v", err)
	}
	// Only apply, plan and destroy get the flags.
	r.Env = []string{"EXIT=0"}
	if out, err := r.Run(ctx, 0, "get"); err != nil || !strings.HasPrefix(out, "args: get\n") {
		t.Fatalf("get: %q, %v", out, err)
	}
	if _, err := r.Run(ctx, 2, "apply"); err == nil || !strings.Contains(err.Error(), "exited 0, want 2") {
		t.Fatalf("exit 0 wanted 2: %v", err)
	}
	r.Terraform = filepath.Join(t.TempDir(), "missing")
	if _, err := r.Run(ctx, 0, "plan"); err == nil {
		t.Fatal("a missing binary ran")
	}
}

func TestVersion(t *testing.T) {
	v, err := Version(context.Background(), fakeTerraform(t))
	if err != nil || v != "Terraform v1.5.7" {
		t.Fatalf("Version = %q, %v", v, err)
	}
}
