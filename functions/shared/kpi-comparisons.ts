// KPI maths over marts.daily_kpis rows: the run day against the day before, the same weekday last week and
// last year, and month to date against the previous month to date. Pure; every figure is a row's value or a
// ratio of sums of rows' values, so a number in the deck can always be traced back to the mart.
import { addDays } from "./dates.ts";
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

export type ChangeDirection = "up" | "down" | "flat";
export type ChangeTone = "good" | "bad" | "neutral";

export interface MetricChange {
  /** The day (or period) compared against. */
  baseDate: string;
  base: number | null;
  /** (value − base) / |base|; null when either side is missing or the base is 0. */
  change: number | null;
  direction: ChangeDirection | null;
  tone: ChangeTone;
}

export interface KpiComparison {
  metric: KpiMetric;
  value: number | null;
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
): MetricChange {
  const change = changeRatio(value, base);
  return { baseDate, base, change, direction: changeDirection(change), tone: judgeChange(metric, change) };
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
  return metrics.map((metric) => {
    const value = metricValue(today, metric);
    return {
      metric,
      value,
      previousDay: compareMetric(metric, value, metricValue(previousDay, metric), dates.previousDay),
      lastWeek: compareMetric(metric, value, metricValue(lastWeek, metric), dates.lastWeek),
      lastYear: compareMetric(metric, value, metricValue(lastYear, metric), dates.lastYear),
    };
  });
}

/** Sums over a date range, with the ratios recomputed from the sums. */
export interface PeriodTotals {
  from: string;
  to: string;
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
  /** gross_revenue / orders */
  aov: number | null;
  /** gross_revenue / ad_spend */
  blended_roas: number | null;
  /** net_revenue / ad_spend */
  mer: number | null;
  /** ad_spend / new_customers */
  cac: number | null;
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/**
 * Totals of the rows dated from..to (inclusive). Ratios are ratios of the sums, never averages of the daily
 * ratios: a day with $10 of spend at ROAS 9 must not weigh as much as a day with $10,000 at ROAS 2.
 * Null when the history does not reach back to `from`, since a sum over part of the range would understate it.
 */
export function sumPeriod(daily: readonly DailyKpiRow[], from: string, to: string): PeriodTotals | null {
  const first = daily[0];
  if (!first || first.date > from) return null;
  const totals: PeriodTotals = {
    from,
    to,
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
    aov: null,
    blended_roas: null,
    mer: null,
    cac: null,
  };
  for (const row of daily) {
    if (row.date < from || row.date > to) continue;
    totals.days += 1;
    totals.orders += row.orders;
    totals.gross_revenue += row.gross_revenue;
    totals.discounts += row.discounts;
    totals.refunds += row.refunds;
    totals.net_revenue += row.net_revenue;
    totals.units += row.units;
    totals.new_customers += row.new_customers;
    totals.returning_customers += row.returning_customers;
    totals.ad_spend += row.ad_spend;
  }
  totals.aov = ratio(totals.gross_revenue, totals.orders);
  totals.blended_roas = ratio(totals.gross_revenue, totals.ad_spend);
  totals.mer = ratio(totals.net_revenue, totals.ad_spend);
  totals.cac = ratio(totals.ad_spend, totals.new_customers);
  return totals;
}

export interface MonthToDateRanges {
  current: { from: string; to: string };
  /** The same days of the previous month, cut at its last day (31 March compares with 1–28/29 February). */
  previous: { from: string; to: string };
}

function lastDayOfMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

const iso = (year: number, monthIndex: number, day: number) =>
  new Date(Date.UTC(year, monthIndex, day)).toISOString().slice(0, 10);

export function monthToDateRanges(runDate: string): MonthToDateRanges {
  const [year, month, day] = runDate.split("-").map(Number) as [number, number, number];
  const monthIndex = month - 1;
  const previousYear = monthIndex === 0 ? year - 1 : year;
  const previousMonthIndex = monthIndex === 0 ? 11 : monthIndex - 1;
  const previousDay = Math.min(day, lastDayOfMonth(previousYear, previousMonthIndex));
  return {
    current: { from: iso(year, monthIndex, 1), to: runDate },
    previous: {
      from: iso(previousYear, previousMonthIndex, 1),
      to: iso(previousYear, previousMonthIndex, previousDay),
    },
  };
}

export interface MonthToDate {
  current: PeriodTotals | null;
  previous: PeriodTotals | null;
  changes: Record<KpiMetric, MetricChange>;
}

export function monthToDate(daily: readonly DailyKpiRow[], runDate: string): MonthToDate {
  const ranges = monthToDateRanges(runDate);
  const current = sumPeriod(daily, ranges.current.from, ranges.current.to);
  const previous = sumPeriod(daily, ranges.previous.from, ranges.previous.to);
  const changes = Object.fromEntries(
    KPI_METRICS.map((metric) => [
      metric,
      compareMetric(
        metric,
        metricValue(current, metric),
        metricValue(previous, metric),
        ranges.previous.from,
      ),
    ]),
  ) as Record<KpiMetric, MetricChange>;
  return { current, previous, changes };
}

/** The rows of the last `days` days up to runDate (inclusive), ascending. */
export function lastDays(daily: readonly DailyKpiRow[], runDate: string, days: number): DailyKpiRow[] {
  const from = addDays(runDate, -(days - 1));
  return daily
    .filter((row) => row.date >= from && row.date <= runDate)
    .sort((a, b) => a.date.localeCompare(b.date));
}
