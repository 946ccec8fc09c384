package validate

import (
	"strings"
	"testing"
)

func TestNewAttributeName(t *testing.T) {
	for _, tc := range []struct {
		name        string
		userProfile bool
		wantErr     string
	}{
		{"dialpadPhone", true, ""},
		{"_phone", true, ""},
		{strings.Repeat("a", 100), true, ""},
		{strings.Repeat("a", 101), true, "at most 100"},
		{"email", true, "base property"},
		{"EMAIL", true, "base property"},
		{"email", false, ""}, // app schemas have their own base properties
		{"mobilePhone", true, "base property"},
		{"status", false, "reserved"},
		{"Password", true, "reserved"},
		{"9lives", true, "starts with a digit"},
		{"", true, "must not be empty"},
	} {
		err := NewAttributeName(tc.name, tc.userProfile)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("NewAttributeName(%q, %v) = %v, want nil", tc.name, tc.userProfile, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("NewAttributeName(%q, %v) = %v, want an error containing %q", tc.name, tc.userProfile, err, tc.wantErr)
		}
	}
}

func TestPattern(t *testing.T) {
	for p, ok := range map[string]bool{
		`^\+[0-9]{7,15}$`:  true,
		`(?=.*\d).+`:       true, // lookahead: Java accepts it, RE2 does not; not ours to refuse
		`(a)\1`:            true, // backreference, likewise
		`(`:                false,
		`a)`:               false,
		`[a-`:              false,
		`*a`:               false,
		`abc\`:             false,
		`[z-a]`:            false,
		`.+@example\.com$`: true,
	} {
		if err := Pattern(p); (err == nil) != ok {
			t.Errorf("Pattern(%q) = %v, want ok=%v", p, err, ok)
		}
	}
}

func FuzzPattern(f *testing.F) {
	for _, s := range []string{`^\+[0-9]+$`, `(`, `(?=x)`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _ = Pattern(s) })
}
