package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// MappingUse is one place where a mapping uses an attribute.
type MappingUse struct {
	MappingID  string
	SourceID   string
	SourceName string
	TargetID   string
	TargetName string
	Property   string // the mapping's target property
	Expression string
	AsTarget   bool // the attribute is the target property itself; otherwise the expression reads it
}

func (u MappingUse) String() string {
	if u.AsTarget {
		return fmt.Sprintf("mapping %s (%s -> %s) sets it as property %q from %q", u.MappingID, nameOr(u.SourceName, u.SourceID), nameOr(u.TargetName, u.TargetID), u.Property, u.Expression)
	}
	return fmt.Sprintf("mapping %s (%s -> %s) reads it in property %q = %q", u.MappingID, nameOr(u.SourceName, u.SourceID), nameOr(u.TargetName, u.TargetID), u.Property, u.Expression)
}

// MappingsUsingAttribute lists where the mappings use the attribute name of ownerID's profile
// (ownerID is an app id or a user type id — the id, not "default"): as the target property of a
// mapping into ownerID, or read by an expression (appuser.name, user.name, source.name) of a
// mapping out of ownerID. Okta refuses to delete such an attribute; this names the culprits.
func (c *Client) MappingsUsingAttribute(ctx context.Context, ownerID, name string) ([]MappingUse, error) {
	var uses []MappingUse
	err := c.eachMapping(ctx, "", ownerID, func(m *Mapping) {
		if p, ok := m.Properties[name]; ok {
			uses = append(uses, useOf(m, name, p, true))
		}
	})
	if err != nil {
		return nil, err
	}
	err = c.eachMapping(ctx, ownerID, "", func(m *Mapping) {
		for prop, p := range m.Properties {
			if ExpressionReads(p.Expression, m.SourceType, name) {
				uses = append(uses, useOf(m, prop, p, false))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].MappingID != uses[j].MappingID {
			return uses[i].MappingID < uses[j].MappingID
		}
		return uses[i].Property < uses[j].Property
	})
	return uses, nil
}

// isUnknownMappingEnd says Okta refused a mapping list because a sourceId or targetId is neither an
// app nor a user type ("Invalid source or target id", 400).
func isUnknownMappingEnd(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest && strings.Contains(ae.ErrorSummary, "Invalid source or target id")
}

// eachMapping reads every mapping from sourceID and/or into targetID ("" matches any) with its
// properties and calls fn with it; a mapping gone between the list and the read is skipped.
func (c *Client) eachMapping(ctx context.Context, sourceID, targetID string, fn func(*Mapping)) error {
	refs, err := c.listMappings(ctx, sourceID, targetID)
	if IsNotFound(err) {
		return nil // the source or target is gone, and every mapping of it
	} else if err != nil {
		return err
	}
	for _, r := range refs {
		// Filter again: the query parameters are a hint an older org may ignore.
		if (sourceID != "" && r.SourceID != sourceID) || (targetID != "" && r.TargetID != targetID) {
			continue
		}
		m, err := c.GetMapping(ctx, r.ID)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return err
		}
		fn(m)
	}
	return nil
}

func useOf(m *Mapping, prop string, p MappingProperty, asTarget bool) MappingUse {
	return MappingUse{MappingID: m.ID, SourceID: m.SourceID, SourceName: m.SourceName, TargetID: m.TargetID,
		TargetName: m.TargetName, Property: prop, Expression: p.Expression, AsTarget: asTarget}
}

var identChar = regexp.MustCompile(`[A-Za-z0-9_$]`)

// ExpressionReads reports whether expr reads the source attribute name: `source.name` always,
// `appuser.name` for an app source, `user.name` for a user type source ("" type: both), outside
// string literals.
func ExpressionReads(expr, sourceType, name string) bool {
	prefixes := []string{"source"}
	switch sourceType {
	case "appuser":
		prefixes = append(prefixes, "appuser")
	case "user":
		prefixes = append(prefixes, "user")
	default:
		prefixes = append(prefixes, "appuser", "user")
	}
	code := blankStringLiterals(expr)
	for _, pre := range prefixes {
		ref := pre + "." + name
		for i := 0; ; {
			j := strings.Index(code[i:], ref)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(ref)
			before := start == 0 || (!identChar.MatchString(code[start-1:start]) && code[start-1] != '.')
			after := end == len(code) || !identChar.MatchString(code[end:end+1])
			if before && after {
				return true
			}
			i = start + 1
		}
	}
	return false
}

// blankStringLiterals replaces the contents of '...' and "..." literals with spaces, so that a
// literal mentioning "user.x" is not taken for a reference.
func blankStringLiterals(s string) string {
	b := []byte(s)
	var quote byte
	for i := range b {
		switch {
		case quote != 0 && b[i] == quote:
			quote = 0
		case quote != 0:
			b[i] = ' '
		case b[i] == '\'' || b[i] == '"':
			quote = b[i]
		}
	}
	return string(b)
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
