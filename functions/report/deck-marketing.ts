// Section 3, paid marketing: where the money went (channel mix), what each channel returned, the monthly PPC
// index, and the run day per channel (where a stale platform shows as n/a, not as a collapse).
import { addDays, addMonths, monthStart } from "../lib/calendar.ts";
import {
  formatDateRange,
  formatMonthShort,
  formatMonthYear,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRatio,
  formatWeekdayDate,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import {
  dataStartNote,
  missingSourceReason,
  missingSourcesCaveat,
  trailingDaysPhrase,
} from "../lib/reporting/completeness.ts";
import { rangeCoverage, trailingDays } from "../lib/reporting/data-coverage.ts";

import type { ChannelDayRow, ChannelMixRow, ChannelMonthRow } from "../lib/reporting/report-data.ts";
import { missingSourcesOf } from "../lib/reporting/kpi-comparisons.ts";
import { channelLabel, channelOfSource, PAID_CHANNELS } from "../lib/sql/channels.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import {
  cell,
  costPer,
  type ChartSpec,
  type ContentSlide,
  type Context,
  excelMoneyFormat,
  full,
  left,
  leftOf,
  right,
  rightOf,
  safeRatio,
  type TableCell,
  type TableSpec,
  wholeLabel,
} from "./deck-model.ts";
import {
  hasPlatformData,
  noSpendNote,
  noSpendReason,
  notConnected,
  paidTotalLabel,
} from "../lib/reporting/paid-spend.ts";
import { PPC_TRAILING_MONTHS, ppcIndex } from "./ppc-index.ts";

export const MAX_CHANNEL_ROWS = 8;
export const CHANNEL_DAYS = 28;
/** Months of PPC index shown: the run month and the five before. */
export const PPC_MONTHS_SHOWN = 6;

/** Days of a month row whose inputs had not all landed (0 for rows from before the marts carried it). */
const incompleteDays = (row: Pick<ChannelMonthRow | ChannelMixRow, "incomplete_days">): number =>
  Number(row.incomplete_days ?? 0);

/** "excludes Meta, TikTok: no data since Mon 16 Nov" for the sources missing on any day of the month to the run date. */
function monthCaveat(ctx: Context, month: string): string {
  const { data, locale } = ctx;
  const sources = new Set<string>();
  for (const row of data.daily) {
    if (row.date < month || row.date > data.runDate || !row.missing_sources) continue;
    for (const source of row.missing_sources.split(",")) sources.add(source.trim());
  }
  return missingSourcesCaveat(data.daily, [...sources].sort(), data.runDate, locale);
}

/** The note saying a month's channel figures are incomplete, or "" when every day had landed. */
function incompleteMonthNote(ctx: Context, month: string, days: number, what: string): string {
  if (days === 0) return "";
  const caveat = monthCaveat(ctx, month);
  return `* Incomplete: ${days} of the month's days lack a channel's data${caveat ? ` (${caveat})` : ""}; ${what} count only what landed.`;
}

export function channelMixSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const previousMonth = addMonths(data.runDate, -1);
  const current = data.marts.channelMix
    .filter((row) => row.month === runMonth)
    .sort((a, b) => b.spend - a.spend || b.attributed_revenue - a.attributed_revenue);
  const before = new Map(
    data.marts.channelMix.filter((row) => row.month === previousMonth).map((row) => [row.channel, row]),
  );
  const paid = current.filter((row) => row.spend > 0);
  const chart: ChartSpec = {
    id: "channel-mix-spend",
    title: `Share of ad spend — ${formatMonthShort(runMonth, locale)}`,
    kind: "doughnut",
    labels: paid.map((row) => channelLabel(row.channel)),
    series: [{ name: "Ad spend", as: "bar", values: paid.map((row) => row.spend) }],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: "No ad spend this month.",
  };
  const share = (value: number | null | undefined) => formatPercent(value ?? null, locale, 1);
  // Shares of a month whose total misses a channel's days are incomplete for every channel.
  const monthIncomplete = Math.max(0, ...current.map(incompleteDays));
  const mark = monthIncomplete ? " *" : "";
  const incompleteNote = incompleteMonthNote(ctx, runMonth, monthIncomplete, "spend and its shares");
  const table: TableSpec = {
    id: "channel-mix",
    columns: [
      // Half a slide wide: headers that wrap between words, never inside one.
      // Spend is the widest: "$156,938 *" wrapped its incomplete mark onto a line of its own at 1.15.
      left("Channel", 1.05),
      right("Spend", 1.45),
      right("Spend share", 1.0),
      right("Order share", 0.9),
      right("Revenue share", 1.05),
      right(`Revenue share ${formatMonthShort(previousMonth, locale)}`, 1.15),
    ],
    rows: current.map((row) => [
      cell(channelLabel(row.channel), undefined, true),
      cell(`${formatMoney(row.spend, fmt)}${mark}`),
      cell(`${share(row.spend_share)}${mark}`),
      cell(share(row.orders_share)),
      cell(share(row.revenue_share), undefined, true),
      cell(share(before.get(row.channel)?.revenue_share)),
    ]),
    emptyText: "No channel data this month.",
    note: `Shares of the month's ad spend and of its UTM-attributed orders and revenue. Email and direct & organic have no spend.${incompleteNote ? ` ${incompleteNote}` : ""}`,
  };
  return {
    kind: "channel-mix",
    section: "Paid marketing",
    title: `Channel mix — ${formatMonthYear(runMonth, locale)} to ${ctx.runDay}`,
    blocks: [leftOf({ type: "table", table }), rightOf({ type: "chart", chart })],
  };
}

