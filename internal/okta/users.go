package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// User is an Okta user: id, status, login and the whole profile (custom attributes included).
type User struct {
	ID      string
	Status  string
	Login   string
	Profile map[string]any
}

// AppUser is a user's assignment to an app, with the app-side profile Okta holds for it.
type AppUser struct {
	ID         string // the Okta user id
	ExternalID string
	Status     string
	Scope      string // USER or GROUP
	SyncState  string
	Profile    map[string]any
}

type userJSON struct {
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Profile map[string]any `json:"profile"`
}

func (u userJSON) toUser() User {
	login, _ := u.Profile["login"].(string)
	if u.Profile == nil {
		u.Profile = map[string]any{}
	}
	return User{ID: u.ID, Status: u.Status, Login: login, Profile: u.Profile}
}

type appUserJSON struct {
	ID         string         `json:"id"`
	ExternalID string         `json:"externalId"`
	Status     string         `json:"status"`
	Scope      string         `json:"scope"`
	SyncState  string         `json:"syncState"`
	Profile    map[string]any `json:"profile"`
}

// reshape converts an SDK model into our own struct through its JSON form, which keeps the
// custom profile attributes the SDK holds in AdditionalProperties.
func reshape(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

// GetUser returns one user, or a *NotFoundError.
func (c *Client) GetUser(ctx context.Context, id string) (User, error) {
	if id == "" {
		return User{}, &NotFoundError{Kind: "user", ID: id}
	}
	u, resp, err := c.api.UserAPI.GetUser(ctx, id).Execute()
	if err != nil {
		return User{}, c.translate(err, resp, "user", id)
	}
	var j userJSON
	if err := reshape(u, &j); err != nil {
		return User{}, fmt.Errorf("decoding Okta user %q: %w", id, err)
	}
	return j.toUser(), nil
}

// ListUsers returns the users matching an Okta search expression (e.g. `profile.x pr`), or every
// user when search is empty. It follows every page.
func (c *Client) ListUsers(ctx context.Context, search string) ([]User, error) {
	var out []User
	after := ""
	for page := 0; page < maxPages; page++ {
		req := c.api.UserAPI.ListUsers(ctx).Limit(200)
		if search != "" {
			req = req.Search(search)
		}
		if after != "" {
			req = req.After(after)
		}
		users, resp, err := req.Execute()
		if err != nil {
			return nil, fmt.Errorf("listing Okta users: %w", c.translate(err, resp, "", ""))
		}
		for i := range users {
			var j userJSON
			if err := reshape(users[i], &j); err != nil {
				return nil, fmt.Errorf("decoding Okta user: %w", err)
			}
			out = append(out, j.toUser())
		}
		after = sdkNextCursor(resp)
		if after == "" || len(users) == 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("listing Okta users: more than %d pages", maxPages)
}

// ListAppUsers returns every user assigned to the app, with the app-side profiles.
func (c *Client) ListAppUsers(ctx context.Context, appID string) ([]AppUser, error) {
	var out []AppUser
	after := ""
	for page := 0; page < maxPages; page++ {
		req := c.api.ApplicationUsersAPI.ListApplicationUsers(ctx, appID).Limit(500)
		if after != "" {
			req = req.After(after)
		}
		users, resp, err := req.Execute()
		if err != nil {
			return nil, fmt.Errorf("listing the users of Okta app %q: %w", appID, c.translate(err, resp, "app", appID))
		}
		for i := range users {
			var j appUserJSON
			if err := reshape(users[i], &j); err != nil {
				return nil, fmt.Errorf("decoding an app user of %q: %w", appID, err)
			}
			if j.Profile == nil {
				j.Profile = map[string]any{}
			}
			out = append(out, AppUser(j))
		}
		after = sdkNextCursor(resp)
		if after == "" || len(users) == 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("listing the users of Okta app %q: more than %d pages", appID, maxPages)
}

// sdkNextCursor reads the `after` cursor of the next page. The SDK's own resp.Next() would send
// the next request with a background context (no cancellation, no logging), so we paginate with
// the cursor and our context instead.
func sdkNextCursor(resp *sdk.APIResponse) string {
	if resp == nil || resp.Response == nil {
		return ""
	}
	next := resp.NextPage()
	if next == "" {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	return u.Query().Get("after")
}
