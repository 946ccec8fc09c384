package okta

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The phone sync is the seed's five steps, done with the same functions the building-block
// resources use (so the composite and the module leave an org in the same state):
//
//  1. the attribute on the Okta user profile            CreateUserAttribute
//  2. the attribute on the app user profile (SCIM)      CreateAppUserAttribute
//  3. its source priority overridden with the app       SetAttributeMaster
//  4. the app -> Okta mapping property, push status     CreateMappingProperties
//  5. "Apply Updates Now"                               ReapplyMapping
//
// Each writer verifies its write by reading it back. A create that fails part-way removes what it
// made, so nothing is left half-made and invisible to Terraform. Steps 1 and 3 are one write when
// both are due (the attribute is created, or updated, with its source priority).

// PhoneSyncSpec is what a phone sync asks of Okta.
type PhoneSyncSpec struct {
	AppID                 string
	UserType              string // user type name or id; "default" for the default type
	AttributeName         string
	DisplayName           string
	Description           string
	ExternalName          string
	ExternalNamespace     string
	PushStatus            string
	ApplyToExistingUsers  bool
	OverrideProfileSource bool

	// Known ids from an earlier read, which save lookups; empty is fine.
	UserTypeID string
	MappingID  string
}

// ID is the resource id: app_id/attribute_name for the default user type, app_id/user_type/attribute_name otherwise.
func (s PhoneSyncSpec) ID() string {
	if s.userType() == DefaultUserType {
		return s.AppID + "/" + s.AttributeName
	}
	return s.AppID + "/" + s.UserType + "/" + s.AttributeName
}

// UserAttributeID is the dialpad_okta_user_attribute id of step 1.
func (s PhoneSyncSpec) UserAttributeID() string { return s.userType() + "/" + s.AttributeName }

// AppUserAttributeID is the dialpad_okta_app_user_attribute id of step 2.
func (s PhoneSyncSpec) AppUserAttributeID() string { return s.AppID + "/" + s.AttributeName }

// MappingExpression is the expression of the mapping property of step 4.
func (s PhoneSyncSpec) MappingExpression() string { return "appuser." + s.AttributeName }

func (s PhoneSyncSpec) userType() string {
	if s.UserType == "" {
		return DefaultUserType
	}
	return s.UserType
}

// userAttribute and appAttribute are exactly what the module's building blocks create with their
// defaults (type string, scope NONE, permission READ_ONLY).
func (s PhoneSyncSpec) userAttribute() Attribute {
	return Attribute{Name: s.AttributeName, Title: s.DisplayName, Description: s.Description, Type: "string",
		Scope: "NONE", Permission: "READ_ONLY"}
}

func (s PhoneSyncSpec) appAttribute() Attribute {
	a := s.userAttribute()
	a.ExternalName, a.ExternalNamespace = s.ExternalName, s.ExternalNamespace
	return a
}

func (s PhoneSyncSpec) mappingProperty() map[string]MappingProperty {
	return map[string]MappingProperty{s.AttributeName: {Expression: s.MappingExpression(), PushStatus: s.PushStatus}}
}

// ParsePhoneSyncID splits an import id: app_id/attribute_name or app_id/user_type/attribute_name.
func ParsePhoneSyncID(id string) (appID, userType, name string, err error) {
	parts := strings.Split(id, "/")
	for _, p := range parts {
		if p == "" {
			parts = nil
			break
		}
	}
	switch len(parts) {
	case 2:
		return parts[0], DefaultUserType, parts[1], nil
	case 3:
		return parts[0], parts[1], parts[2], nil
	}
	return "", "", "", fmt.Errorf("import ID %q is not <app_id>/<attribute_name> (default user type) or <app_id>/<user_type>/<attribute_name>", id)
}

// PhoneSyncObserved is what Okta holds of each piece; a nil piece does not exist.
type PhoneSyncObserved struct {
	UserTypeID  string
	MappingID   string
	UserAttr    *Attribute       // step 1 (its Source is step 3)
	AppAttr     *Attribute       // step 2
	MappingProp *MappingProperty // step 4
}

