package oktaemu

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// Ids and names of the demo seed. Tests and examples may rely on them.
const (
	// DemoDialpadAppID is the app labelled "Dialpad" (name "dialpad"): provisioning on, not yet a
	// profile source, DemoDialpadUserCount users assigned.
	DemoDialpadAppID = "0oa9dialpad4Xq7Rt2w7"
	// DemoHRAppID is an HR-style app ("Workday", name "workday") that already sources Okta users with
	// higher priority than any app enabled later; it is assigned to some of the Dialpad users.
	DemoHRAppID = "0oa9hrsource3Kp8Vm1x"
	// DemoMeetingsAppID is the app labelled "Dialpad Meetings" (a label lookup for "Dialpad" must not
	// match it).
	DemoMeetingsAppID = "0oa9meetings6Tz2Lw5c"
	// DemoDefaultUserTypeID is the default user type (name "user"); "default" works in its place.
	DemoDefaultUserTypeID = "oty9default0Hn4Qb8s2"
	// DemoDefaultUserSchemaID is the default user type's schema; "default" works in its place.
	DemoDefaultUserSchemaID = "osc9default0Jr5Wd3k6"

	DemoDialpadAppLabel  = "Dialpad"
	DemoDialpadAppName   = "dialpad"
	DemoHRAppLabel       = "Workday"
	DemoHRAppName        = "workday"
	DemoMeetingsAppLabel = "Dialpad Meetings"
	DemoMeetingsAppName  = "dialpadmeetings"

	// Pre-existing custom attributes of the default user schema.
	DemoUserAttrBadgeNumber  = "badgeNumber"  // mapped from the HR app (PUSH)
	DemoUserAttrPronouns     = "pronouns"     // master OKTA: no app may write it
	DemoUserAttrWorkLocation = "workLocation" // not mapped
	// Pre-existing custom attributes of app user schemas.
	DemoDialpadAttrDepartment = "dialpadDepartment" // Dialpad; externalName "department" (enterprise)
	DemoHRAttrBadgeNumber     = "badgeNumber"       // HR app; externalName "badgeNumber"

	// DemoUserCount is how many Okta users the demo seed has (more than two pages of 200).
	DemoUserCount = 230
	// DemoDialpadUserCount is how many users are assigned to the Dialpad app.
	DemoDialpadUserCount = 60

	seedAdminID = "00u9admin00000Ab1Cd2"
)

// seedTime stamps every seeded object, far enough in the past that no delay knob hides them.
var seedTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

const scimEnterpriseNamespace = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// orgBuilder assembles an org deterministically.
type orgBuilder struct {
	o   *org
	rng *rand.Rand
}

func newOrgBuilder() *orgBuilder {
	b := &orgBuilder{o: newOrg(), rng: rand.New(rand.NewPCG(2024, 3))}
	b.addDefaultUserType()
	return b
}

func (b *orgBuilder) id(prefix string) string {
	buf := make([]byte, 17)
	for i := range buf {
		buf[i] = idAlphabet[b.rng.IntN(len(idAlphabet))]
	}
	return prefix + string(buf)
}

// userBaseProperties are Okta's base user profile properties (title, type and extras).
var userBaseProperties = []struct {
	name, title string
	extra       prop
}{
	{"login", "Username", prop{"required": true, "minLength": 5.0, "maxLength": 100.0, "pattern": ".+"}},
	{"firstName", "First name", prop{"required": true, "minLength": 1.0, "maxLength": 50.0}},
	{"lastName", "Last name", prop{"required": true, "minLength": 1.0, "maxLength": 50.0}},
	{"middleName", "Middle name", nil},
	{"honorificPrefix", "Honorific prefix", nil},
	{"honorificSuffix", "Honorific suffix", nil},
	{"email", "Primary email", prop{"required": true, "format": "email"}},
	{"title", "Title", nil},
	{"displayName", "Display name", nil},
	{"nickName", "Nickname", nil},
	{"profileUrl", "Profile Url", prop{"format": "uri"}},
	{"secondEmail", "Secondary email", prop{"format": "email"}},
	{"mobilePhone", "Mobile phone", prop{"maxLength": 100.0}},
	{"primaryPhone", "Primary phone", prop{"maxLength": 100.0}},
	{"streetAddress", "Street address", nil},
	{"city", "City", nil},
	{"state", "State", nil},
	{"zipCode", "Zip code", nil},
	{"countryCode", "Country code", prop{"format": "country-code"}},
	{"postalAddress", "Postal Address", nil},
	{"preferredLanguage", "Preferred language", prop{"format": "language-code"}},
	{"locale", "Locale", prop{"format": "locale"}},
	{"timezone", "Time zone", prop{"format": "timezone"}},
	{"userType", "User type", nil},
	{"employeeNumber", "Employee number", nil},
	{"costCenter", "Cost center", nil},
	{"organization", "Organization", nil},
	{"division", "Division", nil},
	{"department", "Department", nil},
	{"managerId", "ManagerId", nil},
	{"manager", "Manager", nil},
}

