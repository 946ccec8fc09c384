package okta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCreatedAttributesKeys(t *testing.T) {
	defaultType := mappingRef{TargetID: "otyDefault", TargetName: "user", TargetType: "user"}
	contractor := mappingRef{TargetID: "otyContractor", TargetName: "contractor", TargetType: "user"}
	app := mappingRef{TargetID: "0oaApp", TargetName: "contractor", TargetType: "appuser"}
	for _, tc := range []struct {
		app    bool
		owner  string
		target mappingRef
		want   bool
	}{
		{false, "", defaultType, true},
		{false, "default", defaultType, true},
		{false, "user", defaultType, true},
		{false, "otyDefault", defaultType, true},
		{false, "default", contractor, false},
		{false, "contractor", contractor, true},
		{false, "otyContractor", contractor, true},
		{false, "contractor", defaultType, false},
		// An app is matched by its id only, never by a name a user type may also have.
		{false, "contractor", app, false},
		{true, "0oaApp", app, true},
		{true, "0oaApp", defaultType, false},
		{true, "otyDefault", defaultType, false},
		// A mapping known by id only (no listing at hand): matched by the target's id.
		{false, "otyDefault", mappingRef{TargetID: "otyDefault"}, true},
		{true, "0oaApp", mappingRef{TargetID: "0oaApp"}, true},
		{false, "default", mappingRef{TargetID: "otyDefault"}, false},
	} {
		var r createdAttributes
		r.add(createdOwnerKey(tc.app, tc.owner), "x")
		if got := r.claim(mappingTargetKeys(tc.target), []string{"x"}); got != tc.want {
			t.Errorf("created under (app %v, %q), mapping target %+v: claim = %v, want %v", tc.app, tc.owner, tc.target, got, tc.want)
		}
	}
}

func TestCreatedAttributesClaim(t *testing.T) {
	target := mappingTargetKeys(mappingRef{TargetID: "otyDefault", TargetName: "user", TargetType: "user"})
	var r createdAttributes
	r.add(createdOwnerKey(false, "default"), "a")
	r.add(createdOwnerKey(false, "default"), "b")
	if r.claim(target, nil) {
		t.Error("a claim of no properties succeeded")
	}
	if r.claim(target, []string{"a", "c"}) {
		t.Error("a claim with one property not created succeeded")
	}
	// A failed claim spends nothing.
	if !r.claim(target, []string{"a", "b"}) {
		t.Fatal("a claim of two created properties failed")
	}
	// Spent: a second create of the same property reads first.
	if r.claim(target, []string{"a"}) || r.claim(target, []string{"b"}) {
		t.Error("an entry was claimed twice")
	}

	r.add(createdOwnerKey(false, "contractor"), "a")
	r.add(createdOwnerKey(true, "0oaApp"), "a")
	r.forget(false, "a") // deleted under some spelling of some user type
	contractor := mappingTargetKeys(mappingRef{TargetID: "otyC", TargetName: "contractor", TargetType: "user"})
	if r.claim(contractor, []string{"a"}) {
		t.Error("a deleted user attribute is still claimable")
	}
	app := mappingTargetKeys(mappingRef{TargetID: "0oaApp", TargetType: "appuser"})
	if !r.claim(app, []string{"a"}) {
		t.Error("deleting a user attribute forgot the app attribute of the same name")
	}

	r.add(createdOwnerKey(false, "default"), "m")
	r.forgetMapped([]string{"m"})
	if r.claim(target, []string{"m"}) {
		t.Error("a property another write mapped is still claimable")
	}
}

// fakeOrg serves the user schema (fakeSchemaServer) and the mappings (fakeMappings) of one org.
type fakeOrg struct {
	schema   *fakeSchemaServer
	mappings *fakeMappings
}

func (f fakeOrg) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/v1/mappings") {
		f.mappings.ServeHTTP(w, r)
		return
	}
	f.schema.ServeHTTP(w, r)
}

