# <source_id>/<target_id>/<property>[,<property>...]: only the listed properties become managed.
terraform import dialpad_okta_attribute_mapping.dialpad_to_okta 0oa1dialpadappid/oty1defaultusertype/dialpadPhone
