package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Snapshot is what "the org is as it was" compares: the custom properties of the user type's
// schema and of the fixture apps' schemas, and the properties of every mapping from or to those
// apps. Keys are "schema user/<id>", "schema app/<id>" and "mapping <source>-><target>"; values
// map a property name to its JSON.
type Snapshot struct {
	Taken time.Time
	Parts map[string]map[string]json.RawMessage
	// ignore drops names of other tests' objects (live orgs are shared): tfacc* not of this test.
	prefix string
}

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
	s := &Snapshot{Taken: time.Now(), Parts: map[string]map[string]json.RawMessage{}, prefix: g.prefix}
	c := g.client

	ut, err := c.FindUserType(ctx, g.fixtures.UserType)
	if err != nil {
		return nil, fmt.Errorf("user type %q: %w", g.fixtures.UserType, err)
	}
	var us schemaJSON
	if err := c.Raw(ctx, "GET", "/api/v1/meta/schemas/user/"+url.PathEscape(ut.SchemaID), nil, nil, &us); err != nil {
		return nil, err
	}
	s.Parts["schema user/"+ut.SchemaID] = us.Definitions.Custom.Properties

	var apps []string
	for _, id := range []string{g.fixtures.AppID, g.fixtures.SourceAppID, g.fixtures.NonSourceAppID} {
		if id != "" && !slices.Contains(apps, id) {
			apps = append(apps, id)
		}
	}
	seen := map[string]bool{}
	for _, app := range apps {
		var as schemaJSON
		if err := c.Raw(ctx, "GET", "/api/v1/meta/schemas/apps/"+url.PathEscape(app)+"/default", nil, nil, &as); err != nil {
			return nil, err
		}
		s.Parts["schema app/"+app] = as.Definitions.Custom.Properties
		for _, dir := range []string{"sourceId", "targetId"} {
			var list []mappingJSON
			if err := c.Raw(ctx, "GET", "/api/v1/mappings", url.Values{dir: {app}, "limit": {"200"}}, nil, &list); err != nil {
				return nil, err
			}
			for _, m := range list {
				if seen[m.ID] {
					continue
				}
				seen[m.ID] = true
				var full mappingJSON
				if err := c.Raw(ctx, "GET", "/api/v1/mappings/"+url.PathEscape(m.ID), nil, nil, &full); err != nil {
					return nil, err
				}
				s.Parts["mapping "+full.Source.ID+"->"+full.Target.ID] = full.Properties
			}
		}
	}
	return s, nil
}

type schemaJSON struct {
	Definitions struct {
		Custom struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"custom"`
	} `json:"definitions"`
}

type mappingJSON struct {
	ID     string `json:"id"`
	Source struct {
		ID string `json:"id"`
	} `json:"source"`
	Target struct {
		ID string `json:"id"`
	} `json:"target"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// Diff lists how now differs from s, ignoring other tests' tfacc* objects.
func (s *Snapshot) Diff(now *Snapshot) []string {
	var out []string
	keys := map[string]bool{}
	for k := range s.Parts {
		keys[k] = true
	}
	for k := range now.Parts {
		keys[k] = true
	}
	for k := range keys {
		before, after := s.Parts[k], now.Parts[k]
		names := map[string]bool{}
		for n := range before {
			names[n] = true
		}
		for n := range after {
			names[n] = true
		}
		for n := range names {
			if strings.HasPrefix(strings.ToLower(n), "tfacc") && !strings.HasPrefix(n, s.prefix) {
				continue
			}
			b, inB := before[n]
			a, inA := after[n]
			switch {
			case inB && !inA:
				out = append(out, fmt.Sprintf("%s: %q was removed", k, n))
			case !inB && inA:
				out = append(out, fmt.Sprintf("%s: %q was added: %s", k, n, a))
			case !jsonEqual(b, a):
				out = append(out, fmt.Sprintf("%s: %q changed from %s to %s", k, n, b, a))
			}
		}
	}
	sort.Strings(out)
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
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
