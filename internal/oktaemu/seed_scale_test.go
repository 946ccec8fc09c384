package oktaemu

import (
	"fmt"
	"testing"
)

// The 50k seed: every user assigned to Dialpad with a SCIM record, a third without a Dialpad
// number, two in five sourced by HR, the same org on every build, and pages of it served whole.
func TestScaleSeed_50k(t *testing.T) {
	const n = 50000
	e, err := New(Options{Seed: fmt.Sprintf("scale:%d", n)})
	if err != nil {
		t.Fatal(err)
	}
	o := e.org
	dp, hr := o.appsByID[DemoDialpadAppID], o.appsByID[DemoHRAppID]
	if len(o.users) != n || len(dp.assigned) != n || len(dp.scim) != n {
		t.Fatalf("%d users, %d assigned to Dialpad, %d SCIM records; want %d each", len(o.users), len(dp.assigned), len(dp.scim), n)
	}
	withNumber, sourced := 0, 0
	for i := range n {
		if phones, _ := dp.scim[ScaleUserID(i)]["phoneNumbers"].([]any); hasDialpad(phones) {
			withNumber++
		}
		if ScaleHRSourced(i) {
			sourced++
			if !hr.isAssigned(ScaleUserID(i)) {
				t.Fatalf("user %d is not assigned to HR", i)
			}
		}
	}
	if withNumber < n*6/10 || withNumber > n*7/10 || len(hr.assigned) != sourced || sourced != n*2/5 {
		t.Fatalf("%d with a number, %d assigned to HR (want %d)", withNumber, len(hr.assigned), n*2/5)
	}
	// App user profiles come from the SCIM records through the app schema, as on assignment.
	au := dp.appUsers[ScaleUserID(7)].profile
	if au["email"] == nil || au["givenName"] == nil {
		t.Fatalf("app user profile %v", au)
	}
	// Deterministic: a second build is the same org (spot-checked at both ends).
	e2, err := New(Options{Seed: fmt.Sprintf("scale:%d", n)})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		a, b := o.usersByID[ScaleUserID(i)], e2.org.usersByID[ScaleUserID(i)]
		if !jsonEqual(a.profile, b.profile) || !jsonEqual(dp.scim[a.id], e2.org.appsByID[DemoDialpadAppID].scim[b.id]) {
			t.Fatalf("user %d differs between two builds", i)
		}
	}
	for _, bad := range []string{"scale:0", "scale:x", fmt.Sprintf("scale:%d", ScaleSeedMax+1)} {
		if _, err := New(Options{Seed: bad}); err == nil {
			t.Errorf("seed %q accepted", bad)
		}
	}
}

func TestScaleSeed_served(t *testing.T) {
	te := startEmu(t, Options{Seed: "scale:1200"})
	page := te.mustDo(200, "GET", "/api/v1/apps/"+DemoDialpadAppID+"/users?limit=500", nil).list(t)
	if len(page) != 500 {
		t.Fatalf("page of %d app users, want 500", len(page))
	}
	users := te.mustDo(200, "GET", "/api/v1/users?limit=200&search="+"profile.badgeNumber%20pr", nil).list(t)
	if len(users) != 200 {
		t.Fatalf("%d HR-sourced users on the first page, want 200", len(users))
	}
}

func hasDialpad(phones []any) bool {
	for _, p := range phones {
		if m, _ := p.(map[string]any); m["type"] == "Dialpad" {
			return true
		}
	}
	return false
}
