// The dashboard page's content, as plain data: the same pages as the Looker Studio dashboard (overview, channels,
// campaigns, products, geography, cohorts, data quality), built from the rows of the CSV extracts the export step
// wrote. Pure: rows in (strings, as a CSV parser gives them), pages of KPI tiles, chart specs and tables out. The
// renderer (dashboard-render.ts) turns this into one HTML file; the numbers are decided here, once.
import { addDays } from "../lib/calendar.ts";
import { currencyMinorUnits } from "../lib/currency.ts";
import { shownDays } from "../lib/reporting/data-coverage.ts";
import {
  formatDateRange,
  formatDayMonth,
  formatNumber,
  formatWeekdayDate,
} from "../lib/reporting/display-format.ts";
import { addCampaignDays } from "./dashboard-campaign-days.ts";
import { declaredRatio } from "./dashboard-declared.ts";
import { addChannelMix, addExecutiveTable } from "./dashboard-monthly.ts";
import { buildLookerPages } from "./dashboard-pages.ts";
import { addCategoryDays, addPremiumProducts, addRefundRates } from "./dashboard-product-months.ts";
import { productsPage, qualityPage } from "./dashboard-products.ts";
import {
  dailyChartTitle,
  daysBetween,
  firstDataDay,
  type DashboardContext as Context,
  type DashboardModel,
  type DashboardOptions,
  type DashboardPage,
  type ExtractRow,
  type ExtractTables,
  type Tile,
  type ValueFormat,
  inWindow,
  incompleteCaveat,
  isTrue,
  label,
  missingPage,
  MONTHS_SHOWN,
  monthLabel,
  monthsBack,
  num,
  ratio,
  roundAmount,
  sum,
  WINDOW_DAYS,
} from "./dashboard-rows.ts";

export type { DashboardModel } from "./dashboard-rows.ts";

// --- pages ---------------------------------------------------------------------------------------------------

interface OverviewKpis {
  revenue: number;
  net_revenue: number;
  orders: number;
  aov: number | null;
  new_customers: number;
  ad_spend: number;
  blended_roas: number | null;
  mer: number | null;
  cac: number | null;
}

/** The overview's KPIs over some days of daily_kpis, computed as the extract defines them per day. */
function overviewKpis(rows: readonly ExtractRow[], moneyPlaces: number): OverviewKpis {
  const revenue = sum(rows, "gross_revenue");
  const net = sum(rows, "net_revenue");
  const spend = sum(rows, "ad_spend");
  const orders = sum(rows, "orders");
  const customers = sum(rows, "new_customers");
  // The ratios as extract-schemas.json declares them, as the extract's own columns and Looker's fields are: AOV
  // over the orders that carry a value (an order without one is not a $0 order), and no CAC without ad spend (a
  // CAC of $0.00 on days whose ad platforms had not landed, where the extract's cac is blank).
  return {
    revenue,
    net_revenue: net,
    orders,
    aov: declaredRatio("daily_kpis", "aov", rows, moneyPlaces),
    new_customers: customers,
    ad_spend: spend,
    blended_roas: declaredRatio("daily_kpis", "blended_roas", rows),
    mer: declaredRatio("daily_kpis", "mer", rows),
    cac: declaredRatio("daily_kpis", "cac", rows, moneyPlaces),
  };
}

/** (now - before) / before, or null without a base. */
export function relativeChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return ratio(now - before, before);
}