func userBaseDoc() *schemaDoc {
	d := &schemaDoc{lastUpdated: seedTime, base: map[string]prop{}, custom: map[string]prop{},
		baseRequired: []string{"login", "firstName", "lastName", "email"}}
	for _, bp := range userBaseProperties {
		p := prop{
			"title": bp.title, "type": "string", "mutability": "READ_WRITE", "scope": "NONE",
			"permissions": []any{map[string]any{"principal": "SELF", "action": "READ_WRITE"}},
			"master":      map[string]any{"type": "PROFILE_MASTER"},
		}
		maps.Copy(p, bp.extra)
		d.base[bp.name] = p
		d.baseOrder = append(d.baseOrder, bp.name)
	}
	return d
}

func (b *orgBuilder) addDefaultUserType() {
	s := &schemaObj{id: DemoDefaultUserSchemaID, name: "user", title: "User", created: seedTime,
		doc: newVersioned(seedTime, userBaseDoc()), deletedAt: map[string]time.Time{}}
	b.o.schemas[s.id] = s
	b.o.userTypes = append(b.o.userTypes, &userType{
		id: DemoDefaultUserTypeID, name: "user", displayName: "User",
		description: "Okta user profile template with default permission settings",
		isDefault:   true, schemaID: s.id, created: seedTime,
	})
}

// appBaseProperty is a base property of an app user schema with the SCIM path it reads.
type appBaseProperty struct {
	name, title, externalName, externalNamespace string
	required                                     bool
}

var scimBaseProperties = []appBaseProperty{
	{name: "userName", title: "Username", externalName: "userName", required: true},
	{name: "givenName", title: "Given name", externalName: "name.givenName"},
	{name: "familyName", title: "Family name", externalName: "name.familyName"},
	{name: "email", title: "Email", externalName: "emails.^[primary==true].value"},
	{name: "displayName", title: "Display name", externalName: "displayName"},
	{name: "title", title: "Title", externalName: "title"},
}

type appSpec struct {
	id, name, label, signOnMode string
	provisioning, profileSource bool
	base                        []appBaseProperty
	custom                      map[string]prop
}

func (b *orgBuilder) addApp(spec appSpec) (*app, error) {
	d := &schemaDoc{lastUpdated: seedTime, base: map[string]prop{}, custom: map[string]prop{}}
	for _, bp := range spec.base {
		p := prop{"title": bp.title, "type": "string", "scope": "NONE", "mutability": "READ_WRITE",
			"permissions": []any{map[string]any{"principal": "SELF", "action": "READ_WRITE"}}}
		if bp.externalName != "" {
			p["externalName"] = bp.externalName
			ns := bp.externalNamespace
			if ns == "" {
				ns = scimCoreNamespace
			}
			p["externalNamespace"] = ns
		}
		if bp.required {
			p["required"] = true
			d.baseRequired = append(d.baseRequired, bp.name)
		}
		d.base[bp.name] = p
		d.baseOrder = append(d.baseOrder, bp.name)
	}
	if spec.signOnMode == "" {
		spec.signOnMode = "SAML_2_0"
	}
	a := &app{
		id: spec.id, name: spec.name, label: spec.label, status: "ACTIVE", signOnMode: spec.signOnMode,
		created: seedTime, lastUpdated: seedTime, provisioning: spec.provisioning,
		profileSource: spec.profileSource, deactivationAction: "NONE",
		appUserTypeID: b.id("oty"), scim: map[string]map[string]any{}, appUsers: map[string]*appUser{},
	}
	if a.id == "" {
		a.id = b.id("0oa")
	}
	if b.o.appsByID[a.id] != nil {
		return nil, fmt.Errorf("duplicate app id %s", a.id)
	}
	a.schema = &schemaObj{id: a.id, appID: a.id, name: a.name, title: a.label + " User", created: seedTime,
		doc: newVersioned(seedTime, d), deletedAt: map[string]time.Time{}}
	b.o.apps = append(b.o.apps, a)
	b.o.appsByID[a.id] = a
	if a.profileSource {
		b.o.sourcePriority = append(b.o.sourcePriority, a.id)
	}
	for _, name := range sortedKeys(spec.custom) {
		if err := b.addAttribute(a.schema, name, spec.custom[name]); err != nil {
			return nil, err
		}
	}
	// Okta creates both mappings with every app instance.
	ut := b.o.defaultUserType()
	for _, pair := range [][2]string{{a.id, ut.id}, {ut.id, a.id}} {
		m := &mapping{id: b.id("prm"), sourceID: pair[0], targetID: pair[1],
			doc: newVersioned(seedTime, &mappingDoc{props: map[string]mappingProp{}})}
		b.o.mappings = append(b.o.mappings, m)
		b.o.mappingsByID[m.id] = m
	}
	return a, nil
}

