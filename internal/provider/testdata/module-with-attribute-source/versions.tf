terraform {
  required_version = ">= 1.5.0"

  required_providers {
    dialpad = {
      source  = "dialpad/dialpad"
      version = ">= 0.1.0"
    }
  }
}
