// Command sweep removes leftovers of interrupted acceptance tests from an Okta org: custom
// attributes named tfacc* and tfacc* mapping properties. It reads the org and credentials from the
// same variables as the provider (OKTA_ORG_URL or OKTA_ORG_NAME + OKTA_BASE_URL, OKTA_API_TOKEN or
// OKTA_API_CLIENT_ID + OKTA_API_PRIVATE_KEY [+ OKTA_API_PRIVATE_KEY_ID, OKTA_API_SCOPES]).
//
//	go run ./internal/acctest/cmd/sweep [-dry-run]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/acctest/sweep"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

func main() {
	dryRun := flag.Bool("dry-run", false, "list what would be removed, change nothing")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after this long")
	flag.Parse()

	cfg, err := acctest.OrgConfigFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(2)
	}
	cfg.MaxRetries, cfg.MaxBackoff, cfg.Version = 5, 30*time.Second, "sweep"
	cfg.NoReadCache = true // it reads what it is about to remove
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, *timeout)
	defer cancel()
	c, err := okta.NewClient(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(2)
	}
	fmt.Printf("sweeping %s (prefix %q)%s\n", c.OrgURL(), sweep.Prefix, map[bool]string{true: " [dry run]"}[*dryRun])
	r := sweep.Run(ctx, c, *dryRun, os.Stdout)
	fmt.Printf("mapping properties: %d, attributes: %d, errors: %d\n", r.MappingProperties, r.Attributes, len(r.Errors))
	if len(r.Errors) > 0 {
		os.Exit(1)
	}
}
