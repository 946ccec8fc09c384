package okta

import (
	"strings"
	"testing"
)

func TestParsePhoneSyncID(t *testing.T) {
	for _, tc := range []struct{ id, app, ut, name string }{
		{"0oa1/dialpadPhone", "0oa1", "default", "dialpadPhone"},
		{"0oa1/contractor/dialpadPhone", "0oa1", "contractor", "dialpadPhone"},
	} {
		app, ut, name, err := ParsePhoneSyncID(tc.id)
		if err != nil || app != tc.app || ut != tc.ut || name != tc.name {
			t.Errorf("ParsePhoneSyncID(%q) = %q, %q, %q, %v", tc.id, app, ut, name, err)
		}
		s := PhoneSyncSpec{AppID: app, UserType: ut, AttributeName: name}
		if s.ID() != tc.id {
			t.Errorf("ID() = %q, want %q", s.ID(), tc.id)
		}
	}
	for _, bad := range []string{"", "0oa1", "0oa1/", "/x", "a/b/c/d", "a//c"} {
		if _, _, _, err := ParsePhoneSyncID(bad); err == nil {
			t.Errorf("ParsePhoneSyncID(%q) accepted", bad)
		}
	}
}

func TestPhoneSyncDrift(t *testing.T) {
	s := PhoneSyncSpec{AppID: "0oa1", UserType: "default", AttributeName: "dialpadPhone", DisplayName: "Dialpad Phone",
		Description: "Dialpad Phone", ExternalName: "phoneNumbers.^[type=='Dialpad'].value",
		ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User", PushStatus: PushStatusPush, OverrideProfileSource: true}
	ua := s.userAttribute()
	ua.Source = AttributeSource{MasterType: MasterOverride, Priority: []string{"0oa1"}}
	aa := s.appAttribute()
	mp := s.mappingProperty()["dialpadPhone"]
	in := &PhoneSyncObserved{MappingID: "prm1", UserAttr: &ua, AppAttr: &aa, MappingProp: &mp}
	if d := in.Drift(s); len(d) != 0 {
		t.Fatalf("no drift expected, got %q", d)
	}
	if !in.Overridden(s) {
		t.Fatal("Overridden() = false")
	}

	ua2, aa2, mp2 := ua, aa, mp
	ua2.Title = "Edited"
	ua2.Source = AttributeSource{MasterType: MasterProfileMaster}
	aa2.ExternalName = "phoneNumbers.^[type=='work'].value"
	mp2.PushStatus = PushStatusDontPush
	d := (&PhoneSyncObserved{MappingID: "prm1", UserAttr: &ua2, AppAttr: &aa2, MappingProp: &mp2}).Drift(s)
	want := []string{"title is \"Edited\"", "source priority", "external name is \"phoneNumbers.^[type=='work'].value\"", "push status is \"DONT_PUSH\""}
	if len(d) != len(want) {
		t.Fatalf("drift %q, want %d entries", d, len(want))
	}
	for i, w := range want {
		if !strings.Contains(d[i], w) {
			t.Errorf("drift[%d] = %q, want it to mention %q", i, d[i], w)
		}
	}

	gone := (&PhoneSyncObserved{}).Drift(s)
	if len(gone) != 3 || !strings.Contains(gone[0], "was deleted") || !strings.Contains(gone[2], "was removed") {
		t.Errorf("all pieces gone: %q", gone)
	}
}

func TestPhoneSyncErrorMessage(t *testing.T) {
	e := &PhoneSyncError{Step: "step 4/5: add the mapping property x", Err: errString("Okta answered 400"),
		RolledBack: []string{"the app user attribute a/x", "the Okta user attribute default/x"}}
	if got := e.Error(); !strings.Contains(got, "step 4/5") || !strings.Contains(got, "removed again") || !strings.Contains(got, "the org is as it was") {
		t.Errorf("Error() = %q", got)
	}
	e.Left, e.RollbackErr = []string{"the Okta user attribute default/x"}, errString("boom")
	if got := e.Error(); !strings.Contains(got, "could not remove the Okta user attribute default/x (boom)") {
		t.Errorf("Error() with leftovers = %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
