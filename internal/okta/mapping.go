package okta

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
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

// knownMappingEnds fills in the names and types of r's ends from a listing this client already
// holds (the plan's, which FindMappingID and FindAppUserTypeMapping made), without a call: they do
// not change. Without one, r is returned as it is.
func (c *Client) knownMappingEnds(r mappingRef) mappingRef {
	for _, key := range []string{mappingListCacheKey(r.SourceID, r.TargetID), mappingListCacheKey(r.SourceID, "")} {
		v, ok := c.cache.peek(key)
		if !ok {
			continue
		}
		for _, l := range v.([]mappingRef) {
			if l.ID == r.ID && l.SourceID == r.SourceID && l.TargetID == r.TargetID {
				return l
			}
		}
	}
	return r
}

// CreateMappingPropertiesByID is CreateMappingProperties for a caller that knows the mapping's id
// (its plan): it saves the lookup, and falls back to it when Okta no longer has the id or it names
// another source or target.
func (c *Client) CreateMappingPropertiesByID(ctx context.Context, mappingID, sourceID, targetID string, props map[string]MappingProperty) (*Mapping, error) {
	return c.writeMapping(ctx, mappingChange{mappingID: mappingID, sourceID: sourceID, targetID: targetID, set: props, create: true})
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
//
// Like writeProperty, it has no deadline of its own: every caller passes a ctx bounded by its
// resource's timeout (the phone sync's rollback by rollbackTimeout), and a change Okta never shows
// is sent again until that ctx ends.
func (c *Client) writeMapping(ctx context.Context, ch mappingChange) (*Mapping, error) {
	// A create whose every target attribute this client's own POST created may skip its read
	// (created.go). Any write that sets a property spends the property's entries: it is mapped from
	// here on, and a later create of it must read first.
	names := slices.Sorted(maps.Keys(ch.set))
	claim := ch.create && !ch.knownNew
	if !claim {
		c.createdAttrs.forgetMapped(names)
	}
	if ch.mappingID != "" {
		ref := mappingRef{ID: ch.mappingID, SourceID: ch.sourceID, TargetID: ch.targetID}
		byID := ch
		if claim {
			byID.knownNew = c.createdAttrs.claim(mappingTargetKeys(c.knownMappingEnds(ref)), names)
			c.createdAttrs.forgetMapped(names)
		}
		m, err := c.writeMappingTo(ctx, ref, byID)
		if !IsNotFound(err) {
			return m, err
		}
		// The remembered id is gone or names another pair: look the mapping up (and read first).
		claim = false
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
	if claim {
		ch.knownNew = c.createdAttrs.claim(mappingTargetKeys(found), names)
		c.createdAttrs.forgetMapped(names)
	}
	return c.writeMappingTo(ctx, found, ch)
}

// writeMappingTo queues the change on the mapping ref and writes it (see writeMapping).
func (c *Client) writeMappingTo(ctx context.Context, ref mappingRef, ch mappingChange) (*Mapping, error) {
	q := c.mappings
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
	var last error
	endedInCall := false
	// Only Okta's transient answers are worth another round: a call that got no answer has had the
	// transport's retries already. The pauses are the mapping read-back's (100 ms doubling to 2 s).
	err := retryPaced(ctx, untilCtxEnds, func(round int) time.Duration { return mappingBackoff(round, 0) }, answeredTransient,
		func(ctx context.Context) error {
			last = c.doJSON(ctx, http.MethodPut, "/api/internal/v1/mappings/reapply", q, nil, nil)
			endedInCall = ctx.Err() != nil
			return last
		})
	switch {
	case err == nil:
		return nil
	case !answeredTransient(last) || endedInCall:
		return fmt.Errorf("applying the mapping %s -> %s to existing users: %w", sourceID, targetID, c.translate(last, nil, "", ""))
	default:
		// ctx ended in the pause after a transient answer: that answer, untranslated, is the error.
		return fmt.Errorf("applying the mapping %s -> %s to existing users: %w", sourceID, targetID, last)
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
