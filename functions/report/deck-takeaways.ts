// Slide 2, the takeaways: what moved revenue and why, in sentences written from the mart rows. Revenue is
// orders × AOV, so its change splits into the two; then the channels, products and regions that moved it most
// (like for like: the same days of the period before), the month's retail events against the same event last
// year, and what the run's alerts mean for the numbers. Pure: plain functions over ReportData.
import { addDays, addMonths, daysBetween, monthEnd, monthStart } from "../lib/calendar.ts";
import { baseGapReason, sourceDisplayName } from "../lib/reporting/completeness.ts";
import {
  formatChange,
  formatDateRange,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import { rangeCoverage } from "../lib/reporting/data-coverage.ts";
import { changeRatio, missingInputsOf, type PeriodTotals } from "../lib/reporting/kpi-comparisons.ts";
import type { DailyKpiRow, RegionMonthRow, ReportData } from "../lib/reporting/report-data.ts";
import { regionName } from "../lib/reporting/region-names.ts";
import { eventsBetween, type RetailEvent, sameEventLastYear } from "../lib/retail-calendar.ts";
import { channelLabel } from "../lib/sql/channels.ts";
import type { Finding } from "../shared/findings.ts";
import { type ContentSlide, type Context, full, type TextLine } from "./deck-model.ts";
import { daysCovered } from "./deck-products-regions.ts";

/** A segment (channel, product, region) whose revenue moved between two like-for-like ranges. */
export interface Movement {
  name: string;
  current: number;
  base: number;
  /** current − base */
  delta: number;
}

/** The movers, biggest absolute change first (ties by name, so the order never depends on the input's). */
export function biggestMovements(movements: readonly Movement[], count: number): Movement[] {
  return [...movements]
    .filter((movement) => movement.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.name.localeCompare(b.name))
    .slice(0, count);
}

export const MOVERS_PER_DIMENSION = 2;

/** "+$12.3k (+45%)" or "−$2.1k (−12%)"; a base of 0 has no percentage ("new"). */
function movementText(movement: Movement, fmt: NumberLocale, suffix = ""): string {
  const sign = movement.delta > 0 ? "+" : "-";
  const amount = `${sign}${formatMoneyCompact(Math.abs(movement.delta), fmt)}${suffix}`;
  const ratio = changeRatio(movement.current, movement.base);
  return ratio === null ? `${amount} (new)` : `${amount} (${formatChange(ratio, fmt.locale)})`;
}

/** Revenue = orders × AOV: the change of each factor, and the revenue change they multiply to. */
export interface RevenueDrivers {
  revenue: number | null;
  orders: number | null;
  aov: number | null;
}

export function revenueDrivers(current: PeriodTotals | null, base: PeriodTotals | null): RevenueDrivers {
  return {
    revenue: changeRatio(current?.gross_revenue ?? null, base?.gross_revenue ?? null),
    orders: changeRatio(current?.orders_with_value ?? null, base?.orders_with_value ?? null),
    aov: changeRatio(current?.aov ?? null, base?.aov ?? null),
  };
}

function revenueLine(ctx: Context): TextLine {
  const { period, fmt, locale } = ctx;
  const { current, previous, lastYear, ranges, coverage } = period.toDate;
  const name = period.toDateName.toLowerCase();
  // A shop's first month: the figures are over the days since its first day of data, and say so.
  const since = period.toDateSince ? ` (${period.toDateSince})` : "";
  if (!current) return { text: `Revenue: no data for the ${name} yet.` };
  if (current.orders === 0) return { text: `Revenue: no order days in the ${name}${since}.` };
  const drivers = revenueDrivers(current, previous);
  const yoy = changeRatio(current.gross_revenue, lastYear?.gross_revenue ?? null);
  // A base before the data (or partly before it) is n/a with its reason, never a 0.
  const previousGap = baseGapReason(coverage.previous, ranges.previous, locale);
  const lastYearGap = baseGapReason(coverage.lastYear, ranges.lastYear, locale);
  const base = previous
    ? ` on the same days before (${formatMoneyCompact(previous.gross_revenue, fmt)})`
    : previousGap
      ? ` on the same days before (${previousGap})`
      : "";
  const split =
    drivers.orders !== null && drivers.aov !== null
      ? `: orders ${formatChange(drivers.orders, locale)} (${formatNumber(current.orders, locale)}) × AOV ${formatChange(drivers.aov, locale)} (${formatMoney(current.aov, fmt, true)})`
      : "";
  const year =
    yoy !== null
      ? `; ${formatChange(yoy, locale)} on the same days last year`
      : lastYearGap
        ? `; n/a on the same days last year (${lastYearGap})`
        : "";
  // Revenue needs Shopify only: when its orders had not all landed, the line says so, as the KPI cards do.
  const missing = missingInputsOf("gross_revenue", current.missing_sources ?? []);
  const caveat = missing.length ? ` (incomplete: excludes ${missing.map(sourceDisplayName).join(", ")})` : "";
  return {
    text: `Revenue ${formatMoneyCompact(current.gross_revenue, fmt)} ${name}${since}${caveat}, ${formatChange(drivers.revenue, locale)}${base}${split}${year}.`,
    bold: true,
    ...(missing.length ? { emphasis: "warning" as const } : {}),
  };
}

/** Channels by UTM-attributed revenue, like for like (marts.marketing_daily_channel over both ranges). */
export function channelMovements(data: ReportData): Movement[] {
  return (data.marts.channelPeriods ?? []).map((row) => ({
    name: channelLabel(row.channel),
    current: row.current_revenue,
    base: row.previous_revenue,
    delta: row.current_revenue - row.previous_revenue,
  }));
}

/** Products by line revenue, like for like (marts.product_daily_sales over both ranges). */
export function productMovements(data: ReportData): Movement[] {
  return (data.marts.productPeriods ?? []).map((row) => ({
    name: row.product_title,
    current: row.current_revenue,
    base: row.previous_revenue,
    delta: row.current_revenue - row.previous_revenue,
  }));
}

/**
 * Regions by revenue per day, run month against the month before (marts.geographic_sales is monthly: a
 * month to date and a whole month compare only per day). Regions outside either month's top list are left out.
 */
export function regionMovements(data: ReportData): Movement[] {
  const runMonth = monthStart(data.runDate);
  const rows = data.marts.regions;
  const previousMonth = rows.find((row) => row.month !== runMonth)?.month;
  if (!previousMonth) return [];
  const key = (row: RegionMonthRow) => `${row.country_code}|${row.region_code}`;
  const before = new Map(rows.filter((row) => row.month === previousMonth).map((row) => [key(row), row]));
  const perDay = (row: RegionMonthRow) => row.revenue / daysCovered(row.month, data.runDate);
  const country = data.shop.country ?? "US";
  return rows
    .filter((row) => row.month === runMonth && before.has(key(row)))
    .map((row) => {
      const base = perDay(before.get(key(row)) as RegionMonthRow);
      return {
        name: regionName(row.country_code, row.region_code, data.shop.locale, country),
        current: perDay(row),
        base,
        delta: perDay(row) - base,
      };
    });
}

function moversLine(label: string, movers: Movement[], fmt: NumberLocale, suffix = ""): TextLine | null {
  if (!movers.length) return null;
  return {
    text: `${label}: ${movers.map((movement) => `${movement.name} ${movementText(movement, fmt, suffix)}`).join("; ")}.`,
  };
}

/** An event's days within [from, to], summed from the daily mart; null when any of those days has no row. */
function revenueOver(daily: readonly DailyKpiRow[], from: string, to: string): number | null {
  const byDate = new Map(daily.map((row) => [row.date, row]));
  let total = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const row = byDate.get(day);
    if (!row) return null;
    total += row.gross_revenue;
  }
  return total;
}

