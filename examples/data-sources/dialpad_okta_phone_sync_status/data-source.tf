data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

resource "dialpad_okta_phone_sync" "dialpad" {
  app_id = data.dialpad_okta_app.dialpad.id
}

# Fails the run (and so the pipeline) unless every assigned user with a Dialpad number has it on
# their Okta profile. Before the first Dialpad import no user has a number: coverage_percent is then
# null and state "unknown", and the gate fails rather than reading "0/0 synced" as a pass. A `check`
# block would only warn. attribute_name comes from the sync, so the read waits until the sync exists
# (an attribute missing from either schema, such as a typo, is an error).
data "dialpad_okta_phone_sync_status" "dialpad" {
  app_id         = dialpad_okta_phone_sync.dialpad.app_id
  attribute_name = dialpad_okta_phone_sync.dialpad.attribute_name

  lifecycle {
    postcondition {
      condition     = coalesce(self.coverage_percent, 0) >= 99
      error_message = "Phone sync ${self.state}: ${self.users_synced} of ${self.users_with_number} Dialpad users have their number in Okta; ${self.users_missing} missing (${join(", ", self.missing_logins)}), ${self.users_stale} stale (${join(", ", self.stale_logins)})."
    }
  }
}

output "phone_sync_coverage" {
  value = "${data.dialpad_okta_phone_sync_status.dialpad.users_synced}/${data.dialpad_okta_phone_sync_status.dialpad.users_with_number} users synced"
}
