// What the deck and the email are built from: rows read from the marts (small, aggregated) plus the run's
// findings. The deck's and the email's content models are pure functions of this value.
import type { Finding } from "./findings.ts";

/** One row of marts.daily_kpis (one row per order day in the shop's time zone). */
export interface DailyKpiRow {
  date: string;
  orders: number;
  gross_revenue: number;
  discounts: number;
  refunds: number;
  net_revenue: number;
  units: number;
  aov: number | null;
  new_customers: number;
  returning_customers: number;
  new_customer_revenue: number;
  returning_customer_revenue: number;
  ad_spend: number;
  blended_roas: number | null;
  mer: number | null;
  cac: number | null;
}

/** One row of marts.marketing_daily_channel (one row per day and channel). */
export interface ChannelDayRow {
  date: string;
  channel: string;
  spend: number;
  impressions: number;
  clicks: number;
  platform_conversions: number;
  platform_conversion_value: number;
  attributed_orders: number;
  attributed_revenue: number;
  roas: number | null;
}

/** One row of marts.product_daily_sales summed over the reported day. */
export interface ProductRow {
  product_title: string;
  category: string;
  units: number;
  orders: number;
  revenue: number;
}

export type FreshnessStatus = "ok" | "warn" | "critical";

export interface SourceStatus {
  source: string;
  label: string;
  lastEventDate: string | null;
  lastLoadedAt: string | null;
  /** Whole days between the newest event day and the run date. */
  lagDays: number | null;
  status: FreshnessStatus;
}

export interface ShopProfile {
  name: string;
  currency: string;
  locale: string;
  timezone: string;
}

export interface ReportData {
  shop: ShopProfile;
  runDate: string;
  /** marts.daily_kpis, ascending by date, ending at runDate (up to ~400 days, for week and year comparisons). */
  daily: DailyKpiRow[];
  /** marts.marketing_daily_channel for the last 28 days up to runDate, ascending by date then channel. */
  channels: ChannelDayRow[];
  /** Top products of the run date by revenue (at most 5). */
  topProducts: ProductRow[];
  findings: Finding[];
  sources: SourceStatus[];
  links: {
    deck?: string;
    dashboard?: string;
  };
}
