// The executive deck as a plain value, built section by section from ReportData. Pure: every number is a mart
// row's value or a ratio of sums of rows' values, formatted once in the section builders, so the renderer only
// lays things out and a test can check each figure against the rows it came from.
import { daysBetween } from "../lib/calendar.ts";
import {
  formatDateRange,
  formatLongDate,
  formatMonthYear,
  formatWeekdayDate,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import { comparePeriod, type ReportPeriod, reportPeriodRanges } from "../lib/reporting/kpi-comparisons.ts";
import type { ReportData } from "../lib/reporting/report-data.ts";
import { coveredRange, dataStartNote } from "../lib/reporting/completeness.ts";
import { channelGapsSlide, qualitySlides } from "./deck-quality.ts";
import { coverageSlide, methodologySlides } from "./deck-appendix.ts";
import { coverSlide, efficiencySlide, periodsSlide, summarySlide } from "./deck-business.ts";
import {
  cohortSlides,
  conversionSlide,
  customersSlide,
  monthlyTrendSlide,
  sitewideSlide,
} from "./deck-dtc.ts";
import { dailyTrendSlide } from "./deck-daily-trend.ts";
import { channelMixSlide, channelPerformanceSlide, channelsSlide, ppcIndexSlide } from "./deck-marketing.ts";
import type { Context, DeckContent, PeriodContext } from "./deck-model.ts";
import { actionsSlide } from "./deck-actions.ts";
import { reconciliationSlide } from "./deck-reconciliation.ts";
import { takeawaysSlide } from "./deck-takeaways.ts";
import { campaignsSlide, newCustomerSlide } from "./deck-campaigns.ts";
import { premiumSlide, productsSlide, regionsSlide } from "./deck-products-regions.ts";

export type * from "./deck-model.ts";

export interface DeckOptions {
  /** Monthly (month to date and the last full month, the default) or weekly (week to date and last week). */
  period?: ReportPeriod;
}

function periodContext(data: ReportData, period: ReportPeriod): PeriodContext {
  const { locale } = data.shop;
  const ranges = reportPeriodRanges(data.runDate, period);
  const monthly = period === "monthly";
  const toDate = comparePeriod(data.daily, ranges.toDate);
  const complete = comparePeriod(data.daily, ranges.complete);
  // A period the data starts partway through (a shop's first month) is labelled by the days it covers.
  const label = (comparison: typeof toDate) => {
    const { from, to } = coveredRange(comparison.ranges.current, comparison.coverage.current);
    return formatDateRange(from, to, locale);
  };
  return {
    ranges,
    toDate,
    complete,
    toDateName: monthly ? "Month to date" : "Week to date",
    completeName: monthly ? "Last full month" : "Last full week",
    vsPrevious: monthly ? "vs last month" : "vs last week",
    toDateLabel: label(toDate),
    completeLabel:
      monthly && complete.coverage.current.kind !== "partial"
        ? formatMonthYear(ranges.complete.current.from, locale)
        : label(complete),
    toDateSince: dataStartNote(toDate.coverage.current, locale),
    completeSince: dataStartNote(complete.coverage.current, locale),
  };
}

/** What every section builder reads: the data, its number formats and the periods it compares. */
export function deckContext(data: ReportData, options: DeckOptions = {}): Context {
  const fmt: NumberLocale = { currency: data.shop.currency, locale: data.shop.locale };
  return {
    data,
    fmt,
    locale: data.shop.locale,
    runDay: formatWeekdayDate(data.runDate, data.shop.locale),
    runDayLong: formatLongDate(data.runDate, data.shop.locale),
    period: periodContext(data, options.period ?? "monthly"),
  };
}

export function buildDeckContent(data: ReportData, options: DeckOptions = {}): DeckContent {
  const period = options.period ?? "monthly";
  const ctx = deckContext(data, options);
  const review =
    period === "monthly"
      ? `Monthly performance review — ${formatMonthYear(data.runDate, ctx.locale)}`
      : `Weekly performance review — week of ${formatWeekdayDate(ctx.period.ranges.toDate.current.from, ctx.locale)}`;
  // The cover says "demo data" in its title; every other slide's footer says it once, after the shop's name.
  const coverTitle = data.demo ? `${review} — demo data` : review;
  const historyDays = data.daily[0] ? daysBetween(data.daily[0].date, data.runDate) + 1 : 0;
  return {
    shopName: data.demo ? `${data.shop.name} (demo data)` : data.shop.name,
    runDay: ctx.runDayLong,
    title: review,
    periodLabel: `${ctx.period.toDateName} ${ctx.period.toDateLabel}`,
    slides: [
      coverSlide(ctx, coverTitle, historyDays),
      // 1. Total business: the story first, then the KPIs behind it
      takeawaysSlide(ctx),
      summarySlide(ctx),
      periodsSlide(ctx),
      efficiencySlide(ctx),
      // 2. DTC performance
      sitewideSlide(ctx),
      monthlyTrendSlide(ctx),
      dailyTrendSlide(ctx),
      conversionSlide(ctx),
      customersSlide(ctx),
      productsSlide(ctx),
      premiumSlide(ctx),
      regionsSlide(ctx),
      ...cohortSlides(ctx),
      // 3. Paid marketing
      channelMixSlide(ctx),
      channelPerformanceSlide(ctx),
      newCustomerSlide(ctx),
      ppcIndexSlide(ctx),
      channelsSlide(ctx),
      campaignsSlide(ctx),
      // 4. Data quality
      ...qualitySlides(ctx),
      channelGapsSlide(ctx),
      ...[reconciliationSlide(ctx)].filter((slide) => slide !== null),
      // 5. What to do
      actionsSlide(ctx),
      // 6. Appendix
      coverageSlide(ctx),
      ...methodologySlides(ctx),
    ],
  };
}
