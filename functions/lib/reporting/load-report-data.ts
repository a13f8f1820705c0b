// Reads what the deck and the email show: small, aggregated mart rows plus the run's findings. Every query is
// bounded (a date range and a row ceiling), so the cost and the memory stay flat as history grows.
import { sourcesStatusPath } from "../bucket-layout.ts";
import { addDays } from "../calendar.ts";
import { sortFindings } from "../../shared/findings.ts";
import { addMonths, monthStart } from "./kpi-comparisons.ts";
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
  ProductRow,
  RegionMonthRow,
  ReportData,
  SourceStatus,
} from "./report-data.ts";
import type { Warehouse } from "../../shared/ports.ts";
import type { StepContext } from "../../shared/step.ts";

/**
 * Daily history reaches back to the first day of the month 13 months before the run month: the last full
 * month against the same month a year earlier, and the same weekday 52 weeks back, both fit.
 */
export const REPORT_HISTORY_MONTHS = 13;
export const MAX_HISTORY_DAYS = 31 * (REPORT_HISTORY_MONTHS + 1);
export const CHANNEL_HISTORY_DAYS = 28;
export const TOP_PRODUCTS = 5;
/** Months of monthly marts: the run month and 12 before (a year-ago bar and a trailing-6 PPC index for 6). */
export const MONTHLY_HISTORY = 13;
export const TOP_PRODUCTS_PER_MONTH = 10;
export const TOP_REGIONS_PER_MONTH = 10;
export const COHORT_MONTHS = 12;
/** A generous ceiling on channels per month (three paid, email, direct and organic, other). */
const MAX_CHANNELS = 12;

export function historyStart(runDate: string): string {
  return addMonths(runDate, -REPORT_HISTORY_MONTHS);
}

/** The monthly marts the deck's period sections read. */
export async function loadPeriodMarts(warehouse: Warehouse, runDate: string): Promise<PeriodMarts> {
  const runMonth = monthStart(runDate);
  const months = {
    run_month_date: runMonth,
    previous_month_date: addMonths(runDate, -1),
    first_month_date: addMonths(runDate, -(MONTHLY_HISTORY - 1)),
    run_date: runDate,
  };
  const monthly = await warehouse.query<ExecutiveMonthRow>(
    `SELECT month, period_end, days, orders, gross_revenue, net_revenue, refunds, aov, new_customers, ad_spend,
            blended_roas, mer, cac, last_year_orders, last_year_gross_revenue, last_year_net_revenue,
            last_year_ad_spend, gross_revenue_yoy, orders_yoy
     FROM marts.executive_summary_monthly
     WHERE month BETWEEN @first_month_date AND @run_month_date
     ORDER BY month`,
    months,
    { label: "report executive_summary_monthly", maxRows: MONTHLY_HISTORY },
  );
  const channelMonths = await warehouse.query<ChannelMonthRow>(
    `SELECT month, channel, is_paid_channel, days, spend, impressions, clicks, platform_conversions,
            platform_conversion_value, attributed_orders, attributed_new_customers, attributed_revenue, roas,
            platform_roas, cpa, ctr, cpc
     FROM marts.marketing_monthly_performance
     WHERE month BETWEEN @first_month_date AND @run_month_date
     ORDER BY month, channel`,
    months,
    { label: "report marketing_monthly_performance", maxRows: MONTHLY_HISTORY * MAX_CHANNELS },
  );
  const channelMix = await warehouse.query<ChannelMixRow>(
    `SELECT month, channel, spend, attributed_orders, attributed_revenue, spend_share, orders_share, revenue_share
     FROM marts.channel_mix
     WHERE month BETWEEN @previous_month_date AND @run_month_date
     ORDER BY month, channel`,
    months,
    { label: "report channel_mix", maxRows: 2 * MAX_CHANNELS },
  );
  // ROW_NUMBER rather than the mart's RANK: ties must not push the row count past its ceiling.
  const productMonths = await warehouse.query<ProductMonthRow>(
    `SELECT month, product_id, product_title, category, units, orders, revenue, refund_rate, revenue_share,
            revenue_rank
     FROM (
       SELECT month, CAST(product_id AS STRING) AS product_id, product_title, category, units, orders, revenue,
              refund_rate, revenue_share, revenue_rank,
              ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, product_title) AS position
       FROM marts.product_performance
       WHERE month BETWEEN @previous_month_date AND @run_month_date
     )
     WHERE position <= ${TOP_PRODUCTS_PER_MONTH}
     ORDER BY month, position`,
    months,
    { label: "report product_performance", maxRows: 2 * TOP_PRODUCTS_PER_MONTH },
  );
  const regions = await warehouse.query<RegionMonthRow>(
    `SELECT month, country_code, region_code, orders, revenue, customers, aov, month_revenue
     FROM (
       SELECT month, country_code, region_code, orders, revenue, customers, aov,
              SUM(revenue) OVER (PARTITION BY month) AS month_revenue,
              ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, country_code, region_code) AS position
       FROM marts.geographic_sales
       WHERE month BETWEEN @previous_month_date AND @run_month_date
     )
     WHERE position <= ${TOP_REGIONS_PER_MONTH}
     ORDER BY month, position`,
    months,
    { label: "report geographic_sales", maxRows: 2 * TOP_REGIONS_PER_MONTH },
  );
  const cohorts = await warehouse.query<CohortRow>(
    `SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, revenue,
            cumulative_revenue_per_customer, retention
     FROM marts.ltv_cohorts
     WHERE cohort_month BETWEEN @cohort_start_date AND @run_month_date
       AND months_since_first_order < ${COHORT_MONTHS}
     ORDER BY cohort_month, months_since_first_order`,
    { ...months, cohort_start_date: addMonths(runDate, -(COHORT_MONTHS - 1)) },
    { label: "report ltv_cohorts", maxRows: COHORT_MONTHS * COHORT_MONTHS },
  );
  const channelGaps = await warehouse.query<ChannelGapRow>(
    `SELECT channel, explanation, MIN(date) AS first_date, MAX(date) AS last_date, COUNT(*) AS days,
            SUM(spend) AS spend, SUM(attributed_revenue) AS attributed_revenue
     FROM marts.marketing_unified_with_explanations
     WHERE date BETWEEN @gaps_start_date AND @run_date
       AND is_paid_channel
       AND explanation IS NOT NULL
     GROUP BY channel, explanation
     ORDER BY channel, first_date, explanation`,
    { run_date: runDate, gaps_start_date: addDays(runDate, -(CHANNEL_HISTORY_DAYS - 1)) },
    { label: "report marketing_unified_with_explanations", maxRows: MAX_CHANNELS * 8 },
  );
  return { monthly, channelMonths, channelMix, productMonths, regions, cohorts, channelGaps };
}

