package okta

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/hashicorp/terraform-plugin-log/tflog"
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

// Sync states of a SyncStatus.
const (
	// SyncUnknown: no assigned user has a number in the app yet (before the first import, or the
	// app holds none): nothing says whether the sync works.
	SyncUnknown = "unknown"
	// SyncComplete: every assigned user with a number has it on their Okta profile.
	SyncComplete = "synced"
	// SyncIncomplete: some are missing or stale.
	SyncIncomplete = "incomplete"
)

// State is SyncUnknown, SyncComplete or SyncIncomplete.
func (s SyncStatus) State() string {
	switch {
	case s.WithNumber == 0:
		return SyncUnknown
	case s.Synced == s.WithNumber:
		return SyncComplete
	}
	return SyncIncomplete
}

// CoveragePercent is Synced / WithNumber in percent; ok is false when no assigned user has a
// number (there is nothing to measure, which is not 100%).
func (s SyncStatus) CoveragePercent() (pct float64, ok bool) {
	if s.WithNumber == 0 {
		return 0, false
	}
	return float64(s.Synced) * 100 / float64(s.WithNumber), true
}

// AttributeMissingError says the status was asked about an attribute that one of the two schemas
// does not have (a typo, or a sync not created yet): counting would report nothing synced as
// "nothing to sync".
type AttributeMissingError struct {
	Attribute string
	Where     string // "the app user schema of app <id>" or "the default Okta user schema"
}

func (e *AttributeMissingError) Error() string {
	return fmt.Sprintf("attribute %q is not on %s", e.Attribute, e.Where)
}

// statusPageSize is the largest page Okta serves of an app's users (List all assigned users, limit
// max 500).
const statusPageSize = 500

// PhoneSyncStatus compares, for every user assigned to appID, the value of attr the app holds (its
// app user profile) with the value on the Okta user. It costs the app, the two schemas (which must
// both have attr) and one listing of the app's users with each user embedded (expand=user, 500 a
// page): no per-user calls. Pages are processed as they arrive and only the listLimit smallest ids
// of each list are kept, so memory does not grow with the number of users; the transport's
// governor paces the pages inside the apps bucket.
func (c *Client) PhoneSyncStatus(ctx context.Context, appID, attr string, listLimit int) (SyncStatus, error) {
	var st SyncStatus
	if _, err := c.FindApp(ctx, appID); err != nil {
		return st, err
	}
	if _, err := c.FindAppUserAttribute(ctx, appID, attr); err != nil {
		if IsNotFound(err) {
			return st, &AttributeMissingError{Attribute: attr, Where: fmt.Sprintf("the app user schema of app %q", appID)}
		}
		return st, err
	}
	if _, err := c.FindUserAttribute(ctx, "", attr); err != nil {
		if IsNotFound(err) {
			return st, &AttributeMissingError{Attribute: attr, Where: "the default Okta user schema"}
		}
		return st, err
	}

	missing, stale := newRefSample(listLimit), newRefSample(listLimit)
	path := "/api/v1/apps/" + url.PathEscape(appID) + "/users"
	after := ""
	for page := 0; ; page++ {
		if page >= maxPages {
			return st, fmt.Errorf("listing the users of Okta app %q: more than %d pages", appID, maxPages)
		}
		q := url.Values{"limit": {fmt.Sprint(statusPageSize)}, "expand": {"user"}}
		if after != "" {
			q.Set("after", after)
		}
		var users []struct {
			ID       string         `json:"id"`
			Profile  map[string]any `json:"profile"`
			Embedded struct {
				User *userJSON `json:"user"`
			} `json:"_embedded"`
		}
		h, err := c.doJSONHeader(ctx, "GET", path, q, nil, &users)
		if err != nil {
			return st, fmt.Errorf("listing the users of Okta app %q: %w", appID, c.translate(err, nil, "app", appID))
		}
		for _, au := range users {
			st.Assigned++
			want := profileString(au.Profile[attr])
			if want == "" {
				st.WithoutNumber++
				continue
			}
			st.WithNumber++
			var u User
			if au.Embedded.User != nil {
				u = au.Embedded.User.toUser()
			}
			switch got := profileString(u.Profile[attr]); {
			case got == want:
				st.Synced++
			case got == "":
				st.Missing++
				missing.add(UserRef{ID: au.ID, Login: u.Login})
			default:
				st.Stale++
				stale.add(UserRef{ID: au.ID, Login: u.Login})
			}
		}
		tflog.Info(ctx, "phone sync status: app users read", map[string]any{
			"app_id": appID, "page": page + 1, "users_read": st.Assigned, "synced": st.Synced,
			"missing": st.Missing, "stale": st.Stale,
		})
		if after = nextCursor(h); after == "" || len(users) == 0 {
			break
		}
	}
	st.MissingUsers, st.StaleUsers = missing.sorted(), stale.sorted()
	return st, nil
}

// refSample keeps the limit smallest user ids seen (limit < 0 keeps all), in bounded memory: it
// trims to limit whenever it holds twice as many.
type refSample struct {
	limit int
	refs  []UserRef
}

func newRefSample(limit int) *refSample { return &refSample{limit: limit} }

func (s *refSample) add(r UserRef) {
	s.refs = append(s.refs, r)
	if s.limit >= 0 && len(s.refs) >= 2*s.limit+16 {
		s.trim()
	}
}

func (s *refSample) trim() {
	sort.Slice(s.refs, func(i, j int) bool { return s.refs[i].ID < s.refs[j].ID })
	if s.limit >= 0 && len(s.refs) > s.limit {
		s.refs = append([]UserRef(nil), s.refs[:s.limit]...)
	}
}

func (s *refSample) sorted() []UserRef {
	s.trim()
	if s.refs == nil {
		return []UserRef{}
	}
	return s.refs
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
