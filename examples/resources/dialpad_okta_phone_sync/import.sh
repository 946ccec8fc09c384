# Default user type: <app_id>/<attribute_name>
terraform import dialpad_okta_phone_sync.this 0oa1dialpad/dialpadPhone

# Other user types: <app_id>/<user_type>/<attribute_name>
terraform import dialpad_okta_phone_sync.mobile 0oa1dialpad/contractor/dialpadMobile
