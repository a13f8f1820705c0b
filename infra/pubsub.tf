# One topic per step, named in pipeline.json; each step's function publishes the next one.
resource "google_pubsub_topic" "step" {
  for_each = local.steps

  name   = each.value.topic
  labels = local.labels

  depends_on = [google_project_service.api]
}

# Where a message goes after max_delivery_attempts failed deliveries.
resource "google_pubsub_topic" "dead_letter" {
  name   = local.pipeline.deadLetterTopic
  labels = local.labels

  depends_on = [google_project_service.api]
}

# Push subscriptions deliver each topic to its function. They (not Eventarc triggers, whose subscriptions
# Terraform cannot give a dead-letter policy) carry the retry backoff and the dead-letter topic.
resource "google_pubsub_subscription" "step" {
  for_each = local.steps

  name  = "${each.value.topic}-push"
  topic = google_pubsub_topic.step[each.key].id
  # How long Pub/Sub waits for the function's answer: its whole timeout (600 s at most).
  ack_deadline_seconds       = min(600, each.value.timeoutSeconds + 30)
  message_retention_duration = "86400s"
  labels                     = local.labels

  push_config {
    # The path Eventarc pushes to (and npm run emulate): functions-framework reads the topic from it, and logs two
    # unstructured warnings on every delivery to any other path.
    push_endpoint = "${google_cloudfunctions2_function.function[each.key].service_config[0].uri}/projects/${var.project_id}/topics/${each.value.topic}"

    oidc_token {
      service_account_email = google_service_account.pusher.email
      audience              = google_cloudfunctions2_function.function[each.key].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

# Dead letters reach the dead-letter function (the failure email). No dead-letter policy here: a failure
# email that cannot be sent must not loop back into the topic it came from.
resource "google_pubsub_subscription" "dead_letter_push" {
  name                       = "${local.pipeline.deadLetterTopic}-push"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = local.functions[local.dead_letter_key].timeout + 30
  message_retention_duration = "604800s"
  labels                     = local.labels

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.function[local.dead_letter_key].service_config[0].uri}/projects/${var.project_id}/topics/${local.pipeline.deadLetterTopic}"

    oidc_token {
      service_account_email = google_service_account.pusher.email
      audience              = google_cloudfunctions2_function.function[local.dead_letter_key].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  expiration_policy {
    ttl = ""
  }
}

# A pull subscription that keeps every dead letter for a week, to inspect or replay by hand
# (gcloud pubsub subscriptions pull <name> --auto-ack=false).
resource "google_pubsub_subscription" "dead_letter_pull" {
  name                       = "${local.pipeline.deadLetterTopic}-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  retain_acked_messages      = true
  labels                     = local.labels

  expiration_policy {
    ttl = ""
  }
}

# File drops: Cloud Storage notifies this topic when a file lands in raw/inbox/ (google_storage_notification,
# storage.tf), and the push subscription below hands it to the first step's function. On the way, a message
# transform (file-drop-start.js) turns the notification into the start message ingest expects: a forced re-run of
# the last complete day from ingest, so the drop reaches the extracts and the deck within minutes. A duplicate
# notification re-runs the same day again, which replaces every output with identical ones (and sends no second
# summary email); a drop landing while a run holds a step's claim waits for the next run's ingest.
resource "google_pubsub_topic" "file_drops" {
  name   = "${local.name_prefix}-file-drops"
  labels = local.labels

  depends_on = [google_project_service.api]
}

resource "google_pubsub_subscription" "file_drops" {
  name                       = "${google_pubsub_topic.file_drops.name}-push"
  topic                      = google_pubsub_topic.file_drops.id
  ack_deadline_seconds       = min(600, local.steps[local.first_step].timeoutSeconds + 30)
  message_retention_duration = "86400s"
  labels                     = local.labels

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.function[local.first_step].service_config[0].uri}/projects/${var.project_id}/topics/${google_pubsub_topic.file_drops.name}"

    oidc_token {
      service_account_email = google_service_account.pusher.email
      audience              = google_cloudfunctions2_function.function[local.first_step].service_config[0].uri
    }
  }

  message_transforms {
    javascript_udf {
      function_name = "fileDropStart"
      code          = file("${path.module}/file-drop-start.js")
    }
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  # A drop whose run keeps failing ends as a dead letter: the dead-letter function emails what became of the file,
  # from what ingest recorded of it in ops.file_drops (functions/notify/dead-file-drop.ts).
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription_iam_member" "pubsub_acks_file_drops" {
  subscription = google_pubsub_subscription.file_drops.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
