// What sells and where, with the year on year: the top products of the month (marts.product_performance) with
// their change against the same days of last month and of last year (marts.product_daily_sales summed over
// each range), the premium products (marts.premium_products), and the top regions by name
// (marts.geographic_sales) against the same month a year earlier, per day.
import { addDays, addMonths, daysBetween, monthStart } from "../lib/calendar.ts";
import {
  formatMoney,
  formatMonthShort,
  formatMonthYear,
  formatNumber,
  formatPercent,
} from "../lib/reporting/display-format.ts";
import { compareAs } from "../lib/reporting/kpi-comparisons.ts";
import type { RegionMonthRow } from "../lib/reporting/report-data.ts";
import { regionName } from "../lib/reporting/region-names.ts";
import {
  cell,
  changeCell,
  type ChartSpec,
  type ContentSlide,
  type Context,
  excelMoneyFormat,
  full,
  left,
  leftOf,
  right,
  rightOf,
  safeRatio,
  type TableCell,
  type TableSpec,
} from "./deck-model.ts";

export const MAX_PRODUCT_ROWS = 10;
export const MAX_REGION_ROWS = 10;
export const MAX_PREMIUM_ROWS = 8;

/** A change of two sums as a table cell (▲ +12%), n/a without a base. */
function revenueChange(
  ctx: Context,
  current: number | null | undefined,
  base: number | null | undefined,
): TableCell {
  return changeCell(compareAs(false, "up_is_good", current ?? null, base ?? null), ctx.locale);
}

export function productsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const previousMonth = addMonths(data.runDate, -1);
  const current = data.marts.productMonths.filter((row) => row.month === runMonth).slice(0, MAX_PRODUCT_ROWS);
  const previousRank = new Map(
    data.marts.productMonths
      .filter((row) => row.month === previousMonth)
      .map((row) => [row.product_id, row.revenue_rank] as const),
  );
  // Like for like: the same days of last month and of last year, from the daily product mart.
  const periods = new Map((data.marts.productPeriods ?? []).map((row) => [row.product_id, row]));
  // The table is the month's: its changes need the daily sums over the month to date.
  const monthly =
    ctx.period.ranges.period === "monthly" && (data.marts.rangesPeriod ?? "monthly") === "monthly";
  const previousLabel = formatMonthShort(previousMonth, locale);
  const table: TableSpec = {
    id: "top-products",
    columns: [
      right("#", 0.4),
      left("Product", 3),
      left("Category", 1.3),
      right("Units", 0.8),
      right("Revenue", 1.1),
      right("Share", 0.8),
      right("Refund rate", 0.9),
      right(`${previousLabel} rank`, 0.9),
      right("vs last month", 1.1),
      right("vs last year", 1.1),
    ],
    rows: current.map((product) => {
      const before = previousRank.get(product.product_id);
      const period = monthly ? periods.get(product.product_id) : undefined;
      return [
        cell(formatNumber(product.revenue_rank, locale)),
        cell(product.product_title, undefined, true),
        cell(product.category),
        cell(formatNumber(product.units, locale)),
        cell(formatMoney(product.revenue, fmt), undefined, true),
        cell(formatPercent(product.revenue_share, locale, 1)),
        cell(formatPercent(product.refund_rate, locale, 1)),
        before === undefined
          ? cell(`>${MAX_PRODUCT_ROWS}`, "muted")
          : cell(formatNumber(before, locale), before > product.revenue_rank ? "good" : undefined),
        revenueChange(ctx, period?.current_revenue, period?.previous_revenue),
        revenueChange(ctx, period?.current_revenue, period?.last_year_revenue || null),
      ];
    }),
    emptyText: `No product sales recorded in ${formatMonthYear(runMonth, locale)}.`,
    note: "Line revenue after line discounts; share of the month's product revenue; refund rate = orders with a refund ÷ orders. Changes compare the same days of last month and of last year; n/a where the product did not sell then.",
  };
  return {
    kind: "products",
    section: "DTC performance",
    title: `Top products — ${formatMonthYear(runMonth, locale)} to ${ctx.runDay}`,
    blocks: [full({ type: "table", table })],
  };
}

