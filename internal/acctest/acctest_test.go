package acctest

import (
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

// The snapshot's diff (orgsnap) leaves out other tests' tfacc* objects on a shared org, not this test's.
func TestSnapshotIgnoresOtherTestsObjects(t *testing.T) {
	g := &org{prefix: "tfaccme"}
	for name, want := range map[string]bool{
		"tfaccotherX1": true, "TFACCotherX1": true, "tfaccmePhone": false, "badgeNumber": false,
	} {
		if got := g.othersObject(name); got != want {
			t.Errorf("othersObject(%q) = %v, want %v", name, got, want)
		}
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
