// Where the report's data starts, and how much of a date range it covers: a shop's first, partial month is
// summed over the days it has, and a base period the data does not cover whole is no base (n/a, never 0).
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
