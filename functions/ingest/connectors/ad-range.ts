// Which days an ads connector pulls: the lookback (platforms restate conversions for days after the fact), and
// any days since the last successful pull that the lookback does not reach (a connector off for a while).
import { addDays } from "../../lib/calendar.ts";

/** The longest range one run pulls, so a connector switched back on after months does not pull years at once. */
export const MAX_PULL_DAYS = 90;

export interface PullRange {
  startDate: string;
  endDate: string;
  days: number;
}

export function adPullRange(runDate: string, lookbackDays: number, pulledThrough?: string): PullRange {
  const lookbackStart = addDays(runDate, -(lookbackDays - 1));
  const resume = pulledThrough ? addDays(pulledThrough, 1) : lookbackStart;
  const earliest = addDays(runDate, -(MAX_PULL_DAYS - 1));
  let startDate = resume < lookbackStart ? resume : lookbackStart;
  if (startDate < earliest) startDate = earliest;
  const days = Math.round((Date.parse(runDate) - Date.parse(startDate)) / 86_400_000) + 1;
  return { startDate, endDate: runDate, days };
}

/** Per-account cursors of an ads connector (state/connectors/<source>.json). */
export interface AdsState {
  accounts: Record<string, { pulledThrough: string; pulledAt: string }>;
}
