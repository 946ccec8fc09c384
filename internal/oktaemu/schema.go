package oktaemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

func (e *Emulator) getUserSchema(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.org.userSchema(r.PathValue("id"))
	if s == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), "UserSchema"))
		return
	}
	writeJSON(w, http.StatusOK, e.renderSchema(r, s, s.doc.visible(time.Now(), e.knobs.consistencyDelay)))
}

func (e *Emulator) postUserSchema(w http.ResponseWriter, r *http.Request) {
	e.postSchema(w, r, func() *schemaObj { return e.org.userSchema(r.PathValue("id")) }, "UserSchema")
}

func (e *Emulator) getAppSchema(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	writeJSON(w, http.StatusOK, e.renderSchema(r, a.schema, a.schema.doc.visible(time.Now(), e.knobs.consistencyDelay)))
}

func (e *Emulator) postAppSchema(w http.ResponseWriter, r *http.Request) {
	e.postSchema(w, r, func() *schemaObj {
		if a := e.org.appsByID[r.PathValue("id")]; a != nil {
			return a.schema
		}
		return nil
	}, "AppInstance")
}

// schemaPatch is the part of a UserSchema POST body the emulator acts on.
type schemaPatch struct {
	Definitions *struct {
		Custom *struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"custom"`
		Base *struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"base"`
	} `json:"definitions"`
}

func (e *Emulator) postSchema(w http.ResponseWriter, r *http.Request, find func() *schemaObj, kind string) {
	var patch schemaPatch
	if apiErr := decodeBody(r, &patch); apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := find()
	if s == nil {
		e.writeErrorLocked(w, errNotFound(r.PathValue("id"), kind))
		return
	}
	now := time.Now()
	base, overwrites := arrivalBase(&s.doc, now, arrival(r))
	next, removed, apiErr := e.applySchemaPatch(s, base, patch, now)
	if apiErr != nil {
		e.writeErrorLocked(w, apiErr)
		return
	}
	if e.loseThisWrite(r) {
		// A lost_update rule: another writer read the schema just before this write and commits
		// its copy just after it, so Okta answers this write 200 and keeps the other one whole.
		stale := s.doc.current().clone()
		stale.lastUpdated = now
		s.doc.put(now, stale)
		s.lastApplied = now
		writeJSON(w, http.StatusOK, e.renderSchema(r, s, next))
		return
	}
	if e.knobs.lostUpdateWindow > 0 && now.Sub(s.lastApplied) < e.knobs.lostUpdateWindow {
		// Okta answers concurrent schema writes with success and keeps only one of them.
		e.stats.dropped++
		writeJSON(w, http.StatusOK, e.renderSchema(r, s, next))
		return
	}
	if overwrites {
		e.stats.dropped++ // the write committed since this one arrived is lost
	}
	s.doc.put(now, next)
	s.lastApplied = now
	for _, name := range removed {
		s.deletedAt[strings.ToLower(name)] = now
		e.org.dropProfileValues(s, name)
	}
	e.stats.deletes += len(removed)
	writeJSON(w, http.StatusOK, e.renderSchema(r, s, next))
}

// maxBody bounds request bodies; schema and mapping writes are a few kilobytes.
const maxBody = 1 << 20

// decodeBody decodes a JSON request body; a malformed body is Okta's 400 E0000003.
func decodeBody(r *http.Request, v any) *apiError {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, maxBody)); err != nil {
		return errMalformed(err.Error())
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return errMalformed("The request body is empty.")
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return errMalformed(err.Error())
	}
	return nil
}

var (
	variableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// reservedNames cannot be used for custom attributes (a short excerpt of Okta's reserved list).
	reservedNames = []string{"id", "status", "created", "activated", "statusChanged", "lastLogin", "lastUpdated",
		"passwordChanged", "type", "credentials", "profile", "_links", "_embedded", "password", "provider"}
)

// arrivalBase is the version a write applies to: the one current when the request arrived. Okta
// applies a schema or mapping POST to the object as it read it, so of two overlapping writes the one
// committed last wins whole: the other's new property is missing from the next answer and its deleted
// one reappears (recordings: TestAccResourceOktaUser_customProfileAttributes steps 18-20 and 30-32,
// TestAccResourceOktaAppUserSchemas_parallel_api_calls steps 0-5 and 53-57). overwrites says a write
// committed between the arrival and now, and is lost. Writes that do not overlap are unaffected.
func arrivalBase[T any](v *versioned[T], now, arrived time.Time) (base T, overwrites bool) {
	last := v.hist[len(v.hist)-1].at
	if !last.After(arrived) {
		return v.current(), false
	}
	return v.visible(now, now.Sub(arrived)), true
}

