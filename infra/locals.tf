# Every name the code shares with the infrastructure comes from the one list, functions/shared/pipeline.json.
locals {
  pipeline = jsondecode(file("${path.module}/../functions/shared/pipeline.json"))

  # Each step with the step it hands over to (null after the last one), as runStep publishes it.
  steps = {
    for index, step in local.pipeline.steps : step.name => merge(step, {
      index     = index
      next_step = index + 1 < length(local.pipeline.steps) ? local.pipeline.steps[index + 1].name : null
    })
  }

  # The scheduler starts the chain at the first step; a failure jumps to the last one (notify), which mails it.
  first_step   = local.pipeline.steps[0].name
  failure_step = local.pipeline.steps[length(local.pipeline.steps) - 1].name

  # The dead-letter handler (functions/index.ts: DEAD_LETTER_ENTRY_POINT) turns exhausted messages into emails.
  dead_letter_key         = "dead-letter"
  dead_letter_entry_point = "deadLetter"

  # One Cloud Function per step, plus the dead-letter one; each gets its own service account.
  functions = merge(
    {
      for name, step in local.steps : name => {
        entry_point = step.entryPoint
        memory      = step.memory
        timeout     = step.timeoutSeconds
      }
    },
    {
      (local.dead_letter_key) = {
        entry_point = local.dead_letter_entry_point
        memory      = "512Mi"
        timeout     = 120
      }
    },
  )

  # The Cloud Run functions runtime; test/infra/terraform.test.ts checks it against the supported ones.
  function_runtime = "nodejs22"

  name_prefix = local.pipeline.topicPrefix
  bucket_name = var.bucket_name != "" ? var.bucket_name : "${var.project_id}-pulse"

  # Topics each step publishes to: the next step's, and the failure step's (runStep's publishFailure).
  publish_grants = merge([
    for name, step in local.steps : {
      for target in distinct([step.next_step, local.failure_step]) :
      "${name}->${target}" => { function = name, target = target }
      if target != null && target != name
    }
  ]...)

  # Least privilege in BigQuery: which logical datasets each function reads and writes
  # (test/infra/function-access.test.ts checks it against what each step's statements name). Two extracts count
  # from unified.shopify_unified and staging.stg_shopify_line_items what their marts keep only as ratios (refunded
  # orders, orders without a value). The dead-letter function reads ops.file_drops only, to say what became of a
  # dead-lettered file drop's file (functions/notify/dead-file-drop.ts).
  dataset_access = {
    "ingest"                = { reads = [], writes = ["raw", "ops"] } # ops.file_drops: one row per distinct file
    "check-sources"         = { reads = ["raw"], writes = ["ops"] }
    "transform"             = { reads = ["raw"], writes = ["staging", "unified", "marts", "ops"] } # ops.transform_watermarks
    "check-quality"         = { reads = ["raw", "staging", "unified", "marts"], writes = ["ops"] }
    "export"                = { reads = ["marts", "ops", "unified", "staging"], writes = [] }
    "report"                = { reads = ["marts", "ops"], writes = [] }
    "notify"                = { reads = ["marts", "ops"], writes = [] }
    (local.dead_letter_key) = { reads = ["ops"], writes = [] }
  }
  dataset_roles = {
    reads  = "roles/bigquery.dataViewer"
    writes = "roles/bigquery.dataEditor"
  }
  dataset_grants = flatten([
    for name, access in local.dataset_access : concat(
      [for dataset in access.reads : { function = name, dataset = dataset, role = local.dataset_roles.reads }],
      [for dataset in access.writes : { function = name, dataset = dataset, role = local.dataset_roles.writes }],
    )
  ])

  # Least privilege in the bucket: one managed folder per top-level prefix (storage.tf), and each function holds
  # roles on the folders it uses only. Nothing holds a bucket-wide object role: report, notify and dead-letter
  # cannot read the file drops kept as received (raw/) or the quarantined rows (quarantine/), which hold PII.
  # Where shop owners drop files (functions/lib/bucket-layout.ts, INBOX_PREFIX): a file finalized there starts a run.
  inbox_prefix   = "raw/inbox/"
  bucket_folders = ["runs/", "state/", "raw/", "quarantine/", "mappings/", "extracts/", "reports/"]
  bucket_access = {
    "ingest"                = { reads = ["mappings/"], writes = ["runs/", "raw/", "quarantine/"] }
    "check-sources"         = { reads = [], writes = ["runs/", "state/"] }
    "transform"             = { reads = [], writes = ["runs/"] }
    "check-quality"         = { reads = [], writes = ["runs/"] }
    "export"                = { reads = [], writes = ["runs/", "extracts/", "state/"] }
    "report"                = { reads = ["extracts/"], writes = ["runs/", "reports/"] } # the dashboard page reads the run date's extracts
    "notify"                = { reads = ["reports/"], writes = ["runs/"] }
    (local.dead_letter_key) = { reads = [], writes = ["runs/"] }
  }
  bucket_roles = {
    reads  = "roles/storage.objectViewer"
    writes = "roles/storage.objectAdmin"
  }
  bucket_grants = merge([
    for name, access in local.bucket_access : merge(
      { for folder in access.reads : "${name}/${folder}" => { function = name, folder = folder, role = local.bucket_roles.reads } },
      { for folder in access.writes : "${name}/${folder}" => { function = name, folder = folder, role = local.bucket_roles.writes } },
    )
  ]...)

  # Secrets reach a function as environment variables, and only the functions listed as readers. Every secret of
  # functions/shared/options.ts (SECRET_OPTIONS) is declared here; a connector's credentials exist only when its
  # connector is on (var.connectors), named as functions/adapters/secrets/secret-manager.ts expects them. An optional
  # one (OPTIONAL_SECRETS: the Google Ads developer token, sunset by Google on 9 September 2026) exists only when
  # asked for too; a function that finds it missing from its environment runs without it.
  secret_declarations = {
    pii_hash_key               = { enabled = true, secret_id = var.pii_hash_key_secret_id, env = "PULSE_PII_HASH_KEY", readers = var.pii_hash_key_readers }
    smtp_url                   = { enabled = true, secret_id = var.smtp_url_secret_id, env = "PULSE_SMTP_URL", readers = var.smtp_url_readers }
    shopify_access_token       = { enabled = contains(var.connectors, "shopify"), secret_id = "pulse-shopify-access-token", env = "PULSE_SHOPIFY_ACCESS_TOKEN", readers = local.connector_readers }
    meta_access_token          = { enabled = contains(var.connectors, "facebook_ads"), secret_id = "pulse-meta-access-token", env = "PULSE_META_ACCESS_TOKEN", readers = local.connector_readers }
    tiktok_access_token        = { enabled = contains(var.connectors, "tiktok_ads"), secret_id = "pulse-tiktok-access-token", env = "PULSE_TIKTOK_ACCESS_TOKEN", readers = local.connector_readers }
    google_ads_developer_token = { enabled = contains(var.connectors, "google_ads") && var.google_ads_send_developer_token, secret_id = "pulse-google-ads-developer-token", env = "PULSE_GOOGLE_ADS_DEVELOPER_TOKEN", readers = local.connector_readers }
    google_ads_oauth           = { enabled = contains(var.connectors, "google_ads"), secret_id = "pulse-google-ads-oauth", env = "PULSE_GOOGLE_ADS_OAUTH", readers = local.connector_readers }
    # The chat webhook exists when the settings name a chat (chat.kind); the two check steps post their criticals.
    chat_webhook_url = { enabled = try(var.settings.chat.kind, null) != null, secret_id = "pulse-chat-webhook-url", env = "PULSE_CHAT_WEBHOOK_URL", readers = ["check-sources", "check-quality"] }
    # Only check-sources starts Airbyte syncs (functions/check-sources/airbyte-sync.ts).
    airbyte_api_token = { enabled = var.airbyte_sync, secret_id = "pulse-airbyte-api-token", env = "PULSE_AIRBYTE_API_TOKEN", readers = ["check-sources"] }
  }
  # The connectors pull in ingest; check-sources asks the same APIs for their totals (the reconciliation).
  connector_readers = ["ingest", "check-sources"]
  secrets           = { for key, secret in local.secret_declarations : key => secret if secret.enabled }
  # The values, ephemeral (never in the state): only write-only arguments may read this map (secrets.tf).
  secret_values = {
    pii_hash_key               = var.pii_hash_key
    smtp_url                   = var.smtp_url
    shopify_access_token       = lookup(var.connector_credentials, "shopify_access_token", null)
    meta_access_token          = lookup(var.connector_credentials, "meta_access_token", null)
    tiktok_access_token        = lookup(var.connector_credentials, "tiktok_access_token", null)
    google_ads_developer_token = lookup(var.connector_credentials, "google_ads_developer_token", null)
    google_ads_oauth           = lookup(var.connector_credentials, "google_ads_oauth", null)
    chat_webhook_url           = var.chat_webhook_url
    airbyte_api_token          = lookup(var.connector_credentials, "airbyte_api_token", null)
  }
  function_secrets = {
    for name in keys(local.functions) : name => {
      for key, secret in local.secrets : key => secret if contains(secret.readers, name)
    }
  }
  secret_grants = merge([
    for name, granted in local.function_secrets : {
      for key in keys(granted) : "${name}/${key}" => { function = name, secret = key }
    }
  ]...)

  # What every function is told about the deployment (read by functions/runtime/cloud-ports.ts and config.ts).
  function_env = {
    PULSE_RUNTIME             = "cloud"
    PULSE_PROJECT_ID          = var.project_id
    PULSE_BQ_LOCATION         = var.location
    PULSE_BUCKET              = local.bucket_name
    PULSE_DATASET_PREFIX      = var.dataset_prefix
    PULSE_MAX_BYTES_BILLED    = tostring(var.maximum_bytes_billed)
    PULSE_ENVIRONMENT         = var.environment
    PULSE_CODE_VERSION        = data.archive_file.source.output_md5 # every function runs this one source archive
    PULSE_LINK_TTL_SECONDS    = tostring(var.link_ttl_seconds)
    PULSE_PII_HASH_KEY_SECRET = var.pii_hash_key_secret_id
    PULSE_SMTP_URL_SECRET     = var.smtp_url_secret_id
    PULSE_TIMEZONE            = var.time_zone
    PULSE_COUNTRY             = var.country
    PULSE_SHOP_NAME           = var.shop_name
    PULSE_CURRENCY            = var.currency
    PULSE_LOCALE              = var.locale
    PULSE_EMAIL_FROM          = var.email_from
    PULSE_EMAIL_TO            = join(",", var.email_to)
    PULSE_DASHBOARD_URL       = var.dashboard_url
    PULSE_LOOKBACK_DAYS       = tostring(var.lookback_days)
    # Everything else that is not a secret (quality thresholds, per-source freshness, …): the settings file's
    # content, validated by the functions at start-up (functions/shared/config.ts).
    PULSE_SETTINGS = jsonencode(merge(var.settings, { version = 1 }))
  }

  # The raw tables' schemas, generated from functions/shared/raw-schemas.ts (tools/infra/raw-tables.ts).
  raw_tables = { for table in jsondecode(file("${path.module}/raw-tables.json")).tables : table.name => table }

  labels = {
    app         = "dtc-pulse"
    environment = var.environment
  }

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}
