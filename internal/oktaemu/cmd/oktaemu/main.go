// Command oktaemu serves the Okta emulator over HTTP for demos, benchmarks and manual testing.
//
//	go run ./internal/oktaemu/cmd/oktaemu -addr 127.0.0.1:0
//
// Once listening it prints exactly one line to stdout, "oktaemu listening on http://HOST:PORT", and
// runs until SIGINT or SIGTERM, then exits 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "oktaemu:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("oktaemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (127.0.0.1:0 picks a free port)")
	allowRemote := fs.Bool("allow-remote", false, "allow listening on a non-loopback address")
	var opts oktaemu.Options
	fs.StringVar(&opts.Token, "token", oktaemu.DefaultToken, "API token accepted as \"SSWS <token>\"")
	fs.StringVar(&opts.Seed, "seed", "demo", "org seed: demo, empty, scale:N (N users assigned to Dialpad, e.g. scale:50000), or a JSON seed file path")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every API call")
	fs.Float64Var(&opts.FaultRate, "fault-rate", 0, "probability (0..1) that an API call answers 500/503")
	fs.IntVar(&opts.RateLimit, "rate-limit", 0, "requests per minute of every Okta rate-limit bucket alike (0 = unlimited); exclusive with -rate-profile")
	fs.StringVar(&opts.RateProfile, "rate-profile", "", "per-bucket limits and concurrency cap as Okta documents them: "+strings.Join(oktaemu.RateProfiles, " or "))
	fs.DurationVar(&opts.ConsistencyDelay, "consistency-delay", 0, "schema and mapping writes become visible to GETs only after this")
	fs.DurationVar(&opts.CleanupDelay, "cleanup-delay", 0, "after an attribute is deleted, re-adding its name fails for this long")
	fs.DurationVar(&opts.LostUpdateWindow, "lost-update-window", 0, "schema/mapping writes arriving within this of the last applied write to the same object are dropped")
	fs.BoolVar(&opts.OmitMaster, "omit-master", false, "answer user schema properties without master, as some real orgs do")
	fs.BoolVar(&opts.RefuseDontPushFromSource, "refuse-dont-push-from-source", false, "refuse DONT_PUSH mapping properties from profile-source apps, as some real orgs do")
	fs.BoolVar(&opts.NoControl, "no-control", false, "serve without the /__emulator/ control API")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := checkLoopback(*addr, *allowRemote); err != nil {
		return err
	}
	emu, err := oktaemu.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "oktaemu listening on http://%s\n", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkLoopback refuses to expose the emulator (and its well-known token) beyond this machine unless
// asked to.
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q is not a loopback address; pass -allow-remote to listen on it", addr)
	}
	return nil
}
