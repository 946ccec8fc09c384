# An explicit null means "use the default" (nullable = false on every variable with a default), so a
# wrapper module can pass its own optional inputs straight through.

mock_provider "dialpad" {
  mock_resource "dialpad_okta_attribute_mapping" {
    defaults = { target_id = "oty1mockdefault" }
  }
}

run "null_inputs_take_the_defaults" {
  command = plan
  variables {
    app_id                   = "0oa1dialpad"
    attribute_name           = null
    display_name             = null
    description              = null
    user_type                = null
    external_name            = null
    external_namespace       = null
    push_status              = null
    apply_to_existing_users  = null
    override_profile_source  = null
    require_profile_sourcing = null
    timeouts                 = null
  }

  assert {
    condition = (
      dialpad_okta_user_attribute.this.name == "dialpadPhone" &&
      dialpad_okta_user_attribute.this.title == "Dialpad Phone" &&
      dialpad_okta_user_attribute.this.description == "Dialpad Phone" &&
      dialpad_okta_user_attribute.this.user_type == "default"
    )
    error_message = "null attribute_name, display_name, description or user_type did not become the default."
  }
  assert {
    condition = (
      dialpad_okta_app_user_attribute.this.external_name == "phoneNumbers.^[type=='Dialpad'].value" &&
      dialpad_okta_app_user_attribute.this.external_namespace == "urn:ietf:params:scim:schemas:core:2.0:User"
    )
    error_message = "null external_name or external_namespace did not become the default."
  }
  assert {
    condition = (
      dialpad_okta_attribute_mapping.this.properties["dialpadPhone"].push_status == "PUSH" &&
      dialpad_okta_attribute_mapping.this.apply_to_existing_users == false
    )
    error_message = "null push_status or apply_to_existing_users did not become the default."
  }
  assert {
    condition     = dialpad_okta_user_attribute.this.master_type == "OVERRIDE" && dialpad_okta_user_attribute.this.master_priority == tolist(["0oa1dialpad"])
    error_message = "null override_profile_source did not become the default (true)."
  }
  assert {
    # require_profile_sourcing = true with PUSH: the resources check sourcing, the module does not read the app.
    condition     = length(data.dialpad_okta_app.this) == 0
    error_message = "null require_profile_sourcing did not become the default."
  }
  assert {
    condition     = dialpad_okta_user_attribute.this.timeouts == null && dialpad_okta_attribute_mapping.this.timeouts == null
    error_message = "null timeouts did not become the default (no timeouts)."
  }
}

run "null_require_profile_sourcing_is_true" {
  # DONT_PUSH without override: with the check on (the default) the module reads the app.
  command = plan
  variables {
    app_id                   = "0oa1dialpad"
    push_status              = "DONT_PUSH"
    override_profile_source  = false
    require_profile_sourcing = null
  }
  override_data {
    target = data.dialpad_okta_app.this
    values = { profile_sourcing_enabled = true }
  }

  assert {
    condition     = length(data.dialpad_okta_app.this) == 1
    error_message = "null require_profile_sourcing did not become true: the app was not read for the check."
  }
}
