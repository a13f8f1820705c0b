// A small, hand-made ReportData for the deck and email tests. The key days have round numbers so that the
// expected strings can be written by hand in the tests:
//
//   day          orders  gross    discounts refunds net     spend  new  → aov    roas  mer    cac
//   2026-11-21     200   12,400     400      400   12,000   4,000  80     62.00  3.10  3.00   50.00   run day (Sat)
//   2026-11-20     176   11,000     300      400   10,600   4,400  64     62.50  2.50  2.41   68.75   day before
//   2026-11-14     160   10,000     300      400    9,600   5,000  50     62.50  2.00  1.92   100.00  last Sat
//   2025-11-22     100    8,000     300      200    7,800   2,000  40     80.00  4.00  3.90   50.00   last year (−364)
//
// Net revenue is gross − refunds, as in marts.shopify_daily_metrics (discounts are already out of gross).
//
// Every other day: 100 orders, gross 5,000 + 100 × day of month, discounts 200, refunds 100, spend 2,000,
// 40 new customers.
//
// Channels (every day of the 28-day window 2026-10-25 … 2026-11-21): Google Ads spends 3,000 (100,000
// impressions, 2,000 clicks, 60 conversions, 9,000 attributed); TikTok spends 1,000 (50,000 impressions, 500
// clicks, 10 conversions, 0 attributed); Meta spends 2,000 (80,000 impressions, 1,600 clicks, 40 conversions,
// 5,000 attributed) but stopped on 2026-11-16 (stale).
import type { Finding } from "../../functions/shared/findings.ts";
import { historyStart } from "../../functions/lib/reporting/load-report-data.ts";
import { addDays, daysBetween } from "../../functions/lib/calendar.ts";
import type {
  ChannelDayRow,
  ChannelGapRow,
  ChannelMixRow,
  ChannelMonthRow,
  CohortRow,
  DailyKpiRow,
  ExecutiveMonthRow,
  PeriodMarts,
  ProductMonthRow,
  ProductPeriodRow,
  ProductRow,
  RegionMonthRow,
  ReportData,
  SourceStatus,
} from "../../functions/lib/reporting/report-data.ts";

export const RUN_DATE = "2026-11-21";

/** A Tokyo brand selling in yen, in Japanese: the shop of the tests of Japanese dates, figures and labels. */
export const TOKYO_SHOP: ReportData["shop"] = {
  name: "Kissa Tokyo",
  currency: "JPY",
  locale: "ja-JP",
  timezone: "Asia/Tokyo",
  country: "JP",
};

export interface DayFigures {
  orders: number;
  gross: number;
  discounts: number;
  refunds: number;
  spend: number;
  newCustomers: number;
}

/**
 * A shop's first three days of data, Sat 28 to Mon 30 Nov 2026: $120 + $91 + $140 = $351 of revenue, 8 orders,
 * $10 refunded, $30 + $25 + $25 = $80 of spend, 7 new customers.
 */
export function firstMonthDays(): DailyKpiRow[] {
  return [
    kpiRow("2026-11-28", { orders: 3, gross: 120, discounts: 0, refunds: 0, spend: 30, newCustomers: 3 }),
    kpiRow("2026-11-29", { orders: 2, gross: 91, discounts: 0, refunds: 10, spend: 25, newCustomers: 2 }),
    kpiRow("2026-11-30", { orders: 3, gross: 140, discounts: 0, refunds: 0, spend: 25, newCustomers: 2 }),
  ];
}

/** The same day's figures on every day from..to: 10 orders, $1,000 gross, $400 of spend, 5 new customers. */
export function steadyDays(from: string, to: string): DailyKpiRow[] {
  const rows: DailyKpiRow[] = [];
  for (let day = from; day <= to; day = addDays(day, 1))
    rows.push(
      kpiRow(day, { orders: 10, gross: 1_000, discounts: 0, refunds: 0, spend: 400, newCustomers: 5 }),
    );
  return rows;
}

