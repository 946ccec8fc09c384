package okta

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
