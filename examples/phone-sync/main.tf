# Every Okta user assigned to the Dialpad app gets their Dialpad number on their Okta profile
# (attribute dialpadPhone), kept that way, with drift reported by `terraform plan`.
#
# Credentials come from the environment: OKTA_ORG_URL and OKTA_API_TOKEN (or the OAuth 2.0 variables,
# see the provider documentation).

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    dialpad = {
      source  = "dialpad/dialpad"
      version = ">= 0.1.0"
    }
  }
}

provider "dialpad" {}

module "phone_sync" {
  # From the Terraform Registry:
  #   source  = "dialpad/okta-phone-sync/dialpad"
  #   version = "~> 0.1"
  source = "../../modules/okta-phone-sync"

  app_label               = var.app_label
  apply_to_existing_users = var.apply_to_existing_users
}

variable "app_label" {
  description = "Exact label of the Dialpad app in Okta."
  type        = string
  default     = "Dialpad"
}

variable "apply_to_existing_users" {
  description = "Apply the mapping to every existing user now (\"Apply Updates Now\"); needs an API token."
  type        = bool
  default     = true
}

output "phone_sync" {
  description = "What the module created: app id, attribute name, mapping id and the building blocks' ids."
  value       = module.phone_sync
}
