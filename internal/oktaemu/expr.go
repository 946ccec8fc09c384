package oktaemu

import (
	"fmt"
	"strconv"
	"strings"
)

// exprTerm is one operand of a mapping expression: a reference (appuser.x, user.x, source.x) or a
// string literal.
type exprTerm struct {
	root    string // "appuser", "user" or "source"; empty for a literal
	name    string
	literal string
}

// parseExpr parses the subset of the Okta Expression Language the emulator understands: references
// appuser.x, user.x and source.x, string literals, and '+' between them. Anything else is refused, so a
// client never believes Okta accepted an expression the emulator cannot evaluate.
func parseExpr(s string) ([]exprTerm, error) {
	var terms []exprTerm
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) {
			if len(terms) == 0 {
				return nil, fmt.Errorf("expression is empty")
			}
			return nil, fmt.Errorf("expression %q ends with '+'", s)
		}
		switch c := s[i]; {
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c { // doubled quote escapes itself
						b.WriteByte(c)
						j += 2
						continue
					}
					closed = true
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("expression %q has an unterminated string literal", s)
			}
			terms = append(terms, exprTerm{literal: b.String()})
			i = j + 1
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			root := s[i:j]
			if root != "appuser" && root != "user" && root != "source" {
				return nil, fmt.Errorf("expression %q: unsupported reference %q (the emulator supports appuser.x, user.x, source.x, string literals and '+')", s, root)
			}
			if j >= len(s) || s[j] != '.' {
				return nil, fmt.Errorf("expression %q: %q must be followed by .attributeName", s, root)
			}
			k := j + 1
			if k >= len(s) || !isIdentStart(s[k]) {
				return nil, fmt.Errorf("expression %q: missing attribute name after %q", s, root+".")
			}
			l := k
			for l < len(s) && isIdentByte(s[l]) {
				l++
			}
			terms = append(terms, exprTerm{root: root, name: s[k:l]})
			i = l
		default:
			return nil, fmt.Errorf("expression %q: unexpected %q at offset %d (the emulator supports appuser.x, user.x, source.x, string literals and '+')", s, string(c), i)
		}
		skip()
		if i >= len(s) {
			return terms, nil
		}
		if s[i] != '+' {
			return nil, fmt.Errorf("expression %q: unexpected %q at offset %d (only '+' may join terms)", s, string(s[i]), i)
		}
		i++
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentByte(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// evalExpr evaluates parsed terms. source is the mapping source's profile; appuser and user are the
// app user and Okta user profiles (either may be nil). A lone reference keeps its JSON type; joined
// terms are concatenated as strings with null as "".
func evalExpr(terms []exprTerm, source, appuser, usr map[string]any) any {
	get := func(t exprTerm) any {
		var m map[string]any
		switch t.root {
		case "source":
			m = source
		case "appuser":
			m = appuser
		case "user":
			m = usr
		default:
			return t.literal
		}
		if m == nil {
			return nil
		}
		return m[t.name]
	}
	if len(terms) == 1 {
		return get(terms[0])
	}
	var b strings.Builder
	for _, t := range terms {
		switch v := get(t).(type) {
		case nil:
		case string:
			b.WriteString(v)
		case float64:
			b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// exprRefs returns the attribute names an expression reads from the given roots.
func exprRefs(expr string, roots ...string) []string {
	terms, err := parseExpr(expr)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range terms {
		for _, r := range roots {
			if t.root == r {
				out = append(out, t.name)
			}
		}
	}
	return out
}
