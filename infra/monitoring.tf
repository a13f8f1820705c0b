# What the team is told when something goes wrong, through Cloud Monitoring: none of it depends on the
# pipeline's own SMTP server (whose failure it must be able to report).

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  display_name = "DTC Pulse alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }

  depends_on = [google_project_service.api]
}

locals {
  notification_channels = [for channel in google_monitoring_notification_channel.email : channel.id]
  # Every pipeline function's logs (Cloud Run functions log as cloud_run_revision, the service named as the function).
  function_logs = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^${local.name_prefix}-\""
}

# Any ERROR a function logs: a step that failed (transiently or for good), a dead letter, a crash.
resource "google_monitoring_alert_policy" "function_errors" {
  display_name          = "DTC Pulse: a function logged an error"
  combiner              = "OR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "ERROR in a pipeline function's logs"
    condition_matched_log {
      filter = "${local.function_logs} AND severity>=ERROR"
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "86400s"
  }

  documentation {
    content   = "A DTC Pulse function logged an error. The log entry names the step and run date; infra/README.md (Re-run) says how to resume the run once the cause is fixed."
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.api]
}

# A message exhausted its deliveries (it went to the dead-letter topic), or the dead letters are not being
# handled (the dead-letter function cannot take them).
resource "google_monitoring_alert_policy" "dead_letters" {
  display_name          = "DTC Pulse: dead letters"
  combiner              = "OR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "a step's message was dead-lettered"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/dead_letter_message_count\" AND resource.labels.subscription_id = starts_with(\"${local.name_prefix}-\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  conditions {
    display_name = "dead letters waiting for the dead-letter function for 30 minutes"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dead_letter_push.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "1800s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "A DTC Pulse step failed on every delivery. `gcloud pubsub subscriptions pull <dead-letter topic>-inspect --limit 10` shows the messages; infra/README.md (Re-run) says how to resume."
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.api]
}

# The heartbeat: a run that started (the first step began) and did not finish (notify succeeded) within
# run_deadline_minutes. Counted from the functions' own structured logs (functions/shared/run-step.ts logs
# event "step.started" and "step.succeeded" with the step's name), so it fires even when the failure is SMTP.
resource "google_logging_metric" "runs_started" {
  name   = "${local.name_prefix}_runs_started"
  filter = "${local.function_logs} AND jsonPayload.event=\"step.started\" AND jsonPayload.step=\"${local.first_step}\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.api]
}

resource "google_logging_metric" "runs_finished" {
  name = "${local.name_prefix}_runs_finished"
  # A run ends with notify's summary email (its step succeeded) or with a failure email, sent by notify or the
  # dead-letter function (functions/notify/step.ts logs event "failure_email.sent").
  filter = "${local.function_logs} AND ((jsonPayload.event=\"step.succeeded\" AND jsonPayload.step=\"${local.failure_step}\") OR jsonPayload.event=\"failure_email.sent\")"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.api]
}

resource "google_monitoring_alert_policy" "run_not_finished" {
  display_name          = "DTC Pulse: the nightly run did not finish in time"
  combiner              = "OR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "a run started and did not finish within ${var.run_deadline_minutes} minutes"
    condition_prometheus_query_language {
      # Started in the last 23 hours, and nothing finished since: true from the start until notify succeeds.
      query               = "sum(increase(logging_googleapis_com:user_${google_logging_metric.runs_started.name}[23h])) > 0 unless sum(increase(logging_googleapis_com:user_${google_logging_metric.runs_finished.name}[23h])) > 0"
      duration            = "${var.run_deadline_minutes * 60}s"
      evaluation_interval = "60s"
    }
  }

  alert_strategy {
    auto_close = "43200s"
  }

  documentation {
    content   = "The nightly DTC Pulse run started but no summary or failure email was sent in time. Check the ledger (gs://<bucket>/runs/dt=<run date>/steps/) and the function errors alert; infra/README.md (Re-run) says how to resume."
    mime_type = "text/markdown"
  }

  depends_on = [google_project_service.api]
}

# The BigQuery bytes each step's jobs billed, per run: every step logs its own jobs' usage with its end
# (functions/shared/run-step.ts, jsonPayload.warehouse). Charted per step over the days, it shows whether a daily
# run's cost stays flat as the shop's history grows (README, Performance); the budget below says when it does not.
resource "google_logging_metric" "step_bytes_billed" {
  name            = "${local.name_prefix}_step_bytes_billed"
  description     = "BigQuery bytes billed by one step of one daily run (the step's own jobs)."
  filter          = "${local.function_logs} AND jsonPayload.event=\"step.succeeded\" AND jsonPayload.warehouse.bytesBilled>0"
  value_extractor = "EXTRACT(jsonPayload.warehouse.bytesBilled)"
  label_extractors = {
    step = "EXTRACT(jsonPayload.step)"
  }

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "By"
    labels {
      key         = "step"
      value_type  = "STRING"
      description = "The pipeline step (transform, check-quality, export, ...)."
    }
  }

  # From 10 MiB (BigQuery's minimum bill per query) doubling to 10 TiB.
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 2
      scale              = 10485760
    }
  }

  depends_on = [google_project_service.api]
}

# A monthly budget on this project's costs, mailed to the billing account's admins and to alert_emails.
resource "google_billing_budget" "monthly" {
  count = var.billing_account == "" ? 0 : 1

  billing_account = var.billing_account
  display_name    = "DTC Pulse ${var.environment}"

  budget_filter {
    projects = ["projects/${data.google_project.this.number}"]
  }

  amount {
    specified_amount {
      currency_code = var.budget_currency
      units         = tostring(var.monthly_budget)
    }
  }

  threshold_rules {
    threshold_percent = 0.5
  }
  threshold_rules {
    threshold_percent = 0.9
  }
  threshold_rules {
    threshold_percent = 1.0
  }
  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = local.notification_channels
    disable_default_iam_recipients   = false
  }

  depends_on = [google_project_service.api]
}
