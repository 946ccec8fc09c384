package okta

import (
	"context"
	"maps"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// readCache lets the resources of one provider process share reads of the same Okta object: a
// refresh of 100 attributes of one schema costs one schema GET, not 100.
//
//   - Concurrent reads of one key share one call (singleflight).
//   - An answer is reused for readTTL. Each terraform command configures a new client, so nothing
//     outlives the command that read it.
//   - Every write to an object invalidates its key. A read that was in flight when the write
//     happened is neither joined by later readers nor stored, because it may predate the write.
//   - Writers never read through the cache: their read-modify-write and their verify-after-write
//     reads go to Okta (fresh), and what they read refreshes the cache for the readers after them.
type readCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
	gens    map[string]uint64 // bumped by every invalidation of the key
	flights singleflight.Group
}

type cacheEntry struct {
	val    any
	at     time.Time
	gen    uint64
	writer bool // read by a writer (fresh): its pre-read or the verify read of its write
}

// readTTL is how long a read is reused. Long enough to span a refresh of many resources (Terraform
// walks them ten at a time), short enough that no command acts on a stale view for long; writes
// invalidate at once anyway.
const readTTL = 10 * time.Second

func newReadCache() *readCache {
	return &readCache{ttl: readTTL, now: time.Now, entries: map[string]cacheEntry{}, gens: map[string]uint64{}}
}

// get returns key's value: a fresh enough cached one, the result of a read already in flight, or
// fetch's. Errors are never cached. A read that failed transiently (answeredTransient) is read again
// (retryWhen, bounded by readRounds and ctx): each caller retries on its own, in a new flight, so a
// failure shared by every caller waiting on one flight is not the end of any of them.
func (rc *readCache) get(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	var v any
	err := retryWhen(ctx, readRounds, answeredTransient, func(ctx context.Context) (err error) {
		v, err = rc.getOnce(ctx, key, fetch)
		return err
	})
	return v, err
}

func (rc *readCache) getOnce(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	rc.mu.Lock()
	gen := rc.gens[key]
	if e, ok := rc.entries[key]; ok && e.gen == gen && rc.now().Sub(e.at) < rc.ttl {
		rc.mu.Unlock()
		return e.val, nil
	}
	rc.mu.Unlock()
	return rc.fetch(ctx, key, gen, fetch)
}

// fresh always reads from Okta (a writer's read) and stores the answer for later readers. It does
// not join a read in flight: that one may have started before the caller's write. Transient
// failures are read again as in get.
func (rc *readCache) fresh(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	var v any
	err := retryWhen(ctx, readRounds, answeredTransient, func(ctx context.Context) (err error) {
		rc.mu.Lock()
		gen := rc.gens[key]
		rc.mu.Unlock()
		start := rc.now()
		if v, err = fetch(ctx); err == nil {
			rc.storeEntry(key, cacheEntry{val: v, at: start, gen: gen, writer: true})
		}
		return err
	})
	return v, err
}

func (rc *readCache) fetch(ctx context.Context, key string, gen uint64, fetch func(context.Context) (any, error)) (any, error) {
	// The flight is per generation: a reader that arrives after a write never joins a read that
	// started before it.
	ch := rc.flights.DoChan(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
		start := rc.now()
		// The shared call must not die with the first caller's context while others wait on it;
		// it keeps the caller's values (logging) and is bounded by the transport's per-attempt
		// timeout and retry limits.
		v, err := fetch(context.WithoutCancel(ctx))
		if err == nil {
			rc.store(key, gen, v, start)
		}
		return v, err
	})
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// store keeps v unless the key was invalidated since the read started (gen moved on).
func (rc *readCache) store(key string, gen uint64, v any, at time.Time) {
	rc.storeEntry(key, cacheEntry{val: v, at: at, gen: gen})
}

func (rc *readCache) storeEntry(key string, e cacheEntry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.gens[key] != e.gen {
		return
	}
	if old, ok := rc.entries[key]; ok && old.gen == e.gen && old.at.After(e.at) {
		return // a later read is already stored
	}
	rc.entries[key] = e
}

// seed stores v under key as read at `at` by a call that answered for more than key: a list that
// holds the object. Only for objects this provider never writes (apps), whose key no write can
// have invalidated while the list was in flight.
func (rc *readCache) seed(key string, v any, at time.Time) {
	rc.mu.Lock()
	gen := rc.gens[key]
	rc.mu.Unlock()
	rc.store(key, gen, v, at)
}

