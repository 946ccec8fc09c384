package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/tools/tfdev"
)

// The demo fails loudly: a missing terraform ends it with a non-zero exit and says what to do.
func TestDemo_exitsNonZeroOnFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo")
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Env = append(os.Environ(), "TERRAFORM="+filepath.Join(t.TempDir(), "no-terraform"))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("demo without terraform: err %v, want a non-zero exit\n%s", err, out)
	}
	if !strings.Contains(string(out), "make demo: FAILED") || !strings.Contains(string(out), "make tools") {
		t.Errorf("output does not say what failed and what to do:\n%s", out)
	}
}

// The emulator is started from its one stdout line and stopped (SIGTERM, exit 0) on the way out.
func TestStartEmulator_readsListenLineAndStops(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the emulator")
	}
	root, err := tfdev.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "oktaemu")
	build := exec.Command("go", "build", "-o", bin, "./internal/oktaemu/cmd/oktaemu")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the emulator: %v\n%s", err, out)
	}
	e, err := startEmulator(context.Background(), bin, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.url+"/api/v1/apps/0oa9dialpad4Xq7Rt2w7", nil)
	req.Header.Set("Authorization", "SSWS "+emulatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET the Dialpad app: %s", resp.Status)
	}
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(e.url); err == nil {
		resp.Body.Close()
		t.Fatal("the emulator still answers after stop")
	}
}

func TestIndenter(t *testing.T) {
	var b strings.Builder
	w := &indenter{w: &b, prefix: "| "}
	_, _ = w.Write([]byte("a\nb"))
	_, _ = w.Write([]byte("c\n\nd\n"))
	if got, want := b.String(), "| a\n| bc\n| \n| d\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
