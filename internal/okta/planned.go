package okta

// A mapping expression may read an app user attribute that the same plan creates. Terraform plans a
// resource after everything it references or depends on, and one provider process plans them all,
// so the attribute's resource notes its create here before the mapping's plan-time check looks.

// NotePlannedAppUserAttribute records that this command's plan creates attribute name on appID's
// user profile.
func (c *Client) NotePlannedAppUserAttribute(appID, name string) {
	c.plannedAppAttrs.Store(appID+"/"+name, true)
}

// AppUserAttributePlanned reports whether this command's plan creates the attribute.
func (c *Client) AppUserAttributePlanned(appID, name string) bool {
	_, ok := c.plannedAppAttrs.Load(appID + "/" + name)
	return ok
}
