package okta

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

func newTestCache(clock *fakeClock) *readCache {
	rc := newReadCache()
	rc.now = clock.now
	return rc
}

// Concurrent readers of one key share one call.
func TestReadCache_concurrentReadersShareOneCall(t *testing.T) {
	rc := newTestCache(&fakeClock{t: time.Now()})
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (any, error) {
		calls.Add(1)
		<-release
		return "schema", nil
	}
	var wg sync.WaitGroup
	started := make(chan struct{}, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			v, err := rc.get(context.Background(), "k", fetch)
			if err != nil || v != "schema" {
				t.Errorf("got %v, %v", v, err)
			}
		}()
	}
	for i := 0; i < 50; i++ {
		<-started
	}
	time.Sleep(20 * time.Millisecond) // let them reach the flight
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d fetches for 50 concurrent readers, want 1", n)
	}
}

// A stored answer is reused until the TTL, then read again.
func TestReadCache_ttl(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	rc := newTestCache(clock)
	n := 0
	fetch := func(context.Context) (any, error) { n++; return n, nil }
	for i := 0; i < 5; i++ {
		if v, _ := rc.get(context.Background(), "k", fetch); v != 1 {
			t.Fatalf("read %d: got %v, want the cached 1", i, v)
		}
	}
	clock.advance(readTTL)
	if v, _ := rc.get(context.Background(), "k", fetch); v != 2 {
		t.Fatalf("after the TTL: got %v, want a new read", v)
	}
}

// A write invalidates: the next read goes to Okta.
func TestReadCache_invalidate(t *testing.T) {
	rc := newTestCache(&fakeClock{t: time.Now()})
	n := 0
	fetch := func(context.Context) (any, error) { n++; return n, nil }
	rc.get(context.Background(), "k", fetch)
	rc.get(context.Background(), "other", fetch)
	rc.invalidate("k")
	if v, _ := rc.get(context.Background(), "k", fetch); v != 3 {
		t.Fatalf("after invalidate: got %v, want a new read", v)
	}
	if v, _ := rc.get(context.Background(), "other", fetch); v != 2 {
		t.Fatalf("another key was invalidated too: got %v", v)
	}
}

// A read in flight while a write happens is not stored and is not joined by later readers: it
// may show the object before the write.
func TestReadCache_readDuringWriteIsNotReused(t *testing.T) {
	rc := newTestCache(&fakeClock{t: time.Now()})
	inFlight, release := make(chan struct{}), make(chan struct{})
	old := func(context.Context) (any, error) {
		close(inFlight)
		<-release
		return "before the write", nil
	}
	done := make(chan any)
	go func() {
		v, _ := rc.get(context.Background(), "k", old)
		done <- v
	}()
	<-inFlight
	rc.invalidate("k") // the write lands while the old read is in flight
	v, _ := rc.get(context.Background(), "k", func(context.Context) (any, error) { return "after the write", nil })
	if v != "after the write" {
		t.Fatalf("a reader after the write got %q", v)
	}
	close(release)
	if v := <-done; v != "before the write" {
		t.Fatalf("the old reader got %v", v)
	}
	v, _ = rc.get(context.Background(), "k", func(context.Context) (any, error) { return "third", nil })
	if v != "after the write" {
		t.Fatalf("cache holds %q, want the read that followed the write", v)
	}
}

// fresh always reads, and what it reads serves the readers after it.
func TestReadCache_freshReadsAndRefreshes(t *testing.T) {
	rc := newTestCache(&fakeClock{t: time.Now()})
	n := 0
	fetch := func(context.Context) (any, error) { n++; return n, nil }
	rc.get(context.Background(), "k", fetch)
	if v, _ := rc.fresh(context.Background(), "k", fetch); v != 2 {
		t.Fatalf("fresh returned %v, want a new read", v)
	}
	if v, _ := rc.get(context.Background(), "k", fetch); v != 2 {
		t.Fatalf("get after fresh returned %v, want the fresh read", v)
	}
}

