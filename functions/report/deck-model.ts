// The deck's content model: slides made of blocks (KPI cards, tables, native charts, text), and the small
// helpers every section shares. Values only: every string is formatted here once, so the renderer only lays
// things out and a test can check each figure against the mart rows it came from.
import { currencySymbol, formatMetricChange, type NumberLocale } from "../lib/reporting/display-format.ts";
import type {
  ChangeDirection,
  ChangeTone,
  KpiMetric,
  MetricChange,
  PeriodComparison,
  ReportPeriodRanges,
} from "../lib/reporting/kpi-comparisons.ts";
import { arrowFor } from "../lib/reporting/kpi-format.ts";
import type { ReportData } from "../lib/reporting/report-data.ts";

/** How a value should stand out; the renderer maps it to a colour. */
export type Emphasis = "good" | "bad" | "warning" | "info" | "muted" | "none";

export interface ChangeLine {
  /** "+8%", or "n/a" when there is nothing to compare with. */
  text: string;
  /** "vs last month", "vs last year". */
  comparedWith: string;
  /** "▲", "▼" or "" (flat or unknown). */
  arrow: string;
  direction: ChangeDirection | null;
  tone: ChangeTone;
}

export interface KpiCard {
  metric: KpiMetric;
  label: string;
  /** The period's value, formatted; "n/a" when the rows or the value are missing. */
  value: string;
  raw: number | null;
  changes: ChangeLine[];
  /**
   * "incomplete: excludes Meta, TikTok" when a source the value needs had not landed; "incomplete: excludes Meta
   * (not converted: no USD rate)" when its rows landed without an exchange rate.
   */
  caveat?: string;
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
  /** A label read as one (a month, "1–21 Nov 2026"): its column is made wide enough for all of it on one line. */
  whole?: boolean;
  /** 0–1: how strongly a heat-map cell is shaded (the renderer picks the colour). */
  heat?: number;
}

export interface TableSpec {
  id: string;
  columns: TableColumn[];
  rows: TableCell[][];
  /** Shown instead of an empty table. */
  emptyText?: string;
  /** A line under the table, e.g. how many rows were left out. */
  note?: string;
  /** Smaller type for dense grids (the cohort tables). */
  dense?: boolean;
}

export interface ChartSeries {
  name: string;
  /** Bars or a line; a chart mixing both is rendered as one combo chart sharing the value axis. */
  as: "bar" | "line";
  /** Revenue, spend and last year keep one colour each across the deck. */
  role?: "revenue" | "spend" | "last_year" | "secondary";
  /** Mart values; null where the mart has no value (a gap in the line, never a 0). */
  values: (number | null)[];
}

export interface ChartSpec {
  id: string;
  title: string;
  /** "column": vertical bars (and lines); "bar": horizontal bars; "doughnut": shares of a whole. */
  kind: "column" | "bar" | "doughnut";
  labels: string[];
  series: ChartSeries[];
  /** Start the value axis at 0, so a small wobble does not look like a collapse. */
  fromZero?: boolean;
  /** Bars of one category stacked into one column (parts of a whole). */
  stacked?: boolean;
  /** Excel number format of the values, for axes, labels and the embedded workbook, e.g. `"$"#,##0`. */
  numberFormat: string;
  emptyText: string;
}

