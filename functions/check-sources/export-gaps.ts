// Pure rule: an ad platform's data that arrives as file drops is complete only for the days an export covers. A
// day between two exports that none covers, with nothing landed for it, is incomplete (unified.source_coverage
// says so too), and the freshness check (newest day landed) cannot see it: a missing export in the middle of the
// month.
import { addDays } from "../lib/calendar.ts";
import type { Finding } from "../shared/findings.ts";
import type { SourceDefinition } from "../shared/sources.ts";

/** The days one loaded file drop covers. */
export interface DropPeriod {
  rawTable: string;
  start: string;
  end: string;
}

/**
 * The days from `from` to `to` between the first and the last day the table's exports cover that no export
 * covers and no row landed for (an API or Airbyte row, or any other). Sorted.
 */
export function exportGaps(
  periods: readonly DropPeriod[],
  rawTable: string,
  daysWithRows: ReadonlySet<string>,
  from: string,
  to: string,
): string[] {
  const covered = new Set<string>();
  for (const period of periods) {
    if (period.rawTable !== rawTable) continue;
    const start = period.start > from ? period.start : from;
    const end = period.end < to ? period.end : to;
    for (let day = start; day <= end; day = addDays(day, 1)) covered.add(day);
  }
  if (covered.size === 0) return [];
  const days = [...covered].sort();
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const gaps: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1))
    if (!covered.has(day) && !daysWithRows.has(day)) gaps.push(day);
  return gaps;
}

/** "2026-11-10 – 2026-11-12, 2026-11-28": consecutive days as one range. */
export function dayRanges(days: readonly string[]): string {
  const ranges: string[][] = [];
  for (const day of days) {
    const current = ranges[ranges.length - 1];
    if (current && addDays(current[current.length - 1] as string, 1) === day) current.push(day);
    else ranges.push([day]);
  }
  return ranges
    .map((range) => (range.length === 1 ? range[0] : `${range[0]} – ${range[range.length - 1]}`))
    .join(", ");
}

export function exportGapFinding(
  source: Pick<SourceDefinition, "name" | "label" | "freshnessTable">,
  gaps: readonly string[],
): Omit<Finding, "step"> | undefined {
  if (gaps.length === 0) return undefined;
  const one = gaps.length === 1;
  return {
    check: "file_drop_gap",
    severity: "warning",
    blocking: false,
    subject: source.name,
    source: source.name,
    table: source.freshnessTable,
    metric: "days_uncovered",
    observed: gaps.length,
    expected: "every day between the first and the last export covered by one",
    message: `No ${source.label} export covers ${dayRanges(gaps)} (${gaps.length} day${one ? "" : "s"} between the exports dropped), and nothing landed for ${one ? "it" : "them"}: ${one ? "it counts" : "they count"} as incomplete, ${one ? "its" : "their"} ${source.label} spend unknown. Drop a ${source.label} export that spans ${one ? "it" : "them"}, from a day before to a day after: an export covers every day from its first row's to its last row's, so days of no spend inside it count as complete.`,
  };
}