// The mapping create skips its existence read only for attributes this client's own POST created;
// one taken over, deleted, or mapped already is read first, and an already mapped one is refused.
func TestMappingCreateOfJustCreatedAttributeSkipsRead(t *testing.T) {
	org := fakeOrg{schema: &fakeSchemaServer{props: map[string]json.RawMessage{
		"kept": json.RawMessage(`{"title":"Kept","type":"string","scope":"NONE","permissions":[{"principal":"SELF","action":"READ_ONLY"}]}`)}},
		mappings: &fakeMappings{props: seedProps()}}
	c := newServerClient(t, org)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mapReads := func() int {
		org.mappings.mu.Lock()
		defer org.mappings.mu.Unlock()
		return org.mappings.gets
	}
	create := func(props map[string]MappingProperty) (reads int, err error) {
		before := mapReads()
		_, err = c.CreateMappingProperties(ctx, "0oaApp", "otyDefault", props)
		return mapReads() - before, err
	}
	push := func(expr string) MappingProperty {
		return MappingProperty{Expression: expr, PushStatus: PushStatusPush}
	}

	for _, name := range []string{"fresh", "other"} {
		if _, err := c.CreateUserAttribute(ctx, "user", Attribute{Name: name, Title: name, Type: "string"}); err != nil {
			t.Fatal(err)
		}
	}
	if reads, err := create(map[string]MappingProperty{"fresh": push("appuser.a"), "other": push("appuser.b")}); err != nil || reads != 1 {
		t.Fatalf("create of two just-created attributes: err %v, %d mapping reads (want 1: the read-back only)", err, reads)
	}
	// Spent: the same property again is read first, and refused, as mapped otherwise.
	reads, err := create(map[string]MappingProperty{"fresh": push("appuser.c")})
	var exists *MappingPropertyExistsError
	if !errors.As(err, &exists) || reads != 1 {
		t.Fatalf("second create of a property: err %v after %d reads, want MappingPropertyExistsError after 1 read", err, reads)
	}

	// Taken over, not created: read first.
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "kept", Title: "Kept", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	if reads, err := create(map[string]MappingProperty{"kept": push("appuser.k")}); err != nil || reads != 2 {
		t.Fatalf("create of a taken-over attribute: err %v, %d mapping reads (want 2: existence, read-back)", err, reads)
	}

	// Created, then deleted (and, in the real org, possibly created and mapped by someone else): read first.
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "gone", Title: "Gone", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUserAttribute(ctx, "default", "gone"); err != nil {
		t.Fatal(err)
	}
	if reads, err := create(map[string]MappingProperty{"gone": push("appuser.g")}); err != nil || reads != 2 {
		t.Fatalf("create after the attribute's delete: err %v, %d mapping reads (want 2)", err, reads)
	}

	// By the planned mapping id: the target's names come from the listing the plan made; without
	// one, only an attribute created under the target's id matches, and "default" is read first.
	for _, name := range []string{"byid", "byid2", "byid3"} {
		if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: name, Title: name, Type: "string"}); err != nil {
			t.Fatal(err)
		}
	}
	createByID := func(name string) (reads int, err error) {
		before := mapReads()
		_, err = c.CreateMappingPropertiesByID(ctx, "prm1", "0oaApp", "otyDefault", map[string]MappingProperty{name: push("appuser.i")})
		return mapReads() - before, err
	}
	c.cache.invalidate(mappingListCacheKey("0oaApp", "otyDefault")) // what the creates above listed
	if reads, err := createByID("byid"); err != nil || reads != 2 {
		t.Fatalf("create by id with no listing at hand: err %v, %d mapping reads (want 2)", err, reads)
	}
	if _, err := c.FindMappingID(ctx, "0oaApp", "otyDefault"); err != nil {
		t.Fatal(err)
	}
	if reads, err := createByID("byid2"); err != nil || reads != 1 {
		t.Fatalf("create by id after the plan's listing: err %v, %d mapping reads (want 1)", err, reads)
	}
	if _, _, err := c.FindAppUserTypeMapping(ctx, "0oaApp", "default"); err != nil {
		t.Fatal(err)
	}
	c.cache.invalidate(mappingListCacheKey("0oaApp", "otyDefault"))
	if reads, err := createByID("byid3"); err != nil || reads != 1 {
		t.Fatalf("create by id after FindAppUserTypeMapping's listing: err %v, %d mapping reads (want 1)", err, reads)
	}

	// One property just created and one not: read first, and the mapped one refused.
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "half", Title: "Half", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	reads, err = create(map[string]MappingProperty{"half": push("appuser.h"), "email": push("appuser.x")})
	if !errors.As(err, &exists) || reads != 1 || !strings.Contains(err.Error(), `"email"`) {
		t.Fatalf("create of a new and an already mapped property: err %v after %d reads, want the mapped one refused after 1 read", err, reads)
	}
	if _, ok := org.mappings.props["half"]; ok {
		t.Error("the refused create wrote its other property")
	}
}
