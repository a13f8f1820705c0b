// Every setting of DTC Pulse, declared once: where it sits in the configuration (and the settings file), its
// command-line flag and environment variable, its default, its validator and its help. The parser
// (config.ts), the command line's `--help` and the README's table (npm run docs) are all built from this table,
// in the manner of functions-framework's options.
import { z } from "zod";
import { MAX_SIGNED_URL_SECONDS } from "./ports.ts";
import { isIsoDate } from "../lib/calendar.ts";
import { QualitySettingsSchema } from "./quality-settings.ts";
import { ConnectorSettingsSchema } from "./connector-settings.ts";
import { AirbyteSettingsSchema } from "./airbyte-settings.ts";

/** How the text of a flag or an environment variable becomes the value. */
export type TextKind = "text" | "number" | "list";

export interface OptionDeclaration<Schema extends z.ZodType = z.ZodType> {
  /** A command-line flag, without the leading dashes. */
  flag?: string;
  /** Environment variables, the first one set wins; an empty variable counts as unset. */
  env?: readonly string[];
  /** How a flag's or a variable's text is read (default "text"). */
  kind?: TextKind;
  /** The flag's value in the help, e.g. DIR. */
  metavar?: string;
  /** Settable by flag or variable only (the work dir holds the settings file, so the file cannot move it). */
  notInSettingsFile?: true;
  default?: z.input<Schema>;
  /** Shown in the help instead of the default value. */
  defaultHelp?: string;
  schema: Schema;
  help: string;
}

const GIB = 1024 ** 3;

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, "expected an IANA time zone such as America/New_York");

/**
 * A locale that this runtime's Intl formats itself: a malformed one ("fr_FR") throws where the report formats
 * money, and an unknown one ("xx") would fall back to another locale's formats without a word.
 */
const locale = z.string().refine((value) => {
  try {
    return Intl.NumberFormat.supportedLocalesOf([value]).length > 0;
  } catch {
    return false;
  }
}, "expected a BCP 47 locale that the runtime formats, such as en-US, fr-FR or de-DE");

/**
 * One mailbox: "local@domain" or "Display Name <local@domain>". No control characters (a newline plus "Bcc:"
 * would inject a header), no list separators (one mailbox per entry).
 */
const ADDRESS = String.raw`[^\s<>@,;"()\[\]\\]+@[^\s<>@,;"()\[\]\\]+`;
const MAILBOX = new RegExp(String.raw`^(?:${ADDRESS}|(?:"[^"\\]*"|[^<>@,;"\\]*)\s*<${ADDRESS}>)$`);
export function isMailbox(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  return !/[\u0000-\u001f\u007f]/.test(value) && MAILBOX.test(value.trim());
}
const mailbox = z
  .string()
  .min(3)
  .refine(
    isMailbox,
    'expected one email address, "name@example.com" or "Name <name@example.com>", with no line breaks',
  );

const option = <Schema extends z.ZodType>(declaration: OptionDeclaration<Schema>) => declaration;

/**
 * The settings, by their dotted path in the configuration and in the settings file. Secrets are not among
 * them: they are read through the Secrets port (SECRET_OPTIONS), by the steps that need them only.
 */
