// The executive deck as a plain value: slides made of blocks (KPI cards, tables, native charts, text). Pure:
// every number is a mart row's value or a ratio of sums of rows' values, formatted here once, so the renderer
// only lays things out and a test can check each figure against the rows it came from.
import { addDays, daysBetween } from "../shared/dates.ts";
import type { Finding, Severity } from "../shared/findings.ts";
import { sortFindings } from "../shared/findings.ts";
import {
  currencySymbol,
  formatChange,
  formatDateRange,
  formatDayMonth,
  formatLongDate,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRatio,
  formatWeekday,
  formatWeekdayDate,
  NOT_AVAILABLE,
  type NumberLocale,
} from "../shared/format.ts";
import {
  type ChangeDirection,
  type ChangeTone,
  compareKpis,
  comparisonDates,
  type KpiMetric,
  lastDays,
  type MetricChange,
  monthToDate,
  monthToDateRanges,
} from "../shared/kpi-comparisons.ts";
import type { ChannelDayRow, FreshnessStatus, ReportData } from "../shared/report-data.ts";
import { channelLabel } from "../shared/sources.ts";

export const TREND_DAYS = 28;
/** Findings on the data-quality slide itself; the rest go to continuation slides. */
export const FINDINGS_ON_QUALITY_SLIDE = 5;
export const FINDINGS_PER_CONTINUATION_SLIDE = 8;
export const MAX_PRODUCT_ROWS = 8;
export const MAX_CHANNEL_ROWS = 8;
export const MAX_SOURCE_ROWS = 6;

/** How a value should stand out; the renderer maps it to a colour. */
export type Emphasis = "good" | "bad" | "warning" | "info" | "muted" | "none";

export interface ChangeLine {
  /** "+8%", or "n/a" when there is nothing to compare with. */
  text: string;
  /** "vs last Sat", "vs last year". */
  comparedWith: string;
  /** "▲", "▼" or "" (flat or unknown). */
  arrow: string;
  direction: ChangeDirection | null;
  tone: ChangeTone;
}

export interface KpiCard {
  metric: KpiMetric;
  label: string;
  /** The run day's value, formatted; "n/a" when the row or the value is missing. */
  value: string;
  raw: number | null;
  changes: ChangeLine[];
}

export interface TableColumn {
  header: string;
  /** Relative width. */
  width: number;
  align: "left" | "right" | "center";
}

export interface TableCell {
  text: string;
  emphasis?: Emphasis;
  bold?: boolean;
}

export interface TableSpec {
  id: string;
  columns: TableColumn[];
  rows: TableCell[][];
  /** Shown instead of an empty table. */
  emptyText?: string;
  /** A line under the table, e.g. how many rows were left out. */
  note?: string;
}

export interface ChartSeries {
  name: string;
  /** Bars or a line; a chart mixing both is rendered as one combo chart sharing the value axis. */
  as: "bar" | "line";
  /** Revenue and spend keep one colour each across the deck. */
  role?: "revenue" | "spend";
  values: number[];
}

export interface ChartSpec {
  id: string;
  title: string;
  /** "column": vertical bars (and lines); "bar": horizontal bars; "doughnut": shares of a whole. */
  kind: "column" | "bar" | "doughnut";
  labels: string[];
  series: ChartSeries[];
  /** Excel number format of the values, for axes and the embedded workbook, e.g. `"$"#,##0`. */
  numberFormat: string;
  emptyText: string;
}

export interface TextLine {
  text: string;
  emphasis?: Emphasis;
  bold?: boolean;
}

export type DeckBlock =
  | { type: "kpis"; cards: KpiCard[] }
  | { type: "table"; table: TableSpec }
  | { type: "chart"; chart: ChartSpec }
  | { type: "text"; lines: TextLine[] };

/** Where a block goes: blocks of a region stack top to bottom; tables and text take what they need. */
export type Region = "full" | "left" | "right";