// applySchemaPatch validates a POST body against cur (the version the write applies to) and returns
// the new version and the custom property names it removes. It never mutates a stored version.
// Callers hold e.mu.
func (e *Emulator) applySchemaPatch(s *schemaObj, cur *schemaDoc, patch schemaPatch, now time.Time) (*schemaDoc, []string, *apiError) {
	next := cur.clone()
	var causes, removed []string
	op := "updateUserSchemas"
	if s.appID != "" {
		op = "updateAppUserSchemas"
	}
	if patch.Definitions != nil && patch.Definitions.Base != nil {
		for _, name := range sortedKeys(patch.Definitions.Base.Properties) {
			raw := patch.Definitions.Base.Properties[name]
			old, ok := cur.base[name]
			if !ok {
				causes = append(causes, fmt.Sprintf("Property %s is not a base property of this schema.", name))
				continue
			}
			if isNull(raw) {
				causes = append(causes, fmt.Sprintf("Base property %s cannot be removed.", name))
				continue
			}
			var in map[string]any
			if err := json.Unmarshal(raw, &in); err != nil {
				causes = append(causes, fmt.Sprintf("Property %s must be an object.", name))
				continue
			}
			merged, cs := e.mergeBaseProperty(s, name, old, in)
			causes = append(causes, cs...)
			next.base[name] = merged
		}
	}
	if patch.Definitions != nil && patch.Definitions.Custom != nil {
		for _, name := range sortedKeys(patch.Definitions.Custom.Properties) {
			raw := patch.Definitions.Custom.Properties[name]
			old, exists := cur.custom[name]
			if isNull(raw) {
				if !exists {
					continue // removing an absent property is a no-op, as in Okta
				}
				if c := e.org.deletionBlocker(s, name); c != "" {
					causes = append(causes, c)
					continue
				}
				delete(next.custom, name)
				removed = append(removed, name)
				continue
			}
			var in map[string]any
			if err := json.Unmarshal(raw, &in); err != nil {
				causes = append(causes, fmt.Sprintf("Property %s must be an object.", name))
				continue
			}
			if !exists {
				if cs := e.checkNewName(s, cur, name, now); len(cs) > 0 {
					causes = append(causes, cs...)
					continue
				}
			}
			p, cs := e.normalizeProperty(s, name, in, old)
			if len(cs) > 0 {
				causes = append(causes, cs...)
				continue
			}
			next.custom[name] = p
		}
	}
	if len(causes) > 0 {
		return nil, nil, errValidation(op, causes...)
	}
	next.lastUpdated = now
	return next, removed, nil
}

func (e *Emulator) checkNewName(s *schemaObj, cur *schemaDoc, name string, now time.Time) []string {
	if !variableName.MatchString(name) || len(name) > 100 {
		return []string{fmt.Sprintf("Variable name %q is invalid: Property names should only contain alphanumeric characters and underscores and must not start with a digit.", name)}
	}
	lower := strings.ToLower(name)
	for _, r := range reservedNames {
		if strings.ToLower(r) == lower {
			return []string{fmt.Sprintf("Variable name %s is reserved.", name)}
		}
	}
	for b := range cur.base {
		if strings.ToLower(b) == lower {
			return []string{fmt.Sprintf("Property name %s conflicts with the base property %s.", name, b)}
		}
	}
	for c := range cur.custom {
		if strings.ToLower(c) == lower {
			return []string{fmt.Sprintf("Property name %s conflicts with the existing property %s.", name, c)}
		}
	}
	if at, ok := s.deletedAt[lower]; ok && e.knobs.cleanupDelay > 0 && now.Sub(at) < e.knobs.cleanupDelay {
		return []string{fmt.Sprintf("Cannot create the property %s because the deletion process for an attribute with the same variable name is incomplete. Try again later.", name)}
	}
	return nil
}