export const SETTING_OPTIONS = {
  mode: option({
    env: ["PULSE_RUNTIME"],
    default: "local",
    schema: z.enum(["local", "cloud"]),
    help: "local: DuckDB, a folder and an outbox; cloud: BigQuery, Cloud Storage, Pub/Sub and SMTP",
  }),
  "shop.name": option({
    env: ["PULSE_SHOP_NAME"],
    default: "Maison Demo",
    schema: z.string().min(1).max(80),
    help: "shown in the deck and the email",
  }),
  "shop.timezone": option({
    env: ["PULSE_TIMEZONE"],
    default: "America/New_York",
    schema: timeZone,
    help: "the shop's time zone (defines order days)",
  }),
  "shop.country": option({
    env: ["PULSE_COUNTRY"],
    default: "US",
    schema: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166 country code such as US or GB"),
    help: "the shop's main market: its retail calendar (Black Friday weekend, holidays) explains spikes in the anomaly checks and the deck",
  }),
  "shop.currency": option({
    env: ["PULSE_CURRENCY"],
    default: "USD",
    schema: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code such as USD"),
    help: "the shop's currency (money formatting)",
  }),
  "shop.locale": option({
    env: ["PULSE_LOCALE"],
    default: "en-US",
    schema: locale,
    help: "locale for numbers and dates",
  }),
  "exchangeRates.source": option({
    env: ["PULSE_EXCHANGE_RATES_SOURCE"],
    default: "ecb",
    schema: z.enum(["ecb", "files"]),
    help: "ecb: ingest fetches the exchange rates ad spend in another currency needs from the ECB Data Portal; files: only fx_rates.csv drops (see Ad spend in another currency)",
  }),
  "exchangeRates.baseUrl": option({
    env: ["PULSE_EXCHANGE_RATES_URL"],
    default: "https://data-api.ecb.europa.eu/service/data/EXR",
    schema: z.url(),
    help: "the ECB Data Portal's EXR data resource the rates are fetched from",
  }),
  "email.from": option({
    env: ["PULSE_EMAIL_FROM"],
    default: "DTC Pulse <pulse@localhost>",
    schema: mailbox,
    help: "sender of the summary and failure emails",
  }),
  "email.to": option({
    env: ["PULSE_EMAIL_TO"],
    kind: "list",
    default: ["founder@localhost"],
    schema: z.array(mailbox).min(1),
    help: "recipients (comma-separated in the variable, a list in the settings file)",
  }),
  "chat.kind": option({
    env: ["PULSE_CHAT_KIND"],
    defaultHelp: "— (no chat alerts)",
    schema: z.enum(["slack", "google-chat"]).optional(),
    help: "post each step's critical findings at once to a Slack or Google Chat incoming webhook (its URL is the chatWebhookUrl secret)",
  }),
  dashboardUrl: option({
    env: ["PULSE_DASHBOARD_URL"],
    schema: z.url().optional(),
    help: "the Looker Studio dashboard linked from the email",
  }),
  deckPeriod: option({
    env: ["PULSE_DECK_PERIOD"],
    default: "monthly",
    schema: z.enum(["monthly", "weekly"]),
    help: "the deck compares month to date and the last full month, or week to date and the last full week",
  }),
  lookbackDays: option({
    env: ["PULSE_LOOKBACK_DAYS"],
    kind: "number",
    default: 7,
    schema: z.number().int().min(0).max(90),
    help: "days before the run date that every incremental model rebuilds (late refunds and attribution)",
  }),
  lateLandingHours: option({
    env: ["PULSE_LATE_LANDING_HOURS"],
    kind: "number",
    default: 24,
    schema: z.number().int().min(0).max(168),
    help: "hours before each raw table's newest extraction read in which a sync may land rows after the transform (batches out of order): the next one rebuilds their days, and ingest's next check of ad days without an exchange rate reads them again; 0: off",
  }),
  quality: option({
    default: {},
    defaultHelp: "every check's default",
    schema: QualitySettingsSchema,
    help: "thresholds of the checks and anomaly sensitivity, settings file only (see Checks and anomaly detection)",
  }),
  logLevel: option({
    env: ["PULSE_LOG_LEVEL"],
    default: "info",
    schema: z.preprocess(
      (value) => (typeof value === "string" ? value.toLowerCase() : value),
      z.enum(["debug", "info", "warn", "error"]),
    ),
    help: "the functions' log level",
  }),
  workDir: option({
    flag: "work-dir",
    metavar: "DIR",
    notInSettingsFile: true,
    env: ["PULSE_WORK_DIR"],
    default: ".pulse",
    schema: z.string().min(1),
    help: "where the local warehouse, bucket, outbox, secrets and settings file live",
  }),
  "local.duckdbMemoryLimit": option({
    env: ["PULSE_DUCKDB_MEMORY_LIMIT"],
    defaultHelp: "DuckDB's default",
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, "expected a size such as 600MB")
      .optional(),
    help: "DuckDB's memory ceiling: past it DuckDB spills to disk instead of growing",
  }),
  "local.extractRetentionDays": option({
    env: ["PULSE_EXTRACT_RETENTION_DAYS"],
    kind: "number",
    default: 90,
    schema: z.number().int().min(1),
    help: "days the local bucket keeps each run's dated extracts (extracts/<name>/dt=…), as the cloud bucket's lifecycle rule does (Terraform's extract_retention_days); extracts/latest/ and the decks stay",
  }),
  "demo.seed": option({
    env: ["PULSE_DEMO_SEED"],
    kind: "number",
    default: 42,
    schema: z.number().int(),
    help: "seed of the demo shop's random generator",
  }),
  "demo.ordersPerDay": option({
    flag: "orders-per-day",
    env: ["PULSE_DEMO_ORDERS_PER_DAY"],
    kind: "number",
    default: 300,
    schema: z.number().positive(),
    help: "average orders per day of the demo shop",
  }),
  "demo.days": option({
    flag: "days",
    env: ["PULSE_DEMO_DAYS"],
    kind: "number",
    default: 730,
    schema: z.number().int().min(30),
    help: "days of demo history",
  }),
  "demo.endDate": option({
    flag: "end-date",
    metavar: "DATE",
    env: ["PULSE_DEMO_END_DATE"],
    defaultHelp: "yesterday in the shop's time zone",
    schema: z.string().refine(isIsoDate, "expected a date as YYYY-MM-DD").optional(),
    help: "last day of demo data",
  }),
  "cloud.projectId": option({
    env: ["PULSE_PROJECT_ID", "GOOGLE_CLOUD_PROJECT"],
    default: "dtc-pulse-local",
    schema: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
        "expected a Google Cloud project id such as my-shop-analytics",
      ),
    help: "Google Cloud project (locally: the Pub/Sub emulator's)",
  }),
  "cloud.location": option({
    env: ["PULSE_BQ_LOCATION"],
    default: "US",
    schema: z.string().min(2),
    help: "BigQuery location of the datasets and jobs (US, EU or a region)",
  }),
  "cloud.bucket": option({
    env: ["PULSE_BUCKET"],
    defaultHelp: "— (required in the cloud)",
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "expected a bucket name (no gs:// prefix)")
      .optional(),
    help: "Cloud Storage bucket of extracts, decks, file drops and the run ledger",
  }),
  "cloud.datasetPrefix": option({
    env: ["PULSE_DATASET_PREFIX"],
    default: "",
    schema: z.string().regex(/^[A-Za-z0-9_]*$/, "letters, digits and _ only"),
    help: 'prepended to the dataset names (e.g. "dev_" → dev_raw, dev_staging, …)',
  }),
  "cloud.maximumBytesBilled": option({
    env: ["PULSE_MAX_BYTES_BILLED"],
    kind: "number",
    default: 10 * GIB,
    schema: z.number().int().positive(),
    help: "ceiling on the bytes billed by any one BigQuery job",
  }),
  "cloud.piiHashKeySecret": option({
    env: ["PULSE_PII_HASH_KEY_SECRET"],
    default: "pulse-pii-hash-key",
    schema: z.string().min(1),
    help: "Secret Manager secret of the PII hashing key",
  }),
  "cloud.smtpUrlSecret": option({
    env: ["PULSE_SMTP_URL_SECRET"],
    default: "pulse-smtp-url",
    schema: z.string().min(1),
    help: "Secret Manager secret of the SMTP URL",
  }),
  "cloud.linkTtlSeconds": option({
    env: ["PULSE_LINK_TTL_SECONDS"],
    kind: "number",
    default: MAX_SIGNED_URL_SECONDS,
    schema: z.number().int().positive().max(MAX_SIGNED_URL_SECONDS),
    help: "lifetime of the signed links in the emails (at most 7 days)",
  }),
  "cloud.environment": option({
    env: ["PULSE_ENVIRONMENT"],
    default: "",
    schema: z.string().regex(/^[a-z0-9_-]{0,63}$/, "expected a label value: a-z, 0-9, _ and -"),
    help: "label on every BigQuery job, e.g. prod",
  }),
  "cloud.codeVersion": option({
    env: ["PULSE_CODE_VERSION"],
    default: "",
    schema: z.string().regex(/^[A-Za-z0-9._-]{0,64}$/, "expected a version: letters, digits, . _ and -"),
    help: "the deployed code's version (the Terraform sets the source archive's MD5): a run's email reuses its deck's data only from the same code",
  }),
  "looker.templateReportId": option({
    env: ["PULSE_LOOKER_TEMPLATE_REPORT_ID"],
    defaultHelp: "— (none: `looker-url` prints one report link per extract)",
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{6,100}$/,
        "expected a Looker Studio report id (in the report's URL, between reporting/ and /page)",
      )
      .optional(),
    help: "Looker Studio report that `looker-url` copies, its data sources bound to the extracts (docs/dashboard.md)",
  }),
  connectors: option({
    default: {},
    defaultHelp: "every connector off; reconciliation 2 % over 14 days ending 2 days before the run date",
    schema: ConnectorSettingsSchema,
    help: "the platform API connectors (Shopify, Meta, TikTok, Google Ads) and the reconciliation, settings file only (see Connectors)",
  }),
  airbyte: option({
    default: {},
    defaultHelp: "off; Airbyte Cloud's API",
    schema: AirbyteSettingsSchema,
    help: "start a stale source's Airbyte sync (enabled, apiUrl, connections, …), settings file only (see Airbyte sync)",
  }),
} as const;

