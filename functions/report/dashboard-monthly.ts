// The dashboard's month-grain parts: the overview's executive table (executive_summary_monthly, the last 13
// months, year-over-year where the data reaches a year back) and the channels page's channel mix (channel_mix:
// each channel's share of the month's spend and of its attributed revenue). From the extracts only, so that the
// page shows what Looker Studio shows; every ratio from its declared numerator and denominator.
import { formatMonthShort, formatMonthUpTo } from "../lib/reporting/display-format.ts";
import { declaredChange, declaredRatio, declaredShares } from "./dashboard-declared.ts";
import {
  type ChartSpec,
  type DashboardContext,
  type DashboardPage,
  type ExtractRow,
  type ExtractTables,
  groupRows,
  label,
  MONTHS_SHOWN,
  monthLabel,
  monthsBack,
  num,
  type TableSpec,
  type ValueFormat,
} from "./dashboard-rows.ts";

function lastDayOfMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7));
  return new Date(Date.UTC(year, index, 0)).toISOString().slice(0, 10);
}

/** The last 13 months' rows (the run month and the 12 before it), by month. */
function recentMonths(rows: readonly ExtractRow[], context: DashboardContext): Map<string, ExtractRow[]> {
  const first = monthsBack(context.to, MONTHS_SHOWN - 1);
  const shown = rows.filter((row) => (row.month ?? "") >= first && (row.month ?? "") <= context.to);
  const months = groupRows(shown, (row) => (row.month ?? "").slice(0, 10));
  return new Map([...months.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** "1–21 Nov 2026" for a month counted up to its period_end; "Nov 2024 (9 days)" for one the data starts in. */
function monthText(row: ExtractRow, locale: string): string {
  const month = row.month ?? "";
  const end = row.period_end ?? "";
  const days = num(row, "days");
  const length = Number(lastDayOfMonth(month).slice(8));
  if (end && end < lastDayOfMonth(month)) return formatMonthUpTo(month, end, locale);
  const name = formatMonthShort(month, locale);
  if (days !== null && days < length) return `${name} (${days} days)`;
  return name;
}

const EXECUTIVE = "executive_summary_monthly";

interface ExecutiveColumn {
  label: string;
  format: ValueFormat;
  /** `moneyPlaces`: the shop currency's decimals, for an amount per order or customer. */
  value: (rows: readonly ExtractRow[], moneyPlaces: number) => number | null;
  /** A year-over-year column: shown only when some month has a year-earlier base. */
  yoy?: boolean;
}

const sumOf = (column: string) => (rows: readonly ExtractRow[]) =>
  rows.every((row) => num(row, column) === null)
    ? null
    : rows.reduce((a, row) => a + (num(row, column) ?? 0), 0);

const EXECUTIVE_COLUMNS: ExecutiveColumn[] = [
  { label: "Revenue", format: "money", value: sumOf("gross_revenue") },
  { label: "Orders", format: "number", value: sumOf("orders") },
  {
    label: "AOV",
    format: "money",
    value: (rows, moneyPlaces) => declaredRatio(EXECUTIVE, "aov", rows, moneyPlaces),
  },
  { label: "New customers", format: "number", value: sumOf("new_customers") },
  { label: "Ad spend", format: "money", value: sumOf("ad_spend") },
  { label: "ROAS", format: "ratio", value: (rows) => declaredRatio(EXECUTIVE, "blended_roas", rows) },
  { label: "MER", format: "ratio", value: (rows) => declaredRatio(EXECUTIVE, "mer", rows) },
  {
    label: "CAC",
    format: "money",
    value: (rows, moneyPlaces) => declaredRatio(EXECUTIVE, "cac", rows, moneyPlaces),
  },
  ...(
    [
      ["Revenue YoY", "gross_revenue_yoy"],
      ["Orders YoY", "orders_yoy"],
      ["New customers YoY", "new_customers_yoy"],
      ["Ad spend YoY", "ad_spend_yoy"],
    ] as const
  ).map(([title, column]) => ({
    label: title,
    format: "percent" as const,
    value: (rows: readonly ExtractRow[]) => declaredChange(EXECUTIVE, column, rows),
    yoy: true,
  })),
  { label: "Incomplete days", format: "number", value: sumOf("incomplete_days") },
];

/** The overview's monthly executive table, newest month first; its missing extract is named on the page. */
export function addExecutiveTable(
  page: DashboardPage,
  tables: ExtractTables,
  context: DashboardContext,
): void {
  const source = tables[EXECUTIVE];
  if (!source) {
    page.missing.push(EXECUTIVE);
    return;
  }
  const months = [...recentMonths(source, context).entries()].reverse();
  const values = months.map(([, rows]) =>
    EXECUTIVE_COLUMNS.map((column) => column.value(rows, context.moneyPlaces)),
  );
  // YoY columns only where the data reaches a year back: thirteen empty columns would push the table wide.
  const shown = EXECUTIVE_COLUMNS.map(
    (column, index) => !column.yoy || values.some((cells) => cells[index] !== null),
  );
  const table: TableSpec = {
    id: "overview-executive",
    title: `Months, last ${months.length}`,
    nullText: "",
    columns: [
      { label: "Month", format: "text" },
      ...EXECUTIVE_COLUMNS.filter((_, index) => shown[index]).map(({ label: title, format }) => ({
        label: title,
        format,
      })),
    ],
    rows: months.map(([, rows], index) => [
      `${monthText(rows[0] as ExtractRow, context.locale)}${(num(rows[0] as ExtractRow, "incomplete_days") ?? 0) > 0 ? " *" : ""}`,
      ...(values[index] ?? []).filter((_, column) => shown[column]),
    ]),
    incompleteRows: months.flatMap(([, rows], index) =>
      rows.some((row) => (num(row, "incomplete_days") ?? 0) > 0) ? [index] : [],
    ),
  };
  const notes: string[] = [];
  if (table.incompleteRows?.length)
    notes.push(
      "* A month with incomplete days (an ad platform or the shop had not landed): its spend, ROAS, MER and CAC count only what landed.",
    );
  if (!shown.every(Boolean))
    notes.push("Year-over-year columns appear once the data reaches the same months a year earlier.");
  else notes.push("YoY compares the same days a year earlier; blank where the data does not reach back.");
  table.caveat = notes.join(" ");
  page.tables.push(table);
}

const MIX = "channel_mix";

/** Channels by their spend over the months, then by attributed revenue: one order (and colour) on both charts. */
function channelOrder(months: Map<string, ExtractRow[]>): string[] {
  const totals = new Map<string, { spend: number; revenue: number }>();
  for (const rows of months.values())
    for (const row of rows) {
      const item = totals.get(row.channel ?? "") ?? { spend: 0, revenue: 0 };
      item.spend += num(row, "spend") ?? 0;
      item.revenue += num(row, "attributed_revenue") ?? 0;
      totals.set(row.channel ?? "", item);
    }
  return [...totals.entries()]
    .sort((a, b) => b[1].spend - a[1].spend || b[1].revenue - a[1].revenue || a[0].localeCompare(b[0]))
    .map(([channel]) => channel);
}

/** A 100 % stacked share chart of one numerator column of channel_mix, per channel and month. */
function mixChart(
  months: Map<string, ExtractRow[]>,
  column: "spend_share" | "revenue_share",
  numerator: string,
  context: DashboardContext,
): ChartSpec | undefined {
  // The channels that had any of it (a channel without spend has no place in the spend mix).
  const channels = channelOrder(months).filter((channel) =>
    [...months.values()].some((rows) =>
      rows.some((row) => row.channel === channel && (num(row, numerator) ?? 0) > 0),
    ),
  );
  if (!channels.length) return undefined;
  const shares = [...months.values()].map((rows) =>
    declaredShares(MIX, column, rows, (row) => row.channel ?? ""),
  );
  const monthKeys = [...months.keys()];
  const incomplete = monthKeys.flatMap((month, index) =>
    (months.get(month) ?? []).some((row) => (row.is_complete ?? "true").toLowerCase() === "false")
      ? [index]
      : [],
  );
  const what = column === "spend_share" ? "spend" : "attributed revenue";
  return {
    id: column === "spend_share" ? "channels-mix-spend" : "channels-mix-revenue",
    title: `Share of ${what} by channel and month`,
    type: "bar",
    stacked: true,
    max: 1,
    sequence: true,
    labels: monthKeys.map((month) => monthLabel(month, context)),
    series: channels.map((channel) => ({
      label: label(channel),
      data: shares.map((share) => share.get(channel) ?? (share.size ? 0 : null)),
    })),
    format: "percent",
    incomplete,
    caveat: incomplete.length
      ? `Shaded months had days without an ad platform's data: their ${what} shares are provisional.`
      : undefined,
  };
}

/** The channels page's channel mix: share of spend and of attributed revenue, by month. */
export function addChannelMix(page: DashboardPage, tables: ExtractTables, context: DashboardContext): void {
  const source = tables[MIX];
  if (!source) {
    page.missing.push(MIX);
    return;
  }
  const months = recentMonths(source, context);
  for (const chart of [
    mixChart(months, "spend_share", "spend", context),
    mixChart(months, "revenue_share", "attributed_revenue", context),
  ])
    if (chart) page.charts.push(chart);
}
