package okta

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
)

// FeatureProfileMastering is the app feature Okta lists exactly when the app is a profile source
// ("Allow <app> to source Okta users", which only the Admin Console can switch on).
const FeatureProfileMastering = "PROFILE_MASTERING"

// App is the part of an Okta app this provider needs.
type App struct {
	ID                     string
	Name                   string // the integration's name, e.g. "dialpad"
	Label                  string // what admins see, e.g. "Dialpad"
	Status                 string // ACTIVE | INACTIVE
	Features               []string
	ProfileSourcingEnabled bool
}

type appJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Status   string   `json:"status"`
	Features []string `json:"features"`
}

func (a appJSON) toApp() App {
	f := a.Features
	if f == nil {
		f = []string{}
	}
	return App{ID: a.ID, Name: a.Name, Label: a.Label, Status: a.Status, Features: f,
		ProfileSourcingEnabled: slices.Contains(f, FeatureProfileMastering)}
}

// FindApp returns the app with this id, or a *NotFoundError.
func (c *Client) FindApp(ctx context.Context, id string) (App, error) {
	if id == "" {
		return App{}, &NotFoundError{Kind: "app", ID: id}
	}
	// Through the read cache: the data source and each resource's plan-time check ask for the same
	// app, and a listing of the apps (the profile-sourcing check) answers for each app it holds.
	v, err := c.cache.get(ctx, appCacheKey(id), func(ctx context.Context) (any, error) {
		var a appJSON
		if err := c.doJSON(ctx, "GET", "/api/v1/apps/"+url.PathEscape(id), nil, nil, &a); err != nil {
			return nil, c.translate(err, nil, "app", id)
		}
		return a.toApp(), nil
	})
	if err != nil {
		return App{}, err
	}
	a := v.(App)
	a.Features = slices.Clone(a.Features)
	return a, nil
}

// FindAppsByLabel returns every app whose label is exactly label (case-sensitive). Okta's q
// parameter matches name and label prefixes, so the answer is filtered here; "Dialpad" must not
// find "Dialpad Meetings".
func (c *Client) FindAppsByLabel(ctx context.Context, label string) ([]App, error) {
	apps, err := c.listApps(ctx, url.Values{"q": {label}})
	if err != nil {
		return nil, err
	}
	var out []App
	for _, a := range apps {
		if a.Label == label {
			out = append(out, a)
		}
	}
	return out, nil
}

// ListApps returns every app of the org.
func (c *Client) ListApps(ctx context.Context) ([]App, error) {
	return c.listApps(ctx, url.Values{})
}

// ListProfileSourceApps returns the active apps that are profile sources. The seed's warning
// ("Dialpad must not be the only profile source") is decided from this list.
func (c *Client) ListProfileSourceApps(ctx context.Context) ([]App, error) {
	apps, err := c.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	var out []App
	for _, a := range apps {
		if a.ProfileSourcingEnabled && a.Status == "ACTIVE" {
			out = append(out, a)
		}
	}
	return out, nil
}

func appCacheKey(id string) string { return "app " + id }

// listApps lists apps through the read cache: every plan-time profile-sourcing check lists them.
// Each app listed also answers FindApp for it.
func (c *Client) listApps(ctx context.Context, q url.Values) ([]App, error) {
	q.Set("limit", strconv.Itoa(200))
	v, err := c.cache.get(ctx, "apps "+q.Encode(), func(ctx context.Context) (any, error) {
		at := c.cache.now()
		apps, err := c.fetchApps(ctx, q)
		for _, a := range apps {
			c.cache.seed(appCacheKey(a.ID), a, at)
		}
		return apps, err
	})
	if err != nil {
		return nil, err
	}
	apps := slices.Clone(v.([]App))
	for i := range apps {
		apps[i].Features = slices.Clone(apps[i].Features)
	}
	return apps, nil
}

func (c *Client) fetchApps(ctx context.Context, q url.Values) ([]App, error) {
	var out []App
	for page := 0; page < maxPages; page++ {
		var batch []appJSON
		h, err := c.doJSONHeader(ctx, "GET", "/api/v1/apps", q, nil, &batch)
		if err != nil {
			return nil, fmt.Errorf("listing Okta apps: %w", c.translate(err, nil, "", ""))
		}
		for _, a := range batch {
			out = append(out, a.toApp())
		}
		after := nextCursor(h)
		if after == "" || len(batch) == 0 {
			return out, nil
		}
		q.Set("after", after)
	}
	return nil, fmt.Errorf("listing Okta apps: more than %d pages", maxPages)
}
