# Inputs and defaults are the same as the dialpad_okta_phone_sync resource, plus app_label. Rules that involve
# two variables are preconditions in main.tf: Terraform 1.5 validation blocks can only refer to their own variable.
# Every variable with a default is nullable = false, so an explicit null (a caller passing an optional input of
# its own through) means "use the default"; app_id and app_label default to null, which there means "not given".

variable "app_id" {
  description = "Id of the Dialpad app in Okta (for example 0oa1dialpad). Give exactly one of app_id and app_label."
  type        = string
  default     = null

  validation {
    condition     = var.app_id == null || can(regex("^[A-Za-z0-9]{3,}$", var.app_id))
    error_message = "The app_id must be an Okta app id: letters and digits only, such as 0oa1dialpad."
  }
}

variable "app_label" {
  description = "Exact label of the Dialpad app in Okta (for example \"Dialpad\"; \"Dialpad Meetings\" does not match). Give exactly one of app_id and app_label."
  type        = string
  default     = null

  validation {
    condition     = var.app_label == null || try(length(trimspace(var.app_label)) > 0, false)
    error_message = "The app_label must not be empty."
  }
}

variable "attribute_name" {
  description = "Variable name of the attribute created on both the Okta user profile and the app user profile."
  type        = string
  default     = "dialpadPhone"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]{0,99}$", var.attribute_name))
    error_message = "The attribute_name must start with a letter or underscore and contain only letters, digits and underscores (at most 100 characters), as Okta requires of variable names."
  }
}

variable "display_name" {
  description = "Display name (title) of the attribute on both profiles."
  type        = string
  default     = "Dialpad Phone"
  nullable    = false

  validation {
    condition     = length(trimspace(var.display_name)) > 0
    error_message = "The display_name must not be empty."
  }
}

variable "description" {
  description = "Description of the attribute on both profiles."
  type        = string
  default     = "Dialpad Phone"
  nullable    = false

  validation {
    condition     = length(trimspace(var.description)) > 0
    error_message = "The description must not be empty."
  }
}

variable "user_type" {
  description = "Name or id of the Okta user type whose profile receives the attribute. Okta names the default type \"user\"; \"default\", \"user\" and its id are the same type, and switching between them changes nothing. A type the org does not have fails the plan."
  type        = string
  default     = "default"
  nullable    = false

  validation {
    condition     = length(trimspace(var.user_type)) > 0
    error_message = "The user_type must not be empty."
  }
}

variable "external_name" {
  description = "SCIM path Okta reads the number from in the app user record. Use phoneNumbers.^[type=='mobile'].value to sync the mobile number instead."
  type        = string
  default     = "phoneNumbers.^[type=='Dialpad'].value"
  nullable    = false

  validation {
    condition     = length(trimspace(var.external_name)) > 0
    error_message = "The external_name must not be empty."
  }
}

variable "external_namespace" {
  description = "URN of the SCIM schema that holds external_name."
  type        = string
  default     = "urn:ietf:params:scim:schemas:core:2.0:User"
  nullable    = false

  validation {
    condition     = can(regex("^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\\S+$", var.external_namespace))
    error_message = "The external_namespace must be a URN such as urn:ietf:params:scim:schemas:core:2.0:User."
  }
}

variable "push_status" {
  description = "PUSH applies the mapping on user create and update (Okta's \"Apply mappings on user Create and Update\"); DONT_PUSH does not."
  type        = string
  default     = "PUSH"
  nullable    = false

  validation {
    condition     = contains(["PUSH", "DONT_PUSH"], var.push_status)
    error_message = "The push_status must be PUSH or DONT_PUSH."
  }
}

variable "apply_to_existing_users" {
  description = "Apply the mapping to every existing user after each change (Okta's \"Apply Updates Now\"). Needs an API token: Okta refuses it for OAuth 2.0 service apps."
  type        = bool
  default     = false
  nullable    = false
}

variable "override_profile_source" {
  description = "Set the attribute's source priority to \"Override profile source\" with this app only, so users whose profile is sourced from another app (an HR system) still receive their number."
  type        = bool
  default     = true
  nullable    = false
}

variable "require_profile_sourcing" {
  description = "Fail the plan unless the app is a profile source (\"Allow Dialpad to source Okta users\", a console-only setting). false is only valid with push_status = \"DONT_PUSH\" and override_profile_source = false, which Okta accepts without sourcing."
  type        = bool
  default     = true
  nullable    = false
}

variable "timeouts" {
  description = "Timeouts (Go duration strings such as \"10m\") passed to every resource of the module; Okta's attribute clean-up window can take minutes."
  type = object({
    create = optional(string)
    read   = optional(string)
    update = optional(string)
    delete = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for t in values(var.timeouts) : t == null || can(regex("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$", t))
    ])
    error_message = "Each timeout must be a Go duration such as \"30s\", \"10m\" or \"1h30m\"."
  }
}
