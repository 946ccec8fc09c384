package oktaemu

import (
	"maps"
	"slices"
	"time"
)

// prop is one schema property as Okta renders it. Stored props are never mutated in place: writes
// replace them, so older schema versions (kept for the consistency delay) stay intact.
type prop = map[string]any

// versioned keeps the recent history of an object so that GETs can lag writes (ConsistencyDelay).
type versioned[T any] struct{ hist []stamped[T] }

type stamped[T any] struct {
	at time.Time
	v  T
}

func newVersioned[T any](at time.Time, v T) versioned[T] {
	return versioned[T]{hist: []stamped[T]{{at, v}}}
}

func (v *versioned[T]) current() T { return v.hist[len(v.hist)-1].v }

func (v *versioned[T]) put(at time.Time, x T) {
	v.hist = append(v.hist, stamped[T]{at, x})
	if len(v.hist) > 256 {
		v.hist = slices.Clone(v.hist[len(v.hist)-128:])
	}
}

// visible is what a GET sees: the newest version written at least delay ago (the oldest kept one if
// every version is newer).
func (v *versioned[T]) visible(now time.Time, delay time.Duration) T {
	if delay <= 0 {
		return v.current()
	}
	cutoff := now.Add(-delay)
	for i := len(v.hist) - 1; i >= 0; i-- {
		if !v.hist[i].at.After(cutoff) {
			return v.hist[i].v
		}
	}
	return v.hist[0].v
}

// schemaDoc is one version of a user or app user schema. Immutable once stored.
type schemaDoc struct {
	lastUpdated  time.Time
	baseOrder    []string
	baseRequired []string
	base         map[string]prop
	custom       map[string]prop
}

func (d *schemaDoc) clone() *schemaDoc {
	c := *d
	c.base = maps.Clone(d.base)
	c.custom = maps.Clone(d.custom)
	return &c
}

// property returns a base or custom property of the schema.
func (d *schemaDoc) property(name string) (prop, bool) {
	if p, ok := d.custom[name]; ok {
		return p, true
	}
	p, ok := d.base[name]
	return p, ok
}

type schemaObj struct {
	id      string // user schema: "osc..." id; app schema: the app id
	appID   string // empty for user schemas
	name    string
	title   string
	created time.Time
	doc     versioned[*schemaDoc]
	// lastApplied is when the last write was actually applied (the lost-update window runs from it).
	lastApplied time.Time
	// deletedAt records when each custom property (by lower-cased name) was last removed.
	deletedAt map[string]time.Time
}

type userType struct {
	id, name, displayName, description string
	isDefault                          bool
	schemaID                           string
	created                            time.Time
}

type app struct {
	id, name, label, status, signOnMode string
	created, lastUpdated                time.Time
	provisioning                        bool
	profileSource                       bool
	deactivationAction                  string
	schema                              *schemaObj
	appUserTypeID                       string
	assigned                            []string                  // user ids, in assignment order
	scim                                map[string]map[string]any // the app's own record of each assigned user
	appUsers                            map[string]*appUser
}

func (a *app) isAssigned(userID string) bool {
	_, ok := a.appUsers[userID]
	return ok
}

type appUser struct {
	externalID           string
	created, lastUpdated time.Time
	profile              map[string]any
}

type user struct {
	id, status, typeID   string
	created, lastUpdated time.Time
	profile              map[string]any
}

type mappingProp struct {
	Expression string `json:"expression"`
	PushStatus string `json:"pushStatus"`
}

// mappingDoc is one version of a profile mapping's properties. Immutable once stored.
type mappingDoc struct {
	props map[string]mappingProp
}

type mapping struct {
	id, sourceID, targetID string
	doc                    versioned[*mappingDoc]
	lastApplied            time.Time
}

// org is the whole emulated Okta org.
type org struct {
	userTypes    []*userType
	schemas      map[string]*schemaObj // user schemas by id
	apps         []*app
	appsByID     map[string]*app
	users        []*user
	usersByID    map[string]*user
	mappings     []*mapping
	mappingsByID map[string]*mapping
	// sourcePriority lists profile-source app ids, highest priority first (Okta's Profile Sources page).
	sourcePriority []string
}

func newOrg() *org {
	return &org{
		schemas:      map[string]*schemaObj{},
		appsByID:     map[string]*app{},
		usersByID:    map[string]*user{},
		mappingsByID: map[string]*mapping{},
	}
}

func (o *org) defaultUserType() *userType {
	for _, t := range o.userTypes {
		if t.isDefault {
			return t
		}
	}
	return nil
}

// userType resolves a user type id; "default" names the default type.
func (o *org) userType(id string) *userType {
	if id == "default" {
		return o.defaultUserType()
	}
	for _, t := range o.userTypes {
		if t.id == id {
			return t
		}
	}
	return nil
}

// userSchema resolves a user schema id; "default" names the default type's schema.
func (o *org) userSchema(id string) *schemaObj {
	if id == "default" {
		if t := o.defaultUserType(); t != nil {
			return o.schemas[t.schemaID]
		}
		return nil
	}
	return o.schemas[id]
}

func (o *org) userTypeBySchema(schemaID string) *userType {
	for _, t := range o.userTypes {
		if t.schemaID == schemaID {
			return t
		}
	}
	return nil
}

// mappingFor returns the mapping between a source and a target (app id or user type id).
func (o *org) mappingFor(sourceID, targetID string) *mapping {
	if t := o.userType(sourceID); t != nil {
		sourceID = t.id
	}
	if t := o.userType(targetID); t != nil {
		targetID = t.id
	}
	for _, m := range o.mappings {
		if m.sourceID == sourceID && m.targetID == targetID {
			return m
		}
	}
	return nil
}

// profileMaster is the app that masters a user's profile: the highest-priority profile source the user
// is assigned to, or nil when Okta itself is.
func (o *org) profileMaster(userID string) *app {
	for _, id := range o.sourcePriority {
		a := o.appsByID[id]
		if a != nil && a.profileSource && a.isAssigned(userID) {
			return a
		}
	}
	return nil
}

// mayWrite decides whether app a may write the user attribute described by p for user u, following
// Okta's attribute-level sourcing: master PROFILE_MASTER (or unset) defers to the user's profile master,
// OKTA never lets an app write, OVERRIDE follows its priority list.
func (o *org) mayWrite(a *app, p prop, userID string) bool {
	mtype, prio := masterOf(p)
	switch mtype {
	case "OKTA":
		return false
	case "OVERRIDE":
		for _, entry := range prio {
			if entry.typ == "OKTA" {
				return false
			}
			src := o.appsByID[entry.value]
			if src != nil && src.isAssigned(userID) {
				return src.id == a.id
			}
		}
		return false
	default:
		m := o.profileMaster(userID)
		return m != nil && m.id == a.id
	}
}

type priorityEntry struct{ typ, value string }

func masterOf(p prop) (string, []priorityEntry) {
	m, _ := p["master"].(map[string]any)
	if m == nil {
		return "PROFILE_MASTER", nil
	}
	t, _ := m["type"].(string)
	var out []priorityEntry
	list, _ := m["priority"].([]any)
	for _, e := range list {
		em, _ := e.(map[string]any)
		typ, _ := em["type"].(string)
		val, _ := em["value"].(string)
		out = append(out, priorityEntry{typ, val})
	}
	return t, out
}
