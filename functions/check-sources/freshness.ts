// Pure freshness rules: how old a source's newest data is at the time the run reports on, and the sentence
// that says so.
import type { Finding } from "../shared/findings.ts";
import type { FreshnessStatus } from "../lib/reporting/report-data.ts";
import { datingTables, type SourceDefinition } from "../shared/sources.ts";
import { channelOfSource } from "../lib/sql/channels.ts";
import { addDays, localToUtc, ShopClock, yesterdayIn } from "../lib/calendar.ts";

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
  /** When the run looks at the data (asOfTime): now for the run of yesterday, else the morning after the run date. */
  asOf: Date;
}

export interface FreshnessVerdict {
  status: FreshnessStatus;
  /** Hours between the end of the newest event day and the end of the run date. */
  eventLagHours: number | null;
  /** Hours between the last load and `asOf`. */
  loadAgeHours: number | null;
  lagDays: number | null;
  /** Which clock made the verdict: the newest event day, or the last load time. */
  decidedBy: "event" | "load" | null;
}

const HOUR = 3_600_000;

/**
 * When the run looks at the sources, in the shop's time zone. The scheduled run of the shop's yesterday (the run
 * date is yesterday where the shop is at `now`) looks now: a load's age is how long ago it was when the run read
 * it, whatever the hour the scheduler starts in. A run of an older day (a backfill, a re-run days later) is judged
 * as the morning run would have been, at 06:00 on the day after it, in the shop's zone. It was 06:00 UTC for
 * every shop: a Los Angeles shop's scheduled run (07:00 UTC, two UTC days after its run date began) measured
 * every load 25 hours younger than it was, and a load of 47 hours ago read as 22 (ok, not warn).
 */
export function asOfTime(runDate: string, timeZone: string, now: Date): Date {
  if (yesterdayIn(now, timeZone) === runDate) return now;
  return new Date(localToUtc(new ShopClock(timeZone).day(addDays(runDate, 1)), 6 * 3600));
}

export function judgeFreshness(input: FreshnessInput, thresholds: FreshnessThresholds): FreshnessVerdict {
  if (!input.lastEventDate)
    return { status: "critical", eventLagHours: null, loadAgeHours: null, lagDays: null, decidedBy: null };
  const eventLagHours =
    (Date.parse(`${input.runDate}T00:00:00Z`) - Date.parse(`${input.lastEventDate}T00:00:00Z`)) / HOUR;
  const loadAgeHours = input.lastLoadedAt
    ? (input.asOf.getTime() - Date.parse(input.lastLoadedAt)) / HOUR
    : null;
  // The worse of the two clocks decides: data can be loaded on time yet stop at an old day, or vice versa.
  const age = Math.max(eventLagHours, loadAgeHours ?? 0);
  const grade = (hours: number): FreshnessStatus =>
    hours > thresholds.criticalAfterHours ? "critical" : hours >= thresholds.warnAfterHours ? "warn" : "ok";
  const status = grade(age);
  // The event day is what a reader understands ("5 days old"): it names the problem whenever it is stale on
  // its own; the load clock only when the days look current but nothing has been loaded for a while.
  const decidedBy = status === "ok" ? null : grade(eventLagHours) === status ? "event" : "load";
  // Data past the run date (a run for an older date) is no lag: the deck read "Lag -2 days".
  const lagDays = Math.max(0, Math.round(eventLagHours / 24));
  return { status, eventLagHours, loadAgeHours, lagDays, decidedBy };
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** "table a is empty", "tables a, b and c are empty": every table of a source holds none of its days. */
function emptyTables(tables: readonly string[]): string {
  if (tables.length === 1) return `table ${tables[0]} is empty`;
  return `tables ${tables.slice(0, -1).join(", ")} and ${tables[tables.length - 1]} are empty`;
}

/**
 * "2026-11-18 23:00 EST": an instant as the shop's clock showed it, its day written as the findings write days (the
 * readers localize it), the zone named. The message said "2026-11-19 04:00 UTC", which the email then printed
 * as "Thu 19 Nov 2026 04:00 UTC", a day a New York shop had not reached yet.
 */
export function shopClockTime(instant: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** The finding for a source that is not fresh (undefined when it is). */
export function freshnessFinding(
  source: Pick<SourceDefinition, "name" | "label" | "freshnessTable" | "alsoDatedBy">,
  input: Pick<FreshnessInput, "runDate" | "lastEventDate" | "lastLoadedAt"> & { timeZone: string },
  verdict: FreshnessVerdict,
  thresholds: FreshnessThresholds,
): Omit<Finding, "step"> | undefined {
  if (verdict.status === "ok") return undefined;
  const consequence = channelOfSource(source.name)
    ? ` ROAS for ${source.label.replace(/ Ads$/, "")} is not meaningful until it syncs again.`
    : "";
  const base = {
    check: "source_freshness",
    severity: verdict.status === "critical" ? ("critical" as const) : ("warning" as const),
    blocking: false,
    subject: source.name,
    source: source.name,
    table: source.freshnessTable,
    metric: verdict.decidedBy === "load" ? "hours_since_last_load" : "days_behind",
  };
  if (!input.lastEventDate) {
    return {
      ...base,
      observed: null,
      expected: `data through ${input.runDate}`,
      message: `${source.label} has no data at all: ${emptyTables(datingTables(source))}.`,
    };
  }
  if (verdict.decidedBy === "load" && verdict.loadAgeHours !== null && input.lastLoadedAt) {
    const hours = Math.round(verdict.loadAgeHours);
    return {
      ...base,
      observed: input.lastLoadedAt,
      expected: `a load within the last ${thresholds.warnAfterHours} hours`,
      message: `${source.label} has not loaded anything for ${plural(hours, "hour")} (last load ${shopClockTime(input.lastLoadedAt, input.timeZone)}), so days after ${input.lastEventDate} may still change.${consequence}`,
    };
  }
  const days = verdict.lagDays ?? 0;
  return {
    ...base,
    observed: input.lastEventDate,
    expected: `data through ${input.runDate}`,
    message: `${source.label} data is ${plural(days, "day")} old (last day ${input.lastEventDate}).${consequence}`,
  };
}
