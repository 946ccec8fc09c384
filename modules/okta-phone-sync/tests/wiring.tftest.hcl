# What the module builds from its inputs: which optional parts exist (the app lookup, the source
# priority) and where every output comes from. Applied against the mocked provider, whose computed
# values are distinct markers, so an output wired to the wrong resource shows.

mock_provider "dialpad" {
  mock_data "dialpad_okta_app" {
    defaults = {
      profile_sourcing_enabled = true
    }
  }
  mock_resource "dialpad_okta_user_attribute" {
    defaults = { id = "mock-user-attribute" }
  }
  mock_resource "dialpad_okta_app_user_attribute" {
    defaults = { id = "mock-app-user-attribute" }
  }
  mock_resource "dialpad_okta_attribute_mapping" {
    defaults = { id = "mock-mapping-resource", mapping_id = "prm1mockmapping", target_id = "oty1mockdefault" }
  }
}

run "app_by_id" {
  variables { app_id = "0oa1dialpad" }

  # The resources check profile sourcing themselves, so the module does not read the app.
  assert {
    condition     = length(data.dialpad_okta_app.this) == 0
    error_message = "The app was read although it was given by id."
  }
  assert {
    condition     = output.app_id == "0oa1dialpad" && output.app_label == null
    error_message = "app_id / app_label outputs: want the given id and null."
  }
  assert {
    condition = alltrue([
      dialpad_okta_app_user_attribute.this.app_id == "0oa1dialpad",
      dialpad_okta_user_attribute.this.master_priority == tolist(["0oa1dialpad"]),
      dialpad_okta_attribute_mapping.this.source_id == "0oa1dialpad",
    ])
    error_message = "The app user attribute, the source override and the mapping must all use the given app id."
  }
  assert {
    condition     = dialpad_okta_attribute_mapping.this.target_user_type == "default" && output.user_type_id == "oty1mockdefault"
    error_message = "The mapping must target user_type, and the user_type_id output must be the mapping's resolved target."
  }
  assert {
    condition = (
      dialpad_okta_user_attribute.this.master_type == "OVERRIDE" &&
      dialpad_okta_user_attribute.this.name == "dialpadPhone"
    )
    error_message = "The source priority must override the profile source for dialpadPhone."
  }
  assert {
    condition = (
      dialpad_okta_attribute_mapping.this.properties["dialpadPhone"].expression == "appuser.dialpadPhone" &&
      dialpad_okta_attribute_mapping.this.properties["dialpadPhone"].push_status == "PUSH" &&
      length(dialpad_okta_attribute_mapping.this.properties) == 1 &&
      dialpad_okta_attribute_mapping.this.apply_to_existing_users == false
    )
    error_message = "The mapping must map appuser.dialpadPhone to dialpadPhone with PUSH, that property only, no reapply."
  }
  assert {
    condition = (
      output.attribute_name == "dialpadPhone" &&
      output.user_attribute_id == "mock-user-attribute" &&
      output.app_user_attribute_id == "mock-app-user-attribute" &&
      output.attribute_source_id == "mock-user-attribute" &&
      output.mapping_id == "prm1mockmapping" &&
      output.mapping_resource_id == "mock-mapping-resource"
    )
    error_message = "An output is not wired to its resource's attribute."
  }
}

run "app_by_label" {
  variables {
    app_label               = "Dialpad"
    attribute_name          = "deskPhone"
    apply_to_existing_users = true
  }

  assert {
    # The mock makes up a label unless the query names one: "Dialpad" proves the label was asked for.
    condition     = length(data.dialpad_okta_app.this) == 1 && data.dialpad_okta_app.this[0].label == "Dialpad"
    error_message = "The app must be looked up by its label."
  }
  assert {
    condition     = output.app_id == data.dialpad_okta_app.this[0].id && output.app_label == "Dialpad"
    error_message = "app_id / app_label outputs must come from the looked-up app."
  }
  assert {
    condition = alltrue([
      dialpad_okta_app_user_attribute.this.app_id == data.dialpad_okta_app.this[0].id,
      dialpad_okta_user_attribute.this.master_priority == tolist([data.dialpad_okta_app.this[0].id]),
      dialpad_okta_attribute_mapping.this.source_id == data.dialpad_okta_app.this[0].id,
    ])
    error_message = "The resources must use the id of the app found by label."
  }
  assert {
    condition = (
      output.attribute_name == "deskPhone" &&
      dialpad_okta_attribute_mapping.this.properties["deskPhone"].expression == "appuser.deskPhone" &&
      dialpad_okta_attribute_mapping.this.apply_to_existing_users == true
    )
    error_message = "attribute_name and apply_to_existing_users must reach the mapping."
  }
}

run "app_by_id_read_when_nothing_pushed" {
  # DONT_PUSH without override: no resource checks profile sourcing, so the module reads the app by id
  # to check it (require_profile_sourcing is on by default).
  variables {
    app_id                  = "0oa1dialpad"
    push_status             = "DONT_PUSH"
    override_profile_source = false
  }

  assert {
    # The mock makes up an id unless the query names one.
    condition     = length(data.dialpad_okta_app.this) == 1 && data.dialpad_okta_app.this[0].id == "0oa1dialpad"
    error_message = "The app must be read by its id to check profile sourcing."
  }
  assert {
    condition     = output.app_id == "0oa1dialpad" && output.app_label == data.dialpad_okta_app.this[0].label && output.app_label != null
    error_message = "The app_label output must be the looked-up label when the app was read."
  }
}

run "source_override_off" {
  variables {
    app_id                  = "0oa1dialpad"
    override_profile_source = false
  }

  assert {
    condition     = dialpad_okta_user_attribute.this.master_type == null && dialpad_okta_user_attribute.this.master_priority == null
    error_message = "override_profile_source = false must leave the source priority unmanaged."
  }
  assert {
    condition     = output.attribute_source_id == null
    error_message = "attribute_source_id must be null without a source priority."
  }
  assert {
    condition     = output.mapping_id == "prm1mockmapping"
    error_message = "The mapping must still be created without a source priority."
  }
}
