package oktaemu

import (
	"fmt"
	"strconv"
	"strings"
)

// The "scale:N" seed is the demo org's apps and mappings with N users, every one assigned to the
// Dialpad app with a SCIM record: a third have no Dialpad number (the demo's pattern of none, one
// and two numbers, DemoDialpadPhones), and two in five are also assigned to, and sourced by, the
// HR app. It is generated without randomness (user i has id ScaleUserID(i)), so two emulators
// with the same N hold the same org, and in one pass (50,000 users in a few seconds).

// ScaleSeedMax bounds N, so that a typo cannot ask for a machine's whole memory.
const ScaleSeedMax = 200000

// ScaleUserID is the id of user i of a scale seed.
func ScaleUserID(i int) string { return fmt.Sprintf("00u%017d", i) }

// ScaleHRSourced reports whether user i of a scale seed is assigned to the HR app.
func ScaleHRSourced(i int) bool { return i%5 < 2 }

// parseScaleSeed returns N of "scale:N".
func parseScaleSeed(seed string) (int, bool, error) {
	rest, ok := strings.CutPrefix(seed, "scale:")
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > ScaleSeedMax {
		return 0, true, fmt.Errorf("scale seed %q: N must be a whole number from 1 to %d", seed, ScaleSeedMax)
	}
	return n, true, nil
}

func scaleOrg(n int) (*org, error) {
	b := newOrgBuilder()
	if err := b.addDemoUserAttributes(); err != nil {
		return nil, err
	}
	hr, dp, _, err := b.addDemoApps()
	if err != nil {
		return nil, err
	}
	b.o.users = make([]*user, 0, n)
	dp.assigned = make([]string, 0, n)
	for i := range n {
		first := demoFirstNames[i%len(demoFirstNames)]
		last := demoLastNames[(i/len(demoFirstNames))%len(demoLastNames)]
		email := fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), i)
		dept := demoDepartments[i%len(demoDepartments)]
		title := demoTitles[i%len(demoTitles)]
		profile := map[string]any{
			"firstName": first, "lastName": last, "email": email, "login": email,
			"displayName": first + " " + last, "department": dept, "title": title,
		}
		u, err := b.addUser(ScaleUserID(i), "ACTIVE", profile)
		if err != nil {
			return nil, err
		}
		name := map[string]any{"givenName": first, "familyName": last}
		emails := []any{map[string]any{"value": email, "type": "work", "primary": true}}
		enterprise := map[string]any{"department": dept}
		rec := map[string]any{
			"id": strconv.Itoa(6100000000 + i), "userName": email, "active": true, "name": name,
			"displayName": first + " " + last, "emails": emails, "title": title, scimEnterpriseNamespace: enterprise,
		}
		if pns, _ := demoPhoneNumbers(i); pns != nil {
			rec["phoneNumbers"] = pns
		}
		if err := b.assign(dp, u.id, rec); err != nil {
			return nil, err
		}
		if ScaleHRSourced(i) {
			badge := fmt.Sprintf("B%07d", i)
			profile[DemoUserAttrBadgeNumber] = badge
			if err := b.assign(hr, u.id, map[string]any{
				"id": fmt.Sprintf("WD%08d", i), "userName": email, "name": name, "emails": emails,
				"title": title, "displayName": first + " " + last, "badgeNumber": badge,
				scimEnterpriseNamespace: enterprise,
			}); err != nil {
				return nil, err
			}
		}
	}
	if err := b.setDemoMappings(); err != nil {
		return nil, err
	}
	b.provisionAppUsers()
	return b.o, nil
}
