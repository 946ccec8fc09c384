# The org's default user type: Okta names it "user"; "default" (implied here) is an alias for it.
data "dialpad_okta_user_type" "default" {}

# Another user type, by name; the plan fails, listing the org's user types, when there is none.
data "dialpad_okta_user_type" "contractor" {
  name = "contractor"
}

output "default_schema_id" {
  value = data.dialpad_okta_user_type.default.schema_id
}
