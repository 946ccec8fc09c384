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

# The mobile number instead of the Dialpad number, on a custom user type, without overriding
# the profile source of HR-sourced users.
resource "dialpad_okta_phone_sync" "mobile" {
  app_id                  = data.dialpad_okta_app.dialpad.id
  user_type               = "contractor"
  attribute_name          = "dialpadMobile"
  display_name            = "Dialpad mobile"
  description             = "Mobile number from Dialpad"
  external_name           = "phoneNumbers.^[type=='mobile'].value"
  override_profile_source = false
}
