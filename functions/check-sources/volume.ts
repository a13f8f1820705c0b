// Pure volume rule: the rows a source landed for the run date against the same weekday in earlier weeks.
import { weekdayName } from "../lib/calendar.ts";
import type { AnomalyVerdict } from "../lib/quality/anomaly.ts";
import type { Finding } from "../shared/findings.ts";
import type { SourceDefinition } from "../shared/sources.ts";

function rows(value: number): string {
  return `${Math.round(value).toLocaleString("en-US")} row${Math.round(value) === 1 ? "" : "s"}`;
}

export function volumeFinding(
  source: Pick<SourceDefinition, "name" | "label" | "freshnessTable">,
  spikeMinRelativeChange: number,
  verdict: AnomalyVerdict,
): Omit<Finding, "step"> | undefined {
  if (verdict.status !== "anomaly" || verdict.observed === null || verdict.expected === null)
    return undefined;
  // A partial sync (fewer rows) silently lowers the day's numbers; more rows is usually a busy day, and only
  // a jump the size of a doubled batch is worth a morning alert.
  if (verdict.direction === "spike" && (verdict.relativeChange ?? Infinity) < spikeMinRelativeChange)
    return undefined;
  const range = `${Math.round(verdict.lower ?? 0)}–${Math.round(verdict.upper ?? 0)} rows`;
  const usual = `the usual ${rows(verdict.expected)} for a ${weekdayName(verdict.date)}`;
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
