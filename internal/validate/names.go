package validate

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
)

// MaxVariableNameLength is the longest variable name a new attribute may have (the emulator and the
// okta-phone-sync module apply the same cap).
const MaxVariableNameLength = 100

// reservedNames are names Okta keeps for itself on every profile schema (the excerpt the emulator
// enforces; Okta's own list is longer and unpublished).
var reservedNames = []string{"id", "status", "created", "activated", "statusChanged", "lastLogin", "lastUpdated",
	"passwordChanged", "type", "credentials", "profile", "_links", "_embedded", "password", "provider"}

// UserBaseProperties are the base properties of the Okta user profile. A custom attribute of the
// same name (compared case-insensitively) is refused by Okta.
var UserBaseProperties = []string{"login", "firstName", "lastName", "middleName", "honorificPrefix", "honorificSuffix",
	"email", "title", "displayName", "nickName", "profileUrl", "secondEmail", "mobilePhone", "primaryPhone",
	"streetAddress", "city", "state", "zipCode", "countryCode", "postalAddress", "preferredLanguage", "locale",
	"timezone", "userType", "employeeNumber", "costCenter", "organization", "division", "department", "managerId", "manager"}

// NewAttributeName checks the variable name of an attribute this provider creates: a VariableName of
// at most MaxVariableNameLength characters that is not reserved and, on the Okta user profile
// (userProfile), not the name of a base property. Names that refer to existing attributes (mapping
// keys, source priority) use VariableName, since base properties are valid there.
func NewAttributeName(s string, userProfile bool) error {
	if err := VariableName(s); err != nil {
		return err
	}
	if len(s) > MaxVariableNameLength {
		return fmt.Errorf("%q is %d characters long; Okta variable names have at most %d", s, len(s), MaxVariableNameLength)
	}
	for _, r := range reservedNames {
		if strings.EqualFold(r, s) {
			return fmt.Errorf("%q is reserved by Okta; choose another name such as dialpadPhone", s)
		}
	}
	if userProfile {
		for _, b := range UserBaseProperties {
			if strings.EqualFold(b, s) {
				return fmt.Errorf("%q is a base property of the Okta user profile (%s); a custom attribute needs another name", s, b)
			}
		}
	}
	return nil
}

// Pattern checks a `pattern` for the mistakes every regular-expression dialect refuses (Okta
// evaluates Java syntax; RE2 is stricter about features such as lookaround and backreferences, so
// only errors Java would raise too are reported).
func Pattern(s string) error {
	_, err := syntax.Parse(s, syntax.Perl)
	var se *syntax.Error
	if err == nil || !errors.As(err, &se) {
		return nil
	}
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen, syntax.ErrMissingBracket, syntax.ErrTrailingBackslash,
		syntax.ErrMissingRepeatArgument, syntax.ErrInvalidCharRange:
		return fmt.Errorf("%q is not a valid regular expression: %s", s, se.Code)
	}
	return nil
}
