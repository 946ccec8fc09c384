package okta

import (
	"context"
	"fmt"
	"net/url"
)

// ---- schema references -----------------------------------------------------------------------

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
