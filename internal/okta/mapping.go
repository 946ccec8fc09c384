package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// Push statuses of a mapping property: PUSH applies the mapping on user create and update,
// DONT_PUSH on create only.
const (
	PushStatusPush     = "PUSH"
	PushStatusDontPush = "DONT_PUSH"
)

// MappingProperty is one target property of a profile mapping.
type MappingProperty struct {
	Expression string
	PushStatus string
}

// Mapping is the one profile mapping between a source (an app or a user type) and a target.
// Okta creates mappings itself (when an app is created or a user type added); nobody creates or
// deletes them through the API, only their properties.
type Mapping struct {
	ID         string
	SourceID   string
	SourceName string
	SourceType string // "user" (an Okta user type) or "appuser" (an app)
	TargetID   string
	TargetName string
	TargetType string
	Properties map[string]MappingProperty
}

// MappingPropertyExistsError is what creating a property that is already mapped returns: nothing is
// adopted silently, the user imports it instead.
type MappingPropertyExistsError struct {
	MappingID, SourceID, TargetID string
	Properties                    []string // sorted
}

func (e *MappingPropertyExistsError) Error() string {
	return fmt.Sprintf("the Okta mapping %s (%s -> %s) already maps %s. Nothing is adopted silently: remove "+
		"it in Okta, or bring it under Terraform with\n  terraform import dialpad_okta_attribute_mapping.<name> %s",
		e.MappingID, e.SourceID, e.TargetID, quoteList(e.Properties),
		MappingImportID(e.SourceID, e.TargetID, e.Properties))
}

// MappingImportID is the import ID of properties of the mapping source -> target.
func MappingImportID(sourceID, targetID string, props []string) string {
	return sourceID + "/" + targetID + "/" + strings.Join(props, ",")
}

// ParseMappingImportID splits "<source_id>/<target_id>/<prop>[,<prop>...]".
func ParseMappingImportID(id string) (sourceID, targetID string, props []string, err error) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", nil, fmt.Errorf("import ID %q is not <source_id>/<target_id>/<property>[,<property>...]", id)
	}
	for _, p := range strings.Split(parts[2], ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			return "", "", nil, fmt.Errorf("import ID %q has an empty property name", id)
		}
		if !slices.Contains(props, p) {
			props = append(props, p)
		}
	}
	return parts[0], parts[1], props, nil
}

// FindMapping returns the mapping source -> target with its properties, or a *NotFoundError when
// Okta has no such mapping. The list call omits properties, so the mapping is then read by id.
func (c *Client) FindMapping(ctx context.Context, sourceID, targetID string) (*Mapping, error) {
	r, err := c.findMappingRef(ctx, sourceID, targetID)
	if err != nil {
		return nil, err
	}
	return c.GetMapping(ctx, r.ID)
}

// FindMappingID returns the id of the mapping source -> target (one list call, through the read
// cache), or a *NotFoundError. Okta keeps one mapping per pair for as long as both ends exist, so
// the id is known before anything is written.
func (c *Client) FindMappingID(ctx context.Context, sourceID, targetID string) (string, error) {
	r, err := c.findMappingRef(ctx, sourceID, targetID)
	return r.ID, err
}

// FindAppUserTypeMapping returns the ids of the user type userType (a name or an id; "", "default"
// and "user" are the default type) and of the mapping from app appID to it, from one listing of
// the app's mappings: each names its target, and a user type target by its id and its name (the
// default type's name is "user"). When the listing holds no such target it falls back to
// FindUserType and FindMappingID; what it found before an error is returned with it.
func (c *Client) FindAppUserTypeMapping(ctx context.Context, appID, userType string) (userTypeID, mappingID string, err error) {
	refs, err := c.listMappings(ctx, appID, "")
	if err != nil && !IsNotFound(err) {
		return "", "", err
	}
	for _, r := range refs {
		if r.SourceID != appID || r.TargetType != "user" {
			continue
		}
		if (IsDefaultUserType(userType) && r.TargetName == DefaultUserTypeName) || r.TargetID == userType || r.TargetName == userType {
			return r.TargetID, r.ID, nil
		}
	}
	ut, err := c.FindUserType(ctx, userType)
	if err != nil {
		return "", "", err
	}
	id, err := c.FindMappingID(ctx, appID, ut.ID)
	return ut.ID, id, err
}

