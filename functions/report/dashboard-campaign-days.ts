// The campaigns page's campaigns by day (campaign_daily, the trailing window): spend and UTM-attributed revenue
// per day of the 5 campaigns that spent most in the window, as two charts and one table. A day on which the
// campaign's ad platform (or the shop) had not landed has no point: unknown, not 0.
import { formatDayMonth, formatWeekdayDate } from "../lib/reporting/display-format.ts";
import {
  type DashboardContext,
  type DashboardPage,
  dailyChartTitle,
  type ExtractRow,
  type ExtractTables,
  groupRows,
  inWindow,
  isTrue,
  label,
  roundAmount,
  sum,
} from "./dashboard-rows.ts";

export const TOP_CAMPAIGNS_BY_DAY = 5;

/** A campaign is its platform's campaign id; a UTM campaign no platform knows keeps its text (as on the table). */
export const campaignKey = (row: ExtractRow): string =>
  `${row.channel}|${row.campaign_id || row.campaign_name}`;

export function addCampaignDays(page: DashboardPage, tables: ExtractTables, context: DashboardContext): void {
  const source = tables.campaign_daily;
  if (!source) return;
  const rows = inWindow(source, context.from, context.to);
  const top = [...groupRows(rows, campaignKey).entries()]
    .map(([key, own]) => {
      const first = own[0] as ExtractRow;
      return {
        key,
        channel: first.channel ?? "",
        name: first.campaign_name || first.campaign_id || "(no campaign)",
        spend: sum(own, "spend"),
        byDay: groupRows(own, (row) => row.date ?? ""),
      };
    })
    .filter((item) => item.spend > 0)
    .sort((a, b) => b.spend - a.spend || a.name.localeCompare(b.name))
    .slice(0, TOP_CAMPAIGNS_BY_DAY);
  if (!top.length) return;
  // The days each channel lacked a source: its campaign rows say so, or the channel's row when the platform
  // left no campaign rows at all that day.
  const incompleteDays = new Set<string>();
  for (const row of rows) if (!isTrue(row, "is_complete")) incompleteDays.add(`${row.channel}|${row.date}`);
  for (const row of inWindow(tables.marketing_daily_channel ?? [], context.from, context.to))
    if (row.is_complete !== undefined && !isTrue(row, "is_complete"))
      incompleteDays.add(`${row.channel}|${row.date}`);
  // The charts and the table start on the shop's first day of data (context.shownDays): a day before it is
  // unknown, not a day of 0,00 €, and has neither a point nor a row.
  const value = (item: (typeof top)[number], day: string, column: string) =>
    incompleteDays.has(`${item.channel}|${day}`) ? null : roundAmount(sum(item.byDay.get(day) ?? [], column));
  const names = top.map((item) => `${item.name} (${label(item.channel)})`);
  const incomplete = context.shownDays.flatMap((day, index) =>
    top.some((item) => incompleteDays.has(`${item.channel}|${day}`)) ? [index] : [],
  );
  const labels = context.shownDays.map((day) => formatDayMonth(day, context.locale));
  const caveat = incomplete.length
    ? "Shaded days lack an ad platform's or the shop's data: no point for the campaigns concerned."
    : undefined;
  const spend = top.map((item) => context.shownDays.map((day) => value(item, day, "spend")));
  const revenue = top.map((item) => context.shownDays.map((day) => value(item, day, "attributed_revenue")));
  page.charts.push(
    {
      id: "campaigns-daily-spend",
      title: dailyChartTitle(`Spend by day, top ${top.length} campaigns`, context),
      type: "line",
      sequence: true,
      labels,
      series: top.map((_, index) => ({ label: names[index] as string, data: spend[index] ?? [] })),
      format: "money",
      incomplete,
      caveat,
    },
    {
      id: "campaigns-daily-revenue",
      title: dailyChartTitle(`UTM-attributed revenue by day, top ${top.length} campaigns`, context),
      type: "line",
      sequence: true,
      labels,
      series: top.map((_, index) => ({ label: names[index] as string, data: revenue[index] ?? [] })),
      format: "money",
      incomplete,
      caveat,
    },
  );
  const notes = [
    caveat ? "Marked days lack an ad platform's or the shop's data: blank, not 0." : "",
    context.firstDataDay
      ? `No row before ${formatWeekdayDate(context.firstDataDay, context.locale)}, the first day of the shop's data.`
      : "",
  ].filter(Boolean);
  page.tables.push({
    id: "campaigns-daily-table",
    title: `Top ${top.length} campaigns by day: spend and UTM-attributed revenue`,
    nullText: "",
    columns: [
      { label: "Day", format: "day" },
      ...top.flatMap(() => [
        { label: "Spend", format: "money" as const },
        { label: "Revenue", format: "money" as const },
      ]),
    ],
    groups: [{ label: "", span: 1 }, ...names.map((name) => ({ label: name, span: 2 }))],
    rows: context.shownDays.map((day, dayIndex) => [
      day,
      ...top.flatMap((_, index) => [spend[index]?.[dayIndex] ?? null, revenue[index]?.[dayIndex] ?? null]),
    ]),
    incompleteRows: incomplete,
    caveat: notes.length ? notes.join(" ") : undefined,
  });
}
