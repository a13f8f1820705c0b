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

  # Dated extracts (and the EXPORT DATA shards under their run=… folders, and an interrupted compose's parts, which
  # sit beside their destination) age out; extracts/latest/ is not matched. The local folder bucket applies the
  # same two age rules at the end of each local run (functions/lib/bucket-lifecycle.ts).
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
      matches_prefix             = ["extracts/", "quarantine/", "reports/"]
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

# What Cloud Functions builds (npm ci, then package.json's gcp-build script: tsc), from an explicit list of
# patterns rather than the working tree: an untracked .env, a log or a local work dir is never uploaded. Only
# these file types under these folders, plus the package files, are packaged (test/infra checks every pattern).
locals {
  source_patterns = [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "functions/**/*.ts",
    "functions/**/*.json",
    "sql/**/*.sql",
    "sql/**/*.json",
    # The models' metrics glossary, which the deck prints (functions/report/glossary.ts reads it when it loads).
    "sql/README.md",
  ]
  source_files = sort(distinct(flatten([
    for pattern in local.source_patterns : fileset("${path.module}/..", pattern)
  ])))
}

data "archive_file" "source" {
  type        = "zip"
  output_path = "${path.module}/.build/pulse-source.zip"

  dynamic "source" {
    for_each = local.source_files
    content {
      filename = source.value
      content  = file("${path.module}/../${source.value}")
    }
  }
}

resource "google_storage_bucket_object" "source" {
  # Named by content, so a code change deploys new revisions and an unchanged tree deploys nothing.
  name   = "pulse-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.source.output_path
}

# One managed folder per top-level prefix: the unit of access in this bucket (iam.tf grants each function the
# folders it uses; locals.tf, bucket_access).
resource "google_storage_managed_folder" "folder" {
  for_each = toset(local.bucket_folders)

  bucket = google_storage_bucket.data.name
  name   = each.value
  # Keeps the objects on destroy; the folder's IAM policy goes with it.
  force_destroy = false
}

# Looker Studio's Cloud Storage connector reads with its data source owner's credentials: analysts may list and
# read the extracts (a folder path, or one file), and nothing else in the bucket (no ledger, no file drops, no
# quarantined rows).
resource "google_storage_managed_folder_iam_member" "analysts_read_extracts" {
  count = var.analysts_group == "" ? 0 : 1

  bucket         = google_storage_bucket.data.name
  managed_folder = google_storage_managed_folder.folder["extracts/"].name
  role           = "roles/storage.objectViewer"
  member         = "group:${var.analysts_group}"
}

# A file finalized under raw/inbox/ is announced on the file-drop topic (pubsub.tf), which starts a run.
resource "google_storage_notification" "file_drops" {
  bucket             = google_storage_bucket.data.name
  topic              = google_pubsub_topic.file_drops.id
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = local.inbox_prefix

  depends_on = [google_pubsub_topic_iam_member.storage_publishes_file_drops]
}

# Cloud Storage publishes the notifications as the project's Cloud Storage service agent.
data "google_storage_project_service_account" "storage" {
  depends_on = [google_project_service.api]
}

resource "google_pubsub_topic_iam_member" "storage_publishes_file_drops" {
  topic  = google_pubsub_topic.file_drops.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${data.google_storage_project_service_account.storage.email_address}"
}

# The inbox is a managed folder of its own, inside raw/: the people who drop exports (file_droppers) may create
# objects there and nothing else: they cannot read the inbox, the files kept as received or anything in raw/.
resource "google_storage_managed_folder" "inbox" {
  bucket        = google_storage_bucket.data.name
  name          = local.inbox_prefix
  force_destroy = false

  # Nested in raw/, whose grants it inherits (ingest reads and empties the inbox).
  depends_on = [google_storage_managed_folder.folder]
}

resource "google_storage_managed_folder_iam_member" "file_droppers" {
  for_each = toset(var.file_droppers)

  bucket         = google_storage_bucket.data.name
  managed_folder = google_storage_managed_folder.inbox.name
  role           = "roles/storage.objectCreator"
  member         = each.value
}
