data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

# Fails `terraform plan` (and so the pipeline) when an assigned user with a Dialpad number does not
# have it on their Okta profile. A `check` block would only warn.
data "dialpad_okta_phone_sync_status" "dialpad" {
  app_id         = data.dialpad_okta_app.dialpad.id
  attribute_name = "dialpadPhone"

  lifecycle {
    postcondition {
      condition     = self.coverage_percent >= 99
      error_message = "Only ${self.coverage_percent}% of Dialpad users have their number in Okta: ${self.users_missing} missing (${join(", ", self.missing_logins)}), ${self.users_stale} stale (${join(", ", self.stale_logins)})."
    }
  }
}

output "phone_sync_coverage" {
  value = "${data.dialpad_okta_phone_sync_status.dialpad.users_synced}/${data.dialpad_okta_phone_sync_status.dialpad.users_with_number} users synced"
}
