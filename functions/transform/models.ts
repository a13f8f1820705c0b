// The SQL models in build order: staging → unified → marts. Each is sql/<layer>/<name>.sql and becomes the
// table <layer>.<name>. Partitioned models are rebuilt for the run window only; the others whole.

export type Layer = "staging" | "unified" | "marts";

export interface ModelDefinition {
  name: string;
  layer: Layer;
  /** Date column the table is partitioned on (BigQuery) and replaced by (the run window). */
  partitionColumn?: string;
  /** Monthly partitions start their window on the first day of the window's first month. */
  partitionGrain?: "day" | "month";
  clusterBy?: readonly string[];
  /** Keyed, undated tables: an incremental run merges the records that changed in the window by this key. */
  uniqueKey?: string;
}

export const MODELS: readonly ModelDefinition[] = [
  { name: "stg_shopify_orders", layer: "staging", partitionColumn: "order_date", clusterBy: ["order_id"] },
  {
    name: "stg_shopify_line_items",
    layer: "staging",
    partitionColumn: "order_date",
    clusterBy: ["product_id"],
  },
  { name: "stg_shopify_refunds", layer: "staging", partitionColumn: "order_date", clusterBy: ["order_id"] },
  { name: "stg_shopify_customers", layer: "staging", uniqueKey: "customer_id", clusterBy: ["customer_id"] },
  { name: "stg_shopify_products", layer: "staging", clusterBy: ["product_id"] },
  {
    name: "stg_facebook_ads_insights",
    layer: "staging",
    partitionColumn: "date",
    clusterBy: ["campaign_id"],
  },
  {
    name: "stg_tiktok_ads_reports_daily",
    layer: "staging",
    partitionColumn: "date",
    clusterBy: ["campaign_id"],
  },
  {
    name: "stg_google_ads_campaign_stats",
    layer: "staging",
    partitionColumn: "date",
    clusterBy: ["campaign_id"],
  },
  { name: "facebook_unified", layer: "unified", partitionColumn: "date", clusterBy: ["campaign_id"] },
  { name: "tiktok_unified", layer: "unified", partitionColumn: "date", clusterBy: ["campaign_id"] },
  { name: "google_ads_unified", layer: "unified", partitionColumn: "date", clusterBy: ["campaign_id"] },
  {
    name: "shopify_unified",
    layer: "unified",
    partitionColumn: "order_date",
    clusterBy: ["channel", "customer_key"],
  },
  { name: "marketing_unified", layer: "unified", partitionColumn: "date", clusterBy: ["channel"] },
  { name: "shopify_daily_metrics", layer: "marts", partitionColumn: "date" },
  { name: "daily_kpis", layer: "marts", partitionColumn: "date" },
  { name: "marketing_daily_channel", layer: "marts", partitionColumn: "date", clusterBy: ["channel"] },
  { name: "product_daily_sales", layer: "marts", partitionColumn: "date", clusterBy: ["product_id"] },
  {
    name: "marketing_unified_with_explanations",
    layer: "marts",
    partitionColumn: "date",
    clusterBy: ["channel"],
  },
  {
    name: "marketing_monthly_performance",
    layer: "marts",
    partitionColumn: "month",
    partitionGrain: "month",
    clusterBy: ["channel"],
  },
  {
    name: "channel_mix",
    layer: "marts",
    partitionColumn: "month",
    partitionGrain: "month",
    clusterBy: ["channel"],
  },
  {
    name: "product_performance",
    layer: "marts",
    partitionColumn: "month",
    partitionGrain: "month",
    clusterBy: ["product_id"],
  },
  { name: "premium_products", layer: "marts", partitionColumn: "month", partitionGrain: "month" },
  {
    name: "geographic_sales",
    layer: "marts",
    partitionColumn: "month",
    partitionGrain: "month",
    clusterBy: ["country_code"],
  },
  { name: "executive_summary_monthly", layer: "marts", partitionColumn: "month", partitionGrain: "month" },
  { name: "ltv_cohorts", layer: "marts", clusterBy: ["cohort_month"] },
];

export function modelPath(model: ModelDefinition): string {
  return `${model.layer}/${model.name}.sql`;
}