// dropProfileValues removes a deleted attribute's values from the profiles the schema describes, as
// Okta's attribute clean-up does.
func (o *org) dropProfileValues(s *schemaObj, name string) {
	if a := o.appsByID[s.appID]; a != nil && s.appID != "" {
		for _, au := range a.appUsers {
			if _, ok := au.profile[name]; ok {
				au.profile = maps.Clone(au.profile)
				delete(au.profile, name)
			}
		}
		return
	}
	t := o.userTypeBySchema(s.id)
	for _, u := range o.users {
		if t != nil && u.typeID == t.id {
			if _, ok := u.profile[name]; ok {
				u.profile = maps.Clone(u.profile)
				delete(u.profile, name)
			}
		}
	}
}

// deletionBlocker explains why a custom property may not be removed: a mapping reads or writes it.
func (o *org) deletionBlocker(s *schemaObj, name string) string {
	var ownID, ownRoot string
	if s.appID != "" {
		ownID, ownRoot = s.appID, "appuser"
	} else {
		t := o.userTypeBySchema(s.id)
		if t == nil {
			return ""
		}
		ownID, ownRoot = t.id, "user"
	}
	for _, m := range o.mappings {
		doc := m.doc.current()
		if m.sourceID == ownID {
			for _, target := range sortedKeys(doc.props) {
				for _, ref := range exprRefs(doc.props[target].Expression, ownRoot, "source") {
					if ref == name {
						return fmt.Sprintf("Property %s cannot be deleted. It is used to populate %s.%s.", name, o.endpointName(m.targetID), target)
					}
				}
			}
		}
		if m.targetID == ownID {
			if mp, ok := doc.props[name]; ok {
				return fmt.Sprintf("Property %s cannot be deleted. It is populated by %s in the mapping from %s.", name, mp.Expression, o.endpointName(m.sourceID))
			}
		}
	}
	return ""
}

// endpointName is how Okta names a mapping end in messages: "user" for user types, the app's name.
func (o *org) endpointName(id string) string {
	if a := o.appsByID[id]; a != nil {
		return a.name
	}
	if t := o.userType(id); t != nil {
		return t.name
	}
	return id
}

var (
	attrTypes       = []string{"string", "boolean", "number", "integer", "array"}
	itemTypes       = []string{"string", "number", "integer", "boolean", "object"}
	scopes          = []string{"NONE", "SELF"}
	permActions     = []string{"HIDE", "READ_ONLY", "READ_WRITE"}
	masterTypes     = []string{"PROFILE_MASTER", "OKTA", "OVERRIDE"}
	mutabilities    = []string{"IMMUTABLE", "READ_ONLY", "READ_WRITE", "WRITE_ONLY"}
	uniqueValues    = []string{"UNIQUE_VALIDATED", "NOT_UNIQUE"}
	unionValues     = []string{"ENABLE", "DISABLE"}
	formatValues    = []string{"country-code", "date-time", "email", "encrypted", "hashed", "language-code", "locale", "ref-id", "timezone", "uri"}
	customPropKeys  = []string{"title", "description", "type", "items", "enum", "oneOf", "minLength", "maxLength", "pattern", "format", "permissions", "scope", "master", "required", "unique", "union", "externalName", "externalNamespace", "mutability", "default"}
	basePatchFields = []string{"permissions", "required", "pattern", "master", "title", "description", "externalName", "externalNamespace"}
)

