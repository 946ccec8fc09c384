// Package scimpath evaluates the paths Okta uses as app schema externalName values to read a SCIM
// record: plain dotted paths ("name.givenName") and Okta's filter syntax that selects the first
// element of a multi-valued attribute matching a condition ("phoneNumbers.^[type=='Dialpad'].value").
// It has no dependencies beyond the standard library so that it can be fuzzed on its own.
package scimpath

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed externalName path.
type Path struct {
	steps []step
}

type step struct {
	name   string // attribute name; empty for a filter step
	filter *filter
}

// filter is "^[attr==literal]" (or "!="): it selects the first array element satisfying it.
type filter struct {
	attr    string
	negate  bool
	literal any // string, bool or float64
}

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("invalid externalName path")

// Parse parses a path.
func Parse(s string) (*Path, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty path", ErrSyntax)
	}
	var p Path
	i := 0
	for {
		if i >= len(s) {
			return nil, fmt.Errorf("%w: %q ends with a separator", ErrSyntax, s)
		}
		if strings.HasPrefix(s[i:], "^[") {
			f, n, err := parseFilter(s[i+2:])
			if err != nil {
				return nil, fmt.Errorf("%w: %q: %w", ErrSyntax, s, err)
			}
			p.steps = append(p.steps, step{filter: f})
			i += 2 + n
		} else {
			j := i
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("%w: %q: unexpected %q at offset %d", ErrSyntax, s, s[i], i)
			}
			p.steps = append(p.steps, step{name: s[i:j]})
			i = j
		}
		if i == len(s) {
			return &p, nil
		}
		if s[i] != '.' {
			return nil, fmt.Errorf("%w: %q: expected '.' at offset %d", ErrSyntax, s, i)
		}
		i++
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c == '-' || c == '$' || c == ':' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// parseFilter parses "attr==literal]" and returns the filter and the bytes consumed (through ']').
func parseFilter(s string) (*filter, int, error) {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	j := i
	for j < len(s) && isNameByte(s[j]) && s[j] != ':' {
		j++
	}
	if j == i {
		return nil, 0, errors.New("filter needs an attribute name")
	}
	f := &filter{attr: s[i:j]}
	i = j
	for i < len(s) && s[i] == ' ' {
		i++
	}
	switch {
	case strings.HasPrefix(s[i:], "=="):
	case strings.HasPrefix(s[i:], "!="):
		f.negate = true
	default:
		return nil, 0, errors.New("filter needs == or !=")
	}
	i += 2
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) {
		return nil, 0, errors.New("filter needs a value")
	}
	switch q := s[i]; q {
	case '\'', '"':
		end := strings.IndexByte(s[i+1:], q)
		if end < 0 {
			return nil, 0, errors.New("unterminated string in filter")
		}
		f.literal = s[i+1 : i+1+end]
		i += end + 2
	default:
		j := i
		for j < len(s) && s[j] != ']' && s[j] != ' ' {
			j++
		}
		word := s[i:j]
		switch word {
		case "true":
			f.literal = true
		case "false":
			f.literal = false
		default:
			n, err := strconv.ParseFloat(word, 64)
			if err != nil {
				return nil, 0, fmt.Errorf("filter value %q is not a string, boolean or number", word)
			}
			f.literal = n
		}
		i = j
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != ']' {
		return nil, 0, errors.New("filter is not closed with ']'")
	}
	return f, i + 1, nil
}

// String renders the path back in canonical form.
func (p *Path) String() string {
	var b strings.Builder
	for i, st := range p.steps {
		if i > 0 {
			b.WriteByte('.')
		}
		if st.filter == nil {
			b.WriteString(st.name)
			continue
		}
		op := "=="
		if st.filter.negate {
			op = "!="
		}
		var lit string
		switch v := st.filter.literal.(type) {
		case string:
			// The parser has no escapes, so a literal holds at most one kind of quote.
			if strings.Contains(v, "'") {
				lit = `"` + v + `"`
			} else {
				lit = "'" + v + "'"
			}
		case bool:
			lit = strconv.FormatBool(v)
		case float64:
			lit = strconv.FormatFloat(v, 'g', -1, 64)
		}
		b.WriteString("^[" + st.filter.attr + op + lit + "]")
	}
	return b.String()
}

// Eval reads the path from a decoded JSON record. A name applied to an array reads that name from the
// array's first element (SCIM multi-valued attributes without a filter); the result is false when a
// step finds nothing.
func (p *Path) Eval(record any) (any, bool) {
	cur := record
	for _, st := range p.steps {
		if st.filter != nil {
			arr, ok := cur.([]any)
			if !ok {
				return nil, false
			}
			var found any
			hit := false
			for _, el := range arr {
				m, ok := el.(map[string]any)
				if !ok {
					continue
				}
				if st.filter.matches(m[st.filter.attr]) {
					found, hit = m, true
					break
				}
			}
			if !hit {
				return nil, false
			}
			cur = found
			continue
		}
		if arr, ok := cur.([]any); ok {
			if len(arr) == 0 {
				return nil, false
			}
			cur = arr[0]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := m[st.name]
		if !ok || v == nil {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

func (f *filter) matches(v any) bool {
	eq := false
	switch lit := f.literal.(type) {
	case string:
		s, ok := v.(string)
		eq = ok && s == lit
	case bool:
		b, ok := v.(bool)
		eq = ok && b == lit
	case float64:
		switch n := v.(type) {
		case float64:
			eq = n == lit
		case int:
			eq = float64(n) == lit
		}
	}
	return eq != f.negate
}

// Eval parses path and evaluates it against record.
func Eval(record any, path string) (any, bool, error) {
	p, err := Parse(path)
	if err != nil {
		return nil, false, err
	}
	v, ok := p.Eval(record)
	return v, ok, nil
}
