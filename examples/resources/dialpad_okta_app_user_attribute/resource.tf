data "dialpad_okta_app" "dialpad" {
  label = "Dialpad"
}

# The Dialpad app user attribute holding the user's Dialpad number, read from the SCIM record's
# phoneNumbers entry of type "Dialpad". external_name and external_namespace can be changed in
# place (e.g. to phoneNumbers.^[type=='mobile'].value): the attribute and its values are kept.
resource "dialpad_okta_app_user_attribute" "dialpad_phone" {
  app_id             = data.dialpad_okta_app.dialpad.id
  name               = "dialpadPhone"
  title              = "Dialpad Phone"
  external_name      = "phoneNumbers.^[type=='Dialpad'].value"
  external_namespace = "urn:ietf:params:scim:schemas:core:2.0:User"
}