/** A consistent mart row: net and the ratios derived the way marts.daily_kpis derives them. */
export function kpiRow(date: string, figures: DayFigures): DailyKpiRow {
  const net = figures.gross - figures.refunds;
  return {
    date,
    orders: figures.orders,
    orders_missing_value: 0,
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
  "2026-11-21": { orders: 200, gross: 12_400, discounts: 400, refunds: 400, spend: 4_000, newCustomers: 80 },
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

// ---------- the monthly marts ----------

/** The 13 months the loader reads: Nov 2025 … Nov 2026. */
export const MONTHS = Array.from({ length: 13 }, (_, index) => {
  const date = new Date(Date.UTC(2025, 10 + index, 1));
  return date.toISOString().slice(0, 10);
});

const monthEndOf = (month: string) => {
  const [year, value] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, value, 0)).toISOString().slice(0, 10);
};

/**
 * marts.executive_summary_monthly as the mart would build it from the daily rows: sums per month up to the run
 * date, and the same days a year earlier only when every one of them is in the history.
 */
export function executiveMonths(daily: readonly DailyKpiRow[]): ExecutiveMonthRow[] {
  const byDate = new Map(daily.map((row) => [row.date, row] as const));
  const sum = (from: string, to: string) => {
    const rows = daily.filter((row) => row.date >= from && row.date <= to);
    const total = (pick: (row: DailyKpiRow) => number) => rows.reduce((s, row) => s + pick(row), 0);
    return {
      days: rows.length,
      orders: total((row) => row.orders),
      gross: total((row) => row.gross_revenue),
      net: total((row) => row.net_revenue),
      refunds: total((row) => row.refunds),
      newCustomers: total((row) => row.new_customers),
      spend: total((row) => row.ad_spend),
    };
  };
  const yearBack = (date: string) => `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
  return MONTHS.map((month) => {
    const periodEnd = monthEndOf(month) < RUN_DATE ? monthEndOf(month) : RUN_DATE;
    const now = sum(month, periodEnd);
    const before = sum(yearBack(month), yearBack(periodEnd));
    const whole = before.days === daysBetween(month, periodEnd) + 1 && byDate.has(yearBack(month));
    const ratio = (a: number, b: number) => (b ? a / b : null);
    return {
      month,
      period_end: periodEnd,
      days: now.days,
      orders: now.orders,
      gross_revenue: now.gross,
      net_revenue: now.net,
      refunds: now.refunds,
      aov: ratio(now.gross, now.orders),
      new_customers: now.newCustomers,
      ad_spend: now.spend,
      blended_roas: ratio(now.gross, now.spend),
      mer: ratio(now.net, now.spend),
      cac: ratio(now.spend, now.newCustomers),
      last_year_orders: whole ? before.orders : null,
      last_year_gross_revenue: whole ? before.gross : null,
      last_year_net_revenue: whole ? before.net : null,
      last_year_ad_spend: whole ? before.spend : null,
      gross_revenue_yoy: whole ? ratio(now.gross - before.gross, before.gross) : null,
      orders_yoy: whole ? ratio(now.orders - before.orders, before.orders) : null,
    };
  });
}

/**
 * marts.marketing_monthly_performance: per month i (0 = Nov 2025), Google Ads spends 60,000 + 1,000·i for
 * 150,000 + 2,000·i attributed revenue over 1,000 + 10·i orders; Meta spends 50,000 for 100,000 − 2,000·i over
 * 800 orders; TikTok spends 20,000 for 30,000 over 300 orders; email has no spend and 40,000 over 500 orders.
 */
export function channelMonthRows(): ChannelMonthRow[] {
  const row = (
    month: string,
    channel: string,
    paid: boolean,
    spend: number,
    revenue: number,
    orders: number,
  ): ChannelMonthRow => {
    const impressions = paid ? spend * 40 : 0;
    const clicks = paid ? spend / 2 : 0;
    return {
      month,
      channel,
      is_paid_channel: paid,
      days: 30,
      spend,
      impressions,
      clicks,
      platform_conversions: paid ? orders * 1.2 : 0,
      platform_conversion_value: paid ? revenue * 1.3 : 0,
      attributed_orders: orders,
      attributed_new_customers: Math.round(orders / 2),
      attributed_revenue: revenue,
      // First orders are smaller baskets: 40% of the attributed revenue from half the orders.
      attributed_new_customer_revenue: revenue * 0.4,
      roas: spend ? revenue / spend : null,
      platform_roas: spend ? (revenue * 1.3) / spend : null,
      cpa: orders ? spend / orders : null,
      ctr: impressions ? clicks / impressions : null,
      cpc: clicks ? spend / clicks : null,
    };
  };
  return MONTHS.flatMap((month, i) => [
    row(month, "email", false, 0, 40_000, 500),
    row(month, "google_ads", true, 60_000 + 1_000 * i, 150_000 + 2_000 * i, 1_000 + 10 * i),
    row(month, "meta", true, 50_000, 100_000 - 2_000 * i, 800),
    row(month, "tiktok", true, 20_000, 30_000, 300),
  ]);
}

export function channelMixRows(months: readonly ChannelMonthRow[]): ChannelMixRow[] {
  const wanted = new Set(MONTHS.slice(-2));
  const rows = months.filter((row) => wanted.has(row.month));
  const total = (month: string, pick: (row: ChannelMonthRow) => number) =>
    rows.filter((row) => row.month === month).reduce((sum, row) => sum + pick(row), 0);
  const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
  return rows.map((row) => ({
    month: row.month,
    channel: row.channel,
    spend: row.spend,
    attributed_orders: row.attributed_orders,
    attributed_revenue: row.attributed_revenue,
    spend_share: round4(row.spend / total(row.month, (r) => r.spend)),
    orders_share: round4(row.attributed_orders / total(row.month, (r) => r.attributed_orders)),
    revenue_share: round4(row.attributed_revenue / total(row.month, (r) => r.attributed_revenue)),
  }));
}

const product = (
  month: string,
  id: string,
  title: string,
  rank: number,
  revenue: number,
  share: number,
): ProductMonthRow => ({
  month,
  product_id: id,
  product_title: title,
  category: id === "p3" ? "Accessories" : "Apparel",
  units: revenue / 50,
  orders: revenue / 60,
  revenue,
  refund_rate: 0.02 * rank,
  revenue_share: share,
  revenue_rank: rank,
});

export const PRODUCT_MONTHS: ProductMonthRow[] = [
  product("2026-10-01", "p2", "Classic Tee", 1, 60_000, 0.3),
  product("2026-10-01", "p1", "Merino Hoodie", 2, 48_000, 0.24),
  product("2026-11-01", "p1", "Merino Hoodie", 1, 54_000, 0.36),
  product("2026-11-01", "p2", "Classic Tee", 2, 42_000, 0.28),
  product("2026-11-01", "p3", "Canvas Cap", 3, 18_000, 0.12),
];

export const REGIONS: RegionMonthRow[] = [
  {
    month: "2026-11-01",
    country_code: "US",
    region_code: "CA",
    orders: 900,
    revenue: 90_000,
    customers: 850,
    aov: 100,
    month_revenue: 300_000,
  },
  {
    month: "2026-11-01",
    country_code: "GB",
    region_code: "unknown",
    orders: 400,
    revenue: 48_000,
    customers: 390,
    aov: 120,
    month_revenue: 300_000,
  },
  {
    month: "2026-11-01",
    country_code: "US",
    region_code: "NY",
    orders: 300,
    revenue: 27_000,
    customers: 290,
    aov: 90,
    month_revenue: 300_000,
  },
];

/** Three cohorts: Sep 2026 (1,000 customers), Oct 2026 (800), Nov 2026 (500); Sep has no row for M1. */
export const COHORTS: CohortRow[] = [
  {
    cohort_month: "2026-09-01",
    months_since_first_order: 0,
    cohort_customers: 1_000,
    active_customers: 1_000,
    revenue: 100_000,
    cumulative_revenue_per_customer: 100,
    retention: 1,
  },
  {
    cohort_month: "2026-09-01",
    months_since_first_order: 2,
    cohort_customers: 1_000,
    active_customers: 100,
    revenue: 20_000,
    cumulative_revenue_per_customer: 120,
    retention: 0.1,
  },
  {
    cohort_month: "2026-10-01",
    months_since_first_order: 0,
    cohort_customers: 800,
    active_customers: 800,
    revenue: 88_000,
    cumulative_revenue_per_customer: 110,
    retention: 1,
  },
  {
    cohort_month: "2026-10-01",
    months_since_first_order: 1,
    cohort_customers: 800,
    active_customers: 120,
    revenue: 12_000,
    cumulative_revenue_per_customer: 125,
    retention: 0.15,
  },
  {
    cohort_month: "2026-11-01",
    months_since_first_order: 0,
    cohort_customers: 500,
    active_customers: 500,
    revenue: 45_000,
    cumulative_revenue_per_customer: 90,
    retention: 1,
  },
];

export const CHANNEL_GAPS: ChannelGapRow[] = [
  {
    channel: "meta",
    explanation: "Meta Ads source stale: no data after 2026-11-16",
    first_date: "2026-11-17",
    last_date: "2026-11-21",
    days: 5,
    spend: 0,
    attributed_revenue: 0,
  },
  {
    channel: "tiktok",
    explanation: "spend but no UTM-attributed orders: attribution broken or no conversions",
    first_date: "2026-10-25",
    last_date: "2026-11-21",
    days: 28,
    spend: 28_000,
    attributed_revenue: 0,
  },
];

export function periodMarts(daily: readonly DailyKpiRow[]): PeriodMarts {
  const channelMonths = channelMonthRows();
  return {
    monthly: executiveMonths(daily),
    channelMonths,
    channelMix: channelMixRows(channelMonths),
    productMonths: PRODUCT_MONTHS.map((row) => ({ ...row })),
    regions: REGIONS.map((row) => ({ ...row })),
    cohorts: COHORTS.map((row) => ({ ...row })),
    channelGaps: CHANNEL_GAPS.map((row) => ({ ...row })),
    productPeriods: PRODUCT_PERIODS.map((row) => ({ ...row })),
    regionsLastYear: REGIONS_LAST_YEAR.map((row) => ({ ...row })),
  };
}

/** product_daily_sales over 1–21 Nov 2026, 1–21 Oct 2026 and 1–21 Nov 2025 (Classic Tee did not sell then). */
export const PRODUCT_PERIODS: ProductPeriodRow[] = [
  {
    product_id: "p1",
    product_title: "Merino Hoodie",
    category: "Apparel",
    current_units: 10,
    current_revenue: 54_000,
    previous_revenue: 45_000,
    last_year_revenue: 36_000,
    revenue_position: 1,
  },
  {
    product_id: "p2",
    product_title: "Classic Tee",
    category: "Apparel",
    current_units: 10,
    current_revenue: 42_000,
    previous_revenue: 42_000,
    last_year_revenue: 0,
    revenue_position: 2,
  },
  {
    product_id: "p3",
    product_title: "Canvas Cap",
    category: "Accessories",
    current_units: 10,
    current_revenue: 18_000,
    previous_revenue: 12_000,
    last_year_revenue: 20_000,
    revenue_position: 3,
  },
];

/** geographic_sales for November 2025 (a whole month of 30 days); the United Kingdom had no sales then. */
export const REGIONS_LAST_YEAR: RegionMonthRow[] = [
  {
    month: "2025-11-01",
    country_code: "US",
    region_code: "CA",
    orders: 600,
    revenue: 60_000,
    customers: 580,
    aov: 100,
    month_revenue: 105_000,
  },
  {
    month: "2025-11-01",
    country_code: "US",
    region_code: "NY",
    orders: 450,
    revenue: 45_000,
    customers: 440,
    aov: 100,
    month_revenue: 105_000,
  },
];

/** What the loader reads: back to the first day of the month 13 months before the run month. */
export const HISTORY_DAYS = daysBetween(historyStart(RUN_DATE), RUN_DATE) + 1;

export interface FixtureOptions {
  /** Days of daily_kpis history ending at the run date (HISTORY_DAYS, as the loader reads, by default). */
  historyDays?: number;
  shopName?: string;
  topProducts?: ProductRow[];
  findings?: Finding[];
  links?: ReportData["links"];
}

export function buildReportData(options: FixtureOptions = {}): ReportData {
  const daily = dailyRows(RUN_DATE, options.historyDays ?? HISTORY_DAYS);
  return {
    shop: {
      name: options.shopName ?? "Northwind Goods",
      currency: "USD",
      locale: "en-US",
      timezone: "America/New_York",
    },
    runDate: RUN_DATE,
    daily,
    channels: channelRows(RUN_DATE),
    topProducts: options.topProducts ?? TOP_PRODUCTS.map((product) => ({ ...product })),
    marts: periodMarts(daily),
    findings: options.findings ?? FINDINGS.map((finding) => ({ ...finding })),
    sources: SOURCES.map((source) => ({ ...source })),
    links: options.links ?? { dashboard: DASHBOARD_URL, deck: DECK_URL },
  };
}
