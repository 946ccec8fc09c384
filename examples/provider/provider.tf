terraform {
  required_version = ">= 1.5"
  required_providers {
    dialpad = {
      source  = "dialpad/dialpad"
      version = "~> 0.1"
    }
  }
}

# API token (SSWS). Every argument can come from the environment instead:
# OKTA_ORG_URL (or OKTA_ORG_NAME + OKTA_BASE_URL) and OKTA_API_TOKEN.
provider "dialpad" {
  okta_org_url   = "https://example.okta.com"
  okta_api_token = var.okta_api_token
}

# Or OAuth 2.0 with a private-key JWT (an API service app in Okta):
# provider "dialpad" {
#   okta_org_url        = "https://example.okta.com"
#   okta_client_id      = "0oa1serviceapp"
#   okta_private_key    = file("okta-service-app.pem") # PEM text or a file path
#   okta_private_key_id = "kid-of-the-key"
#   okta_scopes         = ["okta.schemas.manage", "okta.profileMappings.manage", "okta.apps.read", "okta.userTypes.read", "okta.users.read"]
# }

variable "okta_api_token" {
  type      = string
  sensitive = true
}
