// Package sweep removes what interrupted acceptance tests leave in an org: custom attributes whose
// variable name starts with "tfacc" (user type schemas and app user schemas) and mapping
// properties whose target property starts with "tfacc". Mapping properties go first, because Okta
// refuses to delete an attribute a mapping still uses.
package sweep

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// Prefix marks objects created by acceptance tests.
const Prefix = "tfacc"

// Result counts what a sweep removed (or, in a dry run, would remove).
type Result struct {
	MappingProperties int
	Attributes        int
	Errors            []error
}

// Run sweeps the org. Progress goes to log; errors are collected and the sweep goes on.
func Run(ctx context.Context, c *okta.Client, dryRun bool, log io.Writer) Result {
	var r Result
	fail := func(err error) {
		r.Errors = append(r.Errors, err)
		fmt.Fprintf(log, "error: %v\n", err)
	}
	verb := "removing"
	if dryRun {
		verb = "would remove"
	}

	// 1. Mapping properties.
	mappings, err := c.ListMappings(ctx, "", "")
	if err != nil {
		fail(err)
	}
	for _, ref := range mappings {
		id := ref.ID
		m, err := c.GetMapping(ctx, id)
		if err != nil {
			fail(fmt.Errorf("reading mapping %s: %w", id, err))
			continue
		}
		names := swept(m.Properties)
		if len(names) == 0 {
			continue
		}
		fmt.Fprintf(log, "%s mapping %s (%s -> %s) properties %s\n", verb, id, m.SourceName, m.TargetName, strings.Join(names, ", "))
		r.MappingProperties += len(names)
		if dryRun {
			continue
		}
		props := map[string]any{}
		for _, n := range names {
			props[n] = nil
		}
		if err := c.Raw(ctx, "POST", "/api/v1/mappings/"+url.PathEscape(id), nil, map[string]any{"properties": props}, nil); err != nil {
			fail(fmt.Errorf("mapping %s: %w", id, err))
		}
	}

	// 2. Attributes of every user type's schema and every app's user schema.
	var schemas []string
	types, err := c.ListUserTypes(ctx)
	if err != nil {
		fail(err)
	}
	for _, t := range types {
		if t.SchemaID != "" {
			schemas = append(schemas, "/api/v1/meta/schemas/user/"+url.PathEscape(t.SchemaID))
		}
	}
	apps, err := c.ListApps(ctx)
	if err != nil {
		fail(err)
	}
	for _, a := range apps {
		schemas = append(schemas, "/api/v1/meta/schemas/apps/"+url.PathEscape(a.ID)+"/default")
	}
	for _, p := range schemas {
		var s struct {
			Definitions struct {
				Custom struct {
					Properties map[string]any `json:"properties"`
				} `json:"custom"`
			} `json:"definitions"`
		}
		if err := c.Raw(ctx, "GET", p, nil, nil, &s); err != nil {
			if okta.StatusOf(err) == 404 { // apps without a user schema
				continue
			}
			fail(fmt.Errorf("reading %s: %w", p, err))
			continue
		}
		names := swept(s.Definitions.Custom.Properties)
		if len(names) == 0 {
			continue
		}
		fmt.Fprintf(log, "%s %s attributes %s\n", verb, p, strings.Join(names, ", "))
		r.Attributes += len(names)
		if dryRun {
			continue
		}
		props := map[string]any{}
		for _, n := range names {
			props[n] = nil
		}
		body := map[string]any{"definitions": map[string]any{"custom": map[string]any{"id": "#custom", "type": "object", "properties": props}}}
		if err := c.Raw(ctx, "POST", p, nil, body, nil); err != nil {
			fail(fmt.Errorf("%s: %w", p, err))
		}
	}
	return r
}

func swept[V any](props map[string]V) []string {
	var out []string
	for n := range props {
		if strings.HasPrefix(strings.ToLower(n), Prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
