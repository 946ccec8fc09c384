package oktaemu

import (
	"maps"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu/scimpath"
)

// scimCoreNamespace is the SCIM core user schema; externalNames in it read the record's top level.
const scimCoreNamespace = "urn:ietf:params:scim:schemas:core:2.0:User"

// computeAppUserProfile derives an app user's profile from the app's SCIM record of that user through
// the app schema's externalName (and externalNamespace) of each property. Properties without an
// externalName keep their current value (Okta pushes those; the app does not own them).
func computeAppUserProfile(doc *schemaDoc, record map[string]any, current map[string]any) map[string]any {
	out := maps.Clone(current)
	if out == nil {
		out = map[string]any{}
	}
	apply := func(name string, p prop) {
		ext, _ := p["externalName"].(string)
		if ext == "" {
			return
		}
		var root any = record
		if ns, _ := p["externalNamespace"].(string); ns != "" && ns != scimCoreNamespace {
			root = record[ns]
		}
		v, ok, err := scimpath.Eval(root, ext)
		if err != nil || !ok {
			out[name] = nil
			return
		}
		out[name] = v
	}
	for name, p := range doc.base {
		apply(name, p)
	}
	for name, p := range doc.custom {
		apply(name, p)
	}
	return out
}

// importApp simulates the app pushing its users into Okta: app user profiles are recomputed from the
// app's SCIM records, then the app's PUSH mappings are applied to the Okta profiles the app may write.
// It returns the number of app users refreshed and of Okta profiles changed.
func (o *org) importApp(a *app, now time.Time) (int, int) {
	doc := a.schema.doc.current()
	refreshed := 0
	for _, uid := range a.assigned {
		au := a.appUsers[uid]
		rec := a.scim[uid]
		if au == nil || rec == nil {
			continue
		}
		next := computeAppUserProfile(doc, rec, au.profile)
		if !jsonEqual(next, au.profile) {
			au.profile = next
			au.lastUpdated = now
			refreshed++
		}
	}
	changed := 0
	for _, m := range o.mappings {
		if m.sourceID == a.id {
			changed += o.applyMapping(m, true, now)
		}
	}
	return refreshed, changed
}
