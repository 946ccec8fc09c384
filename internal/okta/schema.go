package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Profile schemas. A POST of a schema replaces each property it names whole, and Okta answers 200
// to a write that a concurrent write then silently undoes. So every writer here reads the whole
// property, changes only its caller's fields, posts it back under the per-schema lock, and reads it
// back until the change shows, retrying (within the caller's ctx deadline, which the resources set
// from their timeouts) on eventual consistency, lost updates, ambiguous failures and Okta's
// attribute clean-up window. Two writes need nothing of what Okta holds and post before any read
// (the read-back still verifies them): a delete (a null), and an app user attribute's update (an
// app property holds only what an Attribute describes). The read a write builds on may be this
// client's own read-back of its previous write to the schema, when recent (schemaWriteBase).
//
// Schemas go over doJSON rather than the SDK's typed models: removing a property needs an explicit
// JSON null, and posting a property back must not lose what the v5.0.6 models cannot hold (`unique`
// as Okta's string, numeric enums, `default`, `format`, fields Okta adds later).

// Master types of a user attribute's source priority.
const (
	MasterProfileMaster = "PROFILE_MASTER" // inherit from the user's profile source
	MasterOkta          = "OKTA"
	MasterOverride      = "OVERRIDE"
)

// Attribute is one custom attribute of a user type's or an app's user profile schema, in the
// provider's own terms.
type Attribute struct {
	Name              string
	Title             string
	Description       string
	Type              string // string | boolean | number | integer | array
	ArrayType         string // the items' type when Type is array
	Required          bool
	Unique            bool
	Scope             string // NONE | SELF
	Permission        string // HIDE | READ_ONLY | READ_WRITE, for the principal SELF
	Enum              []string
	OneOf             []EnumChoice
	MinLength         *int64
	MaxLength         *int64
	Pattern           string
	ExternalName      string
	ExternalNamespace string
	Union             bool // app attributes of type array: combine values across group assignments

	// Source is the attribute's source priority. Read only here: only SetAttributeMaster writes it;
	// the attribute writers keep whatever is stored.
	Source AttributeSource
}

// EnumChoice is one {const, title} entry of an attribute's oneOf.
type EnumChoice struct {
	Const string
	Title string
}

// AttributeSource is a user attribute's source priority ("master"): inherit from the profile
// source, Okta, or an ordered list of sources. Priority holds app ids, and "OKTA" for an Okta
// entry of an override list.
type AttributeSource struct {
	MasterType string
	Priority   []string
	// Unreported says Okta answered the attribute without `master`, as some orgs do for every
	// property: the source priority can be written but not read back. MasterType and Priority are
	// then what was last written by this client, or PROFILE_MASTER.
	Unreported bool
}

// UnreportedMasterWarning is the notice for an org that does not report source priorities.
const UnreportedMasterWarning = "This Okta org answers profile attributes without their source priority (`master`), " +
	"so the provider sent the source priority but cannot read it back: it cannot verify it, and `terraform plan` " +
	"cannot detect a change made in the Admin Console. Check it in Profile Editor -> <attribute> -> Source priority."

// AttributeExistsError is what Create returns when the attribute already exists before its first
// write: nothing is adopted silently. ImportID is what `terraform import` takes.
type AttributeExistsError struct {
	Kind     string // "user attribute" | "app user attribute"
	Name     string
	Owner    string // `user type "default"` or `app "0oa..."`
	ImportID string
}

func (e *AttributeExistsError) Error() string {
	return fmt.Sprintf("Okta %s %q already exists on %s; it was left unchanged. To manage it with Terraform, import it (import ID %q) instead of creating it",
		e.Kind, e.Name, e.Owner, e.ImportID)
}

// AttributeInUseError is what deleting an attribute that a profile mapping still uses returns.
type AttributeInUseError struct {
	Name string
	Uses []MappingUse
	Err  error // Okta's answer
}

func (e *AttributeInUseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "attribute %q is still used by a profile mapping, so Okta refuses to delete it:", e.Name)
	for _, u := range e.Uses {
		b.WriteString("\n  - ")
		b.WriteString(u.String())
	}
	b.WriteString("\nRemove it from the mapping first. When the mapping is managed in the same configuration, make the" +
		" mapping resource depend on the attribute (depends_on, or reference the attribute's name) so that Terraform" +
		" destroys the mapping property before the attribute.")
	if e.Err != nil {
		fmt.Fprintf(&b, "\n%v", e.Err)
	}
	return b.String()
}

