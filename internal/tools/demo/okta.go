package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// oktaAPI is the few Okta management API calls the demo makes to show what happened, plus the
// emulator's control API. Plain HTTP on purpose: only internal/okta talks to Okta through the SDK.
type oktaAPI struct {
	base  string
	token string
	http  *http.Client
}

func newOktaAPI(base, token string) *oktaAPI {
	return &oktaAPI{base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// do sends one request and decodes a 2xx JSON answer into out (when not nil). It returns the
// response's Link header for pagination.
func (o *oktaAPI) do(ctx context.Context, method, path string, body, out any) (string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		rd = bytes.NewReader(b)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = o.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "SSWS "+o.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := o.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return "", fmt.Errorf("%s %s: decoding %s: %w", method, path, b, err)
		}
	}
	return strings.Join(resp.Header.Values("Link"), ","), nil
}

var nextLink = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// list follows Okta's Link rel="next" pagination and appends every page into items.
func list[T any](ctx context.Context, o *oktaAPI, path string) ([]T, error) {
	var all []T
	for path != "" {
		var page []T
		link, err := o.do(ctx, http.MethodGet, path, nil, &page)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		path = ""
		if m := nextLink.FindStringSubmatch(link); m != nil {
			path = m[1]
		}
		if len(all) > 100000 {
			return nil, fmt.Errorf("GET %s: pagination does not end", path)
		}
	}
	return all, nil
}

func (o *oktaAPI) control(ctx context.Context, method, path string, body any) error {
	_, err := o.do(ctx, method, path, body, nil)
	return err
}

type app struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Status   string   `json:"status"`
	Features []string `json:"features"`
}

func (a *app) profileSource() bool {
	for _, f := range a.Features {
		if f == "PROFILE_MASTERING" {
			return true
		}
	}
	return false
}

func (o *oktaAPI) app(ctx context.Context, id string) (*app, error) {
	var a app
	_, err := o.do(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(id), nil, &a)
	return &a, err
}

