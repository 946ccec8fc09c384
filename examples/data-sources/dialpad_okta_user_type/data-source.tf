# The org's default user type (name = "default" is implied).
data "dialpad_okta_user_type" "default" {}

# Another user type, by name.
data "dialpad_okta_user_type" "contractor" {
  name = "contractor"
}

output "default_schema_id" {
  value = data.dialpad_okta_user_type.default.schema_id
}
