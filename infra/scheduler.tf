# Starts the nightly run: a message on the first step's topic. The run date is resolved from the publish time
# in the shop's time zone (resolveStartMessage), so the message itself carries nothing but its trigger.
#
# The job runs in UTC: a schedule in a time zone with daylight saving time skips the job on the spring-forward
# night when its hour falls in the gap (02:00 America/New_York) and may run it twice in the fall-back hour. In UTC
# every night has its run; the run date is still the shop's yesterday, whatever the hour.
resource "google_cloud_scheduler_job" "nightly" {
  name        = "${local.name_prefix}-nightly"
  region      = var.region
  description = "DTC Pulse: the nightly run"
  schedule    = var.schedule
  time_zone   = "Etc/UTC"

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