/** The note naming the paid channels a total leaves out for having no spend to count, and why (noSpendNote). */
function leftOutNote(ctx: Context, channels: readonly string[], totalShown: boolean): string {
  return noSpendNote(
    ctx.data,
    channels,
    totalShown
      ? { one: "its attributed revenue and orders", many: "their attributed revenue and orders" }
      : undefined,
  );
}

function performanceTable(ctx: Context, id: string, rows: readonly ChannelMonthRow[]): TableSpec {
  const { fmt, locale } = ctx;
  const paid = rows.filter((row) => row.is_paid_channel).sort((a, b) => b.spend - a.spend);
  // A paid channel whose platform reported nothing this month (not connected, or no ads bought) has orders by its
  // UTMs but no spend: over the others' spend its revenue would flatter the total's ROAS.
  const counted = paid.filter((row) => hasPlatformData([row]));
  const leftOut = paid.filter((row) => !hasPlatformData([row]));
  const line = (name: string, row: Omit<ChannelMonthRow, "month" | "channel" | "days">, bold: boolean) => [
    cell(name, undefined, true),
    cell(`${formatMoney(row.spend, fmt)}${incompleteDays(row) ? " *" : ""}`, undefined, bold),
    cell(
      formatMoney(row.attributed_revenue, fmt),
      row.spend > 0 && row.attributed_revenue === 0 ? "bad" : undefined,
      bold,
    ),
    cell(formatRatio(row.roas, locale, 2, "×"), undefined, bold),
    cell(formatRatio(row.platform_roas, locale, 2, "×"), "muted", bold),
    cell(formatNumber(row.attributed_orders, locale), undefined, bold),
    cell(formatMoney(row.cpa, fmt, true), undefined, bold),
    cell(formatPercent(row.ctr, locale, 2), undefined, bold),
    cell(formatMoney(row.cpc, fmt, true), undefined, bold),
  ];
  const na = () => cell(NOT_AVAILABLE, "muted");
  // Its own orders and revenue are known and shown; its spend is n/a where its platform is not connected (a 0
  // there is no spend figure at all), and its ratios are n/a either way.
  const leftOutLine = (row: ChannelMonthRow) => [
    cell(channelLabel(row.channel), undefined, true),
    notConnected(ctx.data, row.channel)
      ? na()
      : cell(`${formatMoney(row.spend, fmt)}${incompleteDays(row) ? " *" : ""}`),
    cell(formatMoney(row.attributed_revenue, fmt)),
    na(),
    na(),
    cell(formatNumber(row.attributed_orders, locale)),
    na(),
    na(),
    na(),
  ];
  const table: TableCell[][] = paid.map((row) =>
    hasPlatformData([row]) ? line(channelLabel(row.channel), row, false) : leftOutLine(row),
  );
  const totalShown = paid.length > 1 && counted.length > 0;
  if (totalShown) {
    const sum = (pick: (row: ChannelMonthRow) => number) =>
      counted.reduce((total, row) => total + pick(row), 0);
    const spend = sum((row) => row.spend);
    const revenue = sum((row) => row.attributed_revenue);
    const orders = sum((row) => row.attributed_orders);
    const clicks = sum((row) => row.clicks);
    const impressions = sum((row) => row.impressions);
    table.push(
      line(
        paidTotalLabel(leftOut.map((row) => channelLabel(row.channel))),
        {
          is_paid_channel: true,
          spend,
          impressions,
          clicks,
          platform_conversions: sum((row) => row.platform_conversions),
          platform_conversion_value: sum((row) => row.platform_conversion_value),
          attributed_orders: orders,
          attributed_new_customers: sum((row) => row.attributed_new_customers),
          attributed_revenue: revenue,
          roas: safeRatio(revenue, spend),
          platform_roas: safeRatio(
            sum((row) => row.platform_conversion_value),
            spend,
          ),
          cpa: costPer(spend, orders),
          ctr: safeRatio(clicks, impressions),
          cpc: safeRatio(spend, clicks),
          incomplete_days: Math.max(0, ...counted.map(incompleteDays)),
        },
        true,
      ),
    );
  }
  const incomplete = paid.filter((row) => incompleteDays(row) > 0);
  const notes = [
    incomplete.length && paid[0]
      ? incompleteMonthNote(
          ctx,
          paid[0].month,
          Math.max(...incomplete.map(incompleteDays)),
          `the spend, ROAS and CPA of ${incomplete.map((row) => channelLabel(row.channel)).join(", ")}`,
        )
      : "",
    leftOutNote(
      ctx,
      leftOut.map((row) => row.channel),
      totalShown,
    ),
  ].filter(Boolean);
  return {
    id,
    ...(notes.length ? { note: notes.join(" ") } : {}),
    columns: [
      left("Channel", 1.5),
      right("Spend", 1.1),
      right("Attributed revenue", 1.3),
      right("ROAS", 0.8),
      right("Platform ROAS", 1),
      right("Orders", 0.8),
      right("CPA", 0.9),
      right("CTR", 0.8),
      right("CPC", 0.8),
    ],
    rows: table,
    emptyText: "No paid channel data for this month.",
  };
}

