// Reads what the deck and the email show: small, aggregated mart rows plus the run's findings (the queries are
// sql/queries/reporting/). Every query is bounded (a date range and a row ceiling), so the cost and the memory
// stay flat as history grows.
import { describeCorrupt, readStateFile } from "../../shared/state-file.ts";
import { stripControlCharactersDeep } from "../text-safety.ts";
import { sourcesStatusPath } from "../bucket-layout.ts";
import { addDays, addMonths, monthStart } from "../calendar.ts";
import { sortFindings } from "../../shared/findings.ts";
import { readQuery } from "../sql/queries.ts";
import { channelOfSource } from "../sql/channels.ts";
import { SOURCES } from "../../shared/sources.ts";
import { allLimited, type TaskResults } from "../concurrency.ts";
import { DATASETS } from "../../shared/pipeline.ts";
import { RECONCILIATION_TABLE } from "../quality/reconciliation-table.ts";
import { type ReportPeriod, reportPeriodRanges } from "./kpi-comparisons.ts";
import type {
  AdGroupPeriodRow,
  CampaignPeriodRow,
  ChannelDayRow,
  ChannelGapRow,
  ChannelMixRow,
  ChannelPeriodRow,
  ChannelMonthRow,
  CohortRow,
  DailyKpiRow,
  ExecutiveMonthRow,
  PeriodMarts,
  PremiumProductRow,
  ProductMonthRow,
  ProductPeriodRow,
  ReconciliationRow,
  ProductRow,
  RegionMonthRow,
  ReportData,
  SourceStatus,
} from "./report-data.ts";
import type { Warehouse } from "../../shared/ports.ts";
import type { StepContext } from "../../shared/step.ts";

/**
 * Daily history reaches back to the first day of the month 13 months before the run month: the last full
 * month against the same month a year earlier, and the same weekday 52 weeks back, both fit.
 */
export const REPORT_HISTORY_MONTHS = 13;
export const MAX_HISTORY_DAYS = 31 * (REPORT_HISTORY_MONTHS + 1);
export const CHANNEL_HISTORY_DAYS = 28;
export const TOP_PRODUCTS = 5;
/** Months of monthly marts: the run month and 12 before (a year-ago bar and a trailing-6 PPC index for 6). */
export const MONTHLY_HISTORY = 13;
export const TOP_PRODUCTS_PER_MONTH = 10;
export const TOP_REGIONS_PER_MONTH = 10;
export const COHORT_MONTHS = 12;
/** Campaigns (and ad groups) on the campaign slide. */
export const TOP_CAMPAIGNS = 8;
/** A generous ceiling on channels per month (three paid, email, direct and organic, other). */
const MAX_CHANNELS = 12;

export function historyStart(runDate: string): string {
  return addMonths(runDate, -REPORT_HISTORY_MONTHS);
}

/** The monthly marts the deck's period sections read. */
export async function loadPeriodMarts(
  warehouse: Warehouse,
  runDate: string,
  period: ReportPeriod = "monthly",
): Promise<PeriodMarts> {
  return periodMarts(
    await allLimited(warehouse.parallelReads ?? 1, periodMartReads(warehouse, runDate, period)),
    period,
  );
}

function periodMarts(
  read: TaskResults<ReturnType<typeof periodMartReads>>,
  period: ReportPeriod,
): PeriodMarts {
  const { reconciliation, ...marts } = read;
  return { ...marts, rangesPeriod: period, ...reconciliation };
}

/**
 * The explained days of the channels whose ad platform the shop uses. The explanations mart has a row for every
 * paid channel every day: a shop without Meta (quality.sources.facebook_ads.expected = false) would otherwise
 * read "Meta Ads source stale" for every day of the deck, where its checks raise nothing.
 */
function gapsOfUsedChannels(
  rows: ChannelGapRow[],
  quality: StepContext["config"]["quality"],
): ChannelGapRow[] {
  const unused = new Set(
    SOURCES.filter((source) => quality.sources[source.name]?.expected === false).flatMap((source) => {
      const channel = channelOfSource(source.name);
      return channel ? [channel] : [];
    }),
  );
  return rows.filter((row) => !unused.has(row.channel));
}