export function premiumSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const previousMonth = addMonths(data.runDate, -1);
  const premium = data.marts.premiumProducts ?? [];
  const current = premium.filter((row) => row.month === runMonth).slice(0, MAX_PREMIUM_ROWS);
  const before = new Map(
    premium.filter((row) => row.month === previousMonth).map((row) => [row.product_id, row]),
  );
  const threshold = current[0]?.premium_threshold ?? null;
  const share = current.reduce((sum, row) => sum + (row.revenue_share ?? 0), 0);
  const revenue = current.reduce((sum, row) => sum + row.revenue, 0);
  const previousLabel = formatMonthShort(previousMonth, locale);
  const table: TableSpec = {
    id: "premium-products",
    columns: [
      left("Product", 3),
      left("Category", 1.3),
      right("List price", 1),
      right("Units", 0.8),
      right("Revenue", 1.1),
      right("Share", 0.8),
      right(`Share ${previousLabel}`, 1),
    ],
    rows: current.map((row) => {
      const previous = before.get(row.product_id);
      return [
        cell(row.product_title, undefined, true),
        cell(row.category),
        cell(formatMoney(row.list_price, fmt, true)),
        cell(formatNumber(row.units, locale)),
        cell(formatMoney(row.revenue, fmt), undefined, true),
        cell(formatPercent(row.revenue_share, locale, 1)),
        cell(formatPercent(previous?.revenue_share ?? null, locale, 1), previous ? undefined : "muted"),
      ];
    }),
    emptyText: `No premium product sold in ${formatMonthYear(runMonth, locale)}.`,
    note: "Premium = list price in the top tenth of the active catalogue. Share of the month's product revenue; shares compare months of different lengths fairly.",
  };
  return {
    kind: "premium",
    section: "DTC performance",
    title: `Premium products — ${formatMonthYear(runMonth, locale)}`,
    ...(current.length && threshold !== null
      ? {
          subtitle: `${current.length} premium products (list price ${formatMoney(threshold, fmt)} or more) sold ${formatMoney(revenue, fmt)}, ${formatPercent(share, locale, 1)} of product revenue.`,
        }
      : {}),
    blocks: [full({ type: "table", table })],
  };
}

/** Days the month's rows cover: to the run date for the run month, the whole month otherwise. */
export function daysCovered(month: string, runDate: string): number {
  const end = monthStart(runDate) === month ? runDate : addDays(addMonths(month, 1), -1);
  return daysBetween(month, end) + 1;
}

export function regionsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const home = data.shop.country ?? "US";
  const name = (row: RegionMonthRow) => regionName(row.country_code, row.region_code, locale, home);
  const rows = data.marts.regions.filter((row) => row.month === runMonth).slice(0, MAX_REGION_ROWS);
  const key = (row: RegionMonthRow) => `${row.country_code}|${row.region_code}`;
  const lastYear = new Map((data.marts.regionsLastYear ?? []).map((row) => [key(row), row]));
  const perDay = (row: RegionMonthRow | undefined) =>
    row ? row.revenue / daysCovered(row.month, data.runDate) : null;
  const table: TableSpec = {
    id: "top-regions",
    // Half a slide wide: the columns a board reads (orders and AOV are in the extracts and the dashboard).
    columns: [
      right("#", 0.42),
      left("Region", 1.8),
      right("Revenue", 1.1),
      right("Share", 0.8),
      right("vs last year", 1.1),
    ],
    rows: rows.map((row, index) => [
      cell(String(index + 1)),
      cell(name(row), undefined, true),
      cell(formatMoney(row.revenue, fmt), undefined, true),
      cell(formatPercent(safeRatio(row.revenue, row.month_revenue), locale, 1)),
      revenueChange(ctx, perDay(row), perDay(lastYear.get(key(row)))),
    ]),
    emptyText: `No orders with a shipping address in ${formatMonthYear(runMonth, locale)}.`,
    note: `Shipping state or province; the country alone where the region is unknown. vs last year: revenue per day against ${formatMonthYear(addMonths(runMonth, -12), locale)} (n/a: no sales then).`,
  };
  const chart: ChartSpec = {
    id: "top-regions-revenue",
    title: "Revenue by region",
    kind: "bar",
    labels: rows.map(name),
    series: [{ name: "Revenue", as: "bar", role: "revenue", values: rows.map((row) => row.revenue) }],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: "No regional sales this month.",
  };
  return {
    kind: "regions",
    section: "DTC performance",
    title: `Top regions — ${formatMonthYear(runMonth, locale)} to ${ctx.runDay}`,
    blocks: [leftOf({ type: "table", table }), rightOf({ type: "chart", chart })],
  };
}