export function channelPerformanceSlide(ctx: Context): ContentSlide {
  const { data, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const previousMonth = addMonths(data.runDate, -1);
  const current = performanceTable(
    ctx,
    "channel-performance",
    data.marts.channelMonths.filter((row) => row.month === runMonth),
  );
  const previous = performanceTable(
    ctx,
    "channel-performance-previous",
    data.marts.channelMonths.filter((row) => row.month === previousMonth),
  );
  const explained =
    "ROAS and CPA use UTM-attributed orders and revenue; platform ROAS is what the ad platform reports (usually higher). Totals are ratios of sums.";
  previous.note = previous.note ? `${previous.note} ${explained}` : explained;
  return {
    kind: "channel-performance",
    section: "Paid marketing",
    title: "Paid channel performance",
    blocks: [
      full({
        type: "text",
        lines: [{ text: `${formatMonthYear(runMonth, locale)} to ${ctx.runDay}`, bold: true }],
      }),
      full({ type: "table", table: current }),
      full({ type: "text", lines: [{ text: formatMonthYear(previousMonth, locale), bold: true }] }),
      full({ type: "table", table: previous }),
    ],
  };
}

export function ppcIndexSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const months = ppcIndex(data.marts.channelMonths).slice(-PPC_MONTHS_SHOWN);
  // A month missing a paid channel's days is shown but not judged: no green or red on its index.
  const incompleteMonths = new Map<string, number>();
  for (const row of data.marts.channelMonths) {
    if (!row.is_paid_channel || !incompleteDays(row)) continue;
    incompleteMonths.set(row.month, Math.max(incompleteMonths.get(row.month) ?? 0, incompleteDays(row)));
  }
  const judged = (month: string, good: boolean | null) =>
    good === null || incompleteMonths.has(month) ? "muted" : good ? "good" : "bad";
  const index = (month: string, value: number | null) =>
    `${formatNumber(value, locale, 0)}${incompleteMonths.has(month) && value !== null ? " *" : ""}`;
  const shownIncomplete = months.filter((month) => incompleteMonths.has(month.month));
  const incompleteNote = shownIncomplete
    .map((month) =>
      incompleteMonthNote(
        ctx,
        month.month,
        incompleteMonths.get(month.month) ?? 0,
        "its paid spend, ROAS and CPA",
      ),
    )
    .map((note) => note.replace("* Incomplete: ", ""))
    .map((note, i) => `${formatMonthShort(shownIncomplete[i]!.month, locale)}: ${note}`)
    .join(" ");
  // The paid channels the sums leave out, for their months shown: they have orders but no spend to count.
  const shownMonths = new Set(months.map((month) => month.month));
  const leftOut = [
    ...new Set(
      data.marts.channelMonths
        .filter(
          (row) =>
            row.is_paid_channel &&
            shownMonths.has(row.month) &&
            !hasPlatformData([row]) &&
            (row.attributed_orders > 0 || row.attributed_revenue > 0),
        )
        .map((row) => row.channel),
    ),
  ];
  const leftOutText = leftOut.length
    ? ` Paid channels with spend only: ${leftOut.map((channel) => `${channelLabel(channel)} (${noSpendReason(data, channel)})`).join(", ")} ${leftOut.length === 1 ? "has" : "have"} orders but no spend to count, and ${leftOut.length === 1 ? "its" : "their"} revenue is left out.`
    : "";
  const table: TableSpec = {
    id: "ppc-index",
    columns: [
      left("Month", 1.3),
      right("Paid spend", 1.1),
      right("Attributed revenue", 1.3),
      right("Paid ROAS", 0.9),
      right("ROAS index", 0.9),
      right("CPA", 0.9),
      right("CPA index", 0.9),
    ],
    rows: [...months]
      .reverse()
      .map((month) => [
        wholeLabel(formatMonthShort(month.month, locale)),
        cell(formatMoney(month.spend, fmt)),
        cell(formatMoney(month.attributedRevenue, fmt)),
        cell(formatRatio(month.roas, locale, 2, "×")),
        cell(
          index(month.month, month.roasIndex),
          judged(month.month, month.roasIndex === null ? null : month.roasIndex >= 100),
          true,
        ),
        cell(formatMoney(month.cpa, fmt, true)),
        cell(
          index(month.month, month.cpaIndex),
          judged(month.month, month.cpaIndex === null ? null : month.cpaIndex <= 100),
          true,
        ),
      ]),
    emptyText: "No paid channel months in the marts yet.",
    note: `Index = the month's paid ROAS (or CPA) ÷ the ratio of sums over the ${PPC_TRAILING_MONTHS} months before × 100. ROAS above 100 and CPA below 100 beat the recent norm; n/a without ${PPC_TRAILING_MONTHS} months of history.${leftOutText}${incompleteNote ? ` * Incomplete, not judged — ${incompleteNote}` : ""}`,
  };
  const chart: ChartSpec = {
    id: "ppc-index-chart",
    title: `PPC index (trailing ${PPC_TRAILING_MONTHS}-month average = 100)`,
    kind: "column",
    labels: months.map((month) => formatMonthShort(month.month, locale)),
    series: [
      { name: "ROAS index", as: "line", role: "revenue", values: months.map((month) => month.roasIndex) },
      { name: "CPA index", as: "line", role: "spend", values: months.map((month) => month.cpaIndex) },
    ],
    numberFormat: "0",
    emptyText: "No paid channel months in the marts yet.",
  };
  return {
    kind: "ppc-index",
    section: "Paid marketing",
    title: "Monthly PPC index",
    blocks: [full({ type: "table", table }), full({ type: "chart", chart })],
  };
}

