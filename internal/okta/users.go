package okta

import (
	"context"
	"encoding/json"
	"fmt"

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
	err := sdkPages("listing Okta users", func(after string) (int, *sdk.APIResponse, error) {
		req := c.api.UserAPI.ListUsers(ctx).Limit(200)
		if search != "" {
			req = req.Search(search)
		}
		if after != "" {
			req = req.After(after)
		}
		users, resp, err := req.Execute()
		if err != nil {
			return 0, resp, fmt.Errorf("listing Okta users: %w", c.translate(err, resp, "", ""))
		}
		for i := range users {
			var j userJSON
			if err := reshape(users[i], &j); err != nil {
				return 0, resp, fmt.Errorf("decoding Okta user: %w", err)
			}
			out = append(out, j.toUser())
		}
		return len(users), resp, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListAppUsers returns every user assigned to the app, with the app-side profiles.
func (c *Client) ListAppUsers(ctx context.Context, appID string) ([]AppUser, error) {
	var out []AppUser
	what := fmt.Sprintf("listing the users of Okta app %q", appID)
	err := sdkPages(what, func(after string) (int, *sdk.APIResponse, error) {
		req := c.api.ApplicationUsersAPI.ListApplicationUsers(ctx, appID).Limit(500)
		if after != "" {
			req = req.After(after)
		}
		users, resp, err := req.Execute()
		if err != nil {
			return 0, resp, fmt.Errorf("%s: %w", what, c.translate(err, resp, "app", appID))
		}
		for i := range users {
			var j appUserJSON
			if err := reshape(users[i], &j); err != nil {
				return 0, resp, fmt.Errorf("decoding an app user of %q: %w", appID, err)
			}
			if j.Profile == nil {
				j.Profile = map[string]any{}
			}
			out = append(out, AppUser(j))
		}
		return len(users), resp, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sdkPages runs page for each page of an SDK listing, first with after == "" and then with the
// `after` cursor of each answer's rel="next" Link, until a page is the last or empty, at most
// maxPages. page returns how many items it got. The SDK's own resp.Next() would send the next
// request with a background context (no cancellation, no logging), so we follow the cursor with
// the caller's context instead.
func sdkPages(what string, page func(after string) (int, *sdk.APIResponse, error)) error {
	after := ""
	for i := 0; i < maxPages; i++ {
		n, resp, err := page(after)
		if err != nil {
			return err
		}
		if resp == nil || resp.Response == nil {
			return nil
		}
		if after = nextCursor(resp.Header); after == "" || n == 0 {
			return nil
		}
	}
	return fmt.Errorf("%s: more than %d pages", what, maxPages)
}
