# The rules between inputs (preconditions in main.tf) and the profile-sourcing check, with the
# provider mocked. The messages themselves are asserted by TestAccPhoneSyncModule_preconditions
# against the emulator; here each rule fails where it should and passes where it should.

mock_provider "dialpad" {
  mock_data "dialpad_okta_app" {
    defaults = {
      profile_sourcing_enabled = true
    }
  }
  mock_resource "dialpad_okta_attribute_mapping" {
    defaults = { target_id = "oty1mockdefault" }
  }
}

run "neither_app_id_nor_app_label_refused" {
  command         = plan
  expect_failures = [data.dialpad_okta_app.this]
}

run "both_app_id_and_app_label_refused" {
  command = plan
  variables {
    app_id    = "0oa1dialpad"
    app_label = "Dialpad"
  }
  expect_failures = [dialpad_okta_user_attribute.this]
}

run "no_sourcing_check_with_push_refused" {
  command = plan
  variables {
    app_id                   = "0oa1dialpad"
    require_profile_sourcing = false
    override_profile_source  = false
  }
  expect_failures = [dialpad_okta_user_attribute.this]
}

run "no_sourcing_check_with_override_refused" {
  command = plan
  variables {
    app_id                   = "0oa1dialpad"
    require_profile_sourcing = false
    push_status              = "DONT_PUSH"
  }
  expect_failures = [dialpad_okta_user_attribute.this]
}

run "no_sourcing_check_without_push_or_override_accepted" {
  command = plan
  variables {
    app_id                   = "0oa1dialpad"
    require_profile_sourcing = false
    push_status              = "DONT_PUSH"
    override_profile_source  = false
  }
  # Nothing needs sourcing and nothing is checked: the app is not even read.
  assert {
    condition     = length(data.dialpad_okta_app.this) == 0
    error_message = "The app was read although nothing needs profile sourcing and the check is off."
  }
}

run "app_by_label_not_a_profile_source_refused" {
  command = plan
  variables { app_label = "Dialpad" }
  override_data {
    target = data.dialpad_okta_app.this
    values = { profile_sourcing_enabled = false }
  }
  # The mapping's own precondition is not reached: it waits for the user attribute, which fails first.
  expect_failures = [dialpad_okta_user_attribute.this, dialpad_okta_app_user_attribute.this]
}

run "app_by_id_checked_here_when_nothing_pushed" {
  # DONT_PUSH without override: the resources would not check sourcing, so the module reads the app
  # and refuses it because require_profile_sourcing is on.
  command = plan
  variables {
    app_id                  = "0oa1dialpad"
    push_status             = "DONT_PUSH"
    override_profile_source = false
  }
  override_data {
    target = data.dialpad_okta_app.this
    values = { profile_sourcing_enabled = false }
  }
  expect_failures = [dialpad_okta_user_attribute.this, dialpad_okta_app_user_attribute.this]
}

run "not_a_profile_source_accepted_without_push_override_or_check" {
  command = plan
  variables {
    app_label                = "Dialpad"
    require_profile_sourcing = false
    push_status              = "DONT_PUSH"
    override_profile_source  = false
  }
  override_data {
    target = data.dialpad_okta_app.this
    values = { profile_sourcing_enabled = false }
  }
  assert {
    condition     = dialpad_okta_attribute_mapping.this.source_id == data.dialpad_okta_app.this[0].id
    error_message = "The mapping does not use the app found by label."
  }
}
