data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

resource "dialpad_okta_user_attribute" "dialpad_phone" {
  name  = "dialpadPhone"
  title = "Dialpad Phone"
}

# Let Dialpad write dialpadPhone on every user assigned to it, even users whose profile source is
# another app (an HR system), without making Dialpad their profile source for other attributes.
#
# Prerequisite (Admin Console only, no API): Applications -> Dialpad -> Provisioning -> To Okta ->
# Profile & Lifecycle Sourcing -> "Allow Dialpad to source Okta users", deactivation action
# "Do Nothing"; and keep Dialpad at the bottom of Directory -> Profile Sources. The plan fails with
# these steps when Dialpad is not a profile source.
resource "dialpad_okta_attribute_source" "dialpad_phone" {
  attribute_name = dialpad_okta_user_attribute.dialpad_phone.name # also orders the two resources
  master_type    = "OVERRIDE"
  priority       = [data.dialpad_okta_app.dialpad.id]
}
