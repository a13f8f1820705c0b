// Reads what the deck and the email show: small, aggregated mart rows plus the run's findings.
import { sourcesStatusPath } from "../check-sources/step.ts";
import { addDays } from "../shared/dates.ts";
import { sortFindings } from "../shared/findings.ts";
import type {
  ChannelDayRow,
  DailyKpiRow,
  ProductRow,
  ReportData,
  SourceStatus,
} from "../shared/report-data.ts";
import type { StepContext } from "../shared/step.ts";

/** Enough days for month-to-date against last month and the same weekday a year ago. */
export const REPORT_HISTORY_DAYS = 400;
export const CHANNEL_HISTORY_DAYS = 28;
export const TOP_PRODUCTS = 5;

export async function loadReportData(
  context: Pick<StepContext, "ports" | "config" | "message" | "ledger">,
  links: ReportData["links"],
): Promise<ReportData> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const daily = await warehouse.query<DailyKpiRow & { orders_missing_value?: number }>(
    `SELECT date, orders, gross_revenue, discounts, refunds, net_revenue, units, aov, new_customers,
            returning_customers, new_customer_revenue, returning_customer_revenue, ad_spend, blended_roas, mer, cac
     FROM marts.daily_kpis
     WHERE date BETWEEN @history_start_date AND @run_date
     ORDER BY date`,
    { history_start_date: addDays(runDate, -REPORT_HISTORY_DAYS), run_date: runDate },
    { label: "report daily_kpis", maxRows: REPORT_HISTORY_DAYS + 1 },
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
  const sourcesBody = await bucket.read(sourcesStatusPath(runDate));
  const sources = sourcesBody ? (JSON.parse(sourcesBody.toString("utf8")) as SourceStatus[]) : [];
  return {
    shop: context.config.shop,
    runDate,
    daily: daily.map(({ orders_missing_value: _ignored, ...row }) => row),
    channels,
    topProducts,
    findings: sortFindings(await context.ledger.findings(runDate)),
    sources,
    links,
  };
}
