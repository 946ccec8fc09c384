package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"
	"time"
)

// mappingOp is one caller's change to one mapping.
type mappingOp struct {
	set                map[string]MappingProperty
	remove             []string
	create             bool
	sourceID, targetID string
	blind              bool // needs no read before its first post (see mappingChange)

	attempted bool  // sent at least once: from then on a matching property is ours, not a conflict
	lastErr   error // last ambiguous failure, for the timeout message
	done      bool
	result    *Mapping
	err       error
}

func (op *mappingOp) finish(m *Mapping, err error) { op.done, op.result, op.err = true, m, err }

// names are the properties the op touches.
func (op *mappingOp) names() []string {
	n := make([]string, 0, len(op.set)+len(op.remove))
	for k := range op.set {
		n = append(n, k)
	}
	return append(n, op.remove...)
}

// mappingQueue holds the changes waiting for each mapping's lock, per client.
type mappingQueue struct {
	mu      sync.Mutex
	pending map[string][]*mappingOp
}

func newMappingQueue() *mappingQueue { return &mappingQueue{pending: map[string][]*mappingOp{}} }

func (q *mappingQueue) add(id string, op *mappingOp) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending[id] = append(q.pending[id], op)
}

func (q *mappingQueue) result(op *mappingOp) (bool, *Mapping, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return op.done, op.result, op.err
}

func (q *mappingQueue) drop(id string, op *mappingOp) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ops := q.pending[id]
	for i, o := range ops {
		if o == op {
			q.pending[id] = append(ops[:i:i], ops[i+1:]...)
			break
		}
	}
	if len(q.pending[id]) == 0 {
		delete(q.pending, id)
	}
}

// removingAll says whether every one of uses is a property that a queued, unfinished change of
// this client removes from its mapping: the attribute they use is about to be free.
func (q *mappingQueue) removingAll(uses []MappingUse) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, u := range uses {
		found := false
		for _, op := range q.pending[u.MappingID] {
			found = found || (!op.done && slices.Contains(op.remove, u.Property))
		}
		if !found {
			return false
		}
	}
	return true
}

// take returns, in queue order, the unfinished ops that touch none of the properties of an
// earlier op: two changes to one property go in separate writes, the earlier first. The head of
// the queue is always taken, so every call makes progress.
func (q *mappingQueue) take(id string) []*mappingOp {
	q.mu.Lock()
	defer q.mu.Unlock()
	var batch []*mappingOp
	used := map[string]bool{}
	for _, op := range q.pending[id] {
		if op.done {
			continue
		}
		clash := false
		for _, n := range op.names() {
			clash = clash || used[n]
			used[n] = true // later ops on this property wait, even when this one waits too
		}
		if !clash {
			batch = append(batch, op)
		}
	}
	return batch
}

// settle marks ops finished and removes them from the queue.
func (q *mappingQueue) settle(id string, ops []*mappingOp, m *Mapping, err error) {
	q.mu.Lock()
	for _, op := range ops {
		op.finish(m, err)
	}
	q.mu.Unlock()
	for _, op := range ops {
		q.drop(id, op)
	}
}

// runMappingBatch writes the ops of one batch (the caller holds the mapping's lock) until Okta
// shows each, or ctx ends; ops still unfinished then stay queued.
func (c *Client) runMappingBatch(ctx context.Context, id string, batch []*mappingOp) {
	active := batch
	if !allBlind(batch) {
		active = c.preReadMapping(ctx, id, batch)
	}
	c.postMappingBatch(ctx, id, active)
}

func allBlind(batch []*mappingOp) bool {
	for _, op := range batch {
		if !op.blind {
			return false
		}
	}
	return true
}

// preReadMapping reads the mapping before the batch's first post, under the lock (another writer
// may have changed it meanwhile): it settles the creates that would overwrite a property mapped
// otherwise, and the changes Okta already shows, and returns the rest.
func (c *Client) preReadMapping(ctx context.Context, id string, batch []*mappingOp) []*mappingOp {
	q := c.mappings
	m, err := c.getMappingFresh(ctx, id)
	if err != nil {
		if ctx.Err() == nil {
			q.settle(id, batch, nil, err)
		}
		return nil
	}
	var active []*mappingOp
	for _, op := range batch {
		if err := mappingNamesOther(m, op); err != nil {
			q.settle(id, []*mappingOp{op}, nil, err)
			continue
		}
		if op.create && !op.attempted {
			// A property already mapped exactly as asked is the footprint of an interrupted
			// apply (see createAttribute) and is taken; any other is refused.
			var exist []string
			for name, want := range op.set {
				if got, ok := m.Properties[name]; ok && got != want {
					exist = append(exist, name)
				}
			}
			if len(exist) > 0 {
				sort.Strings(exist)
				q.settle(id, []*mappingOp{op}, nil, &MappingPropertyExistsError{MappingID: m.ID,
					SourceID: op.sourceID, TargetID: op.targetID, Properties: exist})
				continue
			}
		}
		if mappingShows(m, op.set, op.remove) {
			q.settle(id, []*mappingOp{op}, m, nil)
			continue
		}
		// A property the mapping no longer has is removed already: post only the others (a null
		// for an absent property is what a refused blind removal may have been refused for).
		var remove []string
		for _, name := range op.remove {
			if _, ok := m.Properties[name]; ok {
				remove = append(remove, name)
			}
		}
		op.remove = remove
		active = append(active, op)
	}
	return active
}

// errMappingIDReused says a remembered mapping id read back as another source or target.
var errMappingIDReused = errors.New("Okta reused a mapping id")

