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
    # Node.js 22 (supported by Cloud Run functions until 2027-04-30; Node.js 20 was decommissioned on 2026-10-30
    # and no new function can be created with it). package.json's engines still accept 20, the version local
    # machines and CI run: the code uses nothing newer than Node 20 has.
    runtime           = local.function_runtime
    entry_point       = each.value.entry_point
    service_account   = google_service_account.builder.id
    docker_repository = google_artifact_registry_repository.builds.id

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
        # Pinned to the version this apply created (secrets.tf), never "latest".
        version = google_secret_manager_secret_version.value[secret_environment_variables.key].version
      }
    }
  }

  depends_on = [
    google_project_service.api,
    google_secret_manager_secret_version.value,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.builder,
    google_artifact_registry_repository_iam_member.builder,
  ]
}

# The functions' build images, in a repository of our own (instead of the default gcf-artifacts) so that a
# cleanup policy keeps the last few per function and deletes the rest: a nightly pipeline redeployed now and then
# would otherwise store every image it ever built.
resource "google_artifact_registry_repository" "builds" {
  location      = var.region
  repository_id = "${local.name_prefix}-functions"
  description   = "DTC Pulse: the functions' build images"
  format        = "DOCKER"
  labels        = local.labels

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.build_images_kept
    }
  }

  cleanup_policies {
    id     = "delete-older"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "604800s"
    }
  }

  depends_on = [google_project_service.api]
}

resource "google_artifact_registry_repository_iam_member" "builder" {
  location   = google_artifact_registry_repository.builds.location
  repository = google_artifact_registry_repository.builds.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.builder.email}"
}