function overviewPage(tables: ExtractTables, context: Context): DashboardPage {
  const page = missingPage("overview", "Overview", ["daily_kpis"], tables);
  const daily = tables.daily_kpis;
  if (!daily) return page;
  const rows = inWindow(daily, context.from, context.to);
  const byDate = new Map(rows.map((row) => [row.date, row]));
  // The same KPIs over the 28 days before: each tile says how it moved.
  const before = inWindow(daily, addDays(context.from, -context.days.length), addDays(context.from, -1));
  const current = overviewKpis(rows, context.moneyPlaces);
  const previous = before.length ? overviewKpis(before, context.moneyPlaces) : undefined;
  const caveat = incompleteCaveat(rows, context.locale);
  const previousCaveat = incompleteCaveat(before, context.locale);
  const tile = (id: keyof OverviewKpis, title: string, format: ValueFormat, partial = false): Tile => ({
    id,
    label: title,
    value: current[id],
    format,
    caveat: partial ? caveat : undefined,
    change: previous ? relativeChange(current[id], previous[id]) : null,
    // A change against (or of) a partial sum is shown without judgement.
    changeIsPartial: partial && Boolean(caveat || previousCaveat),
  });
  page.tiles = [
    tile("revenue", "Revenue", "money"),
    tile("net_revenue", "Net revenue", "money"),
    tile("orders", "Orders", "number"),
    tile("aov", "AOV", "money"),
    tile("new_customers", "New customers", "number"),
    tile("ad_spend", "Ad spend", "money", true),
    tile("blended_roas", "Blended ROAS", "ratio", true),
    tile("mer", "MER", "ratio", true),
    tile("cac", "CAC", "money", true),
  ];
  const incomplete = context.shownDays.flatMap((day, index) => {
    const row = byDate.get(day);
    return row && !isTrue(row, "is_complete") ? [index] : [];
  });
  const labels = context.shownDays.map((day) => formatDayMonth(day, context.locale));
  const column = (name: string, skipIncomplete = false) =>
    context.shownDays.map((day) => {
      const row = byDate.get(day);
      if (!row || (skipIncomplete && !isTrue(row, "is_complete"))) return null;
      return num(row, name);
    });
  page.charts.push({
    id: "overview-daily",
    title: dailyChartTitle("Revenue and ad spend by day", context),
    type: "bar",
    sequence: true,
    labels,
    series: [
      { label: "Revenue", data: column("gross_revenue") },
      // A day without all its ad platforms has no spend point: a partial sum would read as a drop.
      { label: "Ad spend", data: column("ad_spend", true), kind: "line" },
    ],
    format: "money",
    incomplete,
    caveat: incomplete.length
      ? `Shaded days lack an ad platform's data: no spend point is drawn. ${caveat ?? ""}`.trim()
      : undefined,
  });
  // Ratios over a day that lacked an ad platform would flatter it: no point for such a day.
  page.charts.push({
    id: "overview-efficiency",
    title: dailyChartTitle("Blended ROAS and MER by day", context),
    type: "line",
    sequence: true,
    labels,
    series: [
      { label: "Blended ROAS", data: column("blended_roas", true) },
      { label: "MER", data: column("mer", true) },
    ],
    format: "ratio",
    incomplete,
    caveat: incomplete.length ? "Shaded days lack an ad platform's data: no point is drawn." : undefined,
  });
  page.charts.push({
    id: "overview-customers",
    title: dailyChartTitle("Revenue from new and returning customers", context),
    type: "bar",
    stacked: true,
    sequence: true,
    labels,
    series: [
      { label: "New customers", data: column("new_customer_revenue") },
      { label: "Returning customers", data: column("returning_customer_revenue") },
    ],
    format: "money",
  });
  // Months: the run month and the 12 before it; the run month is partial (up to the run date).
  const firstMonth = monthsBack(context.to, MONTHS_SHOWN - 1);
  const monthly = new Map<string, ExtractRow[]>();
  for (const row of daily) {
    const date = row.date ?? "";
    if (date < firstMonth || date > context.to) continue;
    const month = date.slice(0, 7);
    monthly.set(month, [...(monthly.get(month) ?? []), row]);
  }
  const months = [...monthly.keys()].sort();
  page.charts.push({
    id: "overview-monthly",
    title: "Revenue and orders by month",
    type: "bar",
    sequence: true,
    labels: months.map((month) => monthLabel(`${month}-01`, context)),
    series: [
      { label: "Revenue", data: months.map((month) => sum(monthly.get(month) ?? [], "gross_revenue")) },
      {
        label: "Orders",
        data: months.map((month) => sum(monthly.get(month) ?? [], "orders")),
        kind: "line",
        axis: "y2",
      },
    ],
    format: "money",
    format2: "number",
  });
  return page;
}