// addAttribute adds a custom property through the same validation as the API.
func (b *orgBuilder) addAttribute(s *schemaObj, name string, in prop) error {
	e := &Emulator{org: b.o}
	cur := s.doc.current()
	if cs := e.checkNewName(s, cur, name, seedTime); len(cs) > 0 {
		return fmt.Errorf("attribute %s: %s", name, strings.Join(cs, " "))
	}
	p, cs := e.normalizeProperty(s, name, in, nil)
	if len(cs) > 0 {
		return fmt.Errorf("attribute %s: %s", name, strings.Join(cs, " "))
	}
	next := cur.clone()
	next.custom[name] = p
	s.doc = newVersioned(seedTime, next)
	return nil
}

// setMapping sets mapping properties, validated as the API validates them.
func (b *orgBuilder) setMapping(sourceID, targetID string, props map[string]mappingProp) error {
	m := b.o.mappingFor(sourceID, targetID)
	if m == nil {
		return fmt.Errorf("no mapping %s -> %s", sourceID, targetID)
	}
	next := &mappingDoc{props: maps.Clone(m.doc.current().props)}
	for _, target := range sortedKeys(props) {
		mp := props[target]
		expr, push := mp.Expression, mp.PushStatus
		var pushPtr *string
		if push != "" {
			pushPtr = &push
		}
		got, cs := b.o.checkMappingProperty(m, target, &expr, pushPtr, mappingProp{}, false)
		if len(cs) > 0 {
			return fmt.Errorf("mapping %s -> %s: %s", sourceID, targetID, strings.Join(cs, " "))
		}
		next.props[target] = got
	}
	m.doc = newVersioned(seedTime, next)
	return nil
}

func (b *orgBuilder) addUser(id, status string, profile map[string]any) (*user, error) {
	if id == "" {
		id = b.id("00u")
	}
	if status == "" {
		status = "ACTIVE"
	}
	if b.o.usersByID[id] != nil {
		return nil, fmt.Errorf("duplicate user id %s", id)
	}
	u := &user{id: id, status: status, typeID: b.o.defaultUserType().id, created: seedTime, lastUpdated: seedTime, profile: profile}
	b.o.users = append(b.o.users, u)
	b.o.usersByID[id] = u
	return u, nil
}

// assign assigns a user to an app; record is the app's own (SCIM) record of the user.
func (b *orgBuilder) assign(a *app, userID string, record map[string]any) error {
	u := b.o.usersByID[userID]
	if u == nil {
		return fmt.Errorf("app %s: unknown user %s", a.id, userID)
	}
	if a.isAssigned(userID) {
		return nil
	}
	if record == nil {
		record = map[string]any{"userName": u.profile["login"]}
	}
	a.assigned = append(a.assigned, userID)
	a.scim[userID] = record
	ext, _ := record["id"].(string)
	a.appUsers[userID] = &appUser{externalID: ext, created: seedTime, lastUpdated: seedTime,
		profile: computeAppUserProfile(a.schema.doc.current(), record, nil)}
	return nil
}

func emptyOrg() (*org, error) { return newOrgBuilder().o, nil }

