// A small, hand-made ReportData for the deck and email tests. The key days have round numbers so that the
// expected strings can be written by hand in the tests:
//
//   day          orders  gross    discounts refunds net     spend  new  → aov    roas  mer    cac
//   2026-11-21     200   12,400     400      500   11,500   4,000  80     62.00  3.10  2.875  50.00   run day (Sat)
//   2026-11-20     176   11,000     300      400   10,300   4,400  64     62.50  2.50  2.34   68.75   day before
//   2026-11-14     160   10,000     300      400    9,300   5,000  50     62.50  2.00  1.86   100.00  last Sat
//   2025-11-22     100    8,000     300      200    7,500   2,000  40     80.00  4.00  3.75   50.00   last year (−364)
//
// Every other day: 100 orders, gross 5,000 + 100 × day of month, discounts 200, refunds 100, spend 2,000,
// 40 new customers.
//
// Channels (every day of the 28-day window 2026-10-25 … 2026-11-21): Google Ads spends 3,000 (100,000
// impressions, 2,000 clicks, 60 conversions, 9,000 attributed); TikTok spends 1,000 (50,000 impressions, 500
// clicks, 10 conversions, 0 attributed); Meta spends 2,000 (80,000 impressions, 1,600 clicks, 40 conversions,
// 5,000 attributed) but stopped on 2026-11-16 (stale).
import { addDays } from "../../functions/shared/dates.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import type {
  ChannelDayRow,
  DailyKpiRow,
  ProductRow,
  ReportData,
  SourceStatus,
} from "../../functions/shared/report-data.ts";

export const RUN_DATE = "2026-11-21";

export interface DayFigures {
  orders: number;
  gross: number;
  discounts: number;
  refunds: number;
  spend: number;
  newCustomers: number;
}

/** A consistent mart row: net and the ratios derived the way marts.daily_kpis derives them. */
export function kpiRow(date: string, figures: DayFigures): DailyKpiRow {
  const net = figures.gross - figures.discounts - figures.refunds;
  return {
    date,
    orders: figures.orders,
    gross_revenue: figures.gross,
    discounts: figures.discounts,
    refunds: figures.refunds,
    net_revenue: net,
    units: Math.round(figures.orders * 1.5),
    aov: figures.orders ? figures.gross / figures.orders : null,
    new_customers: figures.newCustomers,
    returning_customers: figures.orders - figures.newCustomers,
    new_customer_revenue: figures.gross / 2,
    returning_customer_revenue: figures.gross / 2,
    ad_spend: figures.spend,
    blended_roas: figures.spend ? figures.gross / figures.spend : null,
    mer: figures.spend ? net / figures.spend : null,
    cac: figures.newCustomers ? figures.spend / figures.newCustomers : null,
  };
}

export const KEY_DAYS: Record<string, DayFigures> = {
  "2026-11-21": { orders: 200, gross: 12_400, discounts: 400, refunds: 500, spend: 4_000, newCustomers: 80 },
  "2026-11-20": { orders: 176, gross: 11_000, discounts: 300, refunds: 400, spend: 4_400, newCustomers: 64 },
  "2026-11-14": { orders: 160, gross: 10_000, discounts: 300, refunds: 400, spend: 5_000, newCustomers: 50 },
  "2025-11-22": { orders: 100, gross: 8_000, discounts: 300, refunds: 200, spend: 2_000, newCustomers: 40 },
};

export function figuresOn(date: string): DayFigures {
  const key = KEY_DAYS[date];
  if (key) return key;
  const dayOfMonth = Number(date.slice(8, 10));
  return {
    orders: 100,
    gross: 5_000 + 100 * dayOfMonth,
    discounts: 200,
    refunds: 100,
    spend: 2_000,
    newCustomers: 40,
  };
}

export function dailyRows(runDate: string, historyDays: number): DailyKpiRow[] {
  return Array.from({ length: historyDays }, (_, index) => {
    const date = addDays(runDate, index - historyDays + 1);
    return kpiRow(date, figuresOn(date));
  });
}

export const META_LAST_DAY = "2026-11-16";