export interface TextLine {
  text: string;
  /** A bulleted point (the takeaways and the actions). */
  bullet?: boolean;
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

export const SECTIONS = [
  "Total business",
  "DTC performance",
  "Paid marketing",
  "Data quality",
  "What to do",
  "Appendix",
] as const;
export type Section = (typeof SECTIONS)[number];

export type SlideKind =
  | "cover"
  | "takeaways"
  | "summary"
  | "periods"
  | "efficiency"
  | "sitewide"
  | "trend"
  | "daily-trend"
  | "conversion"
  | "customers"
  | "products"
  | "premium"
  | "regions"
  | "cohorts"
  | "channel-mix"
  | "channel-performance"
  | "ppc-index"
  | "channels"
  | "campaigns"
  | "quality"
  | "reconciliation"
  | "findings"
  | "channel-gaps"
  | "actions"
  | "coverage"
  | "methodology";

export interface CoverSlide {
  kind: "cover";
  title: string;
  shopName: string;
  lines: string[];
}

export interface ContentSlide {
  kind: Exclude<SlideKind, "cover">;
  section: Section;
  title: string;
  subtitle?: string;
  blocks: PlacedBlock[];
  /** Speaker notes: the narrative the presenter tells over the slide. */
  notes?: string;
}

export type DeckSlide = CoverSlide | ContentSlide;

export interface DeckContent {
  shopName: string;
  /** The run date as the shop's locale writes it ("Sat 21 Nov 2026"), for the document's properties. */
  runDay: string;
  /** "Monthly performance review — November 2026" */
  title: string;
  /** For the footer of every slide: "Month to date 1–21 Nov 2026". */
  periodLabel: string;
  slides: DeckSlide[];
}

/** What the deck's period sections compare, with the words that name each side. */
export interface PeriodContext {
  ranges: ReportPeriodRanges;
  toDate: PeriodComparison;
  complete: PeriodComparison;
  /** "Month to date" / "Week to date". */
  toDateName: string;
  /** "Last full month" / "Last full week". */
  completeName: string;
  /** "vs last month" / "vs last week". */
  vsPrevious: string;
  /** "1–21 Nov 2026": the days the figures cover ("28–30 Nov 2026" when the data starts on the 28th). */
  toDateLabel: string;
  /** "October 2026" or "9–15 Nov 2026" ("15–31 Oct 2026" when the data starts on the 15th). */
  completeLabel: string;
  /** "since 28 Nov, the first day of data" when the data starts inside the period to date; "" otherwise. */
  toDateSince: string;
  /** The same for the last complete period. */
  completeSince: string;
}

export interface Context {
  data: ReportData;
  fmt: NumberLocale;
  locale: string;
  runDay: string;
  runDayLong: string;
  period: PeriodContext;
}

export const KPI_LABELS: Record<KpiMetric, string> = {
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

const TONE_EMPHASIS: Record<ChangeTone, Emphasis> = { good: "good", bad: "bad", neutral: "none" };

export function toneEmphasis(tone: ChangeTone): Emphasis {
  return TONE_EMPHASIS[tone];
}

export function changeLine(change: MetricChange, comparedWith: string, locale: string): ChangeLine {
  return {
    text: formatMetricChange(change, locale),
    comparedWith,
    arrow: arrowFor(change.direction),
    direction: change.direction,
    tone: change.tone,
  };
}

/** A change as a table cell: arrow, signed percentage (points for a rate), coloured by whether it is good news. */
export function changeCell(change: MetricChange, locale: string): TableCell {
  const text = formatMetricChange(change, locale);
  const arrow = arrowFor(change.direction);
  return cell(arrow ? `${arrow} ${text}` : text, toneEmphasis(change.tone));
}

/** Excel number format for money in the shop's currency, for chart axes and the embedded workbook. */
export function excelMoneyFormat(fmt: NumberLocale): string {
  const { symbol, position } = currencySymbol(fmt);
  const quoted = `"${symbol.replace(/"/g, "")}"`;
  return position === "before" ? `${quoted}#,##0` : `#,##0 ${quoted}`;
}

export const safeRatio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/**
 * What one order or customer cost: spend ÷ count, none without spend (orders of a channel the shop buys no ads on
 * cost nothing per order: a CPA of $0.00 read as the cheapest channel), as the marts' cpa and new_customer_cpa.
 */
export const costPer = (spend: number, count: number): number | null =>
  spend > 0 ? safeRatio(spend, count) : null;

/** A ratio of two possibly missing values. */
export const ratioOf = (numerator: number | null | undefined, denominator: number | null | undefined) =>
  numerator === null || numerator === undefined || denominator === null || denominator === undefined
    ? null
    : safeRatio(numerator, denominator);

export const right = (header: string, width = 1): TableColumn => ({ header, width, align: "right" });
export const left = (header: string, width = 1): TableColumn => ({ header, width, align: "left" });
export const center = (header: string, width = 1): TableColumn => ({ header, width, align: "center" });

export const cell = (text: string, emphasis?: Emphasis, bold?: boolean): TableCell => ({
  text,
  ...(emphasis ? { emphasis } : {}),
  ...(bold ? { bold } : {}),
});

/** A row's bold label read as one, a month or "1–21 Nov 2026": its column is sized to keep it on one line. */
export const wholeLabel = (text: string): TableCell => ({ text, bold: true, whole: true });

export const full = (block: DeckBlock): PlacedBlock => ({ region: "full", block });
export const leftOf = (block: DeckBlock): PlacedBlock => ({ region: "left", block });
export const rightOf = (block: DeckBlock): PlacedBlock => ({ region: "right", block });

export const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
