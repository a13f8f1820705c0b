// Campaigns, ad groups and new-customer acquisition in the paid-marketing section: the top campaigns by spend
// with ROAS, CPA and their change against the same days of last month (marts.campaign_performance_daily), the
// top ad groups as their platforms report them (a UTM names a campaign, never an ad group or an ad: the mart
// has no ad or creative level), and new customers by paid channel: their CPA and ROAS against last month and
// last year (marts.marketing_monthly_performance).
import { addMonths, monthStart } from "../lib/calendar.ts";
import {
  missingSourceReason,
  sourceDisplayName,
  spendGapKind,
  withoutJudgement,
} from "../lib/reporting/completeness.ts";
import {
  formatMoney,
  formatMonthShort,
  formatMonthYear,
  formatNumber,
  formatRatio,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import { compareAs, missingSourcesOf } from "../lib/reporting/kpi-comparisons.ts";
import type { CampaignPeriodRow } from "../lib/reporting/report-data.ts";
import { channelLabel, channelOfSource } from "../lib/sql/channels.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import {
  cell,
  costPer,
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
import { noSpendNote, notConnected, paidTotalLabel } from "../lib/reporting/paid-spend.ts";
import {
  type NewCustomerChannel,
  type NewCustomerMonth,
  newCustomerChannels,
} from "./new-customer-channels.ts";

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
  return { roas: safeRatio(revenue, spend), cpa: costPer(spend, orders) };
}

export function campaignsSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale, period } = ctx;
  const rows = (data.marts.campaignPeriods ?? []).slice(0, MAX_CAMPAIGN_ROWS);
  const missing = platformsMissing(ctx);
  // Why the period's campaign spend is short, per ad platform missing on some of its days: a platform whose rows
  // landed without an exchange rate has campaign rows but no spend in the shop's money to rank them by, and an
  // empty table must say so rather than that its rows have not landed.
  const adPlatforms = [...missing].filter((source) => channelOfSource(source as SourceName) !== undefined);
  const whyOf = (sources: readonly string[]) =>
    sources.length
      ? ` (${sources.map((source) => `${sourceDisplayName(source)}: ${missingSourceReason(data.daily, source, data.runDate, locale)}`).join("; ")})`
      : "";
  const why = whyOf(adPlatforms);
  const incomplete = (row: CampaignPeriodRow) => row.incomplete_days > 0 || missing.has(row.platform);
  // The note's reason names the platforms of the rows it marks.
  const markedWhy = whyOf(
    adPlatforms.filter((source) => rows.some((row) => row.platform === source && incomplete(row))),
  );
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
      cell(formatMoney(now.cpa, fmt, true)),
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
    emptyText: why
      ? `No campaign spend in the period${why}.`
      : "No campaign spend in the period (the ad platforms' campaign rows have not landed).",
    note: [
      `${period.toDateLabel} against the same days of the ${period.ranges.period === "monthly" ? "month" : "week"} before. ROAS = UTM-attributed revenue ÷ spend; CPA = spend ÷ attributed orders.`,
      rows.some(incomplete)
        ? `* Incomplete${markedWhy || ": its platform had days without data"}; its figures count only what landed and are not judged.`
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
        cell(formatMoney(safeRatio(row.current_spend, row.current_conversions), fmt, true)),
      ]),
    emptyText: `No ad group spend in the period${why}.`,
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
      : `No campaign rows for the period${why}.`,
  };
}

/**
 * New customers by channel (the seed deck's PPC table): each paid channel's spend, new customers (UTM-attributed
 * first orders), what one cost (spend ÷ new customers) and what they returned (their revenue ÷ spend), against
 * last month and the same month last year (new-customer-channels.ts). A change where either month lacks a
 * platform's days is shown but not judged.
 */
