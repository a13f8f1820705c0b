// The dashboard's data shapes and the cell arithmetic its pages share: reading the extracts' CSV cells (empty =
// unknown, not 0), sums, ratios, the trailing window, and the words for a figure whose sources had not all landed.
import { addDays, monthEnd, monthStart } from "../lib/calendar.ts";
import {
  formatDateRange,
  formatLongDate,
  formatMonthShort,
  formatMonthUpTo,
} from "../lib/reporting/display-format.ts";
import { sourceDisplayName, unconvertedReason, unconvertedSourcesOf } from "../lib/reporting/completeness.ts";
import type { TrailingDays } from "../lib/reporting/data-coverage.ts";
import { channelLabel } from "../lib/sql/channels.ts";

/** One extract's rows, column name to cell text (empty text = no value); undefined when the extract is missing. */
export type ExtractRow = Record<string, string>;
export type ExtractTables = Record<string, readonly ExtractRow[] | undefined>;

/** "day": a table cell holding a day (YYYY-MM-DD), shown in the shop's locale like the page's other dates. */
export type ValueFormat = "money" | "number" | "ratio" | "percent" | "text" | "day";

export interface Tile {
  id: string;
  label: string;
  value: number | null;
  format: ValueFormat;
  /** Why the number is partial (missing sources), shown under it. */
  caveat?: string;
  /** What the number takes in, shown under it without a warning's colour ("60 from paid channels"). */
  note?: string;
  /** Relative change against the window before (0.08 = +8%); null when there is no base. */
  change?: number | null;
  /** The change compares a partial sum: shown without green or red. */
  changeIsPartial?: boolean;
}

export interface Series {
  label: string;
  data: (number | null)[];
  /** A line drawn over bars (a mixed chart). */
  kind?: "bar" | "line";
  /** "y2": the right-hand axis. */
  axis?: "y" | "y2";
}

export interface ChartSpec {
  id: string;
  title: string;
  type: "bar" | "line" | "doughnut";
  /** Bars drawn sideways (long product names read better). */
  horizontal?: boolean;
  stacked?: boolean;
  labels: string[];
  /**
   * The labels are a sequence (days, months): on a narrow chart some may be left out, the reader counts on
   * from the ones drawn. Otherwise every label names its bars (a channel, a severity) and is always drawn,
   * wrapped onto lines where it is too wide.
   */
  sequence?: boolean;
  series: Series[];
  /** The legend is drawn even for one series: its label says what the bars count (otherwise only for several). */
  legend?: boolean;
  /** The value axis' format; `format2` the right-hand axis'. */
  format: ValueFormat;
  format2?: ValueFormat;
  /** Indexes of the labels whose inputs had not all landed: drawn shaded, and named in the caveat. */
  incomplete?: number[];
  caveat?: string;
  /** The value axis' top (1 for shares stacked to 100 %: rounding must not stretch the axis to 120 %). */
  max?: number;
}

export interface TableSpec {
  id: string;
  title: string;
  columns: { label: string; format: ValueFormat }[];
  rows: (string | number | null)[][];
  /** Row indexes to mark as incomplete. */
  incompleteRows?: number[];
  /** How an empty cell reads (default "n/a"; "" where nothing is expected yet, like a cohort's future months). */
  nullText?: string;
  /** What the marked rows mean, shown under the table. */
  caveat?: string;
  /**
   * On a phone each row reads as a block: its short cells on one line, the last one (a message) under them at
   * the full width, instead of a column squeezed off the screen.
   */
  stack?: boolean;
  /** A header row above the column labels: each group's label spans `span` columns (a campaign over its two). */
  groups?: { label: string; span: number }[];
}

export interface DashboardPage {
  id: string;
  title: string;
  /** Extracts the page is built from that were not there: the page says so instead of showing nothing. */
  missing: string[];
  notes: string[];
  tiles: Tile[];
  charts: ChartSpec[];
  tables: TableSpec[];
}

