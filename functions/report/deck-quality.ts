// Section 4, data quality: how fresh each source is, what the run's checks found (most severe first), and why a
// paid channel shows 0 or nothing on a day (marts.marketing_unified_with_explanations).
import type { Finding, Severity } from "../shared/findings.ts";
import { sortFindings } from "../shared/findings.ts";
import {
  formatDateRange,
  formatFindingText,
  formatMoney,
  formatNumber,
  formatWeekdayDate,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import { dataBeginsNote, trailingDaysPhrase } from "../lib/reporting/completeness.ts";
import { trailingDays, trailingDaysName } from "../lib/reporting/data-coverage.ts";
import type { FreshnessStatus } from "../lib/reporting/report-data.ts";
import { channelLabel } from "../lib/sql/channels.ts";
import {
  type ContentSlide,
  type Context,
  cell,
  type Emphasis,
  full,
  left,
  right,
  type TableSpec,
} from "./deck-model.ts";

/** Findings on the data-quality slide itself; the rest go to continuation slides. */
export const FINDINGS_ON_QUALITY_SLIDE = 5;
export const FINDINGS_PER_CONTINUATION_SLIDE = 8;
export const MAX_SOURCE_ROWS = 6;
export const GAP_DAYS = 28;

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "CRITICAL",
  warning: "WARNING",
  info: "INFO",
};

const SEVERITY_EMPHASIS: Record<Severity, Emphasis> = { critical: "bad", warning: "warning", info: "info" };
const STATUS_LABELS: Record<FreshnessStatus, string> = { ok: "OK", warn: "WARN", critical: "CRITICAL" };
const STATUS_EMPHASIS: Record<FreshnessStatus, Emphasis> = { ok: "good", warn: "warning", critical: "bad" };

function findingsTable(id: string, findings: readonly Finding[], locale: string, note?: string): TableSpec {
  return {
    id,
    columns: [left("Severity", 1.1), left("Finding", 8)],
    rows: findings.map((finding) => [
      cell(SEVERITY_LABELS[finding.severity], SEVERITY_EMPHASIS[finding.severity], true),
      cell(formatFindingText(finding.message, locale)),
    ]),
    emptyText: "No findings in this run.",
    ...(note ? { note } : {}),
  };
}

export function freshnessTable(ctx: Context): TableSpec {
  const { data, locale } = ctx;
  const sources = data.sources.slice(0, MAX_SOURCE_ROWS);
  return {
    id: "source-freshness",
    columns: [left("Source", 2), left("Last day with data", 2), right("Lag", 1), left("Status", 1.2)],
    rows: sources.map((source) => [
      cell(source.label, undefined, true),
      cell(formatWeekdayDate(source.lastEventDate, locale)),
      cell(
        source.lagDays === null
          ? NOT_AVAILABLE
          : `${formatNumber(source.lagDays, locale)} ${source.lagDays === 1 ? "day" : "days"}`,
      ),
      cell(STATUS_LABELS[source.status], STATUS_EMPHASIS[source.status], true),
    ]),
    emptyText: "No source freshness recorded for this run.",
    ...(data.sources.length > sources.length
      ? { note: `${data.sources.length - sources.length} more sources not shown.` }
      : {}),
  };
}

export function qualitySlides(ctx: Context): ContentSlide[] {
  const findings = sortFindings(ctx.data.findings);
  const first = findings.slice(0, FINDINGS_ON_QUALITY_SLIDE);
  const rest = findings.slice(FINDINGS_ON_QUALITY_SLIDE);
  const counts = (["critical", "warning", "info"] as const)
    .map(
      (severity) =>
        `${findings.filter((finding) => finding.severity === severity).length} ${SEVERITY_LABELS[severity].toLowerCase()}`,
    )
    .join(", ");
  const slides: ContentSlide[] = [
    {
      kind: "quality",
      section: "Data quality",
      title: "Data quality",
      subtitle: `Source freshness and this run's findings: ${counts}`,
      blocks: [
        full({ type: "table", table: freshnessTable(ctx) }),
        full({
          type: "table",
          table: findingsTable(
            "findings",
            first,
            ctx.locale,
            rest.length ? `${rest.length} more findings on the next slides.` : undefined,
          ),
        }),
      ],
    },
  ];
  for (let start = 0; start < rest.length; start += FINDINGS_PER_CONTINUATION_SLIDE) {
    const page = rest.slice(start, start + FINDINGS_PER_CONTINUATION_SLIDE);
    slides.push({
      kind: "findings",
      section: "Data quality",
      title: "Data quality — findings (continued)",
      blocks: [full({ type: "table", table: findingsTable(`findings-${slides.length}`, page, ctx.locale) })],
    });
  }
  return slides;
}

export function channelGapsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  // The mart explains days from the shop's first day: a shop whose data begins inside the 28 days has its days
  // named, in the title and in a subtitle saying where they begin, not 28 it has no data for.
  const window = trailingDays(data.daily, data.runDate, GAP_DAYS);
  const days = window.sinceDataBegan
    ? `each day ${trailingDaysPhrase(window, locale)}`
    : `each of the last ${GAP_DAYS} days`;
  const gaps = [...data.marts.channelGaps].sort(
    (a, b) =>
      b.days - a.days || a.channel.localeCompare(b.channel) || a.first_date.localeCompare(b.first_date),
  );
  const table: TableSpec = {
    id: "channel-gaps",
    columns: [
      left("Channel", 1.1),
      left("Why the day shows 0 or nothing", 4.2),
      right("Days", 0.6),
      left("From – to", 1.6),
      right("Spend", 1),
      right("Attributed revenue", 1.2),
    ],
    rows: gaps.map((gap) => [
      cell(channelLabel(gap.channel), undefined, true),
      // The mart's words keep the ISO date it stores ("no data after 2026-11-16"); the slide's reader gets theirs.
      cell(formatFindingText(gap.explanation, locale)),
      cell(formatNumber(gap.days, locale), undefined, true),
      cell(formatDateRange(gap.first_date, gap.last_date, locale)),
      cell(formatMoney(gap.spend, fmt), gap.spend > 0 && gap.attributed_revenue === 0 ? "bad" : undefined),
      cell(formatMoney(gap.attributed_revenue, fmt)),
    ]),
    emptyText: `Every paid channel has spend and attributed orders on ${days}.`,
    note: "Days grouped by channel and explanation. Stale days have no platform row: their spend is unknown, not zero.",
  };
  return {
    kind: "channel-gaps",
    section: "Data quality",
    title: `Paid channels: zero and missing days — ${trailingDaysName(window)}`,
    ...(window.sinceDataBegan ? { subtitle: dataBeginsNote(window, GAP_DAYS, locale) } : {}),
    blocks: [full({ type: "table", table })],
  };
}
