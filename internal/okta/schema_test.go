package okta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestApplyAttributeKeepsUnmanagedFields(t *testing.T) {
	cur := map[string]any{
		"title":      "Old",
		"type":       "string",
		"master":     map[string]any{"type": "OVERRIDE", "priority": []any{map[string]any{"type": "APP", "value": "0oa1"}}},
		"mutability": "READ_WRITE",
		"default":    "x",
		"pattern":    "old",
	}
	next := applyAttribute(cur, Attribute{Name: "a", Title: "New", Type: "string"}, false)
	if next["title"] != "New" {
		t.Errorf("title = %v", next["title"])
	}
	for _, k := range []string{"master", "mutability", "default"} {
		if _, ok := next[k]; !ok {
			t.Errorf("%s was dropped: %v", k, next)
		}
	}
	if _, ok := next["pattern"]; ok {
		t.Errorf("pattern no longer configured but kept: %v", next)
	}
	if cur["title"] != "Old" {
		t.Error("applyAttribute mutated its input")
	}
	if got := attributeFromProperty("a", next).Source; got.MasterType != "OVERRIDE" || len(got.Priority) != 1 || got.Priority[0] != "0oa1" {
		t.Errorf("source = %+v", got)
	}
}

func TestAttributeRoundTrip(t *testing.T) {
	minL, maxL := int64(1), int64(20)
	for _, a := range []Attribute{
		{Name: "s", Title: "S", Description: "d", Type: "string", Required: true, Unique: true, Scope: "SELF", Permission: "READ_WRITE",
			MinLength: &minL, MaxLength: &maxL, Pattern: "[0-9]+", ExternalName: "phoneNumbers.^[type=='Dialpad'].value",
			ExternalNamespace: "urn:ietf:params:scim:schemas:core:2.0:User"},
		{Name: "e", Title: "E", Type: "integer", OneOf: []EnumChoice{{"1", "one"}, {"2", "two"}}},
		{Name: "n", Title: "N", Type: "number", Enum: []string{"1.5", "2"}},
		{Name: "arr", Title: "Arr", Type: "array", ArrayType: "string", Enum: []string{"a", "b"}, Union: true},
		{Name: "b", Title: "B", Type: "boolean", Permission: "HIDE"},
	} {
		p := applyAttribute(nil, a, true)
		// Through JSON, as Okta would store and return it.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		doc := &schemaDoc{custom: map[string]json.RawMessage{a.Name: b}}
		got := attributeFromProperty(a.Name, doc.property(a.Name))
		if !sameAttribute(got, a, true) {
			t.Errorf("%s: round trip changed it:\n sent %s\n got  %+v", a.Name, b, got)
		}
		if a.Type == "integer" && !strings.Contains(string(b), `"enum":[1,2]`) {
			t.Errorf("integer enum not sent as numbers: %s", b)
		}
	}
}

func TestSameAttributeDetectsEachField(t *testing.T) {
	base := Attribute{Name: "x", Title: "T", Type: "string", Scope: "NONE", Permission: "READ_ONLY"}
	for name, mutate := range map[string]func(*Attribute){
		"title":       func(a *Attribute) { a.Title = "U" },
		"description": func(a *Attribute) { a.Description = "d" },
		"required":    func(a *Attribute) { a.Required = true },
		"unique":      func(a *Attribute) { a.Unique = true },
		"scope":       func(a *Attribute) { a.Scope = "SELF" },
		"permission":  func(a *Attribute) { a.Permission = "HIDE" },
		"enum":        func(a *Attribute) { a.Enum = []string{"a"} },
		"pattern":     func(a *Attribute) { a.Pattern = ".+" },
		"external":    func(a *Attribute) { a.ExternalName = "x" },
		"namespace":   func(a *Attribute) { a.ExternalNamespace = "urn:a:b" },
	} {
		changed := base
		mutate(&changed)
		if sameAttribute(base, changed, false) {
			t.Errorf("%s change not detected", name)
		}
	}
	withMaster := base
	withMaster.Source = AttributeSource{MasterType: "OKTA"}
	if !sameAttribute(withMaster, base, false) {
		t.Error("master counted as an attribute field")
	}
}

// fakeSchemaServer is a minimal schema endpoint that can drop writes and answer Okta's clean-up
// window error, for the retry loop's unit tests (the emulator's acceptance tests cover the rest).
type fakeSchemaServer struct {
	mu           sync.Mutex
	props        map[string]json.RawMessage
	dropNext     int
	cleanupUntil time.Time
	// refuseAbsentNull answers a null for a property the schema lacks with a 400 (whether real
	// Okta does is not recorded: every recorded null removes an existing property).
	refuseAbsentNull bool
	posts            int
	gets             int
}