// ListMappings lists the org's mappings, filtered by source and/or target id when not empty. The
// list omits properties (Properties is nil); GetMapping reads them.
func (c *Client) ListMappings(ctx context.Context, sourceID, targetID string) ([]Mapping, error) {
	refs, err := c.listMappings(ctx, sourceID, targetID)
	if err != nil {
		return nil, err
	}
	out := make([]Mapping, len(refs))
	for i, r := range refs {
		out[i] = Mapping{ID: r.ID, SourceID: r.SourceID, SourceName: r.SourceName, SourceType: r.SourceType,
			TargetID: r.TargetID, TargetName: r.TargetName, TargetType: r.TargetType}
	}
	return out, nil
}

// findMappingRef finds the mapping source -> target in the list (no properties), or returns a
// *NotFoundError.
func (c *Client) findMappingRef(ctx context.Context, sourceID, targetID string) (mappingRef, error) {
	refs, err := c.listMappings(ctx, sourceID, targetID)
	if err != nil {
		return mappingRef{}, err
	}
	for _, r := range refs {
		// Filter again: the query parameters are a hint an older org may ignore.
		if r.SourceID == sourceID && r.TargetID == targetID {
			return r, nil
		}
	}
	return mappingRef{}, &NotFoundError{Kind: "mapping", ID: sourceID + " -> " + targetID}
}

// FindMappingByID is FindMapping for a caller that remembers the mapping's id (a resource's
// state): one GET by id instead of a list and a GET. When the id is empty, gone, or now names
// another source or target, it falls back to FindMapping.
func (c *Client) FindMappingByID(ctx context.Context, mappingID, sourceID, targetID string) (*Mapping, error) {
	if mappingID != "" {
		m, err := c.GetMapping(ctx, mappingID)
		switch {
		case err == nil && m.SourceID == sourceID && m.TargetID == targetID:
			return m, nil
		case err != nil && !IsNotFound(err):
			return nil, err
		}
	}
	return c.FindMapping(ctx, sourceID, targetID)
}

// fetchMapping reads one mapping by id, or returns a *NotFoundError. Callers go through GetMapping
// (cached) or getMappingFresh (writers), in readcache.go.
func (c *Client) fetchMapping(ctx context.Context, mappingID string) (*Mapping, error) {
	pm, resp, err := c.api.ProfileMappingAPI.GetProfileMapping(ctx, mappingID).Execute()
	if err != nil {
		return nil, c.translate(err, resp, "mapping", mappingID)
	}
	m := &Mapping{ID: pm.GetId(), Properties: map[string]MappingProperty{}}
	if s := pm.Source; s != nil {
		m.SourceID, m.SourceName, m.SourceType = s.GetId(), s.GetName(), s.GetType()
	}
	if t := pm.Target; t != nil {
		m.TargetID, m.TargetName, m.TargetType = t.GetId(), t.GetName(), t.GetType()
	}
	if pm.Properties != nil {
		for k, v := range *pm.Properties {
			m.Properties[k] = MappingProperty{Expression: v.GetExpression(), PushStatus: v.GetPushStatus()}
		}
	}
	return m, nil
}

// mappingRef is a mapping as the list call returns it (no properties).
type mappingRef struct {
	ID, SourceID, SourceName, SourceType, TargetID, TargetName, TargetType string
}

