// What the deck and the email say about numbers whose inputs have not all landed: which sources are missing,
// since when, in words a founder reads ("excludes Meta, TikTok: no data since Tue 24 Nov"), or, for a platform
// whose rows landed but whose spend had no exchange rate, that the rate is missing ("excludes Meta: spend not
// converted — no USD exchange rate for Mon 16 Nov 2026"): "no data" would send the reader to reconnect a source
// that is fine. Pure.
import { addDays } from "../calendar.ts";
import { channelLabel, channelOfSource } from "../sql/channels.ts";
import { SOURCES } from "../../shared/sources.ts";
import type { SourceName } from "../../shared/raw-schemas.ts";
import { formatDateRange, formatDayMonth, formatLongDate, formatWeekdayDate } from "./display-format.ts";
import { type RangeCoverage, type TrailingDays } from "./data-coverage.ts";
import {
  type DateRange,
  type MetricChange,
  missingInputsOf,
  missingSourcesOf,
  type PeriodTotals,
} from "./kpi-comparisons.ts";
import type { DailyKpiRow, ReportData } from "./report-data.ts";

/** The name people know a source by: its channel's label (Meta, TikTok), or Shopify. */
/** A name's possessive as English writes it: "Meta's", "Google Ads'" (not "Google Ads's"). */
export function possessive(name: string): string {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

export function sourceDisplayName(source: string): string {
  const channel = channelOfSource(source as SourceName);
  if (channel) return channelLabel(channel);
  return SOURCES.find((item) => item.name === source)?.label ?? source;
}

/**
 * The sources a row says landed without an exchange rate (`unconverted_sources`: "facebook_ads:USD,google_ads:GBP/USD",
 * a source alone when its rows name no currency), each with the currencies that lack one.
 */
export function unconvertedSourcesOf(
  row: Pick<DailyKpiRow, "unconverted_sources"> | undefined,
): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  for (const entry of (row?.unconverted_sources ?? "").split(",")) {
    const [source = "", currencies = ""] = entry.trim().split(":");
    if (!source) continue;
    const known = sources.get(source) ?? [];
    for (const currency of currencies.split("/"))
      if (currency && !known.includes(currency)) known.push(currency);
    sources.set(source, known);
  }
  return sources;
}

/**
 * Why a platform's spend is left out on days its rows landed without an exchange rate: "spend not converted — no
 * USD exchange rate for Mon 16 Nov 2026" (or "for 14–16 Nov 2026"), or, where its rows name no currency, "spend not
 * converted — its rows for Mon 16 Nov 2026 name no currency".
 */
export function unconvertedReason(
  from: string,
  to: string,
  currencies: readonly string[],
  locale: string,
): string {
  const days = from === to ? formatLongDate(to, locale) : formatDateRange(from, to, locale);
  return currencies.length
    ? `spend not converted — no ${currencies.join(" or ")} exchange rate for ${days}`
    : `spend not converted — its rows for ${days} name no currency`;
}

/** Whether the row says the source had not landed at all that day: missing, and not for want of a rate. */
function lacksData(row: DailyKpiRow, source: string): boolean {
  return missingSourcesOf(row).includes(source) && !unconvertedSourcesOf(row).has(source);
}

/**
 * The latest days up to `runDate` on which the source's rows landed without a rate, one after the other (days
 * without a row between them count with them), with the currencies lacking one, when the latest day the source is
 * missing is such a day. Undefined otherwise: its latest missing day had no data at all, or none is missing.
 */