var (
	demoFirstNames = []string{"Alice", "Bilal", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
		"Keiko", "Liam", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor",
		"Wen", "Ximena", "Yusuf", "Zoe", "Arjun", "Beatriz", "Cormac", "Delia", "Elif"}
	demoLastNames = []string{"Nguyen", "Okafor", "Schmidt", "Garcia", "Kowalski", "Haddad", "Tanaka", "Larsen",
		"Moreau", "Silva", "Novak", "Ibrahim", "Rossi", "Patel", "Kim", "Dubois", "Andersen", "Costa", "Weber",
		"Lopez", "Murphy", "Sato", "Ivanova", "Mensah", "Cohen", "Fischer", "Horvat", "Jensen", "Reyes"}
	demoDepartments = []string{"Sales", "Support", "Engineering", "Finance", "Marketing", "People"}
	demoTitles      = []string{"Account Executive", "Support Specialist", "Software Engineer", "Analyst", "Marketing Manager", "HR Partner"}
	demoLocations   = []string{"San Francisco", "Vancouver", "London", "Kitchener", "Austin"}
	demoPronouns    = []string{"she/her", "he/him", "they/them"}
)

// Demo user index ranges: Dialpad [0,60), HR [40,140) (so users 40..59 have both, HR first),
// Meetings [0,30) and [200,210).
const (
	demoHRFirst, demoHREnd = 40, 140
)

// DemoDialpadPhones returns the Dialpad numbers (in SCIM order) of the i-th Dialpad demo user
// (0 <= i < DemoDialpadUserCount): users vary between none, one and two Dialpad numbers.
func DemoDialpadPhones(i int) []string {
	_, dp := demoPhoneNumbers(i)
	return dp
}

// demoPhoneNumbers returns the SCIM phoneNumbers of Dialpad user i and its Dialpad-typed values.
func demoPhoneNumbers(i int) ([]any, []string) {
	dialpad := fmt.Sprintf("+1415555%04d", 1000+i)
	second := fmt.Sprintf("+1628555%04d", 2000+i)
	mobile := fmt.Sprintf("+1650555%04d", 3000+i)
	work := fmt.Sprintf("+1408555%04d", 4000+i)
	pn := func(t, v string, primary bool) any {
		return map[string]any{"type": t, "value": v, "primary": primary}
	}
	switch i % 6 {
	case 0:
		return []any{pn("Dialpad", dialpad, true), pn("mobile", mobile, false)}, []string{dialpad}
	case 1:
		return []any{pn("Dialpad", dialpad, true)}, []string{dialpad}
	case 2:
		return []any{pn("Dialpad", dialpad, true), pn("Dialpad", second, false)}, []string{dialpad, second}
	case 3:
		return []any{pn("work", work, true)}, nil
	case 4:
		return nil, nil
	default:
		return []any{pn("mobile", mobile, true), pn("Dialpad", dialpad, false)}, []string{dialpad}
	}
}

func demoOrg() (*org, error) {
	b := newOrgBuilder()
	o := b.o
	if err := b.addDemoUserAttributes(); err != nil {
		return nil, err
	}
	hr, dp, meet, err := b.addDemoApps()
	if err != nil {
		return nil, err
	}

	seen := map[string]bool{}
	for i := range DemoUserCount {
		first := demoFirstNames[i%len(demoFirstNames)]
		last := demoLastNames[(i*7+i/len(demoFirstNames))%len(demoLastNames)]
		local := strings.ToLower(first + "." + last)
		for n := 2; seen[local]; n++ {
			local = fmt.Sprintf("%s.%s%d", strings.ToLower(first), strings.ToLower(last), n)
		}
		seen[local] = true
		email := local + "@example.com"
		profile := map[string]any{
			"firstName": first, "lastName": last, "email": email, "login": email,
			"displayName": first + " " + last,
			"department":  demoDepartments[i%len(demoDepartments)],
			"title":       demoTitles[i%len(demoTitles)],
			"mobilePhone": nil, "primaryPhone": nil,
			DemoUserAttrWorkLocation: demoLocations[i%len(demoLocations)],
		}
		if i%3 == 0 {
			profile["mobilePhone"] = fmt.Sprintf("+1650555%04d", 3000+i)
		}
		if i%4 == 1 {
			profile[DemoUserAttrPronouns] = demoPronouns[i%len(demoPronouns)]
		}
		if i >= demoHRFirst && i < demoHREnd {
			profile[DemoUserAttrBadgeNumber] = fmt.Sprintf("B%05d", 10000+i)
		}
		status := "ACTIVE"
		if i >= DemoUserCount-4 {
			status = []string{"STAGED", "SUSPENDED", "PROVISIONED", "LOCKED_OUT"}[DemoUserCount-1-i]
		}
		u, err := b.addUser(b.id("00u"), status, profile)
		if err != nil {
			return nil, err
		}
		emails := []any{map[string]any{"value": email, "type": "work", "primary": true}}
		if i < DemoDialpadUserCount {
			rec := map[string]any{
				"id": fmt.Sprintf("%d", 5100000000+i), "userName": email, "active": true,
				"name":        map[string]any{"givenName": first, "familyName": last},
				"displayName": first + " " + last, "emails": emails, "title": profile["title"],
				scimEnterpriseNamespace: map[string]any{"department": profile["department"]},
			}
			if pns, _ := demoPhoneNumbers(i); pns != nil {
				rec["phoneNumbers"] = pns
			}
			if err := b.assign(dp, u.id, rec); err != nil {
				return nil, err
			}
		}
		if i >= demoHRFirst && i < demoHREnd {
			rec := map[string]any{
				"id": fmt.Sprintf("WD%06d", i), "userName": email,
				"name":   map[string]any{"givenName": first, "familyName": last},
				"emails": emails, "title": profile["title"], "displayName": first + " " + last,
				"badgeNumber":           profile[DemoUserAttrBadgeNumber],
				scimEnterpriseNamespace: map[string]any{"department": profile["department"]},
			}
			if err := b.assign(hr, u.id, rec); err != nil {
				return nil, err
			}
		}
		if i < 30 || (i >= 200 && i < 210) {
			if err := b.assign(meet, u.id, nil); err != nil {
				return nil, err
			}
		}
	}

	if err := b.setDemoMappings(); err != nil {
		return nil, err
	}
	b.provisionAppUsers()
	return o, nil
}

