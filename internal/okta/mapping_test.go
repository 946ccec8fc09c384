package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeMappings is a minimal stand-in for Okta's mapping endpoints, enough to drive the write
// loop: partial update with null removal, optional dropped writes and a 503 after commit.
type fakeMappings struct {
	mu        sync.Mutex
	props     map[string]map[string]any
	dropNext  int // POSTs answered 200 and ignored
	failAfter int // POSTs applied, then answered 503
	// refuseAbsentNull answers 400 to a null for a property the mapping does not have (whether
	// real Okta does is not recorded).
	refuseAbsentNull bool
	posts            int
	gets             int // reads of the mapping by id
	bodies           []string
}

func (f *fakeMappings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/mappings":
		if r.URL.Query().Get("sourceId") == "0oaMissing" {
			w.Write([]byte(`[]`))
			return
		}
		w.Write([]byte(`[{"id":"prm1","source":{"id":"0oaApp","name":"dialpad","type":"appuser"},"target":{"id":"otyDefault","name":"user","type":"user"}}]`))
	case r.Method == "GET" && r.URL.Path == "/api/v1/mappings/prm1":
		f.gets++
		json.NewEncoder(w).Encode(map[string]any{"id": "prm1",
			"source": map[string]any{"id": "0oaApp", "name": "dialpad", "type": "appuser"},
			"target": map[string]any{"id": "otyDefault", "name": "user", "type": "user"}, "properties": f.props})
	case r.Method == "POST" && r.URL.Path == "/api/v1/mappings/prm1":
		f.posts++
		var body struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		raw := new(strings.Builder)
		json.NewDecoder(r.Body).Decode(&body)
		b, _ := json.Marshal(body)
		raw.Write(b)
		f.bodies = append(f.bodies, raw.String())
		if f.dropNext > 0 {
			f.dropNext--
			w.Write([]byte(`{}`))
			return
		}
		for k, v := range body.Properties {
			if strings.Contains(string(v), `"bad"`) {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed: mapping","errorCauses":[{"errorSummary":"Invalid expression for property ` + k + `"}]}`))
				return
			}
		}
		for k, v := range body.Properties {
			if _, ok := f.props[k]; !ok && string(v) == "null" && f.refuseAbsentNull {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"errorCode":"E0000001","errorSummary":"Api validation failed: mapping","errorCauses":[{"errorSummary":"No property ` + k + `"}]}`))
				return
			}
		}
		for k, v := range body.Properties {
			if string(v) == "null" {
				delete(f.props, k)
				continue
			}
			var p map[string]any
			json.Unmarshal(v, &p)
			f.props[k] = p
		}
		if f.failAfter > 0 {
			f.failAfter--
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"errorCode":"E0000009","errorSummary":"Internal Server Error"}`))
			return
		}
		w.Write([]byte(`{}`))
	default:
		w.WriteHeader(404)
		w.Write([]byte(`{"errorCode":"E0000007","errorSummary":"Not found: Resource not found"}`))
	}
}

func seedProps() map[string]map[string]any {
	return map[string]map[string]any{
		"login": {"expression": "appuser.userName", "pushStatus": "PUSH"},
		"email": {"expression": "appuser.email", "pushStatus": "DONT_PUSH"},
	}
}

