package acctest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest/orgsnap"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Snapshot is what "the org is as it was" compares (orgsnap.Snapshot): the custom properties of the
// user type's schema and of the fixture apps' schemas, and the properties of every mapping from or
// to those apps. Diff ignores other tests' tfacc* objects (live orgs are shared).
type Snapshot = orgsnap.Snapshot

// Snapshot records the org's relevant state now.
func (g *org) Snapshot(t testing.TB) *Snapshot {
	t.Helper()
	s, err := g.snapshot(context.Background())
	if err != nil {
		t.Fatalf("taking a snapshot of the org: %v", err)
	}
	return s
}

func (g *org) snapshot(ctx context.Context) (*Snapshot, error) {
	return orgsnap.Take(ctx, g.client, orgsnap.Scope{
		UserType: g.fixtures.UserType,
		Apps:     []string{g.fixtures.AppID, g.fixtures.SourceAppID, g.fixtures.NonSourceAppID},
		Ignore:   g.othersObject,
	})
}

// othersObject reports whether a property name is another test's object (tfacc*, not this test's prefix).
func (g *org) othersObject(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "tfacc") && !strings.HasPrefix(name, g.prefix)
}

// settle is how long CheckUnchanged and CheckDestroy keep polling: the emulator's (and Okta's)
// eventual consistency may show a write late.
const settle = 30 * time.Second

// CheckUnchanged is a TestCheckFunc (use it in CheckDestroy) proving the org equals the snapshot:
// the seed's (or live org's) own attributes and mappings survived, and nothing of this test is left.
func (g *org) CheckUnchanged(s *Snapshot) resource.TestCheckFunc {
	return func(*terraform.State) error {
		deadline := time.Now().Add(settle)
		for {
			now, err := g.snapshot(context.Background())
			if err != nil {
				return err
			}
			d := s.Diff(now)
			if len(d) == 0 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the org is not as it was when the test started:\n  %s", strings.Join(d, "\n  "))
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// FindFunc asks the org, through an internal/okta finder, for the object a resource state
// describes: nil means it exists, a *okta.NotFoundError that it is gone.
type FindFunc func(ctx context.Context, c *okta.Client, rs *terraform.ResourceState) error

// CheckDestroy proves every resource of resourceType in the state is gone from the org, polling
// through eventual consistency.
func CheckDestroy(o Org, resourceType string, find FindFunc) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		for name, rs := range st.RootModule().Resources {
			if rs.Type != resourceType {
				continue
			}
			if err := waitGone(o.Client(), rs, find); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
}

// CheckExists proves the object of one resource address exists in the org.
func CheckExists(o Org, address string, find FindFunc) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		rs, ok := st.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		if err := find(context.Background(), o.Client(), rs); err != nil {
			return fmt.Errorf("%s (id %q): %w", address, rs.Primary.ID, err)
		}
		return nil
	}
}

func waitGone(c *okta.Client, rs *terraform.ResourceState, find FindFunc) error {
	deadline := time.Now().Add(settle)
	for {
		err := find(context.Background(), c, rs)
		if okta.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("checking id %q: %w", rs.Primary.ID, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("id %q still exists in the org after destroy", rs.Primary.ID)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// CheckDestroyAll runs every check and reports all failures (for TestCase.CheckDestroy).
func CheckDestroyAll(checks ...resource.TestCheckFunc) resource.TestCheckFunc {
	return func(st *terraform.State) error {
		var errs []error
		for _, c := range checks {
			if err := c(st); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}
