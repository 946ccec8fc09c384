package okta

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
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

	// Source is the attribute's source priority. Read only here: SetAttributeMaster and the
	// writers given a master (the ...WithSource ones) write it; the others keep whatever is stored.
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
	s, _, err := c.setAttributeMaster(ctx, userType, name, masterType, priority, false)
	return s, err
}

// ResetAttributeMaster returns the source priority of a user attribute to PROFILE_MASTER (what
// destroying dialpad_okta_attribute_source does), unless a dialpad_okta_user_attribute manages it
// in this provider process (master_owner.go): then it writes nothing and answers skipped.
func (c *Client) ResetAttributeMaster(ctx context.Context, userType, name string) (skipped bool, err error) {
	if managed, err := c.UserAttributeMasterManaged(ctx, userType, name); err != nil || managed {
		return managed, err
	}
	_, skipped, err = c.setAttributeMaster(ctx, userType, name, MasterProfileMaster, nil, true)
	return skipped, err
}

// setAttributeMaster is SetAttributeMaster; with yield, it writes nothing (skipped) when a user
// attribute resource manages the master, as seen under the schema's lock (master_owner.go).
func (c *Client) setAttributeMaster(ctx context.Context, userType, name, masterType string, priority []string, yield bool) (_ *AttributeSource, skipped bool, _ error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, false, err
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
			if yield {
				managed, err := c.UserAttributeMasterManaged(ctx, userType, name)
				if err != nil {
					return nil, false, err
				}
				if managed {
					skipped = true
					return nil, true, nil
				}
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
		return nil, false, err
	}
	s := sourceOf(got)
	if s.Unreported && !skipped {
		s = want
		s.Unreported = true
	}
	return &s, skipped, nil
}

// CreateUserAttributeWithSource is CreateUserAttribute that, when master is not nil, also sets
// the attribute's source priority, in the POST that creates the property (no extra call). An
// attribute taken over (see createAttribute), or created without the master Okta was sent, gets
// master in one more write.
func (c *Client) CreateUserAttributeWithSource(ctx context.Context, userType string, a Attribute, master *AttributeSource) (*Attribute, error) {
	if master == nil {
		return c.CreateUserAttribute(ctx, userType, a)
	}
	got, created, err := c.createUserAttribute(ctx, userType, a, master)
	if err == nil && (!got.Source.equal(*master) || (!created && got.Source.Unreported)) {
		got, err = c.writeUserAttribute(ctx, userType, a, master)
	}
	if err != nil {
		return nil, err
	}
	c.NoteUserAttributeMaster(userType, a.Name)
	return got, nil
}

// UpdateUserAttributeWithSource is UpdateUserAttribute that, when master is not nil, also sets the
// attribute's source priority, in the same single write (writeUserAttribute).
func (c *Client) UpdateUserAttributeWithSource(ctx context.Context, userType string, a Attribute, master *AttributeSource) (*Attribute, error) {
	if master == nil {
		return c.UpdateUserAttribute(ctx, userType, a)
	}
	got, err := c.writeUserAttribute(ctx, userType, a, master)
	if err != nil {
		return nil, err
	}
	c.NoteUserAttributeMaster(userType, a.Name)
	return got, nil
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
	created = err == nil && !tookOver
	if created {
		c.createdAttrs.add(createdOwnerKey(ref.app, owner), a.Name)
	}
	return got, created, err
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
	// Forgotten before the first write: once a delete is under way the attribute may be gone
	// and created again by someone else, whatever the delete's outcome.
	c.createdAttrs.forget(ref.app, name)
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
			return len(uses) > 0 && (time.Since(firstRefusal) < inUseGrace || c.mappings.removingAll(uses))
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
