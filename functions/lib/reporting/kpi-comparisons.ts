// KPI maths over marts.daily_kpis rows: the run day against the day before, the same weekday last week and
// last year, and month to date against the previous month to date. Pure; every figure is a row's value or a
// ratio of sums of rows' values, so a number in the deck can always be traced back to the mart.
import { addDays, addMonths, isoFromParts, lastDayOfMonth, monthEnd, sameDayLastYear } from "../calendar.ts";
import { type RangeCoverage, rangeCoverage } from "./data-coverage.ts";
import type { DailyKpiRow } from "./report-data.ts";

export const KPI_METRICS = [
  "gross_revenue",
  "net_revenue",
  "orders",
  "aov",
  "ad_spend",
  "blended_roas",
  "mer",
  "new_customers",
  "cac",
] as const;

export type KpiMetric = (typeof KPI_METRICS)[number];

export type Polarity = "up_is_good" | "down_is_good" | "neutral";

/**
 * Whether a rise is good news. Spend is neutral: more spend is a decision, not a result; whether it paid off
 * shows in ROAS, MER and CAC.
 */
export const METRIC_POLARITY: Record<KpiMetric, Polarity> = {
  gross_revenue: "up_is_good",
  net_revenue: "up_is_good",
  orders: "up_is_good",
  aov: "up_is_good",
  ad_spend: "neutral",
  blended_roas: "up_is_good",
  mer: "up_is_good",
  new_customers: "up_is_good",
  cac: "down_is_good",
};

/** Changes smaller than this round to "0%" on screen, so they are shown (and judged) as flat. */
export const FLAT_CHANGE = 0.005;

/** Rate changes smaller than this (0.05 points) round to "0.0 pts" on screen: flat. */
export const FLAT_POINTS_CHANGE = 0.0005;

export type ChangeDirection = "up" | "down" | "flat";
export type ChangeTone = "good" | "bad" | "neutral";

/**
 * The metrics that count ad spend: a day whose ad platform had not landed understates them (spend that has not
 * synced is not zero). Every other headline metric comes from the shop (Shopify) alone.
 */
export const SPEND_METRICS: ReadonlySet<KpiMetric> = new Set(["ad_spend", "blended_roas", "mer", "cac"]);

/** The sources a daily_kpis row says had not landed through its day. */
export function missingSourcesOf(
  row: Pick<DailyKpiRow, "missing_sources" | "is_complete"> | undefined,
): string[] {
  if (!row?.missing_sources) return [];
  return row.missing_sources
    .split(",")
    .map((source) => source.trim())
    .filter(Boolean);
}

/** Whether a metric is incomplete given the sources missing from its day or period. */
export function metricIsIncomplete(metric: KpiMetric, missing: readonly string[]): boolean {
  if (missing.length === 0) return false;
  return SPEND_METRICS.has(metric) || missing.includes("shopify");
}

/** The missing sources that a metric depends on. */
export function missingInputsOf(metric: KpiMetric, missing: readonly string[]): string[] {
  return metricIsIncomplete(metric, missing)
    ? missing.filter((source) => SPEND_METRICS.has(metric) || source === "shopify")
    : [];
}

export interface MetricChange {
  /** The day (or period) compared against. */
  baseDate: string;
  base: number | null;
  /**
   * (value − base) / |base|; null when either side is missing or the base is 0. For a rate (`unit: "points"`),
   * value − base as a fraction: 0.055 against 0.018 is +0.037, shown as "+3.7 pts", never "+204%".
   */
  change: number | null;
  /** How `change` reads: relative (a percentage of the base, the default) or in percentage points. */
  unit?: "relative" | "points";
  /**
   * One side of the comparison counts a source that had not landed: the change is shown but never judged (no
   * green or red), since part of it is data that has not arrived.
   */
  incomplete?: boolean;
  direction: ChangeDirection | null;
  tone: ChangeTone;
}

export interface KpiComparison {
  metric: KpiMetric;
  value: number | null;
  /** The sources the value's day is missing, among those the metric needs (empty when complete). */
  missingSources: string[];
  previousDay: MetricChange;
  lastWeek: MetricChange;
  lastYear: MetricChange;
}

