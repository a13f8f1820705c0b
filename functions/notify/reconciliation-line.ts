// The email's one line on reconciliation (issue 16): whether the warehouse's totals match each platform API's own,
// read from the scoreboard check-sources writes to runs/dt=<date>/reconciliation.json. No scoreboard (the
// reconciliation is off, or no connector is enabled) means no line. Pure, apart from the shape check.
import { sourceDisplayName } from "../lib/reporting/completeness.ts";
import { formatDayMonth, formatPercent } from "../lib/reporting/display-format.ts";
import { addDays } from "../lib/calendar.ts";

/** One metric of one account, as check-sources/reconciliation.ts writes it. */
export interface ScoreboardEntry {
  source: string;
  account: string;
  metric: string;
  api: number;
  warehouse: number;
  relative: number | null;
  status: "MATCH" | "MISMATCH";
  days: { day: string }[];
}

export interface ReconciliationScoreboard {
  runDate: string;
  window: { startDate: string; endDate: string };
  tolerance: number;
  entries: ScoreboardEntry[];
}

/** Undefined when the value has the scoreboard's shape; otherwise what is wrong (for readStateFile). */
export function scoreboardProblem(value: unknown): string | undefined {
  const board = value as Partial<ReconciliationScoreboard> | null;
  if (!board || typeof board !== "object") return "not a JSON object";
  if (!Array.isArray(board.entries)) return "entries is not an array";
  if (!board.window || typeof board.window.startDate !== "string") return "window is missing";
  const bad = board.entries.find(
    (entry) =>
      !entry ||
      typeof entry.source !== "string" ||
      typeof entry.metric !== "string" ||
      (entry.status !== "MATCH" && entry.status !== "MISMATCH"),
  );
  return bad ? "an entry lacks source, metric or status" : undefined;
}

/** "12–14 Nov", "28 Oct – 3 Nov", or "12 Nov" for one day. */
function rangeText(first: string, last: string, locale: string): string {
  if (first === last) return formatDayMonth(first, locale);
  const [a, b] = [formatDayMonth(first, locale), formatDayMonth(last, locale)];
  const sameMonth = first.slice(0, 7) === last.slice(0, 7);
  return sameMonth ? `${a.split(" ")[0]}–${b}` : `${a} – ${b}`;
}

/** "12–14 Nov" for consecutive days, "12 Nov, 14 Nov" otherwise. */
function daysText(days: readonly string[], locale: string): string {
  const sorted = [...new Set(days)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return "";
  const consecutive = sorted.every(
    (day, index) => index === 0 || addDays(sorted[index - 1] ?? "", 1) === day,
  );
  if (!consecutive) return sorted.map((day) => formatDayMonth(day, locale)).join(", ");
  return rangeText(first, last, locale);
}

/** At most this many mismatches are named; the rest are counted. */
const NAMED_MISMATCHES = 3;

export function reconciliationLine(
  board: ReconciliationScoreboard | null | undefined,
  locale: string,
): string | undefined {
  if (!board || board.entries.length === 0) return undefined;
  const total = board.entries.length;
  const mismatches = board.entries.filter((entry) => entry.status === "MISMATCH");
  const matches = total - mismatches.length;
  const window = rangeText(board.window.startDate, board.window.endDate, locale);
  if (mismatches.length === 0) {
    return `Sources match their APIs: ${matches} of ${total} checks MATCH (${window}).`;
  }
  // The account is named only where the source has more than one (one Meta account is just "Meta").
  const accounts = (source: string) =>
    new Set(board.entries.filter((entry) => entry.source === source).map((entry) => entry.account)).size;
  const described = mismatches.slice(0, NAMED_MISMATCHES).map((entry) => {
    const who = [sourceDisplayName(entry.source), accounts(entry.source) > 1 ? entry.account : ""]
      .filter(Boolean)
      .join(" ");
    const share =
      entry.relative === null
        ? ""
        : ` ${entry.relative > 0 ? "+" : ""}${formatPercent(entry.relative, locale, 1)}`;
    const days = entry.days.map((day) => day.day);
    return `${who} ${entry.metric} MISMATCH${share} on ${days.length ? daysText(days, locale) : window}`;
  });
  const more = mismatches.length > NAMED_MISMATCHES ? `; ${mismatches.length - NAMED_MISMATCHES} more` : "";
  return `Sources vs their APIs: ${matches} of ${total} checks MATCH; ${described.join("; ")}${more}.`;
}
