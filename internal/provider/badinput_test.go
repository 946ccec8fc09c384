package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
)

// TestAccBadInput (issue 6): invalid configurations of every resource, data source, the provider
// block and the module are rejected at plan, with a message that names the offending argument, and
// nothing is written to the org. Each case is a plan-only step; afterwards the emulator's stats must
// show no write call at all (GETs for plan-time checks are fine). A provider panic would crash the
// test binary, so a passing run also proves there were none.
func TestAccBadInput(t *testing.T) {
	acctest.RequireEmulator(t, "asserts through the emulator's stats that a rejected plan wrote nothing")
	emu := acctest.NewEmulator(t)
	fx := emu.Fixtures()
	ut, err := emu.Client().FindUserType(context.Background(), fx.UserType)
	if err != nil {
		t.Fatal(err)
	}
	// The Dialpad app is not a profile source on a fresh emulator; the HR app is.
	notSource, srcApp := fx.AppID, fx.SourceAppID
	unknownApp := "0oa9doesnotexist0000"

	userAttr := func(name string, extra ...string) string {
		return fmt.Sprintf("resource \"dialpad_okta_user_attribute\" \"bad\" {\n  name  = %s\n  title = \"Bad\"\n  %s\n}\n",
			acctest.Quote(name), strings.Join(extra, "\n  "))
	}
	appAttr := func(appID, name string, extra ...string) string {
		return fmt.Sprintf("resource \"dialpad_okta_app_user_attribute\" \"bad\" {\n  app_id = %s\n  name   = %s\n  title  = \"Bad\"\n  %s\n}\n",
			acctest.Quote(appID), acctest.Quote(name), strings.Join(extra, "\n  "))
	}
	mapping := func(sourceID, props string, extra ...string) string {
		return fmt.Sprintf("resource \"dialpad_okta_attribute_mapping\" \"bad\" {\n  source_id  = %s\n  target_id  = %s\n  properties = %s\n  %s\n}\n",
			acctest.Quote(sourceID), acctest.Quote(ut.ID), props, strings.Join(extra, "\n  "))
	}
	attrSource := func(extra ...string) string {
		return fmt.Sprintf("resource \"dialpad_okta_attribute_source\" \"bad\" {\n  attribute_name = \"tfaccbadsource\"\n  %s\n}\n",
			strings.Join(extra, "\n  "))
	}
	sync := func(appID string, extra ...string) string {
		return fmt.Sprintf("resource \"dialpad_okta_phone_sync\" \"bad\" {\n  app_id = %s\n  %s\n}\n",
			acctest.Quote(appID), strings.Join(extra, "\n  "))
	}
	providerBlock := func(lines ...string) string {
		return "provider \"dialpad\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
	}
	token := func() string { return "okta_api_token = " + acctest.Quote(emu.Token()) }
	goodAttr := userAttr("tfaccbadgood")

	type badCase struct {
		name   string
		config func(t *testing.T) string // whole configuration, provider block included
		module bool                      // config is a root module calling modules/okta-phone-sync
		// want is a regexp over Terraform's output that names the argument, either in the message or
		// in the configuration line Terraform shows under the error (an attribute diagnostic);
		// a space matches any run of whitespace, since Terraform wraps long messages.
		want string
	}
	with := func(hcl ...string) func(*testing.T) string {
		return func(*testing.T) string { return emu.Config(hcl...) }
	}
	cases := []badCase{
		// dialpad_okta_user_attribute
		{"user attribute name starts with a digit", with(userAttr("9lives")), false, `name must be an Okta variable name`},
		{"user attribute name with a dash", with(userAttr("dialpad-phone")), false, `name must be an Okta variable name`},
		{"user attribute empty name", with(userAttr("")), false, `name must be an Okta variable name`},
		{"user attribute unknown type", with(userAttr("ok", `type = "text"`)), false, `Attribute type value must be one of`},
		{"user attribute array without array_type", with(userAttr("ok", `type = "array"`)), false, `array_type is required when type = "array"`},
		{"user attribute array_type on a string", with(userAttr("ok", `array_type = "string"`)), false, `array_type is only valid with type = "array"`},
		{"user attribute unknown permissions", with(userAttr("ok", `permissions = "WRITE"`)), false, `Attribute permissions value must be one of`},
		{"user attribute unknown scope", with(userAttr("ok", `scope = "ALL"`)), false, `Attribute scope value must be one of`},
		{"user attribute namespace not a URN", with(userAttr("ok", `external_namespace = "scim:core"`)), false, `external_namespace must be a URN`},
		{"user attribute bad external_name filter", with(userAttr("ok", `external_name = "phoneNumbers.^[type='Dialpad'.value"`)), false, `external_name must be an external name`},
		{"user attribute min_length above max_length", with(userAttr("ok", "min_length = 5", "max_length = 2")), false, `min_length 5 is greater than max_length 2`},
		{"user attribute enum and one_of", with(userAttr("ok", `enum = ["a"]`, `one_of = [{ const = "a", title = "A" }]`)), false, `Attribute "one_of" cannot be specified when "enum" is specified`},
		{"user attribute integer enum value", with(userAttr("ok", `type = "integer"`, `enum = ["x"]`)), false, `Invalid enum value.*enum.*"x" is not a valid integer`},
		{"user attribute unique boolean", with(userAttr("ok", `type = "boolean"`, "unique = true")), false, `unique.*Okta supports unique values only for string, number and integer`},
		{"user attribute pattern on an integer", with(userAttr("ok", `type = "integer"`, `pattern = "[0-9]+"`)), false, `pattern is only valid with type = "string"`},
		{"user attribute named like a base property", with(userAttr("email")), false, `name.*"email" is a base property of the Okta user profile`},
		{"user attribute reserved name", with(userAttr("Status")), false, `name.*"Status" is reserved by Okta`},
		{"user attribute name over 100 characters", with(userAttr("tfacc" + strings.Repeat("x", 96))), false, `name.*Okta variable names have at most 100`},
		{"user attribute pattern not a regular expression", with(userAttr("ok", `pattern = "(+1"`)), false, `pattern must be a regular expression.*is not a valid regular expression`},
		{"app user attribute reserved name", with(appAttr(fx.AppID, "password")), false, `name.*"password" is reserved by Okta`},
		{"phone sync attribute_name of a base property", with(sync(srcApp, `attribute_name = "mobilePhone"`)), false, `attribute_name.*"mobilePhone" is a base property`},
		{"user attribute negative min_length", with(userAttr("ok", "min_length = -1")), false, `min_length -1 is negative`},
		{"user attribute max_length 0", with(userAttr("ok", "max_length = 0")), false, `max_length 0 must be at least 1`},
		{"user attribute duplicate enum values", with(userAttr("ok", `enum = ["a", "a"]`)), false, `Duplicate List Value.*enum`},
		{"user attribute duplicate one_of const", with(userAttr("ok", `one_of = [{ const = "a", title = "A" }, { const = "a", title = "B" }]`)), false, `Invalid one_of.*values must be unique`},
		{"user attribute empty title", with(`resource "dialpad_okta_user_attribute" "bad" {
  name  = "ok"
  title = ""
}`), false, `title string length must be at least 1`},
		{"user attribute array of booleans", with(userAttr("ok", `type = "array"`, `array_type = "boolean"`)), false, `array_type value must be one of`},
		{"user attribute timeout not a duration", with(userAttr("ok", "timeouts {\n    create = \"ten minutes\"\n  }")), false, `Invalid Attribute Value Time Duration.*create = "ten minutes"`},
		{"app user attribute union with scope SELF", with(appAttr(fx.AppID, "ok", `type = "array"`, `array_type = "string"`, "union = true", `scope = "SELF"`)), false, `union = true cannot be combined with scope = "SELF"`},

		// dialpad_okta_app_user_attribute
		{"app user attribute app_id with a slash", with(appAttr("0oa1/x", "ok")), false, `app_id.*must be an app id`},
		{"app user attribute union on a string", with(appAttr(fx.AppID, "ok", "union = true")), false, `union = true is only valid with type = "array"`},
		{"app user attribute bad name", with(appAttr(fx.AppID, "phone.number")), false, `name must be an Okta variable name`},

		// dialpad_okta_attribute_mapping
		{"mapping empty expression", with(mapping(srcApp, `{ tfaccbadmap = { expression = "" } }`)), false, `expression.*must not be empty`},
		{"mapping unbalanced expression", with(mapping(srcApp, `{ tfaccbadmap = { expression = "String.toUpperCase(appuser.x" } }`)), false, `expression.*(never closed|unclosed|unbalanced)`},
		{"mapping unknown push_status", with(mapping(srcApp, `{ tfaccbadmap = { expression = "appuser.x", push_status = "ALWAYS" } }`)), false, `push_status value must be one of`},
		{"mapping property name", with(mapping(srcApp, `{ "9bad" = { expression = "appuser.x" } }`)), false, `properties\["9bad"\].*(Okta )?variable name|property name.*"9bad"`},
		{"mapping without properties", with(mapping(srcApp, `{}`)), false, `properties map must contain at least 1 elements`},
		{"mapping source_id default", with(mapping("default", `{ tfaccbadmap = { expression = "user.x" } }`)), false, `source_id value must be none of`},
		{"mapping PUSH from an app that is not a profile source", with(mapping(notSource, `{ tfaccbadmap = { expression = "appuser.x", push_status = "PUSH" } }`)), false,
			`not a profile source.*properties.*Profile & Lifecycle Sourcing`},
		{"mapping apply_to_existing_users with OAuth", func(t *testing.T) string {
			return emu.ConfigOAuth(t, mapping(srcApp, `{ tfaccbadmap = { expression = "appuser.x", push_status = "DONT_PUSH" } }`, "apply_to_existing_users = true"))
		}, false, `apply_to_existing_users needs an API token`},

		// dialpad_okta_attribute_source
		{"source unknown master_type", with(attrSource(`master_type = "HR"`)), false, `master_type value must be one of`},
		{"source OVERRIDE without priority", with(attrSource(`master_type = "OVERRIDE"`)), false, `priority.*master_type = "OVERRIDE" needs priority`},
		{"source priority with OKTA", with(attrSource(`master_type = "OKTA"`, "priority = ["+acctest.Quote(srcApp)+"]")), false, `priority is only valid with master_type = "OVERRIDE"`},
		{"source duplicate priority", with(attrSource(`master_type = "OVERRIDE"`, "priority = ["+acctest.Quote(srcApp)+", "+acctest.Quote(srcApp)+"]")), false, `Duplicate List Value.*priority`},
		{"source unknown app in priority", with(attrSource(`master_type = "OVERRIDE"`, "priority = ["+acctest.Quote(unknownApp)+"]")), false, `Unknown app in priority`},
		{"source app in priority is not a profile source", with(attrSource(`master_type = "OVERRIDE"`, "priority = ["+acctest.Quote(notSource)+"]")), false,
			`not a profile source.*priority.*Allow Dialpad to source Okta users`},
		{"source bad attribute_name", with(`resource "dialpad_okta_attribute_source" "bad" {
  attribute_name = "has space"
  master_type    = "OKTA"
}`), false, `attribute_name must be an Okta variable name`},

		// dialpad_okta_phone_sync
		{"phone sync bad app_id", with(sync("not an id")), false, `app_id.*must be an (Okta )?app id`},
		{"phone sync bad attribute_name", with(sync(srcApp, `attribute_name = "1phone"`)), false, `attribute_name.*(Okta )?variable name.*"1phone" starts with a digit`},
		{"phone sync unknown push_status", with(sync(srcApp, `push_status = "SOMETIMES"`)), false, `push_status value must be one of`},
		{"phone sync empty display_name", with(sync(srcApp, `display_name = ""`)), false, `display_name string length must be at least 1`},
		{"phone sync namespace not a URN", with(sync(srcApp, `external_namespace = "core:2.0:User"`)), false, `Invalid external_namespace`},
		{"phone sync bad external_name", with(sync(srcApp, `external_name = "phoneNumbers.^[type=="`)), false, `Invalid external_name`},
		{"phone sync require_profile_sourcing false with PUSH", with(sync(srcApp, "require_profile_sourcing = false")), false,
			`require_profile_sourcing = false needs DONT_PUSH and no override`},
		{"phone sync require_profile_sourcing false with override", with(sync(srcApp, "require_profile_sourcing = false", `push_status = "DONT_PUSH"`)), false,
			`require_profile_sourcing = false needs DONT_PUSH and no override`},
		{"phone sync unknown app", with(sync(unknownApp)), false, `Okta app not found.*app_id`},
		{"phone sync app that is not a profile source", with(sync(notSource)), false, `not a profile source.*app_id.*Profile & Lifecycle Sourcing`},
		{"phone sync apply_to_existing_users with OAuth", func(t *testing.T) string {
			return emu.ConfigOAuth(t, sync(srcApp, "apply_to_existing_users = true"))
		}, false, `apply_to_existing_users needs an API token`},

		// data sources
		{"app data source with id and label", with(`data "dialpad_okta_app" "bad" {
  id    = "0oa1"
  label = "Dialpad"
}`), false, `Invalid Attribute Combination.*id.*label`},
		{"app data source unknown label", with(`data "dialpad_okta_app" "bad" {
  label = "No Such App"
}`), false, `No Such App`},
		{"user type data source empty name", with(`data "dialpad_okta_user_type" "bad" {
  name = ""
}`), false, `name string length must be at least 1`},

		// the provider block
		{"provider http org URL", func(*testing.T) string {
			return providerBlock(`okta_org_url = "http://dialpad.okta.com"`, token()) + goodAttr
		}, false, `okta_org_url.*uses http://, which is only allowed for a loopback host`},
		{"provider malformed org URL", func(*testing.T) string {
			return providerBlock(`okta_org_url = "https://dialpad.okta.com/some path?x"`, token()) + goodAttr
		}, false, `Invalid Okta org URL`},
		{"provider token and OAuth", func(*testing.T) string {
			return providerBlock("okta_org_url = "+acctest.Quote(emu.URL()), token(), `okta_client_id = "0oaclient"`) + goodAttr
		}, false, `Conflicting Okta credentials.*okta_api_token`},
		{"provider client id without key", func(*testing.T) string {
			return providerBlock("okta_org_url = "+acctest.Quote(emu.URL()), `okta_client_id = "0oaclient"`) + goodAttr
		}, false, `okta_client_id.*Missing OAuth private key|Missing OAuth private key.*okta_client_id`},
		{"provider max_api_capacity 0", func(*testing.T) string {
			return providerBlock("okta_org_url = "+acctest.Quote(emu.URL()), token(), "max_api_capacity = 0") + goodAttr
		}, false, `max_api_capacity value must be between 1 and 100`},

		// the module
		{"module bad attribute_name", func(t *testing.T) string {
			return emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(srcApp), `attribute_name = "1phone"`))
		}, true, `attribute_name must start with a letter`},
		{"module app_id and app_label", func(t *testing.T) string {
			return emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(srcApp), "app_label = "+acctest.Quote(fx.AppLabel)))
		}, true, `exactly one of app_id and app_label`},
		{"module require_profile_sourcing false with PUSH", func(t *testing.T) string {
			return emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(srcApp), "require_profile_sourcing = false"))
		}, true, `require_profile_sourcing = false is only valid with push_status = "DONT_PUSH"`},
		{"module app that is not a profile source", func(t *testing.T) string {
			return emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(notSource)))
		}, true, `is not a profile source.*Profile & Lifecycle Sourcing`},
		{"module bad timeout", func(t *testing.T) string {
			return emu.Config(moduleConfig(t, "app_id = "+acctest.Quote(srcApp), `timeouts = { create = "ten minutes" }`))
		}, true, `Each timeout must be a Go duration`},
	}
	if len(cases) < 25 {
		t.Fatalf("only %d bad-input cases; issue 6 asks for at least 25", len(cases))
	}

	emu.ResetStats(t)
	// One read of our own, so the stats below count something even when -run picks only cases whose
	// checks need no API call.
	if _, err := emu.Client().FindApp(context.Background(), fx.AppID); err != nil {
		t.Fatal(err)
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := regexp.MustCompile("(?s)" + strings.ReplaceAll(tc.want, " ", `\s+`))
				step := resource.TestStep{PlanOnly: true, ExpectError: want}
				c := resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories}
				if tc.module {
					step.ConfigDirectory = dirConfig(t, tc.config(t))
					c = moduleCase(resource.TestCase{Steps: []resource.TestStep{step}})
				} else {
					step.Config = tc.config(t)
					c.Steps = []resource.TestStep{step}
				}
				resource.ParallelTest(t, c)
			})
		}
	})

	// Nothing was written: every call the plans made was a read (or the OAuth token request).
	stats := emu.Stats(t)
	if stats.Total == 0 {
		t.Fatal("the emulator counted no call at all, not even the test's own read: the no-write check below would prove nothing")
	}
	var writes []string
	for route, n := range stats.ByRoute {
		if n > 0 && !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/oauth2/v1/token") {
			writes = append(writes, fmt.Sprintf("%s x%d", route, n))
		}
	}
	sort.Strings(writes)
	if len(writes) > 0 {
		t.Errorf("rejected plans wrote to the org: %s", strings.Join(writes, ", "))
	}
}
