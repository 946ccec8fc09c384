// Package validate holds the pure input rules of the provider: Okta variable names, URNs, external
// names, enumerations. It imports neither the Okta SDK nor the plugin framework so that the rules
// can be unit tested and fuzzed cheaply and reused by the plan-time validators in internal/provider.
//
// Every function returns nil for valid input and otherwise an error whose message completes the
// sentence "<field> is invalid: ..." and says what a valid value looks like.
package validate

import (
	"errors"
	"fmt"
	"strings"
)

// VariableName checks an Okta profile attribute variable name. Okta answers "Invalid property name:
// X. Property names should only contain alphanumeric characters and underscores and must not start
// with a digit." for anything else, whether the name comes through the API or the Admin Console.
func VariableName(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9':
			if i == 0 {
				return fmt.Errorf("%q starts with a digit; Okta variable names must start with a letter or underscore", s)
			}
		default:
			return fmt.Errorf("%q contains %q; Okta variable names contain only letters, digits and underscores (for example dialpadPhone)", s, r)
		}
	}
	return nil
}

// URN checks an RFC 8141 URN such as urn:ietf:params:scim:schemas:core:2.0:User, the form Okta
// expects in externalNamespace.
func URN(s string) error {
	const hint = "expected a URN such as urn:ietf:params:scim:schemas:core:2.0:User"
	if len(s) < 4 || !strings.EqualFold(s[:4], "urn:") {
		return fmt.Errorf("%q does not start with \"urn:\"; %s", s, hint)
	}
	rest := s[4:]
	nid, nss, ok := strings.Cut(rest, ":")
	if !ok {
		return fmt.Errorf("%q has no namespace-specific part after the namespace identifier; %s", s, hint)
	}
	if len(nid) < 2 || len(nid) > 32 {
		return fmt.Errorf("namespace identifier %q of %q must be 2 to 32 characters; %s", nid, s, hint)
	}
	for i := 0; i < len(nid); i++ {
		c := nid[i]
		if !isAlnum(c) && !(c == '-' && i > 0 && i < len(nid)-1) {
			return fmt.Errorf("namespace identifier %q of %q may contain only letters, digits and inner hyphens; %s", nid, s, hint)
		}
	}
	// r-, q- and f-components (RFC 8141 section 2) follow the NSS after '?' or '#'; they may
	// also contain '?' and '/', and nothing may follow the fragment's own '#'.
	components := ""
	if i := strings.IndexAny(nss, "?#"); i >= 0 {
		nss, components = nss[:i], nss[i:]
	}
	if nss == "" {
		return fmt.Errorf("%q has an empty namespace-specific part; %s", s, hint)
	}
	if nss[0] == '/' {
		return fmt.Errorf("namespace-specific part of %q must not start with '/'; %s", s, hint)
	}
	if strings.Count(components, "#") > 1 {
		return fmt.Errorf("%q has more than one '#'; %s", s, hint)
	}
	all := nss + components
	for i := 0; i < len(all); i++ {
		c := all[i]
		switch {
		case isAlnum(c), strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
		case i >= len(nss) && (c == '?' || c == '#'):
		case c == '%':
			if i+2 >= len(all) || !isHex(all[i+1]) || !isHex(all[i+2]) {
				return fmt.Errorf("%q has a '%%' that is not followed by two hex digits; %s", s, hint)
			}
			i += 2
		default:
			return fmt.Errorf("%q contains %q, which a URN does not allow unencoded; %s", s, rune(c), hint)
		}
	}
	return nil
}

