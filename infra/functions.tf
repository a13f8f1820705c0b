# One Cloud Function (2nd gen) per step of pipeline.json, plus the dead-letter one. They are invoked by the push
# subscriptions of pubsub.tf (a Pub/Sub push body, which the Functions Framework turns into the CloudEvent the
# entry points expect), only from inside Google Cloud and only with the pusher's token.
resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  name        = "${local.name_prefix}-${each.key}"
  location    = var.region
  description = "DTC Pulse: ${each.key}"
  labels      = local.labels

  build_config {
    runtime         = "nodejs20"
    entry_point     = each.value.entry_point
    service_account = google_service_account.builder.id

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = each.value.memory
    timeout_seconds                  = each.value.timeout
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.function[each.key].email

    environment_variables = merge(local.function_env, {
      PULSE_STEP = each.key
    })

    dynamic "secret_environment_variables" {
      for_each = local.function_secrets[each.key]
      content {
        key        = secret_environment_variables.value.env
        project_id = var.project_id
        secret     = google_secret_manager_secret.secret[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.api,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.builder,
  ]
}