func (f *fakeSchemaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		f.posts++
		var body struct {
			Definitions struct {
				Custom struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"custom"`
			} `json:"definitions"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		for name, p := range body.Definitions.Custom.Properties {
			_, exists := f.props[name]
			if !exists && time.Now().Before(f.cleanupUntil) {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed: newSchema","errorCauses":[{"errorSummary":"The deletion process for an attribute with the same variable name is incomplete. Try again later."}]}`))
				return
			}
			if !exists && string(p) == "null" && f.refuseAbsentNull {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed: newSchema","errorCauses":[{"errorSummary":"Property does not exist."}]}`))
				return
			}
			if f.dropNext > 0 {
				f.dropNext--
				continue
			}
			if string(p) == "null" {
				delete(f.props, name)
			} else {
				f.props[name] = p
			}
		}
	} else {
		f.gets++
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"definitions": map[string]any{"custom": map[string]any{"properties": f.props}}})
}

// newServerClient is a client of a fake Okta (h), without retries.
func newServerClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: "test-token", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateRetriesDroppedWrite(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{}, dropNext: 2}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := c.CreateAppUserAttribute(ctx, "0oa1", Attribute{Name: "x", Title: "X", Type: "string"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "X" || f.posts != 3 {
		t.Errorf("got %+v after %d posts, want 3 posts", a, f.posts)
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(`{"title":"Someone else's","type":"string"}`)}}
	c := newServerClient(t, f)
	_, err := c.CreateAppUserAttribute(context.Background(), "0oa1", Attribute{Name: "x", Title: "X", Type: "string"})
	var exists *AttributeExistsError
	if !errors.As(err, &exists) || exists.ImportID != "0oa1/x" || f.posts != 0 {
		t.Fatalf("err = %v after %d posts, want AttributeExistsError before any write", err, f.posts)
	}
}

// An attribute exactly as configured (what an apply killed after its write leaves behind, with
// nothing in the state) is taken over without a write, so the next apply converges.
func TestCreateTakesIdenticalExisting(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(`{"title":"X","type":"string","scope":"NONE","permissions":[{"principal":"SELF","action":"READ_ONLY"}]}`)}}
	c := newServerClient(t, f)
	a, err := c.CreateAppUserAttribute(context.Background(), "0oa1", Attribute{Name: "x", Title: "X", Type: "string"})
	if err != nil || a.Title != "X" || f.posts != 0 {
		t.Fatalf("got %+v, %v after %d posts; want the existing attribute taken without a write", a, err, f.posts)
	}
}

func TestCreateCleanupWindowTimesOutQuotingOkta(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{}, cleanupUntil: time.Now().Add(time.Hour)}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.CreateUserAttribute(ctx, "", Attribute{Name: "x", Title: "X", Type: "string"})
	if err == nil || !strings.Contains(err.Error(), "deletion process for an attribute with the same variable name is incomplete") ||
		!strings.Contains(err.Error(), "timeout") {
		t.Fatalf("err = %v", err)
	}
	if f.posts < 2 {
		t.Errorf("only %d attempts before the deadline", f.posts)
	}
}

func TestCreateSucceedsAfterCleanupWindow(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{}, cleanupUntil: time.Now().Add(700 * time.Millisecond)}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "x", Title: "X", Type: "string"}); err != nil {
		t.Fatal(err)
	}
}

