package acctest

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestRandomNameIsAValidOktaVariableNameAndUnique(t *testing.T) {
	g := &org{prefix: newPrefix(), names: map[string]int{}}
	valid := regexp.MustCompile(`^tfacc[a-z][a-z0-9]{5}[A-Za-z0-9_]*$`)
	a, b, c := g.RandomName("phone"), g.RandomName("phone"), g.RandomName("other")
	for _, n := range []string{a, b, c} {
		if !valid.MatchString(n) {
			t.Errorf("%q is not a tfacc-prefixed Okta variable name", n)
		}
	}
	if a == b || a == c || !strings.HasPrefix(b, a) {
		t.Errorf("names %q %q %q", a, b, c)
	}
	if h := &(org{prefix: newPrefix()}); h.prefix == g.prefix {
		t.Error("two orgs share a prefix")
	}
}

func TestSnapshotDiff(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	before := &Snapshot{prefix: "tfaccme", Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {"badgeNumber": raw(`{"type":"string","title":"Badge"}`)},
	}}
	same := &Snapshot{Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {
			"badgeNumber":  raw(`{"title":"Badge", "type":"string"}`), // same JSON, other order
			"tfaccotherX1": raw(`{}`),                                 // another test's object on a shared org
		},
	}}
	if d := before.Diff(same); len(d) != 0 {
		t.Fatalf("unexpected diff %v", d)
	}
	changed := &Snapshot{Parts: map[string]map[string]json.RawMessage{
		"schema user/default": {"badgeNumber": raw(`{"type":"string","title":"Badge!"}`), "tfaccmePhone": raw(`{}`)},
		"mapping a->b":        {"x": raw(`{"expression":"appuser.x"}`)},
	}}
	d := strings.Join(before.Diff(changed), "\n")
	for _, want := range []string{`"badgeNumber" changed`, `"tfaccmePhone" was added`, `mapping a->b: "x" was added`} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if d := strings.Join(changed.Diff(before), "\n"); !strings.Contains(d, `"x" was removed`) {
		t.Errorf("removal not reported:\n%s", d)
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("a${b}%{c}\"\n"); got != `"a$${b}%%{c}\"\n"` {
		t.Fatalf("got %s", got)
	}
	if got := List("a", "b"); got != `["a", "b"]` {
		t.Fatalf("got %s", got)
	}
}