// fetchMappingList lists mappings, filtered by source and/or target id when not empty. Callers go
// through listMappings (cached), in readcache.go.
func (c *Client) fetchMappingList(ctx context.Context, sourceID, targetID string) ([]mappingRef, error) {
	var out []mappingRef
	err := sdkPages("listing Okta mappings", func(after string) (int, *sdk.APIResponse, error) {
		req := c.api.ProfileMappingAPI.ListProfileMappings(ctx).Limit(200)
		if sourceID != "" {
			req = req.SourceId(sourceID)
		}
		if targetID != "" {
			req = req.TargetId(targetID)
		}
		if after != "" {
			req = req.After(after)
		}
		batch, resp, err := req.Execute()
		if err != nil {
			err = c.translate(err, resp, "", "")
			if isUnknownMappingEnd(err) {
				// Okta answers 400 for a source or target that no longer exists (okta provider
				// #431): the mappings from or to it are gone with it.
				return 0, resp, &NotFoundError{Kind: "mapping source or target", ID: strings.Trim(sourceID+" -> "+targetID, " ->")}
			}
			return 0, resp, fmt.Errorf("listing Okta mappings: %w", err)
		}
		for _, l := range batch {
			r := mappingRef{ID: l.GetId()}
			if s := l.Source; s != nil {
				r.SourceID, r.SourceName, r.SourceType = s.GetId(), s.GetName(), s.GetType()
			}
			if t := l.Target; t != nil {
				r.TargetID, r.TargetName, r.TargetType = t.GetId(), t.GetName(), t.GetType()
			}
			out = append(out, r)
		}
		return len(batch), resp, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateMappingProperties adds props to the mapping source -> target. It refuses (with a
// *MappingPropertyExistsError) when any of them is already mapped, checked once before its first
// write; after an ambiguous failure of its own write it accepts what Okta shows if it matches.
func (c *Client) CreateMappingProperties(ctx context.Context, sourceID, targetID string, props map[string]MappingProperty) (*Mapping, error) {
	return c.writeMapping(ctx, mappingChange{sourceID: sourceID, targetID: targetID, set: props, create: true})
}

// UpdateMappingProperties sets props and removes the properties named in remove, leaving every
// other property of the mapping as it is.
func (c *Client) UpdateMappingProperties(ctx context.Context, sourceID, targetID string, props map[string]MappingProperty, remove []string) (*Mapping, error) {
	return c.UpdateMappingPropertiesByID(ctx, "", sourceID, targetID, props, remove)
}

// UpdateMappingPropertiesByID is UpdateMappingProperties for a caller that remembers the mapping's
// id (a resource's state): it saves the lookup, and falls back to it when Okta no longer has the
// id or it names another source or target.
func (c *Client) UpdateMappingPropertiesByID(ctx context.Context, mappingID, sourceID, targetID string, props map[string]MappingProperty, remove []string) (*Mapping, error) {
	return c.writeMapping(ctx, mappingChange{mappingID: mappingID, sourceID: sourceID, targetID: targetID, set: props, remove: remove})
}

// DeleteMappingProperties removes the named properties (and only those) from the mapping. A
// mapping or property that is already gone counts as deleted.
func (c *Client) DeleteMappingProperties(ctx context.Context, sourceID, targetID string, names []string) error {
	return c.DeleteMappingPropertiesByID(ctx, "", sourceID, targetID, names)
}

// DeleteMappingPropertiesByID is DeleteMappingProperties with the mapping's id remembered (see
// UpdateMappingPropertiesByID).
func (c *Client) DeleteMappingPropertiesByID(ctx context.Context, mappingID, sourceID, targetID string, names []string) error {
	_, err := c.writeMapping(ctx, mappingChange{mappingID: mappingID, sourceID: sourceID, targetID: targetID, remove: names})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// mappingChange is what one caller asks of one mapping.
type mappingChange struct {
	sourceID, targetID string
	// mappingID is the mapping's id when the caller knows it (a resource's plan or state, read from
	// Okta for this source and target): it saves the list call. One Okta no longer has, or that
	// names another source or target, falls back to the lookup.
	mappingID string
	set       map[string]MappingProperty
	remove    []string
	// create refuses properties that are already mapped otherwise, checked on a read before the
	// first write, unless knownNew: the caller knows none of set can be mapped yet (Okta maps only
	// existing attributes, and the caller has just created each target attribute).
	create, knownNew bool
}

// writeMapping is every mapping write. Under the mapping's lock it posts a partial update holding
// only the callers' properties (a removed property is sent as JSON null, which the SDK's typed
// models cannot express, hence the raw call), then reads back until Okta shows the result. Okta may
// answer 200 and drop the write (a write too soon after the previous one) or show it late
// (eventual consistency), so the post is repeated until the read-back matches or ctx (the
// resource's timeout) ends. A partial update needs nothing of what Okta holds, so the mapping is
// read before the first post only to refuse a create of an already-mapped property.
//
// Writes to one mapping are group-committed: callers queue their change, and whoever holds the
// lock sends every queued change that does not touch the same property in one POST. With
// Terraform's parallelism, N resources on one mapping then cost a few writes instead of N, and
// give Okta's lost-update window fewer chances.
func (c *Client) writeMapping(ctx context.Context, ch mappingChange) (*Mapping, error) {
	if _, ok := ctx.Deadline(); !ok {
		// Callers pass the resource's timeout; this only bounds a caller that forgot.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 20*time.Minute)
		defer cancel()
	}
	if ch.mappingID != "" {
		m, err := c.writeMappingTo(ctx, mappingRef{ID: ch.mappingID, SourceID: ch.sourceID, TargetID: ch.targetID}, ch)
		if !IsNotFound(err) {
			return m, err
		}
		// The remembered id is gone or names another pair: look the mapping up.
	}
	// Only the id is needed here (one list call, through the cache): a create that must check what
	// is mapped reads the mapping itself, fresh, under the lock.
	found, err := c.findMappingRef(ctx, ch.sourceID, ch.targetID)
	if err != nil {
		return nil, err
	}
	if found.ID == ch.mappingID {
		return nil, &NotFoundError{Kind: "mapping", ID: found.ID}
	}
	return c.writeMappingTo(ctx, found, ch)
}

// writeMappingTo queues the change on the mapping ref and writes it (see writeMapping).
func (c *Client) writeMappingTo(ctx context.Context, ref mappingRef, ch mappingChange) (*Mapping, error) {
	q := mappingQueueOf(c)
	op := &mappingOp{set: ch.set, remove: ch.remove, create: ch.create, sourceID: ch.sourceID, targetID: ch.targetID,
		blind: !ch.create || ch.knownNew}
	q.add(ref.ID, op)
	unlock := c.locks.Lock("mapping:" + ref.ID)
	defer unlock()

	// Changes are written in queue order, so that two changes of one property (one resource
	// dropping it, another adding it) land in the order they were asked for. An earlier lock holder
	// may already have written ours.
	for ctx.Err() == nil {
		if done, m, err := q.result(op); done {
			return m, err
		}
		c.runMappingBatch(ctx, ref.ID, q.take(ref.ID))
	}
	if done, m, err := q.result(op); done {
		return m, err
	}
	// Our deadline passed before Okta showed our change; the other changes of the batch stay
	// queued for the next lock holder.
	q.drop(ref.ID, op)
	return nil, mappingTimeout(ctx, ref, op.set, op.remove, op.lastErr)
}

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

// mappingQueues maps *Client to its *mappingQueue (kept here rather than in Client so the write
// path stays in this file).
var mappingQueues sync.Map

func mappingQueueOf(c *Client) *mappingQueue {
	q, _ := mappingQueues.LoadOrStore(c, &mappingQueue{pending: map[string][]*mappingOp{}})
	return q.(*mappingQueue)
}

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
	q := mappingQueueOf(c)
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
	q := mappingQueueOf(c)
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

// ErrReapplyNeedsAPIToken is returned by ReapplyMapping for OAuth clients: Okta answers the
// reapply call only for API-token (SSWS) callers.
var ErrReapplyNeedsAPIToken = errors.New("Okta refuses to apply mappings to existing users for OAuth (service app) " +
	"credentials; only an API token (okta_api_token) may call it")

// ReapplyMapping applies the mapping source -> target to every existing user ("Apply updates
// now" in the Admin Console). Okta offers it only through an internal endpoint, which the SDK
// does not cover; it is idempotent, so ambiguous failures are retried until ctx ends.
func (c *Client) ReapplyMapping(ctx context.Context, sourceID, targetID string) error {
	if c.AuthMode() != AuthModeAPIToken {
		return ErrReapplyNeedsAPIToken
	}
	q := url.Values{"source": {sourceID}, "target": {targetID}}
	for attempt := 0; ; attempt++ {
		err := c.doJSON(ctx, http.MethodPut, "/api/internal/v1/mappings/reapply", q, nil, nil)
		if err == nil {
			return nil
		}
		// Only Okta's transient answers are worth another round: a call that got no answer has
		// had the transport's retries already.
		if !answeredTransient(err) || ctx.Err() != nil {
			return fmt.Errorf("applying the mapping %s -> %s to existing users: %w", sourceID, targetID, c.translate(err, nil, "", ""))
		}
		if sleepCtx(ctx, mappingBackoff(attempt, 0)) != nil {
			return fmt.Errorf("applying the mapping %s -> %s to existing users: %w", sourceID, targetID, err)
		}
	}
}

// MappingUse is one place where a mapping uses an attribute.
type MappingUse struct {
	MappingID  string
	SourceID   string
	SourceName string
	TargetID   string
	TargetName string
	Property   string // the mapping's target property
	Expression string
	AsTarget   bool // the attribute is the target property itself; otherwise the expression reads it
}

func (u MappingUse) String() string {
	if u.AsTarget {
		return fmt.Sprintf("mapping %s (%s -> %s) sets it as property %q from %q", u.MappingID, nameOr(u.SourceName, u.SourceID), nameOr(u.TargetName, u.TargetID), u.Property, u.Expression)
	}
	return fmt.Sprintf("mapping %s (%s -> %s) reads it in property %q = %q", u.MappingID, nameOr(u.SourceName, u.SourceID), nameOr(u.TargetName, u.TargetID), u.Property, u.Expression)
}

// MappingsUsingAttribute lists where the mappings use the attribute name of ownerID's profile
// (ownerID is an app id or a user type id — the id, not "default"): as the target property of a
// mapping into ownerID, or read by an expression (appuser.name, user.name, source.name) of a
// mapping out of ownerID. Okta refuses to delete such an attribute; this names the culprits.
func (c *Client) MappingsUsingAttribute(ctx context.Context, ownerID, name string) ([]MappingUse, error) {
	var uses []MappingUse
	err := c.eachMapping(ctx, "", ownerID, func(m *Mapping) {
		if p, ok := m.Properties[name]; ok {
			uses = append(uses, useOf(m, name, p, true))
		}
	})
	if err != nil {
		return nil, err
	}
	err = c.eachMapping(ctx, ownerID, "", func(m *Mapping) {
		for prop, p := range m.Properties {
			if ExpressionReads(p.Expression, m.SourceType, name) {
				uses = append(uses, useOf(m, prop, p, false))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].MappingID != uses[j].MappingID {
			return uses[i].MappingID < uses[j].MappingID
		}
		return uses[i].Property < uses[j].Property
	})
	return uses, nil
}

// isUnknownMappingEnd says Okta refused a mapping list because a sourceId or targetId is neither an
// app nor a user type ("Invalid source or target id", 400).
func isUnknownMappingEnd(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest && strings.Contains(ae.ErrorSummary, "Invalid source or target id")
}

// eachMapping reads every mapping from sourceID and/or into targetID ("" matches any) with its
// properties and calls fn with it; a mapping gone between the list and the read is skipped.
func (c *Client) eachMapping(ctx context.Context, sourceID, targetID string, fn func(*Mapping)) error {
	refs, err := c.listMappings(ctx, sourceID, targetID)
	if IsNotFound(err) {
		return nil // the source or target is gone, and every mapping of it
	} else if err != nil {
		return err
	}
	for _, r := range refs {
		// Filter again: the query parameters are a hint an older org may ignore.
		if (sourceID != "" && r.SourceID != sourceID) || (targetID != "" && r.TargetID != targetID) {
			continue
		}
		m, err := c.GetMapping(ctx, r.ID)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return err
		}
		fn(m)
	}
	return nil
}

func useOf(m *Mapping, prop string, p MappingProperty, asTarget bool) MappingUse {
	return MappingUse{MappingID: m.ID, SourceID: m.SourceID, SourceName: m.SourceName, TargetID: m.TargetID,
		TargetName: m.TargetName, Property: prop, Expression: p.Expression, AsTarget: asTarget}
}

var identChar = regexp.MustCompile(`[A-Za-z0-9_$]`)

// ExpressionReads reports whether expr reads the source attribute name: `source.name` always,
// `appuser.name` for an app source, `user.name` for a user type source ("" type: both), outside
// string literals.
func ExpressionReads(expr, sourceType, name string) bool {
	prefixes := []string{"source"}
	switch sourceType {
	case "appuser":
		prefixes = append(prefixes, "appuser")
	case "user":
		prefixes = append(prefixes, "user")
	default:
		prefixes = append(prefixes, "appuser", "user")
	}
	code := blankStringLiterals(expr)
	for _, pre := range prefixes {
		ref := pre + "." + name
		for i := 0; ; {
			j := strings.Index(code[i:], ref)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(ref)
			before := start == 0 || (!identChar.MatchString(code[start-1:start]) && code[start-1] != '.')
			after := end == len(code) || !identChar.MatchString(code[end:end+1])
			if before && after {
				return true
			}
			i = start + 1
		}
	}
	return false
}

// blankStringLiterals replaces the contents of '...' and "..." literals with spaces, so that a
// literal mentioning "user.x" is not taken for a reference.
func blankStringLiterals(s string) string {
	b := []byte(s)
	var quote byte
	for i := range b {
		switch {
		case quote != 0 && b[i] == quote:
			quote = 0
		case quote != 0:
			b[i] = ' '
		case b[i] == '\'' || b[i] == '"':
			quote = b[i]
		}
	}
	return string(b)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
