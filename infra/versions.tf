terraform {
  # 1.11: ephemeral variables and write-only arguments (the secret values never reach the state; secrets.tf).
  required_version = ">= 1.11"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.23: google_secret_manager_secret_version.secret_data_wo.
      version = ">= 6.23, < 8.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4"
    }
  }

  # Remote state in a Cloud Storage bucket (versioned, so an older state can be restored), configured at init:
  #   terraform init -backend-config="bucket=<project>-tfstate" -backend-config="prefix=dtc-pulse/<environment>"
  # (infra/README.md creates the bucket). The state holds no secret value.
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Budgets are created through the billing account's API; bill those calls to this project.
  user_project_override = true
  billing_project       = var.project_id
}

# The project number (for the Pub/Sub service agent). Read once Cloud Resource Manager answers.
data "google_project" "this" {
  project_id = var.project_id

  depends_on = [google_project_service.api]
}
