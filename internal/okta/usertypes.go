package okta

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// DefaultUserType is Okta's alias of the org's default user type (in paths, and the provider's
// default spelling); DefaultUserTypeName is that type's own name. Both name the default type, as
// does its id.
const (
	DefaultUserType     = "default"
	DefaultUserTypeName = "user"
)

// IsDefaultUserType reports whether s names the default user type without a lookup: "" (not
// given), "default" or "user". The default type's id needs FindUserType.
func IsDefaultUserType(s string) bool {
	return s == "" || s == DefaultUserType || s == DefaultUserTypeName
}

// UserType is an Okta user type and the id of its profile schema.
type UserType struct {
	ID          string
	Name        string
	DisplayName string
	Default     bool
	SchemaID    string // last segment of _links.schema.href, used in /api/v1/meta/schemas/user/{id}
}

type userTypeJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Default     bool   `json:"default"`
	Links       struct {
		Schema struct {
			Href string `json:"href"`
		} `json:"schema"`
	} `json:"_links"`
}

func (u userTypeJSON) toUserType() UserType {
	return UserType{ID: u.ID, Name: u.Name, DisplayName: u.DisplayName, Default: u.Default, SchemaID: schemaIDFromHref(u.Links.Schema.Href)}
}

func schemaIDFromHref(href string) string {
	if href == "" {
		return ""
	}
	p := href
	if u, err := url.Parse(href); err == nil {
		p = u.Path
	}
	return path.Base(strings.TrimRight(p, "/"))
}

// FindUserType finds a user type by id, or by name ("default" and "user" are the org's default type).
func (c *Client) FindUserType(ctx context.Context, idOrName string) (UserType, error) {
	if IsDefaultUserType(idOrName) {
		idOrName = DefaultUserType
	}
	// Through the read cache: every phone sync, mapping owner lookup and the data source ask for the
	// same few user types, which this provider never writes.
	v, err := c.cache.get(ctx, "usertype "+idOrName, func(ctx context.Context) (any, error) {
		return c.fetchUserType(ctx, idOrName)
	})
	if err != nil {
		return UserType{}, err
	}
	return v.(UserType), nil
}

func (c *Client) fetchUserType(ctx context.Context, idOrName string) (UserType, error) {
	// Okta accepts "default" and ids in the path; other names are looked up in the list.
	var u userTypeJSON
	err := c.doJSON(ctx, "GET", "/api/v1/meta/types/user/"+url.PathEscape(idOrName), nil, nil, &u)
	if err == nil {
		return u.toUserType(), nil
	}
	if err = c.translate(err, nil, "user type", idOrName); !IsNotFound(err) || idOrName == DefaultUserType {
		return UserType{}, err
	}
	types, err := c.ListUserTypes(ctx)
	if err != nil {
		return UserType{}, err
	}
	for _, t := range types {
		if t.Name == idOrName || t.ID == idOrName {
			return t, nil
		}
	}
	return UserType{}, &NotFoundError{Kind: "user type", ID: idOrName}
}

// ListUserTypes returns every user type of the org.
func (c *Client) ListUserTypes(ctx context.Context) ([]UserType, error) {
	var list []userTypeJSON
	if err := c.doJSON(ctx, "GET", "/api/v1/meta/types/user", nil, nil, &list); err != nil {
		return nil, fmt.Errorf("listing Okta user types: %w", c.translate(err, nil, "", ""))
	}
	out := make([]UserType, 0, len(list))
	for _, u := range list {
		out = append(out, u.toUserType())
	}
	return out, nil
}

// SameUserType reports whether a and b name the same user type: both spell the default type, or
// both resolve to one id. Reads go through the read cache; when one side spells the default type,
// only the other is read. A name that resolves to no type is the same as nothing else.
func (c *Client) SameUserType(ctx context.Context, a, b string) (bool, error) {
	if a == b || (IsDefaultUserType(a) && IsDefaultUserType(b)) {
		return true, nil
	}
	if IsDefaultUserType(a) {
		a, b = b, a
	}
	if IsDefaultUserType(b) {
		t, err := c.FindUserType(ctx, a)
		if IsNotFound(err) {
			return false, nil
		}
		return err == nil && t.Default, err
	}
	ta, err := c.FindUserType(ctx, a)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	tb, err := c.FindUserType(ctx, b)
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return ta.ID == tb.ID, nil
}
