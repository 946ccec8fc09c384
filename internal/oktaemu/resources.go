package oktaemu

import (
	"net/http"
	"strings"
	"time"
)

// --- user types ---

func (e *Emulator) renderUserType(r *http.Request, t *userType) map[string]any {
	o := origin(r)
	return map[string]any{
		"id":            t.id,
		"name":          t.name,
		"displayName":   t.displayName,
		"description":   t.description,
		"default":       t.isDefault,
		"created":       oktaTime(t.created),
		"createdBy":     seedAdminID,
		"lastUpdated":   oktaTime(t.created),
		"lastUpdatedBy": seedAdminID,
		"_links": map[string]any{
			"self":   hrefMethod(o+"/api/v1/meta/types/user/"+t.id, "GET"),
			"schema": hrefMethod(o+"/api/v1/meta/schemas/user/"+t.schemaID, "GET"),
		},
	}
}

func (e *Emulator) listUserTypes(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []any{}
	for _, t := range e.org.userTypes {
		out = append(out, e.renderUserType(r, t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) getUserType(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.org.userType(r.PathValue("id"))
	if t == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), "UserType"))
		return
	}
	writeJSON(w, http.StatusOK, e.renderUserType(r, t))
}

// maxUserTypes is Okta's limit: the default user type and up to nine more.
const maxUserTypes = 10

// createUserType serves POST /api/v1/meta/types/user. As in Okta, the new type gets its own schema,
// copied from the default type's base properties (custom attributes are not copied), and every app
// gets a mapping from and to it.
func (e *Emulator) createUserType(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		Description string `json:"description"`
	}
	if apiErr := decodeBody(r, &body); apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var causes []string
	switch {
	case body.Name == "":
		causes = append(causes, "name: The field cannot be left blank")
	case !variableName.MatchString(body.Name):
		causes = append(causes, "name: The name must contain only letters, digits and underscores, and must not start with a digit")
	}
	if body.DisplayName == "" {
		causes = append(causes, "displayName: The field cannot be left blank")
	}
	for _, t := range e.org.userTypes {
		if strings.EqualFold(t.name, body.Name) {
			causes = append(causes, "name: A user type with this name already exists")
		}
	}
	if len(e.org.userTypes) >= maxUserTypes {
		causes = append(causes, "You may add up to nine user types besides the default one")
	}
	if len(causes) > 0 {
		e.writeErrorLocked(w, errValidation("UserType", causes...))
		return
	}
	def := e.org.defaultUserType()
	now := time.Now()
	doc := e.org.schemas[def.schemaID].doc.current().clone()
	doc.custom, doc.lastUpdated = map[string]prop{}, now
	s := &schemaObj{id: "osc" + e.randID(17), name: body.Name, title: body.DisplayName, created: now,
		doc: newVersioned(now, doc), deletedAt: map[string]time.Time{}}
	e.org.schemas[s.id] = s
	t := &userType{id: "oty" + e.randID(17), name: body.Name, displayName: body.DisplayName,
		description: body.Description, schemaID: s.id, created: now}
	e.org.userTypes = append(e.org.userTypes, t)
	for _, a := range e.org.apps {
		for _, pair := range [][2]string{{a.id, t.id}, {t.id, a.id}} {
			m := &mapping{id: "prm" + e.randID(17), sourceID: pair[0], targetID: pair[1],
				doc: newVersioned(now, &mappingDoc{props: map[string]mappingProp{}})}
			e.org.mappings = append(e.org.mappings, m)
			e.org.mappingsByID[m.id] = m
		}
	}
	writeJSON(w, http.StatusOK, e.renderUserType(r, t))
}

// --- apps ---

// appFeatures is what Okta reports for an app: provisioning features, plus PROFILE_MASTERING exactly
// when the app is a profile source.
func appFeatures(a *app) []string {
	f := []string{}
	if a.provisioning {
		f = append(f, "IMPORT_NEW_USERS", "IMPORT_PROFILE_UPDATES", "IMPORT_USER_SCHEMA", "PUSH_NEW_USERS",
			"PUSH_PROFILE_UPDATES", "PUSH_USER_DEACTIVATION", "REACTIVATE_USERS", "SCIM_PROVISIONING")
	}
	if a.profileSource {
		f = append(f, "PROFILE_MASTERING")
	}
	return f
}

