// The sources DTC Pulse expects, and the raw table that tells whether each one is fresh.
import type { SourceName } from "./raw-schemas.ts";

export interface SourceDefinition {
  name: SourceName;
  label: string;
  /** The raw table whose newest event day and last load time date the source. */
  freshnessTable: string;
  /** Expression of that table's event day, in BigQuery SQL. */
  eventDateSql: string;
}

export const SOURCES: readonly SourceDefinition[] = [
  {
    name: "shopify",
    label: "Shopify",
    freshnessTable: "shopify_orders",
    eventDateSql: "DATE(created_at, @shop_timezone)",
  },
  {
    name: "facebook_ads",
    label: "Meta Ads",
    freshnessTable: "facebook_ads_insights",
    eventDateSql: "date_start",
  },
  {
    name: "tiktok_ads",
    label: "TikTok Ads",
    freshnessTable: "tiktok_ads_reports_daily",
    eventDateSql: "DATE(stat_time_day)",
  },
  {
    name: "google_ads",
    label: "Google Ads",
    freshnessTable: "google_ads_campaign_stats",
    eventDateSql: "segments_date",
  },
];