func TestSetMasterKeepsAttributeFields(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(`{"title":"X","type":"string","description":"keep","unique":"UNIQUE_VALIDATED"}`)}}
	c := newServerClient(t, f)
	s, err := c.SetAttributeMaster(context.Background(), "", "x", MasterOverride, []string{"0oa1", "0oa2"})
	if err != nil {
		t.Fatal(err)
	}
	if s.MasterType != MasterOverride || len(s.Priority) != 2 {
		t.Errorf("source = %+v", s)
	}
	a, err := c.FindUserAttribute(context.Background(), "", "x")
	if err != nil {
		t.Fatal(err)
	}
	if a.Description != "keep" || !a.Unique || a.Source.MasterType != MasterOverride {
		t.Errorf("attribute after SetAttributeMaster = %+v", a)
	}
	// The attribute writer keeps the master it did not write.
	if _, err := c.UpdateUserAttribute(context.Background(), "", Attribute{Name: "x", Title: "X2", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	if a, _ = c.FindUserAttribute(context.Background(), "", "x"); a.Source.MasterType != MasterOverride || a.Title != "X2" {
		t.Errorf("after update: %+v", a)
	}
}

// A delete posts the null at once (its body does not depend on what Okta holds) and verifies it
// by reading back; a second delete is the same null, a no-op in Okta, and succeeds.
func TestDeleteSendsNullAndIsIdempotent(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(`{"title":"X"}`), "other": json.RawMessage(`{"title":"O"}`)}}
	c := newServerClient(t, f)
	for i := 0; i < 2; i++ {
		if err := c.DeleteUserAttribute(context.Background(), "", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := f.props["x"]; ok || f.props["other"] == nil || f.posts != 2 || f.gets != 2 {
		t.Errorf("props = %v after %d posts and %d reads; want x gone, other kept, one null and one read-back per delete", f.props, f.posts, f.gets)
	}
	if _, err := c.FindUserAttribute(context.Background(), "", "x"); !IsNotFound(err) {
		t.Errorf("FindUserAttribute after delete = %v, want NotFound", err)
	}
}

// A delete's first null goes out without a read. Should Okta refuse a null for a property it no
// longer has (not recorded either way), the delete reads the schema and, finding the property
// absent, is done: it does not fail on what it wanted anyway.
func TestDeleteOfAbsentPropertyRefusedIsDone(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"other": json.RawMessage(`{"title":"O"}`)}, refuseAbsentNull: true}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.DeleteUserAttribute(ctx, "", "x"); err != nil {
		t.Fatalf("delete of an absent property refused by Okta = %v, want done", err)
	}
	if f.props["other"] == nil || f.posts != 1 {
		t.Errorf("props = %v after %d posts; want other kept and only the one refused null sent", f.props, f.posts)
	}
}

func TestWritePacerConvergesAboveTheDropGap(t *testing.T) {
	var p writePacer
	if p.wait() > 0 {
		t.Fatal("a fresh pacer waits")
	}
	p.dropped() // a write 0 ms after the last one was lost
	if p.gap != 200*time.Millisecond {
		t.Fatalf("gap after the first drop = %v", p.gap)
	}
	for i := 0; i < 20; i++ {
		p.applied(time.Now())
	}
	if p.gap != 125*time.Millisecond {
		t.Fatalf("gap after many applied writes = %v, want 1.25 x the dropped gap", p.gap)
	}
	if w := p.wait(); w <= 0 || w > 125*time.Millisecond {
		t.Fatalf("wait right after a write = %v", w)
	}
	p.dropped()
	if p.floor != 125*time.Millisecond || p.gap != 250*time.Millisecond {
		t.Fatalf("after a second drop: floor %v gap %v", p.floor, p.gap)
	}
}

// An app user attribute holds only fields an Attribute describes, so its update posts the whole
// property without reading it first, and reads it back; a dropped write is read and sent again.
func TestUpdateAppUserAttributeWritesAtOnce(t *testing.T) {
	f := &fakeSchemaServer{props: map[string]json.RawMessage{"x": json.RawMessage(`{"title":"X","type":"string","scope":"NONE"}`)}}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if a, err := c.UpdateAppUserAttribute(ctx, "0oa1", Attribute{Name: "x", Title: "Y", Type: "string"}); err != nil || a.Title != "Y" {
		t.Fatalf("update: %+v, %v", a, err)
	}
	if f.posts != 1 || f.gets != 1 {
		t.Fatalf("%d posts and %d reads, want the one write and its read-back", f.posts, f.gets)
	}
	f.dropNext = 1
	if a, err := c.UpdateAppUserAttribute(ctx, "0oa1", Attribute{Name: "x", Title: "Z", Type: "string"}); err != nil || a.Title != "Z" {
		t.Fatalf("update with a dropped write: %+v, %v", a, err)
	}
	if f.posts != 3 {
		t.Fatalf("%d posts after a dropped write, want it sent again", f.posts)
	}
}

// The source priority set right after the attribute's create builds on the create's read-back
// (this client's own read, taken after its last write to the schema) instead of reading again;
// a client that has not read the schema recently reads it first.
func TestWriteBuildsOnOwnRecentReadBack(t *testing.T) {
	c, org := newCountingClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "ownBase", Title: "t", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	org.reset()
	if _, err := c.SetAttributeMaster(ctx, "default", "ownBase", MasterOkta, nil); err != nil {
		t.Fatal(err)
	}
	if gets, posts := org.count("GET /api/v1/meta/schemas/user/"), org.count("POST /api/v1/meta/schemas/user/"); gets != 1 || posts != 1 {
		t.Fatalf("%d reads and %d writes, want the write and its read-back only", gets, posts)
	}
	org.reset()
	if _, err := org.client(t).SetAttributeMaster(ctx, "default", "ownBase", MasterProfileMaster, nil); err != nil {
		t.Fatal(err)
	}
	if gets := org.count("GET /api/v1/meta/schemas/user/"); gets != 2 {
		t.Fatalf("a new client made %d reads, want a read before its write and one after", gets)
	}
}
