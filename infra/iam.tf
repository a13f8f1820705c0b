# One service account per function, each granted only what its function does. No basic roles anywhere.
resource "google_service_account" "function" {
  for_each = local.functions

  account_id   = "${local.name_prefix}-${each.key}"
  display_name = "DTC Pulse ${each.key} function"

  depends_on = [google_project_service.api]
}

# The identity Pub/Sub pushes with: it may invoke the functions and nothing else.
resource "google_service_account" "pusher" {
  account_id   = "${local.name_prefix}-pusher"
  display_name = "DTC Pulse Pub/Sub push identity"

  depends_on = [google_project_service.api]
}

# Builds the functions' images (instead of the project's default compute account).
resource "google_service_account" "builder" {
  account_id   = "${local.name_prefix}-builder"
  display_name = "DTC Pulse function builds"

  depends_on = [google_project_service.api]
}

resource "google_project_iam_member" "builder" {
  for_each = toset([
    "roles/cloudbuild.builds.builder",
    "roles/logging.logWriter",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.builder.email}"

  depends_on = [google_project_service.api]
}

resource "google_storage_bucket_iam_member" "builder_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.builder.email}"
}

# Running queries is a project-level permission; what the queries may read or write is granted per dataset
# (bigquery.tf). The dead-letter function's one query reads ops.file_drops.
resource "google_project_iam_member" "job_user" {
  for_each = local.dataset_access

  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = "serviceAccount:${google_service_account.function[each.key].email}"

  depends_on = [google_project_service.api]
}

# The ledger, extracts, decks and markers live in the one bucket, each under its own managed folder: a function
# holds a role on the folders it uses only (locals.tf, bucket_access), never on the whole bucket. EXPORT DATA
# writes extracts/ as the export function's account.
resource "google_storage_managed_folder_iam_member" "function" {
  for_each = local.bucket_grants

  bucket         = google_storage_bucket.data.name
  managed_folder = google_storage_managed_folder.folder[each.value.folder].name
  role           = each.value.role
  member         = "serviceAccount:${google_service_account.function[each.value.function].email}"
}

# Each step may publish only to the next step's topic and to the failure step's.
resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = local.publish_grants

  topic  = google_pubsub_topic.step[each.value.target].id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.function[each.value.function].email}"
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.secret_grants

  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function[each.value.function].email}"
}

# v4 signed URLs are signed through the IAM signBlob API with the function's own identity (there is no key file).
resource "google_service_account_iam_member" "url_signer" {
  for_each = toset(var.url_signers)

  service_account_id = google_service_account.function[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.function[each.key].email}"
}

# Analysts may run queries (what they may read is granted per dataset: the marts, bigquery.tf).
resource "google_project_iam_member" "analysts_job_user" {
  count = var.analysts_group != "" && var.analysts_run_queries ? 1 : 0

  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = "group:${var.analysts_group}"

  depends_on = [google_project_service.api]
}

# The pusher may invoke each function's Cloud Run service.
resource "google_cloud_run_service_iam_member" "pusher" {
  for_each = local.functions

  location = var.region
  service  = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pusher.email}"
}

# Pub/Sub's own service agent: mints the pusher's OIDC tokens, forwards dead letters, and acknowledges the
# forwarded messages on the source subscriptions.
resource "google_service_account_iam_member" "pubsub_mints_push_tokens" {
  service_account_id = google_service_account.pusher.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

resource "google_pubsub_topic_iam_member" "pubsub_dead_letters" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "pubsub_acks_dead_letters" {
  for_each = local.steps

  subscription = google_pubsub_subscription.step[each.key].id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
