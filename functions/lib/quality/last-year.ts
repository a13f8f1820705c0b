// Same period last year: before a spike (or a drop) is called suspicious, the day is compared with the day that
// played the same part a year earlier (the Sunday of Black Friday weekend with last year's Sunday of that
// weekend; an ordinary day with the same weekday 52 weeks back), each relative to its own baseline. A shop that
// grew 35% in a year has a bigger Black Friday in money, but not a bigger one relative to its own November: the
// comparison is of lifts (day ÷ trailing median − 1), never of raw values. Pure: values in, a verdict out.
import { addDays } from "../calendar.ts";
import { comparableDayLastYear, eventsOn, type RetailEvent } from "../retail-calendar.ts";
import { median } from "./anomaly.ts";

/** The baseline of a day: the median of the days before it (28 = four of each weekday, so no weekday dominates). */
export const BASELINE_DAYS = 28;

/**
 * How much less last year's comparable day may have moved and still explain this year's move: with 0.25, last
 * year's lift must go the same way and be at least 75% of this year's (this year +80% is in line with +60% or
 * more last year; −40% with −30% or deeper). A sale a little stronger than last year's is still the sale; a day
 * that moved half again as much is not. The comparison is of lifts, not of ratios, so an ordinary day last year
 * (lift near 0) never explains a spike or a drop, however small.
 */
export const DEFAULT_LAST_YEAR_TOLERANCE = 0.25;

export interface DayLift {
  date: string;
  value: number;
  /** Median of the BASELINE_DAYS days before `date`. */
  baseline: number;
  /** value ÷ baseline − 1: +0.8 is 80% over the day's own baseline. */
  lift: number;
}

export type LastYearVerdict =
  /** Last year's comparable day moved as much, the same way: the move is the calendar's, not the data's. */
  | "in_line"
  /** Last year's comparable day was known and did not move as much: the move stays unexplained. */
  | "unexplained"
  /** Nothing to compare with (no data last year, or too little around the comparable day). */
  | "no_history";

export interface LastYearComparison {
  verdict: LastYearVerdict;
  /** The calendar event the day falls in (its first one), when any. */
  event?: RetailEvent;
  thisYear?: DayLift;
  lastYear?: DayLift;
}

function valueOn(byDate: ReadonlyMap<string, number | null>, date: string): number | null {
  const value = byDate.get(date);
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/**
 * The day's value against the median of the BASELINE_DAYS days before it; undefined when the day has no value,
 * fewer than half of those days have one, or the baseline is not positive (a lift of nothing means nothing).
 */
export function dayLift(byDate: ReadonlyMap<string, number | null>, date: string): DayLift | undefined {
  const value = valueOn(byDate, date);
  if (value === null) return undefined;
  const before: number[] = [];
  for (let back = 1; back <= BASELINE_DAYS; back++) {
    const earlier = valueOn(byDate, addDays(date, -back));
    if (earlier !== null) before.push(earlier);
  }
  if (before.length * 2 < BASELINE_DAYS) return undefined;
  const baseline = median(before);
  if (!(baseline > 0)) return undefined;
  return { date, value, baseline, lift: value / baseline - 1 };
}

/** Whether last year's lift went the same way as this year's and by at least (1 − tolerance) as much. */
export function movedAsMuch(thisYear: number, lastYear: number, tolerance: number): boolean {
  if (thisYear === 0) return true;
  if (Math.sign(thisYear) !== Math.sign(lastYear)) return false;
  // The epsilon keeps "at least 75%" true at exactly 75% despite binary fractions (0.75 × 0.8 > 0.6).
  return Math.abs(lastYear) >= (1 - tolerance) * Math.abs(thisYear) - 1e-9;
}

/** The last-year days a comparison of `date` reads: the comparable day and its baseline (oldest first). */
export function lastYearWindow(country: string, date: string): { start: string; end: string } {
  const comparable = comparableDayLastYear(country, date).date;
  return { start: addDays(comparable, -BASELINE_DAYS), end: comparable };
}

/**
 * Compares `date` with its comparable day last year in `country`'s calendar. `values` holds both years' days
 * (this year's baseline and day, last year's window from lastYearWindow); missing days are unknown, never 0.
 */
export function compareWithLastYear(
  values: readonly { date: string; value: number | null }[],
  date: string,
  country: string,
  tolerance: number = DEFAULT_LAST_YEAR_TOLERANCE,
): LastYearComparison {
  const byDate = new Map(values.map((point) => [point.date, point.value]));
  const comparable = comparableDayLastYear(country, date);
  const event = comparable.event ?? eventsOn(country, date)[0];
  const withEvent = event ? { event } : {};
  const thisYear = dayLift(byDate, date);
  const lastYear = dayLift(byDate, comparable.date);
  if (!thisYear || !lastYear)
    return { verdict: "no_history", ...withEvent, ...(thisYear ? { thisYear } : {}) };
  const verdict = movedAsMuch(thisYear.lift, lastYear.lift, tolerance) ? "in_line" : "unexplained";
  return { verdict, ...withEvent, thisYear, lastYear };
}

/** "+80%", "−12%": a lift as people write it. */
export function signedPercent(lift: number): string {
  const rounded = Math.round(lift * 100);
  return rounded < 0 ? `−${Math.abs(rounded)}%` : `+${rounded}%`;
}
