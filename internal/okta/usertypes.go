package okta

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// DefaultUserType is the name (and, in paths, the alias) of the org's default user type.
const DefaultUserType = "default"

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

// FindUserType finds a user type by id, or by name ("default" is the org's default type).
func (c *Client) FindUserType(ctx context.Context, idOrName string) (UserType, error) {
	if idOrName == "" {
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
