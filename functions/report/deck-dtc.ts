// Section 2, DTC performance: the shop's own numbers, month by month and day by day, what an order is worth,
// who buys (new or returning), what sells, where, and how cohorts of customers keep paying back.
import { monthStart } from "../lib/calendar.ts";
import {
  formatMonthShort,
  formatMonthUpTo,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRatio,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import { spendGapKind } from "../lib/reporting/completeness.ts";
import { rangeCoverage } from "../lib/reporting/data-coverage.ts";
import {
  changeFromRatio,
  compareAs,
  type PeriodComparison,
  type PeriodTotals,
  type Polarity,
  sumPeriod,
} from "../lib/reporting/kpi-comparisons.ts";
import type { CohortRow, DailyKpiRow } from "../lib/reporting/report-data.ts";
import {
  cell,
  changeCell,
  type ChartSpec,
  type ContentSlide,
  type Context,
  excelMoneyFormat,
  full,
  left,
  leftOf,
  ratioOf,
  right,
  rightOf,
  type TableCell,
  type TableSpec,
  wholeLabel,
} from "./deck-model.ts";

export const COHORT_COLUMNS = 12;

/** "1–21 Nov 2026" for the month in progress, so a short bar is not read as a bad month. */
function monthLabel(ctx: Context, month: string, periodEnd: string): string {
  return formatMonthUpTo(month, periodEnd, ctx.locale);
}

/** The sitewide table's words for its months' missing ad spend, by why it is missing (spendGapKind). */
const SPEND_GAP_WORDS = {
  data: "has not synced yet",
  rate: "was not converted (no exchange rate)",
  both: "has not synced or was not converted (no exchange rate)",
} as const;

export function sitewideSlide(ctx: Context): ContentSlide {
  const { fmt, locale } = ctx;
  const months = [...ctx.data.marts.monthly].reverse();
  // The first month with days whose ad spend is short: the note says why, from the daily KPIs since then.
  const incompleteFrom = months
    .filter((row) => row.incomplete_days)
    .map((row) => row.month)
    .sort()[0];
  const yoy = (polarity: Polarity, value: number | null) =>
    changeCell(changeFromRatio(polarity, value), locale);
  const table: TableSpec = {
    id: "sitewide-monthly",
    columns: [
      left("Month", 1.5),
      right("Orders", 0.9),
      right("Gross revenue", 1.3),
      right("Refunds", 1),
      right("Net revenue", 1.3),
      right("AOV", 0.9),
      right("New customers", 1.1),
      right("Ad spend", 1.1),
      right("Revenue YoY", 1),
      right("Orders YoY", 1),
    ],
    rows: months.map((row) => [
      wholeLabel(monthLabel(ctx, row.month, row.period_end)),
      cell(formatNumber(row.orders, locale)),
      cell(formatMoney(row.gross_revenue, fmt), undefined, true),
      cell(formatMoney(row.refunds, fmt)),
      cell(formatMoney(row.net_revenue, fmt)),
      cell(formatMoney(row.aov, fmt, true)),
      cell(formatNumber(row.new_customers, locale)),
      cell(`${formatMoney(row.ad_spend, fmt)}${row.incomplete_days ? " *" : ""}`),
      yoy("up_is_good", row.gross_revenue_yoy),
      yoy("up_is_good", row.orders_yoy),
    ]),
    emptyText: "No monthly summary in the marts yet.",
    note: `YoY compares the same days a year earlier; n/a where a whole year-ago month is not in the data.${incompleteFrom ? ` * Incomplete: some days' ad spend ${SPEND_GAP_WORDS[spendGapKind(ctx.data.daily, incompleteFrom, ctx.data.runDate)]}.` : ""}`,
  };
  return {
    kind: "sitewide",
    section: "DTC performance",
    title: "Sitewide overview — month by month",
    blocks: [full({ type: "table", table })],
  };
}

export function monthlyTrendSlide(ctx: Context): ContentSlide {
  const months = ctx.data.marts.monthly;
  const labels = months.map((row) => monthLabel(ctx, row.month, row.period_end));
  // No month has its same days a year earlier in the data (a shop in its first year): no year-ago line, and the
  // title says why, instead of a legend naming a series with nothing drawn.
  const lastYear = months.some(
    (row) => row.last_year_gross_revenue !== null || row.last_year_orders !== null,
  );
  const noLastYear = "(no data a year earlier)";
  const revenue: ChartSpec = {
    id: "revenue-monthly",
    title: lastYear ? "Gross revenue vs same days last year" : `Gross revenue by month ${noLastYear}`,
    kind: "column",
    labels,
    series: [
      { name: "Gross revenue", as: "bar", role: "revenue", values: months.map((row) => row.gross_revenue) },
      ...(lastYear
        ? [
            {
              name: "Same days last year",
              as: "line" as const,
              role: "last_year" as const,
              values: months.map((row) => row.last_year_gross_revenue),
            },
          ]
        : []),
    ],
    numberFormat: excelMoneyFormat(ctx.fmt),
    emptyText: "No monthly summary in the marts yet.",
  };
  const orders: ChartSpec = {
    id: "orders-monthly",
    title: lastYear ? "Orders vs same days last year" : `Orders by month ${noLastYear}`,
    kind: "column",
    labels,
    series: [
      { name: "Orders", as: "bar", role: "secondary", values: months.map((row) => row.orders) },
      ...(lastYear
        ? [
            {
              name: "Same days last year",
              as: "line" as const,
              role: "last_year" as const,
              values: months.map((row) => row.last_year_orders),
            },
          ]
        : []),
    ],
    numberFormat: "#,##0",
    emptyText: "No monthly summary in the marts yet.",
  };
  return {
    kind: "trend",
    section: "DTC performance",
    title: "Revenue and orders trend — last 13 months",
    blocks: [leftOf({ type: "chart", chart: revenue }), rightOf({ type: "chart", chart: orders })],
  };
}

interface EfficiencyMeasure {
  label: string;
  polarity: Polarity;
  pick: (totals: PeriodTotals | null) => number | null;
  show: (value: number | null) => string;
  rate?: boolean; // a percentage: its change reads in points
}

function efficiencyMeasures(ctx: Context): EfficiencyMeasure[] {
  const { fmt, locale } = ctx;
  const percent = (value: number | null) => formatPercent(value, locale, 1);
  const rate = { show: percent, rate: true };
  return [
    {
      label: "AOV",
      polarity: "up_is_good",
      pick: (t) => t?.aov ?? null,
      show: (value) => formatMoney(value, fmt, true),
    },
    {
      label: "Net revenue per order",
      polarity: "up_is_good",
      pick: (t) => ratioOf(t?.net_revenue, t?.orders),
      show: (value) => formatMoney(value, fmt, true),
    },
    {
      label: "Units per order",
      polarity: "up_is_good",
      pick: (t) => ratioOf(t?.units, t?.orders),
      show: (value) => formatRatio(value, locale, 2),
    },
    {
      label: "Discounts ÷ gross revenue",
      polarity: "down_is_good",
      pick: (t) => ratioOf(t?.discounts, t?.gross_revenue),
      ...rate,
    },
    {
      label: "Refunds ÷ gross revenue",
      polarity: "down_is_good",
      pick: (t) => ratioOf(t?.refunds, t?.gross_revenue),
      ...rate,
    },
  ];
}

function measureRow(ctx: Context, measure: EfficiencyMeasure, comparison: PeriodComparison): TableCell[] {
  const { current, previous, lastYear } = comparison;
  const compare = (a: number | null, b: number | null) => compareAs(!!measure.rate, measure.polarity, a, b);
  return [
    cell(measure.label, undefined, true),
    cell(measure.show(measure.pick(current)), undefined, true),
    changeCell(compare(measure.pick(current), measure.pick(previous)), ctx.locale),
    changeCell(compare(measure.pick(current), measure.pick(lastYear)), ctx.locale),
    cell(measure.show(measure.pick(ctx.period.complete.current))),
  ];
}

export function conversionSlide(ctx: Context): ContentSlide {
  const { period, data, locale, fmt } = ctx;
  const rows = efficiencyMeasures(ctx).map((measure) => measureRow(ctx, measure, period.toDate));
  rows.push([
    cell("Conversion rate", undefined, true),
    cell(NOT_AVAILABLE, "muted"),
    cell(NOT_AVAILABLE, "muted"),
    cell(NOT_AVAILABLE, "muted"),
    cell(NOT_AVAILABLE, "muted"),
  ]);
  const table: TableSpec = {
    id: "conversion",
    columns: [
      left("Measure", 2.1),
      right(period.toDateLabel, 1.2),
      right(period.vsPrevious, 1),
      right("vs last year", 1),
      right(period.completeLabel, 1.1),
    ],
    rows,
    note: "Conversion rate (orders ÷ sessions) needs sessions from Google Analytics 4, which is not connected (see the coverage slide). Ratios of the period's sums.",
  };
  const months = data.marts.monthly;
  const chart: ChartSpec = {
    id: "aov-monthly",
    title: "AOV by month",
    kind: "column",
    labels: months.map((row) => formatMonthShort(row.month, locale)),
    series: [{ name: "AOV", as: "line", role: "revenue", values: months.map((row) => row.aov) }],
    numberFormat: excelMoneyFormat(fmt),
    fromZero: true,
    emptyText: "No monthly summary in the marts yet.",
  };
  return {
    kind: "conversion",
    section: "DTC performance",
    title: "Conversion and revenue efficiency",
    blocks: [leftOf({ type: "table", table }), rightOf({ type: "chart", chart })],
  };
}

/**
 * Daily rows summed over a calendar month (up to its period end); null when the data starts after it. A month the
 * data starts partway through (a shop's first) is summed over the days it has, as its executive_summary_monthly
 * row is.
 */
export function monthTotals(
  daily: readonly DailyKpiRow[],
  month: string,
  periodEnd: string,
): (PeriodTotals & { new_customer_revenue: number; returning_customer_revenue: number }) | null {
  const totals = sumPeriod(daily, month, periodEnd);
  if (!totals) return null;
  let newRevenue = 0;
  let returningRevenue = 0;
  for (const row of daily) {
    if (row.date < month || row.date > periodEnd) continue;
    newRevenue += row.new_customer_revenue;
    returningRevenue += row.returning_customer_revenue;
  }
  return { ...totals, new_customer_revenue: newRevenue, returning_customer_revenue: returningRevenue };
}

export function customersSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale, period } = ctx;
  const months = data.marts.monthly.map((row) => ({
    row,
    totals: monthTotals(data.daily, row.month, row.period_end),
  }));
  const chart: ChartSpec = {
    id: "new-returning-monthly",
    title: "Revenue: new vs returning customers",
    kind: "column",
    stacked: true,
    labels: months.map(({ row }) => monthLabel(ctx, row.month, row.period_end)),
    series: [
      {
        name: "New customers",
        as: "bar",
        role: "revenue",
        values: months.map(({ totals }) => totals?.new_customer_revenue ?? null),
      },
      {
        name: "Returning customers",
        as: "bar",
        role: "secondary",
        values: months.map(({ totals }) => totals?.returning_customer_revenue ?? null),
      },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: "No monthly summary in the marts yet.",
  };
  // The period in progress over the days the data has (a shop's first month); a base only when the data covers
  // it from its first day, as the KPI slides compare.
  const sums = (from: string, to: string, base = false) => {
    const coverage = rangeCoverage(data.daily, { from, to });
    if (coverage.kind === "none" || (base && coverage.kind !== "full")) return null;
    const rows = data.daily.filter((row) => row.date >= from && row.date <= to);
    const sum = (pick: (row: DailyKpiRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
    return {
      newCustomers: sum((row) => row.new_customers),
      newRevenue: sum((row) => row.new_customer_revenue),
      returningRevenue: sum((row) => row.returning_customer_revenue),
      gross: sum((row) => row.gross_revenue),
    };
  };
  type Sums = ReturnType<typeof sums>;
  const { current, previous, lastYear } = period.ranges.toDate;
  const now = sums(current.from, current.to);
  const before = sums(previous.from, previous.to, true);
  const yearAgo = sums(lastYear.from, lastYear.to, true);
  const measure = (
    label: string,
    polarity: Polarity,
    pick: (s: Sums) => number | null,
    show: (value: number | null) => string,
    rate = false,
  ): TableCell[] => [
    cell(label, undefined, true),
    cell(show(pick(now)), undefined, true),
    changeCell(compareAs(rate, polarity, pick(now), pick(before)), locale),
    changeCell(compareAs(rate, polarity, pick(now), pick(yearAgo)), locale),
  ];
  const money = (value: number | null) => formatMoney(value, fmt);
  const table: TableSpec = {
    id: "new-returning",
    columns: [
      left(period.toDateName, 2.1),
      right(period.toDateLabel, 1.2),
      right(period.vsPrevious, 1),
      right("vs last year", 1),
    ],
    rows: [
      measure(
        "New customers",
        "up_is_good",
        (s) => s?.newCustomers ?? null,
        (v) => formatNumber(v, locale),
      ),
      measure("New-customer revenue", "up_is_good", (s) => s?.newRevenue ?? null, money),
      measure("Returning-customer revenue", "up_is_good", (s) => s?.returningRevenue ?? null, money),
      measure(
        "Returning share of revenue",
        "neutral",
        (s) => ratioOf(s?.returningRevenue, s?.gross),
        (v) => formatPercent(v, locale, 1),
        true,
      ),
      measure(
        "First-order value",
        "up_is_good",
        (s) => ratioOf(s?.newRevenue, s?.newCustomers),
        (v) => formatMoney(v, fmt, true),
      ),
    ],
    note: "New on the first order ever (hashed email, else Shopify customer id). First-order value = new-customer revenue ÷ new customers.",
  };
  return {
    kind: "customers",
    section: "DTC performance",
    title: "New and returning customers",
    blocks: [leftOf({ type: "table", table }), rightOf({ type: "chart", chart })],
  };
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

export interface CohortGridOptions {
  id: string;
  title: string;
  pick: (row: CohortRow) => number | null;
  show: (value: number | null) => string;
  /** Month 0 is 100% retention by definition: shading it would drown the signal. */
  shadeFirstMonth: boolean;
  note: string;
}

export function cohortGrid(ctx: Context, options: CohortGridOptions): TableSpec {
  const { data, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const byCohort = new Map<string, Map<number, CohortRow>>();
  for (const row of data.marts.cohorts) {
    const months = byCohort.get(row.cohort_month) ?? new Map<number, CohortRow>();
    months.set(row.months_since_first_order, row);
    byCohort.set(row.cohort_month, months);
  }
  const cohorts = [...byCohort.keys()].sort();
  const shaded = data.marts.cohorts
    .filter((row) => options.shadeFirstMonth || row.months_since_first_order > 0)
    .map(options.pick)
    .filter((value): value is number => value !== null);
  const max = Math.max(0, ...shaded);
  const min = Math.min(max, ...shaded);
  const rows = cohorts.map((cohort) => {
    const months = byCohort.get(cohort) ?? new Map<number, CohortRow>();
    const age = monthsBetween(cohort, runMonth);
    const size = [...months.values()][0]?.cohort_customers ?? null;
    const cells: TableCell[] = [
      wholeLabel(formatMonthShort(cohort, locale)),
      cell(formatNumber(size, locale)),
    ];
    for (let month = 0; month < COHORT_COLUMNS; month += 1) {
      if (month > age) {
        cells.push(cell(""));
        continue;
      }
      const row = months.get(month);
      const value = row ? options.pick(row) : null;
      if (value === null) {
        // No row: nobody in the cohort ordered that month, or the value is missing; never shown as 0.
        cells.push(cell("–", "muted"));
        continue;
      }
      const shade = options.shadeFirstMonth || month > 0;
      cells.push({
        text: options.show(value),
        ...(shade ? { heat: max > min ? (value - min) / (max - min) : 1 } : {}),
      });
    }
    return cells;
  });
  return {
    id: options.id,
    dense: true,
    columns: [
      left("Cohort", 1.1),
      right("Customers", 1.25),
      ...Array.from({ length: COHORT_COLUMNS }, (_, month) => right(`M${month}`, 0.8)),
    ],
    rows,
    emptyText: "No customer cohorts in the marts yet.",
    note: options.note,
  };
}

export function cohortSlides(ctx: Context): ContentSlide[] {
  const { fmt, locale } = ctx;
  const revenue = cohortGrid(ctx, {
    id: "ltv-cohorts",
    title: "Cumulative revenue per customer",
    pick: (row) => row.cumulative_revenue_per_customer,
    show: (value) => formatMoney(value, fmt),
    shadeFirstMonth: true,
    note: "Cumulative gross revenue ÷ cohort customers. M0 = month of the first order; – = no orders that month.",
  });
  const retention = cohortGrid(ctx, {
    id: "retention-cohorts",
    title: "Retention",
    pick: (row) => row.retention,
    show: (value) => formatPercent(value, locale, 0),
    shadeFirstMonth: false,
    note: "Customers of the cohort who ordered that month ÷ cohort customers. M0 is 100% by definition.",
  });
  return [
    {
      kind: "cohorts",
      section: "DTC performance",
      title: "LTV by cohort — cumulative revenue per customer",
      blocks: [full({ type: "table", table: revenue })],
    },
    {
      kind: "cohorts",
      section: "DTC performance",
      title: "Retention by cohort — share of customers ordering again",
      blocks: [full({ type: "table", table: retention })],
    },
  ];
}