export interface DashboardModel {
  shopName: string;
  runDate: string;
  currency: string;
  locale: string;
  isDemo: boolean;
  /** The trailing window the tiles and daily charts cover (inclusive). */
  window: { from: string; to: string; days: number };
  /**
   * The window's days the pages show, which the header names: the whole window, or from the first day of data
   * when that is inside it (a young shop's "last 10 days, since the data began").
   */
  shown: TrailingDays;
  pages: DashboardPage[];
}

export interface DashboardOptions {
  runDate: string;
  shop: { name: string; currency: string; locale: string };
  demo: boolean;
}

/** The extracts the dashboard reads, by page: a missing one leaves its page saying so. */
export const DASHBOARD_EXTRACTS = [
  "daily_kpis",
  "marketing_daily_channel",
  "product_daily_sales",
  "findings",
  "campaign_daily",
  "geographic_sales",
  "ltv_cohorts",
  "reconciliation",
  "executive_summary_monthly",
  "channel_mix",
  "product_performance",
  "premium_products",
] as const;

/**
 * The first day (or month) of each extract that any page reads, so that rows older than that are dropped while
 * parsing: a snapshot extract holds all of history, and only the window's rows need to be in memory. The date
 * column is `date`, `month`, `cohort_month` or `run_date`: the findings and reconciliation extracts hold every
 * run date's rows up to this one, and the page shows this run's.
 */
export function extractRowsSince(runDate: string): Record<string, { column: string; since: string }> {
  const window = addDays(runDate, -(WINDOW_DAYS - 1));
  const priorWindow = addDays(window, -WINDOW_DAYS);
  const months = monthsBack(runDate, MONTHS_SHOWN - 1);
  return {
    daily_kpis: { column: "date", since: priorWindow < months ? priorWindow : months },
    marketing_daily_channel: { column: "date", since: window },
    product_daily_sales: { column: "date", since: window },
    campaign_daily: { column: "date", since: window },
    geographic_sales: { column: "month", since: monthsBack(runDate, GEOGRAPHY_MONTHS - 1) },
    ltv_cohorts: { column: "cohort_month", since: monthsBack(runDate, COHORTS_SHOWN - 1) },
    executive_summary_monthly: { column: "month", since: months },
    channel_mix: { column: "month", since: months },
    product_performance: { column: "month", since: monthsBack(runDate, PRODUCT_MONTHS - 1) },
    premium_products: { column: "month", since: monthsBack(runDate, PRODUCT_MONTHS - 1) },
    findings: { column: "run_date", since: runDate },
    reconciliation: { column: "run_date", since: runDate },
  };
}

export const GEOGRAPHY_MONTHS = 12;
/** Months of product_performance (refund rates) and premium_products (its last 3 of them) the page reads. */
export const PRODUCT_MONTHS = 12;
export const COHORTS_SHOWN = 12;

/** The tiles and daily charts cover the 28 days ending on the run date: four whole weeks, every weekday 4 times. */
export const WINDOW_DAYS = 28;
export const MONTHS_SHOWN = 13;
export const TOP_PRODUCTS_CHART = 10;
export const TOP_PRODUCTS_TABLE = 20;

// --- cell reading -------------------------------------------------------------------------------------------

