// What the deck and the email are built from: rows read from the marts (small, aggregated) plus the run's
// findings. The deck's and the email's content models are pure functions of this value.
import type { Finding } from "../../shared/findings.ts";

/** One row of marts.daily_kpis (one row per order day in the shop's time zone). */
export interface DailyKpiRow {
  date: string;
  orders: number;
  /** Orders whose total is missing: left out of revenue and of AOV's denominator. */
  orders_missing_value?: number;
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
  /** FALSE when an expected source had not landed through the day; absent (older rows) reads as complete. */
  is_complete?: boolean;
  /** The sources that had not landed, comma-separated (e.g. "facebook_ads,tiktok_ads"); NULL when complete. */
  missing_sources?: string | null;
  /**
   * Those of missing_sources whose rows landed without an exchange rate, each with the currencies lacking one
   * ("facebook_ads:USD,google_ads:GBP/USD"; a source alone when its rows name no currency); absent (older rows)
   * or NULL when none.
   */
  unconverted_sources?: string | null;
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

/** One row of marts.executive_summary_monthly; the last_year_* fields are NULL where history does not reach back. */
export interface ExecutiveMonthRow {
  /** First day of the month. */
  month: string;
  /** The month's last day, or the run date for the month in progress. */
  period_end: string;
  days: number;
  orders: number;
  gross_revenue: number;
  net_revenue: number;
  refunds: number;
  aov: number | null;
  new_customers: number;
  ad_spend: number;
  blended_roas: number | null;
  mer: number | null;
  cac: number | null;
  last_year_orders: number | null;
  last_year_gross_revenue: number | null;
  last_year_net_revenue: number | null;
  last_year_ad_spend: number | null;
  gross_revenue_yoy: number | null;
  orders_yoy: number | null;
  /** Days of the month whose expected sources had not all landed (absent: none). */
  incomplete_days?: number;
}

/** One row of marts.marketing_monthly_performance (one row per month and channel). */
export interface ChannelMonthRow {
  month: string;
  channel: string;
  is_paid_channel: boolean;
  days: number;
  spend: number;
  impressions: number;
  clicks: number;
  platform_conversions: number;
  platform_conversion_value: number;
  attributed_orders: number;
  attributed_new_customers: number;
  attributed_revenue: number;
  roas: number | null;
  platform_roas: number | null;
  cpa: number | null;
  ctr: number | null;
  cpc: number | null;
  /** The month's days on which a source the channel needs had not landed; absent (older rows) reads as 0. */
  incomplete_days?: number;
  /** FALSE when incomplete_days > 0: spend, ROAS and CPA count only what landed. */
  is_complete?: boolean;
  /** Revenue of the attributed first orders (absent: rows from before the marts carried it). */
  attributed_new_customer_revenue?: number;
  /** spend ÷ attributed_new_customers; null without spend or new customers. */
  new_customer_cpa?: number | null;
  /** attributed_new_customer_revenue ÷ spend; null without spend. */
  new_customer_roas?: number | null;
}

/** One row of marts.channel_mix (one row per month and channel; shares are fractions of the month). */
export interface ChannelMixRow {
  month: string;
  channel: string;
  spend: number;
  attributed_orders: number;
  attributed_revenue: number;
  spend_share: number | null;
  orders_share: number | null;
  revenue_share: number | null;
  /** The month's days on which any channel's source had not landed: every share of the month is incomplete. */
  incomplete_days?: number;
  is_complete?: boolean;
}

/** One row of marts.product_performance (one row per month and product). */
export interface ProductMonthRow {
  month: string;
  product_id: string;
  product_title: string;
  category: string;
  units: number;
  orders: number;
  revenue: number;
  refund_rate: number | null;
  revenue_share: number | null;
  revenue_rank: number;
}

/** One row of marts.geographic_sales (one row per month, country and region). */
export interface RegionMonthRow {
  month: string;
  country_code: string;
  region_code: string;
  orders: number;
  revenue: number;
  customers: number;
  aov: number | null;
  /** The month's revenue over every region (before the top-N cut), for shares. */
  month_revenue: number;
}

/** One row of marts.ltv_cohorts (one row per acquisition cohort and month since the first order). */
export interface CohortRow {
  cohort_month: string;
  months_since_first_order: number;
  cohort_customers: number;
  active_customers: number;
  revenue: number;
  cumulative_revenue_per_customer: number | null;
  retention: number | null;
}

/**
 * marts.marketing_unified_with_explanations for the paid channels, grouped by channel and explanation over the
 * report window: the days a paid channel shows 0 or NULL, and why.
 */
export interface ChannelGapRow {
  channel: string;
  explanation: string;
  first_date: string;
  last_date: string;
  days: number;
  spend: number;
  attributed_revenue: number;
}

/**
 * A channel over the report's period to date, the same days of the period before and a year earlier
 * (marts.marketing_daily_channel summed over each range): what moved revenue, like for like.
 */
export interface ChannelPeriodRow {
  channel: string;
  current_spend: number;
  previous_spend: number;
  current_orders: number;
  previous_orders: number;
  current_revenue: number;
  previous_revenue: number;
  last_year_revenue: number;
  /** Days of the year-ago range with a row: 0 when the history does not reach back. */
  last_year_days: number;
}

/** A product over the same three ranges (marts.product_daily_sales summed over each). */
export interface ProductPeriodRow {
  product_id: string;
  product_title: string;
  category: string;
  current_units: number;
  current_revenue: number;
  previous_revenue: number;
  last_year_revenue: number;
  /** 1 = the period's best seller. */
  revenue_position: number;
}

/**
 * A campaign over the period to date and the same days of the period before (marts.campaign_performance_daily,
 * its ad groups' spend and its UTM-attributed orders and revenue summed).
 */
export interface CampaignPeriodRow {
  platform: string;
  channel: string;
  /** The campaign id, or "name:<utm_campaign>" for a UTM naming no campaign the platform reported. */
  campaign_key: string;
  campaign_name: string | null;
  current_spend: number;
  previous_spend: number;
  current_orders: number;
  previous_orders: number;
  current_revenue: number;
  previous_revenue: number;
  /** Days of the period on which the campaign's channel had a source missing. */
  incomplete_days: number;
}

/** An ad group (Meta: ad set) over the same ranges, as its platform reports it. */
export interface AdGroupPeriodRow {
  platform: string;
  ad_group_id: string;
  ad_group_name: string | null;
  campaign_name: string | null;
  current_spend: number;
  previous_spend: number;
  current_conversions: number;
  current_conversion_value: number;
  previous_conversions: number;
  previous_conversion_value: number;
}

/** One row of marts.premium_products (a top-decile list price product in a month). */
export interface PremiumProductRow {
  month: string;
  product_id: string;
  product_title: string;
  category: string;
  list_price: number;
  premium_threshold: number;
  units: number;
  orders: number;
  revenue: number;
  revenue_share: number | null;
}

/** One row of ops.reconciliation for the run date: the API's total against the warehouse's. */
export interface ReconciliationRow {
  window_start: string;
  window_end: string;
  source: string;
  account_id: string;
  metric: string;
  api_value: number;
  warehouse_value: number;
  difference: number;
  relative_difference: number | null;
  status: "MATCH" | "MISMATCH";
  /** An amount's currency: an ad account's own, which may not be the shop's; null for a count (or an older row). */
  currency: string | null;
}

/** The marts behind the period sections of the deck, each read small and bounded. */
export interface PeriodMarts {
  /** marts.executive_summary_monthly, ascending, the last 13 months up to the run month. */
  monthly: ExecutiveMonthRow[];
  /** marts.marketing_monthly_performance, ascending by month then channel, the last 13 months. */
  channelMonths: ChannelMonthRow[];
  /** marts.channel_mix for the run month and the month before. */
  channelMix: ChannelMixRow[];
  /** marts.product_performance, the top products (by rank) of the run month and the month before. */
  productMonths: ProductMonthRow[];
  /** marts.geographic_sales, the top regions by revenue of the run month and the month before. */
  regions: RegionMonthRow[];
  /** marts.ltv_cohorts, the last 12 cohorts, up to 12 months since the first order. */
  cohorts: CohortRow[];
  /** marts.marketing_unified_with_explanations, paid channels' explained days in the report window. */
  channelGaps: ChannelGapRow[];
  /** The period whose to-date ranges channelPeriods, productPeriods and the campaign rows sum (absent: monthly). */
  rangesPeriod?: "monthly" | "weekly";
  /** marts.marketing_daily_channel per channel over the period to date and its two bases (absent: not read). */
  channelPeriods?: ChannelPeriodRow[];
  /** marts.product_daily_sales per product over the same ranges: the top sellers and the biggest movers. */
  productPeriods?: ProductPeriodRow[];
  /** marts.geographic_sales, the same month a year earlier for the run month's top regions. */
  regionsLastYear?: RegionMonthRow[];
  /** marts.campaign_performance_daily: the top campaigns by spend over the period to date. */
  campaignPeriods?: CampaignPeriodRow[];
  /** marts.campaign_performance_daily: the top ad groups by spend over the period to date. */
  adGroupPeriods?: AdGroupPeriodRow[];
  /** marts.premium_products, the run month and the month before. */
  premiumProducts?: PremiumProductRow[];
  /** ops.reconciliation of the run date; absent when reconciliation did not run. */
  reconciliation?: ReconciliationRow[];
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
  /** The main market (ISO 3166), for its retail calendar; absent reads as US. */
  country?: string;
}

export interface ReportData {
  shop: ShopProfile;
  runDate: string;
  /** The numbers are the generated demo shop's, not a real shop's: every output says so. */
  demo?: boolean;
  /**
   * marts.daily_kpis, ascending by date, ending at runDate: back to the first day of the month 13 months before
   * the run month, so that the last full month can be compared with the same month a year earlier.
   */
  daily: DailyKpiRow[];
  /** marts.marketing_daily_channel for the last 28 days up to runDate, ascending by date then channel. */
  channels: ChannelDayRow[];
  /** Top products of the run date by revenue (at most 5). */
  topProducts: ProductRow[];
  marts: PeriodMarts;
  findings: Finding[];
  sources: SourceStatus[];
  links: {
    deck?: string;
    dashboard?: string;
  };
}
