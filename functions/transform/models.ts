// The SQL models in build order: staging → unified → marts. Each is sql/<layer>/<name>.sql and becomes the
// table <layer>.<name>. Partitioned models are rebuilt for the run window only; the others whole.

export type Layer = "staging" | "unified" | "marts";

export interface ModelDefinition {
  name: string;
  layer: Layer;
  /** Date column the table is partitioned on (BigQuery) and replaced by (the run window). */
  partitionColumn?: string;
  clusterBy?: readonly string[];
}

export const MODELS: readonly ModelDefinition[] = [
  { name: "stg_shopify_orders", layer: "staging", partitionColumn: "order_date", clusterBy: ["order_id"] },
  {
    name: "stg_shopify_line_items",
    layer: "staging",
    partitionColumn: "order_date",
    clusterBy: ["product_id"],
  },
  { name: "stg_shopify_products", layer: "staging", clusterBy: ["product_id"] },
  { name: "stg_facebook_ads", layer: "staging", partitionColumn: "date", clusterBy: ["campaign_id"] },
  { name: "stg_tiktok_ads", layer: "staging", partitionColumn: "date", clusterBy: ["campaign_id"] },
  { name: "stg_google_ads", layer: "staging", partitionColumn: "date", clusterBy: ["campaign_id"] },
  { name: "ads_daily", layer: "unified", partitionColumn: "date", clusterBy: ["platform", "campaign_id"] },
  { name: "shopify_orders", layer: "unified", partitionColumn: "order_date", clusterBy: ["channel"] },
  { name: "daily_kpis", layer: "marts", partitionColumn: "date" },
  { name: "marketing_daily_channel", layer: "marts", partitionColumn: "date", clusterBy: ["channel"] },
  { name: "product_daily_sales", layer: "marts", partitionColumn: "date", clusterBy: ["product_id"] },
];

export function modelPath(model: ModelDefinition): string {
  return `${model.layer}/${model.name}.sql`;
}
