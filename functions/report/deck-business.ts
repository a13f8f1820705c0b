// Section 1, total business: the cover, the KPI cards of the period, both periods side by side, and marketing
// efficiency with the contribution left after ad spend.
import {
  formatDateRange,
  formatMonthShort,
  formatMoney,
  formatPercent,
} from "../lib/reporting/display-format.ts";
import {
  compareAs,
  KPI_METRICS,
  type KpiMetric,
  METRIC_POLARITY,
  missingInputsOf,
  type PeriodComparison,
  periodIncomplete,
  type PeriodTotals,
  type Polarity,
  SPEND_METRICS,
} from "../lib/reporting/kpi-comparisons.ts";
import {
  baseGapReason,
  periodSpendCaveat,
  shortMissingSourcesCaveat,
  spendGapKind,
  staleShopBanner,
  withoutJudgement,
} from "../lib/reporting/completeness.ts";
import { formatKpi } from "../lib/reporting/kpi-format.ts";
import {
  cell,
  changeCell,
  changeLine,
  type ChartSpec,
  type ContentSlide,
  type Context,
  type CoverSlide,
  full,
  KPI_LABELS,
  type KpiCard,
  left,
  leftOf,
  ratioOf,
  right,
  rightOf,
  SECTIONS,
  type TableCell,
  type TableSpec,
} from "./deck-model.ts";

/** The nine cards of the executive summary, in reading order: money in, money out, then efficiency. */
export const SUMMARY_CARDS: readonly KpiMetric[] = [
  "gross_revenue",
  "net_revenue",
  "ad_spend",
  "orders",
  "blended_roas",
  "mer",
  "aov",
  "cac",
  "new_customers",
];

/** "28–30 Nov 2026 (since 28 Nov, the first day of data)": a period's label with where its data starts. */
export function withSince(label: string, since: string): string {
  return since ? `${label} (${since})` : label;
}

/**
 * Why a period's figures or comparisons are n/a because of where the data starts, or "" when the data covers
 * them: "Last full month: no data for 1–31 Oct 2026." for a period before the data, else its bases' reasons
 * ("Month to date n/a vs last month: no data for 1–30 Oct 2026; n/a vs last year: no data for 1–30 Nov 2025.").
 */
export function dataGapNote(
  ctx: Context,
  comparison: PeriodComparison,
  name = "",
  vsPrevious = ctx.period.vsPrevious,
): string {
  const { ranges, coverage } = comparison;
  const { locale } = ctx;
  if (coverage.current.kind === "none") {
    const reason = baseGapReason(coverage.current, ranges.current, locale);
    return name ? `${name}: ${reason}.` : `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
  }
  const reasons = [
    { against: vsPrevious, reason: baseGapReason(coverage.previous, ranges.previous, locale) },
    { against: "vs last year", reason: baseGapReason(coverage.lastYear, ranges.lastYear, locale) },
  ]
    .filter(({ reason }) => reason)
    .map(({ against, reason }) => `n/a ${against}: ${reason}`);
  return reasons.length ? `${name ? `${name} ` : ""}${reasons.join("; ")}.` : "";
}

export function coverSlide(ctx: Context, title: string, historyDays: number): CoverSlide {
  const { data, period } = ctx;
  const { toDate, complete } = period.ranges;
  const range = (from: string, to: string) => formatDateRange(from, to, ctx.locale);
  const lines = [
    `${period.toDateName}: ${withSince(period.toDateLabel, period.toDateSince)}, against ${range(toDate.previous.from, toDate.previous.to)} and ${range(toDate.lastYear.from, toDate.lastYear.to)}`,
    `${period.completeName}: ${withSince(period.completeLabel, period.completeSince)}, against ${range(complete.previous.from, complete.previous.to)} and ${range(complete.lastYear.from, complete.lastYear.to)}`,
    `Data through ${ctx.runDayLong} (${data.shop.timezone}); all money in ${data.shop.currency}`,
    `Sections: ${SECTIONS.join(" · ")}`,
  ];
  if (historyDays < 365)
    lines.push(`History available: ${historyDays} days (year-on-year comparisons show n/a)`);
  return { kind: "cover", title, shopName: data.shop.name, lines };
}

function kpiCards(ctx: Context, comparison: PeriodComparison): KpiCard[] {
  return SUMMARY_CARDS.map((metric) => {
    const value = comparison.current ? comparison.current[metric] : null;
    const missing = missingInputsOf(metric, comparison.current?.missing_sources ?? []);
    return {
      metric,
      label: KPI_LABELS[metric],
      value: formatKpi(metric, value, ctx.fmt),
      raw: value,
      changes: [
        changeLine(comparison.vsPrevious[metric], ctx.period.vsPrevious, ctx.locale),
        changeLine(comparison.vsLastYear[metric], "vs last year", ctx.locale),
      ],
      // A missing exchange rate is said on the card itself, not only in the note under the cards: "excludes
      // Meta" alone reads as a source with no data.
      ...(missing.length && comparison.current
        ? {
            caveat: `incomplete: ${shortMissingSourcesCaveat(ctx.data.daily, missing, comparison.current.from, comparison.current.to)}`,
          }
        : {}),
    };
  });
}

/** The slide's line on its incomplete figures ("" when complete). */
function incompleteNote(ctx: Context, totals: PeriodTotals | null, what: string): string {
  const caveat = periodSpendCaveat(ctx.data.daily, totals, ctx.data.runDate, ctx.locale);
  return caveat ? `${what} — ${caveat}; their changes are not judged.` : "";
}

export function summarySlide(ctx: Context): ContentSlide {
  const { period } = ctx;
  const note = incompleteNote(ctx, period.toDate.current, "Incomplete: ad spend, blended ROAS, MER and CAC");
  const staleShop = staleShopBanner(ctx.data, ctx.locale);
  const { previous, lastYear } = period.ranges.toDate;
  const cards = kpiCards(ctx, period.toDate);
  const gaps = dataGapNote(ctx, period.toDate);
  return {
    kind: "summary",
    section: "Total business",
    title: `Executive summary — ${period.toDateName.toLowerCase()}`,
    subtitle: `${withSince(period.toDateLabel, period.toDateSince)}, against ${formatDateRange(previous.from, previous.to, ctx.locale)} (${period.vsPrevious.replace(/^vs /, "")}) and ${formatDateRange(lastYear.from, lastYear.to, ctx.locale)} (last year). Ratios are ratios of the period's sums.`,
    blocks: [
      // A run whose Shopify data is critically stale says so before any number.
      ...(staleShop
        ? [
            full({
              type: "text" as const,
              lines: [{ text: staleShop, emphasis: "bad" as const, bold: true }],
            }),
          ]
        : []),
      full({ type: "kpis", cards }),
      ...(note
        ? [full({ type: "text" as const, lines: [{ text: note, emphasis: "warning" as const }] })]
        : []),
      // Where the data starts: why the changes read n/a, so nobody takes them for a missing number.
      ...(gaps ? [full({ type: "text" as const, lines: [{ text: gaps, emphasis: "muted" as const }] })] : []),
    ],
    notes: [
      `${period.toDateName} ${withSince(period.toDateLabel, period.toDateSince)}:`,
      ...cards.map(
        (card) =>
          `${card.label} ${card.value} (${card.changes.map((change) => `${change.text} ${change.comparedWith}`).join(", ")})${card.caveat ? ` — ${card.caveat}` : ""}.`,
      ),
      ...(note ? [note] : []),
      ...(gaps ? [gaps] : []),
    ].join("\n"),
  };
}

