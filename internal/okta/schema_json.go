package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
)

// ---- schema documents -------------------------------------------------------------------------

// schemaDoc is the custom part of a schema as read.
type schemaDoc struct {
	custom map[string]json.RawMessage
	// base holds the names of the base properties (userName, email, ...), which expressions may read.
	base map[string]bool
}

// property decodes one custom property (numbers kept as json.Number), or nil when absent.
func (d *schemaDoc) property(name string) map[string]any {
	raw, ok := d.custom[name]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil {
		return nil
	}
	return p
}

// fetchSchema is the one schema GET. Callers go through getSchema (cached, for finders) or
// getSchemaFresh (writers), in readcache.go. A schema that does not exist (unknown app or user
// type) is a *NotFoundError.
func (c *Client) fetchSchema(ctx context.Context, ref schemaRef) (*schemaDoc, error) {
	var body struct {
		Definitions struct {
			Base struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"base"`
			Custom struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"custom"`
		} `json:"definitions"`
	}
	if err := c.doJSON(ctx, http.MethodGet, ref.path(), nil, nil, &body); err != nil {
		return nil, c.translate(err, nil, ref.schemaKind(), ref.id)
	}
	base := map[string]bool{}
	for name := range body.Definitions.Base.Properties {
		base[name] = true
	}
	return &schemaDoc{custom: body.Definitions.Custom.Properties, base: base}, nil
}

// ---- property <-> Attribute -------------------------------------------------------------------

// applyAttribute returns cur with the fields a manages set to a's values; everything else of cur
// (master, mutability, default, format, fields Okta adds) is kept. cur nil starts from nothing.
func applyAttribute(cur map[string]any, a Attribute, app bool) map[string]any {
	next := maps.Clone(cur)
	if next == nil {
		next = map[string]any{}
	}
	setIn(next, "title", a.Title, true)
	setIn(next, "description", a.Description, a.Description != "")
	setIn(next, "type", a.Type, true)
	setIn(next, "required", a.Required, true)
	if a.Unique {
		next["unique"] = "UNIQUE_VALIDATED"
	} else {
		next["unique"] = "NOT_UNIQUE"
	}
	setIn(next, "scope", orDefault(a.Scope, "NONE"), true)
	// App user schemas take permissions and keep none (recordings: 51 of 51 POSTs); sending it
	// would only invite a read-back that can never match.
	setIn(next, "permissions", []any{map[string]any{"principal": "SELF", "action": orDefault(a.Permission, "READ_ONLY")}}, !app)
	setIn(next, "minLength", ptrNumber(a.MinLength), a.MinLength != nil)
	setIn(next, "maxLength", ptrNumber(a.MaxLength), a.MaxLength != nil)
	setIn(next, "pattern", a.Pattern, a.Pattern != "")
	setIn(next, "externalName", a.ExternalName, a.ExternalName != "")
	setIn(next, "externalNamespace", a.ExternalNamespace, a.ExternalNamespace != "")

	itemType := a.Type
	if a.Type == "array" {
		itemType = a.ArrayType
	}
	enum, oneOf := enumJSON(a, itemType), oneOfJSON(a, itemType)
	if a.Type == "array" {
		items, _ := next["items"].(map[string]any)
		items = maps.Clone(items)
		if items == nil {
			items = map[string]any{}
		}
		items["type"] = a.ArrayType
		setIn(items, "enum", enum, enum != nil)
		setIn(items, "oneOf", oneOf, oneOf != nil)
		next["items"] = items
		delete(next, "enum")
		delete(next, "oneOf")
	} else {
		delete(next, "items")
		setIn(next, "enum", enum, enum != nil)
		setIn(next, "oneOf", oneOf, oneOf != nil)
	}
	if app && a.Type == "array" {
		if a.Union {
			next["union"] = "ENABLE"
		} else {
			next["union"] = "DISABLE"
		}
	} else if app {
		delete(next, "union")
	}
	return next
}

func setIn(m map[string]any, k string, v any, ok bool) {
	if ok {
		m[k] = v
	} else {
		delete(m, k)
	}
}

// enumJSON sends enum values as JSON numbers for numeric types, as Okta stores them.
func enumJSON(a Attribute, itemType string) []any {
	values := enumValues(a)
	if len(values) == 0 {
		return nil
	}
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = typedConst(v, itemType)
	}
	return out
}

// enumValues are the attribute's allowed values: enum, or else the consts of one_of (Okta wants
// both, the same values in the same order).
func enumValues(a Attribute) []string {
	if len(a.Enum) == 0 && len(a.OneOf) > 0 {
		values := make([]string, len(a.OneOf))
		for i, o := range a.OneOf {
			values[i] = o.Const
		}
		return values
	}
	return a.Enum
}

func oneOfJSON(a Attribute, itemType string) []any {
	if len(a.OneOf) == 0 {
		return nil
	}
	out := make([]any, len(a.OneOf))
	for i, o := range a.OneOf {
		out[i] = map[string]any{"const": typedConst(o.Const, itemType), "title": o.Title}
	}
	return out
}

func typedConst(v, typ string) any {
	if typ == "integer" || typ == "number" {
		var n json.Number
		if json.Unmarshal([]byte(v), &n) == nil {
			return n
		}
	}
	return v
}

