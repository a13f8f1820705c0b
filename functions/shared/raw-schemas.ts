// Declared schemas of the raw tables, in BigQuery types, as Airbyte (destination-bigquery v2) lands them:
// typed top-level columns, nested objects and arrays as JSON, and the _airbyte_* bookkeeping columns.
// The demo generator, the file-drop ingest, the DuckDB DDL and the ZetaSQL catalog all read this one list.

export type BigQueryType =
  "STRING" | "INT64" | "FLOAT64" | "NUMERIC" | "BOOL" | "DATE" | "TIMESTAMP" | "JSON";

export interface ColumnSchema {
  name: string;
  type: BigQueryType;
  description?: string;
}

export type SourceName = "shopify" | "facebook_ads" | "tiktok_ads" | "google_ads";

/**
 * Where a raw table's rows come from: a platform the shop sells or advertises on, or the euro reference exchange
 * rates that turn an ad account's spend into the shop's currency (no platform of the shop's: never expected,
 * never stale, never reconciled).
 */
export type RawSource = SourceName | "exchange_rates";

export interface RawTableSchema {
  /** Table name inside the raw dataset. */
  name: string;
  source: RawSource;
  /** Column whose value dates the business event (for freshness and volume checks). */
  eventTimeColumn: string;
  columns: ColumnSchema[];
}

/**
 * How every raw table is laid out on BigQuery (infra/bigquery.tf, and ingest when it makes one): by day of
 * extraction, as Airbyte's destination makes its own, and refusing a query without a filter on that column, so
 * that no read scans the widest tables' whole history by mistake (test/sql/raw-partition-filters.test.ts).
 */
export const RAW_PARTITIONING = { column: "_airbyte_extracted_at", requireFilter: true } as const;

const airbyteColumns: ColumnSchema[] = [
  { name: "_airbyte_raw_id", type: "STRING" },
  { name: "_airbyte_extracted_at", type: "TIMESTAMP" },
  { name: "_airbyte_meta", type: "JSON" },
  { name: "_airbyte_generation_id", type: "INT64" },
];

/**
 * The columns of a Google Ads custom query's stream, day by day at the level below the campaign (`group`: ad groups,
 * or the asset groups of Performance Max campaigns), each named after its GAQL field as Airbyte names it; cost in
 * micros.
 */
function googleAdsGroupDayColumns(group: "ad_group" | "asset_group"): ColumnSchema[] {
  return googleAdsDayColumns([
    { name: `${group}_id`, type: "INT64" },
    { name: `${group}_name`, type: "STRING" },
  ]);
}

/**
 * The columns of a Google Ads custom query's stream day by day: the campaign's fields, then `level`'s (none for a
 * query FROM campaign), then the metrics.
 */
function googleAdsDayColumns(level: ColumnSchema[]): ColumnSchema[] {
  return [
    { name: "segments_date", type: "DATE" },
    { name: "customer_id", type: "INT64" },
    { name: "customer_currency_code", type: "STRING" },
    { name: "campaign_id", type: "INT64" },
    { name: "campaign_name", type: "STRING" },
    { name: "campaign_advertising_channel_type", type: "STRING" },
    ...level,
    { name: "metrics_cost_micros", type: "INT64" },
    { name: "metrics_impressions", type: "INT64" },
    { name: "metrics_clicks", type: "INT64" },
    { name: "metrics_conversions", type: "FLOAT64" },
    { name: "metrics_conversions_value", type: "FLOAT64" },
    ...airbyteColumns,
  ];
}