interface ChannelTotals {
  channel: string;
  spend: number;
  attributedRevenue: number;
  lastDate: string;
}

function channelTotals(rows: readonly ChannelDayRow[]): ChannelTotals[] {
  const byChannel = new Map<string, ChannelTotals>();
  for (const row of rows) {
    const totals = byChannel.get(row.channel) ?? {
      channel: row.channel,
      spend: 0,
      attributedRevenue: 0,
      lastDate: row.date,
    };
    totals.spend += row.spend;
    totals.attributedRevenue += row.attributed_revenue;
    if (row.date > totals.lastDate) totals.lastDate = row.date;
    byChannel.set(row.channel, totals);
  }
  return [...byChannel.values()].sort((a, b) => b.spend - a.spend || a.channel.localeCompare(b.channel));
}

/** The run day per channel, and 28 days of spend against attributed revenue. */
export function channelsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const from = addDays(data.runDate, -(CHANNEL_DAYS - 1));
  const window = data.channels.filter((row) => row.date >= from && row.date <= data.runDate);
  const totals = channelTotals(window);
  const runDayRows = new Map(
    window.filter((row) => row.date === data.runDate).map((row) => [row.channel, row] as const),
  );
  const line = (name: string, row: Omit<ChannelDayRow, "date" | "channel">, bold: boolean): TableCell[] => [
    cell(name, undefined, true),
    cell(formatMoney(row.spend, fmt), undefined, bold),
    cell(
      formatMoney(row.attributed_revenue, fmt),
      row.spend > 0 && row.attributed_revenue === 0 ? "bad" : undefined,
      bold,
    ),
    cell(formatRatio(row.roas, locale, 2), undefined, bold),
    cell(formatNumber(row.clicks, locale), undefined, bold),
    cell(formatPercent(safeRatio(row.clicks, row.impressions), locale, 2), undefined, bold),
    cell(formatMoney(safeRatio(row.spend, row.clicks), fmt, true), undefined, bold),
    cell(formatNumber(row.platform_conversions, locale, 1), undefined, bold),
  ];
  // A shop whose data begins inside the 28 days: "no channel data" names its days, not 28 it has no data for.
  const noData = `No channel data ${trailingDaysPhrase(trailingDays(data.daily, data.runDate, CHANNEL_DAYS), locale)}.`;
  const rows: TableCell[][] = [];
  const missing: string[] = [];
  // A channel whose ad platform the run day's KPIs name missing (not landed, or its rows without an exchange
  // rate) has a row only for its attributed orders: its spend, clicks and conversions there are unknown, not 0.
  // Its attributed revenue, the shop's own orders, is known and shown; the note says why the rest is n/a.
  const runDayMissing = missingSourcesOf(data.daily.find((row) => row.date === data.runDate));
  const platformMissing = (channel: string) =>
    runDayMissing.find((source) => channelOfSource(source as SourceName) === channel);
  const unknown: string[] = [];
  // Paid channels not connected, without an order on the run day: a row of their own, named in the no-spend note.
  const unconnectedQuiet: string[] = [];
  // A paid channel whose platform reported nothing in the 28 days (not connected, or no ads bought) has orders by
  // its UTMs but no spend to count: it keeps its row, and the paid total leaves it out like a missing platform.
  const withoutSpend = (channel: string) =>
    PAID_CHANNELS.includes(channel) && !hasPlatformData(window.filter((row) => row.channel === channel));
  for (const channel of totals.slice(0, MAX_CHANNEL_ROWS)) {
    const row = runDayRows.get(channel.channel);
    const platform = platformMissing(channel.channel);
    const na = () => cell(NOT_AVAILABLE, "muted");
    if (row && platform) {
      rows.push([
        cell(channelLabel(channel.channel), undefined, true),
        na(),
        cell(formatMoney(row.attributed_revenue, fmt)),
        ...Array.from({ length: 5 }, na),
      ]);
      unknown.push(
        `${channelLabel(channel.channel)}'s platform figures are n/a: ${missingSourceReason(data.daily, platform, data.runDate, locale)}.`,
      );
      continue;
    }
    if (row && withoutSpend(channel.channel)) {
      rows.push([
        cell(channelLabel(channel.channel), undefined, true),
        notConnected(data, channel.channel) ? na() : cell(formatMoney(row.spend, fmt)),
        cell(formatMoney(row.attributed_revenue, fmt)),
        ...Array.from({ length: 5 }, na),
      ]);
      continue;
    }
    if (row) {
      rows.push(line(channelLabel(channel.channel), row, false));
      continue;
    }
    // A channel that buys no ads (direct & organic, email) without a row on the run day had no order that day:
    // nothing happened, as the email says. "No data for Sat 21 Nov: Direct & organic (last day with data: Fri 20
    // Nov)" read as a source gone stale. So did it for a paid channel whose platform is not connected: no order,
    // and no spend to count (said in the note below). A connected paid channel without a row keeps those words:
    // its platform's rows are what is missing.
    if (withoutSpend(channel.channel) && notConnected(data, channel.channel)) {
      rows.push([
        cell(channelLabel(channel.channel), undefined, true),
        cell(NOT_AVAILABLE, "muted"),
        cell(formatMoney(0, fmt)),
        ...Array.from({ length: 5 }, () => cell(NOT_AVAILABLE, "muted")),
      ]);
      unconnectedQuiet.push(channel.channel);
      continue;
    }
    if (!PAID_CHANNELS.includes(channel.channel)) {
      const nothing = { impressions: 0, clicks: 0, platform_conversions: 0, platform_conversion_value: 0 };
      rows.push(
        line(
          channelLabel(channel.channel),
          { ...nothing, spend: 0, attributed_orders: 0, attributed_revenue: 0, roas: null },
          false,
        ),
      );
      continue;
    }
    rows.push([
      cell(channelLabel(channel.channel), undefined, true),
      ...Array.from({ length: 7 }, () => cell(NOT_AVAILABLE, "muted")),
    ]);
    missing.push(
      `${channelLabel(channel.channel)} (last day with data: ${formatWeekdayDate(channel.lastDate, locale)})`,
    );
  }
  // The total is over the paid channels only: organic revenue over paid spend would flatter ROAS.
  const paidRows = [...runDayRows.values()].filter((row) => PAID_CHANNELS.includes(row.channel));
  const present = paidRows.filter((row) => !platformMissing(row.channel) && !withoutSpend(row.channel));
  // Without a channel whose spend is unknown, the total says so: its 0 would understate spend and flatter ROAS.
  const leftOut = paidRows.filter((row) => !present.includes(row));
  const noSpend = leftOut.filter((row) => !platformMissing(row.channel)).map((row) => row.channel);
  const totalShown = paidRows.length > 1 && present.length > 0;
  if (totalShown) {
    const sum = (pick: (row: ChannelDayRow) => number) =>
      present.reduce((total, row) => total + pick(row), 0);
    const spend = sum((row) => row.spend);
    const revenue = sum((row) => row.attributed_revenue);
    rows.push(
      line(
        paidTotalLabel(leftOut.map((row) => channelLabel(row.channel))),
        {
          spend,
          impressions: sum((row) => row.impressions),
          clicks: sum((row) => row.clicks),
          platform_conversions: sum((row) => row.platform_conversions),
          platform_conversion_value: sum((row) => row.platform_conversion_value),
          attributed_orders: sum((row) => row.attributed_orders),
          attributed_revenue: revenue,
          roas: safeRatio(revenue, spend),
        },
        true,
      ),
    );
  }
  const notes: string[] = [];
  if (totals.length > MAX_CHANNEL_ROWS)
    notes.push(`${totals.length - MAX_CHANNEL_ROWS} smaller channels not shown.`);
  if (missing.length) notes.push(`No data for ${ctx.runDay}: ${missing.join(", ")}.`);
  notes.push(...unknown);
  if (noSpend.length) notes.push(leftOutNote(ctx, noSpend, totalShown));
  if (unconnectedQuiet.length) notes.push(leftOutNote(ctx, unconnectedQuiet, false));
  const table: TableSpec = {
    id: "channels-run-day",
    columns: [
      left("Channel", 1.5),
      right("Spend"),
      right("Attributed revenue", 1.4),
      right("ROAS", 0.8),
      right("Clicks"),
      right("CTR", 0.8),
      right("CPC", 0.8),
      right("Platform conv.", 1.1),
    ],
    rows,
    emptyText: noData,
    ...(notes.length ? { note: notes.join(" ") } : {}),
  };
  const chartChannels = totals.slice(0, MAX_CHANNEL_ROWS);
  // A shop whose data begins inside the 28 days: the sums cover its days only, and the title says so instead of
  // naming 28 days (the days before hold nothing, not a day of no spend).
  const coverage = rangeCoverage(data.daily, { from, to: data.runDate });
  const since = dataStartNote(coverage, locale);
  const chartFrom = coverage.kind === "partial" ? coverage.dataFrom : from;
  const chart: ChartSpec = {
    id: "channel-spend-28d",
    title: `Spend and attributed revenue by channel — ${formatDateRange(chartFrom, data.runDate, locale)}${since ? ` (${since})` : ""}`,
    // Columns: the legend then reads in the bars' order (a horizontal chart lists its series bottom-up).
    kind: "column",
    labels: chartChannels.map((channel) => channelLabel(channel.channel)),
    series: [
      { name: "Spend", as: "bar", role: "spend", values: chartChannels.map((channel) => channel.spend) },
      {
        name: "Attributed revenue",
        as: "bar",
        role: "revenue",
        values: chartChannels.map((channel) => channel.attributedRevenue),
      },
    ],
    numberFormat: excelMoneyFormat(fmt),
    emptyText: noData,
  };
  return {
    kind: "channels",
    section: "Paid marketing",
    title: `Channels — ${ctx.runDay}`,
    blocks: [full({ type: "table", table }), full({ type: "chart", chart })],
  };
}
