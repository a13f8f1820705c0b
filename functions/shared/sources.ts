// The sources DTC Pulse expects, and the raw table that tells whether each one is fresh.
import type { SourceName } from "./raw-schemas.ts";

export interface SourceDefinition {
  name: SourceName;
  label: string;
  /** The raw table whose newest event day and last load time date the source. */
  freshnessTable: string;
  /** Expression of that table's event day, in BigQuery SQL. */
  eventDateSql: string;
  /** The marketing channel the source reports on, for sentences about ROAS. */
  channel?: string;
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
    channel: "meta",
  },
  {
    name: "tiktok_ads",
    label: "TikTok Ads",
    freshnessTable: "tiktok_ads_reports_daily",
    eventDateSql: "DATE(stat_time_day)",
    channel: "tiktok",
  },
  {
    name: "google_ads",
    label: "Google Ads",
    freshnessTable: "google_ads_campaign_stats",
    eventDateSql: "segments_date",
    channel: "google_ads",
  },
];

export const CHANNEL_LABELS: Record<string, string> = {
  meta: "Meta",
  tiktok: "TikTok",
  google_ads: "Google Ads",
  email: "Email",
  direct_or_organic: "Direct & organic",
  other: "Other",
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