// mappingNamesOther is a *NotFoundError when m (read by an id a caller remembered) is not the
// mapping between op's source and target any more, so that the caller looks that one up.
func mappingNamesOther(m *Mapping, op *mappingOp) error {
	if m.SourceID == op.sourceID && m.TargetID == op.targetID {
		return nil
	}
	return &NotFoundError{Kind: "mapping", ID: m.ID + " (" + op.sourceID + " -> " + op.targetID + ")"}
}

// postMappingBatch posts the batch's changes as one partial update and reads back until Okta shows
// each (the caller holds the mapping's lock), or ctx ends; ops still unfinished then stay queued.
func (c *Client) postMappingBatch(ctx context.Context, id string, active []*mappingOp) {
	q := c.mappings
	path := "/api/v1/mappings/" + url.PathEscape(id)
	for round := 0; len(active) > 0; round++ {
		set, remove := map[string]MappingProperty{}, []string{}
		for _, op := range active {
			for k, v := range op.set {
				set[k] = v
			}
			remove = append(remove, op.remove...)
			op.attempted = true
		}
		err := c.doJSON(ctx, http.MethodPost, path, nil, mappingPatch(set, remove), nil)
		c.mappingWritten(id)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return
		case !resendable(err):
			if len(active) > 1 {
				// Okta refused the merged change: find whose it is by writing each alone, so
				// one resource's bad expression does not fail the others.
				for _, op := range active {
					c.runMappingBatch(ctx, id, []*mappingOp{op})
				}
				return
			}
			if op := active[0]; op.blind && round == 0 && len(op.set) == 0 && isClientError(err) {
				// A removal sent blind: read what Okta holds and decide from that (a property
				// already gone is removed), as a schema delete does. A refused set is an error
				// at once: there is nothing to read that would change it.
				op.blind = false
				c.runMappingBatch(ctx, id, active)
				return
			}
			q.settle(id, active, nil, c.translate(err, nil, "mapping", id))
			return
		default:
			// Okta may have applied it before failing: the read-back decides.
			for _, op := range active {
				op.lastErr = err
			}
		}
		// Poll with a growing interval; repost after a few polls (the write may have been dropped).
		for poll := 0; poll < 3 && len(active) > 0; poll++ {
			if sleepCtx(ctx, mappingBackoff(round, poll)) != nil {
				return
			}
			got, err := c.getMappingFresh(ctx, id)
			if err != nil {
				if IsNotFound(err) {
					q.settle(id, active, nil, err)
					return
				}
				if ctx.Err() != nil {
					return
				}
				if !answeredTransient(err) {
					// No answer after the transport's retries: the org is unreachable, and
					// polling it until the resource's timeout would change nothing.
					q.settle(id, active, nil, fmt.Errorf("the mapping write was sent, but reading it back failed, so whether "+
						"Okta applied it is unknown (applying again finds out): %w", err))
					return
				}
				for _, op := range active {
					op.lastErr = err
				}
				continue
			}
			var still []*mappingOp
			for _, op := range active {
				if err := mappingNamesOther(got, op); err != nil {
					// Only a remembered id can name another mapping, and Okta does not reuse ids:
					// this is not expected to happen, and the change has gone to that mapping.
					q.settle(id, []*mappingOp{op}, nil, fmt.Errorf("the mapping %s that the state names for %s -> %s is the "+
						"mapping %s -> %s in Okta, and this change was written to it: %w", id, op.sourceID, op.targetID,
						got.SourceID, got.TargetID, errMappingIDReused))
					continue
				}
				if mappingShows(got, op.set, op.remove) {
					q.settle(id, []*mappingOp{op}, got, nil)
				} else {
					still = append(still, op)
				}
			}
			active = still
		}
	}
}

// mappingPatch is the partial-update body: set properties as objects, removed ones as null.
func mappingPatch(set map[string]MappingProperty, remove []string) map[string]any {
	props := map[string]any{}
	for name, p := range set {
		v := map[string]any{"expression": p.Expression}
		if p.PushStatus != "" {
			v["pushStatus"] = p.PushStatus
		}
		props[name] = v
	}
	for _, name := range remove {
		if _, ok := set[name]; !ok {
			props[name] = nil
		}
	}
	return map[string]any{"properties": props}
}

// mappingShows reports whether m holds every property of set as given and none of remove.
func mappingShows(m *Mapping, set map[string]MappingProperty, remove []string) bool {
	for name, want := range set {
		got, ok := m.Properties[name]
		if !ok || got.Expression != want.Expression {
			return false
		}
		if want.PushStatus != "" && got.PushStatus != want.PushStatus {
			return false
		}
	}
	for _, name := range remove {
		if _, inSet := set[name]; inSet {
			continue
		}
		if _, ok := m.Properties[name]; ok {
			return false
		}
	}
	return true
}

// mappingBackoff is the wait before read-back poll `poll` of write round `round`: 100, 200, 400 ms
// in the first round, each later round doubling its start, capped at 2 s. Three polls per round
// keep a dropped write from costing more than a few hundred milliseconds while Okta is fast.
func mappingBackoff(round, poll int) time.Duration {
	d := 100 * time.Millisecond << min(round+poll, 5)
	return min(d, 2*time.Second)
}

func mappingTimeout(ctx context.Context, m mappingRef, set map[string]MappingProperty, remove []string, last error) error {
	var want []string
	for name := range set {
		want = append(want, name)
	}
	want = append(want, remove...)
	sort.Strings(want)
	msg := fmt.Sprintf("Okta did not show the write of %s on mapping %s (%s -> %s) before the timeout (%v)",
		quoteList(want), m.ID, m.SourceID, m.TargetID, ctx.Err())
	if last != nil {
		return fmt.Errorf("%s; last error: %w", msg, last)
	}
	return errors.New(msg + "; every write was answered with success but not visible when read back (lost updates or slow consistency); retry, or raise the resource's timeouts")
}
