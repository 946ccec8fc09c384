package okta

import (
	"context"
	"fmt"
	"sort"
)

// SyncStatus is how far the numbers an app holds have reached its users' Okta profiles.
type SyncStatus struct {
	Assigned      int // users assigned to the app
	WithNumber    int // assigned users whose app user profile holds a value
	Synced        int // ... whose Okta profile holds that same value
	Missing       int // ... whose Okta profile has no value
	Stale         int // ... whose Okta profile has a different value
	WithoutNumber int // assigned users whose app user profile has no value (nothing to sync)
	// Bounded samples (at most the limit given), sorted by user id for stable plans.
	MissingUsers []UserRef
	StaleUsers   []UserRef
}

// UserRef names a user in the status lists.
type UserRef struct {
	ID    string
	Login string
}

// CoveragePercent is Synced / WithNumber in percent; 100 when no assigned user has a number.
func (s SyncStatus) CoveragePercent() float64 {
	if s.WithNumber == 0 {
		return 100
	}
	return float64(s.Synced) * 100 / float64(s.WithNumber)
}

// PhoneSyncStatus compares, for every user assigned to appID, the value of attr the app holds (its
// app user profile) with the value on the Okta user (read from the Okta user, not the app user).
// It costs the app-user pages, the pages of one user search (`profile.<attr> pr`) and at most
// listLimit user reads for the logins of the missing users: it does not read every user one by one.
func (c *Client) PhoneSyncStatus(ctx context.Context, appID, attr string, listLimit int) (SyncStatus, error) {
	var st SyncStatus
	if _, err := c.FindApp(ctx, appID); err != nil {
		return st, err
	}
	appUsers, err := c.ListAppUsers(ctx, appID)
	if err != nil {
		return st, err
	}
	withAttr, err := c.ListUsers(ctx, fmt.Sprintf("profile.%s pr", attr))
	if err != nil {
		return st, fmt.Errorf("searching Okta users with %s: %w", attr, err)
	}
	okta := make(map[string]User, len(withAttr))
	for _, u := range withAttr {
		okta[u.ID] = u
	}

	var missing, stale []UserRef
	st.Assigned = len(appUsers)
	for _, au := range appUsers {
		want := profileString(au.Profile[attr])
		if want == "" {
			st.WithoutNumber++
			continue
		}
		st.WithNumber++
		u, ok := okta[au.ID]
		got := ""
		if ok {
			got = profileString(u.Profile[attr])
		}
		switch {
		case got == want:
			st.Synced++
		case got == "":
			st.Missing++
			missing = append(missing, UserRef{ID: au.ID, Login: u.Login})
		default:
			st.Stale++
			stale = append(stale, UserRef{ID: au.ID, Login: u.Login})
		}
	}
	if st.MissingUsers, err = c.boundedRefs(ctx, missing, listLimit); err != nil {
		return st, err
	}
	if st.StaleUsers, err = c.boundedRefs(ctx, stale, listLimit); err != nil {
		return st, err
	}
	return st, nil
}

// boundedRefs sorts refs, keeps at most limit and fills in logins the search did not return
// (users without the attribute are not in it).
func (c *Client) boundedRefs(ctx context.Context, refs []UserRef, limit int) ([]UserRef, error) {
	sort.Slice(refs, func(i, j int) bool { return refs[i].ID < refs[j].ID })
	if limit >= 0 && len(refs) > limit {
		refs = refs[:limit]
	}
	out := make([]UserRef, 0, len(refs))
	for _, r := range refs {
		if r.Login == "" {
			u, err := c.GetUser(ctx, r.ID)
			switch {
			case IsNotFound(err):
				// Assigned but deleted between the two reads: keep the id.
			case err != nil:
				return nil, err
			default:
				r.Login = u.Login
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// profileString is a profile value as the text a user compares; JSON numbers and booleans are
// rendered the way Okta shows them.
func profileString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	default:
		return fmt.Sprint(t)
	}
}
