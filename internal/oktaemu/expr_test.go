package oktaemu

import (
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	ok := map[string]int{
		"appuser.x":                        1,
		"user.firstName":                   1,
		" source.a_b1 ":                    1,
		"'lit'":                            1,
		`"lit"`:                            1,
		"user.a + ' ' + user.b":            3,
		"'it''s'":                          1,
		"appuser.x+user.y":                 2,
		`"a" + 'b' + source.c + appuser.d`: 4,
	}
	for s, n := range ok {
		terms, err := parseExpr(s)
		if err != nil || len(terms) != n {
			t.Errorf("parseExpr(%q) = %d terms, %v; want %d", s, len(terms), err, n)
		}
	}
	for _, s := range []string{"", " ", "x.y", "user", "user.", "user.1a", "appuser.x +", "+ user.x", "user.x user.y",
		"'open", "String.len(user.x)", "user.x == 'a'", "user.x ? 'a' : 'b'", "user.x.y", "user['x']", "1"} {
		if _, err := parseExpr(s); err == nil {
			t.Errorf("parseExpr(%q) accepted", s)
		}
	}
}

func TestEvalExpr(t *testing.T) {
	src := map[string]any{"s": "S", "n": 2.0}
	au := map[string]any{"a": "A", "b": true}
	usr := map[string]any{"u": "U"}
	cases := map[string]any{
		"appuser.b":                        true,
		"source.n":                         2.0,
		"user.missing":                     nil,
		"appuser.a + '-' + user.u":         "A-U",
		"source.n + 'x' + user.missing":    "2x",
		"'it''s'":                          "it's",
		"source.s + appuser.b":             "Strue",
		`"q" + source.s`:                   "qS",
		"appuser.a + user.u + source.s":    "AUS",
		"user.u + ' ' + appuser.missing":   "U ",
		"source.missing + source.missing":  "",
		"appuser.a":                        "A",
		"source.s + ' and ' + 'more text'": "S and more text",
	}
	for s, want := range cases {
		terms, err := parseExpr(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if got := evalExpr(terms, src, au, usr); got != want {
			t.Errorf("%s = %#v, want %#v", s, got, want)
		}
	}
	if got := exprRefs("user.a + appuser.b + source.c + 'user.d'", "user", "source"); strings.Join(got, ",") != "a,c" {
		t.Errorf("exprRefs = %v", got)
	}
}