// findAppByLabel matches the label exactly: "Dialpad Meetings" is not "Dialpad".
func (o *oktaAPI) findAppByLabel(ctx context.Context, label string) (*app, error) {
	apps, err := list[app](ctx, o, "/api/v1/apps?limit=200&q="+url.QueryEscape(label))
	if err != nil {
		return nil, err
	}
	var found []app
	for _, a := range apps {
		if a.Label == label {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%d apps labelled %q, want exactly 1", len(found), label)
	}
	return &found[0], nil
}

type appUser struct {
	ID          string                    `json:"id"`
	Credentials struct{ UserName string } `json:"credentials"`
	Profile     map[string]any            `json:"profile"`
}

func (o *oktaAPI) appUsers(ctx context.Context, appID string) ([]appUser, error) {
	return list[appUser](ctx, o, "/api/v1/apps/"+url.PathEscape(appID)+"/users?limit=200")
}

type syncRow struct{ Login, Dialpad, Okta, Source string }

// syncTable reads, for every user assigned to the app, the number the app holds (app user profile)
// and the value on the user's Okta profile (the Okta user, not the app user).
func (o *oktaAPI) syncTable(ctx context.Context, appID, attr string) ([]syncRow, error) {
	aus, err := o.appUsers(ctx, appID)
	if err != nil {
		return nil, err
	}
	// Which users have their profile sourced by another, higher-priority app (an HR system): the
	// source override is what brings them their number.
	sourcedBy := map[string]string{}
	apps, err := list[app](ctx, o, "/api/v1/apps?limit=200")
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if a.ID == appID || !a.profileSource() {
			continue
		}
		users, err := o.appUsers(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			sourcedBy[u.ID] = a.Label
		}
	}
	rows := make([]syncRow, 0, len(aus))
	for _, au := range aus {
		var u struct {
			Profile map[string]any `json:"profile"`
		}
		if _, err := o.do(ctx, http.MethodGet, "/api/v1/users/"+url.PathEscape(au.ID), nil, &u); err != nil {
			return nil, err
		}
		rows = append(rows, syncRow{Login: str(u.Profile["login"]), Dialpad: str(au.Profile[attr]), Okta: str(u.Profile[attr]),
			Source: sourcedBy[au.ID]})
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

type schema struct {
	Definitions struct {
		Custom struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"custom"`
	} `json:"definitions"`
}

// setUserAttributeTitle changes one field of a custom attribute as an admin would: the property is
// read whole and posted back whole, because Okta replaces a posted property.
func (o *oktaAPI) setUserAttributeTitle(ctx context.Context, attr, title string) error {
	var s schema
	if _, err := o.do(ctx, http.MethodGet, "/api/v1/meta/schemas/user/default", nil, &s); err != nil {
		return err
	}
	raw, ok := s.Definitions.Custom.Properties[attr]
	if !ok {
		return fmt.Errorf("%s is not on the Okta user profile", attr)
	}
	var prop map[string]any
	if err := json.Unmarshal(raw, &prop); err != nil {
		return err
	}
	prop["title"] = title
	body := map[string]any{"definitions": map[string]any{"custom": map[string]any{
		"id": "#custom", "type": "object", "properties": map[string]any{attr: prop},
	}}}
	return o.control(ctx, http.MethodPost, "/api/v1/meta/schemas/user/default", body)
}

type mappingProperty struct {
	Expression string `json:"expression"`
	PushStatus string `json:"pushStatus"`
}

type mapping struct {
	ID     string `json:"id"`
	Source struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"source"`
	Target struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"target"`
	Properties map[string]mappingProperty `json:"properties"`
}

func (o *oktaAPI) setMappingPushStatus(ctx context.Context, mappingID, prop, push string) error {
	var m mapping
	if _, err := o.do(ctx, http.MethodGet, "/api/v1/mappings/"+url.PathEscape(mappingID), nil, &m); err != nil {
		return err
	}
	p, ok := m.Properties[prop]
	if !ok {
		return fmt.Errorf("mapping %s has no property %s", mappingID, prop)
	}
	p.PushStatus = push
	return o.control(ctx, http.MethodPost, "/api/v1/mappings/"+url.PathEscape(mappingID),
		map[string]any{"properties": map[string]any{prop: p}})
}

// orgSnapshot is what the demo promises to leave as it found it: custom attributes of the Okta
// user profile and of the app user profile, and every mapping property.
type orgSnapshot struct {
	UserAttrs map[string]string // name -> canonical JSON
	AppAttrs  map[string]string
	Mappings  map[string]mapping
}

func (o *oktaAPI) snapshot(ctx context.Context, appID string) (*orgSnapshot, error) {
	snap := &orgSnapshot{Mappings: map[string]mapping{}}
	var err error
	if snap.UserAttrs, err = o.customProps(ctx, "/api/v1/meta/schemas/user/default"); err != nil {
		return nil, err
	}
	if snap.AppAttrs, err = o.customProps(ctx, "/api/v1/meta/schemas/apps/"+url.PathEscape(appID)+"/default"); err != nil {
		return nil, err
	}
	ms, err := list[mapping](ctx, o, "/api/v1/mappings?limit=200")
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		// The list omits properties; read each mapping.
		var full mapping
		if _, err := o.do(ctx, http.MethodGet, "/api/v1/mappings/"+url.PathEscape(m.ID), nil, &full); err != nil {
			return nil, err
		}
		snap.Mappings[m.ID] = full
	}
	return snap, nil
}

func (o *oktaAPI) customProps(ctx context.Context, path string) (map[string]string, error) {
	var s schema
	if _, err := o.do(ctx, http.MethodGet, path, nil, &s); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, raw := range s.Definitions.Custom.Properties {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(v) // maps marshal with sorted keys: a canonical form
		out[k] = string(b)
	}
	return out, nil
}

func (s *orgSnapshot) userAttrNames() []string { return sortedKeys(s.UserAttrs) }
func (s *orgSnapshot) appAttrNames() []string  { return sortedKeys(s.AppAttrs) }

func (s *orgSnapshot) mappingSummary() []string {
	var out []string
	for _, m := range s.Mappings {
		out = append(out, fmt.Sprintf("%s -> %s: %d properties", m.Source.Name, m.Target.Name, len(m.Properties)))
	}
	sort.Strings(out)
	return out
}

// diff lists every difference between two snapshots, or "" when they are equal.
func (s *orgSnapshot) diff(after *orgSnapshot) string {
	var d []string
	cmp := func(what string, a, b map[string]string) {
		for _, k := range sortedKeys(union(a, b)) {
			if a[k] != b[k] {
				d = append(d, fmt.Sprintf("  %s %s: before %s, after %s", what, k, dash(a[k]), dash(b[k])))
			}
		}
	}
	cmp("Okta user attribute", s.UserAttrs, after.UserAttrs)
	cmp("app user attribute", s.AppAttrs, after.AppAttrs)
	flat := func(ms map[string]mapping) map[string]string {
		out := map[string]string{}
		for id, m := range ms {
			for p, v := range m.Properties {
				out[id+" "+p] = v.Expression + " (" + v.PushStatus + ")"
			}
		}
		return out
	}
	cmp("mapping property", flat(s.Mappings), flat(after.Mappings))
	return strings.Join(d, "\n")
}

func union(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k := range a {
		out[k] = ""
	}
	for k := range b {
		out[k] = ""
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
