package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest/orgsnap"
	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// What the demo reads and changes in the org to show what happened, through the provider's own
// internal/okta client (a second client, as the acceptance tests use one), and the snapshot of the
// org's own objects the tests compare with (orgsnap).

// newOktaClient is the demo's client: no read cache, because it reads what another client (the
// provider under Terraform) wrote.
func newOktaClient(ctx context.Context, orgURL, token string) (*okta.Client, error) {
	return okta.NewClient(ctx, okta.Config{OrgURL: orgURL, APIToken: token, MaxRetries: okta.DefaultMaxRetries,
		NoReadCache: true, Version: "demo"})
}

// findApp finds the app labelled exactly label: "Dialpad Meetings" is not "Dialpad".
func findApp(ctx context.Context, c *okta.Client, label string) (okta.App, error) {
	apps, err := c.FindAppsByLabel(ctx, label)
	if err != nil {
		return okta.App{}, err
	}
	if len(apps) != 1 {
		return okta.App{}, fmt.Errorf("%d apps labelled %q, want exactly 1", len(apps), label)
	}
	return apps[0], nil
}

// snapshot is what the demo promises to leave as it found it: the custom attributes of the default
// user type and of every app, and every mapping (each one is from or to an app).
func snapshot(ctx context.Context, c *okta.Client) (*orgsnap.Snapshot, error) {
	apps, err := c.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(apps))
	for _, a := range apps {
		ids = append(ids, a.ID)
	}
	return orgsnap.Take(ctx, c, orgsnap.Scope{UserType: okta.DefaultUserType, Apps: ids})
}

func sortedNames(props map[string]json.RawMessage) []string {
	out := make([]string, 0, len(props))
	for k := range props {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mappingSummary is one "<source> -> <target>: N properties" per mapping, sorted.
func mappingSummary(s *orgsnap.Snapshot) []string {
	var out []string
	for key, name := range s.MappingNames {
		out = append(out, fmt.Sprintf("%s: %d properties", name, len(s.Parts[key])))
	}
	sort.Strings(out)
	return out
}

type syncRow struct{ Login, Dialpad, Okta, Source string }

// syncTable reads, for every user assigned to the app, the number the app holds (app user profile)
// and the value on the user's Okta profile (the Okta user, not the app user).
func syncTable(ctx context.Context, c *okta.Client, appID, attr string) ([]syncRow, error) {
	aus, err := c.ListAppUsers(ctx, appID)
	if err != nil {
		return nil, err
	}
	// Which users have their profile sourced by another, higher-priority app (an HR system): the
	// source override is what brings them their number.
	sourcedBy := map[string]string{}
	apps, err := c.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if a.ID == appID || !a.ProfileSourcingEnabled {
			continue
		}
		users, err := c.ListAppUsers(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			sourcedBy[u.ID] = a.Label
		}
	}
	rows := make([]syncRow, 0, len(aus))
	for _, au := range aus {
		u, err := c.GetUser(ctx, au.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, syncRow{Login: u.Login, Dialpad: str(au.Profile[attr]), Okta: str(u.Profile[attr]), Source: sourcedBy[au.ID]})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Login < rows[j].Login })
	return rows, nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// The two out-of-band changes are raw calls, as an admin's would be: the provider's writers lock,
// verify and own only their own fields, which is not what "someone changed it in Okta" means.

// setUserAttributeTitle changes one field of a custom attribute as an admin would: the property is
// read whole and posted back whole, because Okta replaces a posted property.
func setUserAttributeTitle(ctx context.Context, c *okta.Client, attr, title string) error {
	const path = "/api/v1/meta/schemas/user/default"
	var s struct {
		Definitions struct {
			Custom struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"custom"`
		} `json:"definitions"`
	}
	if err := c.Raw(ctx, "GET", path, nil, nil, &s); err != nil {
		return err
	}
	prop, ok := s.Definitions.Custom.Properties[attr]
	if !ok {
		return fmt.Errorf("%s is not on the Okta user profile", attr)
	}
	prop["title"] = title
	body := map[string]any{"definitions": map[string]any{"custom": map[string]any{
		"id": "#custom", "type": "object", "properties": map[string]any{attr: prop},
	}}}
	return c.Raw(ctx, "POST", path, nil, body, nil)
}

// setMappingPushStatus changes one mapping property's push status, keeping its expression.
func setMappingPushStatus(ctx context.Context, c *okta.Client, mappingID, prop, push string) error {
	m, err := c.GetMapping(ctx, mappingID)
	if err != nil {
		return err
	}
	p, ok := m.Properties[prop]
	if !ok {
		return fmt.Errorf("mapping %s has no property %s", mappingID, prop)
	}
	return c.Raw(ctx, "POST", "/api/v1/mappings/"+url.PathEscape(mappingID), nil,
		map[string]any{"properties": map[string]any{prop: map[string]any{"expression": p.Expression, "pushStatus": push}}}, nil)
}

// control calls the emulator's control API (what an admin or Dialpad would do outside the Okta API).
func control(ctx context.Context, c *okta.Client, method, path string, body any) error {
	return c.Raw(ctx, method, path, nil, body, nil)
}

// formatDiff indents a snapshot diff for an error message.
func formatDiff(d []string) string { return "  " + strings.Join(d, "\n  ") }