// addDemoUserAttributes adds the demo seed's custom attributes of the default user schema.
func (b *orgBuilder) addDemoUserAttributes() error {
	for name, p := range map[string]prop{
		DemoUserAttrBadgeNumber:  {"title": "Badge number", "type": "string", "maxLength": 20.0},
		DemoUserAttrPronouns:     {"title": "Pronouns", "type": "string", "master": map[string]any{"type": "OKTA"}, "permissions": []any{map[string]any{"principal": "SELF", "action": "READ_WRITE"}}},
		DemoUserAttrWorkLocation: {"title": "Work location", "type": "string", "enum": []any{"San Francisco", "Vancouver", "London", "Kitchener", "Austin"}},
	} {
		if err := b.addAttribute(b.o.userSchema("default"), name, p); err != nil {
			return err
		}
	}
	return nil
}

// addDemoApps adds the demo seed's apps: HR (a profile source), Dialpad and Dialpad Meetings.
func (b *orgBuilder) addDemoApps() (hr, dp, meet *app, err error) {
	hr, err = b.addApp(appSpec{id: DemoHRAppID, name: DemoHRAppName, label: DemoHRAppLabel, provisioning: true, profileSource: true,
		base: append(append([]appBaseProperty(nil), scimBaseProperties...),
			appBaseProperty{name: "department", title: "Department", externalName: "department", externalNamespace: scimEnterpriseNamespace}),
		custom: map[string]prop{DemoHRAttrBadgeNumber: {"title": "Badge number", "type": "string", "externalName": "badgeNumber", "externalNamespace": scimCoreNamespace}},
	})
	if err != nil {
		return nil, nil, nil, err
	}
	dp, err = b.addApp(appSpec{id: DemoDialpadAppID, name: DemoDialpadAppName, label: DemoDialpadAppLabel, provisioning: true,
		base: scimBaseProperties,
		custom: map[string]prop{DemoDialpadAttrDepartment: {"title": "Department", "type": "string",
			"externalName": "department", "externalNamespace": scimEnterpriseNamespace}},
	})
	if err != nil {
		return nil, nil, nil, err
	}
	meet, err = b.addApp(appSpec{id: DemoMeetingsAppID, name: DemoMeetingsAppName, label: DemoMeetingsAppLabel,
		base: []appBaseProperty{{name: "userName", title: "Username", required: true}}})
	if err != nil {
		return nil, nil, nil, err
	}

	return hr, dp, meet, nil
}

