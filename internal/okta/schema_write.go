package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// ---- the verified read-modify-write ---------------------------------------------------------

// propertyOp is one change of one schema property.
type propertyOp struct {
	verb string // for messages: "create", "update", "delete", ...
	// build returns the whole property to post (nil: remove it) given the stored one (nil: absent);
	// done says the stored one is already as wanted. attempted says a write of ours was sent.
	build func(cur map[string]any, attempted bool) (next map[string]any, done bool, err error)
	// shows says whether a property read back carries the change (nil: absent).
	shows func(got map[string]any) bool
	// refusalPasses, when set, says whether an Okta refusal of the write (a 4xx) is expected to
	// pass, so that the write is sent again (within ctx) instead of failing.
	refusalPasses func(ctx context.Context, err error) bool
	// blind posts body (nil: remove the property) in the first round without reading the schema
	// first: for a write whose body does not depend on what Okta holds. Later rounds read as usual.
	blind bool
	body  map[string]any
}

// errNotVisible records that every write was answered with success but never showed up.
var errNotVisible = errors.New("Okta answered every write with success, but the change was not visible when read back (a lost concurrent update or slow consistency)")

// cleanupWindowMessage is how Okta says a re-created attribute's earlier deletion is not finished.
const cleanupWindowMessage = "deletion process for an attribute with the same variable name is incomplete"

// verifyPolls are the pauses before each read-back of a write; after the last, the write is sent
// again (Okta may have dropped it).
var verifyPolls = []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}

// errWriteAgain ends a round of writeProperty that is to be sent again (the error that caused it
// is kept as the last error, for the timeout message).
var errWriteAgain = errors.New("write again")

// writeProperty runs op on property name of the schema under the schema's lock until the change
// is visible or ctx ends, and returns the property as read back. Rounds are retryWhen's: the pause
// between them (200 ms doubling to a 5 s cap) is long enough to step out of a lost-update window.
func (c *Client) writeProperty(ctx context.Context, ref schemaRef, name string, op propertyOp) (map[string]any, error) {
	unlock := c.locks.Lock(ref.lockKey())
	defer unlock()
	pace := c.pacers.of(ref.lockKey())

	var last error
	var result map[string]any
	attempted := false
	round := -1
	err := retryWhen(ctx, untilCtxEnds, func(err error) bool { return errors.Is(err, errWriteAgain) }, func(ctx context.Context) error {
		round++
		next := op.body
		if round > 0 || !op.blind {
			// The first round may build on this client's own recent read (schemaWriteBase); a
			// round after a dropped or failed write reads Okta again.
			var doc *schemaDoc
			var err error
			if round == 0 {
				doc, err = c.schemaWriteBase(ctx, ref)
			} else {
				doc, err = c.getSchemaFresh(ctx, ref)
			}
			if err != nil {
				if ctx.Err() != nil {
					return c.writeTimeout(ctx, ref, name, op.verb, last)
				}
				if !answeredTransient(err) {
					// No answer after all of the transport's retries (the org is unreachable), or a
					// definite refusal: waiting out the resource's timeout would change nothing.
					return unconfirmed(attempted, op.verb, ref.attrDesc(name), err)
				}
				last = err
				return errWriteAgain
			}
			cur := doc.property(name)
			if attempted && op.shows(cur) {
				result = cur
				return nil
			}
			var done bool
			if next, done, err = op.build(cur, attempted); err != nil {
				return err
			}
			if done {
				result = cur
				return nil
			}
		}
		attempted = true
		if sleepCtx(ctx, pace.wait()) != nil {
			return c.writeTimeout(ctx, ref, name, op.verb, last)
		}
		posted := time.Now()
		if err := c.postProperty(ctx, ref, name, next); err != nil {
			switch {
			case ctx.Err() != nil:
				return c.writeTimeout(ctx, ref, name, op.verb, err)
			case isCleanupWindow(err), resendable(err):
				last = err
				return errWriteAgain
			case op.refusalPasses != nil && op.refusalPasses(ctx, err):
				last = err
				return errWriteAgain
			case op.blind && round == 0 && isClientError(err):
				// The write was sent blind: read what Okta holds and decide from that (a null for a
				// property already gone is done; a refusal that still holds fails in the next round).
				last = err
				return errWriteAgain
			default:
				return fmt.Errorf("cannot %s %s: %w", op.verb, ref.attrDesc(name), err)
			}
		}
		for _, pause := range verifyPolls {
			if sleepCtx(ctx, pause) != nil {
				return c.writeTimeout(ctx, ref, name, op.verb, last)
			}
			doc, err := c.getSchemaFresh(ctx, ref)
			if err != nil {
				if ctx.Err() != nil {
					return c.writeTimeout(ctx, ref, name, op.verb, last)
				}
				if !answeredTransient(err) {
					return unconfirmed(true, op.verb, ref.attrDesc(name), err)
				}
				last = err
				continue
			}
			if got := doc.property(name); op.shows(got) {
				pace.applied(posted)
				result = got
				return nil
			}
		}
		pace.dropped()
		last = errNotVisible
		return errWriteAgain
	})
	switch {
	case errors.Is(err, errWriteAgain):
		// ctx ended after a round to be sent again, or in the pause before it.
		return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
	case err != nil:
		return nil, err
	}
	return result, nil
}

