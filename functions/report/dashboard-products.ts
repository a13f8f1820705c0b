// The dashboard's products page (product_daily_sales over the window; product_performance and premium_products
// for the run month) and its data quality page (findings, reconciliation, and the days whose sources had not all
// landed, from daily_kpis).
import { sourceDisplayName, unconvertedSourcesOf } from "../lib/reporting/completeness.ts";
import { formatFindingText } from "../lib/reporting/display-format.ts";
import {
  type DashboardContext,
  type DashboardPage,
  type ExtractTables,
  inWindow,
  isTrue,
  missingPage,
  missingSourceNames,
  missingSources,
  num,
  roundAmount,
  sum,
  TOP_PRODUCTS_CHART,
  TOP_PRODUCTS_TABLE,
} from "./dashboard-rows.ts";

export function productsPage(tables: ExtractTables, context: DashboardContext): DashboardPage {
  const page = missingPage("products", "Products", ["product_daily_sales"], tables);
  const source = tables.product_daily_sales;
  if (!source) return page;
  const rows = inWindow(source, context.from, context.to);
  const products = new Map<
    string,
    { title: string; category: string; units: number; orders: number; revenue: number }
  >();
  for (const row of rows) {
    const key = row.product_id || row.product_title || "";
    const item = products.get(key) ?? {
      title: row.product_title || key,
      category: row.category || "Uncategorised",
      units: 0,
      orders: 0,
      revenue: 0,
    };
    item.units += num(row, "units") ?? 0;
    item.orders += num(row, "orders") ?? 0;
    item.revenue += num(row, "revenue") ?? 0;
    products.set(key, item);
  }
  const ranked = [...products.values()]
    .map((item) => ({ ...item, revenue: roundAmount(item.revenue) }))
    .sort((a, b) => b.revenue - a.revenue || a.title.localeCompare(b.title));
  const categories = new Map<string, number>();
  for (const item of ranked)
    categories.set(item.category, (categories.get(item.category) ?? 0) + item.revenue);
  const categoryList = [...categories.entries()].sort((a, b) => b[1] - a[1]);
  page.tiles = [
    { id: "product_revenue", label: "Product revenue", value: sum(rows, "revenue"), format: "money" },
    { id: "units", label: "Units sold", value: sum(rows, "units"), format: "number" },
    {
      id: "products_sold",
      label: "Products sold",
      value: ranked.filter((item) => item.units > 0).length,
      format: "number",
    },
  ];
  const top = ranked.slice(0, TOP_PRODUCTS_CHART);
  if (top.length) {
    page.charts.push({
      id: "products-top",
      title: `Top ${top.length} products by revenue`,
      type: "bar",
      horizontal: true,
      labels: top.map((item) => item.title),
      series: [{ label: "Revenue", data: top.map((item) => item.revenue) }],
      format: "money",
    });
    page.charts.push({
      id: "products-categories",
      title: "Revenue by category",
      type: "doughnut",
      labels: categoryList.map(([category]) => category),
      series: [{ label: "Revenue", data: categoryList.map(([, revenue]) => roundAmount(revenue)) }],
      format: "money",
    });
  } else page.notes.push(`No product sales in the ${context.shownDays.length} days.`);
  page.tables.push({
    id: "products-table",
    title: `Top ${Math.min(TOP_PRODUCTS_TABLE, ranked.length)} products`,
    columns: [
      { label: "Product", format: "text" },
      { label: "Category", format: "text" },
      { label: "Units", format: "number" },
      { label: "Orders", format: "number" },
      { label: "Revenue", format: "money" },
    ],
    rows: ranked
      .slice(0, TOP_PRODUCTS_TABLE)
      .map((item) => [item.title, item.category, item.units, item.orders, item.revenue]),
  });
  return page;
}

const SEVERITIES = ["critical", "warning", "info"] as const;