// setDemoMappings sets the demo seed's profile mappings of those apps.
func (b *orgBuilder) setDemoMappings() error {
	ut := DemoDefaultUserTypeID
	steps := []struct {
		src, tgt string
		props    map[string]mappingProp
	}{
		{DemoHRAppID, ut, map[string]mappingProp{
			"firstName": {"appuser.givenName", "PUSH"}, "lastName": {"appuser.familyName", "PUSH"},
			"email": {"appuser.email", "PUSH"}, "login": {"appuser.userName", "PUSH"},
			"title": {"appuser.title", "PUSH"}, "department": {"appuser.department", "PUSH"},
			"displayName":           {"appuser.givenName + ' ' + appuser.familyName", "PUSH"},
			DemoUserAttrBadgeNumber: {"appuser." + DemoHRAttrBadgeNumber, "PUSH"},
		}},
		{ut, DemoHRAppID, map[string]mappingProp{
			"givenName": {"user.firstName", "DONT_PUSH"}, "familyName": {"user.lastName", "DONT_PUSH"},
			"email": {"user.email", "DONT_PUSH"},
		}},
		{DemoDialpadAppID, ut, map[string]mappingProp{
			"firstName": {"appuser.givenName", "DONT_PUSH"}, "lastName": {"appuser.familyName", "DONT_PUSH"},
			"email": {"appuser.email", "DONT_PUSH"},
		}},
		{ut, DemoDialpadAppID, map[string]mappingProp{
			"givenName": {"user.firstName", "PUSH"}, "familyName": {"user.lastName", "PUSH"},
			"email": {"user.email", "PUSH"}, "displayName": {"user.firstName + ' ' + user.lastName", "PUSH"},
			DemoDialpadAttrDepartment: {"user.department", "PUSH"},
		}},
		{ut, DemoMeetingsAppID, map[string]mappingProp{"userName": {"user.login", "PUSH"}}},
	}
	for _, s := range steps {
		if err := b.setMapping(s.src, s.tgt, s.props); err != nil {
			return err
		}
	}
	return nil
}

// provisionAppUsers fills app user profiles from the Okta->app mappings, as Okta does on assignment.
func (b *orgBuilder) provisionAppUsers() {
	for _, m := range b.o.mappings {
		if b.o.appsByID[m.targetID] != nil {
			b.o.applyMapping(m, false, seedTime)
		}
	}
}

// seedFile is the JSON seed format accepted by Options.Seed (a path). Every field is optional.
type seedFile struct {
	UserAttributes map[string]prop `json:"user_attributes"`
	Users          []struct {
		ID      string         `json:"id"`
		Status  string         `json:"status"`
		Profile map[string]any `json:"profile"`
	} `json:"users"`
	Apps []struct {
		ID            string          `json:"id"`
		Name          string          `json:"name"`
		Label         string          `json:"label"`
		SignOnMode    string          `json:"sign_on_mode"`
		Provisioning  bool            `json:"provisioning"`
		ProfileSource bool            `json:"profile_source"`
		Attributes    map[string]prop `json:"attributes"`
		Users         []struct {
			ID   string         `json:"id"`
			SCIM map[string]any `json:"scim"`
		} `json:"users"`
		MappingsToOkta   map[string]mappingProp `json:"mappings_to_okta"`
		MappingsFromOkta map[string]mappingProp `json:"mappings_from_okta"`
	} `json:"apps"`
}

func fileOrg(path string) (*org, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f seedFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	b := newOrgBuilder()
	for _, name := range sortedKeys(f.UserAttributes) {
		if err := b.addAttribute(b.o.userSchema("default"), name, f.UserAttributes[name]); err != nil {
			return nil, err
		}
	}
	for _, u := range f.Users {
		p := u.Profile
		if p == nil {
			p = map[string]any{}
		}
		if _, err := b.addUser(u.ID, u.Status, p); err != nil {
			return nil, err
		}
	}
	ut := b.o.defaultUserType().id
	for _, sa := range f.Apps {
		if sa.Name == "" || sa.Label == "" {
			return nil, fmt.Errorf("every app needs a name and a label")
		}
		base := []appBaseProperty{{name: "userName", title: "Username", required: true}}
		if sa.Provisioning {
			base = scimBaseProperties
		}
		a, err := b.addApp(appSpec{id: sa.ID, name: sa.Name, label: sa.Label, signOnMode: sa.SignOnMode,
			provisioning: sa.Provisioning, profileSource: sa.ProfileSource, base: base, custom: sa.Attributes})
		if err != nil {
			return nil, err
		}
		for _, au := range sa.Users {
			if err := b.assign(a, au.ID, au.SCIM); err != nil {
				return nil, err
			}
		}
		if err := b.setMapping(a.id, ut, sa.MappingsToOkta); err != nil {
			return nil, err
		}
		if err := b.setMapping(ut, a.id, sa.MappingsFromOkta); err != nil {
			return nil, err
		}
	}
	b.provisionAppUsers()
	return b.o, nil
}
