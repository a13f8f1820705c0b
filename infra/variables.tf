variable "project_id" {
  description = "Google Cloud project that holds the whole deployment."
  type        = string
}

variable "region" {
  description = "Region of the functions, the scheduler job and the Pub/Sub subscriptions."
  type        = string
  default     = "us-central1"
}

variable "location" {
  description = "Location of the BigQuery datasets and the bucket (a multi-region such as US or EU, or a region). BigQuery exports only to a bucket in the same location."
  type        = string
  default     = "US"
}

variable "environment" {
  description = "Short environment name, used as a label on resources and BigQuery jobs (e.g. prod, dev)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z0-9_-]{1,63}$", var.environment))
    error_message = "environment must be lowercase letters, digits, _ or - (a valid label value)."
  }
}

variable "bucket_name" {
  description = "Name of the bucket for extracts, decks, file drops and the run ledger. Empty: <project_id>-pulse."
  type        = string
  default     = ""
}

variable "dataset_prefix" {
  description = "Prepended to every dataset name of pipeline.json (raw, staging, …), e.g. \"dev_\" to run several environments in one project. One project per environment needs none."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9_]*$", var.dataset_prefix))
    error_message = "dataset_prefix may hold letters, digits and _ only."
  }
}

variable "analysts_group" {
  description = "Google group (e.g. analysts@example.com) allowed to read the marts dataset. Empty: nobody beyond the pipeline."
  type        = string
  default     = ""
}

variable "raw_writers" {
  description = "Extra members that land data in the raw dataset, e.g. [\"serviceAccount:airbyte@my-project.iam.gserviceaccount.com\"]."
  type        = list(string)
  default     = []
}

variable "restricted_datasets" {
  description = "Logical datasets whose reader and writer roles are held by the pipeline's service accounts only (authoritative bindings: any other member of those roles is removed)."
  type        = list(string)
  default     = ["raw", "staging"]
}

variable "maximum_bytes_billed" {
  description = "Ceiling on bytes billed by any single BigQuery job the pipeline runs (a runaway query fails instead of billing)."
  type        = number
  default     = 10737418240
}

variable "schedule" {
  description = "Cron schedule of the nightly run, in UTC (Cloud Scheduler's time_zone is Etc/UTC: no daylight-saving gap or doubled hour). Pick an hour a few hours after midnight in the shop's time zone; the run date is the shop's yesterday at that instant."
  type        = string
  default     = "0 7 * * *"
}

variable "country" {
  description = "The shop's main market as an ISO 3166 code (PULSE_COUNTRY): its retail calendar (Black Friday weekend, holidays) explains spikes in the anomaly checks."
  type        = string
  default     = "US"

  validation {
    condition     = can(regex("^[A-Z]{2}$", var.country))
    error_message = "country must be an ISO 3166 code such as US or GB."
  }
}

variable "time_zone" {
  description = "The shop's IANA time zone (e.g. Europe/Paris): what a business day is (PULSE_TIMEZONE). Required: there is no safe default."
  type        = string

  validation {
    condition     = can(regex("^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$", var.time_zone))
    error_message = "time_zone must be an IANA time zone such as Europe/Paris or America/New_York."
  }
}

variable "shop_name" {
  description = "The shop's name, shown in the deck and the email. Required."
  type        = string

  validation {
    condition     = length(trimspace(var.shop_name)) > 0
    error_message = "shop_name must not be empty."
  }
}

variable "currency" {
  description = "ISO 4217 currency of the shop (e.g. EUR). Required."
  type        = string

  validation {
    condition     = can(regex("^[A-Z]{3}$", var.currency))
    error_message = "currency must be an ISO 4217 code such as USD or EUR."
  }
}

variable "locale" {
  description = "Locale for number and date formatting."
  type        = string
  default     = "en-US"
}

variable "email_from" {
  description = "Sender of the daily summary and failure emails, e.g. \"DTC Pulse <pulse@your-shop.com>\" (an address your SMTP provider lets you send from). Required."
  type        = string

  validation {
    condition     = can(regex("@", var.email_from))
    error_message = "email_from must hold an email address."
  }
}

variable "email_to" {
  description = "Recipients of the daily summary and failure emails. Required: no default ever mails a stranger."
  type        = list(string)

  validation {
    condition     = length(var.email_to) > 0 && alltrue([for address in var.email_to : can(regex("^[^@,\\s]+@[^@,\\s]+$", address))])
    error_message = "email_to must list at least one email address (no commas or spaces inside an address)."
  }
}