func (e *AttributeInUseError) Unwrap() error { return e.Err }

// ---- finders ----------------------------------------------------------------------------------

// FindUserAttribute returns the custom attribute name of the user type's profile schema (userType
// is a user type name or id; "" means "default"), or a *NotFoundError.
func (c *Client) FindUserAttribute(ctx context.Context, userType, name string) (*Attribute, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, err
	}
	return c.findAttribute(ctx, ref, name)
}

// FindAppUserAttribute returns the custom attribute name of the app's user profile schema, or a
// *NotFoundError (also when the app itself is gone).
func (c *Client) FindAppUserAttribute(ctx context.Context, appID, name string) (*Attribute, error) {
	return c.findAttribute(ctx, appSchemaRef(appID), name)
}

// MissingAppUserProperties returns those of names that the app's user profile schema has neither as
// a base nor as a custom property, in the order given. It reads the schema through the read cache,
// so it shares the one GET with the refresh of the app's attributes.
func (c *Client) MissingAppUserProperties(ctx context.Context, appID string, names []string) ([]string, error) {
	doc, err := c.getSchema(ctx, appSchemaRef(appID))
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, n := range names {
		if !doc.base[n] && doc.property(n) == nil {
			missing = append(missing, n)
		}
	}
	return missing, nil
}

// FindAttributeSource returns the source priority of a user attribute, or a *NotFoundError.
func (c *Client) FindAttributeSource(ctx context.Context, userType, name string) (*AttributeSource, error) {
	a, err := c.FindUserAttribute(ctx, userType, name)
	if err != nil {
		return nil, err
	}
	return &a.Source, nil
}

func (c *Client) findAttribute(ctx context.Context, ref schemaRef, name string) (*Attribute, error) {
	doc, err := c.getSchema(ctx, ref)
	if err != nil {
		return nil, err
	}
	p := doc.property(name)
	if p == nil {
		return nil, &NotFoundError{Kind: ref.kind(), ID: ref.attrID(name)}
	}
	a := attributeFromProperty(name, p)
	return &a, nil
}

// ---- writers ----------------------------------------------------------------------------------

// CreateUserAttribute adds a custom attribute to the user type's schema. It refuses (with an
// *AttributeExistsError) an attribute that exists before its first write, and never writes master.
func (c *Client) CreateUserAttribute(ctx context.Context, userType string, a Attribute) (*Attribute, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, err
	}
	got, _, err := c.createAttribute(ctx, ref, userType, a, nil)
	return got, err
}

// UpdateUserAttribute changes the attribute's fields to a's, in place, keeping master and every
// field this provider does not manage.
func (c *Client) UpdateUserAttribute(ctx context.Context, userType string, a Attribute) (*Attribute, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, err
	}
	return c.updateAttribute(ctx, ref, a)
}

// DeleteUserAttribute removes the attribute; an attribute already gone is success. An attribute a
// mapping still uses gives an *AttributeInUseError naming the mappings and properties.
func (c *Client) DeleteUserAttribute(ctx context.Context, userType, name string) error {
	ref, err := c.userSchemaRef(ctx, userType)
	if IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	return c.deleteAttribute(ctx, ref, name)
}

// CreateAppUserAttribute adds a custom attribute to the app's user profile schema (see
// CreateUserAttribute).
func (c *Client) CreateAppUserAttribute(ctx context.Context, appID string, a Attribute) (*Attribute, error) {
	got, _, err := c.createAttribute(ctx, appSchemaRef(appID), appID, a, nil)
	return got, err
}

