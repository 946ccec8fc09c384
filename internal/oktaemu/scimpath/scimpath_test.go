package scimpath

import (
	"encoding/json"
	"errors"
	"testing"
)

const record = `{
  "userName": "a@example.com",
  "name": {"givenName": "Ana", "familyName": "Silva"},
  "emails": [{"value": "old@example.com", "primary": false}, {"value": "a@example.com", "primary": true}],
  "phoneNumbers": [
    {"type": "mobile", "value": "+1650", "primary": true},
    {"type": "Dialpad", "value": "+1415"},
    {"type": "Dialpad", "value": "+1628"}
  ],
  "x": {"n": 3, "list": [{"k": 2, "v": "two"}, {"k": 3, "v": "three"}]}
}`

func TestEval(t *testing.T) {
	var rec any
	if err := json.Unmarshal([]byte(record), &rec); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want any
		ok   bool
	}{
		{"userName", "a@example.com", true},
		{"name.givenName", "Ana", true},
		{"phoneNumbers.^[type=='Dialpad'].value", "+1415", true},
		{`phoneNumbers.^[type=="Dialpad"].value`, "+1415", true},
		{"phoneNumbers.^[ type == 'Dialpad' ].value", "+1415", true},
		{"phoneNumbers.^[type!='mobile'].value", "+1415", true},
		{"phoneNumbers.^[type=='work'].value", nil, false},
		{"phoneNumbers.^[primary==true].value", "+1650", true},
		{"emails.^[primary==true].value", "a@example.com", true},
		{"emails.value", "old@example.com", true},
		{"x.list.^[k==3].v", "three", true},
		{"x.n", 3.0, true},
		{"name.middleName", nil, false},
		{"userName.x", nil, false},
		{"name.^[a=='b']", nil, false},
	}
	for _, c := range cases {
		got, ok, err := Eval(rec, c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if ok != c.ok || got != c.want {
			t.Errorf("%s = %v, %v; want %v, %v", c.path, got, ok, c.want, c.ok)
		}
	}
	if _, ok, _ := Eval(nil, "a"); ok {
		t.Error("nil record")
	}
	if _, ok, _ := Eval(map[string]any{"p": []any{}}, "p.v"); ok {
		t.Error("empty array")
	}
}

func TestParse_errors(t *testing.T) {
	for _, p := range []string{"", " ", ".a", "a.", "a..b", "a.^[", "a.^[b]", "a.^[b=='c'", "a.^[b==c]", "a.^['x'=='c']",
		"a.^[b=='c].v", "a b", "a.^[b=='c']x", "a.^[==1]"} {
		if _, err := Parse(p); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", p, err)
		}
	}
}

func TestString_roundTrip(t *testing.T) {
	for _, p := range []string{"a.b", `a.^[b=="it's"]`, "phoneNumbers.^[type=='Dialpad'].value", "a.^[b==true].c", "a.^[n!=2.5]"} {
		parsed, err := Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		if parsed.String() != p {
			t.Errorf("String() = %q, want %q", parsed.String(), p)
		}
	}
}

// FuzzParse checks that parsing never panics and that a parsed path re-parses to the same form and
// evaluates without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a", "phoneNumbers.^[type=='Dialpad'].value", "a.^[b==true].c", "a.^[n!=2.5]", "x.^[k==\"v\"]", "a.^[", "]["} {
		f.Add(s)
	}
	var rec any
	_ = json.Unmarshal([]byte(record), &rec)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(p.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", p.String(), s, err)
		}
		if again.String() != p.String() {
			t.Fatalf("canonical form unstable: %q -> %q", p.String(), again.String())
		}
		p.Eval(rec)
	})
}