func (e *Emulator) renderApp(r *http.Request, a *app) map[string]any {
	o := origin(r)
	return map[string]any{
		"id":          a.id,
		"name":        a.name,
		"label":       a.label,
		"status":      a.status,
		"signOnMode":  a.signOnMode,
		"created":     oktaTime(a.created),
		"lastUpdated": oktaTime(a.lastUpdated),
		"features":    appFeatures(a),
		"accessibility": map[string]any{
			"selfService": false,
		},
		"visibility": map[string]any{
			"autoSubmitToolbar": false,
			"hide":              map[string]any{"iOS": false, "web": false},
		},
		"credentials": map[string]any{
			"userNameTemplate": map[string]any{"template": "${source.login}", "type": "BUILT_IN"},
			"signing":          map[string]any{},
		},
		"settings": map[string]any{"app": map[string]any{}},
		"_links": map[string]any{
			"users":      href(o + "/api/v1/apps/" + a.id + "/users"),
			"groups":     href(o + "/api/v1/apps/" + a.id + "/groups"),
			"deactivate": hrefMethod(o+"/api/v1/apps/"+a.id+"/lifecycle/deactivate", "POST"),
		},
	}
}

func (e *Emulator) listApps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	match, apiErr := parseAppFilter(q.Get("filter"))
	if apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	prefix := strings.ToLower(q.Get("q"))
	e.mu.Lock()
	defer e.mu.Unlock()
	var hits []*app
	for _, a := range e.org.apps {
		if prefix != "" && !strings.HasPrefix(strings.ToLower(a.label), prefix) && !strings.HasPrefix(strings.ToLower(a.name), prefix) {
			continue
		}
		if !match(a) {
			continue
		}
		hits = append(hits, a)
	}
	writePage(e, w, r, hits, func(a *app) string { return a.id }, 20, 200,
		func(a *app) any { return e.renderApp(r, a) })
}

// parseAppFilter understands the filters Okta documents for apps that this provider can need:
// id, status, name (from the spec) and user.id, each with eq, joined by and/or.
func parseAppFilter(f string) (func(*app) bool, *apiError) {
	if strings.TrimSpace(f) == "" {
		return func(*app) bool { return true }, nil
	}
	conds, err := parseFilterExpr(f)
	if err != nil {
		return nil, errValidation("filter", "Invalid filter: "+err.Error())
	}
	for _, c := range conds.all() {
		if c.op != "eq" || (c.attr != "id" && c.attr != "status" && c.attr != "name" && c.attr != "user.id") {
			return nil, errValidation("filter", "Invalid filter: the apps filter supports id, status, name and user.id with eq.")
		}
	}
	return func(a *app) bool {
		return conds.eval(func(attr string) (any, bool) {
			switch attr {
			case "id":
				return a.id, true
			case "status":
				return a.status, true
			case "name":
				return a.name, true
			case "user.id":
				return nil, false
			}
			return nil, false
		}, func(c cond) bool {
			if c.attr == "user.id" {
				s, _ := c.value.(string)
				return a.isAssigned(s)
			}
			return false
		})
	}, nil
}

// pathApp returns the app the path's {id} names, or answers 404 and returns nil. Callers hold e.mu.
func (e *Emulator) pathApp(w http.ResponseWriter, r *http.Request) *app {
	a := e.org.appsByID[r.PathValue("id")]
	if a == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), "AppInstance"))
	}
	return a
}

func (e *Emulator) getApp(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	writeJSON(w, http.StatusOK, e.renderApp(r, a))
}

func (e *Emulator) renderAppUser(r *http.Request, a *app, userID string, au *appUser) map[string]any {
	o := origin(r)
	userName, _ := au.profile["userName"].(string)
	if userName == "" {
		if u := e.org.usersByID[userID]; u != nil {
			userName, _ = u.profile["login"].(string)
		}
	}
	return map[string]any{
		"id":              userID,
		"externalId":      au.externalID,
		"created":         oktaTime(au.created),
		"lastUpdated":     oktaTime(au.lastUpdated),
		"scope":           "USER",
		"status":          "PROVISIONED",
		"statusChanged":   oktaTime(au.created),
		"passwordChanged": nil,
		"syncState":       "SYNCHRONIZED",
		"lastSync":        oktaTime(au.lastUpdated),
		"credentials":     map[string]any{"userName": userName},
		"profile":         au.profile,
		"_links": map[string]any{
			"app":  href(o + "/api/v1/apps/" + a.id),
			"user": href(o + "/api/v1/users/" + userID),
		},
	}
}