// UpdateAppUserAttribute changes the app attribute in place, external name and namespace included.
//
// Unlike a user attribute, an app user attribute holds nothing but the fields an Attribute
// describes: Okta accepts permissions, master and mutability on app user schemas and keeps none
// of them (the recordings: 51 of 51 POSTs), and every one of the 280 custom app properties it
// answered holds only title, type, scope, description, enum, oneOf, items, union, minLength,
// maxLength and required. So the whole property is known without reading it, and the update posts
// it at once; the read-back verifies it as any write (and a dropped write is read and sent again).
func (c *Client) UpdateAppUserAttribute(ctx context.Context, appID string, a Attribute) (*Attribute, error) {
	ref := appSchemaRef(appID)
	return c.writeAttribute(ctx, ref, a, "update", propertyOp{blind: true, body: applyAttribute(nil, a, true),
		build: func(cur map[string]any, _ bool) (map[string]any, bool, error) {
			if cur == nil {
				return nil, false, &NotFoundError{Kind: ref.kind(), ID: ref.attrID(a.Name)}
			}
			return applyAttribute(cur, a, true), false, nil
		}})
}

// DeleteAppUserAttribute removes the app attribute (see DeleteUserAttribute).
func (c *Client) DeleteAppUserAttribute(ctx context.Context, appID, name string) error {
	return c.deleteAttribute(ctx, appSchemaRef(appID), name)
}

// SetAttributeMaster sets the source priority of a user attribute: masterType PROFILE_MASTER
// (inherit), OKTA, or OVERRIDE with priority (app ids, highest first; "OKTA" for an Okta entry).
// It reads the whole property and changes only master.
func (c *Client) SetAttributeMaster(ctx context.Context, userType, name, masterType string, priority []string) (*AttributeSource, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, err
	}
	want := AttributeSource{MasterType: masterType}
	if masterType == MasterOverride {
		want.Priority = slices.Clone(priority)
	}
	got, err := c.writeProperty(ctx, ref, name, propertyOp{
		verb: "set the source priority of",
		build: func(cur map[string]any, _ bool) (map[string]any, bool, error) {
			if cur == nil {
				return nil, false, &NotFoundError{Kind: ref.kind(), ID: ref.attrID(name)}
			}
			if s := sourceOf(cur); !s.Unreported && s.equal(want) {
				return nil, true, nil
			}
			next := maps.Clone(cur)
			next["master"] = masterJSON(want)
			return next, false, nil
		},
		// An org that omits master cannot show the change: the write's success is all there is.
		shows: func(got map[string]any) bool {
			return got != nil && (sourceOf(got).Unreported || sourceOf(got).equal(want))
		},
	})
	if err != nil {
		return nil, err
	}
	s := sourceOf(got)
	if s.Unreported {
		s = want
		s.Unreported = true
	}
	return &s, nil
}

// createAttribute creates attribute a, with the source priority master when not nil (user
// attributes: Okta takes `master` on the POST that creates the property, as the recordings show).
// created is false when an attribute exactly as configured was already there and was taken over
// without a write. Whether master was taken is the caller's to check on the answer: an attribute
// whose fields show is done.
func (c *Client) createAttribute(ctx context.Context, ref schemaRef, owner string, a Attribute, master *AttributeSource) (got *Attribute, created bool, err error) {
	if owner == "" {
		owner = DefaultUserType
	}
	tookOver := false
	got, err = c.writeAttribute(ctx, ref, a, "create", propertyOp{build: func(cur map[string]any, attempted bool) (map[string]any, bool, error) {
		if cur != nil {
			// An attribute exactly as configured is what an apply interrupted after this write
			// (SIGKILL, a lost connection) leaves behind, with nothing in the state: taking it is
			// how the next apply converges. Anything else existing is not ours and is refused.
			if sameAttribute(attributeFromProperty(a.Name, cur), a, ref.app) {
				if !attempted {
					tookOver = true
					tflog.Warn(ctx, "create found the attribute already in Okta exactly as configured and takes it over",
						map[string]any{"attribute": ref.attrDesc(a.Name)})
				}
				return nil, true, nil
			}
			return nil, false, &AttributeExistsError{Kind: ref.kind(), Name: a.Name, Owner: ref.describe(), ImportID: owner + "/" + a.Name}
		}
		next := applyAttribute(nil, a, ref.app)
		if master != nil {
			next["master"] = masterJSON(*master)
		}
		return next, false, nil
	}})
	return got, err == nil && !tookOver, err
}

