package okta

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
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

// A phone sync's create, update and destroy, call by call, each in a new client as Terraform runs
// each command's apply in a new provider process: the user type and mapping ids the plan read are
// used as they are; the source override goes with the attribute's create; the mapping property of
// a new attribute, and every removal, go out without a read first; an update writes only the
// pieces the plan showed to differ. Every write is read back.
func TestPhoneSyncCallsPerChange(t *testing.T) {
	c, org := newCountingClient(t)
	setProfileSourcing(t, org.url, oktaemu.DemoDialpadAppID, true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := PhoneSyncSpec{AppID: oktaemu.DemoDialpadAppID, UserType: "default", AttributeName: "callsPhone", DisplayName: "Dialpad Phone",
		Description: "Dialpad Phone", ExternalName: "phoneNumbers.^[type=='Dialpad'].value", ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User",
		PushStatus: PushStatusPush, OverrideProfileSource: true}
	var err error
	if s.UserTypeID, s.MappingID, err = c.FindAppUserTypeMapping(ctx, s.AppID, s.UserType); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindApp(ctx, s.AppID); err != nil { // the plan's profile-sourcing check reads it
		t.Fatal(err)
	}
	calls := func(what string, want map[string]int) {
		t.Helper()
		got := map[string]int{}
		org.mu.Lock()
		for k, v := range org.calls {
			k = strings.NewReplacer(s.AppID, "{app}", s.MappingID, "{id}").Replace(k)
			got[k] += v
		}
		org.mu.Unlock()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s made\n  %v\nwant\n  %v", what, got, want)
		}
		org.reset()
	}
	org.reset()

	o, err := c.CreatePhoneSync(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Overridden(s) || o.MappingProp == nil {
		t.Fatalf("after the create: %+v", o)
	}
	calls("the create", map[string]int{
		"GET /api/v1/meta/schemas/user/default": 2, "POST /api/v1/meta/schemas/user/default": 1,
		"GET /api/v1/meta/schemas/apps/{app}/default": 2, "POST /api/v1/meta/schemas/apps/{app}/default": 1,
		"POST /api/v1/mappings/{id}": 1, "GET /api/v1/mappings/{id}": 1,
	})
	if got, err := org.client(t).ReadPhoneSync(ctx, s); err != nil || len(got.Drift(s)) > 0 || !got.Overridden(s) {
		t.Fatalf("read back after the create: %+v, %v (drift %v)", got, err, got.Drift(s))
	}
	org.reset()

	renamed := s
	renamed.DisplayName = "Work phone"
	shown := &PhoneSyncShown{UserAttr: true, AppAttr: true, MappingExpression: s.MappingExpression()}
	c = org.client(t)
	if _, err := c.UpdatePhoneSync(ctx, s, renamed, shown); err != nil {
		t.Fatal(err)
	}
	calls("the update of the display name", map[string]int{
		"GET /api/v1/meta/schemas/user/default": 2, "POST /api/v1/meta/schemas/user/default": 1,
		"GET /api/v1/meta/schemas/apps/{app}/default": 1, "POST /api/v1/meta/schemas/apps/{app}/default": 1,
	})
	if got, err := org.client(t).ReadPhoneSync(ctx, renamed); err != nil || len(got.Drift(renamed)) > 0 || !got.Overridden(renamed) {
		t.Fatalf("read back after the update: %+v, %v (drift %v)", got, err, got.Drift(renamed))
	}
	org.reset()

	c = org.client(t)
	if err := c.DeletePhoneSync(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	calls("the delete", map[string]int{
		"POST /api/v1/mappings/{id}": 1, "GET /api/v1/mappings/{id}": 1,
		"POST /api/v1/meta/schemas/apps/{app}/default": 1, "GET /api/v1/meta/schemas/apps/{app}/default": 1,
		"POST /api/v1/meta/schemas/user/default": 1, "GET /api/v1/meta/schemas/user/default": 1,
	})
	if _, err := org.client(t).ReadPhoneSync(ctx, renamed); !IsNotFound(err) {
		t.Fatalf("after the delete: %v, want NotFound", err)
	}
}

// An update without what the plan showed reads every piece, writes what differs (the override the
// admin removed, with the attribute's new title, in one write) and leaves the rest.
func TestUpdatePhoneSyncReadsWithoutShown(t *testing.T) {
	c, org := newCountingClient(t)
	setProfileSourcing(t, org.url, oktaemu.DemoDialpadAppID, true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := PhoneSyncSpec{AppID: oktaemu.DemoDialpadAppID, AttributeName: "readPhone", DisplayName: "Dialpad Phone", Description: "d",
		ExternalName: "x", ExternalNamespace: "urn:a:b", PushStatus: PushStatusPush, OverrideProfileSource: true}
	if _, err := c.CreatePhoneSync(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetAttributeMaster(ctx, "default", s.AttributeName, MasterProfileMaster, nil); err != nil {
		t.Fatal(err)
	}
	next := s
	next.DisplayName = "Work phone"
	org.reset()
	if _, err := c.UpdatePhoneSync(ctx, s, next, nil); err != nil {
		t.Fatal(err)
	}
	if n := org.count("POST /api/v1/meta/schemas/user/"); n != 1 {
		t.Errorf("%d user schema writes, want the title and the override in one", n)
	}
	if n := org.count("POST /api/v1/mappings/"); n != 0 {
		t.Errorf("%d mapping writes for a mapping that was right", n)
	}
	if got, err := c.ReadPhoneSync(ctx, next); err != nil || len(got.Drift(next)) > 0 || !got.Overridden(next) {
		t.Fatalf("after the update: %+v, %v (drift %v)", got, err, got.Drift(next))
	}
}
