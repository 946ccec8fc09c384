package okta

import "sync"

// A mapping create reads the mapping before its first write only to refuse a property that is
// already mapped otherwise (CreateMappingProperties). That read is wasted when this provider
// process has just created the property's target attribute itself: Okta maps only attributes
// that exist (it refuses a mapping property whose target attribute the target's profile does not
// have), so no one can have mapped an attribute before our POST created it. createdAttributes
// remembers those attributes, per owner, for as long as the client lives; the mapping create
// skips its read when every property it sets is one of them, on the mapping's target.
//
// What it does not cover, and why that is acceptable:
//   - An attribute taken over (found exactly as configured, not created by our POST) is never
//     recorded: whatever left it behind may have mapped it too.
//   - Someone else mapping the attribute between our create and our mapping write (seconds, in
//     one apply) is overwritten instead of refused. The composite's create has the same window.
//   - Two writers in this process that set one new property of one target (two mapping resources
//     owning the same key, or one and a phone sync): an entry is spent by the first mapping write
//     that sets the property (forgetMapped), so a create after it reads first and is refused as
//     before. Two such writers racing (both past the check before either writes) are not caught.
//   - The entries do not outlive the process: the next apply reads as before.
//
// An entry is forgotten when this client deletes the attribute (under any spelling of its owner:
// a delete forgets the name under every owner of that kind, which costs at most a read later).

// createdAttributes is the registry; its zero value is ready to use.
type createdAttributes struct {
	mu sync.Mutex
	// by attribute name, the owners it was created under: "app:<app id>", or "type:<user type
	// name or id as the caller spelled it>" with every spelling of the default type as
	// "type:default".
	owners map[string]map[string]bool
}

// createdOwnerKey is the registry's key of an attribute owner: an app id (app user attributes)
// or a user type spelled as the caller did ("", "default" and "user" are the default type).
func createdOwnerKey(app bool, owner string) string {
	if app {
		return "app:" + owner
	}
	if IsDefaultUserType(owner) {
		return "type:" + DefaultUserType
	}
	return "type:" + owner
}

// mappingTargetKeys are the registry keys that name the target of the mapping r: its id, and for
// a user type also its name (Okta names the default type "user", which the registry keys as
// "default"). An app is keyed by its id only: its name is not a spelling anyone creates under.
// A ref whose target type is not known (no listing at hand) is keyed by its id under both kinds:
// Okta's ids are unique across apps and user types.
func mappingTargetKeys(r mappingRef) []string {
	switch r.TargetType {
	case "":
		return []string{"app:" + r.TargetID, "type:" + r.TargetID}
	case "appuser":
		return []string{"app:" + r.TargetID}
	}
	keys := []string{"type:" + r.TargetID}
	switch {
	case r.TargetName == DefaultUserTypeName:
		keys = append(keys, "type:"+DefaultUserType)
	case r.TargetName != "":
		keys = append(keys, "type:"+r.TargetName)
	}
	return keys
}

func (r *createdAttributes) add(ownerKey, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owners == nil {
		r.owners = map[string]map[string]bool{}
	}
	if r.owners[name] == nil {
		r.owners[name] = map[string]bool{}
	}
	r.owners[name][ownerKey] = true
}

// forget drops the name under every owner of the kind (app or user type).
func (r *createdAttributes) forget(app bool, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	prefix := "type:"
	if app {
		prefix = "app:"
	}
	for k := range r.owners[name] {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			delete(r.owners[name], k)
		}
	}
	if len(r.owners[name]) == 0 {
		delete(r.owners, name)
	}
}

// forgetMapped drops the names under every owner: a mapping write sets them, so they are mapped
// now and the next create of one must read first.
func (r *createdAttributes) forgetMapped(names []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		delete(r.owners, n)
	}
}

// claim reports whether every one of names was created under one of targetKeys; if so, it spends
// those entries (see above), all at once, and otherwise changes nothing.
func (r *createdAttributes) claim(targetKeys []string, names []string) bool {
	if len(names) == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	found := make(map[string]string, len(names))
	for _, n := range names {
		for _, k := range targetKeys {
			if r.owners[n][k] {
				found[n] = k
				break
			}
		}
		if _, ok := found[n]; !ok {
			return false
		}
	}
	for n, k := range found {
		delete(r.owners[n], k)
		if len(r.owners[n]) == 0 {
			delete(r.owners, n)
		}
	}
	return true
}
