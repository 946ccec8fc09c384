output "app_id" {
  description = "Id of the Dialpad app in Okta (looked up by label when app_label was given)."
  value       = local.app_id
}

output "app_label" {
  description = "Label of the Dialpad app in Okta: app_label, or the looked-up label; null when the app was given by app_id and not looked up."
  value       = local.app_label
}

output "user_type_id" {
  description = "Id of the Okta user type that holds the attribute (the mapping's target)."
  value       = local.user_type_id
}

output "attribute_name" {
  description = "Variable name of the attribute on the Okta user profile and the app user profile; reference user.<attribute_name> in Okta expressions."
  value       = dialpad_okta_user_attribute.this.name
}

output "user_attribute_id" {
  description = "Id of the dialpad_okta_user_attribute (<user_type>/<name>)."
  value       = dialpad_okta_user_attribute.this.id
}

output "app_user_attribute_id" {
  description = "Id of the dialpad_okta_app_user_attribute (<app_id>/<name>)."
  value       = dialpad_okta_app_user_attribute.this.id
}

output "attribute_source_id" {
  description = "Id of the dialpad_okta_attribute_source (<user_type>/<name>), or null when override_profile_source is false."
  value       = one(dialpad_okta_attribute_source.this[*].id)
}

output "mapping_id" {
  description = "Okta id of the Dialpad -> Okta user profile mapping."
  value       = dialpad_okta_attribute_mapping.this.mapping_id
}

output "mapping_resource_id" {
  description = "Id of the dialpad_okta_attribute_mapping (<source_id>/<target_id>)."
  value       = dialpad_okta_attribute_mapping.this.id
}
