package validate

import (
	"slices"
	"strings"
	"testing"
)

func TestExpression(t *testing.T) {
	valid := []string{
		"appuser.dialpadPhone",
		"user.firstName",
		"source.login",
		`user.firstName + " " + user.lastName`,
		`String.substringBefore(user.email, "@")`,
		`hasDirectoryUser() ? findDirectoryUser().managerUpn : null`,
		`'it''s'`,
		`"a (b"`,
		`"]"`,
		`Arrays.contains({"a","b"}, user.x)`,
		`user.x[0]`,
		"user.a +\n user.b",
		`"C:\"`,
		"  user.x  ",
	}
	for _, s := range valid {
		if err := Expression(s); err != nil {
			t.Errorf("Expression(%q) = %v, want nil", s, err)
		}
	}

	invalid := map[string]string{
		"":                         "empty",
		"   \t":                    "empty",
		`"unterminated`:            "never closed",
		`'x`:                       "never closed",
		`String.len(user.x`:        "never closed",
		`user.x)`:                  "nothing to close",
		`f(a]`:                     "closes",
		`{(})`:                     "closes",
		"user.x +":                 "ends with the operator",
		"user.x + ":                "ends with the operator",
		"user.":                    "ends with the operator",
		"user.x\x00":               "control character",
		"\xff":                     "UTF-8",
		strings.Repeat("a", 4097):  "at most",
		`a == `:                    "ends with the operator",
		`user.x ?`:                 "ends with the operator",
		`f("a", "b"`:               "never closed",
		`"a" + 'b`:                 "never closed",
		`]`:                        "nothing to close",
		`user.x }`:                 "nothing to close",
		"user.x\u0085":             "control character",
		`user.x ||`:                "ends with the operator",
		`(user.x`:                  "never closed",
		`[user.x`:                  "never closed",
		`{"a"`:                     "never closed",
		`user.a &&`:                "ends with the operator",
		`user.a,`:                  "ends with the operator",
		`user.a*`:                  "ends with the operator",
		`"a"+"b"+`:                 "ends with the operator",
		`concat("a)", "b"`:         "never closed",
		`concat("a", ")"))`:        "nothing to close",
		`user.x` + "\x1b" + `[31m`: "control character",
	}
	for s, want := range invalid {
		err := Expression(s)
		if err == nil {
			t.Errorf("Expression(%q) = nil, want error containing %q", s, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Expression(%q) = %q, want it to contain %q", s, err, want)
		}
	}
}

func FuzzExpression(f *testing.F) {
	for _, s := range []string{
		"appuser.dialpadPhone", `user.firstName + " " + user.lastName`, `String.substringBefore(user.email, "@")`,
		`'it''s'`, `f(a]`, `"x`, "user.x +", "", "({[]})", `hasDirectoryUser() ? "a" : "b"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Expression(s)
		if err2 := Expression(s); (err == nil) != (err2 == nil) {
			t.Fatalf("Expression(%q) is not deterministic", s)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Expression(%q) returned an empty error message", s)
			}
			return
		}
		if strings.TrimSpace(s) == "" {
			t.Fatalf("Expression(%q) accepted a blank expression", s)
		}
		// A valid expression stays valid when grouped or concatenated (the checks are structural).
		if len(s)*2+8 <= MaxExpressionLength {
			for _, composed := range []string{"(" + s + ")", s + " + " + s, "f(" + s + ", " + s + ")"} {
				if err := Expression(composed); err != nil {
					t.Fatalf("Expression(%q) = nil but Expression(%q) = %v", s, composed, err)
				}
			}
		}
		// Cutting a valid expression right after an opening quote or bracket must be refused.
		for i, r := range s {
			if strings.ContainsRune(`"'([{`, r) {
				if Expression(s[:i+1]) == nil {
					t.Fatalf("Expression(%q) accepted a prefix ending in an open %q", s[:i+1], r)
				}
				break
			}
		}
	})
}

func TestExpressionRefs(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
	}{
		{"appuser.dialpadPhone", []string{"dialpadPhone"}},
		{`appuser.a + " " + user.b + appuser.c + appuser.a`, []string{"a", "c"}},
		{`String.substringBefore(appuser.email, "@")`, []string{"email"}},
		{`"appuser.quoted" + 'appuser.single'`, nil},
		{`myappuser.x + f.appuser.y + appuser_x.z`, nil},
		{`source.a + appuser.b`, []string{"a", "b"}},
		{`appuser. + appuser.`, nil},
		{`appuser.x1_y`, []string{"x1_y"}},
	} {
		if got := ExpressionRefs(c.expr, "appuser", "source"); !slices.Equal(got, c.want) {
			t.Errorf("ExpressionRefs(%q) = %q, want %q", c.expr, got, c.want)
		}
	}
}
