# The five steps of the Dialpad -> Okta phone sync, done by three building-block resources:
#   1. dialpad_okta_user_attribute      the attribute on the Okta user profile, and (step 3) its source
#                                       priority "Override profile source" with this app (master_type)
#   2. dialpad_okta_app_user_attribute  the attribute on the Dialpad app user profile, read from SCIM
#   4. dialpad_okta_attribute_mapping   Dialpad -> Okta mapping with its push status
#   5. apply_to_existing_users          "Apply Updates Now" (the mapping resource's reapply)
# The one console-only step, "Allow Dialpad to source Okta users", is checked here and never done.
#
# Earlier versions set the source priority with a separate dialpad_okta_attribute_source; carrying it on
# the user attribute saves the separate reset at destroy and a plan-time read (README, "Upgrading"). The
# mapping names its target by user type, resolved from the listing of the app's mappings its plan reads
# anyway, instead of by the id of a dialpad_okta_user_type data source read on every plan.

locals {
  # Okta accepts a mapping without profile sourcing only when nothing is pushed and no override names the app.
  sourcing_needed = var.push_status == "PUSH" || var.override_profile_source

  # The app is read when it is named by label, or when require_profile_sourcing has to be checked here.
  # Otherwise dialpad_okta_user_attribute (for the source override) and dialpad_okta_attribute_mapping
  # (for PUSH) run the same plan-time profile-sourcing check (with the console steps), and a refresh costs
  # one API call less.
  lookup_app = var.app_id == null || (var.require_profile_sourcing && !local.sourcing_needed)

  app_id      = var.app_id != null ? var.app_id : one(data.dialpad_okta_app.this[*].id)
  app_label   = var.app_label != null ? var.app_label : one(data.dialpad_okta_app.this[*].label)
  sourcing_on = local.lookup_app ? one(data.dialpad_okta_app.this[*].profile_sourcing_enabled) : true

  # The timeouts block only when a timeout is set: an empty block where the state (after an import)
  # has none would plan an in-place update of every resource.
  timeouts = anytrue([for t in values(var.timeouts) : t != null]) ? [var.timeouts] : []

  one_app_error = "Give exactly one of app_id and app_label (got ${var.app_id == null && var.app_label == null ? "neither" : "both"})."

  console_steps = <<-EOT
    The Okta app "${coalesce(var.app_label, var.app_id, "Dialpad")}" is not a profile source, and Okta has no public API to make it one. An Okta admin must do this once in the Admin Console:
      Applications > Applications > ${coalesce(var.app_label, "the Dialpad app")} > Provisioning > To Okta > Profile & Lifecycle Sourcing > Edit >
      check "Allow ${coalesce(var.app_label, "Dialpad")} to source Okta users", set "When a user is deactivated in the app" to "Do Nothing", Save.
    Then open Profile Sources (Directory > Profile Sources) and keep this app at the bottom of the priority list: it must not be the only profile source.
    Or set require_profile_sourcing = false together with push_status = "DONT_PUSH" and override_profile_source = false.
  EOT
}

data "dialpad_okta_app" "this" {
  count = local.lookup_app ? 1 : 0

  id    = var.app_id
  label = var.app_id == null ? var.app_label : null

  lifecycle {
    precondition {
      condition     = (var.app_id == null) != (var.app_label == null)
      error_message = local.one_app_error
    }
  }
}

# Steps 1 and 3: the attribute on the Okta user profile, with source priority "Override profile source"
# with this app, so users mastered by an HR app still get their number (and only this attribute is taken
# from Dialpad). Without the override the source priority is left as Okta has it.
resource "dialpad_okta_user_attribute" "this" {
  user_type   = var.user_type
  name        = var.attribute_name
  title       = var.display_name
  description = var.description
  type        = "string"

  master_type     = var.override_profile_source ? "OVERRIDE" : null
  master_priority = var.override_profile_source ? [local.app_id] : null

  dynamic "timeouts" {
    for_each = local.timeouts
    content {
      create = timeouts.value.create
      read   = timeouts.value.read
      update = timeouts.value.update
      delete = timeouts.value.delete
    }
  }

  lifecycle {
    # A new attribute_name or user_type replaces the attribute. Okta refuses to delete an attribute a
    # mapping still uses, so the new one is made first, the mapping moves to it (an in-place update),
    # and only then is the old one deleted (see "Changing attribute_name, user_type or app" in README.md).
    create_before_destroy = true

    precondition {
      condition     = (var.app_id == null) != (var.app_label == null)
      error_message = local.one_app_error
    }
    precondition {
      condition     = var.require_profile_sourcing || !local.sourcing_needed
      error_message = "require_profile_sourcing = false is only valid with push_status = \"DONT_PUSH\" and override_profile_source = false: Okta refuses a pushed mapping or a source override for an app that is not a profile source."
    }
    precondition {
      condition     = !var.require_profile_sourcing || local.sourcing_on
      error_message = local.console_steps
    }
  }
}

# Step 2: the attribute on the app user profile, filled from the Dialpad SCIM record.
resource "dialpad_okta_app_user_attribute" "this" {
  app_id             = local.app_id
  name               = var.attribute_name
  title              = var.display_name
  description        = var.description
  type               = "string"
  external_name      = var.external_name
  external_namespace = var.external_namespace

  dynamic "timeouts" {
    for_each = local.timeouts
    content {
      create = timeouts.value.create
      read   = timeouts.value.read
      update = timeouts.value.update
      delete = timeouts.value.delete
    }
  }

  lifecycle {
    # Same as the user attribute: a new attribute_name or app is created before the old one is deleted.
    create_before_destroy = true

    precondition {
      condition     = !var.require_profile_sourcing || local.sourcing_on
      error_message = local.console_steps
    }
  }
}

# Steps 4 and 5: the Dialpad -> Okta mapping of this one property (other properties of the mapping are
# never touched), and "Apply Updates Now" when asked. Referencing the user attribute orders it after the
# attribute and its source override (so the first reapply already reaches HR-sourced users), and removes it
# first on destroy.
resource "dialpad_okta_attribute_mapping" "this" {
  source_id        = local.app_id
  target_user_type = var.user_type

  properties = {
    (dialpad_okta_user_attribute.this.name) = {
      expression  = "appuser.${dialpad_okta_app_user_attribute.this.name}"
      push_status = var.push_status
    }
  }

  apply_to_existing_users = var.apply_to_existing_users

  dynamic "timeouts" {
    for_each = local.timeouts
    content {
      create = timeouts.value.create
      read   = timeouts.value.read
      update = timeouts.value.update
      delete = timeouts.value.delete
    }
  }

  lifecycle {
    # A new user_type or app is another Okta mapping: the property is added there before it is
    # removed from the old one, and both happen before the old attributes are deleted.
    create_before_destroy = true

    precondition {
      condition     = !local.sourcing_needed || local.sourcing_on
      error_message = local.console_steps
    }
  }
}
