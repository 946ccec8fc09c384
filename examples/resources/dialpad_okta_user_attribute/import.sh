# <user_type>/<name> (just <name> means the default user type)
terraform import dialpad_okta_user_attribute.dialpad_phone default/dialpadPhone
