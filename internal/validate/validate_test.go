package validate

import (
	"regexp"
	"strings"
	"testing"
)

var variableNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var variableNameCases = []struct {
	in string
	ok bool
}{
	{"dialpadPhone", true},
	{"x", true},
	{"_private", true},
	{"phone_2", true},
	{"A1_b2", true},
	{"", false},
	{"2phone", false},
	{"dialpad-phone", false},
	{"dialpad phone", false},
	{"dialpad.phone", false},
	{"téléphone", false},
	{"phone$", false},
	{"jf-dash-test_healthcare_last_verified_date", false},
}

func TestVariableName(t *testing.T) {
	for _, tc := range variableNameCases {
		err := VariableName(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("VariableName(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func FuzzVariableName(f *testing.F) {
	for _, tc := range variableNameCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := VariableName(s)
		if (err == nil) != variableNameRE.MatchString(s) {
			t.Fatalf("VariableName(%q) = %v disagrees with %s", s, err, variableNameRE)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

var urnCases = []struct {
	in string
	ok bool
}{
	{"urn:ietf:params:scim:schemas:core:2.0:User", true},
	{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", true},
	{"URN:isbn:0451450523", true},
	{"urn:example:a%2Fb", true},
	{"urn:example:foo-bar?=q#frag", true},
	{"urn:example:a/b", true},
	{"", false},
	{"urn:", false},
	{"urn:ietf", false},
	{"urn:ietf:", false},
	{"urn:x:abc", false},
	{"urn:-ab:abc", false},
	{"urn:ab-:abc", false},
	{"urn:ab:/abc", false},
	{"urn:ab:a b", false},
	{"urn:ab:a%2", false},
	{"urn:ab:a%zz", false},
	{"http://schemas.example.com/User", false},
	{"ietf:params:scim:schemas:core:2.0:User", false},
	{"urn:abcdefghijabcdefghijabcdefghijabc:x", false},
}

func TestURN(t *testing.T) {
	for _, tc := range urnCases {
		err := URN(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("URN(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func FuzzURN(f *testing.F) {
	for _, tc := range urnCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := URN(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if !strings.HasPrefix(strings.ToLower(s), "urn:") || strings.Count(s, ":") < 2 {
			t.Fatalf("URN(%q) accepted a value without urn:<nid>:<nss>", s)
		}
		if strings.ContainsAny(s, " \t\r\n\"<>\\^`{|}") {
			t.Fatalf("URN(%q) accepted a character URNs forbid", s)
		}
	})
}

var externalNameCases = []struct {
	in string
	ok bool
}{
	{"phoneNumbers.^[type=='Dialpad'].value", true},
	{"phoneNumbers.^[type=='mobile'].value", true},
	{"emails.^[primary==true].value", true},
	{"emails.^[type==\"work\"].value", true},
	{"addresses.^[type=='work'].streetAddress", true},
	{"phoneNumbers.^[type=='a.b'].value", true},
	{"name.givenName", true},
	{"userName", true},
	{"Custom_Field__c", true},
	{"x.^[n==-1.5]", true},
	{"", false},
	{".name", false},
	{"name.", false},
	{"name..givenName", false},
	{"phoneNumbers.^[type='Dialpad'].value", false},
	{"phoneNumbers.^[type==Dialpad].value", false},
	{"phoneNumbers.^[type=='Dialpad'.value", false},
	{"phoneNumbers.^[type=='Dialpad].value", false},
	{"phoneNumbers^[type=='Dialpad'].value", false},
	{"^[type=='Dialpad'].value", false},
	{"phoneNumbers.^[=='x'].value", false},
	{"phoneNumbers.^[type==].value", false},
	{"phoneNumbers.^[type=='x'].^[a=='b']", false},
	{"phoneNumbers.[type=='x'].value", false},
	{"phone Numbers", false},
	{"a]b", false},
	{"a.^[b==[c]]", false},
}

func TestExternalName(t *testing.T) {
	for _, tc := range externalNameCases {
		err := ExternalName(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ExternalName(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func FuzzExternalName(f *testing.F) {
	for _, tc := range externalNameCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ExternalName(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.HasPrefix(s, "^") {
			t.Fatalf("ExternalName(%q) accepted a path with an empty or filter-first segment", s)
		}
		if strings.Count(s, "[") != strings.Count(s, "]") && !strings.ContainsAny(s, "'\"") {
			t.Fatalf("ExternalName(%q) accepted unbalanced brackets", s)
		}
		if strings.ContainsAny(s, " \t\r\n") && !strings.ContainsAny(s, "'\"") {
			t.Fatalf("ExternalName(%q) accepted whitespace outside a quoted filter value", s)
		}
	})
}

func TestLengths(t *testing.T) {
	p := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		min, max *int64
		ok       bool
	}{
		{nil, nil, true},
		{p(0), p(10), true},
		{p(5), p(5), true},
		{p(6), p(5), false},
		{p(-1), nil, false},
		{nil, p(0), false},
	} {
		if err := Lengths(tc.min, tc.max); (err == nil) != tc.ok {
			t.Errorf("Lengths(%v, %v) = %v, want ok=%v", tc.min, tc.max, err, tc.ok)
		}
	}
}

func TestUnique(t *testing.T) {
	if err := Unique([]string{"a", "b"}); err != nil {
		t.Errorf("Unique(a,b) = %v", err)
	}
	if err := Unique([]string{"a", "b", "a"}); err == nil || !strings.Contains(err.Error(), "positions 0 and 2") {
		t.Errorf("Unique(a,b,a) = %v", err)
	}
}
