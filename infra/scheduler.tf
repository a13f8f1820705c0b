# Starts the nightly run: a message on the first step's topic. The run date is resolved from the publish time
# in the shop's time zone (resolveStartMessage), so the message itself carries nothing but its trigger.
resource "google_cloud_scheduler_job" "nightly" {
  name        = "${local.name_prefix}-nightly"
  region      = var.region
  description = "DTC Pulse: the nightly run"
  schedule    = var.schedule
  time_zone   = var.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.step[local.first_step].id
    data       = base64encode(jsonencode({ trigger = "scheduler" }))
    attributes = {
      trigger = "scheduler"
    }
  }

  retry_config {
    retry_count = 3
  }

  depends_on = [google_project_service.api]
}
