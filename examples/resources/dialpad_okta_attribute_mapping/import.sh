# <source_id>/<target>/<property>[,<property>...]: only the listed properties become managed. The target is a
# user type's name (imported as target_user_type, e.g. "default") or the target's id (imported as target_id).
terraform import dialpad_okta_attribute_mapping.dialpad_to_okta 0oa1dialpadappid/default/dialpadPhone