export function channelRows(runDate: string): ChannelDayRow[] {
  const rows: ChannelDayRow[] = [];
  for (let offset = 27; offset >= 0; offset -= 1) {
    const date = addDays(runDate, -offset);
    rows.push({
      date,
      channel: "google_ads",
      spend: 3_000,
      impressions: 100_000,
      clicks: 2_000,
      platform_conversions: 60,
      platform_conversion_value: 9_000,
      attributed_orders: 50,
      attributed_revenue: 9_000,
      roas: 3,
    });
    if (date <= META_LAST_DAY) {
      rows.push({
        date,
        channel: "meta",
        spend: 2_000,
        impressions: 80_000,
        clicks: 1_600,
        platform_conversions: 40,
        platform_conversion_value: 6_000,
        attributed_orders: 30,
        attributed_revenue: 5_000,
        roas: 2.5,
      });
    }
    rows.push({
      date,
      channel: "tiktok",
      spend: 1_000,
      impressions: 50_000,
      clicks: 500,
      platform_conversions: 10,
      platform_conversion_value: 1_200,
      attributed_orders: 0,
      attributed_revenue: 0,
      roas: 0,
    });
  }
  return rows;
}

export const TOP_PRODUCTS: ProductRow[] = [
  { product_title: "Merino Hoodie", category: "Apparel", units: 20, orders: 18, revenue: 1_800 },
  { product_title: "Classic Tee", category: "Apparel", units: 40, orders: 35, revenue: 1_600 },
  { product_title: "Canvas Cap", category: "Accessories", units: 30, orders: 28, revenue: 900 },
  { product_title: "Socks 3-pack", category: "Apparel", units: 25, orders: 20, revenue: 450 },
  { product_title: "Tote Bag", category: "Accessories", units: 12, orders: 12, revenue: 300 },
];

// Deliberately not sorted: the deck and the email must put the most severe first.
export const FINDINGS: Finding[] = [
  {
    check: "inventory_changed",
    step: "check-sources",
    severity: "info",
    blocking: false,
    subject: "shopify_orders",
    message: "shopify_orders has 2 new columns since the last run.",
  },
  {
    check: "attribution_broken",
    step: "check-quality",
    severity: "warning",
    blocking: false,
    subject: "tiktok",
    message: "TikTok spent $1,000 with $0 attributed revenue: check the pixel and UTM tags.",
  },
  {
    check: "source_freshness",
    step: "check-sources",
    severity: "critical",
    blocking: false,
    subject: "facebook_ads",
    message: "Meta Ads data is 5 days old (last day Mon 16 Nov): Meta spend and ROAS are understated.",
  },
];

export const SOURCES: SourceStatus[] = [
  {
    source: "shopify",
    label: "Shopify",
    lastEventDate: "2026-11-21",
    lastLoadedAt: "2026-11-22T05:00:00Z",
    lagDays: 0,
    status: "ok",
  },
  {
    source: "facebook_ads",
    label: "Meta Ads",
    lastEventDate: "2026-11-16",
    lastLoadedAt: "2026-11-17T05:00:00Z",
    lagDays: 5,
    status: "critical",
  },
  {
    source: "tiktok_ads",
    label: "TikTok Ads",
    lastEventDate: "2026-11-21",
    lastLoadedAt: "2026-11-22T05:00:00Z",
    lagDays: 0,
    status: "ok",
  },
  {
    source: "google_ads",
    label: "Google Ads",
    lastEventDate: "2026-11-20",
    lastLoadedAt: "2026-11-22T05:00:00Z",
    lagDays: 1,
    status: "warn",
  },
];

export const DASHBOARD_URL = "https://lookerstudio.google.com/reporting/pulse-demo";
export const DECK_URL =
  "https://storage.googleapis.com/pulse-demo/reports/dt=2026-11-21/dtc-pulse-2026-11-21.pptx";

export interface FixtureOptions {
  /** Days of daily_kpis history ending at the run date (400 in production). */
  historyDays?: number;
  shopName?: string;
  topProducts?: ProductRow[];
  findings?: Finding[];
  links?: ReportData["links"];
}

export function buildReportData(options: FixtureOptions = {}): ReportData {
  return {
    shop: {
      name: options.shopName ?? "Northwind Goods",
      currency: "USD",
      locale: "en-US",
      timezone: "America/New_York",
    },
    runDate: RUN_DATE,
    daily: dailyRows(RUN_DATE, options.historyDays ?? 400),
    channels: channelRows(RUN_DATE),
    topProducts: options.topProducts ?? TOP_PRODUCTS.map((product) => ({ ...product })),
    findings: options.findings ?? FINDINGS.map((finding) => ({ ...finding })),
    sources: SOURCES.map((source) => ({ ...source })),
    links: options.links ?? { dashboard: DASHBOARD_URL, deck: DECK_URL },
  };
}