// normalizeProperty validates a custom property sent whole and returns it as stored (with the defaults
// Okta fills in). old is the stored property it replaces, nil when new.
func (e *Emulator) normalizeProperty(s *schemaObj, name string, in map[string]any, old prop) (prop, []string) {
	var causes []string
	bad := func(format string, a ...any) { causes = append(causes, fmt.Sprintf(format, a...)) }
	p := prop{}
	for _, k := range customPropKeys {
		if v, ok := in[k]; ok && v != nil {
			p[k] = v
		}
	}
	title, _ := p["title"].(string)
	if strings.TrimSpace(title) == "" {
		bad("Property %s: title is required.", name)
	}
	if v, ok := p["description"]; ok {
		if _, isStr := v.(string); !isStr {
			bad("Property %s: description must be a string.", name)
		}
	}
	typ, _ := p["type"].(string)
	if !slices.Contains(attrTypes, typ) {
		bad("Property %s: type must be one of %s.", name, strings.Join(attrTypes, ", "))
	} else if old != nil && old["type"] != typ {
		bad("Property %s: the type cannot be changed from %v to %s.", name, old["type"], typ)
	}
	if typ == "array" {
		items, _ := p["items"].(map[string]any)
		it, _ := items["type"].(string)
		if !slices.Contains(itemTypes, it) {
			bad("Property %s: an array needs items.type (one of %s).", name, strings.Join(itemTypes, ", "))
		}
		if ie, ok := items["enum"]; ok {
			causes = append(causes, checkEnum(name, it, ie, items["oneOf"])...)
		}
		if it == "object" {
			// Recording AppUserSchemas_array_enum_json: object items come back open.
			items = maps.Clone(items)
			items["additionalProperties"] = true
			p["items"] = items
		}
	} else if _, ok := p["items"]; ok {
		bad("Property %s: items is only allowed for arrays.", name)
	}
	if en, ok := p["enum"]; ok {
		if typ == "array" {
			bad("Property %s: enum of an array goes in items.enum.", name)
		} else {
			causes = append(causes, checkEnum(name, typ, en, p["oneOf"])...)
		}
	} else if _, ok := p["oneOf"]; ok {
		bad("Property %s: oneOf requires enum.", name)
	}
	var minL, maxL float64 = -1, -1
	for _, k := range []string{"minLength", "maxLength"} {
		v, ok := p[k]
		if !ok {
			continue
		}
		n, isNum := v.(float64)
		if !isNum || n < 0 || n != math.Trunc(n) {
			bad("Property %s: %s must be a non-negative integer.", name, k)
			continue
		}
		if typ != "string" {
			bad("Property %s: %s is only allowed for strings.", name, k)
		}
		if k == "minLength" {
			minL = n
		} else {
			maxL = n
		}
	}
	if minL >= 0 && maxL >= 0 && minL > maxL {
		bad("Property %s: minLength must not exceed maxLength.", name)
	}
	if v, ok := p["pattern"]; ok {
		pat, isStr := v.(string)
		if s.appID != "" {
			// Okta refuses pattern on app user schemas (terraform-provider-okta #606).
			bad("Property %s: pattern is not supported on app user schemas.", name)
		} else if !isStr || typ != "string" {
			bad("Property %s: pattern must be a string and is only allowed for strings.", name)
		} else if _, err := regexp.Compile(pat); err != nil {
			bad("Property %s: pattern is not a valid regular expression.", name)
		}
	}
	if v, ok := p["format"]; ok {
		if f, _ := v.(string); !slices.Contains(formatValues, f) {
			bad("Property %s: format %v is not supported.", name, v)
		}
	}
	if v, ok := p["scope"]; ok {
		if sc, _ := v.(string); !slices.Contains(scopes, sc) {
			bad("Property %s: scope must be NONE or SELF.", name)
		}
	} else {
		p["scope"] = "NONE"
	}
	if v, ok := p["mutability"]; ok {
		if m, _ := v.(string); !slices.Contains(mutabilities, m) {
			bad("Property %s: mutability %v is not valid.", name, v)
		}
	} else {
		p["mutability"] = "READ_WRITE"
	}
	if v, ok := p["permissions"]; ok {
		causes = append(causes, checkPermissions(name, v)...)
	} else {
		p["permissions"] = []any{map[string]any{"principal": "SELF", "action": "READ_ONLY"}}
	}
	if v, ok := p["required"]; ok {
		if _, isBool := v.(bool); !isBool {
			bad("Property %s: required must be a boolean.", name)
		} else if v == false {
			delete(p, "required") // recordings: required:false is never echoed
		}
	}
	if v, ok := p["unique"]; ok {
		switch u := v.(type) {
		case bool:
			p["unique"] = map[bool]string{true: "UNIQUE_VALIDATED", false: "NOT_UNIQUE"}[u]
		case string:
			if !slices.Contains(uniqueValues, u) {
				bad("Property %s: unique must be UNIQUE_VALIDATED or NOT_UNIQUE.", name)
			}
		default:
			bad("Property %s: unique must be UNIQUE_VALIDATED or NOT_UNIQUE.", name)
		}
		if p["unique"] == "NOT_UNIQUE" {
			delete(p, "unique") // a non-unique property is answered without unique (schemas-doc)
		}
	}
	if v, ok := p["union"]; ok {
		if s.appID == "" {
			bad("Property %s: union is only supported on app user schemas.", name)
		}
		switch u := v.(type) {
		case bool:
			p["union"] = map[bool]string{true: "ENABLE", false: "DISABLE"}[u]
		case string:
			if !slices.Contains(unionValues, u) {
				bad("Property %s: union must be ENABLE or DISABLE.", name)
			}
		default:
			bad("Property %s: union must be ENABLE or DISABLE.", name)
		}
		if typ != "array" {
			delete(p, "union") // recordings: union is kept on arrays only
		}
	}
	for _, k := range []string{"externalName", "externalNamespace"} {
		if v, ok := p[k]; ok {
			if _, isStr := v.(string); !isStr {
				bad("Property %s: %s must be a string.", name, k)
			}
		}
	}
	if v, ok := p["master"]; ok {
		causes = append(causes, e.checkMaster(name, v)...)
	} else if s.appID == "" {
		p["master"] = map[string]any{"type": "PROFILE_MASTER"}
	}
	if s.appID != "" {
		// App user schemas accept these and answer 200 without them (51 of 51 recorded POSTs).
		for _, k := range appDroppedKeys {
			delete(p, k)
		}
	}
	return p, causes
}