export type SettingPath = keyof typeof SETTING_OPTIONS;

/**
 * Where the settings come from besides the defaults and the environment: a settings file, or (in the cloud) its
 * content in a variable. Neither is itself a setting.
 */
export const SETTINGS_SOURCE_OPTIONS = {
  settingsFile: option({
    flag: "config",
    metavar: "FILE",
    env: ["PULSE_CONFIG"],
    defaultHelp: "<work dir>/pulse.config.json",
    schema: z.string().min(1).optional(),
    help: 'the settings file (JSON with "version": 1); only a file named here must exist',
  }),
  settingsJson: option({
    env: ["PULSE_SETTINGS"],
    schema: z.string().min(1).optional(),
    help: "the settings file's content, as JSON (the cloud: Terraform's `settings` variable); replaces the file",
  }),
} as const;

/** Secrets: never in the configuration nor in the settings file, read through the Secrets port when needed. */
export const SECRET_OPTIONS = {
  piiHashKey: option({
    env: ["PULSE_PII_HASH_KEY"],
    defaultHelp: "generated in <work dir>/secrets/ (cloud: Secret Manager)",
    schema: z.string().min(32, "the PII hashing key must be at least 32 characters"),
    help: "the HMAC key of emails and phones (at least 32 characters)",
  }),
  smtpUrl: option({
    env: ["PULSE_SMTP_URL"],
    defaultHelp: "<work dir>/secrets/smtp-url, else the outbox (cloud: Secret Manager)",
    schema: z.url(),
    help: "`smtp://user:pass@host:587`: send mail for real instead of writing it to the outbox",
  }),
  chatWebhookUrl: option({
    env: ["PULSE_CHAT_WEBHOOK_URL"],
    defaultHelp: "<work dir>/secrets/chat-webhook-url (cloud: Secret Manager)",
    schema: z.url(),
    help: "the incoming webhook URL of the Slack or Google Chat space that gets the critical findings, when chat.kind is set",
  }),
  shopifyAccessToken: option({
    env: ["PULSE_SHOPIFY_ACCESS_TOKEN"],
    defaultHelp: "<work dir>/secrets/shopify-access-token (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: 'Shopify Admin API access token (shpat_…) of an admin custom app, or a Dev Dashboard app\'s {"client_id","client_secret"} as JSON, when the Shopify connector is on',
  }),
  metaAccessToken: option({
    env: ["PULSE_META_ACCESS_TOKEN"],
    defaultHelp: "<work dir>/secrets/meta-access-token (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: "Meta Marketing API system-user token with ads_read, when the Meta connector is on",
  }),
  tiktokAccessToken: option({
    env: ["PULSE_TIKTOK_ACCESS_TOKEN"],
    defaultHelp: "<work dir>/secrets/tiktok-access-token (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: "TikTok Business API access token with reporting permission, when the TikTok connector is on",
  }),
  googleAdsDeveloperToken: option({
    env: ["PULSE_GOOGLE_ADS_DEVELOPER_TOKEN"],
    defaultHelp: "<work dir>/secrets/google-ads-developer-token, else none (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: "optional: a Google Ads API developer token from before Google's sunset (9 September 2026), sent in the developer-token header only when set (Google ignores it)",
  }),
  googleAdsOauth: option({
    env: ["PULSE_GOOGLE_ADS_OAUTH"],
    defaultHelp: "<work dir>/secrets/google-ads-oauth (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: 'Google Ads OAuth client and refresh token as JSON: {"client_id","client_secret","refresh_token"}',
  }),
  airbyteApiToken: option({
    env: ["PULSE_AIRBYTE_API_TOKEN"],
    defaultHelp: "<work dir>/secrets/airbyte-api-token (cloud: Secret Manager)",
    schema: z.string().min(8),
    help: 'an Airbyte application {"client_id","client_secret"} as JSON, or an access token, when the Airbyte sync is on',
  }),
} as const;

