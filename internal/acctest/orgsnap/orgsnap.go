// Package orgsnap records the part of an Okta org that "left as it was found" is about — the custom
// properties of a user type's schema and of some apps' user schemas, and the properties of every
// mapping from or to those apps — and lists what changed between two records. The acceptance-test
// harness (internal/acctest, CheckUnchanged) and `make demo` (its last step) both use it. It reads
// through an internal/okta client and does not import terraform-plugin-testing, so a command can
// use it (as internal/acctest/sweep does).
package orgsnap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Scope is what a snapshot covers.
type Scope struct {
	// UserType is the user type (name or id) whose schema's custom properties are recorded.
	UserType string
	// Apps are the ids of the apps whose user schemas are recorded, with every mapping from or to
	// them. Empty and repeated ids are skipped.
	Apps []string
	// Ignore, when set, leaves property names out of Diff (a shared live org holds other tests'
	// objects).
	Ignore func(name string) bool
}

// Snapshot is the org's relevant state at one time. Keys of Parts are "schema user/<schema id>",
// "schema app/<app id>" and "mapping <source id>-><target id>"; values map a property name to its
// JSON as Okta answered it.
type Snapshot struct {
	Taken time.Time
	Parts map[string]map[string]json.RawMessage
	// MappingNames names each mapping part as Okta names its ends: "<source name> -> <target name>".
	MappingNames map[string]string

	userSchema string // the key of the user type's schema part
	ignore     func(name string) bool
}

// Take records the scope's schemas and mappings now.
func Take(ctx context.Context, c *okta.Client, scope Scope) (*Snapshot, error) {
	s := &Snapshot{Taken: time.Now(), Parts: map[string]map[string]json.RawMessage{}, MappingNames: map[string]string{},
		ignore: scope.Ignore}

	ut, err := c.FindUserType(ctx, scope.UserType)
	if err != nil {
		return nil, fmt.Errorf("user type %q: %w", scope.UserType, err)
	}
	var us schemaJSON
	if err := c.Raw(ctx, "GET", "/api/v1/meta/schemas/user/"+url.PathEscape(ut.SchemaID), nil, nil, &us); err != nil {
		return nil, err
	}
	s.userSchema = "schema user/" + ut.SchemaID
	s.Parts[s.userSchema] = us.Definitions.Custom.Properties

	var apps []string
	for _, id := range scope.Apps {
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
		s.Parts[appSchemaKey(app)] = as.Definitions.Custom.Properties
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
				// The list omits properties; read each mapping.
				var full mappingJSON
				if err := c.Raw(ctx, "GET", "/api/v1/mappings/"+url.PathEscape(m.ID), nil, nil, &full); err != nil {
					return nil, err
				}
				key := "mapping " + full.Source.ID + "->" + full.Target.ID
				s.Parts[key] = full.Properties
				s.MappingNames[key] = full.Source.Name + " -> " + full.Target.Name
			}
		}
	}
	return s, nil
}

func appSchemaKey(appID string) string { return "schema app/" + appID }

// UserSchema is the custom properties of the user type's schema.
func (s *Snapshot) UserSchema() map[string]json.RawMessage { return s.Parts[s.userSchema] }

// AppSchema is the custom properties of an app's user schema (nil when the app is not in the scope).
func (s *Snapshot) AppSchema(appID string) map[string]json.RawMessage {
	return s.Parts[appSchemaKey(appID)]
}

type schemaJSON struct {
	Definitions struct {
		Custom struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"custom"`
	} `json:"definitions"`
}

type mappingEnd struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type mappingJSON struct {
	ID         string                     `json:"id"`
	Source     mappingEnd                 `json:"source"`
	Target     mappingEnd                 `json:"target"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// Diff lists how now differs from s, sorted, leaving out the names s's scope ignores. Property
// JSON is compared by value, not by key order.
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
			if s.ignore != nil && s.ignore(n) {
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
