package oktaemu

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"time"
)

// mappingEnd renders a mapping's source or target as Okta does.
func (e *Emulator) mappingEnd(r *http.Request, id string) map[string]any {
	o := origin(r)
	if a := e.org.appsByID[id]; a != nil {
		return map[string]any{
			"id": a.id, "name": a.name, "type": "appuser",
			"_links": map[string]any{
				"self":   href(o + "/api/v1/apps/" + a.id),
				"schema": href(o + "/api/v1/meta/schemas/apps/" + a.id + "/default"),
			},
		}
	}
	t := e.org.userType(id)
	if t == nil {
		return map[string]any{"id": id}
	}
	return map[string]any{
		"id": t.id, "name": t.name, "type": "user",
		"_links": map[string]any{
			"self":   href(o + "/api/v1/meta/types/user/" + t.id),
			"schema": href(o + "/api/v1/meta/schemas/user/" + t.schemaID),
		},
	}
}

func (e *Emulator) renderMapping(r *http.Request, m *mapping, d *mappingDoc, withProps bool) map[string]any {
	out := map[string]any{
		"id":     m.id,
		"source": e.mappingEnd(r, m.sourceID),
		"target": e.mappingEnd(r, m.targetID),
		"_links": map[string]any{"self": href(origin(r) + "/api/v1/mappings/" + m.id)},
	}
	if withProps {
		props := map[string]any{}
		for k, v := range d.props {
			props[k] = v
		}
		out["properties"] = props
	}
	return out
}

func (e *Emulator) listMappings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e.mu.Lock()
	defer e.mu.Unlock()
	src, tgt := q.Get("sourceId"), q.Get("targetId")
	for _, id := range []*string{&src, &tgt} {
		if *id == "" {
			continue
		}
		if t := e.org.userType(*id); t != nil {
			*id = t.id
		} else if e.org.appsByID[*id] == nil {
			// terraform-provider-okta #431: an id that is neither an app nor a user type.
			e.writeErrorLocked(w, errBadRequest("Invalid source or target id. Source or target id must be of either App Instance or UserType id"))
			return
		}
	}
	var hits []*mapping
	for _, m := range e.org.mappings {
		if (src != "" && m.sourceID != src) || (tgt != "" && m.targetID != tgt) {
			continue
		}
		hits = append(hits, m)
	}
	writePage(e, w, r, hits, func(m *mapping) string { return m.id }, 20, 200,
		func(m *mapping) any { return e.renderMapping(r, m, nil, false) })
}

func (e *Emulator) getMapping(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.org.mappingsByID[r.PathValue("id")]
	if m == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), "ProfileMapping"))
		return
	}
	writeJSON(w, http.StatusOK, e.renderMapping(r, m, m.doc.visible(time.Now(), e.knobs.consistencyDelay), true))
}

