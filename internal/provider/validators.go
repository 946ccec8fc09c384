package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

// ruleValidator adapts a pure rule from internal/validate (func(string) error) to a plan-time
// string validator whose diagnostic names the attribute and says what a valid value looks like.
type ruleValidator struct {
	what string // "an Okta variable name", ...
	rule func(string) error
}

var _ validator.String = ruleValidator{}

func (v ruleValidator) Description(context.Context) string { return "value must be " + v.what }

func (v ruleValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.rule(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Invalid %s", req.Path),
			fmt.Sprintf("%s must be %s: %s", req.Path, v.what, err))
	}
}

// variableNameValidator checks Okta's variable-name rules (letters, digits, underscores; no
// leading digit).
func variableNameValidator() validator.String {
	return ruleValidator{what: "an Okta variable name", rule: validate.VariableName}
}

// urnValidator checks an external namespace such as urn:ietf:params:scim:schemas:core:2.0:User.
func urnValidator() validator.String {
	return ruleValidator{what: "a URN", rule: validate.URN}
}

// externalNameValidator checks a dotted path with optional ^[attr==value] filters.
func externalNameValidator() validator.String {
	return ruleValidator{what: "an external name", rule: validate.ExternalName}
}

// newAttributeNameValidator checks the name of an attribute the provider creates: an Okta variable
// name of at most 100 characters that is not reserved and, on the Okta user profile (userProfile),
// not a base property such as email. Okta refuses those only when the apply writes the schema.
func newAttributeNameValidator(userProfile bool) validator.String {
	what := "an Okta variable name that is free for a new attribute of the app user profile"
	if userProfile {
		what = "an Okta variable name that is free for a new attribute of the Okta user profile"
	}
	return ruleValidator{what: what, rule: func(s string) error { return validate.NewAttributeName(s, userProfile) }}
}

// patternValidator refuses a pattern that is not a regular expression in any dialect.
func patternValidator() validator.String {
	return ruleValidator{what: "a regular expression", rule: validate.Pattern}
}

// appIDPattern rejects what is clearly not an app id (a label with spaces, a path); the id itself
// is checked by Okta.
var appIDPattern = regexp.MustCompile(`^[^\s/]+$`)