variable "dashboard_url" {
  description = "Looker Studio dashboard linked from the email (optional)."
  type        = string
  default     = ""
}

variable "lookback_days" {
  description = "Days before the run date that every incremental model rebuilds (late refunds and attribution)."
  type        = number
  default     = 7
}

variable "settings" {
  description = "The functions' settings file (README, Configuration), without \"version\": e.g. { quality = { sources = { tiktok_ads = { expected = false } } } }. Passed to every function as PULSE_SETTINGS; an unknown or invalid key fails the functions' start with its dotted path."
  type        = any
  default     = {}
}

variable "pii_hash_key" {
  description = "The HMAC key of emails and phones (at least 32 characters), written to Secret Manager and never to the Terraform state (ephemeral, write-only). Keep it forever: a new key changes every hashed email. After the first apply, read it back from Secret Manager (infra/README.md)."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = length(var.pii_hash_key) >= 32
    error_message = "pii_hash_key must be at least 32 characters (e.g. openssl rand -hex 32)."
  }
}

variable "smtp_url" {
  description = "smtp://user:pass@host:587 of the mail server that sends the emails, written to Secret Manager and never to the Terraform state (ephemeral, write-only)."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = can(regex("^smtps?://", var.smtp_url))
    error_message = "smtp_url must start with smtp:// or smtps://."
  }
}

variable "chat_webhook_url" {
  description = "The Slack or Google Chat incoming webhook URL that gets the critical findings at once, when var.settings names a chat (chat = { kind = \"slack\" } or \"google-chat\"). Written to Secret Manager and never to the Terraform state (ephemeral, write-only)."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = var.chat_webhook_url == null || can(regex("^https://", var.chat_webhook_url))
    error_message = "chat_webhook_url must be an https:// URL."
  }
}

variable "connectors" {
  description = "The source connectors that are on (docs/connectors.md): any of shopify, facebook_ads, tiktok_ads, google_ads. Each gets its credentials' secrets, readable by ingest and check-sources only; its settings go in var.settings.connectors."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.connectors : contains(["shopify", "facebook_ads", "tiktok_ads", "google_ads"], name)])
    error_message = "connectors may only name shopify, facebook_ads, tiktok_ads and google_ads."
  }
}

variable "airbyte_sync" {
  description = "Whether check-sources starts the Airbyte sync of a stale source (docs/connectors.md, Airbyte sync): creates the pulse-airbyte-api-token secret, readable by check-sources only; the connections go in var.settings.airbyte."
  type        = bool
  default     = false
}

variable "google_ads_send_developer_token" {
  description = "Whether the Google Ads connector still sends a developer token from before Google's sunset of developer tokens (9 September 2026; the API servers ignore the header): creates the pulse-google-ads-developer-token secret from connector_credentials' google_ads_developer_token. Off, no such secret exists and the connector runs with google_ads_oauth alone (API access is that of the Google Cloud project owning the OAuth client)."
  type        = bool
  default     = false
}

variable "connector_credentials" {
  description = "The enabled connectors' credentials, by secret: shopify_access_token (an admin custom app's token, or a Dev Dashboard app's client_id and client_secret as JSON), meta_access_token, tiktok_access_token, google_ads_oauth (JSON), google_ads_developer_token only when google_ads_send_developer_token is on, and airbyte_api_token (the Airbyte application's client_id and client_secret as JSON) when airbyte_sync is on. Written to Secret Manager and never to the Terraform state (ephemeral, write-only)."
  type        = map(string)
  default     = {}
  sensitive   = true
  ephemeral   = true
}

variable "secret_values_version" {
  description = "The version number of every secret that secret_versions does not name. Raising it writes a new version of each of those secrets, the PII key's included, from the values exported at that apply: to rotate one secret, raise its own number in secret_versions instead (infra/README.md, Rotating a secret)."
  type        = number
  default     = 1
}

variable "secret_versions" {
  description = "Per secret, the version number of its value, e.g. { smtp_url = 2 }: raising one secret's number writes a new version of that secret only (and redeploys only the functions that read it); the others keep theirs. Keys: pii_hash_key, smtp_url, and the connector, chat and Airbyte secrets of locals.tf (secret_declarations). A secret not named is at secret_values_version."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.secret_versions) : contains(keys(local.secret_declarations), key)])
    error_message = "secret_versions names a secret that does not exist; its keys are those of local.secret_declarations (pii_hash_key, smtp_url, …)."
  }
}