// appDroppedKeys are the fields an app user schema takes in a POST and never keeps.
var appDroppedKeys = []string{"permissions", "master", "mutability"}

// mergeBaseProperty applies the few changes Okta allows on a base property.
func (e *Emulator) mergeBaseProperty(s *schemaObj, name string, old prop, in map[string]any) (prop, []string) {
	var causes []string
	merged := maps.Clone(old)
	for _, k := range sortedKeys(in) {
		v := in[k]
		if !slices.Contains(basePatchFields, k) {
			if k == "type" && v != old["type"] {
				causes = append(causes, fmt.Sprintf("Property %s: the type of a base property cannot be changed.", name))
			}
			continue
		}
		switch k {
		case "permissions":
			causes = append(causes, checkPermissions(name, v)...)
		case "master":
			causes = append(causes, e.checkMaster(name, v)...)
		case "required":
			if _, ok := v.(bool); !ok {
				causes = append(causes, fmt.Sprintf("Property %s: required must be a boolean.", name))
			}
		case "pattern":
			if s.appID != "" {
				causes = append(causes, fmt.Sprintf("Property %s: pattern is not supported on app user schemas.", name))
			}
		}
		if s.appID != "" && slices.Contains(appDroppedKeys, k) {
			continue // taken, not kept (recordings: AppUserBaseSchema_change)
		}
		if v == nil || v == false && k == "required" {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	return merged, causes
}

func checkPermissions(name string, v any) []string {
	list, ok := v.([]any)
	if !ok {
		return []string{fmt.Sprintf("Property %s: permissions must be a list.", name)}
	}
	var causes []string
	for _, el := range list {
		m, _ := el.(map[string]any)
		principal, _ := m["principal"].(string)
		action, _ := m["action"].(string)
		if principal != "SELF" {
			causes = append(causes, fmt.Sprintf("Property %s: permission principal must be SELF.", name))
		}
		if !slices.Contains(permActions, action) {
			causes = append(causes, fmt.Sprintf("Property %s: permission action must be one of %s.", name, strings.Join(permActions, ", ")))
		}
	}
	return causes
}

func (e *Emulator) checkMaster(name string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("Property %s: master must be an object.", name)}
	}
	t, _ := m["type"].(string)
	if !slices.Contains(masterTypes, t) {
		return []string{fmt.Sprintf("Property %s: master.type must be one of %s.", name, strings.Join(masterTypes, ", "))}
	}
	prio, hasPrio := m["priority"]
	list, _ := prio.([]any)
	if t != "OVERRIDE" {
		if hasPrio && prio != nil && len(list) > 0 {
			return []string{fmt.Sprintf("Property %s: master.priority is only allowed with master.type OVERRIDE.", name)}
		}
		return nil
	}
	if len(list) == 0 {
		return []string{fmt.Sprintf("Property %s: master.type OVERRIDE requires a non-empty master.priority.", name)}
	}
	var causes []string
	for _, el := range list {
		em, _ := el.(map[string]any)
		typ, _ := em["type"].(string)
		val, _ := em["value"].(string)
		switch typ {
		case "APP":
			if e.org.appsByID[val] == nil {
				causes = append(causes, fmt.Sprintf("Property %s: master.priority refers to %q, which is not an app in this org.", name, val))
			}
		case "OKTA":
		default:
			causes = append(causes, fmt.Sprintf("Property %s: master.priority entries need type APP (with an app id as value) or OKTA.", name))
		}
	}
	return causes
}

