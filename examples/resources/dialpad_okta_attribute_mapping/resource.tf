data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

# The Okta user attribute that receives the number.
resource "dialpad_okta_user_attribute" "dialpad_phone" {
  name  = "dialpadPhone"
  title = "Dialpad Phone"
  type  = "string"

  # A new name replaces the attribute. Okta refuses to delete an attribute a mapping uses, so the new
  # attribute is created first, the mapping below moves to it, and the old one is deleted last.
  lifecycle {
    create_before_destroy = true
  }
}

# Dialpad (app) -> Okta user: fill dialpadPhone from the app user's phone number. Only this property
# of the mapping is managed; login, email and every other mapped property are left alone.
resource "dialpad_okta_attribute_mapping" "dialpad_to_okta" {
  source_id = data.dialpad_okta_app.dialpad.id
  # The user type by name ("default", "user" or its id name the default type): the plan resolves it to
  # target_id and mapping_id from the app's mappings, with no data source.
  target_user_type = "default"

  properties = {
    # Referencing the attribute's name makes Terraform create the attribute before the mapping and
    # destroy the mapping property before the attribute (Okta refuses to delete a mapped attribute).
    (dialpad_okta_user_attribute.dialpad_phone.name) = {
      expression  = "appuser.dialpadPhone"
      push_status = "PUSH" # needs Dialpad to be a profile source; "DONT_PUSH" applies on user create only
    }
  }

  # "Apply updates now": push the mapping to every existing user after a change (API token only).
  apply_to_existing_users = true

  timeouts {
    create = "10m"
    update = "10m"
  }
}

# Okta user -> Dialpad (app): the source is a user type, so the target is given by id (target_user_type
# names a user type target of an app source only).
data "dialpad_okta_user_type" "default" {}

# When the mapping only mentions the attribute inside an expression string, Terraform cannot see the
# dependency: declare it, so the mapping property is destroyed before the attribute.
resource "dialpad_okta_attribute_mapping" "okta_to_dialpad" {
  source_id = data.dialpad_okta_user_type.default.id
  target_id = data.dialpad_okta_app.dialpad.id

  properties = {
    workPhone = { expression = "user.dialpadPhone", push_status = "DONT_PUSH" }
  }

  depends_on = [dialpad_okta_user_attribute.dialpad_phone]
}
