# <source_id>/<target_id>/<property>[,<property>...]: only the listed properties become managed. The target is
# given by id; target_user_type is null after the import (setting it in the configuration then plans an in-place
# change of that argument only).
terraform import dialpad_okta_attribute_mapping.dialpad_to_okta 0oa1dialpadappid/oty1defaultusertype/dialpadPhone
