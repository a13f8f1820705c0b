# The secrets and their first versions, created before any function that mounts them (functions.tf depends on
# the versions), and pinned: a function reads the version Terraform created, never "latest", so a new value
# takes effect on the apply that adds it, not at a random cold start.
#
# The values are ephemeral variables written through write-only arguments: they reach Secret Manager and never
# the Terraform state or plan. Terraform cannot compare a value it never stores, so it sends a secret's value only
# when that secret's own version number changes (var.secret_versions, else var.secret_values_version): rotating the
# SMTP URL writes the SMTP URL alone, never the PII key (a new key re-hashes every customer and rebuilds all
# history). See infra/README.md for the first apply and the ones after it.
resource "google_secret_manager_secret" "secret" {
  for_each = local.secrets

  secret_id = each.value.secret_id
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.api]
}

resource "google_secret_manager_secret_version" "value" {
  for_each = local.secrets

  secret                 = google_secret_manager_secret.secret[each.key].id
  secret_data_wo         = local.secret_values[each.key]
  secret_data_wo_version = lookup(var.secret_versions, each.key, var.secret_values_version)

  # A rotation adds the new version before the old one is disabled, and the functions move to it on this apply.
  lifecycle {
    create_before_destroy = true
  }
}