export function newCustomerSlide(ctx: Context): ContentSlide {
  const { data, fmt, locale } = ctx;
  const runMonth = monthStart(data.runDate);
  const paid = data.marts.channelMonths.filter((row) => row.is_paid_channel);
  const lines = newCustomerChannels(data.marts.channelMonths, data.runDate);
  const newCpa = (spend: number, customers: number) => costPer(spend, customers);
  const change = (
    line: NewCustomerChannel,
    base: NewCustomerChannel["previousMonth"],
    pick: (month: NewCustomerMonth) => number | null,
    polarity: "up_is_good" | "down_is_good",
  ): TableCell => {
    const compared = compareAs(false, polarity, pick(line.current), base ? pick(base) : null);
    const unjudged = line.current.incompleteDays > 0 || (base?.incompleteDays ?? 0) > 0;
    return changeCell(unjudged ? withoutJudgement(compared) : compared, locale);
  };
  const total = lines.find((line) => line.channel === null);
  const leftOut = total?.leftOut ?? [];
  const rows: TableCell[][] = lines.map((line) => {
    const total = line.channel === null;
    const name = total ? paidTotalLabel(line.leftOut.map(channelLabel)) : channelLabel(line.channel ?? "");
    // A channel whose platform is not connected has no spend figure at all: n/a, not $0.
    const spendUnknown = line.channel !== null && notConnected(data, line.channel);
    return [
      cell(`${name}${line.current.incompleteDays ? " *" : ""}`, undefined, true),
      spendUnknown
        ? cell(NOT_AVAILABLE, "muted")
        : cell(formatMoney(line.current.spend, fmt), undefined, total),
      cell(formatNumber(line.current.newCustomers, locale), undefined, total),
      cell(formatMoney(line.current.cpa, fmt, true), undefined, true),
      change(line, line.previousMonth, (month) => month.cpa, "down_is_good"),
      change(line, line.lastYear, (month) => month.cpa, "down_is_good"),
      cell(formatRatio(line.current.roas, locale, 2, "×"), undefined, true),
      change(line, line.previousMonth, (month) => month.roas, "up_is_good"),
      change(line, line.lastYear, (month) => month.roas, "up_is_good"),
    ];
  });
  const previousLabel = formatMonthShort(addMonths(runMonth, -1), locale);
  const lastYearLabel = formatMonthShort(addMonths(runMonth, -12), locale);
  const table: TableSpec = {
    id: "new-customers-by-channel",
    columns: [
      // Wide enough that "All paid channels *" and the headers keep to two lines.
      left("Channel", 1.85),
      right("Spend", 1.0),
      right("New customers", 1.05),
      right("New-customer CPA", 1.5),
      right(`vs ${previousLabel}`, 0.85),
      right(`vs ${lastYearLabel}`, 0.85),
      right("New-customer ROAS", 1.5),
      right(`vs ${previousLabel}`, 0.85),
      right(`vs ${lastYearLabel}`, 0.85),
    ],
    rows,
    emptyText: `No paid channel rows for ${formatMonthYear(runMonth, locale)}.`,
    note: [
      ...(leftOut.length
        ? [
            noSpendNote(data, leftOut, {
              one: "its new customers and their revenue",
              many: "their new customers and the revenue of those",
            }),
          ]
        : []),
      "New customers = UTM-attributed first orders. New-customer CPA = spend ÷ new customers; new-customer ROAS = their first orders' revenue ÷ spend. Changes compare the month to date with the whole month before and the same month last year; n/a without a month to compare.",
      lines.some((line) => line.current.incompleteDays > 0)
        ? `* Incomplete: ${
            {
              data: "days without platform data",
              rate: "days whose platform spend was not converted (no exchange rate)",
              both: "days without platform data or without an exchange rate",
            }[spendGapKind(data.daily, runMonth, data.runDate)]
          }; its changes are not judged.`
        : "",
    ]
      .filter(Boolean)
      .join(" "),
  };
  // Month by month: a month whose platform had days missing has no point (its CPA counts only what landed).
  const months = [...new Set(paid.map((row) => row.month))].sort();
  const channels = lines.flatMap((line) => (line.channel === null ? [] : [line.channel]));
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
    title: `New customers by channel — ${formatMonthYear(runMonth, locale)}`,
    blocks: [full({ type: "table", table }), full({ type: "chart", chart })],
    notes: lines.length
      ? `New customers by channel, ${formatMonthYear(runMonth, locale)} to ${ctx.runDay}: ${lines
          .filter((line) => line.channel !== null)
          .map(
            (line) =>
              `${channelLabel(line.channel ?? "")} brought ${formatNumber(line.current.newCustomers, locale)} at ${formatMoney(line.current.cpa, fmt, true)} each (new-customer ROAS ${formatRatio(line.current.roas, locale, 2, "×")})`,
          )
          .join("; ")}.`
      : "No paid channel rows for the month.",
  };
}