// recent returns key's cached value when a writer read it (fresh) at most maxAge ago (and within
// the cache's ttl) and nothing wrote the object since.
func (rc *readCache) recent(key string, maxAge time.Duration) (any, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	if !ok || !e.writer || e.gen != rc.gens[key] || rc.now().Sub(e.at) > min(maxAge, rc.ttl) {
		return nil, false
	}
	return e.val, true
}

// peek returns key's cached value however old, without reading Okta: only for facts that do not
// change once read (the names and types of a mapping's ends).
func (rc *readCache) peek(key string) (any, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[key]
	return e.val, ok
}

// invalidate forgets key: called before and after every write to the object.
func (rc *readCache) invalidate(key string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gens[key]++
	delete(rc.entries, key)
}

// ---- what is cached ---------------------------------------------------------------------------

func schemaCacheKey(ref schemaRef) string { return "schema " + ref.path() }

func mappingCacheKey(id string) string { return "mapping " + id }

func mappingListCacheKey(sourceID, targetID string) string {
	return "mappings source=" + sourceID + " target=" + targetID
}

// getSchema reads a schema through the cache (finders: resource Read, plan-time lookups).
func (c *Client) getSchema(ctx context.Context, ref schemaRef) (*schemaDoc, error) {
	v, err := c.cache.get(ctx, schemaCacheKey(ref), func(ctx context.Context) (any, error) {
		return c.fetchSchema(ctx, ref)
	})
	if err != nil {
		return nil, err
	}
	return v.(*schemaDoc), nil
}

// getSchemaFresh reads a schema from Okta (writers) and refreshes the cache with it.
func (c *Client) getSchemaFresh(ctx context.Context, ref schemaRef) (*schemaDoc, error) {
	v, err := c.cache.fresh(ctx, schemaCacheKey(ref), func(ctx context.Context) (any, error) {
		return c.fetchSchema(ctx, ref)
	})
	if err != nil {
		return nil, err
	}
	return v.(*schemaDoc), nil
}

// writeBaseMaxAge is how old a writer's read of a schema may be to serve as the base of this
// client's next read-modify-write of that schema, instead of a fresh GET. Only a read taken after
// this client's last write to the schema qualifies (every write invalidates it): the verify read of
// the previous write, such as the attribute's create followed by its source priority in the module.
// A write on a base this old can undo what another client changed in the same property meanwhile,
// as one on a fresh base can in the time between the GET and the POST; the window is kept short.
const writeBaseMaxAge = 2 * time.Second

// schemaWriteBase is the base of a schema read-modify-write: the client's own read when recent
// enough (see writeBaseMaxAge), else a fresh read.
func (c *Client) schemaWriteBase(ctx context.Context, ref schemaRef) (*schemaDoc, error) {
	if v, ok := c.cache.recent(schemaCacheKey(ref), writeBaseMaxAge); ok {
		return v.(*schemaDoc), nil
	}
	return c.getSchemaFresh(ctx, ref)
}

// schemaWritten is called around every schema write.
func (c *Client) schemaWritten(ref schemaRef) { c.cache.invalidate(schemaCacheKey(ref)) }

// GetMapping reads one mapping by id through the cache, or returns a *NotFoundError.
func (c *Client) GetMapping(ctx context.Context, mappingID string) (*Mapping, error) {
	v, err := c.cache.get(ctx, mappingCacheKey(mappingID), func(ctx context.Context) (any, error) {
		return c.fetchMapping(ctx, mappingID)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Mapping).clone(), nil
}

// getMappingFresh reads a mapping from Okta (writers) and refreshes the cache with it.
func (c *Client) getMappingFresh(ctx context.Context, mappingID string) (*Mapping, error) {
	v, err := c.cache.fresh(ctx, mappingCacheKey(mappingID), func(ctx context.Context) (any, error) {
		return c.fetchMapping(ctx, mappingID)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Mapping).clone(), nil
}

// mappingWritten is called around every write to a mapping's properties.
func (c *Client) mappingWritten(mappingID string) { c.cache.invalidate(mappingCacheKey(mappingID)) }

// listMappings lists mappings (filtered by source and/or target id when not empty) through the
// cache. Okta creates and deletes mappings itself, with apps and user types; property writes do not
// change the list.
func (c *Client) listMappings(ctx context.Context, sourceID, targetID string) ([]mappingRef, error) {
	v, err := c.cache.get(ctx, mappingListCacheKey(sourceID, targetID), func(ctx context.Context) (any, error) {
		return c.fetchMappingList(ctx, sourceID, targetID)
	})
	if err != nil {
		return nil, err
	}
	return append([]mappingRef(nil), v.([]mappingRef)...), nil
}

func (m *Mapping) clone() *Mapping {
	out := *m
	out.Properties = maps.Clone(m.Properties)
	return &out
}