export type SecretName = keyof typeof SECRET_OPTIONS;

/**
 * The secrets a connector uses when they are set and runs without: Google sunset Google Ads API developer tokens
 * on 9 September 2026 (access now belongs to the Cloud project owning the OAuth client, and the API servers
 * ignore the header), so the token is sent only by installations that still have one.
 */
export const OPTIONAL_SECRETS: ReadonlySet<SecretName> = new Set<SecretName>(["googleAdsDeveloperToken"]);

/** Every declaration, for the help and the README's table. */
export const ALL_OPTIONS: readonly (readonly [string, OptionDeclaration])[] = [
  ...Object.entries(SETTING_OPTIONS),
  ...Object.entries(SETTINGS_SOURCE_OPTIONS),
  ...Object.entries(SECRET_OPTIONS),
];

function defaultText(declaration: OptionDeclaration): string {
  if (declaration.defaultHelp !== undefined) return declaration.defaultHelp;
  if (declaration.default === undefined || declaration.default === "") return "—";
  return Array.isArray(declaration.default) ? declaration.default.join(", ") : String(declaration.default);
}

/** The README's table of settings (between the options-table markers), one row per declaration. */
export function optionsMarkdownTable(): string {
  const fileKey = (path: string, declaration: OptionDeclaration) =>
    path in SETTING_OPTIONS && !declaration.notInSettingsFile
      ? `\`${path}\``
      : path in SECRET_OPTIONS
        ? "secret"
        : "—";
  const rows = ALL_OPTIONS.map(([path, declaration]) => [
    fileKey(path, declaration),
    declaration.env?.map((name) => `\`${name}\``).join(", ") ?? "—",
    declaration.flag ? `\`--${declaration.flag}\`` : "—",
    defaultText(declaration),
    declaration.help.replaceAll("|", "\\|"),
  ]);
  const header = ["settings file", "environment", "flag", "default", "meaning"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** Words of `text` in lines of at most `width` characters, every line after the first indented. */
export function wrapText(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  const [first = "", ...words] = text.split(" ");
  let line = first;
  for (const word of words) {
    if (word && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = `${line} ${word}`;
  }
  return [...lines, line].join("\n");
}

/** The command line's lines for the options that have a flag, generated from the table. */
export function flagsHelp(): string {
  return ALL_OPTIONS.flatMap(([, declaration]) => {
    if (!declaration.flag) return [];
    const value = declaration.metavar ?? (declaration.kind === "number" ? "N" : "VALUE");
    const env = declaration.env?.[0] ? `, or $${declaration.env[0]}` : "";
    const text = `${`  --${declaration.flag} ${value}`.padEnd(23)}${declaration.help} (default: ${defaultText(declaration)}${env})`;
    return [wrapText(text, 110, " ".repeat(23))];
  }).join("\n");
}