// attributeFromProperty reads a stored property into an Attribute.
func attributeFromProperty(name string, p map[string]any) Attribute {
	a := Attribute{
		Name:              name,
		Title:             str(p["title"]),
		Description:       str(p["description"]),
		Type:              str(p["type"]),
		Required:          p["required"] == true,
		Unique:            isUnique(p["unique"]),
		Scope:             orDefault(str(p["scope"]), "NONE"),
		Permission:        selfPermission(p["permissions"]),
		MinLength:         int64Ptr(p["minLength"]),
		MaxLength:         int64Ptr(p["maxLength"]),
		Pattern:           str(p["pattern"]),
		ExternalName:      str(p["externalName"]),
		ExternalNamespace: str(p["externalNamespace"]),
		Union:             isUnion(p["union"]),
		Source:            sourceOf(p),
	}
	enumHolder := p
	if items, ok := p["items"].(map[string]any); ok {
		a.ArrayType = str(items["type"])
		if a.Type == "array" {
			enumHolder = items
		}
	}
	if list, ok := enumHolder["enum"].([]any); ok {
		a.Enum = make([]string, 0, len(list))
		for _, v := range list {
			a.Enum = append(a.Enum, constString(v))
		}
	}
	if list, ok := enumHolder["oneOf"].([]any); ok {
		a.OneOf = make([]EnumChoice, 0, len(list))
		for _, v := range list {
			m, _ := v.(map[string]any)
			a.OneOf = append(a.OneOf, EnumChoice{Const: constString(m["const"]), Title: str(m["title"])})
		}
	}
	return a
}

// sameAttribute compares the fields the attribute resources manage (not Source).
func sameAttribute(got, want Attribute, app bool) bool {
	wantEnum := enumValues(want)
	// Only fields Okta echoes are compared: an app user schema keeps no permissions.
	if !app && got.Permission != orDefault(want.Permission, "READ_ONLY") {
		return false
	}
	if got.Title != want.Title || got.Description != want.Description || got.Type != want.Type ||
		got.Required != want.Required || got.Unique != want.Unique ||
		got.Scope != orDefault(want.Scope, "NONE") ||
		!eqInt(got.MinLength, want.MinLength) || !eqInt(got.MaxLength, want.MaxLength) ||
		got.Pattern != want.Pattern || got.ExternalName != want.ExternalName || got.ExternalNamespace != want.ExternalNamespace {
		return false
	}
	if want.Type == "array" && got.ArrayType != want.ArrayType {
		return false
	}
	if app && want.Type == "array" && got.Union != want.Union {
		return false
	}
	return slices.Equal(got.Enum, wantEnum) && slices.Equal(got.OneOf, want.OneOf)
}

func sourceOf(p map[string]any) AttributeSource {
	m, _ := p["master"].(map[string]any)
	if m == nil {
		_, present := p["master"]
		return AttributeSource{MasterType: MasterProfileMaster, Unreported: !present}
	}
	s := AttributeSource{MasterType: orDefault(str(m["type"]), MasterProfileMaster)}
	if list, ok := m["priority"].([]any); ok {
		for _, e := range list {
			em, _ := e.(map[string]any)
			if v := str(em["value"]); v != "" && str(em["type"]) != MasterOkta {
				s.Priority = append(s.Priority, v)
			} else if t := str(em["type"]); t != "" {
				s.Priority = append(s.Priority, t)
			}
		}
	}
	return s
}

func (s AttributeSource) equal(o AttributeSource) bool {
	if s.MasterType != o.MasterType {
		return false
	}
	if s.MasterType != MasterOverride {
		return true
	}
	return slices.Equal(s.Priority, o.Priority)
}

func masterJSON(s AttributeSource) map[string]any {
	m := map[string]any{"type": s.MasterType}
	if s.MasterType == MasterOverride {
		prio := make([]any, 0, len(s.Priority))
		for _, id := range s.Priority {
			if id == MasterOkta {
				prio = append(prio, map[string]any{"type": MasterOkta})
			} else {
				prio = append(prio, map[string]any{"type": "APP", "value": id})
			}
		}
		m["priority"] = prio
	}
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isUnique reads Okta's `unique`: a string (UNIQUE_VALIDATED, PENDING_UNIQUENESS, NOT_UNIQUE) or,
// as the spec types it, a boolean.
func isUnique(v any) bool {
	switch u := v.(type) {
	case bool:
		return u
	case string:
		return u == "UNIQUE_VALIDATED" || u == "PENDING_UNIQUENESS"
	}
	return false
}

func isUnion(v any) bool {
	switch u := v.(type) {
	case bool:
		return u
	case string:
		return u == "ENABLE"
	}
	return false
}

func selfPermission(v any) string {
	list, _ := v.([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if str(m["principal"]) == "SELF" {
			return orDefault(str(m["action"]), "READ_ONLY")
		}
	}
	return "READ_ONLY"
}

func int64Ptr(v any) *int64 {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return &i
		}
	case float64:
		i := int64(n)
		return &i
	}
	return nil
}

func ptrNumber(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func eqInt(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func constString(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case json.Number:
		return c.String()
	case nil:
		return ""
	default:
		b, _ := json.Marshal(c)
		return string(b)
	}
}