func (e *Emulator) postMapping(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if apiErr := decodeBody(r, &body); apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.org.mappingsByID[r.PathValue("id")]
	if m == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), "ProfileMapping"))
		return
	}
	if body.Properties == nil {
		e.writeErrorLocked(w, errValidation("mapping", "properties: The field cannot be left blank."))
		return
	}
	now := time.Now()
	cur, overwrites := arrivalBase(&m.doc, now, arrival(r))
	next := &mappingDoc{props: maps.Clone(cur.props)}
	var causes []string
	removed := 0
	for _, target := range sortedKeys(body.Properties) {
		raw := body.Properties[target]
		if isNull(raw) {
			if _, ok := next.props[target]; ok {
				delete(next.props, target)
				removed++
			}
			continue
		}
		var in struct {
			Expression *string `json:"expression"`
			PushStatus *string `json:"pushStatus"`
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			causes = append(causes, fmt.Sprintf("Property %s must be an object with expression and pushStatus.", target))
			continue
		}
		mp, cs := e.org.checkMappingProperty(m, target, in.Expression, in.PushStatus, cur.props[target], e.knobs.refuseDontPushFromSource)
		if len(cs) > 0 {
			causes = append(causes, cs...)
			continue
		}
		next.props[target] = mp
	}
	if len(causes) > 0 {
		e.writeErrorLocked(w, errValidation("mapping", causes...))
		return
	}
	if e.loseThisWrite(r) {
		// A lost_update rule: an overlapping writer's copy, read before this write, commits after it.
		m.doc.put(now, &mappingDoc{props: maps.Clone(m.doc.current().props)})
		m.lastApplied = now
		writeJSON(w, http.StatusOK, e.renderMapping(r, m, next, true))
		return
	}
	if e.knobs.lostUpdateWindow > 0 && now.Sub(m.lastApplied) < e.knobs.lostUpdateWindow {
		e.stats.dropped++
		writeJSON(w, http.StatusOK, e.renderMapping(r, m, next, true))
		return
	}
	if overwrites {
		e.stats.dropped++ // the write committed since this one arrived is lost
	}
	m.doc.put(now, next)
	m.lastApplied = now
	e.stats.deletes += removed
	writeJSON(w, http.StatusOK, e.renderMapping(r, m, next, true))
}

// checkMappingProperty validates one property mapping: the target attribute exists, the expression
// only reads attributes the source has, and PUSH is only used by profile-source apps.
// With refuseDontPush, DONT_PUSH from a profile-source app is refused as well.
func (o *org) checkMappingProperty(m *mapping, target string, expr, push *string, old mappingProp, refuseDontPush bool) (mappingProp, []string) {
	var causes []string
	tdoc := o.schemaDocOf(m.targetID)
	if tdoc == nil {
		return mappingProp{}, []string{"The mapping target no longer exists."}
	}
	if _, ok := tdoc.property(target); !ok {
		causes = append(causes, fmt.Sprintf("Property %s does not exist in the target schema %s.", target, o.endpointName(m.targetID)))
	}
	if expr == nil || *expr == "" {
		causes = append(causes, fmt.Sprintf("Property %s: expression is required.", target))
		return mappingProp{}, causes
	}
	terms, err := parseExpr(*expr)
	if err != nil {
		return mappingProp{}, append(causes, fmt.Sprintf("Invalid expression for property %s: %v", target, err))
	}
	srcApp := o.appsByID[m.sourceID]
	sdoc := o.schemaDocOf(m.sourceID)
	userDoc := o.schemaDocOf(o.defaultUserType().id)
	for _, t := range terms {
		switch t.root {
		case "source":
			if _, ok := sdoc.property(t.name); !ok {
				causes = append(causes, fmt.Sprintf("Invalid expression for property %s: source.%s is not an attribute of %s.", target, t.name, o.endpointName(m.sourceID)))
			}
		case "appuser":
			if srcApp == nil {
				causes = append(causes, fmt.Sprintf("Invalid expression for property %s: appuser is only available when the source is an app.", target))
			} else if _, ok := sdoc.property(t.name); !ok {
				causes = append(causes, fmt.Sprintf("Invalid expression for property %s: appuser.%s is not an attribute of %s.", target, t.name, srcApp.name))
			}
		case "user":
			doc := userDoc
			if srcApp == nil {
				doc = sdoc
			}
			if _, ok := doc.property(t.name); !ok {
				causes = append(causes, fmt.Sprintf("Invalid expression for property %s: user.%s is not an attribute of the Okta user profile.", target, t.name))
			}
		}
	}
	status := old.PushStatus
	if push != nil {
		status = *push
	}
	if status == "" {
		status = "PUSH"
		if srcApp != nil && !srcApp.profileSource {
			status = "DONT_PUSH"
		}
	}
	switch status {
	case "PUSH":
		if srcApp != nil && !srcApp.profileSource {
			causes = append(causes, "Push status is allowed for profile mastering enabled apps only")
		}
	case "DONT_PUSH":
		if srcApp != nil && srcApp.profileSource && refuseDontPush {
			// terraform-provider-okta #807 (an org refusing DONT_PUSH from a profile-mastering source).
			causes = append(causes, "Profile mastering enabled apps support push status only")
		}
	default:
		causes = append(causes, fmt.Sprintf("Property %s: pushStatus must be PUSH or DONT_PUSH.", target))
	}
	return mappingProp{Expression: *expr, PushStatus: status}, causes
}

