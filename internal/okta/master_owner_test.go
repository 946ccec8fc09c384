package okta

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

// TestUserAttributeMasterManaged: a note matches the same attribute in every spelling of its user
// type, and nothing else.
func TestUserAttributeMasterManaged(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx := context.Background()
	if got, err := c.UserAttributeMasterManaged(ctx, "default", "phone"); err != nil || got {
		t.Fatalf("before any note: %v, %v; want false", got, err)
	}
	c.NoteUserAttributeMaster("user", "phone")
	c.NoteUserAttributeMaster("", "bare")
	for _, tc := range []struct {
		userType, name string
		want           bool
	}{
		{"user", "phone", true},
		{"default", "phone", true},
		{"", "phone", true},
		{oktaemu.DemoDefaultUserTypeID, "phone", true},
		{"default", "bare", true},
		{oktaemu.DemoDefaultUserTypeID, "bare", true},
		{"default", "other", false},
		{"default", "Phone", false},
		{"nosuchtype", "phone", false},
	} {
		got, err := c.UserAttributeMasterManaged(ctx, tc.userType, tc.name)
		if err != nil || got != tc.want {
			t.Errorf("UserAttributeMasterManaged(%q, %q) = %v, %v; want %v", tc.userType, tc.name, got, err, tc.want)
		}
	}

	// Noted by the type's id, found by its names.
	_, c2 := newEmu(t, oktaemu.Options{})
	c2.NoteUserAttributeMaster(oktaemu.DemoDefaultUserTypeID, "phone")
	if got, err := c2.UserAttributeMasterManaged(ctx, "user", "phone"); err != nil || !got {
		t.Errorf("noted by id, asked by name: %v, %v; want true", got, err)
	}
}

// TestResetAttributeMasterYields: the reset of dialpad_okta_attribute_source's destroy writes
// PROFILE_MASTER, unless a user attribute of this client manages the master, which it then leaves.
func TestResetAttributeMasterYields(t *testing.T) {
	_, c := newEmu(t, oktaemu.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := Attribute{Name: "yields", Title: "Y", Type: "string", Scope: "NONE", Permission: "READ_ONLY"}
	okta := &AttributeSource{MasterType: MasterOkta}
	got, err := c.CreateUserAttributeWithSource(ctx, "default", a, okta)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source.MasterType != MasterOkta {
		t.Fatalf("created with master %+v, want OKTA", got.Source)
	}
	// The create noted it: the reset, in any spelling, leaves it.
	for _, ut := range []string{"user", oktaemu.DemoDefaultUserTypeID} {
		skipped, err := c.ResetAttributeMaster(ctx, ut, a.Name)
		if err != nil || !skipped {
			t.Fatalf("ResetAttributeMaster(%q) = %v, %v; want skipped", ut, skipped, err)
		}
	}
	if s, err := c.FindAttributeSource(ctx, "default", a.Name); err != nil || s.MasterType != MasterOkta {
		t.Fatalf("after the skipped reset: %+v, %v; want OKTA kept", s, err)
	}

	// Another client (another provider process) has no note: it resets.
	c2, err := NewClient(ctx, c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := c2.ResetAttributeMaster(ctx, "default", a.Name)
	if err != nil || skipped {
		t.Fatalf("reset without a note = %v, %v; want written", skipped, err)
	}
	if s, err := c2.FindAttributeSource(ctx, "default", a.Name); err != nil || s.MasterType != MasterProfileMaster {
		t.Fatalf("after the reset: %+v, %v; want PROFILE_MASTER", s, err)
	}
	// A note made after ResetAttributeMaster's first look is still seen by its write, under the
	// schema's lock.
	if _, err := c2.SetAttributeMaster(ctx, "default", a.Name, MasterOkta, nil); err != nil {
		t.Fatal(err)
	}
	c2.NoteUserAttributeMaster("default", a.Name)
	if _, skipped, err := c2.setAttributeMaster(ctx, "default", a.Name, MasterProfileMaster, nil, true); err != nil || !skipped {
		t.Fatalf("the reset's write after a note = %v, %v; want skipped", skipped, err)
	}
	if s, err := c2.FindAttributeSource(ctx, "default", a.Name); err != nil || s.MasterType != MasterOkta {
		t.Fatalf("after the skipped write: %+v, %v; want OKTA kept", s, err)
	}
	// A gone attribute is a not-found error, as SetAttributeMaster's.
	if _, err := c2.ResetAttributeMaster(ctx, "default", "nosuch"); !IsNotFound(err) {
		t.Fatalf("reset of an absent attribute: %v; want not found", err)
	}
}

// TestWithSourceWritesOnce: a create with master posts once (master in the creating POST), an
// update of fields and master posts once, and neither without a master touches it.
func TestWithSourceWritesOnce(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{}}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := Attribute{Name: "x", Title: "X", Type: "string"}
	got, err := c.CreateUserAttributeWithSource(ctx, "", a, &AttributeSource{MasterType: MasterOverride, Priority: []string{"0oa1"}})
	if err != nil || f.posts != 1 || got.Source.MasterType != MasterOverride {
		t.Fatalf("create: %+v, %v after %d posts; want OVERRIDE in 1 post", got, err, f.posts)
	}
	a.Title = "X2"
	got, err = c.UpdateUserAttributeWithSource(ctx, "", a, &AttributeSource{MasterType: MasterProfileMaster})
	if err != nil || f.posts != 2 || got.Source.MasterType != MasterProfileMaster || got.Title != "X2" {
		t.Fatalf("update: %+v, %v after %d posts; want PROFILE_MASTER and the title in 1 more post", got, err, f.posts)
	}
	a.Title = "X3"
	if _, err := c.SetAttributeMaster(ctx, "", "x", MasterOkta, nil); err != nil {
		t.Fatal(err)
	}
	got, err = c.UpdateUserAttributeWithSource(ctx, "", a, nil)
	if err != nil || got.Source.MasterType != MasterOkta || got.Title != "X3" {
		t.Fatalf("update without master: %+v, %v; want OKTA kept", got, err)
	}
}

// An attribute taken over by a create (exactly as configured: an interrupted apply) gets the
// master it was created for in one write; one already holding it, in none.
func TestCreateWithSourceTakeOverWritesMaster(t *testing.T) {
	prop := `{"title":"X","type":"string","scope":"NONE","permissions":[{"principal":"SELF","action":"READ_ONLY"}],"master":{"type":"%s"}}`
	a := Attribute{Name: "x", Title: "X", Type: "string", Scope: "NONE", Permission: "READ_ONLY"}
	for _, tc := range []struct {
		held  string
		posts int
	}{{MasterProfileMaster, 1}, {MasterOkta, 0}} {
		f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(fmt.Sprintf(prop, tc.held))}}
		c := newServerClient(t, f)
		got, err := c.CreateUserAttributeWithSource(context.Background(), "default", a, &AttributeSource{MasterType: MasterOkta})
		if err != nil || got.Source.MasterType != MasterOkta || f.posts != tc.posts {
			t.Errorf("held %s: %+v, %v after %d posts; want OKTA after %d", tc.held, got, err, f.posts, tc.posts)
		}
	}
}
