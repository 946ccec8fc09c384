package okta

import (
	"context"
	"sync"
)

// Two resources can own a user attribute's source priority: dialpad_okta_attribute_source, and
// dialpad_okta_user_attribute with master_type set. Moving the ownership from the first to the
// second (as the okta-phone-sync module does on upgrade) destroys the source resource and updates
// the user attribute in ONE apply, in an order Terraform chooses, and the source's destroy resets
// the priority to PROFILE_MASTER. The final priority must be the user attribute's:
//
//   - The user attribute notes, in its plan (which Terraform runs again in the apply's provider
//     process right before applying it) and after each write of master, that it owns the
//     attribute's master. The source's reset (ResetAttributeMaster) then writes nothing.
//   - The reset ran first (nothing noted yet): it wrote PROFILE_MASTER, and the user attribute's
//     update, a read-modify-write on what Okta holds then, writes its master over it.
//   - Both at once: the reset looks at the registry again inside its write, under the schema's
//     lock. Either the note came first (the reset writes nothing), or the reset's write is done
//     before the user attribute's write takes the lock, reads the reset and writes over it.
//
// One provider process serves one Terraform command's walk, so the registry lives on the Client.
// It is keyed by attribute name and the user type as spelled; lookups compare spellings with
// SameUserType ("default", "user" and the default type's id are one type).

type masterOwners struct {
	mu sync.Mutex
	m  map[string]map[string]bool // attribute name -> user type spellings
}

// NoteUserAttributeMaster records that a dialpad_okta_user_attribute manages the source priority of
// attribute name of userType in this provider process (it plans to write it, or wrote it).
func (c *Client) NoteUserAttributeMaster(userType, name string) {
	if userType == "" {
		userType = DefaultUserType
	}
	o := &c.masterOwners
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[string]map[string]bool{}
	}
	if o.m[name] == nil {
		o.m[name] = map[string]bool{}
	}
	o.m[name][userType] = true
}

// UserAttributeMasterManaged reports whether a dialpad_okta_user_attribute noted (see
// NoteUserAttributeMaster) that it manages the source priority of attribute name of userType, in
// any spelling of the type. Comparing spellings may read user types (through the read cache).
func (c *Client) UserAttributeMasterManaged(ctx context.Context, userType, name string) (bool, error) {
	o := &c.masterOwners
	o.mu.Lock()
	spellings := make([]string, 0, len(o.m[name]))
	for ut := range o.m[name] {
		spellings = append(spellings, ut)
	}
	o.mu.Unlock()
	for _, ut := range spellings {
		same, err := c.SameUserType(ctx, ut, userType)
		if err != nil {
			return false, err
		}
		if same {
			return true, nil
		}
	}
	return false, nil
}