// ExternalName checks an app attribute's externalName: a dotted path such as name.givenName, where
// a segment may be Okta's filter ^[attr==value] selecting one element of a multi-valued attribute,
// as in phoneNumbers.^[type=='Dialpad'].value or emails.^[primary==true].value. Plain segments are
// kept permissive (apps use names like Custom_Field__c or extensionAttribute1); the filter form is
// strict because a typo there silently selects nothing.
func ExternalName(s string) error {
	const hint = "expected a dotted path such as name.givenName or phoneNumbers.^[type=='Dialpad'].value"
	if s == "" {
		return errors.New("must not be empty; " + hint)
	}
	segs, err := splitPath(s)
	if err != nil {
		return fmt.Errorf("%q: %w; %s", s, err, hint)
	}
	for i, seg := range segs {
		if strings.HasPrefix(seg, "^") {
			if i == 0 {
				return fmt.Errorf("%q starts with a filter; a filter must follow the multi-valued attribute it selects from; %s", s, hint)
			}
			if strings.HasPrefix(segs[i-1], "^") {
				return fmt.Errorf("%q has two filters in a row; %s", s, hint)
			}
			if err := filter(seg); err != nil {
				return fmt.Errorf("%q: filter %s %w; %s", s, seg, err, hint)
			}
			continue
		}
		if seg == "" {
			return fmt.Errorf("%q has an empty path segment (leading, trailing or doubled '.'); %s", s, hint)
		}
		for _, r := range seg {
			if r <= ' ' || r == 0x7f || strings.ContainsRune("[]^'\"\\", r) {
				return fmt.Errorf("%q: segment %q contains %q; %s", s, seg, r, hint)
			}
		}
	}
	return nil
}

// splitPath splits on dots outside a ^[...] filter, whose quoted value may itself contain dots.
func splitPath(s string) ([]string, error) {
	var segs []string
	start, depth := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case depth > 0 && (c == '\'' || c == '"'):
			quote = c
		case c == '[':
			if depth > 0 {
				return nil, errors.New("nested '['")
			}
			depth++
		case c == ']':
			if depth == 0 {
				return nil, errors.New("']' without '['")
			}
			depth--
		case c == '.' && depth == 0:
			segs = append(segs, s[start:i])
			start = i + 1
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quoted value")
	}
	if depth != 0 {
		return nil, errors.New("unclosed '['")
	}
	return append(segs, s[start:]), nil
}

// filter checks one ^[attr==value] segment.
func filter(seg string) error {
	if !strings.HasPrefix(seg, "^[") || !strings.HasSuffix(seg, "]") {
		return errors.New("must have the form ^[attr==value]")
	}
	body := seg[2 : len(seg)-1]
	attr, value, ok := strings.Cut(body, "==")
	if !ok {
		return errors.New("must compare with == (as in ^[type=='work'])")
	}
	if attr == "" || !isIdent(attr) {
		return fmt.Errorf("compares %q, which is not an attribute name", attr)
	}
	switch {
	case value == "":
		return errors.New("has no value after ==")
	case value[0] == '\'' || value[0] == '"':
		if len(value) < 2 || value[len(value)-1] != value[0] || strings.IndexByte(value[1:len(value)-1], value[0]) >= 0 {
			return fmt.Errorf("has a badly quoted value %s", value)
		}
	case value == "true", value == "false", value == "null", isNumber(value):
	default:
		return fmt.Errorf("compares with %s; quote strings ('work'), or use true, false or a number", value)
	}
	return nil
}

// Enumerations Okta accepts, shared by the schema validators and the provider's documentation.
var (
	AttributeTypes = []string{"string", "boolean", "number", "integer", "array"}
	ArrayItemTypes = []string{"string", "number", "integer"}
	Scopes         = []string{"NONE", "SELF"}
	Permissions    = []string{"HIDE", "READ_ONLY", "READ_WRITE"}
	MasterTypes    = []string{"PROFILE_MASTER", "OKTA", "OVERRIDE"}
)

// Lengths checks min_length/max_length: both non-negative and min <= max when both are set.
func Lengths(minLen, maxLen *int64) error {
	if minLen != nil && *minLen < 0 {
		return fmt.Errorf("min_length %d is negative", *minLen)
	}
	if maxLen != nil && *maxLen < 1 {
		return fmt.Errorf("max_length %d must be at least 1", *maxLen)
	}
	if minLen != nil && maxLen != nil && *minLen > *maxLen {
		return fmt.Errorf("min_length %d is greater than max_length %d", *minLen, *maxLen)
	}
	return nil
}

// Unique checks that values has no duplicates (Okta rejects duplicate enum values and priorities).
func Unique(values []string) error {
	seen := make(map[string]int, len(values))
	for i, v := range values {
		if j, ok := seen[v]; ok {
			return fmt.Errorf("%q appears at positions %d and %d; values must be unique", v, j, i)
		}
		seen[v] = i
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '_' || c == '$' || (c == '-' && i > 0)) {
			return false
		}
	}
	return s != "" && !(s[0] >= '0' && s[0] <= '9')
}

func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}