// writePacer spaces the writes to one schema. Okta silently drops a schema write that follows the
// last applied one too closely (a lost update): each drop costs a verify cycle, so after one the
// pacer leaves a growing gap after each applied write, and shrinks it again while writes land.
// Only used under the schema's lock.
type writePacer struct {
	gap   time.Duration
	floor time.Duration // the largest gap after which a write was still dropped
	last  time.Time     // when the last write seen applied was sent
}

// writePacers holds a client's pacer of each schema, by the schema's lock key.
type writePacers struct {
	mu sync.Mutex
	m  map[string]*writePacer
}

func newWritePacers() *writePacers { return &writePacers{m: map[string]*writePacer{}} }

func (ps *writePacers) of(key string) *writePacer {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.m[key]
	if !ok {
		p = &writePacer{}
		ps.m[key] = p
	}
	return p
}

func (p *writePacer) wait() time.Duration {
	if p.gap == 0 || p.last.IsZero() {
		return 0
	}
	return time.Until(p.last.Add(p.gap))
}

// applied shrinks the gap towards 1.25 times the largest gap that still saw a drop.
func (p *writePacer) applied(sent time.Time) {
	p.last = sent
	p.gap = max(p.gap*3/4, p.floor+p.floor/4)
}

func (p *writePacer) dropped() {
	p.floor = min(max(p.gap, p.floor, 100*time.Millisecond), 4*time.Second)
	p.gap = min(2*p.floor, 5*time.Second)
}

// unconfirmed is the error of a write whose read failed for good (no answer after the transport's
// retries, or a definite refusal). When a write had been sent, Okta may have applied it: the next
// apply finds out (a create takes an attribute exactly as configured).
func unconfirmed(sent bool, verb, what string, err error) error {
	if !sent {
		return err
	}
	return fmt.Errorf("cannot %s %s: the write was sent, but reading it back failed, so whether Okta applied it is unknown "+
		"(applying again finds out): %w", verb, what, err)
}

func (c *Client) writeTimeout(ctx context.Context, ref schemaRef, name, verb string, last error) error {
	what := ref.attrDesc(name)
	if last != nil && isCleanupWindow(last) {
		return fmt.Errorf("cannot %s %s: Okta is still finishing the deletion of an earlier attribute with the same variable name "+
			"and kept refusing it until the resource's timeout ran out (%w). Okta's last answer: %w. "+
			"Wait until Okta has finished the clean-up (usually a few minutes) and apply again, or raise this resource's timeouts",
			verb, what, ctx.Err(), last)
	}
	if last != nil {
		return fmt.Errorf("cannot %s %s before the resource's timeout ran out (%w); last error: %w", verb, what, ctx.Err(), last)
	}
	return fmt.Errorf("cannot %s %s before the resource's timeout ran out: %w", verb, what, ctx.Err())
}

func isCleanupWindow(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.HasCause(cleanupWindowMessage)
}

// postProperty writes one custom property (nil removes it), leaving the others as Okta has them.
func (c *Client) postProperty(ctx context.Context, ref schemaRef, name string, p map[string]any) error {
	var prop any = p
	if p == nil {
		prop = nil // JSON null: Okta's way to remove a property
	}
	body := map[string]any{"definitions": map[string]any{"custom": map[string]any{
		"id": "#custom", "type": "object", "properties": map[string]any{name: prop},
	}}}
	err := c.doJSON(ctx, http.MethodPost, ref.path(), nil, body, nil)
	c.schemaWritten(ref)
	if err != nil {
		return c.translate(err, nil, ref.schemaKind(), ref.id)
	}
	return nil
}