/** The reads of loadPeriodMarts, each a bounded query, independent of the others. */
function periodMartReads(warehouse: Warehouse, runDate: string, period: ReportPeriod) {
  const runMonth = monthStart(runDate);
  const months = {
    run_month_date: runMonth,
    previous_month_date: addMonths(runDate, -1),
    first_month_date: addMonths(runDate, -(MONTHLY_HISTORY - 1)),
    run_date: runDate,
  };
  // The like-for-like sums follow the deck's period: month (or week) to date and the same days before.
  const ranges = reportPeriodRanges(runDate, period).toDate;
  const periodRanges = {
    current_from_date: ranges.current.from,
    current_to_date: ranges.current.to,
    previous_from_date: ranges.previous.from,
    previous_to_date: ranges.previous.to,
    last_year_from_date: ranges.lastYear.from,
    last_year_to_date: ranges.lastYear.to,
  };
  return {
    monthly: () =>
      warehouse.query<ExecutiveMonthRow>(readQuery("reporting/executive_summary_monthly"), months, {
        label: "report executive_summary_monthly",
        maxRows: MONTHLY_HISTORY,
      }),
    channelMonths: () =>
      warehouse.query<ChannelMonthRow>(readQuery("reporting/marketing_monthly_performance"), months, {
        label: "report marketing_monthly_performance",
        maxRows: MONTHLY_HISTORY * MAX_CHANNELS,
      }),
    channelMix: () =>
      warehouse.query<ChannelMixRow>(readQuery("reporting/channel_mix"), months, {
        label: "report channel_mix",
        maxRows: 2 * MAX_CHANNELS,
      }),
    productMonths: () =>
      warehouse.query<ProductMonthRow>(
        readQuery("reporting/top_products_per_month"),
        { ...months, top_products: TOP_PRODUCTS_PER_MONTH },
        { label: "report product_performance", maxRows: 2 * TOP_PRODUCTS_PER_MONTH },
      ),
    regions: () =>
      warehouse.query<RegionMonthRow>(
        readQuery("reporting/top_regions_per_month"),
        { ...months, top_regions: TOP_REGIONS_PER_MONTH },
        { label: "report geographic_sales", maxRows: 2 * TOP_REGIONS_PER_MONTH },
      ),
    cohorts: () =>
      warehouse.query<CohortRow>(
        readQuery("reporting/ltv_cohorts"),
        {
          ...months,
          cohort_start_date: addMonths(runDate, -(COHORT_MONTHS - 1)),
          cohort_months: COHORT_MONTHS,
        },
        { label: "report ltv_cohorts", maxRows: COHORT_MONTHS * COHORT_MONTHS },
      ),
    channelGaps: () =>
      warehouse.query<ChannelGapRow>(
        readQuery("reporting/channel_gaps"),
        { run_date: runDate, gaps_start_date: addDays(runDate, -(CHANNEL_HISTORY_DAYS - 1)) },
        { label: "report marketing_unified_with_explanations", maxRows: MAX_CHANNELS * 8 },
      ),
    channelPeriods: () =>
      warehouse.query<ChannelPeriodRow>(readQuery("reporting/channel_periods"), periodRanges, {
        label: "report marketing_daily_channel periods",
        maxRows: MAX_CHANNELS * 2,
      }),
    productPeriods: () =>
      warehouse.query<ProductPeriodRow>(
        readQuery("reporting/product_periods"),
        { ...periodRanges, top_products: TOP_PRODUCTS_PER_MONTH },
        { label: "report product_daily_sales periods", maxRows: 3 * TOP_PRODUCTS_PER_MONTH },
      ),
    regionsLastYear: () =>
      warehouse.query<RegionMonthRow>(
        readQuery("reporting/regions_last_year"),
        {
          run_month_date: runMonth,
          last_year_month_date: addMonths(runMonth, -12),
          top_regions: TOP_REGIONS_PER_MONTH,
        },
        { label: "report geographic_sales last year", maxRows: TOP_REGIONS_PER_MONTH },
      ),
    campaignPeriods: () =>
      warehouse.query<CampaignPeriodRow>(
        readQuery("reporting/campaign_periods"),
        { ...periodRanges, top_campaigns: TOP_CAMPAIGNS },
        { label: "report campaign_performance_daily campaigns", maxRows: TOP_CAMPAIGNS },
      ),
    adGroupPeriods: () =>
      warehouse.query<AdGroupPeriodRow>(
        readQuery("reporting/ad_group_periods"),
        { ...periodRanges, top_campaigns: TOP_CAMPAIGNS },
        { label: "report campaign_performance_daily ad groups", maxRows: TOP_CAMPAIGNS },
      ),
    premiumProducts: () =>
      warehouse.query<PremiumProductRow>(
        readQuery("reporting/premium_products"),
        { ...months, top_products: TOP_PRODUCTS_PER_MONTH },
        { label: "report premium_products", maxRows: 2 * TOP_PRODUCTS_PER_MONTH },
      ),
    reconciliation: () => loadReconciliation(warehouse, runDate),
  };
}