export interface EventComparison {
  event: RetailEvent;
  /** The event's days so far (to the run date). */
  from: string;
  to: string;
  revenue: number | null;
  lastYear?: RetailEvent;
  /** The same number of the year-ago event's days, from its start. */
  lastYearFrom?: string;
  lastYearTo?: string;
  lastYearRevenue: number | null;
}

/** The retail events in the period to date, each against the same days of the same event a year earlier. */
export function eventComparisons(ctx: Context): EventComparison[] {
  const { data } = ctx;
  const { from, to } = ctx.period.ranges.toDate.current;
  const country = data.shop.country ?? "US";
  return eventsBetween(country, from, to)
    .filter((event) => event.start >= from || event.end >= from)
    .map((event) => {
      const start = event.start < from ? from : event.start;
      const end = event.end > to ? to : event.end;
      const lastYear = sameEventLastYear(country, event);
      const lastYearFrom = lastYear ? addDays(lastYear.start, daysBetween(event.start, start)) : undefined;
      const lastYearTo = lastYearFrom ? addDays(lastYearFrom, daysBetween(start, end)) : undefined;
      return {
        event,
        from: start,
        to: end,
        revenue: revenueOver(data.daily, start, end),
        ...(lastYear ? { lastYear } : {}),
        ...(lastYearFrom && lastYearTo ? { lastYearFrom, lastYearTo } : {}),
        lastYearRevenue:
          lastYearFrom && lastYearTo ? revenueOver(data.daily, lastYearFrom, lastYearTo) : null,
      };
    })
    .sort((a, b) => (b.revenue ?? 0) - (a.revenue ?? 0));
}