variable "pii_hash_key_secret_id" {
  description = "Secret Manager secret holding the HMAC key for emails and phones (at least 32 characters). Terraform creates the secret and its versions; the values never reach the state."
  type        = string
  default     = "pulse-pii-hash-key"
}

variable "smtp_url_secret_id" {
  description = "Secret Manager secret holding smtp://user:pass@host:587. Terraform creates the secret and its versions; the values never reach the state."
  type        = string
  default     = "pulse-smtp-url"
}

variable "pii_hash_key_readers" {
  description = "Functions (step names, or dead-letter) that read the PII hashing key: the steps that hash."
  type        = list(string)
  default     = ["transform"]
}

variable "smtp_url_readers" {
  description = "Functions (step names, or dead-letter) that read the SMTP URL: the ones that send mail."
  type        = list(string)
  default     = ["notify", "dead-letter"]
}

variable "url_signers" {
  # Only the summary email links the deck and the dashboard page; the failure email (notify's and the dead-letter
  # function's) links nothing, so the dead-letter function may not sign.
  description = "Functions that put signed links (v4 signed URLs, signed through the IAM API with their own identity) in what they send."
  type        = list(string)
  default     = ["notify"]
}

variable "max_delivery_attempts" {
  # A duplicate delivery that finds its step still running is answered with an error and retried: with the
  # backoff doubling from 10 s, 10 deliveries wait about 40 minutes in all, past the longest step (540 s) and its
  # 60 s claim; 5 waited about 150 s and dead-lettered a long transform's duplicate as a false alarm.
  description = "Deliveries of one message to a step before it goes to the dead-letter topic (5–100)."
  type        = number
  default     = 10
}

variable "retry_minimum_backoff" {
  description = "Shortest wait before Pub/Sub redelivers a message that failed."
  type        = string
  default     = "10s"
}

variable "retry_maximum_backoff" {
  description = "Longest wait before Pub/Sub redelivers a message that failed."
  type        = string
  default     = "600s"
}

variable "max_instances" {
  description = "Most instances per function (the chain runs one message at a time per step)."
  type        = number
  default     = 3
}

variable "extract_retention_days" {
  description = "Days the dated extracts (extracts/<name>/dt=…, with their export shards) are kept; extracts/latest/ and reports/ are kept."
  type        = number
  default     = 90
}

variable "noncurrent_version_days" {
  description = "Days overwritten or deleted versions of the run ledger (runs/) and state (state/) are kept, to audit or restore them."
  type        = number
  default     = 30
}

variable "analysts_run_queries" {
  description = "Give analysts_group roles/bigquery.jobUser on the project, so they can query the marts they may read (Looker Studio's BigQuery connector and ad-hoc questions run jobs as the viewer)."
  type        = bool
  default     = true
}

variable "alert_emails" {
  description = "Who Cloud Monitoring notifies (function errors, dead letters, no finished run): independent of the pipeline's SMTP server. Empty: the alerts still open incidents in the console, notifying nobody."
  type        = list(string)
  default     = []
}

variable "run_deadline_minutes" {
  description = "Minutes after the nightly start by which the run must have finished (the summary sent): past it, the heartbeat alert opens. With the default schedule (07:00 UTC) 60 means 08:00 UTC."
  type        = number
  default     = 60
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) to hold the monthly budget. Empty: no budget (the deployer then needs no billing permission)."
  type        = string
  default     = ""
}

variable "monthly_budget" {
  description = "Monthly budget of the project, in budget_currency; alerts at 50 %, 90 % and 100 % (actual) and 100 % (forecast)."
  type        = number
  default     = 50
}

variable "budget_currency" {
  description = "Currency of monthly_budget: must be the billing account's currency."
  type        = string
  default     = "USD"
}

variable "build_images_kept" {
  description = "Function build images kept per function in the Artifact Registry repository (older ones are deleted by its cleanup policy)."
  type        = number
  default     = 3
}

variable "link_ttl_seconds" {
  description = "Lifetime of the signed links in the emails (v4 signed URLs: at most 604800, 7 days)."
  type        = number
  default     = 604800

  validation {
    condition     = var.link_ttl_seconds > 0 && var.link_ttl_seconds <= 604800
    error_message = "link_ttl_seconds must be between 1 and 604800 (7 days)."
  }
}

variable "file_droppers" {
  description = "Members who may drop exports into raw/inbox/ (e.g. [\"user:founder@your-shop.com\"]): object creation there only, no read anywhere in the bucket."
  type        = list(string)
  default     = []
}