func TestMappingWritesOnlyOwnProperties(t *testing.T) {
	f := &fakeMappings{props: seedProps()}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	m, err := c.CreateMappingProperties(ctx, "0oaApp", "otyDefault", map[string]MappingProperty{
		"dialpadPhone": {Expression: "appuser.phone", PushStatus: "PUSH"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "prm1" || m.Properties["dialpadPhone"].Expression != "appuser.phone" || len(m.Properties) != 3 {
		t.Fatalf("unexpected mapping after create: %+v", m)
	}
	if got := f.bodies[0]; got != `{"properties":{"dialpadPhone":{"expression":"appuser.phone","pushStatus":"PUSH"}}}` {
		t.Fatalf("create sent %s; want only the owned property", got)
	}

	_, err = c.CreateMappingProperties(ctx, "0oaApp", "otyDefault", map[string]MappingProperty{"email": {Expression: "x"}})
	var exists *MappingPropertyExistsError
	if !errors.As(err, &exists) || !strings.Contains(err.Error(), "terraform import dialpad_okta_attribute_mapping.<name> 0oaApp/otyDefault/email") {
		t.Fatalf("create of an existing property: got %v", err)
	}

	if err := c.DeleteMappingProperties(ctx, "0oaApp", "otyDefault", []string{"dialpadPhone"}); err != nil {
		t.Fatal(err)
	}
	if got := f.bodies[len(f.bodies)-1]; got != `{"properties":{"dialpadPhone":null}}` {
		t.Fatalf("delete sent %s; want the property as null", got)
	}
	if len(f.props) != 2 || f.props["login"] == nil || f.props["email"] == nil {
		t.Fatalf("other properties were touched: %v", f.props)
	}
	// A removal is a null whatever the mapping holds, so it is posted without reading first (a
	// no-op for an absent property) and verified by the read-back.
	posts := f.posts
	if err := c.DeleteMappingProperties(ctx, "0oaApp", "otyDefault", []string{"dialpadPhone"}); err != nil || f.posts != posts+1 {
		t.Fatalf("deleting an absent property: err %v, posts %d -> %d (want the one null)", err, posts, f.posts)
	}
	if len(f.props) != 2 {
		t.Fatalf("deleting an absent property changed the mapping: %v", f.props)
	}
	if err := c.DeleteMappingProperties(ctx, "0oaMissing", "otyDefault", []string{"x"}); err != nil {
		t.Fatalf("deleting from a missing mapping: %v", err)
	}
}

func TestMappingWriteRetriesDroppedAndAmbiguousWrites(t *testing.T) {
	f := &fakeMappings{props: seedProps(), dropNext: 2}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := c.UpdateMappingProperties(ctx, "0oaApp", "otyDefault",
		map[string]MappingProperty{"login": {Expression: "appuser.email", PushStatus: "PUSH"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Properties["login"].Expression != "appuser.email" || f.posts != 3 {
		t.Fatalf("want the write reposted until visible (3 posts), got %d posts, %+v", f.posts, m.Properties)
	}

	// Applied, then answered 503: the read-back accepts it as ours.
	f.failAfter = 1
	_, err = c.CreateMappingProperties(ctx, "0oaApp", "otyDefault", map[string]MappingProperty{"x": {Expression: "appuser.x", PushStatus: "DONT_PUSH"}})
	if err != nil {
		t.Fatalf("create after an ambiguous failure of its own write: %v", err)
	}
}

func TestMappingWriteTimesOutWithClearError(t *testing.T) {
	f := &fakeMappings{props: seedProps(), dropNext: 1 << 30}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.UpdateMappingProperties(ctx, "0oaApp", "otyDefault", map[string]MappingProperty{"login": {Expression: "appuser.email"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "did not show the write") {
		t.Fatalf("got %v", err)
	}
}

func TestReapplyRefusedForOAuth(t *testing.T) {
	c := &Client{mode: AuthModePrivateKey}
	if err := c.ReapplyMapping(context.Background(), "a", "b"); !errors.Is(err, ErrReapplyNeedsAPIToken) {
		t.Fatalf("got %v", err)
	}
}

// TestReapplyRetries: Okta's transient answers (503) are sent again until one succeeds; a refusal
// (400) ends the reapply at once, with the translated error; a transient answer still there when
// ctx ends is the error.
func TestReapplyRetries(t *testing.T) {
	var calls atomic.Int32
	status := http.StatusServiceUnavailable
	var mu sync.Mutex
	failFirst := 2
	c := newServerClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/api/internal/v1/mappings/reapply" || r.URL.Query().Get("source") != "0oaApp" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.String(), http.StatusBadRequest)
			return
		}
		n := calls.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if failFirst < 0 || int(n) <= failFirst {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorCauses":[]}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.ReapplyMapping(ctx, "0oaApp", "otyDefault"); err != nil || calls.Load() != 3 {
		t.Fatalf("after two 503s: got %v after %d calls, want success after 3", err, calls.Load())
	}

	calls.Store(0)
	mu.Lock()
	status, failFirst = http.StatusBadRequest, -1
	mu.Unlock()
	err := c.ReapplyMapping(ctx, "0oaApp", "otyDefault")
	if err == nil || !strings.Contains(err.Error(), "applying the mapping 0oaApp -> otyDefault to existing users") || calls.Load() != 1 {
		t.Fatalf("a 400: got %v after %d calls, want one call and the reapply error", err, calls.Load())
	}

	calls.Store(0)
	mu.Lock()
	status = http.StatusServiceUnavailable
	mu.Unlock()
	short, cancelShort := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancelShort()
	err = c.ReapplyMapping(short, "0oaApp", "otyDefault")
	if err == nil || StatusOf(err) != http.StatusServiceUnavailable || calls.Load() < 2 {
		t.Fatalf("503s until ctx ends: got %v (status %d) after %d calls, want the 503 after more than one call", err, StatusOf(err), calls.Load())
	}
}

func TestParseMappingImportID(t *testing.T) {
	s, tg, props, err := ParseMappingImportID("0oa1/oty2/a,b,a")
	if err != nil || s != "0oa1" || tg != "oty2" || strings.Join(props, ",") != "a,b" {
		t.Fatalf("got %q %q %v %v", s, tg, props, err)
	}
	for _, bad := range []string{"", "a/b", "a/b/", "/b/c", "a//c", "a/b/c/d", "a/b/c,,d"} {
		if _, _, _, err := ParseMappingImportID(bad); err == nil {
			t.Errorf("ParseMappingImportID(%q) accepted", bad)
		}
	}
}

func TestExpressionReads(t *testing.T) {
	cases := []struct {
		expr, typ, name string
		want            bool
	}{
		{"appuser.dialpadPhone", "appuser", "dialpadPhone", true},
		{"source.dialpadPhone", "user", "dialpadPhone", true},
		{"user.dialpadPhone", "appuser", "dialpadPhone", false},
		{"user.dialpadPhone", "user", "dialpadPhone", true},
		{"appuser.dialpadPhoneExt", "appuser", "dialpadPhone", false},
		{"xappuser.dialpadPhone", "appuser", "dialpadPhone", false},
		{"a.appuser.dialpadPhone", "appuser", "dialpadPhone", false},
		{`"appuser.dialpadPhone"`, "appuser", "dialpadPhone", false},
		{`String.substringBefore(appuser.dialpadPhone, "@")`, "appuser", "dialpadPhone", true},
		{`"x" + user.dialpadPhone`, "", "dialpadPhone", true},
	}
	for _, c := range cases {
		if got := ExpressionReads(c.expr, c.typ, c.name); got != c.want {
			t.Errorf("ExpressionReads(%q, %q, %q) = %v, want %v", c.expr, c.typ, c.name, got, c.want)
		}
	}
}

func TestMappingsUsingAttribute(t *testing.T) {
	f := &fakeMappings{props: map[string]map[string]any{"dialpadPhone": {"expression": "appuser.phone", "pushStatus": "PUSH"}}}
	c := newServerClient(t, f)
	uses, err := c.MappingsUsingAttribute(context.Background(), "otyDefault", "dialpadPhone")
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 1 || !uses[0].AsTarget || uses[0].Property != "dialpadPhone" || !strings.Contains(uses[0].String(), "prm1") {
		t.Fatalf("target use: %+v", uses)
	}
	uses, err = c.MappingsUsingAttribute(context.Background(), "0oaApp", "phone")
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 1 || uses[0].AsTarget || uses[0].Property != "dialpadPhone" {
		t.Fatalf("source use: %+v", uses)
	}
}

func TestMappingWritesAreGroupCommitted(t *testing.T) {
	f := &fakeMappings{props: seedProps()}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Hold the mapping's lock so that every writer queues, as under Terraform's parallelism.
	unlock := c.locks.Lock("mapping:prm1")
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() {
			expr := "appuser.x"
			if i == 3 {
				expr = "bad"
			}
			_, err := c.CreateMappingProperties(ctx, "0oaApp", "otyDefault",
				map[string]MappingProperty{fmt.Sprintf("p%d", i): {Expression: expr, PushStatus: "PUSH"}})
			errs <- err
		}()
	}
	for { // wait until all are queued
		q := c.mappings
		q.mu.Lock()
		k := len(q.pending["prm1"])
		q.mu.Unlock()
		if k == n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	unlock()
	var failed int
	for range n {
		if err := <-errs; err != nil {
			failed++
			if !strings.Contains(err.Error(), "Invalid expression for property p3") {
				t.Errorf("unexpected error: %v", err)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if failed != 1 {
		t.Fatalf("%d writers failed, want only the one with the bad expression", failed)
	}
	for i := range n {
		if _, ok := f.props[fmt.Sprintf("p%d", i)]; ok != (i != 3) {
			t.Errorf("p%d present = %v", i, ok)
		}
	}
	// One merged POST (refused), then each alone: 1 + 10 at most; without grouping of the good
	// ones it would be at least 10. The common case: the merged one succeeds.
	if f.posts > n+1 {
		t.Fatalf("%d posts for %d writers", f.posts, n)
	}
	if len(c.mappings.pending) != 0 {
		t.Fatalf("queue not drained: %v", c.mappings.pending)
	}
}

func TestMappingGroupCommitOnePost(t *testing.T) {
	f := &fakeMappings{props: seedProps()}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	unlock := c.locks.Lock("mapping:prm1")
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := c.UpdateMappingProperties(ctx, "0oaApp", "otyDefault",
				map[string]MappingProperty{fmt.Sprintf("q%d", i): {Expression: "appuser.x", PushStatus: "DONT_PUSH"}}, nil)
			errs <- err
		}()
	}
	for {
		q := c.mappings
		q.mu.Lock()
		k := len(q.pending["prm1"])
		q.mu.Unlock()
		if k == n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	unlock()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if f.posts != 1 {
		t.Fatalf("%d posts for %d queued writers, want 1", f.posts, n)
	}
}

// Two queued changes of one property are written in the order they were asked for, whoever gets
// the lock first: one resource dropping "email", then another creating it.
func TestMappingQueuedChangesKeepOrder(t *testing.T) {
	f := &fakeMappings{props: seedProps()}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	unlock := c.locks.Lock("mapping:prm1")
	queued := func(n int) {
		for {
			q := c.mappings
			q.mu.Lock()
			k := len(q.pending["prm1"])
			q.mu.Unlock()
			if k == n {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	errs := make(chan error, 2)
	go func() { errs <- c.DeleteMappingProperties(ctx, "0oaApp", "otyDefault", []string{"email"}) }()
	queued(1)
	go func() {
		_, err := c.CreateMappingProperties(ctx, "0oaApp", "otyDefault", map[string]MappingProperty{"email": {Expression: "appuser.mail", PushStatus: "PUSH"}})
		errs <- err
	}()
	queued(2)
	unlock()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.props["email"]["expression"]; got != "appuser.mail" {
		t.Fatalf("email = %v, want the later create's expression", f.props["email"])
	}
}

// A remembered mapping id Okta no longer has falls back to the lookup; a removal needs no read
// before its write.
func TestMappingWriteByStaleIDFallsBack(t *testing.T) {
	f := &fakeMappings{props: seedProps()}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := c.UpdateMappingPropertiesByID(ctx, "prmGone", "0oaApp", "otyDefault", map[string]MappingProperty{"x": {Expression: "appuser.x", PushStatus: "PUSH"}}, nil)
	if err != nil || m.ID != "prm1" || m.Properties["x"].Expression != "appuser.x" {
		t.Fatalf("by a stale id: %+v, %v", m, err)
	}
	posts, gets := f.posts, f.gets
	if err := c.DeleteMappingPropertiesByID(ctx, "prm1", "0oaApp", "otyDefault", []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.props["x"]; ok || len(f.props) != 2 {
		t.Fatalf("after the removal: %v", f.props)
	}
	if f.posts-posts != 1 || f.gets-gets != 1 {
		t.Fatalf("the removal made %d posts and %d reads, want the null and its read-back", f.posts-posts, f.gets-gets)
	}
	if err := c.DeleteMappingPropertiesByID(ctx, "prmGone", "0oaMissing", "otyDefault", []string{"x"}); err != nil {
		t.Fatalf("a mapping gone with its source: %v, want success", err)
	}
}

// A removal is posted without a read first; when Okta refuses it (4xx) the mapping is read and the
// removal decided from what it holds: a property already gone is removed.
func TestRemovalOfAbsentMappingPropertyRefusedIsDone(t *testing.T) {
	f := &fakeMappings{props: seedProps(), refuseAbsentNull: true}
	c := newServerClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := len(f.props)
	if err := c.DeleteMappingProperties(ctx, "0oaApp", "otyDefault", []string{"absent"}); err != nil {
		t.Fatalf("removal of an absent mapping property refused by Okta = %v, want done", err)
	}
	if f.posts != 1 || len(f.props) != before {
		t.Errorf("%d posts, %d properties (want the one refused null, and the %d properties kept)", f.posts, len(f.props), before)
	}
	// One absent, one present: refused for the absent one, read, and the present one removed alone.
	f.props["gone"] = map[string]any{"expression": "appuser.x", "pushStatus": "PUSH"}
	if err := c.DeleteMappingProperties(ctx, "0oaApp", "otyDefault", []string{"absent2", "gone"}); err != nil {
		t.Fatalf("removal of an absent and a present property = %v, want done", err)
	}
	if _, ok := f.props["gone"]; ok || f.posts != 3 || len(f.props) != before {
		t.Errorf("after %d posts the mapping holds %v; want gone removed by a third post, the rest kept", f.posts, f.props)
	}
	if last := f.bodies[len(f.bodies)-1]; strings.Contains(last, "absent2") {
		t.Errorf("the post after the read still removes the absent property: %s", last)
	}
}