function eventLine(ctx: Context, comparison: EventComparison, share: number | null): TextLine {
  const { fmt, locale } = ctx;
  const { event } = comparison;
  const days = daysBetween(comparison.from, comparison.to) + 1;
  const whole = daysBetween(event.start, event.end) + 1;
  const sofar = days < whole ? ` (${days} of its ${whole} days so far)` : "";
  const revenue = formatMoneyCompact(comparison.revenue, fmt);
  const shareText = share === null ? "" : `, ${formatPercent(share, locale, 0)} of the period's revenue`;
  const change = changeRatio(comparison.revenue, comparison.lastYearRevenue);
  const lastYear =
    comparison.lastYearFrom && comparison.lastYearTo && comparison.lastYearRevenue !== null
      ? `; ${change === null ? "n/a" : formatChange(change, locale)} on the same days of last year's (${formatDateRange(comparison.lastYearFrom, comparison.lastYearTo, locale)}: ${formatMoneyCompact(comparison.lastYearRevenue, fmt)})`
      : "; no year-ago days in the data to compare with";
  return {
    text: `${event.name} ${formatDateRange(comparison.from, comparison.to, locale)}${sofar}: ${revenue} revenue${shareText}${lastYear}.`,
  };
}

/** Which sources the run's alerts say are missing or stale: the spend-based numbers leave them out. */
export function staleSources(findings: readonly Finding[]): string[] {
  const stale = findings.filter(
    (finding) =>
      finding.severity !== "info" &&
      ["source_freshness", "source_missing", "connector_auth", "connector_failed"].includes(finding.check),
  );
  return [...new Set(stale.map((finding) => finding.source ?? finding.subject))].sort();
}

/** What the alerts mean for the numbers, one sentence per kind of consequence. */
export function alertLines(data: ReportData): TextLine[] {
  const lines: TextLine[] = [];
  const stale = staleSources(data.findings).filter((source) => source !== "shopify");
  if (stale.length) {
    const names = stale.map(sourceDisplayName).join(" and ");
    lines.push({
      text: `Alerts: ${names} ${stale.length === 1 ? "has" : "have"} not synced, so ad spend, ROAS, MER and CAC leave ${stale.length === 1 ? "it" : "them"} out — true spend is higher and ROAS lower than shown.`,
      emphasis: "warning",
    });
  }
  const broken = data.findings.filter((finding) => finding.check === "attribution_broken");
  if (broken.length) {
    const names = [...new Set(broken.map((finding) => channelLabel(finding.subject)))].join(" and ");
    lines.push({
      text: `Alerts: ${names} spent with no attributed revenue on some days — ROAS reads as 0 there; broken UTM tags are the likely cause.`,
      emphasis: "warning",
    });
  }
  if (data.findings.some((finding) => finding.check === "attribution_coverage")) {
    lines.push({
      text: "Alerts: fewer orders than usual carry a UTM source — they count as Direct & organic, so part of its rise is lost tracking, not new demand.",
      emphasis: "warning",
    });
  }
  const mismatches = data.findings.filter((finding) => finding.check === "reconciliation_mismatch");
  if (mismatches.length) {
    const names = [
      ...new Set(mismatches.map((finding) => sourceDisplayName(finding.source ?? finding.subject))),
    ];
    lines.push({
      text: `Alerts: the warehouse disagrees with ${names.join(" and ")}'s own API totals — those figures may be off until the days are re-pulled.`,
      emphasis: "bad",
    });
  }
  if (!lines.length) {
    const critical = data.findings.filter((finding) => finding.severity === "critical").length;
    lines.push({
      text: critical
        ? `Alerts: ${critical} critical ${critical === 1 ? "finding" : "findings"} — see Data quality before relying on the numbers.`
        : "Alerts: none that change the numbers in this deck.",
      emphasis: critical ? "bad" : "good",
    });
  }
  return lines;
}

