data "dialpad_okta_app" "dialpad" {
  label = "Dialpad" # exact label: "Dialpad Meetings" does not match
}

# Every Okta user assigned to Dialpad gets their Dialpad number as the Okta profile attribute
# dialpadPhone. Before the first apply an Okta admin must allow Dialpad to source Okta users
# (Admin Console only); the plan fails with the exact steps until then.
resource "dialpad_okta_phone_sync" "this" {
  app_id                  = data.dialpad_okta_app.dialpad.id
  apply_to_existing_users = true # "Apply Updates Now"; needs an API token
}

# The mobile number instead of the Dialpad number, on another user type, without overriding the
# profile source of HR-sourced users. user_type takes a type's name or id ("user", "default" and the
# default type's id all name the default type); a type the org does not have fails the plan with the
# list of its user types. Changing attribute_name, user_type or app_id later moves the sync in one apply.
data "dialpad_okta_user_type" "contractor" {
  name = "contractor" # a user type created in Directory > Profile Editor > User types
}

resource "dialpad_okta_phone_sync" "mobile" {
  app_id                  = data.dialpad_okta_app.dialpad.id
  user_type               = data.dialpad_okta_user_type.contractor.name
  attribute_name          = "dialpadMobile"
  display_name            = "Dialpad mobile"
  description             = "Mobile number from Dialpad"
  external_name           = "phoneNumbers.^[type=='mobile'].value"
  override_profile_source = false
}
