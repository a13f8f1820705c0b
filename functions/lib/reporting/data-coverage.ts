// Where the report's data starts, and how much of a date range it covers: a shop's first, partial month is
// summed over the days it has, and a base period the data does not cover whole is no base (n/a, never 0).
import { addDays, daysBetween } from "../calendar.ts";
import type { DateRange } from "./kpi-comparisons.ts";
import type { DailyKpiRow } from "./report-data.ts";

/** The first day of the rows: the first day of data the report has. Null without rows. */
export function firstDataDay(daily: readonly DailyKpiRow[]): string | null {
  let first: string | null = null;
  for (const row of daily) if (first === null || row.date < first) first = row.date;
  return first;
}

/**
 * How much of a range the data covers, from where the data starts: "full" when it starts on or before the
 * range's first day, "partial" when it starts inside the range (a shop's first month), "none" when it starts
 * after the range ends or there is no data at all. A day without a row inside the data is no gap in coverage
 * (a day with no order and no spend has no row).
 */
export type RangeCoverage =
  | { kind: "full"; dataFrom: string }
  | { kind: "partial"; dataFrom: string }
  | { kind: "none"; dataFrom: string | null };

export function rangeCoverage(daily: readonly DailyKpiRow[], range: DateRange): RangeCoverage {
  const dataFrom = firstDataDay(daily);
  if (dataFrom === null || dataFrom > range.to) return { kind: "none", dataFrom };
  return { kind: dataFrom > range.from ? "partial" : "full", dataFrom };
}

/**
 * The trailing days a report names ("last 28 days"), as far as the data has them: the `days` ending on the run
 * date, or from the first day of data when that is inside them (a young shop's days before it are unknown, not
 * days of nothing). `count` is the days from `from` to `to`, inclusive.
 */
export interface TrailingDays {
  from: string;
  to: string;
  count: number;
  /** The data begins inside the days: `from` is its first day, and `count` is fewer than the days named. */
  sinceDataBegan: boolean;
}

export function trailingDays(daily: readonly DailyKpiRow[], runDate: string, days: number): TrailingDays {
  const from = addDays(runDate, -(days - 1));
  const coverage = rangeCoverage(daily, { from, to: runDate });
  return coverage.kind === "partial"
    ? shownDays(coverage.dataFrom, runDate, true)
    : shownDays(from, runDate, false);
}

/** The days from `from` to `to`, inclusive; `sinceDataBegan` when `from` is the first day of data. */
export function shownDays(from: string, to: string, sinceDataBegan: boolean): TrailingDays {
  return { from, to, count: daysBetween(from, to) + 1, sinceDataBegan };
}

/** The days counted: "last 28 days", a young shop's "last 10 days", or "1 day" when the run date is its first. */
export function trailingDaysName(window: TrailingDays): string {
  return window.count === 1 ? "1 day" : `last ${window.count} days`;
}

/** The days in a title: "last 28 days"; a young shop's "last 10 days, since the data began" ("1 day, …"). */
export function trailingDaysTitle(window: TrailingDays): string {
  const name = trailingDaysName(window);
  return window.sinceDataBegan ? `${name}, since the data began` : name;
}
