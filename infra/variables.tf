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
  description = "Cron schedule of the nightly run, in time_zone."
  type        = string
  default     = "0 2 * * *"
}

variable "time_zone" {
  description = "The shop's IANA time zone: when the nightly run starts, and what a business day is (PULSE_TIMEZONE)."
  type        = string
  default     = "America/New_York"
}

variable "shop_name" {
  description = "Shown in the deck and the email."
  type        = string
  default     = "Maison Demo"
}

variable "currency" {
  description = "ISO 4217 currency of the shop."
  type        = string
  default     = "USD"
}

variable "locale" {
  description = "Locale for number and date formatting."
  type        = string
  default     = "en-US"
}

variable "email_from" {
  description = "Sender of the daily summary and failure emails."
  type        = string
  default     = "DTC Pulse <pulse@example.com>"
}

variable "email_to" {
  description = "Comma-separated recipients of the emails."
  type        = string
  default     = "founder@example.com"
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

variable "pii_hash_key_secret_id" {
  description = "Secret Manager secret holding the HMAC key for emails and phones (at least 32 characters). Terraform creates the secret, never its value."
  type        = string
  default     = "pulse-pii-hash-key"
}

variable "smtp_url_secret_id" {
  description = "Secret Manager secret holding smtp://user:pass@host:587. Terraform creates the secret, never its value."
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
  description = "Functions that put signed links (v4 signed URLs, signed through the IAM API with their own identity) in what they send."
  type        = list(string)
  default     = ["notify", "dead-letter"]
}

variable "max_delivery_attempts" {
  description = "Deliveries of one message to a step before it goes to the dead-letter topic (5–100)."
  type        = number
  default     = 5
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