function latestUnconverted(
  daily: readonly DailyKpiRow[],
  source: string,
  runDate: string,
): { from: string; to: string; currencies: string[] } | undefined {
  const { byDate, first } = indexedDays(daily);
  if (first === undefined) return undefined;
  let stretch: { from: string; to: string; currencies: string[] } | undefined;
  for (let day = runDate; day >= first; day = addDays(day, -1)) {
    const row = byDate.get(day);
    if (!row) continue;
    if (!missingSourcesOf(row).includes(source)) {
      if (stretch) break;
      continue;
    }
    const currencies = unconvertedSourcesOf(row).get(source);
    if (!currencies) break;
    stretch ??= { from: day, to: day, currencies: [] };
    stretch.from = day;
    for (const currency of currencies)
      if (!stretch.currencies.includes(currency)) stretch.currencies.push(currency);
  }
  return stretch && { ...stretch, currencies: stretch.currencies.sort() };
}

// The deck and the email ask for each source's last landed day many times over the same rows (two years of them).
const indexes = new WeakMap<readonly DailyKpiRow[], { byDate: Map<string, DailyKpiRow>; first?: string }>();
function indexedDays(daily: readonly DailyKpiRow[]) {
  let index = indexes.get(daily);
  if (!index) {
    const byDate = new Map(daily.map((row) => [row.date, row]));
    index = {
      byDate,
      first: daily.reduce<string | undefined>(
        (min, row) => (min === undefined || row.date < min ? row.date : min),
        undefined,
      ),
    };
    indexes.set(daily, index);
  }
  return index;
}

/**
 * The last day through which the source had landed, seen from `runDate`: the day before the first of the days
 * (walking back from the run date) whose row says the source is missing. Null when it is missing as far back as
 * the rows go. A day whose rows landed without an exchange rate counts as landed here: its data is there.
 */
export function lastLandedDay(daily: readonly DailyKpiRow[], source: string, runDate: string): string | null {
  const { byDate, first: firstRow } = indexedDays(daily);
  let day = runDate;
  // A day without a row (no orders, no spend) neither proves nor disproves the source: keep walking.
  const first = firstRow !== undefined && firstRow < runDate ? firstRow : runDate;
  while (day >= first) {
    const row = byDate.get(day);
    if (row && !lacksData(row, source)) return day;
    day = addDays(day, -1);
  }
  return null;
}

/**
 * The latest days before `runDate` on which the source is missing, one after the other (days without a row
 * between them count with them): a gap between two of its exports. Undefined when it is missing on none.
 */
function latestGap(
  daily: readonly DailyKpiRow[],
  source: string,
  runDate: string,
): { from: string; to: string } | undefined {
  const { byDate, first } = indexedDays(daily);
  if (first === undefined) return undefined;
  let to: string | undefined;
  let from: string | undefined;
  for (let day = addDays(runDate, -1); day >= first; day = addDays(day, -1)) {
    const row = byDate.get(day);
    if (!row) continue;
    if (lacksData(row, source)) {
      to ??= day;
      from = day;
    } else if (to !== undefined) break;
  }
  return to !== undefined && from !== undefined ? { from, to } : undefined;
}

/**
 * Why a source is missing, seen from `runDate`: "spend not converted — no USD exchange rate for Mon 16 Nov 2026"
 * when its latest missing days had rows without a rate, "no data for 11–15 Nov 2026" for days between two of its
 * exports when it landed on the run date, else "no data since Sun 15 Nov" (or "no data in the report's history").
 */
export function missingSourceReason(
  daily: readonly DailyKpiRow[],
  source: string,
  runDate: string,
  locale: string,
): string {
  const unconverted = latestUnconverted(daily, source, runDate);
  if (unconverted) return unconvertedReason(unconverted.from, unconverted.to, unconverted.currencies, locale);
  const day = lastLandedDay(daily, source, runDate);
  if (day === runDate) {
    // Landed on the run date, missing before: days between two exports that none covers.
    const gap = latestGap(daily, source, runDate);
    if (gap) return `no data for ${formatDateRange(gap.from, gap.to, locale)}`;
  }
  return day ? `no data since ${formatWeekdayDate(day, locale)}` : "no data in the report's history";
}

