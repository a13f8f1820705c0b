// Settings of the source connectors (functions/ingest/connectors/) and of the API-vs-warehouse reconciliation
// (functions/check-sources/reconciliation.ts), under `connectors` in the settings file. Every connector is off
// unless enabled, so a shop that lands its data with Airbyte or file drops needs nothing here. Credentials are
// never settings: they are secrets (SECRET_OPTIONS in options.ts), read through the Secrets port.
import { z } from "zod";

const accountId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "expected an account id");
/** The platform's own endpoint unless set: a local server for tests and the demo (tools/demo-apis.ts). */
const baseUrl = z.url().optional();

/** Requests that fail with 429 or 5xx are retried this many times in all, waiting at most maxDelaySeconds. */
const RetrySettingsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(5),
  maxDelaySeconds: z.number().positive().max(300).default(60),
  /** One request, its answer included, at most this long; then it counts as a failed attempt. */
  requestTimeoutSeconds: z.number().positive().max(540).default(120),
});

/** A shop's own domain at Shopify, <name>.myshopify.com: the Admin API and the OAuth token endpoint live there. */
const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;
const SHOP_DOMAIN_HELP =
  "set connectors.shopify.shopDomain to the shop's <name>.myshopify.com (Shopify admin → Settings → Domains), without https://";

const ShopifyFields = z.strictObject({
  enabled: z.boolean().default(false),
  /** The shop's myshopify domain, e.g. maison-lune.myshopify.com: required once the connector is enabled. */
  shopDomain: z.string().regex(MYSHOPIFY_DOMAIN, SHOP_DOMAIN_HELP).optional(),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$/, "expected a version such as 2026-10")
    .default("2026-10"),
  /** Orders per GraphQL page (Shopify allows 250). */
  pageSize: z.number().int().min(1).max(250).default(100),
  /** On the first run (no cursor yet), orders updated in this many days before the run date are pulled. */
  initialDays: z.number().int().min(1).max(730).default(60),
  /** Minutes re-read before the cursor, so an order saved in the same second as the last one is not missed. */
  overlapMinutes: z.number().int().min(0).max(1440).default(10),
  /** A first run whose initialDays exceed this pulls orders with one bulk operation (a JSONL file) instead of pages. */
  bulkThresholdDays: z.number().int().min(1).max(730).default(90),
  /** Seconds between two polls of a running bulk operation. */
  bulkPollSeconds: z.number().int().min(1).max(600).default(10),
  /** Polls of a run's bulk operations (orders, customers and products share them) before one still running is
   * given up (the next run polls it again); polling stops sooner when the next poll's wait would end after ingest's
   * deadline (connectorDeadline), as the 40 polls of 10 s may, after the time the step has already spent. */
  bulkMaxPolls: z.number().int().min(1).max(10000).default(40),
  baseUrl,
});

// An enabled connector without its shop would only fail at run time, against no shop at all.
const ShopifySchema = ShopifyFields.refine(
  (shopify) => !shopify.enabled || shopify.shopDomain !== undefined,
  {
    path: ["shopDomain"],
    message: `the Shopify connector is enabled: ${SHOP_DOMAIN_HELP}`,
  },
);

const lookbackDays = (fallback: number) => z.number().int().min(1).max(90).default(fallback);
/**
 * The account's history a connector pulls, in days before the run date of its first run (at least its lookbackDays):
 * 60 unless set, as Shopify's initialDays, so that a new shop's first orders and ad spend cover the same days (ROAS
 * and MER of a day with orders and no spend pulled would read as if nothing was spent). 400 reaches a year back and a
 * month, for year-on-year comparisons. Beyond the newest MAX_PULL_DAYS (ad-range.ts), the same run pulls
 * historyRangesPerRun more ranges of 90 days, the next runs the rest. Meta keeps 37 months of insights.
 */
const initialDays = z.number().int().min(1).max(1095).default(60);
/**
 * Ranges of owed history (90 days each, newest first) one run pulls after the newest days: 4 unless set, so that a
 * first run with initialDays 400 lands it all (90 + 360 days). A range after a run's first is begun only while it
 * would end 4 minutes before ingest's deadline (the newest days of the other accounts and connectors come first).
 */
const historyRangesPerRun = z.number().int().min(1).max(13).default(4);

const MetaSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Ad account ids, with or without the act_ prefix. */
  accountIds: z.array(accountId).default([]),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, "expected a version such as v24.0")
    .default("v24.0"),
  /** Days re-pulled every run: Meta restates conversions for up to 28 days (its attribution window). */
  lookbackDays: lookbackDays(28),
  initialDays,
  historyRangesPerRun,
  pageSize: z.number().int().min(1).max(5000).default(500),
  /** Ranges longer than this many days are requested as an asynchronous report run. */
  asyncAboveDays: z.number().int().min(1).max(400).default(31),
  /** Above this share of any usage header's budget (x-app-usage, x-business-use-case-usage), wait before the next call. */
  usageThrottlePercent: z.number().min(1).max(100).default(75),
  baseUrl,
});

const TikTokSchema = z.strictObject({
  enabled: z.boolean().default(false),
  advertiserIds: z.array(accountId).default([]),
  lookbackDays: lookbackDays(7),
  initialDays,
  historyRangesPerRun,
  /** Rows per report page (TikTok allows 1000). */
  pageSize: z.number().int().min(1).max(1000).default(1000),
  baseUrl,
});

const GoogleAdsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Customer ids, digits only or with dashes (123-456-7890). */
  customerIds: z.array(accountId).default([]),
  /** The manager account the token reaches the customers through (the login-customer-id header), if any. */
  loginCustomerId: accountId.optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+$/, "expected a version such as v25")
    .default("v25"),
  lookbackDays: lookbackDays(14),
  initialDays,
  historyRangesPerRun,
  baseUrl,
  /** Google's OAuth token endpoint unless set. */
  tokenUrl: baseUrl,
});

const ReconciliationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** A metric whose warehouse total differs from the API's by more than this share is a mismatch. */
  tolerance: z.number().min(0).max(1).default(0.02),
  /** Days compared, ending `endOffsetDays` before the run date (the routine: 14 days ending two days before). */
  windowDays: z.number().int().min(1).max(90).default(14),
  endOffsetDays: z.number().int().min(0).max(30).default(2),
});

export const ConnectorSettingsSchema = z.strictObject({
  shopify: ShopifySchema.prefault({}),
  facebook_ads: MetaSchema.prefault({}),
  tiktok_ads: TikTokSchema.prefault({}),
  google_ads: GoogleAdsSchema.prefault({}),
  retry: RetrySettingsSchema.prefault({}),
  reconciliation: ReconciliationSchema.prefault({}),
});

export type ConnectorSettings = z.output<typeof ConnectorSettingsSchema>;
export type ShopifySettings = ConnectorSettings["shopify"];
export type MetaSettings = ConnectorSettings["facebook_ads"];
export type TikTokSettings = ConnectorSettings["tiktok_ads"];
export type GoogleAdsSettings = ConnectorSettings["google_ads"];
export type RetrySettings = ConnectorSettings["retry"];
export type ReconciliationSettings = ConnectorSettings["reconciliation"];

/** The shop's domain of an enabled connector (the settings refuse an enabled one without it). */
export function shopDomainOf(settings: ShopifySettings): string {
  if (!settings.shopDomain) throw new Error(SHOP_DOMAIN_HELP);
  return settings.shopDomain;
}