// Overridden reports whether step 3 holds: the attribute's source priority is an override with
// exactly this app.
func (o *PhoneSyncObserved) Overridden(s PhoneSyncSpec) bool {
	return o.UserAttr != nil && o.UserAttr.Source.MasterType == MasterOverride &&
		slices.Equal(o.UserAttr.Source.Priority, []string{s.AppID})
}

// Drift names every piece that differs from s, in words an admin recognises.
func (o *PhoneSyncObserved) Drift(s PhoneSyncSpec) []string {
	var d []string
	diff := func(what, got, want string) {
		if got != want {
			d = append(d, fmt.Sprintf("%s is %q in Okta, %q in the configuration", what, got, want))
		}
	}
	ua := "the Okta user attribute " + s.UserAttributeID()
	if o.UserAttr == nil {
		d = append(d, ua+" was deleted")
	} else {
		diff(ua+" title", o.UserAttr.Title, s.DisplayName)
		diff(ua+" description", o.UserAttr.Description, s.Description)
		if s.OverrideProfileSource && !o.Overridden(s) && !o.UserAttr.Source.Unreported {
			d = append(d, fmt.Sprintf("the source priority of %s is %s %v, not an override with app %s",
				ua, o.UserAttr.Source.MasterType, o.UserAttr.Source.Priority, s.AppID))
		}
	}
	aa := "the app user attribute " + s.AppUserAttributeID()
	if o.AppAttr == nil {
		d = append(d, aa+" was deleted")
	} else {
		diff(aa+" title", o.AppAttr.Title, s.DisplayName)
		diff(aa+" description", o.AppAttr.Description, s.Description)
		diff(aa+" external name", o.AppAttr.ExternalName, s.ExternalName)
		diff(aa+" external namespace", o.AppAttr.ExternalNamespace, s.ExternalNamespace)
	}
	mp := fmt.Sprintf("the mapping property %s of mapping %s", s.AttributeName, orUnknown(o.MappingID))
	if o.MappingProp == nil {
		d = append(d, mp+" was removed")
	} else {
		diff(mp+" expression", o.MappingProp.Expression, s.MappingExpression())
		diff(mp+" push status", o.MappingProp.PushStatus, s.PushStatus)
	}
	return d
}

func orUnknown(s string) string {
	if s == "" {
		return "(app -> user type)"
	}
	return s
}

// PhoneSyncError says which step failed and what the rollback did.
type PhoneSyncError struct {
	Step        string   // e.g. "step 4/5: add the mapping property dialpadPhone"
	Err         error    // the step's error (Okta's answer)
	RolledBack  []string // pieces removed again, in the order removed
	Left        []string // pieces the rollback could not remove (still in Okta)
	RollbackErr error
}

func (e *PhoneSyncError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %v", e.Step, e.Err)
	switch {
	case len(e.Left) > 0:
		fmt.Fprintf(&b, "\nThe rollback could not remove %s (%v). They are exactly as configured, so the next apply takes "+
			"them over and finishes the sync once Okta answers again; to give up the sync instead, remove them in the Admin Console.",
			strings.Join(e.Left, ", "), e.RollbackErr)
	case len(e.RolledBack) > 0:
		fmt.Fprintf(&b, "\nEverything this apply had created was removed again (%s); the org is as it was.", strings.Join(e.RolledBack, ", "))
	}
	return b.String()
}

func (e *PhoneSyncError) Unwrap() error { return e.Err }

// rollbackTimeout bounds the clean-up after a failed create or move; it runs even when the
// operation's own deadline is what failed.
const rollbackTimeout = 5 * time.Minute

// undo removes (or restores) one piece an operation made (or changed).
type undo struct {
	what string
	fn   func(context.Context) error
}

// undoStack is what a create or a move did so far, undone in reverse order when a later step fails.
type undoStack []undo

func (u *undoStack) push(x undo) { *u = append(*u, x) }