/**
 * "excludes Meta, TikTok: no data since Tue 24 Nov", or, when they stopped on different days,
 * "excludes Meta (no data since Mon 23 Nov), TikTok (no data since Tue 24 Nov)". A source that landed on the run
 * date but is missing on earlier days (a gap between two exports) is said by those days: "no data for 11–15 Nov
 * 2026". A source whose latest missing days had rows without an exchange rate is said by those days and the
 * currencies: "excludes Meta: spend not converted — no USD exchange rate for Mon 16 Nov 2026".
 */
export function missingSourcesCaveat(
  daily: readonly DailyKpiRow[],
  sources: readonly string[],
  runDate: string,
  locale: string,
): string {
  if (sources.length === 0) return "";
  const since = (source: string) => missingSourceReason(daily, source, runDate, locale);
  const names = sources.map(sourceDisplayName);
  const sinces = sources.map(since);
  if (new Set(sinces).size === 1) return `excludes ${names.join(", ")}: ${sinces[0]}`;
  return `excludes ${names.map((name, index) => `${name} (${sinces[index]})`).join(", ")}`;
}

/**
 * A KPI card's words for the sources a figure over from..to excludes, short enough for the card: "excludes Meta,
 * TikTok" when they had not landed; a source whose rows landed without an exchange rate on its missing days says
 * so, "excludes Meta (not converted: no USD rate)", so that a reader tells a rate to give from a source to
 * reconnect, and beside it a source that had not landed reads "(no data)". A source missing both ways in the
 * range reads "(no data, or no USD rate)"; rows that name no currency, "(not converted: rows name no currency)".
 */
export function shortMissingSourcesCaveat(
  daily: readonly DailyKpiRow[],
  sources: readonly string[],
  from: string,
  to: string,
): string {
  if (sources.length === 0) return "";
  const reasonOf = (source: string) => {
    let noData = false;
    let unconverted = false;
    const currencies = new Set<string>();
    for (const row of daily) {
      if (row.date < from || row.date > to || !missingSourcesOf(row).includes(source)) continue;
      const rowCurrencies = unconvertedSourcesOf(row).get(source);
      if (!rowCurrencies) {
        noData = true;
        continue;
      }
      unconverted = true;
      for (const currency of rowCurrencies) currencies.add(currency);
    }
    const rate = currencies.size ? `no ${[...currencies].sort().join(" or ")} rate` : "rows name no currency";
    if (!unconverted) return "no data";
    return noData ? `no data, or ${rate}` : `not converted: ${rate}`;
  };
  const names = sources.map(sourceDisplayName);
  const reasons = sources.map(reasonOf);
  if (reasons.every((reason) => reason === "no data")) return `excludes ${names.join(", ")}`;
  if (new Set(reasons).size === 1) return `excludes ${names.join(", ")} (${reasons[0]})`;
  return `excludes ${names.map((name, index) => `${name} (${reasons[index]})`).join(", ")}`;
}

/**
 * Why an ad platform's spend is short on the days from..to that the daily KPIs mark: "data" when its rows had not
 * landed, "rate" when they landed without an exchange rate, "both" when some days were each. "data" when no day
 * names an ad platform (a monthly mart's incomplete days the daily rows do not reach), as these notes always said.
 */
export function spendGapKind(
  daily: readonly DailyKpiRow[],
  from: string,
  to: string,
): "data" | "rate" | "both" {
  let noData = false;
  let noRate = false;
  for (const row of daily) {
    if (row.date < from || row.date > to) continue;
    const rates = unconvertedSourcesOf(row);
    for (const source of missingSourcesOf(row)) {
      if (!channelOfSource(source as SourceName)) continue;
      if (rates.has(source)) noRate = true;
      else noData = true;
    }
  }
  return noRate ? (noData ? "both" : "rate") : "data";
}

/** A change shown but not judged: one side counts a source that had not landed, so no green or red arrow. */
export function withoutJudgement(change: MetricChange): MetricChange {
  return { ...change, tone: "neutral", incomplete: true };
}

