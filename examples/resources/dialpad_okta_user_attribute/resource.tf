# A custom attribute on the default Okta user profile that receives each user's Dialpad number.
resource "dialpad_okta_user_attribute" "dialpad_phone" {
  name        = "dialpadPhone"
  title       = "Dialpad Phone"
  description = "Dialpad phone number, mapped from the Dialpad app"
  max_length  = 32
  permissions = "READ_ONLY" # users see it on their profile but cannot edit it

  # Okta's clean-up after deleting an attribute can take minutes; a re-create waits within these.
  timeouts {
    create = "15m"
    delete = "15m"
  }
}

# An enumerated attribute with display names, on another user type.
data "dialpad_okta_user_type" "contractor" {
  name = "contractor"
}

resource "dialpad_okta_user_attribute" "shirt_size" {
  user_type = data.dialpad_okta_user_type.contractor.name
  name      = "shirtSize"
  title     = "T-shirt size"
  one_of = [
    { const = "S", title = "Small" },
    { const = "M", title = "Medium" },
    { const = "L", title = "Large" },
  ]
}

# The attribute can own its source priority too (instead of a dialpad_okta_attribute_source):
# Dialpad writes it on every user assigned to the app, even users whose profile source is another
# app. Set with the attribute's create, at no extra API call; removing master_type later returns the
# attribute to PROFILE_MASTER. The plan fails with the Admin Console steps when Dialpad is not a
# profile source ("Allow Dialpad to source Okta users").
data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

resource "dialpad_okta_user_attribute" "dialpad_extension" {
  name            = "dialpadExtension"
  title           = "Dialpad Extension"
  master_type     = "OVERRIDE"
  master_priority = [data.dialpad_okta_app.dialpad.id]
}
