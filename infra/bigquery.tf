# One dataset per layer of pipeline.json (raw, staging, unified, marts, ops).
resource "google_bigquery_dataset" "dataset" {
  for_each = tomap(local.pipeline.datasets)

  dataset_id                 = "${var.dataset_prefix}${each.value}"
  location                   = var.location
  description                = "DTC Pulse: the ${each.key} layer."
  delete_contents_on_destroy = false
  labels                     = local.labels

  depends_on = [google_project_service.api]
}

# Restricted datasets (raw and staging by default: they hold plaintext PII): for each role the pipeline uses
# there, the binding is authoritative, so only the functions that need it (and var.raw_writers) hold it.
resource "google_bigquery_dataset_iam_binding" "restricted" {
  for_each = {
    for pair in distinct([
      for grant in local.dataset_grants : "${grant.dataset}|${grant.role}"
      if contains(var.restricted_datasets, grant.dataset)
    ]) : pair => split("|", pair)
  }

  dataset_id = google_bigquery_dataset.dataset[each.value[0]].dataset_id
  role       = each.value[1]
  members = concat(
    [
      for grant in local.dataset_grants : "serviceAccount:${google_service_account.function[grant.function].email}"
      if "${grant.dataset}|${grant.role}" == each.key
    ],
    each.value[0] == "raw" && each.value[1] == local.dataset_roles.writes ? var.raw_writers : [],
  )
}

# The other datasets: one non-authoritative grant per function and dataset.
resource "google_bigquery_dataset_iam_member" "function" {
  for_each = {
    for grant in local.dataset_grants : "${grant.function}/${grant.dataset}/${grant.role}" => grant
    if !contains(var.restricted_datasets, grant.dataset)
  }

  dataset_id = google_bigquery_dataset.dataset[each.value.dataset].dataset_id
  role       = each.value.role
  member     = "serviceAccount:${google_service_account.function[each.value.function].email}"
}

# Analysts read the marts (Looker Studio's BigQuery connector, ad-hoc questions); nothing upstream of them.
resource "google_bigquery_dataset_iam_member" "analysts" {
  count = var.analysts_group == "" ? 0 : 1

  dataset_id = google_bigquery_dataset.dataset["marts"].dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = "group:${var.analysts_group}"
}

# The raw tables, from the same declarations the code reads (functions/shared/raw-schemas.ts, written to
# raw-tables.json by tools/infra/raw-tables.ts; a test keeps the two equal). They exist from the first apply, so
# check-sources, file drops and transform find them before any connector ran. Partitioned by day on
# _airbyte_extracted_at and clustered on it, as Airbyte's BigQuery destination (v2) makes its own tables:
# incremental staging reads only the partitions extracted since its last run. docs/airbyte.md says how to point
# Airbyte at them. BigQuery refuses a query of them without a filter on that column (require_partition_filter):
# the widest tables (raw JSON) cannot be scanned whole by a console query, a Looker Studio source or a new query
# by mistake. Every read in sql/ names one (test/sql/raw-partition-filters.test.ts).
resource "google_bigquery_table" "raw" {
  for_each = local.raw_tables

  dataset_id               = google_bigquery_dataset.dataset["raw"].dataset_id
  table_id                 = each.key
  description              = each.value.description
  schema                   = jsonencode(each.value.schema)
  clustering               = [each.value.partitionColumn]
  require_partition_filter = true
  deletion_protection      = true
  labels                   = merge(local.labels, { source = each.value.source })

  time_partitioning {
    type  = "DAY"
    field = each.value.partitionColumn
  }

  # Airbyte adds the columns a source gains (and BigQuery reports INT64 as INTEGER): the live schema is theirs
  # from now on. A column added to raw-schemas.ts later is added by ingest's ALTER TABLE … ADD COLUMN IF NOT EXISTS
  # (functions/ingest/raw-tables.ts; infra/README.md).
  lifecycle {
    ignore_changes = [schema]
  }
}