// schemaDocOf is the current schema of a mapping end (app id or user type id).
func (o *org) schemaDocOf(id string) *schemaDoc {
	if a := o.appsByID[id]; a != nil {
		return a.schema.doc.current()
	}
	if t := o.userType(id); t != nil {
		if s := o.schemas[t.schemaID]; s != nil {
			return s.doc.current()
		}
	}
	return nil
}

// reapply serves Okta's internal PUT /api/internal/v1/mappings/reapply?source=..&target=..
func (e *Emulator) reapply(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	src, tgt := q.Get("source"), q.Get("target")
	e.mu.Lock()
	defer e.mu.Unlock()
	if src == "" || tgt == "" {
		e.writeErrorLocked(w, errValidation("reapply", "source and target are required."))
		return
	}
	m := e.org.mappingFor(src, tgt)
	if m == nil {
		e.writeErrorLocked(w, errNotFound(src+"->"+tgt, "ProfileMapping"))
		return
	}
	e.org.applyMapping(m, false, time.Now())
	w.WriteHeader(http.StatusNoContent)
}

// applyMapping applies a mapping's current properties to every existing user it covers. App-to-Okta
// mappings write Okta profiles only where the attribute's source rules let the app write; onlyPush
// restricts to PUSH properties (an import). It returns how many profiles changed.
func (o *org) applyMapping(m *mapping, onlyPush bool, now time.Time) int {
	doc := m.doc.current()
	changed := 0
	if a := o.appsByID[m.sourceID]; a != nil {
		t := o.userType(m.targetID)
		if t == nil {
			return 0
		}
		udoc := o.schemas[t.schemaID].doc.current()
		for _, uid := range a.assigned {
			u := o.usersByID[uid]
			if u == nil || u.typeID != t.id {
				continue
			}
			au := a.appUsers[uid]
			dirty := false
			for _, target := range sortedKeys(doc.props) {
				mp := doc.props[target]
				if onlyPush && mp.PushStatus != "PUSH" {
					continue
				}
				p, ok := udoc.property(target)
				if !ok || !o.mayWrite(a, p, uid) {
					continue
				}
				terms, err := parseExpr(mp.Expression)
				if err != nil {
					continue
				}
				v := evalExpr(terms, au.profile, au.profile, u.profile)
				if old, had := u.profile[target]; !had || !jsonEqual(old, v) {
					u.profile = maps.Clone(u.profile)
					u.profile[target] = v
					dirty = true
				}
			}
			if dirty {
				u.lastUpdated = now
				changed++
			}
		}
		return changed
	}
	a := o.appsByID[m.targetID]
	if a == nil {
		return 0
	}
	for _, uid := range a.assigned {
		u := o.usersByID[uid]
		au := a.appUsers[uid]
		if u == nil || au == nil {
			continue
		}
		dirty := false
		for _, target := range sortedKeys(doc.props) {
			mp := doc.props[target]
			if onlyPush && mp.PushStatus != "PUSH" {
				continue
			}
			terms, err := parseExpr(mp.Expression)
			if err != nil {
				continue
			}
			v := evalExpr(terms, u.profile, nil, u.profile)
			if old, had := au.profile[target]; !had || !jsonEqual(old, v) {
				au.profile = maps.Clone(au.profile)
				au.profile[target] = v
				dirty = true
			}
		}
		if dirty {
			au.lastUpdated = now
			changed++
		}
	}
	return changed
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