// Errors are not cached, and a reader's cancelled context does not fail the others.
func TestReadCache_errorsAndCancellation(t *testing.T) {
	rc := newTestCache(&fakeClock{t: time.Now()})
	boom := errors.New("503")
	if _, err := rc.get(context.Background(), "k", func(context.Context) (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if v, err := rc.get(context.Background(), "k", func(context.Context) (any, error) { return "ok", nil }); err != nil || v != "ok" {
		t.Fatalf("after an error: %v, %v (errors must not be cached)", v, err)
	}

	rc.invalidate("k")
	release := make(chan struct{})
	slow := func(ctx context.Context) (any, error) {
		<-release
		return "shared", ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() { _, err := rc.get(ctx, "k", slow); first <- err }()
	time.Sleep(10 * time.Millisecond)
	second := make(chan any)
	go func() { v, _ := rc.get(context.Background(), "k", slow); second <- v }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled reader: %v", err)
	}
	close(release)
	if v := <-second; v != "shared" {
		t.Fatalf("the other reader got %v after the first one gave up", v)
	}
}

// countingOrg is the demo emulator behind a handler that counts API calls by "METHOD path".
type countingOrg struct {
	mu    sync.Mutex
	calls map[string]int
	url   string // the emulator's base URL, for its control API
}

// reset forgets the calls counted so far.
func (o *countingOrg) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = map[string]int{}
}

// client is another client of the org: a new provider process, with nothing cached.
func (o *countingOrg) client(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(context.Background(), Config{OrgURL: o.url, APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// total counts every API call but the emulator's control calls.
func (o *countingOrg) total() int {
	return o.count("GET /api/") + o.count("POST /api/") + o.count("PUT /api/")
}

func (o *countingOrg) count(prefix string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for k, v := range o.calls {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

func newCountingClient(t *testing.T) (*Client, *countingOrg) {
	t.Helper()
	emu, err := oktaemu.New(oktaemu.Options{Token: "tok", Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	o := &countingOrg{calls: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.calls[r.Method+" "+r.URL.Path]++
		o.mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	o.url = srv.URL
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return c, o
}

// A writer's read (fresh) of an object nothing wrote since, at most maxAge old, serves as the
// base of the next write; a reader's, an older one, or one from before a write does not.
func TestReadCache_recentIsAWritersUnwrittenRead(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	rc := newTestCache(clock)
	ctx := context.Background()
	fetch := func(context.Context) (any, error) { return "doc", nil }
	if _, err := rc.get(ctx, "r", fetch); err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.recent("r", time.Second); ok {
		t.Error("a reader's cached read served as a write base")
	}
	if _, err := rc.fresh(ctx, "w", fetch); err != nil {
		t.Fatal(err)
	}
	if v, ok := rc.recent("w", time.Second); !ok || v != "doc" {
		t.Errorf("a writer's read just taken: %v, %v", v, ok)
	}
	clock.advance(1500 * time.Millisecond)
	if _, ok := rc.recent("w", time.Second); ok {
		t.Error("a read older than maxAge served as a write base")
	}
	if _, err := rc.fresh(ctx, "w", fetch); err != nil {
		t.Fatal(err)
	}
	rc.invalidate("w")
	if _, ok := rc.recent("w", time.Second); ok {
		t.Error("a read from before a write served as a write base")
	}
}

// The profile-sourcing check costs one listing of the apps, which also answers FindApp for each
// app it holds (the mapping's plan-time check asks for the same app).
func TestCheckProfileSourcing_oneListing(t *testing.T) {
	c, org := newCountingClient(t)
	setProfileSourcing(t, org.url, oktaemu.DemoDialpadAppID, true)
	ctx := context.Background()
	if _, err := c.CheckProfileSourcing(ctx, []string{oktaemu.DemoDialpadAppID}); err != nil {
		t.Fatal(err)
	}
	if a, err := c.FindApp(ctx, oktaemu.DemoDialpadAppID); err != nil || !a.ProfileSourcingEnabled {
		t.Fatalf("FindApp after the check: %+v, %v", a, err)
	}
	if lists, byID := org.count("GET /api/v1/apps")-org.count("GET /api/v1/apps/"), org.count("GET /api/v1/apps/"); lists != 1 || byID != 0 {
		t.Fatalf("%d listings and %d reads by id, want the one listing", lists, byID)
	}
	if _, err := c.CheckProfileSourcing(ctx, []string{"0oanosuchapp"}); !IsNotFound(err) {
		t.Fatalf("an app the listing does not hold: %v, want NotFound (read by id)", err)
	}
}

// The user type's and the mapping's ids come from one listing of the app's mappings.
func TestFindAppUserTypeMapping(t *testing.T) {
	want, err := func() (*Mapping, error) {
		c, _ := newCountingClient(t)
		return c.FindMapping(context.Background(), oktaemu.DemoDialpadAppID, oktaemu.DemoDefaultUserTypeID)
	}()
	if err != nil {
		t.Fatal(err)
	}
	for _, spelling := range []string{"default", "user", "", oktaemu.DemoDefaultUserTypeID} {
		c, org := newCountingClient(t)
		ut, m, err := c.FindAppUserTypeMapping(context.Background(), oktaemu.DemoDialpadAppID, spelling)
		if err != nil || ut != oktaemu.DemoDefaultUserTypeID || m != want.ID {
			t.Fatalf("%q: user type %q, mapping %q, %v; want %q, %q", spelling, ut, m, err, oktaemu.DemoDefaultUserTypeID, want.ID)
		}
		if n := org.total(); n != 1 {
			t.Fatalf("%q: %d calls, want the one listing", spelling, n)
		}
	}
	c, _ := newCountingClient(t)
	if _, _, err := c.FindAppUserTypeMapping(context.Background(), oktaemu.DemoDialpadAppID, "contractor"); !IsNotFound(err) {
		t.Fatalf("a user type the org does not have: %v, want NotFound", err)
	}
}

// Many finders of one schema, concurrently, cost one schema GET; a write in between makes the
// next finder read again, and the writer's own verify read is a real GET.
func TestReadCoalescing_schemaFinders(t *testing.T) {
	c, org := newCountingClient(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.FindUserAttribute(ctx, "default", oktaemu.DemoUserAttrBadgeNumber); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := org.count("GET /api/v1/meta/schemas/user/"); n != 1 {
		t.Fatalf("100 concurrent finders made %d schema GETs, want 1", n)
	}

	before := org.count("GET /api/v1/meta/schemas/user/")
	if _, err := c.CreateUserAttribute(ctx, "default", Attribute{Name: "perfCoalesce", Title: "t", Type: "string"}); err != nil {
		t.Fatal(err)
	}
	writerGets := org.count("GET /api/v1/meta/schemas/user/") - before
	if writerGets < 2 {
		t.Fatalf("the create made %d schema GETs, want a fresh read before and a verify read after its write", writerGets)
	}
	a, err := c.FindUserAttribute(ctx, "default", "perfCoalesce")
	if err != nil || a.Title != "t" {
		t.Fatalf("finder after the write: %+v, %v (a stale cached schema?)", a, err)
	}
	if n := org.count("GET /api/v1/meta/schemas/user/") - before - writerGets; n != 0 {
		t.Fatalf("the finder after the write made %d GETs; the writer's verify read should serve it", n)
	}
}

// FindMappingByID reads the mapping by id alone, and falls back to the list for a stale id.
func TestFindMappingByID(t *testing.T) {
	c, _ := newCountingClient(t)
	ctx := context.Background()
	m, err := c.FindMapping(ctx, oktaemu.DemoDialpadAppID, oktaemu.DemoDefaultUserTypeID)
	if err != nil {
		t.Fatal(err)
	}
	c2, org2 := newCountingClient(t) // a new process: nothing cached
	got, err := c2.FindMappingByID(ctx, m.ID, oktaemu.DemoDialpadAppID, oktaemu.DemoDefaultUserTypeID)
	if err != nil || got.ID != m.ID {
		t.Fatalf("FindMappingByID: %+v, %v", got, err)
	}
	if lists := org2.count("GET /api/v1/mappings") - org2.count("GET /api/v1/mappings/"); lists != 0 {
		t.Fatalf("FindMappingByID listed mappings %d times, want a GET by id only", lists)
	}
	c3, org3 := newCountingClient(t)
	got, err = c3.FindMappingByID(ctx, "prmNoSuchMapping", oktaemu.DemoDialpadAppID, oktaemu.DemoDefaultUserTypeID)
	if err != nil || got.SourceID != oktaemu.DemoDialpadAppID {
		t.Fatalf("stale id: %+v, %v", got, err)
	}
	if lists := org3.count("GET /api/v1/mappings") - org3.count("GET /api/v1/mappings/"); lists != 1 {
		t.Fatalf("stale id: %d list calls, want the fallback list", lists)
	}
}

// A read whose shared flight failed transiently after all of the transport's retries is read
// again, by every caller, instead of handing each of them the failure (issue 10: a plan failed with
// a 503 on the app schema at a 20% fault rate).
func TestReadCache_transientFailureIsReadAgain(t *testing.T) {
	rc := newReadCache()
	var calls atomic.Int32
	fetch := func(context.Context) (any, error) {
		if calls.Add(1) <= readRounds-1 {
			return nil, &APIError{Status: http.StatusServiceUnavailable, ErrorCode: "E0000010"}
		}
		return "schema", nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := rc.get(context.Background(), "k", fetch); err != nil || v != "schema" {
				t.Errorf("get: %v, %v; want the value of the read after the failures", v, err)
			}
		}()
	}
	wg.Wait()
	if _, err := rc.fresh(context.Background(), "k2", func(ctx context.Context) (any, error) { return fetch(ctx) }); err != nil {
		t.Fatalf("fresh after a success: %v", err)
	}
}

// Only Okta's transient answers are read again: a 4xx, a not-found and a call that got no answer
// (the transport already spent its retries on it) fail at once, and so does the caller's deadline.
func TestReadCache_onlyTransientAnswersAreReadAgain(t *testing.T) {
	for name, err := range map[string]error{
		"400":       &APIError{Status: http.StatusBadRequest},
		"not found": &NotFoundError{Kind: "app", ID: "x"},
		"no answer": errors.New("GET /api/v1/apps/x failed after 6 attempts: connection refused"),
	} {
		t.Run(name, func(t *testing.T) {
			rc := newReadCache()
			var calls atomic.Int32
			_, got := rc.get(context.Background(), "k", func(context.Context) (any, error) { calls.Add(1); return nil, err })
			if got == nil || calls.Load() != 1 {
				t.Fatalf("got %v after %d calls, want the error after 1", got, calls.Load())
			}
		})
	}
	rc := newReadCache()
	var calls atomic.Int32
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := rc.get(ctx, "k", func(context.Context) (any, error) {
		calls.Add(1)
		return nil, &APIError{Status: http.StatusServiceUnavailable, ErrorCode: "E0000010"}
	})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "E0000010") || calls.Load() != 1 {
		t.Fatalf("got %v after %d calls; want the deadline, naming Okta's last answer, after 1 call", err, calls.Load())
	}
	calls.Store(0)
	_, err = newReadCache().get(context.Background(), "k", func(context.Context) (any, error) {
		calls.Add(1)
		return nil, &APIError{Status: http.StatusServiceUnavailable}
	})
	if StatusOf(err) != http.StatusServiceUnavailable || int(calls.Load()) != readRounds {
		t.Fatalf("got %v after %d calls, want the 503 after %d", err, calls.Load(), readRounds)
	}
}