function channelsPage(tables: ExtractTables, context: Context): DashboardPage {
  const page = missingPage("channels", "Channels", ["marketing_daily_channel"], tables);
  const source = tables.marketing_daily_channel;
  if (!source) return page;
  const rows = inWindow(source, context.from, context.to);
  const channels = [...new Set(rows.map((row) => row.channel ?? ""))];
  const totals = channels.map((channel) => {
    const own = rows.filter((row) => row.channel === channel);
    const spend = sum(own, "spend");
    const revenue = sum(own, "attributed_revenue");
    const impressions = sum(own, "impressions");
    const clicks = sum(own, "clicks");
    const paid = own.some((row) => num(row, "spend") !== null && (num(row, "spend") ?? 0) > 0);
    const incompleteDays = own.filter((row) => !isTrue(row, "is_complete")).length;
    return {
      channel,
      spend,
      revenue,
      impressions,
      clicks,
      orders: sum(own, "attributed_orders"),
      paid,
      incompleteDays,
      roas: paid ? ratio(revenue, spend, 2) : null,
    };
  });
  totals.sort((a, b) => b.revenue - a.revenue || a.channel.localeCompare(b.channel));
  const paid = totals.filter((item) => item.paid);
  const paidSpend = roundAmount(paid.reduce((total, item) => total + item.spend, 0));
  const paidRevenue = roundAmount(paid.reduce((total, item) => total + item.revenue, 0));
  const paidOrders = roundAmount(paid.reduce((total, item) => total + item.orders, 0));
  const caveat = incompleteCaveat(rows, context.locale);
  page.tiles = [
    { id: "paid_spend", label: "Paid spend", value: paidSpend, format: "money", caveat },
    { id: "paid_revenue", label: "Paid attributed revenue", value: paidRevenue, format: "money" },
    { id: "paid_roas", label: "Paid ROAS", value: ratio(paidRevenue, paidSpend, 2), format: "ratio", caveat },
    // Every channel's orders, direct & organic included: said in the label, beside three paid-only figures.
    {
      id: "attributed_orders",
      label: "Attributed orders, all channels",
      value: roundAmount(totals.reduce((total, item) => total + item.orders, 0)),
      format: "number",
      note: `${formatNumber(paidOrders, context.locale)} from paid channels`,
    },
  ];
  const names = (items: typeof totals) =>
    items.map((item) => `${label(item.channel)}${item.incompleteDays ? " *" : ""}`);
  page.charts.push({
    id: "channels-revenue",
    title: "Attributed revenue and spend by channel",
    type: "bar",
    labels: names(totals),
    series: [
      { label: "Attributed revenue", data: totals.map((item) => item.revenue) },
      { label: "Spend", data: totals.map((item) => item.spend) },
    ],
    format: "money",
    caveat: caveat ? `* ${caveat}` : undefined,
  });
  if (paid.length)
    page.charts.push({
      id: "channels-roas",
      title: "ROAS by paid channel",
      type: "bar",
      labels: names(paid),
      series: [{ label: "ROAS", data: paid.map((item) => item.roas) }],
      format: "ratio",
      caveat: caveat ? `* ${caveat}: ROAS counts only the days that landed` : undefined,
    });
  const byKey = new Map(rows.map((row) => [`${row.date}|${row.channel}`, row]));
  const incomplete = context.shownDays.flatMap((day, index) =>
    rows.some((row) => row.date === day && !isTrue(row, "is_complete")) ? [index] : [],
  );
  if (paid.length)
    page.charts.push({
      id: "channels-daily-spend",
      title: dailyChartTitle("Spend by paid channel and day", context),
      type: "bar",
      stacked: true,
      sequence: true,
      labels: context.shownDays.map((day) => formatDayMonth(day, context.locale)),
      series: paid.map((item) => ({
        label: label(item.channel),
        data: context.shownDays.map((day) => {
          const row = byKey.get(`${day}|${item.channel}`);
          return row ? num(row, "spend") : null;
        }),
      })),
      format: "money",
      incomplete,
      caveat: incomplete.length
        ? "Shaded days lack an ad platform's data (no bar: unknown, not 0)."
        : undefined,
    });
  page.tables.push({
    id: "channels-table",
    title: `Channels, ${context.shownDays.length} days`,
    columns: [
      { label: "Channel", format: "text" },
      { label: "Spend", format: "money" },
      { label: "Impressions", format: "number" },
      { label: "Clicks", format: "number" },
      { label: "CTR", format: "percent" },
      { label: "Orders", format: "number" },
      { label: "Revenue", format: "money" },
      { label: "ROAS", format: "ratio" },
      // Incomplete, not missing: a day whose platform rows landed without an exchange rate counts here too, and
      // the page's caveat says which it was.
      { label: "Days incomplete", format: "number" },
    ],
    rows: totals.map((item) => [
      label(item.channel),
      item.paid ? item.spend : null,
      item.paid ? item.impressions : null,
      item.paid ? item.clicks : null,
      item.paid ? ratio(item.clicks, item.impressions) : null,
      item.orders,
      item.revenue,
      item.roas,
      item.incompleteDays,
    ]),
    incompleteRows: totals.flatMap((item, index) => (item.incompleteDays ? [index] : [])),
  });
  return page;
}