func (c *Client) updateAttribute(ctx context.Context, ref schemaRef, a Attribute) (*Attribute, error) {
	return c.writeAttribute(ctx, ref, a, "update", propertyOp{build: func(cur map[string]any, _ bool) (map[string]any, bool, error) {
		if cur == nil {
			return nil, false, &NotFoundError{Kind: ref.kind(), ID: ref.attrID(a.Name)}
		}
		if sameAttribute(attributeFromProperty(a.Name, cur), a, ref.app) {
			return nil, true, nil
		}
		return applyAttribute(cur, a, ref.app), false, nil
	}})
}

// writeUserAttribute brings an existing user attribute to a and, when master is not nil, its
// source priority to master, in one read-modify-write: one POST where an attribute update and a
// SetAttributeMaster would take two. An org that does not report master cannot show it; there the
// write's success is all there is.
func (c *Client) writeUserAttribute(ctx context.Context, userType string, a Attribute, master *AttributeSource) (*Attribute, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, err
	}
	holds := func(p map[string]any) bool {
		if !sameAttribute(attributeFromProperty(a.Name, p), a, false) {
			return false
		}
		s := sourceOf(p)
		return master == nil || s.Unreported || s.equal(*master)
	}
	got, err := c.writeProperty(ctx, ref, a.Name, propertyOp{
		verb: "update",
		build: func(cur map[string]any, _ bool) (map[string]any, bool, error) {
			if cur == nil {
				return nil, false, &NotFoundError{Kind: ref.kind(), ID: ref.attrID(a.Name)}
			}
			// An org that does not report master may have reset it: send it whenever it is ours.
			if holds(cur) && (master == nil || !sourceOf(cur).Unreported) {
				return nil, true, nil
			}
			next := applyAttribute(cur, a, false)
			if master != nil {
				next["master"] = masterJSON(*master)
			}
			return next, false, nil
		},
		shows: func(got map[string]any) bool { return got != nil && holds(got) },
	})
	if err != nil {
		return nil, err
	}
	out := attributeFromProperty(a.Name, got)
	if master != nil && out.Source.Unreported {
		out.Source = *master
		out.Source.Unreported = true
	}
	return &out, nil
}

// writeAttribute runs a create or update of attribute a (op's build and, for a blind first round,
// its body); either is done when the attribute read back has a's managed fields.
func (c *Client) writeAttribute(ctx context.Context, ref schemaRef, a Attribute, verb string, op propertyOp) (*Attribute, error) {
	op.verb = verb
	op.shows = func(got map[string]any) bool {
		return got != nil && sameAttribute(attributeFromProperty(a.Name, got), a, ref.app)
	}
	got, err := c.writeProperty(ctx, ref, a.Name, op)
	if err != nil {
		return nil, err
	}
	out := attributeFromProperty(a.Name, got)
	return &out, nil
}

func (c *Client) deleteAttribute(ctx context.Context, ref schemaRef, name string) error {
	var firstRefusal time.Time
	_, err := c.writeProperty(ctx, ref, name, propertyOp{
		verb: "delete",
		// Removing a property is a null, whatever Okta holds (and a no-op for an absent one), so the
		// first null goes out without a read; the read-back verifies it.
		blind: true,
		build: func(cur map[string]any, _ bool) (map[string]any, bool, error) {
			return nil, cur == nil, nil
		},
		shows: func(got map[string]any) bool { return got == nil },
		refusalPasses: func(ctx context.Context, err error) bool {
			if firstRefusal.IsZero() {
				firstRefusal = time.Now()
			}
			uses := c.attributeUses(ctx, ref, name, err)
			return len(uses) > 0 && (time.Since(firstRefusal) < inUseGrace || mappingQueueOf(c).removingAll(uses))
		},
	})
	if IsNotFound(err) {
		return nil // the owner (app, user type) is gone, and its attributes with it
	}
	if err != nil && ctx.Err() != nil {
		// The delete timeout ran out while Okta still refused: the message still names the users.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		ctx = lctx
	}
	if uses := c.attributeUses(ctx, ref, name, err); len(uses) > 0 {
		return &AttributeInUseError{Name: name, Uses: uses, Err: err}
	}
	return err
}

