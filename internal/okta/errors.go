package okta

import (
	"errors"
	"fmt"
)

// NotFoundError says an Okta object does not exist. Finders return it; Read turns it into
// RemoveResource, Delete into success.
type NotFoundError struct {
	Kind string // "user attribute", "mapping", ...
	ID   string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("Okta %s %q not found", e.Kind, e.ID) }

// IsNotFound reports whether err (or anything it wraps) is a NotFoundError.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}