/** The whole dashboard from the extracts' rows. */
export function buildDashboardModel(tables: ExtractTables, options: DashboardOptions): DashboardModel {
  const to = options.runDate;
  const from = addDays(to, -(WINDOW_DAYS - 1));
  const dataFrom = firstDataDay(tables, from);
  const context: Context = {
    from,
    to,
    days: daysBetween(from, to),
    locale: options.shop.locale,
    firstDataDay: dataFrom,
    // A first day after the run date (rows from a later run, none of this one's) would leave no day to draw.
    shownDays: daysBetween(dataFrom !== undefined && dataFrom <= to ? dataFrom : from, to),
    moneyPlaces: currencyMinorUnits(options.shop.currency),
  };
  const looker = buildLookerPages(tables, context);
  const overview = overviewPage(tables, context);
  addExecutiveTable(overview, tables, context);
  const channels = channelsPage(tables, context);
  addChannelMix(channels, tables, context);
  addCampaignDays(looker.campaigns, tables, context);
  const products = productsPage(tables, context);
  addCategoryDays(products, tables, context);
  addRefundRates(products, tables, context);
  addPremiumProducts(products, tables, context);
  // The pages of tiles over the window say once where the data begins, and so why their figures and daily charts
  // cover fewer days than the window's 28; the header and each daily chart's title name the days shown.
  if (context.firstDataDay) {
    const shown = context.shownDays.length;
    const note = `The shop's data begins ${formatWeekdayDate(context.firstDataDay, context.locale)}: the figures and daily charts cover its ${shown} ${shown === 1 ? "day" : "days"} (${formatDateRange(context.firstDataDay, to, context.locale)}), not the last ${WINDOW_DAYS}.`;
    overview.notes.push(note);
    channels.notes.push(note);
  }
  return {
    shopName: options.shop.name,
    runDate: options.runDate,
    currency: options.shop.currency,
    locale: options.shop.locale,
    isDemo: options.demo,
    window: { from, to, days: WINDOW_DAYS },
    shown: shownDays(context.shownDays[0] ?? from, to, context.shownDays.length < WINDOW_DAYS),
    pages: [
      overview,
      channels,
      looker.campaigns,
      products,
      looker.geography,
      looker.cohorts,
      qualityPage(tables, context),
    ],
  };
}
