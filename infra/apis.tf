# Every API the deployment uses, enabled before anything that needs it: each resource below depends on
# google_project_service.api (directly, or through a resource that does), so on an empty project Terraform enables
# the APIs first and creates the rest only once they answer. test/infra/terraform.test.ts checks that ordering
# for every resource type against the API it needs (the same pattern as Google's marketing-analytics-jumpstart:
# services first, everything else `depends_on` them).
#
# cloudresourcemanager and serviceusage must already answer for Terraform to enable the others (and for
# data.google_project to read the project number): infra/README.md enables both with gcloud before `init`.
locals {
  apis = toset(concat(
    [
      "artifactregistry.googleapis.com",
      "bigquery.googleapis.com",
      "cloudbuild.googleapis.com",
      "cloudfunctions.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "cloudscheduler.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "pubsub.googleapis.com",
      "run.googleapis.com",
      "secretmanager.googleapis.com",
      "serviceusage.googleapis.com",
      "storage.googleapis.com",
    ],
    var.billing_account == "" ? [] : ["billingbudgets.googleapis.com"],
  ))
}

resource "google_project_service" "api" {
  for_each = local.apis

  project = var.project_id
  service = each.value
  # Turning an API off on destroy would break anything else in the project that uses it.
  disable_on_destroy = false
}