export interface PlacedBlock {
  region: Region;
  block: DeckBlock;
}

export type SlideKind = "cover" | "summary" | "trend" | "channels" | "products" | "quality" | "findings";

export interface CoverSlide {
  kind: "cover";
  title: string;
  shopName: string;
  lines: string[];
}

export interface ContentSlide {
  kind: Exclude<SlideKind, "cover">;
  title: string;
  subtitle?: string;
  blocks: PlacedBlock[];
}

export type DeckSlide = CoverSlide | ContentSlide;

export interface DeckContent {
  shopName: string;
  runDate: string;
  /** "Daily performance — Sat 21 Nov 2026" */
  title: string;
  /** For the footer of every slide. */
  periodLabel: string;
  slides: DeckSlide[];
}

const KPI_LABELS: Record<KpiMetric, string> = {
  gross_revenue: "Gross revenue",
  net_revenue: "Net revenue",
  orders: "Orders",
  aov: "AOV",
  ad_spend: "Ad spend",
  blended_roas: "Blended ROAS",
  mer: "MER",
  new_customers: "New customers",
  cac: "CAC",
};

const SUMMARY_CARDS: readonly KpiMetric[] = [
  "gross_revenue",
  "net_revenue",
  "orders",
  "aov",
  "ad_spend",
  "blended_roas",
  "mer",
  "new_customers",
  "cac",
];

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "CRITICAL",
  warning: "WARNING",
  info: "INFO",
};

const SEVERITY_EMPHASIS: Record<Severity, Emphasis> = { critical: "bad", warning: "warning", info: "info" };

const STATUS_LABELS: Record<FreshnessStatus, string> = { ok: "OK", warn: "WARN", critical: "CRITICAL" };
const STATUS_EMPHASIS: Record<FreshnessStatus, Emphasis> = { ok: "good", warn: "warning", critical: "bad" };

export function arrowFor(direction: ChangeDirection | null): string {
  if (direction === "up") return "▲";
  if (direction === "down") return "▼";
  return "";
}

const TONE_EMPHASIS: Record<ChangeTone, Emphasis> = { good: "good", bad: "bad", neutral: "none" };

export function toneEmphasis(tone: ChangeTone): Emphasis {
  return TONE_EMPHASIS[tone];
}

/** Formats a KPI value the way every surface shows it. */
export function formatKpi(metric: KpiMetric, value: number | null, fmt: NumberLocale): string {
  switch (metric) {
    case "gross_revenue":
    case "net_revenue":
    case "ad_spend":
      return formatMoney(value, fmt);
    case "aov":
    case "cac":
      return formatMoney(value, fmt, 2);
    case "blended_roas":
    case "mer":
      return formatRatio(value, fmt.locale, 2, "×");
    case "orders":
    case "new_customers":
      return formatNumber(value, fmt.locale);
  }
}

export function changeLine(change: MetricChange, comparedWith: string, locale: string): ChangeLine {
  return {
    text: formatChange(change.change, locale),
    comparedWith,
    arrow: arrowFor(change.direction),
    direction: change.direction,
    tone: change.tone,
  };
}

/** Excel number format for money in the shop's currency, for chart axes and the embedded workbook. */
export function excelMoneyFormat(fmt: NumberLocale): string {
  const { symbol, position } = currencySymbol(fmt);
  const quoted = `"${symbol.replace(/"/g, "")}"`;
  return position === "before" ? `${quoted}#,##0` : `#,##0 ${quoted}`;
}

const safeRatio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

const right = (header: string, width = 1): TableColumn => ({ header, width, align: "right" });
const left = (header: string, width = 1): TableColumn => ({ header, width, align: "left" });
const cell = (text: string, emphasis?: Emphasis, bold?: boolean): TableCell => ({
  text,
  ...(emphasis ? { emphasis } : {}),
  ...(bold ? { bold } : {}),
});
const full = (block: DeckBlock): PlacedBlock => ({ region: "full", block });

