# Look the app up by its exact label (case-sensitive; "Dialpad" does not match "Dialpad Meetings").
data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

# Or by id.
data "dialpad_okta_app" "by_id" {
  id = "0oa1b2c3d4e5f6g7h8i9"
}

# Fail the plan early when the app is not yet a profile source (an Admin Console setting).
output "dialpad_app_id" {
  value = data.dialpad_okta_app.dialpad.id

  precondition {
    condition     = data.dialpad_okta_app.dialpad.profile_sourcing_enabled
    error_message = "Enable \"Allow Dialpad to source Okta users\" in the Admin Console (Applications -> Dialpad -> Provisioning -> To Okta -> Profile & Lifecycle Sourcing)."
  }
}