/** Both periods, every headline KPI: value, change against the period before and against last year. */
export function periodsSlide(ctx: Context): ContentSlide {
  const { period, fmt, locale } = ctx;
  const marked = (metric: KpiMetric) =>
    [period.toDate.current, period.complete.current].some(
      (totals) => missingInputsOf(metric, totals?.missing_sources ?? []).length > 0,
    );
  const rows: TableCell[][] = KPI_METRICS.map((metric) => [
    cell(`${KPI_LABELS[metric]}${marked(metric) ? " *" : ""}`, undefined, true),
    cell(formatKpi(metric, period.toDate.current?.[metric] ?? null, fmt), undefined, true),
    changeCell(period.toDate.vsPrevious[metric], locale),
    changeCell(period.toDate.vsLastYear[metric], locale),
    cell(formatKpi(metric, period.complete.current?.[metric] ?? null, fmt), undefined, true),
    changeCell(period.complete.vsPrevious[metric], locale),
    changeCell(period.complete.vsLastYear[metric], locale),
  ]);
  const vsBefore = period.ranges.period === "monthly" ? "vs month before" : "vs week before";
  const table: TableSpec = {
    id: "periods",
    columns: [
      left("Metric", 1.4),
      right(period.toDateLabel, 1.3),
      right(period.vsPrevious, 1.1),
      right("vs last year", 1.1),
      right(period.completeLabel, 1.3),
      right(vsBefore, 1.1),
      right("vs last year", 1.1),
    ],
    rows,
    note: [
      `${period.toDateName}: ${withSince(period.toDateLabel, period.toDateSince)}. ${period.completeName}: ${withSince(period.completeLabel, period.completeSince)}. Year-ago figures cover the same days a year earlier; n/a where the history does not reach back.`,
      dataGapNote(ctx, period.toDate, period.toDateName),
      dataGapNote(ctx, period.complete, period.completeName, vsBefore),
      incompleteNote(ctx, period.toDate.current, "* Incomplete") ||
        incompleteNote(ctx, period.complete.current, "* Incomplete"),
    ]
      .filter(Boolean)
      .join(" "),
  };
  return {
    kind: "periods",
    section: "Total business",
    title: `${period.toDateName} and ${period.completeName.toLowerCase()}`,
    blocks: [full({ type: "table", table })],
  };
}

/** Net revenue minus ad spend: what marketing leaves before product costs, which the marts do not hold. */
export function contributionAfterSpend(totals: PeriodTotals | null): number | null {
  return totals ? totals.net_revenue - totals.ad_spend : null;
}

