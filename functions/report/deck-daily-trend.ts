// Section 2, the last 28 days: gross revenue and ad spend per day. A day whose ad platforms had not all landed
// shows no spend point (a gap, never a dip to what happened to sync), and the totals say what they exclude. A shop
// whose data begins inside the 28 days has its days named in the title: "last 10 days, since the data began".
import { eventsBetween } from "../lib/retail-calendar.ts";
import { missingSourcesCaveat } from "../lib/reporting/completeness.ts";
import { trailingDays, trailingDaysTitle } from "../lib/reporting/data-coverage.ts";
import {
  formatDateRange,
  formatAxisDayMonth,
  formatDayOfMonth,
  formatMoney,
  formatNumber,
  formatRatio,
} from "../lib/reporting/display-format.ts";
import { lastDays, metricIsIncomplete, missingSourcesOf } from "../lib/reporting/kpi-comparisons.ts";
import {
  type ChartSpec,
  type ContentSlide,
  type Context,
  excelMoneyFormat,
  full,
  safeRatio,
  type TextLine,
} from "./deck-model.ts";

export const TREND_DAYS = 28;

export function dailyTrendSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const rows = lastDays(data.daily, data.runDate, TREND_DAYS);
  // The days the chart has: from the first day of data when that is inside the 28 (the days before are unknown).
  const window = trailingDays(data.daily, data.runDate, TREND_DAYS);
  const from = window.from;
  const spendMissing = (row: (typeof rows)[number]) => metricIsIncomplete("ad_spend", missingSourcesOf(row));
  const revenue = rows.reduce((sum, row) => sum + row.gross_revenue, 0);
  const spend = rows.reduce((sum, row) => sum + row.ad_spend, 0);
  const orders = rows.reduce((sum, row) => sum + row.orders, 0);
  const missing = [...new Set(rows.flatMap(missingSourcesOf))].sort();
  const incompleteDays = rows.filter(spendMissing).length;
  const chart: ChartSpec = {
    id: "revenue-spend-trend",
    title: "Gross revenue (bars) and ad spend (line) per day",
    kind: "column",
    // The month once (first bar, and each 1st), then day numbers: 28 "2 Nov" labels run into each other.
    labels: rows.map((row, index) =>
      index === 0 || row.date.endsWith("-01")
        ? formatAxisDayMonth(row.date, locale)
        : formatDayOfMonth(row.date, locale),
    ),
    series: [
      { name: "Gross revenue", as: "bar", role: "revenue", values: rows.map((row) => row.gross_revenue) },
      {
        name: "Ad spend",
        as: "line",
        role: "spend",
        values: rows.map((row) => (spendMissing(row) ? null : row.ad_spend)),
      },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: `No daily KPIs in the last ${TREND_DAYS} days.`,
  };
  const lines: TextLine[] = rows.length
    ? [
        {
          text: `${formatDateRange(rows[0]?.date ?? from, data.runDate, locale)} (${rows.length} ${rows.length === 1 ? "day" : "days"} with data): gross revenue ${formatMoney(revenue, fmt)} · orders ${formatNumber(orders, locale)} · ad spend ${formatMoney(spend, fmt)} · blended ROAS ${formatRatio(safeRatio(revenue, spend), locale, 2, "×")}`,
        },
      ]
    : [];
  // The market's retail events in the chart's days explain its spikes (Black Friday weekend, Singles' Day…); one
  // before a young shop's first day of data has no bar to explain.
  const events = eventsBetween(data.shop.country ?? "US", from, data.runDate).filter(
    (event) => event.end >= from && event.start <= data.runDate,
  );
  if (rows.length && events.length) {
    lines.push({
      text: `Retail events: ${events.map((event) => `${event.name} ${formatDateRange(event.start, event.end, locale)}`).join(" · ")}.`,
      emphasis: "info",
    });
  }
  if (incompleteDays) {
    lines.push({
      text: `Incomplete: ad spend and blended ROAS ${missingSourcesCaveat(data.daily, missing, data.runDate, locale)} (${incompleteDays} of these days; no spend point is drawn for them).`,
      emphasis: "warning",
    });
  }
  return {
    kind: "daily-trend",
    section: "DTC performance",
    title: `Revenue and ad spend — ${trailingDaysTitle(window)}`,
    blocks: [
      full({ type: "chart", chart }),
      ...(lines.length ? [full({ type: "text" as const, lines })] : []),
    ],
  };
}