// inUseGrace is how long the delete of an attribute keeps trying while a mapping property that
// this provider process is not (yet) removing still uses it. In a configuration without references
// between the mapping and the attribute (what -generate-config-out writes), Terraform deletes both
// at once, and the attribute's delete can be refused before the mapping resource has even queued
// its removal. Once the removal is queued, the delete waits for it until the delete timeout.
const inUseGrace = 15 * time.Second

// attributeUses names the mapping properties that use the attribute when err is Okta's refusal to
// delete it (a 400), and nothing otherwise or when they cannot be read.
func (c *Client) attributeUses(ctx context.Context, ref schemaRef, name string, err error) []MappingUse {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return nil
	}
	owner, err := c.mappingOwnerID(ctx, ref)
	if err != nil {
		return nil
	}
	uses, err := c.MappingsUsingAttribute(ctx, owner, name)
	if err != nil {
		return nil
	}
	return uses
}

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

// schemaBackoff is the pause before write round n+1: 200 ms doubling to a 5 s cap, long enough to
// step out of a lost-update window.
func schemaBackoff(round int) time.Duration {
	return min(200*time.Millisecond<<min(round, 5), 5*time.Second)
}

// writeProperty runs op on property name of the schema under the schema's lock until the change
// is visible or ctx ends, and returns the property as read back.
func (c *Client) writeProperty(ctx context.Context, ref schemaRef, name string, op propertyOp) (map[string]any, error) {
	unlock := c.locks.Lock(ref.lockKey())
	defer unlock()
	pace := pacerFor(c, ref.lockKey())

	var last error
	attempted := false
	for round := 0; ; round++ {
		if round > 0 {
			if sleepCtx(ctx, schemaBackoff(round-1)) != nil {
				return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
			}
		}
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
					return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
				}
				if !answeredTransient(err) {
					// No answer after all of the transport's retries (the org is unreachable), or a
					// definite refusal: waiting out the resource's timeout would change nothing.
					return nil, unconfirmed(attempted, op.verb, ref.attrDesc(name), err)
				}
				last = err
				continue
			}
			cur := doc.property(name)
			if attempted && op.shows(cur) {
				return cur, nil
			}
			var done bool
			if next, done, err = op.build(cur, attempted); err != nil {
				return nil, err
			}
			if done {
				return cur, nil
			}
		}
		attempted = true
		if sleepCtx(ctx, pace.wait()) != nil {
			return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
		}
		posted := time.Now()
		if err := c.postProperty(ctx, ref, name, next); err != nil {
			switch {
			case ctx.Err() != nil:
				return nil, c.writeTimeout(ctx, ref, name, op.verb, err)
			case isCleanupWindow(err), resendable(err):
				last = err
				continue
			case op.refusalPasses != nil && op.refusalPasses(ctx, err):
				last = err
				continue
			default:
				return nil, fmt.Errorf("cannot %s %s: %w", op.verb, ref.attrDesc(name), err)
			}
		}
		for _, pause := range verifyPolls {
			if sleepCtx(ctx, pause) != nil {
				return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
			}
			doc, err := c.getSchemaFresh(ctx, ref)
			if err != nil {
				if ctx.Err() != nil {
					return nil, c.writeTimeout(ctx, ref, name, op.verb, last)
				}
				if !answeredTransient(err) {
					return nil, unconfirmed(true, op.verb, ref.attrDesc(name), err)
				}
				last = err
				continue
			}
			if got := doc.property(name); op.shows(got) {
				pace.applied(posted)
				return got, nil
			}
		}
		pace.dropped()
		last = errNotVisible
	}
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

type pacerKey struct {
	c   *Client
	key string
}

var pacers sync.Map // pacerKey -> *writePacer

