// Campaigns, ad groups and new-customer acquisition in the paid-marketing section: the top campaigns by spend
// with ROAS, CPA and their change against the same days of last month (marts.campaign_performance_daily), the
// top ad groups as their platforms report them (a UTM names a campaign, never an ad group or an ad: the mart
// has no ad or creative level), and each paid channel's new-customer CPA (marts.marketing_monthly_performance).
import { sourceDisplayName, withoutJudgement } from "../lib/reporting/completeness.ts";
import {
  formatMoney,
  formatMonthShort,
  formatMonthYear,
  formatNumber,
  formatRatio,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import { addMonths, compareAs, missingSourcesOf, monthStart } from "../lib/reporting/kpi-comparisons.ts";
import type { CampaignPeriodRow } from "../lib/reporting/report-data.ts";
import { channelLabel } from "../lib/sql/channels.ts";
import {
  cell,
  changeCell,
  type ChartSpec,
  type ContentSlide,
  type Context,
  excelMoneyFormat,
  full,
  left,
  right,
  safeRatio,
  type TableCell,
  type TableSpec,
} from "./deck-model.ts";

/** Campaign names can be long: cut for the table, whole in the speaker notes. */
export const MAX_NAME_CHARS = 38;
export const MAX_CAMPAIGN_ROWS = 6;
export const MAX_AD_GROUP_ROWS = 4;

/**
 * The platforms that had not landed on some day of the period (marts.daily_kpis' missing_sources): their
 * campaigns' spend counts only what landed, whatever the campaign rows say.
 */
export function platformsMissing(ctx: Context): Set<string> {
  const { from, to } = ctx.period.ranges.toDate.current;
  return new Set(
    ctx.data.daily
      .filter((row) => row.date >= from && row.date <= to)
      .flatMap((row) => missingSourcesOf(row)),
  );
}

const shortName = (name: string | null, fallback: string) => {
  const text = name ?? fallback;
  return text.length > MAX_NAME_CHARS ? `${text.slice(0, MAX_NAME_CHARS - 1)}…` : text;
};

/** ROAS (attributed revenue ÷ spend) and CPA (spend ÷ attributed orders) of a campaign over one range. */
export function campaignRatios(row: CampaignPeriodRow, range: "current" | "previous") {
  const spend = range === "current" ? row.current_spend : row.previous_spend;
  const orders = range === "current" ? row.current_orders : row.previous_orders;
  const revenue = range === "current" ? row.current_revenue : row.previous_revenue;
  return { roas: safeRatio(revenue, spend), cpa: safeRatio(spend, orders) };
}

export function campaignsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale, period } = ctx;
  const rows = (data.marts.campaignPeriods ?? []).slice(0, MAX_CAMPAIGN_ROWS);
  const missing = platformsMissing(ctx);
  const incomplete = (row: CampaignPeriodRow) => row.incomplete_days > 0 || missing.has(row.platform);
  const change = (
    polarity: "up_is_good" | "down_is_good" | "neutral",
    now: number | null,
    then: number | null,
    judged = true,
  ) => {
    const compared = compareAs(false, polarity, now, then);
    return changeCell(judged ? compared : withoutJudgement(compared), locale);
  };
  const campaignRows: TableCell[][] = rows.map((row) => {
    const now = campaignRatios(row, "current");
    const before = campaignRatios(row, "previous");
    // Spend that had not landed on some days is not judged: its change would only show the gap.
    const complete = !incomplete(row);
    const marked = complete ? "" : " *";
    return [
      cell(`${shortName(row.campaign_name, row.campaign_key)}${marked}`, undefined, true),
      cell(channelLabel(row.channel)),
      cell(formatMoney(row.current_spend, fmt), undefined, true),
      // More or less spend is a choice, not good or bad news: its change is shown, never coloured.
      change("neutral", row.current_spend, row.previous_spend || null, complete),
      cell(formatRatio(now.roas, locale, 2, "×")),
      change("up_is_good", now.roas, before.roas, complete),
      cell(formatMoney(now.cpa, fmt, 2)),
      change("down_is_good", now.cpa, before.cpa, complete),
    ];
  });
  const campaigns: TableSpec = {
    id: "top-campaigns",
    columns: [
      left("Campaign", 3.2),
      left("Channel", 1.1),
      right("Spend", 1),
      right(period.vsPrevious, 1.05),
      right("ROAS", 0.8),
      right(period.vsPrevious, 1.05),
      right("CPA", 0.9),
      right(period.vsPrevious, 1.05),
    ],
    rows: campaignRows,
    emptyText: "No campaign spend in the period (the ad platforms' campaign rows have not landed).",
    note: [
      `${period.toDateLabel} against the same days of the ${period.ranges.period === "monthly" ? "month" : "week"} before. ROAS = UTM-attributed revenue ÷ spend; CPA = spend ÷ attributed orders.`,
      rows.some(incomplete)
        ? "* Incomplete: its platform had days without data; its figures count only what landed and are not judged."
        : "",
    ]
      .filter(Boolean)
      .join(" "),
  };
  const adGroups = data.marts.adGroupPeriods ?? [];
  const adGroupTable: TableSpec = {
    id: "top-ad-groups",
    columns: [
      left("Ad group (Meta: ad set)", 2.6),
      left("Campaign", 2.2),
      left("Platform", 1),
      right("Spend", 1),
      right(period.vsPrevious, 1.05),
      right("Platform ROAS", 1),
      right("Platform CPA", 1),
    ],
    rows: adGroups
      .slice(0, MAX_AD_GROUP_ROWS)
      .map((row) => [
        cell(shortName(row.ad_group_name, row.ad_group_id), undefined, true),
        cell(shortName(row.campaign_name, NOT_AVAILABLE)),
        cell(sourceDisplayName(row.platform)),
        cell(formatMoney(row.current_spend, fmt), undefined, true),
        change("neutral", row.current_spend, row.previous_spend || null, !missing.has(row.platform)),
        cell(formatRatio(safeRatio(row.current_conversion_value, row.current_spend), locale, 2, "×")),
        cell(formatMoney(safeRatio(row.current_spend, row.current_conversions), fmt, 2)),
      ]),
    emptyText: "No ad group spend in the period.",
    note: "Platform ROAS and CPA: what the ad platform reports (UTMs name campaigns, not ad groups). No ad or creative level in the data yet.",
  };
  return {
    kind: "campaigns",
    section: "Paid marketing",
    title: "Top campaigns and ad groups by spend",
    blocks: [full({ type: "table", table: campaigns }), full({ type: "table", table: adGroupTable })],
    notes: rows.length
      ? `Top campaigns by spend (${period.toDateLabel}): ${rows
          .slice(0, 3)
          .map((row) => {
            const now = campaignRatios(row, "current");
            return `${row.campaign_name ?? row.campaign_key} (${channelLabel(row.channel)}) spent ${formatMoney(row.current_spend, fmt)} at ${formatRatio(now.roas, locale, 2, "×")} ROAS`;
          })
          .join("; ")}.`
      : "No campaign rows for the period.",
  };
}

