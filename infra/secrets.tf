# The secrets exist here; their values never do. Add a version by hand once (see README.md):
#   printf %s "$(openssl rand -hex 32)" | gcloud secrets versions add pulse-pii-hash-key --data-file=-
#   printf %s "smtp://user:pass@smtp.example.com:587" | gcloud secrets versions add pulse-smtp-url --data-file=-
resource "google_secret_manager_secret" "secret" {
  for_each = local.secrets

  secret_id = each.value.secret_id
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.api]
}
