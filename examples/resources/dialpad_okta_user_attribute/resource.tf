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
