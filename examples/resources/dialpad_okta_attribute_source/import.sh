# <user_type>/<attribute_name>; destroying the resource returns the attribute to PROFILE_MASTER (inherit).
terraform import dialpad_okta_attribute_source.dialpad_phone default/dialpadPhone