export function qualityPage(tables: ExtractTables, context: DashboardContext): DashboardPage {
  const page = missingPage("quality", "Data quality", ["findings", "daily_kpis"], tables);
  const daily = tables.daily_kpis ? inWindow(tables.daily_kpis, context.from, context.to) : undefined;
  const findings = tables.findings;
  if (findings) {
    const counts = SEVERITIES.map((severity) => findings.filter((row) => row.severity === severity).length);
    page.tiles.push(
      { id: "critical_findings", label: "Critical alerts", value: counts[0] ?? 0, format: "number" },
      { id: "warning_findings", label: "Warnings", value: counts[1] ?? 0, format: "number" },
    );
    page.charts.push({
      id: "quality-findings",
      title: "This run's findings by severity",
      type: "bar",
      labels: ["Critical", "Warning", "Info"],
      series: [{ label: "Findings", data: counts }],
      format: "number",
    });
    const order = (severity: string | undefined) => {
      const index = SEVERITIES.indexOf((severity ?? "") as (typeof SEVERITIES)[number]);
      return index < 0 ? SEVERITIES.length : index;
    };
    const sorted = [...findings].sort((a, b) => order(a.severity) - order(b.severity));
    page.tables.push({
      id: "quality-findings-table",
      title: "Findings of this run",
      stack: true,
      columns: [
        { label: "Severity", format: "text" },
        { label: "Step", format: "text" },
        { label: "Check", format: "text" },
        { label: "Message", format: "text" },
      ],
      rows: sorted.map((row) => [
        row.severity ?? "",
        row.step ?? "",
        row.check_name ?? "",
        formatFindingText(row.message ?? "", context.locale),
      ]),
    });
    if (!findings.length) page.notes.push("No findings in this run: every check passed.");
  }
  const reconciliation = tables.reconciliation;
  if (reconciliation)
    page.tables.push({
      id: "quality-reconciliation",
      title: reconciliation.length
        ? "Warehouse against the platforms' own totals"
        : "Warehouse against the platforms' own totals (reconciliation off: no rows)",
      columns: [
        { label: "Source", format: "text" },
        { label: "Metric", format: "text" },
        // An ad account's totals are in its own currency, which may not be the shop's.
        { label: "Currency", format: "text" },
        { label: "Status", format: "text" },
        { label: "API", format: "number" },
        { label: "Warehouse", format: "number" },
        { label: "Difference", format: "number" },
      ],
      rows: reconciliation.map((row) => [
        sourceDisplayName(row.source ?? ""),
        row.metric ?? "",
        row.currency ?? "",
        row.status ?? "",
        num(row, "api_value"),
        num(row, "warehouse_value"),
        num(row, "difference"),
      ]),
      incompleteRows: reconciliation.flatMap((row, index) => (row.status === "MISMATCH" ? [index] : [])),
    });
  if (daily) {
    const incomplete = daily.filter((row) => !isTrue(row, "is_complete"));
    page.tiles.push(
      {
        id: "incomplete_days",
        label: `Incomplete days (of ${context.shownDays.length})`,
        value: incomplete.length,
        format: "number",
      },
      {
        id: "orders_missing_value",
        label: "Orders without a value",
        value: sum(daily, "orders_missing_value"),
        format: "number",
      },
    );
    const sources = [...new Set(incomplete.flatMap(missingSources))].sort();
    // A day whose rows landed without an exchange rate is not a day the source was missing: its data is there, its
    // rate is not, and what it asks for differs (a rate, not a reconnected source). Its days are a series of
    // their own, stacked on the days without data; both are always there, so each keeps its colour and its legend.
    const days = (source: string, withoutRate: boolean) =>
      incomplete.filter(
        (row) =>
          missingSources(row).includes(source) && unconvertedSourcesOf(row).has(source) === withoutRate,
      ).length;
    const series = [
      { label: "Not landed", data: sources.map((source) => days(source, false)) },
      {
        label: "Landed, spend not converted (no exchange rate)",
        data: sources.map((source) => days(source, true)),
      },
    ];
    if (sources.length)
      page.charts.push({
        id: "quality-missing-sources",
        title: `Days each source was incomplete (last ${context.shownDays.length} days)`,
        type: "bar",
        stacked: true,
        labels: sources.map(sourceDisplayName),
        series,
        // Which kind of day each bar counts, even when all of them are of one kind.
        legend: true,
        format: "number",
      });
    else page.notes.push(`Every day of the last ${context.shownDays.length} had all its expected sources.`);
    page.tables.push({
      id: "quality-incomplete-days",
      title: "Incomplete days",
      columns: [
        { label: "Day", format: "day" },
        { label: "Missing sources", format: "text" },
        { label: "Ad spend counted", format: "money" },
      ],
      rows: incomplete.map((row) => [row.date ?? "", missingSourceNames(row), num(row, "ad_spend")]),
      incompleteRows: incomplete.map((_, index) => index),
    });
  }
  return page;
}