function efficiencyRows(ctx: Context, comparison: PeriodComparison): TableCell[][] {
  const { fmt, locale } = ctx;
  const { current, previous, lastYear } = comparison;
  const money = (value: number | null) => formatMoney(value, fmt);
  const contribution = (totals: PeriodTotals | null) => contributionAfterSpend(totals);
  const spendShare = (totals: PeriodTotals | null) => ratioOf(totals?.ad_spend, totals?.net_revenue);
  const newShare = (totals: PeriodTotals | null) => ratioOf(totals?.new_customers, totals?.orders);
  const row = (
    label: string,
    polarity: Polarity,
    pick: (totals: PeriodTotals | null) => number | null,
    show: (value: number | null) => string,
    rate = false,
    spend = true,
  ): TableCell[] => {
    // A rate's change reads in percentage points; a spend-based figure over days missing a source is not judged.
    const change = (base: PeriodTotals | null) => {
      const compared = compareAs(rate, polarity, pick(current), pick(base));
      return spend && periodIncomplete("ad_spend", current, base) ? withoutJudgement(compared) : compared;
    };
    const marked = spend && missingInputsOf("ad_spend", current?.missing_sources ?? []).length > 0;
    return [
      cell(`${label}${marked ? " *" : ""}`, undefined, true),
      cell(show(pick(current)), undefined, true),
      changeCell(change(previous), locale),
      changeCell(change(lastYear), locale),
    ];
  };
  const kpi = (metric: KpiMetric) =>
    row(
      KPI_LABELS[metric],
      METRIC_POLARITY[metric],
      (totals) => totals?.[metric] ?? null,
      (value) => formatKpi(metric, value, fmt),
      false,
      SPEND_METRICS.has(metric),
    );
  const percent = (value: number | null) => formatPercent(value, locale, 1);
  return [
    kpi("net_revenue"),
    kpi("ad_spend"),
    row("Contribution after ad spend", "up_is_good", contribution, money),
    row("Ad spend ÷ net revenue", "down_is_good", spendShare, percent, true),
    kpi("blended_roas"),
    kpi("mer"),
    kpi("cac"),
    row("New customers ÷ orders", "neutral", newShare, percent, true, false),
  ];
}

export function efficiencySlide(ctx: Context): ContentSlide {
  const { data, period, locale } = ctx;
  const months = data.marts.monthly;
  const complete = (row: (typeof months)[number], value: number | null) =>
    row.incomplete_days ? null : value;
  const chart: ChartSpec = {
    id: "efficiency-monthly",
    title: "Blended ROAS and MER by month",
    kind: "column",
    labels: months.map((row) => formatMonthShort(row.month, locale)),
    series: [
      // A month with days missing spend has no point: its ratio would be inflated by spend not yet synced.
      {
        name: "Blended ROAS",
        as: "line",
        role: "revenue",
        values: months.map((row) => complete(row, row.blended_roas)),
      },
      { name: "MER", as: "line", role: "secondary", values: months.map((row) => complete(row, row.mer)) },
    ],
    numberFormat: "0.00",
    emptyText: "No monthly summary in the marts yet.",
  };
  const table: TableSpec = {
    id: "efficiency",
    columns: [
      left(period.toDateName, 2.2),
      right(period.toDateLabel, 1.3),
      right(period.vsPrevious, 1.1),
      right("vs last year", 1.1),
    ],
    rows: efficiencyRows(ctx, period.toDate),
    note: [
      "Contribution after ad spend = net revenue − ad spend (before product and fulfilment costs).",
      period.toDateSince ? `${period.toDateLabel}: ${period.toDateSince}.` : "",
      dataGapNote(ctx, period.toDate),
      incompleteNote(ctx, period.toDate.current, "* Incomplete"),
    ]
      .filter(Boolean)
      .join(" "),
  };
  const gapMonths = months.filter((row) => row.incomplete_days).map((row) => row.month);
  const gaps = gapMonths.map((month) => formatMonthShort(month, locale));
  // Why those months' spend is short, from the daily KPIs since the first of them: data or an exchange rate.
  const gapWords = {
    data: "ad spend not synced on some days",
    rate: "ad spend not converted (no exchange rate) on some days",
    both: "ad spend not synced or not converted (no exchange rate) on some days",
  }[
    gapMonths.length ? spendGapKind(ctx.data.daily, [...gapMonths].sort()[0] ?? "", ctx.data.runDate) : "data"
  ];
  const monthNote = months.length
    ? `Monthly figures; ${formatMonthShort(months.at(-1)?.month ?? "", locale)} runs to ${ctx.runDay}.${gaps.length ? ` No point for ${gaps.join(", ")}: ${gapWords}.` : ""}`
    : "";
  return {
    kind: "efficiency",
    section: "Total business",
    title: "Marketing efficiency and contribution",
    ...(monthNote ? { subtitle: monthNote } : {}),
    blocks: [leftOf({ type: "table", table }), rightOf({ type: "chart", chart })],
  };
}