/** A numeric cell, or null when empty (unknown is not 0: an ad platform that had not landed). */
export function num(row: ExtractRow, column: string): number | null {
  const text = row[column];
  if (text === undefined || text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Sum of a column over rows; null values count as nothing. */
export function sum(rows: readonly ExtractRow[], column: string): number {
  let total = 0;
  for (const row of rows) total += num(row, column) ?? 0;
  return roundAmount(total);
}

/**
 * A sum of amounts without binary floating point's noise (0.1 + 0.2 = 0.30000000000000004), to 4 decimals: the
 * finest minor unit of any currency (ISO 4217's CLF). Rounded to cents, a Kuwaiti dinar shop's month of
 * KWD 745.705 read KWD 745.710, its fils rounded as if they were a dollar's cents.
 */
export function roundAmount(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function ratio(numerator: number, denominator: number, digits = 4): number | null {
  if (!denominator) return null;
  const scale = 10 ** digits;
  return Math.round((numerator / denominator) * scale) / scale;
}

export function isTrue(row: ExtractRow, column: string): boolean {
  return (row[column] ?? "").trim().toLowerCase() === "true";
}

/** The sources a row says had not landed (`missing_sources` is a comma list). */
export function missingSources(row: ExtractRow): string[] {
  return (row.missing_sources ?? "")
    .split(",")
    .map((source) => source.trim())
    .filter(Boolean);
}

/**
 * The sources a row says had not landed, as people know them: "Meta, TikTok", a platform whose rows landed
 * without an exchange rate said as such, "Meta (spend not converted: no USD exchange rate)".
 */
export function missingSourceNames(row: ExtractRow): string {
  const rates = unconvertedSourcesOf(row);
  return missingSources(row)
    .map((source) => {
      const currencies = rates.get(source);
      if (!currencies) return sourceDisplayName(source);
      const why = currencies.length
        ? `no ${currencies.join(" or ")} exchange rate`
        : "its rows name no currency";
      return `${sourceDisplayName(source)} (spend not converted: ${why})`;
    })
    .join(", ");
}

/** Rows grouped by a key, in first-seen order (push, not copy: a group can hold thousands of rows). */
export function groupRows(
  rows: readonly ExtractRow[],
  key: (row: ExtractRow) => string,
): Map<string, ExtractRow[]> {
  const groups = new Map<string, ExtractRow[]>();
  for (const row of rows) {
    const name = key(row);
    const list = groups.get(name);
    if (list) list.push(row);
    else groups.set(name, [row]);
  }
  return groups;
}

export function inWindow(rows: readonly ExtractRow[], from: string, to: string): ExtractRow[] {
  return rows.filter((row) => (row.date ?? "") >= from && (row.date ?? "") <= to);
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * "Incomplete: excludes Meta, TikTok on 5 days (not landed)": the caveat of a figure summed over days that lacked
 * some sources. A platform whose rows landed without an exchange rate (`unconverted_sources`) is said as such,
 * "Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026": its data is there, its rate is not.
 */
export function incompleteCaveat(rows: readonly ExtractRow[], locale: string): string | undefined {
  const incomplete = rows.filter((row) => row.is_complete !== undefined && !isTrue(row, "is_complete"));
  if (!incomplete.length) return undefined;
  const notLanded = new Set<string>();
  const notLandedDays = new Set<string | undefined>();
  const unconverted = new Map<string, { days: Set<string>; currencies: Set<string> }>();
  for (const row of incomplete) {
    const rates = unconvertedSourcesOf(row);
    const missing = missingSources(row);
    for (const source of missing) {
      const currencies = rates.get(source);
      if (!currencies) {
        notLanded.add(source);
        notLandedDays.add(row.date);
        continue;
      }
      const item = unconverted.get(source) ?? { days: new Set<string>(), currencies: new Set<string>() };
      item.days.add(row.date ?? "");
      for (const currency of currencies) item.currencies.add(currency);
      unconverted.set(source, item);
    }
    // A row marked incomplete that names no source: said as before.
    if (!missing.length) notLandedDays.add(row.date);
  }
  const parts: string[] = [];
  if (notLandedDays.size) {
    const days = notLandedDays.size;
    const names = [...notLanded].map(sourceDisplayName).join(", ") || "a source";
    parts.push(`excludes ${names} on ${days} ${days === 1 ? "day" : "days"} (not landed)`);
  }
  for (const [source, item] of unconverted) {
    const days = [...item.days].sort();
    const currencies = [...item.currencies].sort();
    const last = days.at(-1) ?? "";
    parts.push(
      days.length === 1
        ? `${sourceDisplayName(source)}: ${unconvertedReason(last, last, currencies, locale)}`
        : `${sourceDisplayName(source)}: spend not converted on ${days.length} days — ${currencies.length ? `no ${currencies.join(" or ")} exchange rate` : "its rows name no currency"} (the latest ${formatLongDate(last, locale)})`,
    );
  }
  return `Incomplete: ${parts.join("; ")}`;
}

export function label(channel: string): string {
  try {
    return channelLabel(channel);
  } catch {
    return channel;
  }
}

export function monthsBack(date: string, count: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 - count;
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
}

export function missingPage(
  id: string,
  title: string,
  extracts: string[],
  tables: ExtractTables,
): DashboardPage {
  return {
    id,
    title,
    missing: extracts.filter((name) => !tables[name]),
    notes: [],
    tiles: [],
    charts: [],
    tables: [],
  };
}

/** What every page is built for: the trailing window and the shop's locale. */
export interface DashboardContext {
  from: string;
  to: string;
  days: string[];
  locale: string;
  /**
   * The first day the daily extracts have a row for, when that is inside the window: the shop's data begins
   * that day, and a day before it is unknown, not a day of nothing.
   */
  firstDataDay?: string;
  /**
   * The days the daily charts draw: the window's, from the first day of data when the shop's data begins inside
   * it (a young shop's chart two-thirds blank reads as a shop that sold nothing, and leaves its days thin on a
   * phone). Also the days a sum over the window covers, as a table's title counts them: the days before hold no
   * row.
   */
  shownDays: string[];
  /** The shop currency's decimals (ISO 4217: 2, 3 for KWD, 0 for JPY): AOV and CAC round to them, as the marts do. */
  moneyPlaces: number;
}

/**
 * A daily chart's title naming the days it draws when they are not the whole window: "Revenue by day, last 10
 * days (20–29 Nov 2026)". A shop with the whole window keeps its title, under the page header's 28 days.
 */
export function dailyChartTitle(title: string, context: DashboardContext): string {
  const first = context.shownDays[0];
  if (!context.firstDataDay || first === undefined) return title;
  const range = formatDateRange(first, context.to, context.locale);
  const count = context.shownDays.length;
  return count === 1 ? `${title}, ${range} only` : `${title}, last ${count} days (${range})`;
}

/** A month's label, the run month's naming the days it has: "Oct 2026", "1–20 Nov 2026". */
export function monthLabel(month: string, context: DashboardContext): string {
  return month.slice(0, 7) === context.to.slice(0, 7)
    ? formatMonthUpTo(month, context.to, context.locale)
    : formatMonthShort(month, context.locale);
}

/**
 * The months a figure covers, as the rows it sums have them: "Dec 2025 – Oct 2026", or one range of days when the
 * last is the month in progress ("1 Dec 2025 – 20 Nov 2026"), or the one month's label when there is one (a shop
 * in its first month), "no months" when none.
 */
export function monthSpan(months: readonly string[], context: DashboardContext): string {
  const sorted = [...new Set(months.map((month) => month.slice(0, 10)))].filter(Boolean).sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return "no months";
  if (first.slice(0, 7) === last.slice(0, 7)) return monthLabel(first, context);
  if (last.slice(0, 7) === context.to.slice(0, 7) && context.to < monthEnd(last))
    return formatDateRange(monthStart(first), context.to, context.locale);
  return `${formatMonthShort(first, context.locale)} – ${formatMonthShort(last, context.locale)}`;
}

/** The earliest `date` of the daily extracts' rows, if any is in or after the window's first day. */
export function firstDataDay(tables: ExtractTables, from: string): string | undefined {
  let first: string | undefined;
  for (const name of ["daily_kpis", "marketing_daily_channel", "campaign_daily", "product_daily_sales"])
    for (const row of tables[name] ?? []) {
      const date = row.date ?? "";
      if (date && (first === undefined || date < first)) first = date;
    }
  return first !== undefined && first > from ? first : undefined;
}
