// The products page's parts from the month-grain product extracts and the daily one by category: refund rates
// per product (product_performance, the last 12 months: refunded orders ÷ orders, from the declared numerator
// and denominator), the premium products' months (premium_products, the last 3 months) and revenue by category
// and day (product_daily_sales, the trailing window).
import { formatDayMonth, formatWeekdayDate } from "../lib/reporting/display-format.ts";
import { declaredRatio } from "./dashboard-declared.ts";
import {
  type DashboardContext,
  type DashboardPage,
  dailyChartTitle,
  type ExtractRow,
  type ExtractTables,
  groupRows,
  inWindow,
  monthLabel,
  monthSpan,
  monthsBack,
  num,
  PRODUCT_MONTHS,
  roundAmount,
  sum,
} from "./dashboard-rows.ts";

export const REFUND_MONTHS = PRODUCT_MONTHS;
export const PREMIUM_MONTHS = 3;
/** Products on the refund-rate chart: the most ordered ones (a rate over a handful of orders is noise). */
export const REFUND_CHART_PRODUCTS = 10;
export const REFUND_TABLE_PRODUCTS = 20;

function monthsOf(rows: readonly ExtractRow[], count: number, context: DashboardContext): ExtractRow[] {
  const first = monthsBack(context.to, count - 1);
  return rows.filter((row) => (row.month ?? "") >= first && (row.month ?? "") <= context.to);
}

export function addRefundRates(page: DashboardPage, tables: ExtractTables, context: DashboardContext): void {
  const source = tables.product_performance;
  if (!source) {
    page.missing.push("product_performance");
    return;
  }
  const rows = monthsOf(source, REFUND_MONTHS, context);
  const groups = groupRows(rows, (row) => row.product_id || row.product_title || "");
  const products = [...groups.values()]
    .map((own) => {
      // The catalogue's current title: the newest month's row names it.
      const newest = [...own].sort((a, b) => (b.month ?? "").localeCompare(a.month ?? ""))[0] as ExtractRow;
      return {
        title: newest.product_title || newest.product_id || "",
        category: newest.category || "Uncategorised",
        orders: sum(own, "orders"),
        refunded: sum(own, "refunded_orders"),
        revenue: sum(own, "revenue"),
        rate: declaredRatio("product_performance", "refund_rate", own),
      };
    })
    .sort((a, b) => b.orders - a.orders || a.title.localeCompare(b.title));
  const months = [...new Set(rows.map((row) => row.month ?? ""))].sort();
  const period = monthSpan(months, context);
  page.tiles.push({
    id: "refund_rate",
    label: `Refund rate, ${months.length} month${months.length === 1 ? "" : "s"}`,
    value: declaredRatio("product_performance", "refund_rate", rows),
    format: "percent",
  });
  const charted = products
    .slice(0, REFUND_CHART_PRODUCTS)
    .filter((item) => item.rate !== null)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.orders - a.orders);
  if (charted.length)
    page.charts.push({
      id: "products-refund-rate",
      title: `Refund rate of the ${charted.length} most ordered products`,
      type: "bar",
      horizontal: true,
      labels: charted.map((item) => item.title),
      series: [{ label: "Refund rate", data: charted.map((item) => item.rate) }],
      format: "percent",
      caveat: `${period}: orders with the product that had a refund ÷ orders with the product.`,
    });
  page.tables.push({
    id: "products-refunds",
    title: `Refunds of the ${Math.min(REFUND_TABLE_PRODUCTS, products.length)} most ordered products, ${period}`,
    nullText: "",
    columns: [
      { label: "Product", format: "text" },
      { label: "Category", format: "text" },
      { label: "Orders", format: "number" },
      { label: "Refunded orders", format: "number" },
      { label: "Refund rate", format: "percent" },
      { label: "Revenue", format: "money" },
    ],
    rows: products
      .slice(0, REFUND_TABLE_PRODUCTS)
      .map((item) => [item.title, item.category, item.orders, item.refunded, item.rate, item.revenue]),
    caveat: "A refund is counted on the order: it counts against each product of that order.",
  });
}

export function addPremiumProducts(
  page: DashboardPage,
  tables: ExtractTables,
  context: DashboardContext,
): void {
  const source = tables.premium_products;
  if (!source) {
    page.missing.push("premium_products");
    return;
  }
  const rows = monthsOf(source, PREMIUM_MONTHS, context).sort(
    (a, b) =>
      (b.month ?? "").localeCompare(a.month ?? "") ||
      (num(b, "revenue") ?? 0) - (num(a, "revenue") ?? 0) ||
      (a.product_title ?? "").localeCompare(b.product_title ?? ""),
  );
  const threshold = rows.length ? num(rows[0] as ExtractRow, "premium_threshold") : null;
  page.tiles.push({
    id: "premium_threshold",
    label: "Premium from (list price)",
    value: threshold === null ? null : roundAmount(threshold),
    format: "money",
  });
  page.tables.push({
    id: "products-premium",
    title: `Premium products, last ${PREMIUM_MONTHS} months`,
    nullText: "",
    columns: [
      { label: "Month", format: "text" },
      { label: "Product", format: "text" },
      { label: "List price", format: "money" },
      { label: "Units", format: "number" },
      { label: "Orders", format: "number" },
      { label: "Revenue", format: "money" },
      { label: "Share of month", format: "percent" },
    ],
    rows: rows.map((row) => [
      monthLabel(row.month ?? "", context),
      row.product_title ?? "",
      num(row, "list_price"),
      num(row, "units"),
      num(row, "orders"),
      num(row, "revenue"),
      // The extract's own share of ALL products' revenue of that month (one row: nothing to aggregate).
      num(row, "revenue_share"),
    ]),
    caveat:
      "Premium: a list price at or above the 90th percentile of the active catalogue's list prices. " +
      "Share of month: of all products' revenue that month.",
  });
}

/** Revenue by category and day over the window (product_daily_sales), stacked. */
export function addCategoryDays(page: DashboardPage, tables: ExtractTables, context: DashboardContext): void {
  const source = tables.product_daily_sales;
  if (!source) return;
  const rows = inWindow(source, context.from, context.to);
  const byCategory = groupRows(rows, (row) => row.category || "Uncategorised");
  const categories = [...byCategory.entries()]
    .map(([category, own]) => ({
      category,
      byDay: groupRows(own, (row) => row.date ?? ""),
      revenue: sum(own, "revenue"),
    }))
    .sort((a, b) => b.revenue - a.revenue || a.category.localeCompare(b.category));
  if (!categories.length) return;
  // The days start on the shop's first day of data (context.shownDays): a day before it is unknown, not a day of
  // no sales in every category, and is not drawn; a day of data without a category's sale is 0.
  page.charts.push({
    id: "products-category-daily",
    title: dailyChartTitle("Revenue by category and day", context),
    type: "bar",
    stacked: true,
    sequence: true,
    labels: context.shownDays.map((day) => formatDayMonth(day, context.locale)),
    series: categories.map(({ category, byDay }) => ({
      label: category,
      data: context.shownDays.map((day) => sum(byDay.get(day) ?? [], "revenue")),
    })),
    format: "money",
    ...(context.firstDataDay
      ? {
          caveat: `From ${formatWeekdayDate(context.firstDataDay, context.locale)}, the first day of the shop's data.`,
        }
      : {}),
  });
}