/**
 * Each paid channel's new customers (UTM-attributed first orders) and what one cost: spend ÷ new customers,
 * the month against last month (the mart's monthly rows; a CPA is a ratio, fair across months of different
 * lengths). New-customer ROAS needs the attributed first orders' revenue, which the mart does not hold yet.
 */
export function newCustomerSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const previousMonth = addMonths(runMonth, -1);
  const paid = data.marts.channelMonths.filter((row) => row.is_paid_channel);
  const current = paid.filter((row) => row.month === runMonth);
  const before = new Map(paid.filter((row) => row.month === previousMonth).map((row) => [row.channel, row]));
  const newCpa = (spend: number, customers: number) => safeRatio(spend, customers);
  const rows: TableCell[][] = current.map((row) => {
    const previous = before.get(row.channel);
    const incomplete = row.is_complete === false;
    const cpaNow = newCpa(row.spend, row.attributed_new_customers);
    const cpaThen = previous ? newCpa(previous.spend, previous.attributed_new_customers) : null;
    const cpaChange = compareAs(false, "down_is_good", cpaNow, cpaThen);
    return [
      cell(`${channelLabel(row.channel)}${incomplete ? " *" : ""}`, undefined, true),
      cell(formatMoney(row.spend, fmt)),
      cell(formatNumber(row.attributed_new_customers, locale)),
      cell(formatNumber(row.attributed_orders, locale)),
      cell(formatMoney(cpaNow, fmt, 2), undefined, true),
      changeCell(incomplete ? withoutJudgement(cpaChange) : cpaChange, locale),
      cell(formatMoney(row.cpa, fmt, 2)),
      cell(formatRatio(row.roas, locale, 2, "×")),
    ];
  });
  const table: TableSpec = {
    id: "new-customer-cpa",
    columns: [
      left("Channel", 1.4),
      right("Spend", 1.1),
      right("New customers", 1.1),
      right("Orders", 0.9),
      right("New-customer CPA", 1.3),
      right("vs last month", 1.1),
      right("CPA (all orders)", 1.2),
      right("ROAS", 0.8),
    ],
    rows,
    emptyText: `No paid channel rows for ${formatMonthYear(runMonth, locale)}.`,
    note: [
      "New customers = UTM-attributed first orders. New-customer CPA = spend ÷ new customers; CPA = spend ÷ attributed orders; ROAS = attributed revenue ÷ spend. New-customer ROAS needs first orders' attributed revenue, not in the data yet.",
      current.some((row) => row.is_complete === false)
        ? "* Incomplete: days without platform data; its change is not judged."
        : "",
    ]
      .filter(Boolean)
      .join(" "),
  };
  // Month by month: a month whose platform had days missing has no point (its CPA counts only what landed).
  const months = [...new Set(paid.map((row) => row.month))].sort();
  const channels = [...new Set(current.map((row) => row.channel))];
  const chart: ChartSpec = {
    id: "new-customer-cpa-monthly",
    title: "New-customer CPA by month",
    kind: "column",
    labels: months.map((month) => formatMonthShort(month, locale)),
    series: channels.map((channel) => ({
      name: channelLabel(channel),
      as: "line" as const,
      values: months.map((month) => {
        const row = paid.find((one) => one.month === month && one.channel === channel);
        return row && row.is_complete !== false ? newCpa(row.spend, row.attributed_new_customers) : null;
      }),
    })),
    numberFormat: excelMoneyFormat(fmt),
    emptyText: "No paid channel months yet.",
  };
  return {
    kind: "channel-performance",
    section: "Paid marketing",
    title: `New-customer CPA by channel — ${formatMonthYear(runMonth, locale)}`,
    blocks: [full({ type: "table", table }), full({ type: "chart", chart })],
  };
}