export async function loadReportData(
  context: Pick<StepContext, "ports" | "config" | "message" | "ledger">,
  links: ReportData["links"],
): Promise<ReportData> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const daily = await warehouse.query<DailyKpiRow>(
    `SELECT date, orders, orders_missing_value, gross_revenue, discounts, refunds, net_revenue, units, aov, new_customers,
            returning_customers, new_customer_revenue, returning_customer_revenue, ad_spend, blended_roas, mer, cac
     FROM marts.daily_kpis
     WHERE date BETWEEN @history_start_date AND @run_date
     ORDER BY date`,
    { history_start_date: historyStart(runDate), run_date: runDate },
    { label: "report daily_kpis", maxRows: MAX_HISTORY_DAYS },
  );
  const channels = await warehouse.query<ChannelDayRow>(
    `SELECT date, channel, spend, impressions, clicks, platform_conversions, platform_conversion_value,
            attributed_orders, attributed_revenue, roas
     FROM marts.marketing_daily_channel
     WHERE date BETWEEN @history_start_date AND @run_date
     ORDER BY date, channel`,
    { history_start_date: addDays(runDate, -(CHANNEL_HISTORY_DAYS - 1)), run_date: runDate },
    { label: "report marketing_daily_channel", maxRows: CHANNEL_HISTORY_DAYS * 20 },
  );
  const topProducts = await warehouse.query<ProductRow>(
    `SELECT product_title, category, SUM(units) AS units, SUM(orders) AS orders, SUM(revenue) AS revenue
     FROM marts.product_daily_sales
     WHERE date = @run_date
     GROUP BY product_id, product_title, category
     ORDER BY revenue DESC, product_title
     LIMIT ${TOP_PRODUCTS}`,
    { run_date: runDate },
    { label: "report top products", maxRows: TOP_PRODUCTS },
  );
  const marts = await loadPeriodMarts(warehouse, runDate);
  const sourcesBody = await bucket.read(sourcesStatusPath(runDate));
  const sources = sourcesBody ? (JSON.parse(sourcesBody.toString("utf8")) as SourceStatus[]) : [];
  return {
    shop: context.config.shop,
    runDate,
    daily,
    channels,
    topProducts,
    marts,
    findings: sortFindings(await context.ledger.findings(runDate)),
    sources,
    links,
  };
}