export interface ComparisonDates {
  runDate: string;
  previousDay: string;
  /** Same weekday, one week earlier. */
  lastWeek: string;
  /** Same weekday 52 weeks earlier (364 days): weekday patterns dominate DTC sales, so compare like with like. */
  lastYear: string;
}

export function comparisonDates(runDate: string): ComparisonDates {
  return {
    runDate,
    previousDay: addDays(runDate, -1),
    lastWeek: addDays(runDate, -7),
    lastYear: addDays(runDate, -364),
  };
}

export function rowOn(daily: readonly DailyKpiRow[], date: string): DailyKpiRow | undefined {
  return daily.find((row) => row.date === date);
}

export function metricValue(
  row: DailyKpiRow | PeriodTotals | null | undefined,
  metric: KpiMetric,
): number | null {
  if (!row) return null;
  const value = row[metric];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function changeRatio(value: number | null, base: number | null): number | null {
  if (value === null || base === null || base === 0) return null;
  // |base| so that a rise from a negative base (net revenue after large refunds) still reads as a rise.
  return (value - base) / Math.abs(base);
}

export function changeDirection(change: number | null): ChangeDirection | null {
  if (change === null) return null;
  if (Math.abs(change) < FLAT_CHANGE) return "flat";
  return change > 0 ? "up" : "down";
}

export function judgeChange(metric: KpiMetric, change: number | null): ChangeTone {
  const direction = changeDirection(change);
  if (direction === null || direction === "flat") return "neutral";
  switch (METRIC_POLARITY[metric]) {
    case "up_is_good":
      return direction === "up" ? "good" : "bad";
    case "down_is_good":
      return direction === "down" ? "good" : "bad";
    default:
      return "neutral";
  }
}

export function compareMetric(
  metric: KpiMetric,
  value: number | null,
  base: number | null,
  baseDate: string,
  incomplete = false,
): MetricChange {
  const change = changeRatio(value, base);
  const direction = changeDirection(change);
  if (incomplete) return { baseDate, base, change, direction, tone: "neutral", incomplete: true };
  return { baseDate, base, change, direction, tone: judgeChange(metric, change) };
}

/** The run day's value of each metric against the day before, last week and last year. */
export function compareKpis(
  daily: readonly DailyKpiRow[],
  runDate: string,
  metrics: readonly KpiMetric[] = KPI_METRICS,
): KpiComparison[] {
  const dates = comparisonDates(runDate);
  const today = rowOn(daily, runDate);
  const previousDay = rowOn(daily, dates.previousDay);
  const lastWeek = rowOn(daily, dates.lastWeek);
  const lastYear = rowOn(daily, dates.lastYear);
  const todayMissing = missingSourcesOf(today);
  return metrics.map((metric) => {
    const value = metricValue(today, metric);
    const against = (base: DailyKpiRow | undefined, baseDate: string) =>
      compareMetric(
        metric,
        value,
        metricValue(base, metric),
        baseDate,
        metricIsIncomplete(metric, todayMissing) || metricIsIncomplete(metric, missingSourcesOf(base)),
      );
    return {
      metric,
      value,
      missingSources: missingInputsOf(metric, todayMissing),
      previousDay: against(previousDay, dates.previousDay),
      lastWeek: against(lastWeek, dates.lastWeek),
      lastYear: against(lastYear, dates.lastYear),
    };
  });
}

/** Sums over a date range, with the ratios recomputed from the sums. */
export interface PeriodTotals {
  from: string;
  to: string;
  /**
   * The first day the sums cover: `from`, or the first day of data when the data starts inside the range (a
   * shop's first, partial month), so the totals are over covered_from..to and must be labelled so.
   */
  covered_from: string;
  /** Days in the range that have a row. */
  days: number;
  orders: number;
  gross_revenue: number;
  discounts: number;
  refunds: number;
  net_revenue: number;
  units: number;
  new_customers: number;
  returning_customers: number;
  ad_spend: number;
  /** Orders that carry a value (orders − orders_missing_value): AOV's denominator, as in the mart. */
  orders_with_value: number;
  /** gross_revenue / orders_with_value */
  aov: number | null;
  /** gross_revenue / ad_spend */
  blended_roas: number | null;
  /** net_revenue / ad_spend */
  mer: number | null;
  /** ad_spend / new_customers */
  cac: number | null;
  /** Days of the range with a source missing, and those sources (sorted): the sums understate what they need. */
  incomplete_days: number;
  missing_sources: string[];
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/**
 * Totals of the rows dated from..to (inclusive). Ratios are ratios of the sums, never averages of the daily
 * ratios: a day with $10 of spend at ROAS 9 must not weigh as much as a day with $10,000 at ROAS 2.
 * When the data starts inside the range, the totals are over the days it has (covered_from..to): the period in
 * progress of a new shop. Null when the data has no day in or before the range: nothing to sum (n/a, never 0).
 * A base to compare with must cover its range whole (sumWholePeriod, or check rangeCoverage first).
 */
export function sumPeriod(daily: readonly DailyKpiRow[], from: string, to: string): PeriodTotals | null {
  const coverage = rangeCoverage(daily, { from, to });
  if (coverage.kind === "none") return null;
  const totals: PeriodTotals = {
    from,
    to,
    covered_from: coverage.kind === "partial" ? coverage.dataFrom : from,
    days: 0,
    orders: 0,
    gross_revenue: 0,
    discounts: 0,
    refunds: 0,
    net_revenue: 0,
    units: 0,
    new_customers: 0,
    returning_customers: 0,
    ad_spend: 0,
    orders_with_value: 0,
    aov: null,
    blended_roas: null,
    mer: null,
    cac: null,
    incomplete_days: 0,
    missing_sources: [],
  };
  const missing = new Set<string>();
  for (const row of daily) {
    if (row.date < from || row.date > to) continue;
    totals.days += 1;
    const rowMissing = missingSourcesOf(row);
    if (rowMissing.length) totals.incomplete_days += 1;
    for (const source of rowMissing) missing.add(source);
    totals.orders += row.orders;
    totals.orders_with_value += row.orders - (row.orders_missing_value ?? 0);
    totals.gross_revenue += row.gross_revenue;
    totals.discounts += row.discounts;
    totals.refunds += row.refunds;
    totals.net_revenue += row.net_revenue;
    totals.units += row.units;
    totals.new_customers += row.new_customers;
    totals.returning_customers += row.returning_customers;
    totals.ad_spend += row.ad_spend;
  }
  totals.aov = ratio(totals.gross_revenue, totals.orders_with_value);
  totals.blended_roas = ratio(totals.gross_revenue, totals.ad_spend);
  totals.mer = ratio(totals.net_revenue, totals.ad_spend);
  // No CAC without ad spend (as marts.daily_kpis and the extracts leave it blank): $0.00 would read as free customers.
  totals.cac = totals.ad_spend > 0 ? ratio(totals.ad_spend, totals.new_customers) : null;
  totals.missing_sources = [...missing].sort();
  return totals;
}

export interface MonthToDateRanges {
  current: { from: string; to: string };
  /** The same days of the previous month, cut at its last day (31 March compares with 1–28/29 February). */
  previous: { from: string; to: string };
}

export function monthToDateRanges(runDate: string): MonthToDateRanges {
  const [year, month, day] = runDate.split("-").map(Number) as [number, number, number];
  const monthIndex = month - 1;
  const previousYear = monthIndex === 0 ? year - 1 : year;
  const previousMonthIndex = monthIndex === 0 ? 11 : monthIndex - 1;
  const previousDay = Math.min(day, lastDayOfMonth(previousYear, previousMonthIndex));
  return {
    current: { from: isoFromParts(year, monthIndex, 1), to: runDate },
    previous: {
      from: isoFromParts(previousYear, previousMonthIndex, 1),
      to: isoFromParts(previousYear, previousMonthIndex, previousDay),
    },
  };
}

export interface MonthToDate {
  /** Over the days of the month the data has: see `coverage.current` and `current.covered_from`. */
  current: PeriodTotals | null;
  /** Null unless the data covers the previous month's days whole (from their first day). */
  previous: PeriodTotals | null;
  changes: Record<KpiMetric, MetricChange>;
  /** Where each side stands against the first day of data: why a side is partial or n/a. */
  coverage: { current: RangeCoverage; previous: RangeCoverage };
}

/** Whether either side of a period comparison misses a source the metric needs. */
export function periodIncomplete(
  metric: KpiMetric,
  current: PeriodTotals | null,
  base: PeriodTotals | null,
): boolean {
  return (
    metricIsIncomplete(metric, current?.missing_sources ?? []) ||
    metricIsIncomplete(metric, base?.missing_sources ?? [])
  );
}

export function monthToDate(daily: readonly DailyKpiRow[], runDate: string): MonthToDate {
  const ranges = monthToDateRanges(runDate);
  const coverage = {
    current: rangeCoverage(daily, ranges.current),
    previous: rangeCoverage(daily, ranges.previous),
  };
  const current = sumPeriod(daily, ranges.current.from, ranges.current.to);
  // A base the data starts partway through would understate it and invent a growth rate: n/a instead.
  const previous =
    coverage.previous.kind === "full" ? sumPeriod(daily, ranges.previous.from, ranges.previous.to) : null;
  const changes = Object.fromEntries(
    KPI_METRICS.map((metric) => [
      metric,
      compareMetric(
        metric,
        metricValue(current, metric),
        metricValue(previous, metric),
        ranges.previous.from,
        periodIncomplete(metric, current, previous),
      ),
    ]),
  ) as Record<KpiMetric, MetricChange>;
  return { current, previous, changes, coverage };
}

/** The rows of the last `days` days up to runDate (inclusive), ascending. */
export function lastDays(daily: readonly DailyKpiRow[], runDate: string, days: number): DailyKpiRow[] {
  const from = addDays(runDate, -(days - 1));
  return daily
    .filter((row) => row.date >= from && row.date <= runDate)
    .sort((a, b) => a.date.localeCompare(b.date));
}

// ---------- report periods ----------

/** How the deck cuts time: calendar months (month to date, last full month) or ISO weeks (Monday–Sunday). */
export type ReportPeriod = "monthly" | "weekly";

export interface DateRange {
  from: string;
  to: string;
}

/** A range and what it is compared with: the same days of the period before, and the same days a year ago. */
export interface PeriodComparisonRanges {
  current: DateRange;
  previous: DateRange;
  lastYear: DateRange;
}

export interface ReportPeriodRanges {
  period: ReportPeriod;
  /** Period to date: month to date, or week to date (Monday to the run date). */
  toDate: PeriodComparisonRanges;
  /** The last complete period before the run date's: last full month, or last full week. */
  complete: PeriodComparisonRanges;
}

/** Monday of the date's ISO week. */
export function weekStart(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/**
 * The ranges the deck reports on. Months compare with the same days of the previous month (cut at its last
 * day) and with the same calendar days a year earlier; weeks compare with the week before and with the same
 * weekdays 52 weeks earlier, because weekday patterns dominate DTC sales.
 */
export function reportPeriodRanges(runDate: string, period: ReportPeriod): ReportPeriodRanges {
  if (period === "weekly") {
    const from = weekStart(runDate);
    const shift = (range: DateRange, days: number): DateRange => ({
      from: addDays(range.from, days),
      to: addDays(range.to, days),
    });
    const current = { from, to: runDate };
    const complete = { from: addDays(from, -7), to: addDays(from, -1) };
    return {
      period,
      toDate: { current, previous: shift(current, -7), lastYear: shift(current, -364) },
      complete: { current: complete, previous: shift(complete, -7), lastYear: shift(complete, -364) },
    };
  }
  const mtd = monthToDateRanges(runDate);
  const lastMonthStart = addMonths(runDate, -1);
  const complete = { from: lastMonthStart, to: monthEnd(lastMonthStart) };
  const monthBefore = addMonths(runDate, -2);
  return {
    period,
    toDate: {
      current: mtd.current,
      previous: mtd.previous,
      lastYear: { from: sameDayLastYear(mtd.current.from), to: sameDayLastYear(mtd.current.to) },
    },
    complete: {
      current: complete,
      previous: { from: monthBefore, to: monthEnd(monthBefore) },
      lastYear: { from: sameDayLastYear(complete.from), to: monthEnd(sameDayLastYear(complete.from)) },
    },
  };
}

export interface PeriodComparison {
  ranges: PeriodComparisonRanges;
  /** Over the days of the range the data has: see `coverage.current` and `current.covered_from`. */
  current: PeriodTotals | null;
  previous: PeriodTotals | null;
  lastYear: PeriodTotals | null;
  vsPrevious: Record<KpiMetric, MetricChange>;
  vsLastYear: Record<KpiMetric, MetricChange>;
  /** Where each range stands against the first day of data: why a side is partial or n/a. */
  coverage: { current: RangeCoverage; previous: RangeCoverage; lastYear: RangeCoverage };
}

/**
 * Sums a range only when the data covers it whole, from its first day: a year-ago range that starts before the
 * data would understate the base and invent a growth rate. A day inside the data without a row had no order and
 * no spend (marts.daily_kpis has a row only for a day with either): a zero day, which a small shop has every week,
 * not a gap.
 */
export function sumWholePeriod(daily: readonly DailyKpiRow[], range: DateRange): PeriodTotals | null {
  return rangeCoverage(daily, range).kind === "full" ? sumPeriod(daily, range.from, range.to) : null;
}

export function comparePeriod(
  daily: readonly DailyKpiRow[],
  ranges: PeriodComparisonRanges,
): PeriodComparison {
  // The period in progress may lack a day (a day with no order and no spend has no row), or start before the
  // data does (a new shop: its totals are over the days it has); its bases may not.
  const current = sumPeriod(daily, ranges.current.from, ranges.current.to);
  const previous = sumWholePeriod(daily, ranges.previous);
  const lastYear = sumWholePeriod(daily, ranges.lastYear);
  const changes = (base: PeriodTotals | null, baseDate: string) =>
    Object.fromEntries(
      KPI_METRICS.map((metric) => [
        metric,
        compareMetric(
          metric,
          metricValue(current, metric),
          metricValue(base, metric),
          baseDate,
          periodIncomplete(metric, current, base),
        ),
      ]),
    ) as Record<KpiMetric, MetricChange>;
  return {
    ranges,
    current,
    previous,
    lastYear,
    vsPrevious: changes(previous, ranges.previous.from),
    vsLastYear: changes(lastYear, ranges.lastYear.from),
    coverage: {
      current: rangeCoverage(daily, ranges.current),
      previous: rangeCoverage(daily, ranges.previous),
      lastYear: rangeCoverage(daily, ranges.lastYear),
    },
  };
}

/** A change judged by a polarity rather than a KPI name, for the deck's derived ratios (refund rate, CPA…). */
export function compareValues(
  polarity: Polarity,
  value: number | null,
  base: number | null,
  baseDate = "",
): MetricChange {
  return changeFromRatio(polarity, changeRatio(value, base), base, baseDate);
}

/** A change a mart already computed (e.g. executive_summary_monthly's gross_revenue_yoy), judged the same way. */
export function changeFromRatio(
  polarity: Polarity,
  change: number | null,
  base: number | null = null,
  baseDate = "",
): MetricChange {
  const direction = changeDirection(change);
  let tone: ChangeTone = "neutral";
  if (direction === "up" || direction === "down") {
    if (polarity === "up_is_good") tone = direction === "up" ? "good" : "bad";
    if (polarity === "down_is_good") tone = direction === "down" ? "good" : "bad";
  }
  return { baseDate, base, change, direction, tone };
}

/**
 * A rate (a share, a percentage) against its base, in percentage points: a discount rate going from 1.8% to 5.5%
 * changed by +3.7 points. A relative change of a rate (+204%) exaggerates small bases and cannot be read.
 */
export function compareRates(
  polarity: Polarity,
  value: number | null,
  base: number | null,
  baseDate = "",
): MetricChange {
  const change = value === null || base === null ? null : value - base;
  const direction: ChangeDirection | null =
    change === null ? null : Math.abs(change) < FLAT_POINTS_CHANGE ? "flat" : change > 0 ? "up" : "down";
  let tone: ChangeTone = "neutral";
  if (direction === "up" || direction === "down") {
    if (polarity === "up_is_good") tone = direction === "up" ? "good" : "bad";
    if (polarity === "down_is_good") tone = direction === "down" ? "good" : "bad";
  }
  return { baseDate, base, change, direction, tone, unit: "points" };
}

/** A change of a value (relative) or of a rate (in points), as the value reads. */
export function compareAs(
  rate: boolean,
  polarity: Polarity,
  value: number | null,
  base: number | null,
): MetricChange {
  return rate ? compareRates(polarity, value, base) : compareValues(polarity, value, base);
}
