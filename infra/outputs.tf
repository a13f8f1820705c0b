output "bucket" {
  description = "The pipeline's bucket."
  value       = "gs://${google_storage_bucket.data.name}"
}

output "topics" {
  description = "Topic of each step, and the dead-letter topic."
  value = merge(
    { for name, topic in google_pubsub_topic.step : name => topic.name },
    { (local.dead_letter_key) = google_pubsub_topic.dead_letter.name },
  )
}

output "dead_letter_inspect_subscription" {
  description = "Pull subscription holding the dead letters for a week."
  value       = google_pubsub_subscription.dead_letter_pull.name
}

output "function_names" {
  description = "Cloud Function of each step, and the dead-letter one."
  value       = { for name, function in google_cloudfunctions2_function.function : name => function.name }
}

output "function_service_accounts" {
  description = "Service account of each function."
  value       = { for name, account in google_service_account.function : name => account.email }
}

output "datasets" {
  description = "BigQuery dataset of each layer."
  value       = { for name, dataset in google_bigquery_dataset.dataset : name => "${var.project_id}.${dataset.dataset_id}" }
}

output "scheduler_job" {
  description = "The nightly Cloud Scheduler job (gcloud scheduler jobs run <name> --location <region> starts a run now)."
  value       = google_cloud_scheduler_job.nightly.name
}

output "looker_studio_sources" {
  description = "Looker Studio → Add data → Google Cloud Storage: the path of each extract (one stable schema per file)."
  value = {
    for name in local.pipeline.extracts : name => "${google_storage_bucket.data.name}/extracts/latest/${name}.csv"
  }
}
