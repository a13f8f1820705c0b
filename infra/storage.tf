# The pipeline's bucket: extracts for Looker Studio, decks, file drops, quarantine and the run ledger.
resource "google_storage_bucket" "data" {
  name                        = local.bucket_name
  location                    = var.location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = local.labels

  # Versioning is per bucket in GCS; the lifecycle rules below keep old versions only where they matter
  # (runs/ and state/: the ledger and baselines), and drop the others quickly.
  versioning {
    enabled = true
  }

  # Dated extracts (and the EXPORT DATA shards under their run=… folders) age out; extracts/latest/ is not matched.
  lifecycle_rule {
    condition {
      age            = var.extract_retention_days
      matches_prefix = [for name in local.pipeline.extracts : "extracts/${name}/"]
    }
    action {
      type = "Delete"
    }
  }

  # Quarantined rows keep the original row (possibly PII before staging hashes it): readable only by the
  # pipeline's service accounts and bucket admins (the dashboard reader sees extracts/latest/ only), and deleted
  # after 90 days, long enough to fix a mapping and re-drop the file.
  lifecycle_rule {
    condition {
      age            = 90
      matches_prefix = ["quarantine/"]
    }
    action {
      type = "Delete"
    }
  }

  # Leftovers of an interrupted compose (functions/adapters/bucket/gcs-bucket.ts).
  lifecycle_rule {
    condition {
      age            = 1
      matches_prefix = ["tmp/"]
    }
    action {
      type = "Delete"
    }
  }

  # Replaced versions of the ledger and state stay for a while, to audit or restore a run.
  lifecycle_rule {
    condition {
      with_state                 = "ARCHIVED"
      days_since_noncurrent_time = var.noncurrent_version_days
      matches_prefix             = ["runs/", "state/"]
    }
    action {
      type = "Delete"
    }
  }

  # Everywhere else a replaced version is of no use (latest/ extracts are replaced every night).
  lifecycle_rule {
    condition {
      with_state                 = "ARCHIVED"
      days_since_noncurrent_time = 1
      matches_prefix             = ["extracts/", "tmp/", "quarantine/", "reports/"]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.api]
}

# Function source archives (Cloud Build reads them); separate from the data so no function can touch them.
resource "google_storage_bucket" "sources" {
  name                        = "${local.bucket_name}-sources"
  location                    = var.location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = local.labels

  depends_on = [google_project_service.api]
}

# The repository as Cloud Functions builds it: npm ci, then the gcp-build script (tsc) of package.json.
data "archive_file" "source" {
  type        = "zip"
  source_dir  = "${path.module}/.."
  output_path = "${path.module}/.build/pulse-source.zip"
  excludes = [
    ".git/**",
    ".pulse/**",
    "dist/**",
    "infra/**",
    "node_modules/**",
    "test/**",
    "tmp/**",
    "tools/**",
  ]
}

resource "google_storage_bucket_object" "source" {
  # Named by content, so a code change deploys new revisions and an unchanged tree deploys nothing.
  name   = "pulse-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.source.output_path
}

# Looker Studio's Cloud Storage connector reads with its data source owner's credentials: analysts may read the
# extracts, and nothing else in the bucket (no ledger, no file drops, no quarantined rows).
resource "google_storage_bucket_iam_member" "analysts_read_extracts" {
  count = var.analysts_group == "" ? 0 : 1

  bucket = google_storage_bucket.data.name
  role   = "roles/storage.objectViewer"
  member = "group:${var.analysts_group}"

  condition {
    title      = "extracts-only"
    expression = "resource.name.startsWith(\"projects/_/buckets/${google_storage_bucket.data.name}/objects/extracts/\")"
  }
}
