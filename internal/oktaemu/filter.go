package oktaemu

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// cond is one comparison of an Okta filter/search expression: `profile.x eq "v"`, `profile.x pr`.
type cond struct {
	attr, op string
	value    any
}

// condExpr is a parsed filter: a tree of and/or over conds.
type condExpr struct {
	op          string // "leaf", "and", "or"
	left, right *condExpr
	c           cond
}

func (x *condExpr) all() []cond {
	if x.op == "leaf" {
		return []cond{x.c}
	}
	return append(x.left.all(), x.right.all()...)
}

// eval evaluates the expression; get reads an attribute, other answers conds get cannot (may be nil).
func (x *condExpr) eval(get func(string) (any, bool), other func(cond) bool) bool {
	switch x.op {
	case "and":
		return x.left.eval(get, other) && x.right.eval(get, other)
	case "or":
		return x.left.eval(get, other) || x.right.eval(get, other)
	}
	v, ok := get(x.c.attr)
	if !ok && other != nil {
		return other(x.c)
	}
	switch x.c.op {
	case "pr":
		return ok && v != nil && v != ""
	case "eq":
		return ok && equalValue(v, x.c.value)
	case "ne":
		return !ok || !equalValue(v, x.c.value)
	case "sw", "co":
		s, isStr := v.(string)
		want, _ := x.c.value.(string)
		if !ok || !isStr {
			return false
		}
		if x.c.op == "sw" {
			return strings.HasPrefix(strings.ToLower(s), strings.ToLower(want))
		}
		return strings.Contains(strings.ToLower(s), strings.ToLower(want))
	}
	return false
}

func equalValue(v, want any) bool {
	switch w := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && strings.EqualFold(s, w)
	case float64:
		n, ok := v.(float64)
		return ok && n == w
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case nil:
		return v == nil
	}
	return false
}

// parseFilterExpr parses Okta's SCIM-style filter/search syntax: comparisons `attr op value`
// (op: eq, ne, sw, co) and `attr pr`, joined by and/or, with parentheses.
func parseFilterExpr(s string) (*condExpr, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks}
	x, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i].text)
	}
	return x, nil
}

type filterTok struct {
	text   string
	quoted bool
}

func tokenizeFilter(s string) ([]filterTok, error) {
	var toks []filterTok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks = append(toks, filterTok{text: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, errors.New("unterminated string")
			}
			toks = append(toks, filterTok{text: b.String(), quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			toks = append(toks, filterTok{text: s[i:j]})
			i = j
		}
	}
	if len(toks) == 0 {
		return nil, errors.New("empty expression")
	}
	return toks, nil
}

type filterParser struct {
	toks []filterTok
	i    int
}

func (p *filterParser) peekWord(w string) bool {
	return p.i < len(p.toks) && !p.toks[p.i].quoted && strings.EqualFold(p.toks[p.i].text, w)
}

func (p *filterParser) or() (*condExpr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peekWord("or") {
		p.i++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &condExpr{op: "or", left: l, right: r}
	}
	return l, nil
}

func (p *filterParser) and() (*condExpr, error) {
	l, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.peekWord("and") {
		p.i++
		r, err := p.primary()
		if err != nil {
			return nil, err
		}
		l = &condExpr{op: "and", left: l, right: r}
	}
	return l, nil
}

func (p *filterParser) primary() (*condExpr, error) {
	if p.i >= len(p.toks) {
		return nil, errors.New("expression ends early")
	}
	if p.peekWord("(") {
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.peekWord(")") {
			return nil, errors.New("missing ')'")
		}
		p.i++
		return x, nil
	}
	attr := p.toks[p.i]
	if attr.quoted {
		return nil, fmt.Errorf("expected an attribute name, got %q", attr.text)
	}
	p.i++
	if p.i >= len(p.toks) {
		return nil, fmt.Errorf("missing operator after %s", attr.text)
	}
	op := strings.ToLower(p.toks[p.i].text)
	p.i++
	switch op {
	case "pr":
		return &condExpr{op: "leaf", c: cond{attr: attr.text, op: op}}, nil
	case "eq", "ne", "sw", "co":
	default:
		return nil, fmt.Errorf("unsupported operator %q", op)
	}
	if p.i >= len(p.toks) {
		return nil, fmt.Errorf("missing value after %s %s", attr.text, op)
	}
	vt := p.toks[p.i]
	p.i++
	var v any
	switch {
	case vt.quoted:
		v = vt.text
	case vt.text == "true" || vt.text == "false":
		v = vt.text == "true"
	case vt.text == "null":
		v = nil
	default:
		n, err := strconv.ParseFloat(vt.text, 64)
		if err != nil {
			return nil, fmt.Errorf("value %q must be quoted", vt.text)
		}
		v = n
	}
	if (op == "sw" || op == "co") && !vt.quoted {
		return nil, fmt.Errorf("%s needs a string value", op)
	}
	return &condExpr{op: "leaf", c: cond{attr: attr.text, op: op, value: v}}, nil
}