export const RAW_TABLES: readonly RawTableSchema[] = [
  {
    name: "shopify_orders",
    source: "shopify",
    eventTimeColumn: "created_at",
    columns: [
      { name: "id", type: "INT64" },
      { name: "name", type: "STRING", description: "order name as shown to the merchant, e.g. #1001" },
      { name: "email", type: "STRING", description: "PII: hashed in staging" },
      { name: "phone", type: "STRING", description: "PII: hashed in staging" },
      { name: "created_at", type: "TIMESTAMP" },
      { name: "updated_at", type: "TIMESTAMP" },
      { name: "processed_at", type: "TIMESTAMP" },
      { name: "cancelled_at", type: "TIMESTAMP" },
      { name: "currency", type: "STRING" },
      { name: "financial_status", type: "STRING" },
      { name: "fulfillment_status", type: "STRING" },
      {
        name: "subtotal_price",
        type: "NUMERIC",
        description: "line items after line discounts, before shipping and tax",
      },
      { name: "total_discounts", type: "NUMERIC" },
      { name: "total_tax", type: "NUMERIC" },
      {
        name: "total_shipping_price_set",
        type: "JSON",
        description: "{shop_money: {amount, currency_code}}",
      },
      { name: "total_price", type: "NUMERIC", description: "subtotal + shipping + tax + tips" },
      { name: "source_name", type: "STRING" },
      { name: "landing_site", type: "STRING", description: "landing URL path with the UTM query string" },
      { name: "referring_site", type: "STRING" },
      {
        name: "customer",
        type: "JSON",
        description: "{id, email, first_name, last_name, created_at, orders_count}",
      },
      {
        name: "line_items",
        type: "JSON",
        description: "[{id, product_id, variant_id, sku, title, quantity, price, total_discount}]",
      },
      { name: "refunds", type: "JSON", description: "[{id, created_at, transactions: [{amount, kind}]}]" },
      { name: "shipping_address", type: "JSON", description: "{country_code, province_code, city, zip}" },
      { name: "discount_codes", type: "JSON" },
      { name: "note_attributes", type: "JSON" },
      {
        name: "test",
        type: "BOOL",
        description:
          "a test order (Shopify's Order.test: Bogus gateway, test mode): left out of every figure",
      },
      {
        name: "total_tip_received",
        type: "NUMERIC",
        description: "the tips paid with the order (inside total_price): left out of revenue",
      },
      ...airbyteColumns,
    ],
  },
  {
    name: "shopify_customers",
    source: "shopify",
    eventTimeColumn: "updated_at",
    columns: [
      { name: "id", type: "INT64" },
      { name: "email", type: "STRING" },
      { name: "phone", type: "STRING" },
      { name: "first_name", type: "STRING" },
      { name: "last_name", type: "STRING" },
      { name: "created_at", type: "TIMESTAMP" },
      { name: "updated_at", type: "TIMESTAMP" },
      { name: "orders_count", type: "INT64" },
      { name: "total_spent", type: "NUMERIC" },
      { name: "currency", type: "STRING" },
      { name: "accepts_marketing", type: "BOOL" },
      { name: "default_address", type: "JSON" },
      ...airbyteColumns,
    ],
  },
  {
    name: "shopify_products",
    source: "shopify",
    eventTimeColumn: "updated_at",
    columns: [
      { name: "id", type: "INT64" },
      { name: "title", type: "STRING" },
      { name: "product_type", type: "STRING" },
      { name: "vendor", type: "STRING" },
      { name: "status", type: "STRING" },
      { name: "created_at", type: "TIMESTAMP" },
      { name: "updated_at", type: "TIMESTAMP" },
      {
        name: "variants",
        type: "JSON",
        description:
          "[{id, sku, price, title, gift_card}]: gift_card, the product's (a products export's Gift Card, isGiftCard)",
      },
      ...airbyteColumns,
    ],
  },
  {
    name: "facebook_ads_insights",
    source: "facebook_ads",
    eventTimeColumn: "date_start",
    columns: [
      { name: "date_start", type: "DATE" },
      { name: "date_stop", type: "DATE" },
      { name: "account_id", type: "STRING" },
      { name: "account_currency", type: "STRING" },
      { name: "campaign_id", type: "STRING" },
      { name: "campaign_name", type: "STRING" },
      { name: "adset_id", type: "STRING" },
      { name: "adset_name", type: "STRING" },
      { name: "ad_id", type: "STRING" },
      { name: "ad_name", type: "STRING" },
      { name: "spend", type: "FLOAT64" },
      { name: "impressions", type: "INT64" },
      { name: "clicks", type: "INT64" },
      { name: "reach", type: "INT64" },
      {
        name: "actions",
        type: "JSON",
        description: "[{action_type, value}], purchases as offsite_conversion.fb_pixel_purchase",
      },
      { name: "action_values", type: "JSON", description: "[{action_type, value}]" },
      ...airbyteColumns,
    ],
  },
  {
    name: "tiktok_ads_reports_daily",
    source: "tiktok_ads",
    eventTimeColumn: "stat_time_day",
    columns: [
      { name: "ad_id", type: "INT64" },
      { name: "advertiser_id", type: "INT64" },
      { name: "stat_time_day", type: "TIMESTAMP", description: "midnight of the reporting day" },
      { name: "dimensions", type: "JSON", description: "{ad_id, stat_time_day}" },
      {
        name: "metrics",
        type: "JSON",
        description:
          "{campaign_id, campaign_name, adgroup_id, adgroup_name, ad_name, spend, impressions, clicks, conversion, complete_payment (purchases), total_complete_payment_rate (the total purchase value, despite its name), complete_payment_roas, currency}",
      },
      ...airbyteColumns,
    ],
  },
  {
    name: "google_ads_campaign_stats",
    source: "google_ads",
    eventTimeColumn: "segments_date",
    columns: googleAdsGroupDayColumns("ad_group"),
  },
  {
    // Performance Max campaigns have asset groups, not ad groups: a query FROM ad_group returns none of their
    // spend. Airbyte lands them through a second custom query (docs/airbyte.md); the ingest step's own connector
    // lands them in google_ads_campaign_stats, an asset group in the ad group's columns.
    name: "google_ads_asset_group_stats",
    source: "google_ads",
    eventTimeColumn: "segments_date",
    columns: googleAdsGroupDayColumns("asset_group"),
  },
  {
    // Each campaign's own day (a custom query FROM campaign), whatever it has below it: Smart campaigns report
    // their metrics only there. Airbyte lands it through a third custom query (docs/airbyte.md), the ingest step's
    // connector lands it too; staging counts what a campaign's day holds beyond its groups' rows.
    name: "google_ads_campaign_totals",
    source: "google_ads",
    eventTimeColumn: "segments_date",
    columns: googleAdsDayColumns([]),
  },
  {
    // The ECB's euro foreign exchange reference rates, one row per TARGET working day and currency: how many units
    // of the currency one euro is worth (the ECB quotes every currency against the euro, e.g. 1.0856 USD). From
    // the ECB Data Portal's EXR series (D.<currency>.EUR.SP00.A), or from an fx_rates.csv the shop drops in the
    // inbox in the same terms.
    name: "fx_rates",
    source: "exchange_rates",
    eventTimeColumn: "date",
    columns: [
      { name: "date", type: "DATE" },
      { name: "currency", type: "STRING", description: "ISO 4217 code of the quoted currency" },
      { name: "rate", type: "NUMERIC", description: "units of the currency per euro on that day" },
      ...airbyteColumns,
    ],
  },
];

export function rawTable(name: string): RawTableSchema {
  const table = RAW_TABLES.find((candidate) => candidate.name === name);
  if (!table) throw new Error(`no raw table named ${name}`);
  return table;
}
