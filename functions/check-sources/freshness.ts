// Pure freshness rules: how old a source's newest data is at the time the run reports on.
import type { FreshnessStatus } from "../shared/report-data.ts";

export interface FreshnessThresholds {
  warnAfterHours: number;
  criticalAfterHours: number;
}

export interface FreshnessInput {
  runDate: string;
  /** Newest event day in the source, or null when the table is empty or missing. */
  lastEventDate: string | null;
  /** Newest load (extraction) time, ISO-8601, or null. */
  lastLoadedAt: string | null;
  /** When the run looks at the data: the morning after the run date. */
  asOf: Date;
}

export interface FreshnessVerdict {
  status: FreshnessStatus;
  /** Hours between the end of the newest event day and the end of the run date. */
  eventLagHours: number | null;
  /** Hours between the last load and `asOf`. */
  loadAgeHours: number | null;
  lagDays: number | null;
}

const HOUR = 3_600_000;

export function judgeFreshness(input: FreshnessInput, thresholds: FreshnessThresholds): FreshnessVerdict {
  if (!input.lastEventDate)
    return { status: "critical", eventLagHours: null, loadAgeHours: null, lagDays: null };
  const eventLagHours =
    (Date.parse(`${input.runDate}T00:00:00Z`) - Date.parse(`${input.lastEventDate}T00:00:00Z`)) / HOUR;
  const loadAgeHours = input.lastLoadedAt
    ? (input.asOf.getTime() - Date.parse(input.lastLoadedAt)) / HOUR
    : null;
  // The worse of the two clocks decides: data can be loaded on time yet stop at an old day, or vice versa.
  const age = Math.max(eventLagHours, loadAgeHours ?? 0);
  const status: FreshnessStatus =
    age > thresholds.criticalAfterHours ? "critical" : age >= thresholds.warnAfterHours ? "warn" : "ok";
  return { status, eventLagHours, loadAgeHours, lagDays: Math.round(eventLagHours / 24) };
}