func (e *Emulator) listAppUsers(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	// expand=user embeds each user (_embedded.user), as Okta's List all assigned users documents.
	expand := r.URL.Query().Get("expand") == "user"
	writePage(e, w, r, a.assigned, func(id string) string { return id }, 50, 500,
		func(id string) any {
			au := e.renderAppUser(r, a, id, a.appUsers[id])
			if u := e.org.usersByID[id]; expand && u != nil {
				au["_embedded"] = map[string]any{"user": e.renderUser(r, u)}
			}
			return au
		})
}

func (e *Emulator) getAppUser(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	au := a.appUsers[r.PathValue("userId")]
	if au == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("userId"), "AppUser"))
		return
	}
	writeJSON(w, http.StatusOK, e.renderAppUser(r, a, r.PathValue("userId"), au))
}

func (e *Emulator) listAppUserTypes(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	o := origin(r)
	writeJSON(w, http.StatusOK, []any{map[string]any{
		"id":          a.appUserTypeID,
		"name":        a.name + "_user",
		"displayName": a.label + " User",
		"description": a.label + " user profile",
		"default":     true,
		"created":     oktaTime(a.created),
		"lastUpdated": oktaTime(a.created),
		"_links": map[string]any{
			"self":   hrefMethod(o+"/api/v1/apps/"+a.id+"/user/types/"+a.appUserTypeID, "GET"),
			"schema": hrefMethod(o+"/api/v1/meta/schemas/apps/"+a.id+"/default", "GET"),
		},
	}})
}

// --- users ---

func (e *Emulator) renderUser(r *http.Request, u *user) map[string]any {
	o := origin(r)
	return map[string]any{
		"id":              u.id,
		"status":          u.status,
		"created":         oktaTime(u.created),
		"activated":       oktaTime(u.created),
		"statusChanged":   oktaTime(u.created),
		"lastLogin":       nil,
		"lastUpdated":     oktaTime(u.lastUpdated),
		"passwordChanged": oktaTime(u.created),
		"type":            map[string]any{"id": u.typeID},
		"profile":         u.profile,
		"credentials": map[string]any{
			"provider": map[string]any{"type": "OKTA", "name": "OKTA"},
		},
		"_links": map[string]any{"self": href(o + "/api/v1/users/" + u.id)},
	}
}

func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	expr := q.Get("search")
	if expr == "" {
		expr = q.Get("filter")
	}
	var conds *condExpr
	if strings.TrimSpace(expr) != "" {
		c, err := parseFilterExpr(expr)
		if err != nil {
			e.writeError(w, newAPIError(http.StatusBadRequest, "E0000031", "Invalid search criteria.", err.Error()))
			return
		}
		conds = c
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var hits []*user
	for _, u := range e.org.users {
		if conds != nil && !conds.eval(func(attr string) (any, bool) { return userAttr(u, attr) }, nil) {
			continue
		}
		// Without a search, Okta lists every user except DEPROVISIONED ones.
		if conds == nil && u.status == "DEPROVISIONED" {
			continue
		}
		hits = append(hits, u)
	}
	writePage(e, w, r, hits, func(u *user) string { return u.id }, 200, 200,
		func(u *user) any { return e.renderUser(r, u) })
}

func userAttr(u *user, attr string) (any, bool) {
	switch attr {
	case "id":
		return u.id, true
	case "status":
		return u.status, true
	case "type.id":
		return u.typeID, true
	}
	if name, ok := strings.CutPrefix(attr, "profile."); ok {
		v, ok := u.profile[name]
		return v, ok && v != nil
	}
	return nil, false
}

func (e *Emulator) getUser(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("id")
	u := e.org.usersByID[id]
	if u == nil {
		// Okta also accepts a login in place of the id.
		for _, cand := range e.org.users {
			if login, _ := cand.profile["login"].(string); strings.EqualFold(login, id) {
				u = cand
				break
			}
		}
	}
	if u == nil {
		e.writeErrorLocked(w, errNotFound(id, "User"))
		return
	}
	writeJSON(w, http.StatusOK, e.renderUser(r, u))
}