func pacerFor(c *Client, key string) *writePacer {
	p, _ := pacers.LoadOrStore(pacerKey{c, key}, &writePacer{})
	return p.(*writePacer)
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

// ---- schema documents -------------------------------------------------------------------------

// schemaRef names one profile schema: a user schema (by schema id, "default" for the default user
// type) or an app's user schema.
type schemaRef struct {
	app      bool
	id       string // schema id, or the app id
	userType string // what the user gave, for messages and mapping lookups
}

func appSchemaRef(appID string) schemaRef { return schemaRef{app: true, id: appID} }

// userSchemaRef resolves a user type name or id to its schema. The default user type needs no
// lookup: Okta serves its schema as /meta/schemas/user/default.
func (c *Client) userSchemaRef(ctx context.Context, userType string) (schemaRef, error) {
	if IsDefaultUserType(userType) {
		return schemaRef{id: DefaultUserType, userType: DefaultUserType}, nil
	}
	t, err := c.FindUserType(ctx, userType)
	if err != nil {
		return schemaRef{}, err
	}
	if t.Default || t.SchemaID == "" {
		return schemaRef{id: DefaultUserType, userType: userType}, nil
	}
	return schemaRef{id: t.SchemaID, userType: userType}, nil
}

func (r schemaRef) path() string {
	if r.app {
		return "/api/v1/meta/schemas/apps/" + url.PathEscape(r.id) + "/default"
	}
	return "/api/v1/meta/schemas/user/" + url.PathEscape(r.id)
}

func (r schemaRef) lockKey() string {
	if r.app {
		return "schema:app:" + r.id
	}
	return "schema:user:" + r.id
}

// schemaKind names the schema's owner in a *NotFoundError: a schema is gone with its owner.
func (r schemaRef) schemaKind() string {
	if r.app {
		return "app"
	}
	return "user schema"
}

func (r schemaRef) kind() string {
	if r.app {
		return "app user attribute"
	}
	return "user attribute"
}

func (r schemaRef) describe() string {
	if r.app {
		return fmt.Sprintf("app %q", r.id)
	}
	return fmt.Sprintf("user type %q", r.userType)
}

func (r schemaRef) attrID(name string) string {
	if r.app {
		return r.id + "/" + name
	}
	return r.userType + "/" + name
}

func (r schemaRef) attrDesc(name string) string {
	return fmt.Sprintf("Okta %s %q of %s", r.kind(), name, r.describe())
}

// mappingOwnerID is the id profile mappings use for the schema's owner: the app id, or the user
// type id.
func (c *Client) mappingOwnerID(ctx context.Context, r schemaRef) (string, error) {
	if r.app {
		return r.id, nil
	}
	t, err := c.FindUserType(ctx, r.userType)
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// schemaDoc is the custom part of a schema as read.
type schemaDoc struct {
	custom map[string]json.RawMessage
	// base holds the names of the base properties (userName, email, ...), which expressions may read.
	base map[string]bool
}

// property decodes one custom property (numbers kept as json.Number), or nil when absent.
func (d *schemaDoc) property(name string) map[string]any {
	raw, ok := d.custom[name]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil {
		return nil
	}
	return p
}

// fetchSchema is the one schema GET. Callers go through getSchema (cached, for finders) or
// getSchemaFresh (writers), in readcache.go. A schema that does not exist (unknown app or user
// type) is a *NotFoundError.
func (c *Client) fetchSchema(ctx context.Context, ref schemaRef) (*schemaDoc, error) {
	var body struct {
		Definitions struct {
			Base struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"base"`
			Custom struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"custom"`
		} `json:"definitions"`
	}
	if err := c.doJSON(ctx, http.MethodGet, ref.path(), nil, nil, &body); err != nil {
		return nil, c.translate(err, nil, ref.schemaKind(), ref.id)
	}
	base := map[string]bool{}
	for name := range body.Definitions.Base.Properties {
		base[name] = true
	}
	return &schemaDoc{custom: body.Definitions.Custom.Properties, base: base}, nil
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

// ---- property <-> Attribute -------------------------------------------------------------------

// applyAttribute returns cur with the fields a manages set to a's values; everything else of cur
// (master, mutability, default, format, fields Okta adds) is kept. cur nil starts from nothing.
func applyAttribute(cur map[string]any, a Attribute, app bool) map[string]any {
	next := maps.Clone(cur)
	if next == nil {
		next = map[string]any{}
	}
	setIn(next, "title", a.Title, true)
	setIn(next, "description", a.Description, a.Description != "")
	setIn(next, "type", a.Type, true)
	setIn(next, "required", a.Required, true)
	if a.Unique {
		next["unique"] = "UNIQUE_VALIDATED"
	} else {
		next["unique"] = "NOT_UNIQUE"
	}
	setIn(next, "scope", orDefault(a.Scope, "NONE"), true)
	// App user schemas take permissions and keep none (recordings: 51 of 51 POSTs); sending it
	// would only invite a read-back that can never match.
	setIn(next, "permissions", []any{map[string]any{"principal": "SELF", "action": orDefault(a.Permission, "READ_ONLY")}}, !app)
	setIn(next, "minLength", ptrNumber(a.MinLength), a.MinLength != nil)
	setIn(next, "maxLength", ptrNumber(a.MaxLength), a.MaxLength != nil)
	setIn(next, "pattern", a.Pattern, a.Pattern != "")
	setIn(next, "externalName", a.ExternalName, a.ExternalName != "")
	setIn(next, "externalNamespace", a.ExternalNamespace, a.ExternalNamespace != "")

	itemType := a.Type
	if a.Type == "array" {
		itemType = a.ArrayType
	}
	enum, oneOf := enumJSON(a, itemType), oneOfJSON(a, itemType)
	if a.Type == "array" {
		items, _ := next["items"].(map[string]any)
		items = maps.Clone(items)
		if items == nil {
			items = map[string]any{}
		}
		items["type"] = a.ArrayType
		setIn(items, "enum", enum, enum != nil)
		setIn(items, "oneOf", oneOf, oneOf != nil)
		next["items"] = items
		delete(next, "enum")
		delete(next, "oneOf")
	} else {
		delete(next, "items")
		setIn(next, "enum", enum, enum != nil)
		setIn(next, "oneOf", oneOf, oneOf != nil)
	}
	if app && a.Type == "array" {
		if a.Union {
			next["union"] = "ENABLE"
		} else {
			next["union"] = "DISABLE"
		}
	} else if app {
		delete(next, "union")
	}
	return next
}

func setIn(m map[string]any, k string, v any, ok bool) {
	if ok {
		m[k] = v
	} else {
		delete(m, k)
	}
}

// enumJSON sends enum values as JSON numbers for numeric types, as Okta stores them.
func enumJSON(a Attribute, itemType string) []any {
	values := enumValues(a)
	if len(values) == 0 {
		return nil
	}
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = typedConst(v, itemType)
	}
	return out
}

// enumValues are the attribute's allowed values: enum, or else the consts of one_of (Okta wants
// both, the same values in the same order).
func enumValues(a Attribute) []string {
	if len(a.Enum) == 0 && len(a.OneOf) > 0 {
		values := make([]string, len(a.OneOf))
		for i, o := range a.OneOf {
			values[i] = o.Const
		}
		return values
	}
	return a.Enum
}

func oneOfJSON(a Attribute, itemType string) []any {
	if len(a.OneOf) == 0 {
		return nil
	}
	out := make([]any, len(a.OneOf))
	for i, o := range a.OneOf {
		out[i] = map[string]any{"const": typedConst(o.Const, itemType), "title": o.Title}
	}
	return out
}

func typedConst(v, typ string) any {
	if typ == "integer" || typ == "number" {
		var n json.Number
		if json.Unmarshal([]byte(v), &n) == nil {
			return n
		}
	}
	return v
}

// attributeFromProperty reads a stored property into an Attribute.
func attributeFromProperty(name string, p map[string]any) Attribute {
	a := Attribute{
		Name:              name,
		Title:             str(p["title"]),
		Description:       str(p["description"]),
		Type:              str(p["type"]),
		Required:          p["required"] == true,
		Unique:            isUnique(p["unique"]),
		Scope:             orDefault(str(p["scope"]), "NONE"),
		Permission:        selfPermission(p["permissions"]),
		MinLength:         int64Ptr(p["minLength"]),
		MaxLength:         int64Ptr(p["maxLength"]),
		Pattern:           str(p["pattern"]),
		ExternalName:      str(p["externalName"]),
		ExternalNamespace: str(p["externalNamespace"]),
		Union:             isUnion(p["union"]),
		Source:            sourceOf(p),
	}
	enumHolder := p
	if items, ok := p["items"].(map[string]any); ok {
		a.ArrayType = str(items["type"])
		if a.Type == "array" {
			enumHolder = items
		}
	}
	if list, ok := enumHolder["enum"].([]any); ok {
		a.Enum = make([]string, 0, len(list))
		for _, v := range list {
			a.Enum = append(a.Enum, constString(v))
		}
	}
	if list, ok := enumHolder["oneOf"].([]any); ok {
		a.OneOf = make([]EnumChoice, 0, len(list))
		for _, v := range list {
			m, _ := v.(map[string]any)
			a.OneOf = append(a.OneOf, EnumChoice{Const: constString(m["const"]), Title: str(m["title"])})
		}
	}
	return a
}

// sameAttribute compares the fields the attribute resources manage (not Source).
func sameAttribute(got, want Attribute, app bool) bool {
	wantEnum := enumValues(want)
	// Only fields Okta echoes are compared: an app user schema keeps no permissions.
	if !app && got.Permission != orDefault(want.Permission, "READ_ONLY") {
		return false
	}
	if got.Title != want.Title || got.Description != want.Description || got.Type != want.Type ||
		got.Required != want.Required || got.Unique != want.Unique ||
		got.Scope != orDefault(want.Scope, "NONE") ||
		!eqInt(got.MinLength, want.MinLength) || !eqInt(got.MaxLength, want.MaxLength) ||
		got.Pattern != want.Pattern || got.ExternalName != want.ExternalName || got.ExternalNamespace != want.ExternalNamespace {
		return false
	}
	if want.Type == "array" && got.ArrayType != want.ArrayType {
		return false
	}
	if app && want.Type == "array" && got.Union != want.Union {
		return false
	}
	return slices.Equal(got.Enum, wantEnum) && slices.Equal(got.OneOf, want.OneOf)
}

func sourceOf(p map[string]any) AttributeSource {
	m, _ := p["master"].(map[string]any)
	if m == nil {
		_, present := p["master"]
		return AttributeSource{MasterType: MasterProfileMaster, Unreported: !present}
	}
	s := AttributeSource{MasterType: orDefault(str(m["type"]), MasterProfileMaster)}
	if list, ok := m["priority"].([]any); ok {
		for _, e := range list {
			em, _ := e.(map[string]any)
			if v := str(em["value"]); v != "" && str(em["type"]) != MasterOkta {
				s.Priority = append(s.Priority, v)
			} else if t := str(em["type"]); t != "" {
				s.Priority = append(s.Priority, t)
			}
		}
	}
	return s
}

func (s AttributeSource) equal(o AttributeSource) bool {
	if s.MasterType != o.MasterType {
		return false
	}
	if s.MasterType != MasterOverride {
		return true
	}
	return slices.Equal(s.Priority, o.Priority)
}

func masterJSON(s AttributeSource) map[string]any {
	m := map[string]any{"type": s.MasterType}
	if s.MasterType == MasterOverride {
		prio := make([]any, 0, len(s.Priority))
		for _, id := range s.Priority {
			if id == MasterOkta {
				prio = append(prio, map[string]any{"type": MasterOkta})
			} else {
				prio = append(prio, map[string]any{"type": "APP", "value": id})
			}
		}
		m["priority"] = prio
	}
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isUnique reads Okta's `unique`: a string (UNIQUE_VALIDATED, PENDING_UNIQUENESS, NOT_UNIQUE) or,
// as the spec types it, a boolean.
func isUnique(v any) bool {
	switch u := v.(type) {
	case bool:
		return u
	case string:
		return u == "UNIQUE_VALIDATED" || u == "PENDING_UNIQUENESS"
	}
	return false
}

func isUnion(v any) bool {
	switch u := v.(type) {
	case bool:
		return u
	case string:
		return u == "ENABLE"
	}
	return false
}

func selfPermission(v any) string {
	list, _ := v.([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if str(m["principal"]) == "SELF" {
			return orDefault(str(m["action"]), "READ_ONLY")
		}
	}
	return "READ_ONLY"
}

func int64Ptr(v any) *int64 {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return &i
		}
	case float64:
		i := int64(n)
		return &i
	}
	return nil
}

func ptrNumber(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func eqInt(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func constString(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case json.Number:
		return c.String()
	case nil:
		return ""
	default:
		b, _ := json.Marshal(c)
		return string(b)
	}
}