interface Context {
  data: ReportData;
  fmt: NumberLocale;
  locale: string;
  runDay: string;
  runDayLong: string;
}

function coverSlide(ctx: Context, title: string): CoverSlide {
  const { data, locale } = ctx;
  const dates = comparisonDates(data.runDate);
  const mtd = monthToDateRanges(data.runDate);
  const trendFrom = addDays(data.runDate, -(TREND_DAYS - 1));
  return {
    kind: "cover",
    title,
    shopName: data.shop.name,
    lines: [
      `Run day: ${ctx.runDayLong} (${data.shop.timezone})`,
      `Compared with: ${formatWeekdayDate(dates.previousDay, locale)} (day before), ${formatWeekdayDate(dates.lastWeek, locale)} (last week), ${formatLongDate(dates.lastYear, locale)} (last year)`,
      `Month to date: ${formatDateRange(mtd.current.from, mtd.current.to, locale)} vs ${formatDateRange(mtd.previous.from, mtd.previous.to, locale)}`,
      `Trends: ${formatDateRange(trendFrom, data.runDate, locale)}`,
    ],
  };
}

function summarySlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const weekday = formatWeekday(data.runDate, locale);
  const comparisons = compareKpis(data.daily, data.runDate, SUMMARY_CARDS);
  const cards: KpiCard[] = comparisons.map((comparison) => ({
    metric: comparison.metric,
    label: KPI_LABELS[comparison.metric],
    value: formatKpi(comparison.metric, comparison.value, fmt),
    raw: comparison.value,
    changes: [
      changeLine(comparison.lastWeek, `vs last ${weekday}`, locale),
      changeLine(comparison.lastYear, "vs last year", locale),
    ],
  }));

  const mtd = monthToDate(data.daily, data.runDate);
  const ranges = monthToDateRanges(data.runDate);
  const mtdMetrics: KpiMetric[] = [
    "gross_revenue",
    "net_revenue",
    "orders",
    "aov",
    "ad_spend",
    "blended_roas",
    "mer",
    "cac",
  ];
  const valueRow = (label: string, totals: typeof mtd.current): TableCell[] => [
    cell(label, undefined, true),
    ...mtdMetrics.map((metric) => cell(formatKpi(metric, totals ? totals[metric] : null, fmt))),
  ];
  const mtdTable: TableSpec = {
    id: "month-to-date",
    columns: [left("Month to date", 1.5), ...mtdMetrics.map((metric) => right(KPI_LABELS[metric]))],
    rows: [
      valueRow(formatDateRange(ranges.current.from, ranges.current.to, locale), mtd.current),
      valueRow(formatDateRange(ranges.previous.from, ranges.previous.to, locale), mtd.previous),
      [
        cell("Change", undefined, true),
        ...mtdMetrics.map((metric) => {
          const change = mtd.changes[metric];
          const arrow = arrowFor(change.direction);
          const text = formatChange(change.change, locale);
          return cell(arrow ? `${arrow} ${text}` : text, toneEmphasis(change.tone), true);
        }),
      ],
    ],
    note: "Month-to-date AOV, ROAS, MER and CAC are ratios of the period's sums.",
  };
  return {
    kind: "summary",
    title: `Executive summary — ${ctx.runDayLong}`,
    blocks: [full({ type: "kpis", cards }), full({ type: "table", table: mtdTable })],
  };
}

function trendSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const rows = lastDays(data.daily, data.runDate, TREND_DAYS);
  const from = addDays(data.runDate, -(TREND_DAYS - 1));
  const revenue = rows.reduce((sum, row) => sum + row.gross_revenue, 0);
  const spend = rows.reduce((sum, row) => sum + row.ad_spend, 0);
  const chart: ChartSpec = {
    id: "revenue-spend-trend",
    title: "Gross revenue (bars) and ad spend (line) per day",
    kind: "column",
    labels: rows.map((row) => formatDayMonth(row.date, locale)),
    series: [
      { name: "Gross revenue", as: "bar", role: "revenue", values: rows.map((row) => row.gross_revenue) },
      { name: "Ad spend", as: "line", role: "spend", values: rows.map((row) => row.ad_spend) },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: "No daily KPIs in the last 28 days.",
  };
  const lines: TextLine[] = rows.length
    ? [
        {
          text: `${formatDateRange(rows[0]?.date ?? from, data.runDate, locale)} (${rows.length} days with data): gross revenue ${formatMoney(revenue, fmt)} · ad spend ${formatMoney(spend, fmt)} · blended ROAS ${formatRatio(safeRatio(revenue, spend), locale, 2, "×")}`,
        },
      ]
    : [];
  return {
    kind: "trend",
    title: `Revenue and ad spend — last ${TREND_DAYS} days`,
    blocks: [full({ type: "chart", chart }), ...(lines.length ? [full({ type: "text", lines })] : [])],
  };
}

interface ChannelTotals {
  channel: string;
  spend: number;
  attributedRevenue: number;
  lastDate: string;
}

function channelTotals(rows: readonly ChannelDayRow[]): ChannelTotals[] {
  const byChannel = new Map<string, ChannelTotals>();
  for (const row of rows) {
    const totals = byChannel.get(row.channel) ?? {
      channel: row.channel,
      spend: 0,
      attributedRevenue: 0,
      lastDate: row.date,
    };
    totals.spend += row.spend;
    totals.attributedRevenue += row.attributed_revenue;
    if (row.date > totals.lastDate) totals.lastDate = row.date;
    byChannel.set(row.channel, totals);
  }
  return [...byChannel.values()].sort((a, b) => b.spend - a.spend || a.channel.localeCompare(b.channel));
}

function channelsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const from = addDays(data.runDate, -(TREND_DAYS - 1));
  const window = data.channels.filter((row) => row.date >= from && row.date <= data.runDate);
  const totals = channelTotals(window);
  const runDayRows = new Map(
    window.filter((row) => row.date === data.runDate).map((row) => [row.channel, row] as const),
  );

  const rows: TableCell[][] = [];
  const missing: string[] = [];
  for (const channel of totals.slice(0, MAX_CHANNEL_ROWS)) {
    const row = runDayRows.get(channel.channel);
    const name = cell(channelLabel(channel.channel), undefined, true);
    if (!row) {
      rows.push([name, ...Array.from({ length: 7 }, () => cell(NOT_AVAILABLE, "muted"))]);
      missing.push(
        `${channelLabel(channel.channel)} (last day with data: ${formatWeekdayDate(channel.lastDate, locale)})`,
      );
      continue;
    }
    rows.push([
      name,
      cell(formatMoney(row.spend, fmt)),
      cell(
        formatMoney(row.attributed_revenue, fmt),
        row.spend > 0 && row.attributed_revenue === 0 ? "bad" : undefined,
      ),
      cell(formatRatio(row.roas, locale, 2)),
      cell(formatNumber(row.clicks, locale)),
      cell(formatPercent(safeRatio(row.clicks, row.impressions), locale, 2)),
      cell(formatMoney(safeRatio(row.spend, row.clicks), fmt, 2)),
      cell(formatNumber(row.platform_conversions, locale, 1)),
    ]);
  }
  const present = [...runDayRows.values()];
  if (present.length > 1) {
    const sum = (pick: (row: ChannelDayRow) => number) =>
      present.reduce((total, row) => total + pick(row), 0);
    const spend = sum((row) => row.spend);
    const clicks = sum((row) => row.clicks);
    rows.push([
      cell("All channels", undefined, true),
      cell(formatMoney(spend, fmt), undefined, true),
      cell(
        formatMoney(
          sum((row) => row.attributed_revenue),
          fmt,
        ),
        undefined,
        true,
      ),
      cell(
        formatRatio(
          safeRatio(
            sum((row) => row.attributed_revenue),
            spend,
          ),
          locale,
          2,
        ),
        undefined,
        true,
      ),
      cell(formatNumber(clicks, locale), undefined, true),
      cell(
        formatPercent(
          safeRatio(
            clicks,
            sum((row) => row.impressions),
          ),
          locale,
          2,
        ),
        undefined,
        true,
      ),
      cell(formatMoney(safeRatio(spend, clicks), fmt, 2), undefined, true),
      cell(
        formatNumber(
          sum((row) => row.platform_conversions),
          locale,
          1,
        ),
        undefined,
        true,
      ),
    ]);
  }
  const notes: string[] = [];
  if (totals.length > MAX_CHANNEL_ROWS)
    notes.push(`${totals.length - MAX_CHANNEL_ROWS} smaller channels not shown.`);
  if (missing.length) notes.push(`No data for ${ctx.runDay}: ${missing.join(", ")}.`);
  const table: TableSpec = {
    id: "channels-run-day",
    columns: [
      left("Channel", 1.5),
      right("Spend"),
      right("Attributed revenue", 1.4),
      right("ROAS", 0.8),
      right("Clicks"),
      right("CTR", 0.8),
      right("CPC", 0.8),
      right("Platform conv.", 1.1),
    ],
    rows,
    emptyText: `No channel data in the last ${TREND_DAYS} days.`,
    ...(notes.length ? { note: notes.join(" ") } : {}),
  };
  const chartChannels = totals.slice(0, MAX_CHANNEL_ROWS);
  const chart: ChartSpec = {
    id: "channel-spend-28d",
    title: `Spend and attributed revenue by channel — ${formatDateRange(from, data.runDate, locale)}`,
    kind: "bar",
    labels: chartChannels.map((channel) => channelLabel(channel.channel)),
    series: [
      { name: "Spend", as: "bar", role: "spend", values: chartChannels.map((channel) => channel.spend) },
      {
        name: "Attributed revenue",
        as: "bar",
        role: "revenue",
        values: chartChannels.map((channel) => channel.attributedRevenue),
      },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: `No channel data in the last ${TREND_DAYS} days.`,
  };
  return {
    kind: "channels",
    title: `Channels — ${ctx.runDay}`,
    blocks: [full({ type: "table", table }), full({ type: "chart", chart })],
  };
}

function productsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const shown = data.topProducts.slice(0, MAX_PRODUCT_ROWS);
  const table: TableSpec = {
    id: "top-products",
    columns: [
      right("#", 0.4),
      left("Product", 4),
      left("Category", 1.6),
      right("Units", 0.9),
      right("Orders", 0.9),
      right("Revenue", 1.2),
    ],
    rows: shown.map((product, index) => [
      cell(String(index + 1)),
      cell(product.product_title, undefined, true),
      cell(product.category),
      cell(formatNumber(product.units, locale)),
      cell(formatNumber(product.orders, locale)),
      cell(formatMoney(product.revenue, fmt)),
    ]),
    emptyText: `No product sales recorded for ${ctx.runDay}.`,
    ...(data.topProducts.length > shown.length
      ? { note: `${data.topProducts.length - shown.length} more products not shown.` }
      : {}),
  };
  const chart: ChartSpec = {
    id: "top-products-revenue",
    title: `Revenue by product — ${ctx.runDay}`,
    kind: "bar",
    labels: shown.map((product) => product.product_title),
    series: [
      { name: "Revenue", as: "bar", role: "revenue", values: shown.map((product) => product.revenue) },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: `No product sales recorded for ${ctx.runDay}.`,
  };
  return {
    kind: "products",
    title: `Top products — ${ctx.runDay}`,
    blocks: [
      full({ type: "table", table }),
      ...(shown.length ? [full({ type: "chart" as const, chart })] : []),
    ],
  };
}

