// Pure volume rule: the rows a source landed for the run date against the same weekday in earlier weeks.
import { weekdayName } from "../lib/calendar.ts";
import type { AnomalyVerdict } from "../lib/quality/anomaly.ts";
import { type LastYearComparison, signedPercent } from "../lib/quality/last-year.ts";
import type { Finding } from "../shared/findings.ts";
import type { SourceDefinition } from "../shared/sources.ts";

function rows(value: number): string {
  return `${Math.round(value).toLocaleString("en-US")} row${Math.round(value) === 1 ? "" : "s"}`;
}

export function volumeFinding(
  source: Pick<SourceDefinition, "name" | "label" | "freshnessTable">,
  spikeMinRelativeChange: number,
  verdict: AnomalyVerdict,
  /** The day against its comparable day last year (lib/quality/last-year.ts), when it was compared. */
  lastYear?: LastYearComparison,
): Omit<Finding, "step"> | undefined {
  if (verdict.status !== "anomaly" || verdict.observed === null || verdict.expected === null)
    return undefined;
  // A partial sync (fewer rows) silently lowers the day's numbers; more rows is usually a busy day, and only
  // a jump the size of a doubled batch is worth a morning alert.
  if (verdict.direction === "spike" && (verdict.relativeChange ?? Infinity) < spikeMinRelativeChange)
    return undefined;
  const range = `${Math.round(verdict.lower ?? 0)}–${Math.round(verdict.upper ?? 0)} rows`;
  const usual = `the usual ${rows(verdict.expected)} for a ${weekdayName(verdict.date)}`;
  const base = {
    blocking: false,
    subject: source.name,
    source: source.name,
    table: source.freshnessTable,
    metric: "rows_landed",
    observed: verdict.observed,
    expected: range,
  };
  const landed = `${source.label} landed ${rows(verdict.observed)} for ${verdict.date}`;
  // A busy sales day lands more rows: when last year's comparable day did too, it is the calendar, not a batch.
  if (lastYear?.verdict === "in_line" && lastYear.thisYear && lastYear.lastYear) {
    const period = lastYear.event ? lastYear.event.name : `the same ${weekdayName(lastYear.lastYear.date)}`;
    return {
      ...base,
      check: "source_volume_in_line_with_last_year",
      severity: "info",
      message: `${landed}, against ${usual}: in line with ${period} last year (${signedPercent(lastYear.thisYear.lift)} vs ${signedPercent(lastYear.lastYear.lift)} on ${lastYear.lastYear.date}, each against its own 28-day median).`,
    };
  }
  if (lastYear?.event && lastYear.verdict === "no_history") {
    const lift = lastYear.thisYear?.lift ?? verdict.relativeChange ?? 0;
    return {
      ...base,
      check: "source_volume",
      severity: verdict.direction === "drop" ? "warning" : "info",
      message: `${lastYear.event.name}: ${landed}, a ${verdict.direction === "drop" ? "drop" : "rise"} of ${signedPercent(lift)} against ${usual}; no last-year data to compare.`,
    };
  }
  const message =
    verdict.direction === "drop"
      ? `${source.label} landed ${rows(verdict.observed)} for ${verdict.date}, far under ${usual}: the sync may be partial; numbers for that day can be too low.`
      : `${source.label} landed ${rows(verdict.observed)} for ${verdict.date}, far over ${usual}: a batch may have landed twice or a new account started syncing.`;
  return {
    check: "source_volume",
    // Too few rows silently lowers the day's numbers; too many is deduplicated in staging (and a batch landed
    // twice is reported by check-quality), so it is worth knowing but not a morning alarm.
    severity: verdict.direction === "drop" ? "warning" : "info",
    blocking: false,
    subject: source.name,
    source: source.name,
    table: source.freshnessTable,
    metric: "rows_landed",
    observed: verdict.observed,
    expected: range,
    message,
  };
}