func checkEnum(name, typ string, enum, oneOf any) []string {
	list, ok := enum.([]any)
	if !ok || len(list) == 0 {
		return []string{fmt.Sprintf("Property %s: enum must be a non-empty list.", name)}
	}
	var causes []string
	seen := map[string]bool{}
	for _, v := range list {
		switch typ {
		case "string":
			if _, ok := v.(string); !ok {
				causes = append(causes, fmt.Sprintf("Property %s: enum value %v is not a string.", name, v))
			}
		case "integer", "number":
			n, ok := v.(float64)
			if !ok || (typ == "integer" && n != math.Trunc(n)) {
				causes = append(causes, fmt.Sprintf("Property %s: enum value %v is not of type %s.", name, v, typ))
			}
		case "boolean":
			causes = append(causes, fmt.Sprintf("Property %s: enum is not supported for booleans.", name))
		case "object":
			if _, ok := v.(map[string]any); !ok {
				causes = append(causes, fmt.Sprintf("Property %s: enum value %v is not an object.", name, v))
			}
		}
		key := fmt.Sprint(v)
		if seen[key] {
			causes = append(causes, fmt.Sprintf("Property %s: enum values must be unique.", name))
		}
		seen[key] = true
	}
	if oneOf == nil {
		return causes
	}
	ol, ok := oneOf.([]any)
	if !ok || len(ol) != len(list) {
		return append(causes, fmt.Sprintf("Property %s: oneOf must list exactly the enum values, in order.", name))
	}
	for i, el := range ol {
		m, _ := el.(map[string]any)
		title, _ := m["title"].(string)
		if fmt.Sprint(m["const"]) != fmt.Sprint(list[i]) || title == "" {
			return append(causes, fmt.Sprintf("Property %s: oneOf must list exactly the enum values, in order, each with a title.", name))
		}
	}
	return causes
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// renderSchema renders a schema version as Okta's UserSchema.
func (e *Emulator) renderSchema(r *http.Request, s *schemaObj, d *schemaDoc) map[string]any {
	o := origin(r)
	var id, self string
	if s.appID != "" {
		id = o + "/meta/schemas/apps/" + s.appID + "/default"
		self = o + "/api/v1/meta/schemas/apps/" + s.appID + "/default"
	} else {
		id = o + "/meta/schemas/user/" + s.id
		self = o + "/api/v1/meta/schemas/user/" + s.id
	}
	omitMaster := e.knobs.omitMaster && s.appID == ""
	shown := func(p prop) prop {
		if omitMaster {
			if _, ok := p["master"]; ok {
				p = maps.Clone(p)
				delete(p, "master")
			}
		}
		return p
	}
	custom := map[string]any{}
	var customRequired []string
	for name, p := range d.custom {
		custom[name] = shown(p)
		if req, _ := p["required"].(bool); req {
			customRequired = append(customRequired, name)
		}
	}
	sort.Strings(customRequired)
	base := map[string]any{}
	for name, p := range d.base {
		base[name] = shown(p)
	}
	out := map[string]any{
		"id":          id,
		"$schema":     "http://json-schema.org/draft-04/schema#",
		"name":        s.name,
		"title":       s.title,
		"created":     oktaTime(s.created),
		"lastUpdated": oktaTime(d.lastUpdated),
		"definitions": map[string]any{
			"custom": map[string]any{"id": "#custom", "type": "object", "properties": custom, "required": nonNil(customRequired)},
			"base":   map[string]any{"id": "#base", "type": "object", "properties": base, "required": nonNil(d.baseRequired)},
		},
		"type": "object",
		"properties": map[string]any{
			"profile": map[string]any{"allOf": []any{
				map[string]any{"$ref": "#/definitions/custom"},
				map[string]any{"$ref": "#/definitions/base"},
			}},
		},
		"_links": map[string]any{"self": hrefMethod(self, "GET")},
	}
	if s.appID == "" {
		if t := e.org.userTypeBySchema(s.id); t != nil {
			out["_links"].(map[string]any)["type"] = hrefMethod(o+"/api/v1/meta/types/user/"+t.id, "GET")
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeErrorLocked is writeError for callers already holding e.mu.
func (e *Emulator) writeErrorLocked(w http.ResponseWriter, err *apiError) {
	err.ErrorID = "oae" + e.randID(19)
	writeJSON(w, err.status, err)
}
