# <app_id>/<name>
terraform import dialpad_okta_app_user_attribute.dialpad_phone 0oa1dialpadappid/dialpadPhone