/** Sources × accounts × metrics: a generous ceiling on the scoreboard's rows. */
const MAX_RECONCILIATION_ROWS = 200;

/** The run date's reconciliation scoreboard, when check-sources ran one (its table exists only then). */
export async function loadReconciliation(
  warehouse: Warehouse,
  runDate: string,
): Promise<Pick<PeriodMarts, "reconciliation">> {
  const tables = await warehouse.listTables(DATASETS.ops);
  if (!tables.some((table) => table.name === RECONCILIATION_TABLE)) return {};
  const rows = await warehouse.query<ReconciliationRow>(
    readQuery("reporting/reconciliation"),
    { run_date: runDate },
    { label: "report reconciliation", maxRows: MAX_RECONCILIATION_ROWS },
  );
  return rows.length ? { reconciliation: rows } : {};
}

export async function loadReportData(
  context: Pick<StepContext, "ports" | "config" | "message" | "ledger">,
  links: ReportData["links"],
): Promise<ReportData> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  // Independent bounded reads, up to the warehouse's parallelReads at once: on BigQuery each is a job with its
  // own latency, so one after another they would cost a dozen latencies.
  const { daily, channels, topProducts, ...read } = await allLimited(warehouse.parallelReads ?? 1, {
    daily: () =>
      warehouse.query<DailyKpiRow>(
        readQuery("reporting/daily_kpis"),
        { history_start_date: historyStart(runDate), run_date: runDate },
        { label: "report daily_kpis", maxRows: MAX_HISTORY_DAYS },
      ),
    channels: () =>
      warehouse.query<ChannelDayRow>(
        readQuery("reporting/marketing_daily_channel"),
        { history_start_date: addDays(runDate, -(CHANNEL_HISTORY_DAYS - 1)), run_date: runDate },
        { label: "report marketing_daily_channel", maxRows: CHANNEL_HISTORY_DAYS * 20 },
      ),
    topProducts: () =>
      warehouse.query<ProductRow>(
        readQuery("reporting/top_products"),
        { run_date: runDate, top_products: TOP_PRODUCTS },
        { label: "report top products", maxRows: TOP_PRODUCTS },
      ),
    ...periodMartReads(warehouse, runDate, context.config.deckPeriod),
  });
  const marts = periodMarts(read, context.config.deckPeriod);
  marts.channelGaps = gapsOfUsedChannels(marts.channelGaps, context.config.quality);
  const sourcesRead = await readStateFile<SourceStatus[]>(bucket, sourcesStatusPath(runDate), (value) =>
    Array.isArray(value) ? undefined : "not a JSON array",
  );
  // Written by check-sources on every run: an unreadable one is set aside and shown empty, and said so.
  if (sourcesRead.corrupt) process.stderr.write(`${describeCorrupt(sourcesRead.corrupt)}\n`);
  const sources = sourcesRead.value ?? [];
  // Names from the data reach the deck's XML and the email: control characters never do.
  return stripControlCharactersDeep({
    shop: context.config.shop,
    runDate,
    ...(context.message.demo ? { demo: true } : {}),
    daily,
    channels,
    topProducts,
    marts,
    findings: sortFindings(await context.ledger.findings(runDate)),
    sources,
    links,
  });
}