// fail undoes everything pushed, and undoFailing (the failing step's own piece, whose write may
// have landed before the error) unless the failure was that the piece already existed: that one is
// not ours. It returns the *PhoneSyncError saying what was undone and what is left.
func (u *undoStack) fail(ctx context.Context, op, step string, err error, undoFailing *undo) error {
	pe := &PhoneSyncError{Step: step, Err: err}
	var ae *AttributeExistsError
	var me *MappingPropertyExistsError
	if undoFailing != nil && !errors.As(err, &ae) && !errors.As(err, &me) {
		u.push(*undoFailing)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	tflog.Warn(ctx, "phone sync: "+op+" failed part-way, undoing what it did", map[string]any{"step": step, "error": err.Error()})
	undos := *u
	for i := len(undos) - 1; i >= 0; i-- {
		if rerr := undos[i].fn(rctx); rerr != nil {
			pe.RollbackErr = rerr
			for j := i; j >= 0; j-- {
				pe.Left = append(pe.Left, undos[j].what)
			}
			break
		}
		pe.RolledBack = append(pe.RolledBack, undos[i].what)
	}
	return pe
}

func (s PhoneSyncSpec) undoUserAttribute(c *Client) undo {
	return undo{"the Okta user attribute " + s.UserAttributeID(), func(ctx context.Context) error {
		return c.DeleteUserAttribute(ctx, s.userType(), s.AttributeName)
	}}
}

func (s PhoneSyncSpec) undoAppAttribute(c *Client) undo {
	return undo{"the app user attribute " + s.AppUserAttributeID(), func(ctx context.Context) error {
		return c.DeleteAppUserAttribute(ctx, s.AppID, s.AttributeName)
	}}
}

func (s PhoneSyncSpec) undoMappingProperty(c *Client, userTypeID string) undo {
	return undo{"the mapping property " + s.AttributeName + " of the mapping " + s.AppID + " -> " + userTypeID, func(ctx context.Context) error {
		return c.DeleteMappingPropertiesByID(ctx, s.MappingID, s.AppID, userTypeID, []string{s.AttributeName})
	}}
}

// CreatePhoneSync runs the five steps in dependency order. Every step verifies its write; on a
// failure the pieces already made (and the failing one, whose write may have landed before the
// error) are removed in reverse order, unless the failure was that the piece already existed.
//
// Steps 1 and 3 are one write: the attribute is created with its source priority (Okta takes
// `master` on the POST that creates a property). The user type and mapping ids the plan read
// (s.UserTypeID, s.MappingID) are used as they are; a mapping id Okta no longer has is looked up.
func (c *Client) CreatePhoneSync(ctx context.Context, s PhoneSyncSpec) (*PhoneSyncObserved, error) {
	o := &PhoneSyncObserved{}
	if _, err := c.FindApp(ctx, s.AppID); err != nil {
		return nil, &PhoneSyncError{Step: "looking up app " + s.AppID, Err: err}
	}
	o.UserTypeID = s.UserTypeID
	if o.UserTypeID == "" {
		ut, err := c.FindUserType(ctx, s.userType())
		if err != nil {
			return nil, &PhoneSyncError{Step: "looking up user type " + s.userType(), Err: err}
		}
		o.UserTypeID = ut.ID
	}

	var undos undoStack
	undoUserAttr := s.undoUserAttribute(c)
	undoAppAttr := s.undoAppAttribute(c)
	undoMapping := s.undoMappingProperty(c, o.UserTypeID)
	fail := func(step string, err error, undoFailing *undo) error {
		return undos.fail(ctx, "create", step, err, undoFailing)
	}

	logStep := func(n int, what string) {
		tflog.Debug(ctx, "phone sync: step done", map[string]any{"step": n, "what": what, "id": s.ID()})
	}

	// Steps 1 and 3.
	var master *AttributeSource
	if s.OverrideProfileSource {
		master = s.override()
	}
	ua, created, err := c.createUserAttribute(ctx, s.userType(), s.userAttribute(), master)
	if err != nil {
		return nil, fail("step 1/5: create the Okta user attribute "+s.UserAttributeID(), err, &undoUserAttr)
	}
	undos.push(undoUserAttr)
	o.UserAttr = ua
	logStep(1, "Okta user attribute")

	// Step 2.
	aa, err := c.CreateAppUserAttribute(ctx, s.AppID, s.appAttribute())
	if err != nil {
		return nil, fail("step 2/5: create the app user attribute "+s.AppUserAttributeID(), err, &undoAppAttr)
	}
	undos.push(undoAppAttr)
	o.AppAttr = aa
	logStep(2, "app user attribute")

	// Step 3, when step 1 did not write it (an attribute taken over after an interrupted apply) or
	// Okta did not keep it. Undone by deleting the user attribute, which takes its source priority
	// with it.
	if master != nil && (!created || !o.Overridden(s)) {
		src, err := c.SetAttributeMaster(ctx, s.userType(), s.AttributeName, MasterOverride, []string{s.AppID})
		if err != nil {
			return nil, fail("step 3/5: override the source priority of "+s.UserAttributeID()+" with app "+s.AppID, err, nil)
		}
		o.UserAttr.Source = *src
	}
	if master != nil {
		logStep(3, "source priority override")
	}

	// Step 4. A user attribute this create made cannot be in any mapping yet (Okta maps only
	// existing attributes), so the property goes out without reading the mapping first.
	m, err := c.writeMapping(ctx, mappingChange{mappingID: s.MappingID, sourceID: s.AppID, targetID: o.UserTypeID,
		set: s.mappingProperty(), create: true, knownNew: created})
	if err != nil {
		return nil, fail("step 4/5: add the mapping property "+s.AttributeName+" ("+s.MappingExpression()+") to the mapping "+s.AppID+" -> "+o.UserTypeID, err, &undoMapping)
	}
	undos.push(undoMapping)
	o.MappingID = m.ID
	p := m.Properties[s.AttributeName]
	o.MappingProp = &p
	logStep(4, "mapping property")

	// Step 5.
	if s.ApplyToExistingUsers {
		if err := c.ReapplyMapping(ctx, s.AppID, o.UserTypeID); err != nil {
			return nil, fail("step 5/5: apply the mapping to existing users", err, nil)
		}
		logStep(5, "apply updates now")
	}
	return o, nil
}

// override is the source priority step 3 sets: override with this app only.
func (s PhoneSyncSpec) override() *AttributeSource {
	return &AttributeSource{MasterType: MasterOverride, Priority: []string{s.AppID}}
}

// createUserAttribute is CreateUserAttribute with a source priority written by the same POST (see
// createAttribute); created is false when the attribute was taken over.
func (c *Client) createUserAttribute(ctx context.Context, userType string, a Attribute, master *AttributeSource) (*Attribute, bool, error) {
	ref, err := c.userSchemaRef(ctx, userType)
	if err != nil {
		return nil, false, err
	}
	got, created, err := c.createAttribute(ctx, ref, userType, a, master)
	if err == nil && created && master != nil && got.Source.Unreported {
		// The org does not answer master: what was sent is all there is (as SetAttributeMaster).
		got.Source = *master
		got.Source.Unreported = true
	}
	return got, created, err
}

// ReadPhoneSync reads every piece. It returns a *NotFoundError only when none of them exists;
// otherwise the missing ones are nil in the answer (see Drift).
func (c *Client) ReadPhoneSync(ctx context.Context, s PhoneSyncSpec) (*PhoneSyncObserved, error) {
	utID, err := c.phoneSyncUserTypeID(ctx, s)
	if err != nil {
		return nil, err
	}
	o := &PhoneSyncObserved{UserTypeID: utID, MappingID: s.MappingID}
	ua, err := c.FindUserAttribute(ctx, s.userType(), s.AttributeName)
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	o.UserAttr = ua
	aa, err := c.FindAppUserAttribute(ctx, s.AppID, s.AttributeName)
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	o.AppAttr = aa

	var m *Mapping
	var merr error
	switch {
	case o.UserTypeID != "":
		m, merr = c.FindMappingByID(ctx, o.MappingID, s.AppID, o.UserTypeID)
	case o.MappingID != "": // the user type is gone; the remembered mapping may still be there
		m, merr = c.GetMapping(ctx, o.MappingID)
	}
	if merr != nil && !IsNotFound(merr) {
		return nil, merr
	}
	if m != nil {
		o.MappingID = m.ID
		if p, ok := m.Properties[s.AttributeName]; ok {
			o.MappingProp = &p
		}
	}
	if o.UserAttr == nil && o.AppAttr == nil && o.MappingProp == nil {
		return nil, &NotFoundError{Kind: "phone sync", ID: s.ID()}
	}
	return o, nil
}

// PhoneSyncShown is what the plan showed of a sync: the prior state, which the refresh before the
// plan read from Okta. Its values are those of the old spec; this says which pieces were there.
type PhoneSyncShown struct {
	UserAttr, AppAttr bool   // the attribute was there
	MappingExpression string // the mapping property's expression; "" when it was gone
}

// observed is what shown and old (the prior state) say Okta held at the refresh.
func (sh *PhoneSyncShown) observed(old PhoneSyncSpec) *PhoneSyncObserved {
	o := &PhoneSyncObserved{UserTypeID: old.UserTypeID, MappingID: old.MappingID}
	if sh.UserAttr {
		ua := old.userAttribute()
		ua.Source = AttributeSource{MasterType: MasterProfileMaster}
		if old.OverrideProfileSource {
			ua.Source = *old.override()
		}
		o.UserAttr = &ua
	}
	if sh.AppAttr {
		aa := old.appAttribute()
		o.AppAttr = &aa
	}
	if sh.MappingExpression != "" {
		o.MappingProp = &MappingProperty{Expression: sh.MappingExpression, PushStatus: old.PushStatus}
	}
	return o
}

// UpdatePhoneSync brings every piece to s in place: a changed field is updated, a piece deleted
// outside Terraform is made again, and nothing already right is written. It is also how drift is
// repaired. The source priority is only written when the override is wanted, or was wanted before.
// When s names other pieces than old (another attribute name, user type or app), it moves the
// sync (movePhoneSync).
//
// shown (the prior state, refreshed by the plan) says what Okta held: the update writes the pieces
// it shows to differ from s, each write verified by reading it back, and does not read the others
// again. Without it (nil) every piece is read first.
func (c *Client) UpdatePhoneSync(ctx context.Context, old, s PhoneSyncSpec, shown *PhoneSyncShown) (*PhoneSyncObserved, error) {
	mv, err := c.phoneSyncMove(ctx, old, s)
	if err != nil {
		return nil, err
	}
	if mv.userAttr || mv.appAttr || mv.mapping {
		return c.movePhoneSync(ctx, old, s, mv)
	}
	var o *PhoneSyncObserved
	if shown != nil {
		o = shown.observed(old)
	} else {
		o, err = c.ReadPhoneSync(ctx, s)
		if IsNotFound(err) {
			return c.CreatePhoneSync(ctx, s)
		}
		if err != nil {
			return nil, err
		}
	}
	if o.UserTypeID == "" {
		ut, err := c.FindUserType(ctx, s.userType())
		if err != nil {
			return nil, err
		}
		o.UserTypeID = ut.ID
	}

	// The source priority: the override when wanted, inherit again when it was wanted before. An
	// org that does not report master may have reset it with an attribute update, so the attribute
	// write below sends it again.
	var master *AttributeSource
	switch {
	case s.OverrideProfileSource:
		master = s.override()
	case old.OverrideProfileSource:
		master = &AttributeSource{MasterType: MasterProfileMaster}
	}
	wantUA := s.userAttribute()
	switch {
	case o.UserAttr == nil:
		var created bool
		o.UserAttr, created, err = c.createUserAttribute(ctx, s.userType(), wantUA, master)
		// Taken over (an interrupted apply), or Okta did not keep the override: write it.
		if err == nil && master != nil && (!created || (s.OverrideProfileSource && !o.Overridden(s))) {
			o.UserAttr, err = c.writeUserAttribute(ctx, s.userType(), wantUA, master)
		}
	case !sameAttribute(*o.UserAttr, wantUA, false) || (master != nil && (o.UserAttr.Source.Unreported || !o.UserAttr.Source.equal(*master))):
		o.UserAttr, err = c.writeUserAttribute(ctx, s.userType(), wantUA, master)
	}
	if err != nil {
		return nil, fmt.Errorf("updating the Okta user attribute %s: %w", s.UserAttributeID(), err)
	}

	wantAA := s.appAttribute()
	switch {
	case o.AppAttr == nil:
		o.AppAttr, err = c.CreateAppUserAttribute(ctx, s.AppID, wantAA)
	case !sameAttribute(*o.AppAttr, wantAA, true):
		o.AppAttr, err = c.UpdateAppUserAttribute(ctx, s.AppID, wantAA)
	}
	if err != nil {
		return nil, fmt.Errorf("updating the app user attribute %s: %w", s.AppUserAttributeID(), err)
	}

	if want := s.mappingProperty()[s.AttributeName]; o.MappingProp == nil || *o.MappingProp != want {
		m, err := c.UpdateMappingPropertiesByID(ctx, o.MappingID, s.AppID, o.UserTypeID, s.mappingProperty(), nil)
		if err != nil {
			return nil, fmt.Errorf("updating the mapping property %s: %w", s.AttributeName, err)
		}
		o.MappingID = m.ID
		p := m.Properties[s.AttributeName]
		o.MappingProp = &p
	}

	if s.ApplyToExistingUsers {
		if err := c.ReapplyMapping(ctx, s.AppID, o.UserTypeID); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// phoneSyncMoves says which pieces of a sync are other Okta objects after a change from old to s.
type phoneSyncMoves struct {
	userAttr bool // another attribute name or user type: another Okta user attribute
	appAttr  bool // another attribute name or app: another app user attribute
	mapping  bool // another property of a mapping, or another mapping (app or user type)

	oldUserTypeID string // "" when the old user type is gone
	newUserType   UserType
}

func (c *Client) phoneSyncMove(ctx context.Context, old, s PhoneSyncSpec) (phoneSyncMoves, error) {
	var mv phoneSyncMoves
	if old.AppID == "" { // no prior sync (an import's first read, or a test): nothing to move from
		return mv, nil
	}
	renamed := old.AttributeName != s.AttributeName
	otherApp := old.AppID != s.AppID
	otherType := false
	if old.userType() != s.userType() {
		same, err := c.SameUserType(ctx, old.userType(), s.userType())
		if err != nil {
			return mv, err
		}
		otherType = !same
	}
	mv.userAttr = renamed || otherType
	mv.appAttr = renamed || otherApp
	mv.mapping = renamed || otherApp || otherType
	if !mv.mapping {
		return mv, nil
	}
	var err error
	if mv.newUserType, err = c.FindUserType(ctx, s.userType()); err != nil {
		return mv, &PhoneSyncError{Step: "looking up user type " + s.userType(), Err: err}
	}
	if mv.oldUserTypeID, err = c.phoneSyncUserTypeID(ctx, old); err != nil {
		return mv, err
	}
	return mv, nil
}

// MoveIncompleteError is a move whose new sync is whole (every new piece made and verified, the old
// mapping property removed) but whose last steps failed: applying the mapping to existing users,
// or deleting the old attributes, which no mapping of the sync uses any more.
type MoveIncompleteError struct {
	ReapplyErr error
	Left       []string // old pieces still in Okta
	DeleteErr  error
}

func (e *MoveIncompleteError) Error() string {
	var parts []string
	if e.ReapplyErr != nil {
		parts = append(parts, fmt.Sprintf("applying the mapping to existing users failed: %v", e.ReapplyErr))
	}
	if len(e.Left) > 0 {
		parts = append(parts, fmt.Sprintf("deleting the old %s failed: %v", strings.Join(e.Left, " and the old "), e.DeleteErr))
	}
	return "the phone sync was moved to its new pieces, but " + strings.Join(parts, "; ")
}

func (e *MoveIncompleteError) Unwrap() []error { return []error{e.ReapplyErr, e.DeleteErr} }

// movePhoneSync moves the sync from old to s in the order Okta allows and with the sync whole at
// every point: it makes the new pieces first (new user attribute, new app user attribute, the
// source override on the attribute it now syncs), adds the new mapping property before it removes
// the old one (Okta refuses to delete an attribute a mapping still uses), applies the mapping to
// existing users when asked, and only then deletes the old attributes. Pieces that stay the same
// Okta object (the user attribute when only the app changes, the app user attribute when only the
// user type changes) are kept with their values and updated in place.
//
// A failure before the old mapping property is removed undoes every step, so the old sync is as it
// was and the apply can be repeated. A failure deleting the old attributes afterwards returns the
// new sync with a *MoveLeftoverError naming them.
func (c *Client) movePhoneSync(ctx context.Context, old, s PhoneSyncSpec, mv phoneSyncMoves) (*PhoneSyncObserved, error) {
	tflog.Info(ctx, "phone sync: moving", map[string]any{"from": old.ID(), "to": s.ID()})
	if old.AppID != s.AppID {
		if _, err := c.FindApp(ctx, s.AppID); err != nil {
			return nil, &PhoneSyncError{Step: "looking up app " + s.AppID, Err: err}
		}
	}
	o := &PhoneSyncObserved{UserTypeID: mv.newUserType.ID, MappingID: s.MappingID}
	var undos undoStack
	fail := func(step string, err error, undoFailing *undo) (*PhoneSyncObserved, error) {
		return nil, undos.fail(ctx, "move", step, err, undoFailing)
	}

	// The user attribute: new when the name or the user type changes, else kept.
	var err error
	if mv.userAttr {
		u := s.undoUserAttribute(c)
		if o.UserAttr, err = c.CreateUserAttribute(ctx, s.userType(), s.userAttribute()); err != nil {
			return fail("create the Okta user attribute "+s.UserAttributeID(), err, &u)
		}
		undos.push(u)
	} else if o.UserAttr, err = c.keepAttribute(ctx, false, s.userType(), s.userAttribute()); err != nil {
		return fail("update the Okta user attribute "+s.UserAttributeID(), err, nil)
	}

	// The app user attribute: new when the name or the app changes, else kept.
	if mv.appAttr {
		u := s.undoAppAttribute(c)
		if o.AppAttr, err = c.CreateAppUserAttribute(ctx, s.AppID, s.appAttribute()); err != nil {
			return fail("create the app user attribute "+s.AppUserAttributeID(), err, &u)
		}
		undos.push(u)
	} else if o.AppAttr, err = c.keepAttribute(ctx, true, s.AppID, s.appAttribute()); err != nil {
		return fail("update the app user attribute "+s.AppUserAttributeID(), err, nil)
	}

	// The source priority of the attribute the sync now fills. A kept attribute gets its earlier
	// priority back when a later step fails; a new one goes with its attribute.
	prior := o.UserAttr.Source
	var target string
	// An org that does not report master leaves nothing to compare: write it (as UpdatePhoneSync does).
	switch unreported := prior.Unreported; {
	case s.OverrideProfileSource && (!o.Overridden(s) || unreported):
		target = MasterOverride
	case !s.OverrideProfileSource && old.OverrideProfileSource && !mv.userAttr && (prior.MasterType != MasterProfileMaster || unreported):
		target = MasterProfileMaster
	}
	if target != "" {
		var priority []string
		if target == MasterOverride {
			priority = []string{s.AppID}
		}
		src, err := c.SetAttributeMaster(ctx, s.userType(), s.AttributeName, target, priority)
		if err != nil {
			return fail("set the source priority of "+s.UserAttributeID(), err, nil)
		}
		o.UserAttr.Source = *src
		if !mv.userAttr {
			undos.push(undo{"the source priority of " + s.UserAttributeID(), func(ctx context.Context) error {
				_, err := c.SetAttributeMaster(ctx, s.userType(), s.AttributeName, prior.MasterType, prior.Priority)
				return err
			}})
		}
	}

	// The mapping: the new property is added before the old one is removed.
	newProp := s.undoMappingProperty(c, mv.newUserType.ID)
	m, err := c.CreateMappingProperties(ctx, s.AppID, mv.newUserType.ID, s.mappingProperty())
	if err != nil {
		return fail("add the mapping property "+s.AttributeName+" ("+s.MappingExpression()+") to the mapping "+s.AppID+" -> "+mv.newUserType.ID, err, &newProp)
	}
	undos.push(newProp)
	o.MappingID = m.ID
	p := m.Properties[s.AttributeName]
	o.MappingProp = &p
	if mv.oldUserTypeID != "" {
		if err := c.DeleteMappingProperties(ctx, old.AppID, mv.oldUserTypeID, []string{old.AttributeName}); err != nil {
			return fail("remove the old mapping property "+old.AttributeName+" from the mapping "+old.AppID+" -> "+mv.oldUserTypeID, err, nil)
		}
	}

	// From here on the new sync is whole: nothing is undone any more.
	inc := &MoveIncompleteError{}
	if s.ApplyToExistingUsers {
		inc.ReapplyErr = c.ReapplyMapping(ctx, s.AppID, mv.newUserType.ID)
	}

	// The old attributes, now unused; the old source priority goes with the old user attribute.
	if mv.appAttr {
		if err := c.DeleteAppUserAttribute(ctx, old.AppID, old.AttributeName); err != nil && !IsNotFound(err) {
			inc.Left, inc.DeleteErr = append(inc.Left, "app user attribute "+old.AppUserAttributeID()), err
		}
	}
	if mv.userAttr {
		if err := c.DeleteUserAttribute(ctx, old.userType(), old.AttributeName); err != nil && !IsNotFound(err) {
			inc.Left, inc.DeleteErr = append(inc.Left, "Okta user attribute "+old.UserAttributeID()), err
		}
	}
	if inc.ReapplyErr != nil || len(inc.Left) > 0 {
		return o, inc
	}
	return o, nil
}

// keepAttribute brings an attribute the sync keeps through a move to want: made again when it was
// deleted outside Terraform, updated when it differs.
func (c *Client) keepAttribute(ctx context.Context, app bool, owner string, want Attribute) (*Attribute, error) {
	find, create, update := c.FindUserAttribute, c.CreateUserAttribute, c.UpdateUserAttribute
	if app {
		find, create, update = c.FindAppUserAttribute, c.CreateAppUserAttribute, c.UpdateAppUserAttribute
	}
	got, err := find(ctx, owner, want.Name)
	switch {
	case IsNotFound(err):
		return create(ctx, owner, want)
	case err != nil:
		return nil, err
	case !sameAttribute(*got, want, app):
		return update(ctx, owner, want)
	}
	return got, nil
}

// DeletePhoneSync removes the pieces in reverse order: the mapping property (only that one; the
// mapping's other properties stay), the app user attribute, then the Okta user attribute, whose
// source priority goes with it. Pieces already gone count as deleted.
func (c *Client) DeletePhoneSync(ctx context.Context, s PhoneSyncSpec) error {
	utID, err := c.phoneSyncUserTypeID(ctx, s)
	if err != nil {
		return err
	}
	if utID != "" {
		if err := c.DeleteMappingPropertiesByID(ctx, s.MappingID, s.AppID, utID, []string{s.AttributeName}); err != nil {
			return fmt.Errorf("removing the mapping property %s: %w", s.AttributeName, err)
		}
	}
	if err := c.DeleteAppUserAttribute(ctx, s.AppID, s.AttributeName); err != nil && !IsNotFound(err) {
		return fmt.Errorf("deleting the app user attribute %s: %w", s.AppUserAttributeID(), err)
	}
	if err := c.DeleteUserAttribute(ctx, s.userType(), s.AttributeName); err != nil && !IsNotFound(err) {
		return fmt.Errorf("deleting the Okta user attribute %s: %w", s.UserAttributeID(), err)
	}
	return nil
}

// phoneSyncUserTypeID is the id of the sync's user type: the one remembered in s, or looked up;
// "" when the user type is gone (then so are its attributes and its mapping).
func (c *Client) phoneSyncUserTypeID(ctx context.Context, s PhoneSyncSpec) (string, error) {
	if s.UserTypeID != "" {
		return s.UserTypeID, nil
	}
	ut, err := c.FindUserType(ctx, s.userType())
	if IsNotFound(err) {
		return "", nil
	}
	return ut.ID, err
}
