# Every validation rule of variables.tf, with a value it refuses and one it accepts. Offline: the
# provider is mocked (only its schema and config validators run), so `tofu test` / `terraform test`
# take seconds and need no Okta org.

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

variables {
  app_id = "0oa1dialpad"
}

run "app_id_with_dash_refused" {
  command = plan
  variables { app_id = "0oa-1dialpad" }
  expect_failures = [var.app_id]
}

run "app_id_too_short_refused" {
  command = plan
  variables { app_id = "0o" }
  expect_failures = [var.app_id]
}

run "app_id_accepted" {
  command = plan
  variables { app_id = "0oa1Dialpad2" }
  assert {
    condition     = output.app_id == "0oa1Dialpad2"
    error_message = "app_id 0oa1Dialpad2 was not taken as given."
  }
}

run "app_label_empty_refused" {
  command = plan
  variables {
    app_id    = null
    app_label = ""
  }
  expect_failures = [var.app_label]
}

run "app_label_blank_refused" {
  command = plan
  variables {
    app_id    = null
    app_label = "   "
  }
  expect_failures = [var.app_label]
}

run "app_label_accepted" {
  command = plan
  variables {
    app_id    = null
    app_label = "Dialpad"
  }
  assert {
    condition     = output.app_label == "Dialpad"
    error_message = "app_label Dialpad was not taken as given."
  }
}

run "attribute_name_leading_digit_refused" {
  command = plan
  variables { attribute_name = "1dialpadPhone" }
  expect_failures = [var.attribute_name]
}

run "attribute_name_dash_refused" {
  command = plan
  variables { attribute_name = "dialpad-phone" }
  expect_failures = [var.attribute_name]
}

run "attribute_name_101_characters_refused" {
  command = plan
  # 101 characters (OpenTofu allows no function calls in a run's variables).
  variables { attribute_name = "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" }
  expect_failures = [var.attribute_name]
}

run "attribute_name_100_characters_accepted" {
  command = plan
  variables { attribute_name = "_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" }
  assert {
    condition     = length(dialpad_okta_user_attribute.this.name) == 100
    error_message = "A 100-character attribute name was not used as given."
  }
}

run "display_name_blank_refused" {
  command = plan
  variables { display_name = "  " }
  expect_failures = [var.display_name]
}

run "display_name_accepted" {
  command = plan
  variables { display_name = "Desk phone" }
  assert {
    condition     = dialpad_okta_user_attribute.this.title == "Desk phone" && dialpad_okta_app_user_attribute.this.title == "Desk phone"
    error_message = "display_name did not become the title on both profiles."
  }
}

run "description_empty_refused" {
  command = plan
  variables { description = "" }
  expect_failures = [var.description]
}

run "description_accepted" {
  command = plan
  variables { description = "From Dialpad" }
  assert {
    condition     = dialpad_okta_user_attribute.this.description == "From Dialpad" && dialpad_okta_app_user_attribute.this.description == "From Dialpad"
    error_message = "description did not reach both profiles."
  }
}

run "user_type_blank_refused" {
  command = plan
  variables { user_type = " " }
  expect_failures = [var.user_type]
}

run "user_type_accepted" {
  command = plan
  variables { user_type = "contractor" }
  assert {
    condition     = dialpad_okta_user_attribute.this.user_type == "contractor" && dialpad_okta_attribute_mapping.this.target_user_type == "contractor"
    error_message = "user_type did not reach the user attribute and the mapping's target."
  }
}

run "external_name_empty_refused" {
  command = plan
  variables { external_name = "" }
  expect_failures = [var.external_name]
}

run "external_name_accepted" {
  command = plan
  variables { external_name = "phoneNumbers.^[type=='mobile'].value" }
  assert {
    condition     = dialpad_okta_app_user_attribute.this.external_name == "phoneNumbers.^[type=='mobile'].value"
    error_message = "external_name did not reach the app user attribute."
  }
}

run "external_namespace_not_a_urn_refused" {
  command = plan
  variables { external_namespace = "scim:core:2.0:User" }
  expect_failures = [var.external_namespace]
}

run "external_namespace_without_specific_part_refused" {
  command = plan
  variables { external_namespace = "urn:ietf" }
  expect_failures = [var.external_namespace]
}

run "external_namespace_accepted" {
  command = plan
  variables { external_namespace = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" }
  assert {
    condition     = dialpad_okta_app_user_attribute.this.external_namespace == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    error_message = "external_namespace did not reach the app user attribute."
  }
}

run "push_status_lower_case_refused" {
  command = plan
  variables { push_status = "push" }
  expect_failures = [var.push_status]
}

run "push_status_unknown_refused" {
  command = plan
  variables { push_status = "SOMETIMES" }
  expect_failures = [var.push_status]
}

run "push_status_dont_push_accepted" {
  command = plan
  variables { push_status = "DONT_PUSH" }
  assert {
    condition     = dialpad_okta_attribute_mapping.this.properties["dialpadPhone"].push_status == "DONT_PUSH"
    error_message = "push_status DONT_PUSH did not reach the mapping."
  }
}

run "timeouts_words_refused" {
  command = plan
  variables { timeouts = { create = "10 minutes" } }
  expect_failures = [var.timeouts]
}

run "timeouts_without_unit_refused" {
  command = plan
  variables { timeouts = { delete = "300" } }
  expect_failures = [var.timeouts]
}

run "timeouts_accepted" {
  command = plan
  variables { timeouts = { create = "1h30m", read = "90s", update = "1.5h", delete = "500ms" } }
  assert {
    condition = alltrue([
      for r in [dialpad_okta_user_attribute.this, dialpad_okta_app_user_attribute.this, dialpad_okta_attribute_mapping.this] :
      r.timeouts.create == "1h30m" && r.timeouts.read == "90s" && r.timeouts.update == "1.5h" && r.timeouts.delete == "500ms"
    ])
    error_message = "The timeouts did not reach every resource of the module."
  }
}