function findingsTable(id: string, findings: readonly Finding[], note?: string): TableSpec {
  return {
    id,
    columns: [left("Severity", 1.1), left("Finding", 8)],
    rows: findings.map((finding) => [
      cell(SEVERITY_LABELS[finding.severity], SEVERITY_EMPHASIS[finding.severity], true),
      cell(finding.message),
    ]),
    emptyText: "No findings in this run.",
    ...(note ? { note } : {}),
  };
}

function qualitySlides(ctx: Context): ContentSlide[] {
  const { data, locale } = ctx;
  const sources = data.sources.slice(0, MAX_SOURCE_ROWS);
  const freshness: TableSpec = {
    id: "source-freshness",
    columns: [left("Source", 2), left("Last day with data", 2), right("Lag", 1), left("Status", 1.2)],
    rows: sources.map((source) => [
      cell(source.label, undefined, true),
      cell(formatWeekdayDate(source.lastEventDate, locale)),
      cell(
        source.lagDays === null
          ? NOT_AVAILABLE
          : `${formatNumber(source.lagDays, locale)} ${source.lagDays === 1 ? "day" : "days"}`,
      ),
      cell(STATUS_LABELS[source.status], STATUS_EMPHASIS[source.status], true),
    ]),
    emptyText: "No source freshness recorded for this run.",
    ...(data.sources.length > sources.length
      ? { note: `${data.sources.length - sources.length} more sources not shown.` }
      : {}),
  };
  const findings = sortFindings(data.findings);
  const first = findings.slice(0, FINDINGS_ON_QUALITY_SLIDE);
  const rest = findings.slice(FINDINGS_ON_QUALITY_SLIDE);
  const counts = (["critical", "warning", "info"] as const)
    .map(
      (severity) =>
        `${findings.filter((finding) => finding.severity === severity).length} ${SEVERITY_LABELS[severity].toLowerCase()}`,
    )
    .join(", ");
  const slides: ContentSlide[] = [
    {
      kind: "quality",
      title: "Data quality",
      subtitle: `Findings: ${counts}`,
      blocks: [
        full({ type: "table", table: freshness }),
        full({
          type: "table",
          table: findingsTable(
            "findings",
            first,
            rest.length ? `${rest.length} more findings on the next slides.` : undefined,
          ),
        }),
      ],
    },
  ];
  for (let start = 0; start < rest.length; start += FINDINGS_PER_CONTINUATION_SLIDE) {
    const page = rest.slice(start, start + FINDINGS_PER_CONTINUATION_SLIDE);
    slides.push({
      kind: "findings",
      title: "Data quality — findings (continued)",
      blocks: [full({ type: "table", table: findingsTable(`findings-${slides.length}`, page) })],
    });
  }
  return slides;
}

export function buildDeckContent(data: ReportData): DeckContent {
  const fmt: NumberLocale = { currency: data.shop.currency, locale: data.shop.locale };
  const ctx: Context = {
    data,
    fmt,
    locale: data.shop.locale,
    runDay: formatWeekdayDate(data.runDate, data.shop.locale),
    runDayLong: formatLongDate(data.runDate, data.shop.locale),
  };
  const title = `Daily performance — ${ctx.runDayLong}`;
  const history = data.daily[0] ? daysBetween(data.daily[0].date, data.runDate) + 1 : 0;
  const cover = coverSlide(ctx, title);
  if (history < 365)
    cover.lines.push(`History available: ${history} days (year-on-year comparisons show n/a)`);
  return {
    shopName: data.shop.name,
    runDate: data.runDate,
    title,
    periodLabel: ctx.runDayLong,
    slides: [
      cover,
      summarySlide(ctx),
      trendSlide(ctx),
      channelsSlide(ctx),
      productsSlide(ctx),
      ...qualitySlides(ctx),
    ],
  };
}
