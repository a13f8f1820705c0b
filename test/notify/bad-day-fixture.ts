// A bad morning for the email tests: the report fixture's Saturday 21 Nov 2026 (test/report/report-data-fixture.ts)
// with 7 alerts over 3 sources, the way the checks word them:
//
//   Meta      source_freshness (critical: last day Mon 16 Nov), attribution_broken (critical),
//             reconciliation_mismatch on spend (critical)
//   TikTok    attribution_broken (warning), metric_anomaly on spend (warning)
//   Shopify   null_order_values (warning), source_volume (warning)
//
// plus one informational finding. The marts agree: from 17 Nov the daily rows say Meta had not landed, so spend,
// ROAS and MER carry the completeness mark. Meta and Shopify's alerts have a history (ALERT_HISTORY).
import type { AlertDay } from "../../functions/lib/quality/alert-memory.ts";
import type { ReconciliationScoreboard } from "../../functions/notify/reconciliation-line.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildReportData, META_LAST_DAY, type FixtureOptions } from "../report/report-data-fixture.ts";

export const BAD_DAY_FINDINGS: Finding[] = [
  {
    check: "source_freshness",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads",
    source: "facebook_ads",
    table: "facebook_ads_insights",
    message:
      "Meta Ads is 5 days behind: its newest data is for Mon 16 Nov. ROAS for Meta is not meaningful until it syncs again.",
  },
  {
    check: "attribution_broken",
    step: "check-quality",
    severity: "critical",
    blocking: false,
    subject: "meta",
    table: "marts.marketing_daily_channel",
    message:
      "Meta spent $4,000 with $0 attributed revenue on 2 of the last 7 days (2026-11-15 to 2026-11-16): UTM attribution looks broken.",
  },
  {
    check: "reconciliation_mismatch",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads:1234567890:spend",
    source: "facebook_ads",
    metric: "spend",
    message:
      "MISMATCH: Meta Ads spend for 2026-11-06..2026-11-19 is 26,800 in the warehouse against 27,660 from the API, a difference of -860 (-3.1%), over the 2% tolerance. Days off: 2026-11-13 (1,100 vs 1,960). Data may have been dropped or loaded twice: re-pull those days.",
  },
  {
    check: "attribution_broken",
    step: "check-quality",
    severity: "warning",
    blocking: false,
    subject: "tiktok",
    table: "marts.marketing_daily_channel",
    message:
      "TikTok spent $1,000 with $0 attributed revenue on 1 of the last 7 days (2026-11-21 to 2026-11-21): UTM attribution looks broken.",
  },
  {
    check: "metric_anomaly",
    step: "check-quality",
    severity: "warning",
    blocking: false,
    subject: "spend tiktok",
    metric: "spend",
    message:
      "TikTok spend on Saturday 2026-11-21 was $1,000, below the usual $1,900 for that weekday (normal range $1,500–$2,300).",
  },
  {
    check: "null_order_values",
    step: "check-quality",
    severity: "warning",
    blocking: false,
    subject: "shopify_orders",
    table: "stg_shopify_orders",
    message:
      "3 orders on 2026-11-21 have no total_price: they are left out of revenue and AOV. A very long reference for the phone test: https://northwind-goods.myshopify.com/admin/orders?query=financial_status%3Apending%20total_price%3Anull&sort=created_at",
  },
  {
    check: "source_volume",
    step: "check-sources",
    severity: "warning",
    blocking: false,
    subject: "shopify",
    source: "shopify",
    table: "shopify_orders",
    message:
      "Shopify landed 120 rows for 2026-11-21, far under the usual 180–260: the sync may be partial; numbers for that day can be too low.",
  },
  {
    check: "inventory_new_column",
    step: "check-sources",
    severity: "info",
    blocking: false,
    subject: "shopify_orders",
    message: "shopify_orders has 2 new columns since the last run.",
  },
];

/**
 * What ops.findings held before the run date: Meta's freshness alert every day since 17 Nov (so today is day 5),
 * Shopify's volume alert on 19 Nov only (a gap on the 20th: today is a new streak), and a Google Ads alert
 * yesterday that is gone today (resolved).
 */
export const ALERT_HISTORY: AlertDay[] = [
  ...["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"].map((run_date) => ({
    run_date,
    check_name: "source_freshness",
    subject: "facebook_ads",
  })),
  { run_date: "2026-11-19", check_name: "source_volume", subject: "shopify" },
  { run_date: "2026-11-19", check_name: "source_freshness", subject: "google_ads" },
  { run_date: "2026-11-20", check_name: "source_freshness", subject: "google_ads" },
];

export const SCOREBOARD: ReconciliationScoreboard = {
  runDate: "2026-11-21",
  window: { startDate: "2026-11-06", endDate: "2026-11-19" },
  tolerance: 0.02,
  entries: [
    ...["orders", "revenue"].map((metric) => ({
      source: "shopify",
      account: "",
      metric,
      api: 100,
      warehouse: 100,
      relative: 0,
      status: "MATCH" as const,
      days: [],
    })),
    ...["impressions", "clicks"].map((metric) => ({
      source: "facebook_ads",
      account: "1234567890",
      metric,
      api: 100,
      warehouse: 100,
      relative: 0,
      status: "MATCH" as const,
      days: [],
    })),
    {
      source: "facebook_ads",
      account: "1234567890",
      metric: "spend",
      api: 27_660,
      warehouse: 26_800,
      relative: -0.0311,
      status: "MISMATCH" as const,
      days: [{ day: "2026-11-13" }, { day: "2026-11-12" }, { day: "2026-11-14" }],
    },
  ],
};

export function buildBadDay(options: FixtureOptions = {}): ReportData {
  const data = buildReportData({ findings: BAD_DAY_FINDINGS.map((finding) => ({ ...finding })), ...options });
  for (const row of data.daily) {
    if (row.date > META_LAST_DAY) Object.assign(row, { is_complete: false, missing_sources: "facebook_ads" });
  }
  return data;
}