/** The caveat of a period's spend-based figures, or "" when every source had landed through the period. */
export function periodSpendCaveat(
  daily: readonly DailyKpiRow[],
  totals: PeriodTotals | null,
  runDate: string,
  locale: string,
): string {
  const missing = totals ? missingInputsOf("ad_spend", totals.missing_sources) : [];
  return missing.length ? missingSourcesCaveat(daily, missing, runDate, locale) : "";
}

/**
 * The banner of a run whose primary source (Shopify) is critically stale: the day's sales are not in yet, so no
 * number is the day's business; or of a run for a day before any data. Said first in the email and on the deck's
 * executive summary; undefined otherwise.
 */
export function staleShopBanner(
  data: Pick<ReportData, "sources" | "daily" | "runDate">,
  locale: string,
): string | undefined {
  const shopify = data.sources.find((source) => source.source === "shopify" && source.status === "critical");
  // A run for a day before the shop's first data (its report reads the days up to the run date): every figure is
  // n/a, which without a word reads as a broken report.
  if (!shopify && data.daily.length === 0)
    return `No orders or ad spend on or before ${formatWeekdayDate(data.runDate, locale)}: this day comes before the shop's data begins, so every figure below is n/a. Run a later date.`;
  if (!shopify) return undefined;
  const since = shopify.lastEventDate
    ? `no orders since ${formatWeekdayDate(shopify.lastEventDate, locale)}`
    : "no orders have landed";
  return `Shopify data is stale: ${since}. Revenue, orders and every ratio below are incomplete; re-run this day once Shopify has synced.`;
}

/**
 * "since 28 Nov, the first day of data" when the data starts inside the period (a shop's first, partial month):
 * its figures cover those days only, and must not read as the whole period's. "" otherwise.
 */
export function dataStartNote(coverage: RangeCoverage | undefined, locale: string): string {
  return coverage?.kind === "partial"
    ? `since ${formatDayMonth(coverage.dataFrom, locale)}, the first day of data`
    : "";
}

/** The days a period's figures cover: the range, from the first day of data when the data starts inside it. */
export function coveredRange(range: DateRange, coverage: RangeCoverage | undefined): DateRange {
  return coverage?.kind === "partial" ? { from: coverage.dataFrom, to: range.to } : range;
}

/**
 * Why a comparison period is n/a because of where the data starts: "no data for 1–30 Oct 2026" when the data
 * starts after it; "1–31 Oct 2026 is not like for like: the data starts 15 Oct 2026" when it starts partway
 * through (a base over part of its days would understate it). "" when the data covers the period.
 */
export function baseGapReason(coverage: RangeCoverage, range: DateRange, locale: string): string {
  const days = formatDateRange(range.from, range.to, locale);
  if (coverage.kind === "none") return `no data for ${days}`;
  if (coverage.kind === "partial") {
    return `${days} is not like for like: the data starts ${formatDateRange(coverage.dataFrom, coverage.dataFrom, locale)}`;
  }
  return "";
}

/**
 * Where a sentence about the trailing days names them: "in the last 28 days", or a young shop's "since the data
 * began on Fri 20 Nov (10 days)": "in the last 28 days" would claim days the shop has no data for.
 */
export function trailingDaysPhrase(window: TrailingDays, locale: string): string {
  if (!window.sinceDataBegan) return `in the last ${window.count} days`;
  return `since the data began on ${formatWeekdayDate(window.from, locale)} (${window.count} ${window.count === 1 ? "day" : "days"})`;
}

/**
 * Why a young shop's figures cover fewer days than the window's, short enough for a slide's subtitle: "The shop's
 * data begins Wed 11 Nov: 11 days (11–21 Nov 2026), not 28."
 */
export function dataBeginsNote(window: TrailingDays, days: number, locale: string): string {
  const count = `${window.count} ${window.count === 1 ? "day" : "days"}`;
  return `The shop's data begins ${formatWeekdayDate(window.from, locale)}: ${count} (${formatDateRange(window.from, window.to, locale)}), not ${days}.`;
}
