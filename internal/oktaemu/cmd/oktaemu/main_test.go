package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the command (re-executed by the tests below), so that the
// real process contract — one stdout line, exit 0 on SIGINT/SIGTERM — is tested without `go build`.
func TestMain(m *testing.M) {
	if os.Getenv("OKTAEMU_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func startCommand(t *testing.T, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "OKTAEMU_TEST_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-lines:
		return cmd, line, &stderr
	case <-time.After(20 * time.Second):
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}
	return nil, "", nil
}

var listening = regexp.MustCompile(`^oktaemu listening on http://127\.0\.0\.1:[0-9]+\n$`)

func TestCommand_servesAndExitsCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, line, stderr := startCommand(t, "-addr", "127.0.0.1:0", "-token", "tok")
			if !listening.MatchString(line) {
				t.Fatalf("stdout line %q", line)
			}
			base := strings.TrimSpace(strings.TrimPrefix(line, "oktaemu listening on "))
			req, _ := http.NewRequest("GET", base+"/api/v1/apps?q=Dialpad", nil)
			req.Header.Set("Authorization", "SSWS tok")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), `"label":"Dialpad"`) {
				t.Fatalf("GET apps: %d %s", res.StatusCode, body)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after %v: %v; stderr: %s", sig, err, stderr.String())
			}
		})
	}
}

func TestCommand_noControl(t *testing.T) {
	cmd, line, _ := startCommand(t, "-addr", "127.0.0.1:0", "-no-control", "-seed", "empty")
	base := strings.TrimSpace(strings.TrimPrefix(line, "oktaemu listening on "))
	req, _ := http.NewRequest("GET", base+"/__emulator/stats", nil)
	req.Header.Set("Authorization", "SSWS emulator-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("control API with -no-control: %d", res.StatusCode)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
}

func TestRun_refusals(t *testing.T) {
	cases := map[string][]string{
		"non-loopback":    {"-addr", "0.0.0.0:0"},
		"public host":     {"-addr", "example.com:80"},
		"bad addr":        {"-addr", "nonsense"},
		"bad fault rate":  {"-addr", "127.0.0.1:0", "-fault-rate", "2"},
		"bad seed":        {"-addr", "127.0.0.1:0", "-seed", "/nonexistent.json"},
		"unknown flag":    {"-frobnicate"},
		"extra arguments": {"-addr", "127.0.0.1:0", "extra"},
	}
	for name, args := range cases {
		var out, errb bytes.Buffer
		if err := run(args, &out, &errb); err == nil {
			t.Errorf("%s: run(%q) succeeded", name, args)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote to stdout: %q", name, out.String())
		}
	}
	if err := checkLoopback("0.0.0.0:0", true); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
	for _, a := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1"} {
		if err := checkLoopback(a, false); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
}