/**
 * The takeaways in reading order: the revenue change split into orders × AOV, the period's retail events
 * against last year's, the channels, products and regions that moved revenue most, then what the alerts mean.
 */
export function takeawayLines(ctx: Context): TextLine[] {
  const { data, fmt, period } = ctx;
  const lines: (TextLine | null)[] = [revenueLine(ctx)];
  const events = eventComparisons(ctx).filter((event) => event.revenue !== null);
  const periodRevenue = period.toDate.current?.gross_revenue ?? null;
  for (const event of events.slice(0, 2))
    lines.push(eventLine(ctx, event, periodRevenue ? (event.revenue ?? 0) / periodRevenue : null));
  // Like for like only when the rows were summed over this deck's ranges (the loader follows the deck's period),
  // and only against days the data has: before it, a segment's 0 is no data, not a rise from nothing.
  if ((data.marts.rangesPeriod ?? "monthly") === period.ranges.period) {
    const { coverage, ranges } = period.toDate;
    if (coverage.previous.kind === "full") {
      const channels = biggestMovements(channelMovements(data), MOVERS_PER_DIMENSION);
      const products = biggestMovements(productMovements(data), MOVERS_PER_DIMENSION);
      lines.push(moversLine("Channels (attributed revenue)", channels, fmt));
      lines.push(moversLine("Products", products, fmt));
    } else if (channelMovements(data).length || productMovements(data).length) {
      lines.push({
        text: `Channels and products: not compared (${baseGapReason(coverage.previous, ranges.previous, ctx.locale)}).`,
      });
    }
  }
  // Regions compare the run month with the whole month before: only when the data covers that month.
  const monthBefore = addMonths(data.runDate, -1);
  const monthBeforeCovered =
    rangeCoverage(data.daily, { from: monthBefore, to: monthEnd(monthBefore) }).kind === "full";
  const regions = monthBeforeCovered ? biggestMovements(regionMovements(data), MOVERS_PER_DIMENSION) : [];
  lines.push(moversLine("Regions (revenue per day vs last month)", regions, fmt, "/day"));
  lines.push(...alertLines(data));
  return lines.filter((line): line is TextLine => line !== null).map((line) => ({ ...line, bullet: true }));
}

export function takeawaysSlide(ctx: Context): ContentSlide {
  const { period } = ctx;
  const lines = takeawayLines(ctx);
  return {
    kind: "takeaways",
    section: "Total business",
    title: "Takeaways — what moved and why",
    subtitle: `${period.toDateName} ${period.toDateLabel}${period.toDateSince ? ` (${period.toDateSince})` : ""} against the same days of the ${period.ranges.period === "monthly" ? "month" : "week"} before, unless said otherwise. Gross revenue.`,
    blocks: [full({ type: "text", lines })],
    notes: [
      `The story of the ${period.toDateName.toLowerCase()} (${period.toDateLabel}${period.toDateSince ? `, ${period.toDateSince}` : ""}):`,
      ...lines.map((line) => `• ${line.text}`),
      "The slides that follow give the detail: KPIs, channels, products, regions, then data quality and what to do.",
    ].join("\n"),
  };
}
