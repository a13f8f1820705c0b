// The sources DTC Pulse expects, and the raw table that tells whether each one is fresh.
import type { SourceName } from "./raw-schemas.ts";

export interface SourceDefinition {
  name: SourceName;
  label: string;
  /** The raw table whose newest event day and last load time date the source (its findings name it). */
  freshnessTable: string;
  /**
   * The source's other raw tables whose rows are days of its data as much as the freshness table's, with the same
   * event day: a day any of them holds is a day the source landed. A Google Ads account of only Smart campaigns
   * has no ad-group row at all, its spend only in campaign totals, and Airbyte lands a Performance Max campaign's
   * days as asset groups: staging and the marts read all three.
   */
  alsoDatedBy?: readonly string[];
  /** Expression of those tables' event day, in BigQuery SQL. */
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
    alsoDatedBy: ["google_ads_asset_group_stats", "google_ads_campaign_totals"],
    eventDateSql: "segments_date",
  },
];

/** The raw tables whose rows date a source: its freshness table first, then the others. */
export function datingTables(source: Pick<SourceDefinition, "freshnessTable" | "alsoDatedBy">): string[] {
  return [source.freshnessTable, ...(source.alsoDatedBy ?? [])];
}
