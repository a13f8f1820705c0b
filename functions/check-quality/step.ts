// Step 4: after the build, test the data and look for what a founder would want to know before reading it.
// Data tests (sql/audits), business rules, anomaly detection on the day's numbers and column profiles; the
// findings go to the ledger (returned), ops.findings and runs/dt=<date>/anomalies.{md,json}.
import { addDays } from "../lib/calendar.ts";
import type { Finding } from "../shared/findings.ts";
import { saveFindings } from "../lib/quality/findings-store.ts";
import { postCriticalFindings } from "../lib/chat-alerts.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { SqlParams } from "../shared/ports.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { runWindow, windowParams } from "../lib/run-window.ts";
import { type AnomalyVerdict, type DailyValue, detectAnomaly } from "../lib/quality/anomaly.ts";
import { compareWithLastYear, type LastYearComparison, lastYearWindow } from "../lib/quality/last-year.ts";
import { writeAnomaliesFiles } from "../lib/quality/anomalies-file.ts";
import { countFailingRows, loadAudits } from "./audits.ts";
import { channelOfSource, PAID_CHANNELS } from "../lib/sql/channels.ts";
import { readQuery } from "../lib/sql/queries.ts";
import {
  type ColumnProfile,
  COLUMN_PROFILE_COLUMNS,
  PROFILE_TARGETS,
  profiledColumns,
  profileEveryColumn,
  profileRows,
} from "./profiles.ts";
import {
  attributionFindings,
  type ChannelWindowRow,
  type CoverageDay,
  coverageFinding,
  currencyFinding,
  type DayWithoutRate,
  missingRateFindings,
  duplicatedBatchFinding,
  measureCoverage,
  noUtmFinding,
  metricAnomalyFinding,
  type NullOrderValues,
  nullOrderValuesFinding,
  nullRateFinding,
  rejectRateFinding,
  type TransformCost,
  transformCostFinding,
} from "./rules.ts";
import { formatBytes } from "../lib/bytes.ts";
import type { Ledger, StepRecord } from "../shared/ledger.ts";
import { anomalyOptionsFor, historyDays, type QualitySettings } from "../shared/quality-settings.ts";

export const COLUMN_PROFILES_TABLE = "column_profiles";

type Add = (partial: Omit<Finding, "step">) => void;

interface QualityRun {
  context: StepContext;
  settings: QualitySettings;
  runDate: string;
  /** The models' parameters for the run window. */
  params: SqlParams;
  add: Add;
  formatMoney: (value: number) => string;
}

/** Fills the days between the first one seen and the run date; a day with no row had none of it (0). */
function dailySeries<T extends { date: string }>(
  rows: readonly T[],
  runDate: string,
  value: (row: T) => number | null,
  missing: number | null,
): DailyValue[] {
  if (rows.length === 0) return [];
  const byDate = new Map(rows.map((row) => [row.date, row]));
  const series: DailyValue[] = [];
  for (let date = rows[0]?.date ?? runDate; date <= runDate; date = addDays(date, 1)) {
    const row = byDate.get(date);
    series.push({ date, value: row ? value(row) : missing });
  }
  return series;
}

/**
 * Independent checks at once (on BigQuery each query is a job whose time is mostly latency), each adding to its
 * own list: the findings then follow the checks' order, whichever answered first. Every check finishes before a
 * failure is thrown, so nothing keeps querying once the step has its answer.
 */
async function sideBySide(run: QualityRun, checks: ((run: QualityRun) => Promise<void>)[]): Promise<void> {
  const outcomes = await Promise.allSettled(
    checks.map(async (check) => {
      const added: Parameters<Add>[0][] = [];
      await check({ ...run, add: (partial) => added.push(partial) });
      return added;
    }),
  );
  for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;
  for (const outcome of outcomes) {
    if (outcome.status === "fulfilled") for (const partial of outcome.value) run.add(partial);
  }
}

async function runAudits(run: QualityRun): Promise<number> {
  const audits = loadAudits();
  const failingRows = await countFailingRows(
    run.context.ports.warehouse,
    audits,
    run.params,
    run.context.log,
  );
  audits.forEach((audit, index) => {
    const failing = failingRows[index] ?? 0;
    if (failing === 0) return;
    const rows = `${failing.toLocaleString("en-US")} offending row${failing === 1 ? "" : "s"}`;
    run.add({
      check: `audit_${audit.name}`,
      severity: audit.blocking ? "critical" : "warning",
      blocking: audit.blocking,
      subject: audit.table ?? audit.name,
      ...(audit.table ? { table: audit.table } : {}),
      ...(audit.column ? { column: audit.column } : {}),
      observed: failing,
      expected: "0 rows",
      message: audit.blocking
        ? `Data test failed: ${audit.description.replace(/\.$/, "")} (${rows}). Export is stopped so dashboards do not show it.`
        : `Data test failed: ${audit.description.replace(/\.$/, "")} (${rows}).`,
    });
  });
  return audits.length;
}

/** The daily transforms a cost jump is judged against: two weeks, and at least a week of them. */
const COST_HISTORY_RUNS = 14;
const COST_LIMITS = { minRuns: 7, factor: 2, minExcessBytes: 2 ** 30 };

/** What a transform's ledger record says it billed (warehouse.bytesBilled: run-step.ts keeps it; 0 on DuckDB). */
function transformCostOf(record: StepRecord | undefined): TransformCost | undefined {
  if (record?.status !== "succeeded") return undefined;
  const { metrics } = record;
  return {
    runDate: record.runDate,
    bytesBilled: Number(metrics["warehouse.bytesBilled"] ?? 0),
    // A run that rebuilt models whole after an upgrade changed their columns bills like a full build, once.
    fullBuild:
      (metrics.models !== undefined && metrics.fullBuilds === metrics.models) ||
      Number(metrics.columnsChangedModels ?? 0) > 0,
  };
}

/** What the run date's transform and those of the `days` before it billed, from their ledger records. */
export async function transformCosts(
  ledger: Pick<Ledger, "read">,
  runDate: string,
  days: number,
): Promise<{ today?: TransformCost; earlier: TransformCost[] }> {
  const [today, ...earlier] = await Promise.all(
    Array.from({ length: days + 1 }, (_, back) =>
      ledger.read(addDays(runDate, -back), "transform").then(transformCostOf),
    ),
  );
  return { ...(today ? { today } : {}), earlier: earlier.filter((cost) => cost !== undefined) };
}

/** The run's transform against the days before: a jump in what BigQuery billed. */
async function checkTransformCost(run: QualityRun): Promise<void> {
  const { today, earlier } = await transformCosts(run.context.ledger, run.runDate, COST_HISTORY_RUNS);
  const finding = transformCostFinding(today, earlier, COST_LIMITS, formatBytes);
  if (finding) run.add(finding);
}

/** Orders enough to say that none carries a UTM (fewer say nothing either way). */
const NO_UTM_MIN_ORDERS = 10;

async function checkAttribution(run: QualityRun): Promise<void> {
  const { warehouse } = run.context.ports;
  const { windowDays } = run.settings.attribution;
  const days = await warehouse.query<CoverageDay>(
    readQuery("check-quality/attribution_coverage"),
    { history_start_date: addDays(run.runDate, -historyDays(run.settings)), run_date: run.runDate },
    { label: "attribution coverage" },
  );
  // No UTM anywhere is how the shop tracks (or does not), not a break: one information, nothing daily.
  const noUtms = noUtmFinding(days, NO_UTM_MIN_ORDERS);
  if (noUtms) {
    run.add(noUtms);
    return;
  }
  const rows = await warehouse.query<ChannelWindowRow>(
    readQuery("check-quality/attribution_by_channel"),
    { window_start: addDays(run.runDate, -(windowDays - 1)), run_date: run.runDate },
    { label: "attribution by channel" },
  );
  const unused = unusedChannels(run.settings);
  for (const item of attributionFindings(
    rows
      .filter((row) => !unused.has(row.channel))
      .map((row) => ({ ...row, spend_without_revenue: Number(row.spend_without_revenue) })),
    windowDays,
    run.formatMoney,
  ))
    run.add(item);

  const input = { runDate: run.runDate, days, settings: run.settings };
  const measured = measureCoverage(input);
  const coverage = coverageFinding(
    { ...measured, fallenChannels: measured.fallenChannels.filter((fallen) => !unused.has(fallen.channel)) },
    input,
  );
  if (coverage) run.add(coverage);
}

async function checkOrderRecords(run: QualityRun): Promise<void> {
  const { warehouse } = run.context.ports;
  const [nulls] = await warehouse.query<NullOrderValues>(
    readQuery("check-quality/null_order_values"),
    run.params,
    { label: "null order values" },
  );
  const missing = nullOrderValuesFinding(nulls);
  if (missing) run.add(missing);

  const duplicates = await warehouse.query<{ order_date: string; orders: number }>(
    readQuery("check-quality/duplicated_raw_batches"),
    { duplicate_start_date: addDays(run.runDate, -run.settings.duplicateWindowDays), run_date: run.runDate },
    { label: "duplicated raw batches" },
  );
  for (const batch of duplicates) run.add(duplicatedBatchFinding(batch));

  const shopCurrency = run.context.config.shop.currency;
  // Orders in another currency are added up as the shop's: a mismatch to fix at the source.
  const orderCurrencies = await warehouse.query<{ currency: string | null; row_count: number }>(
    readQuery("check-quality/order_currencies"),
    run.params,
    { label: "currencies unified.shopify_unified" },
  );
  const mismatch = currencyFinding("unified.shopify_unified", orderCurrencies, shopCurrency);
  if (mismatch) run.add(mismatch);
  // Ad spend in another currency is converted at the day's rate; the days without one are named.
  const daysWithoutRates = await warehouse.query<DayWithoutRate>(
    readQuery("check-quality/ad_days_without_rates"),
    run.params,
    { label: "ad days without exchange rates" },
  );
  for (const finding of missingRateFindings(
    daysWithoutRates,
    shopCurrency,
    run.context.config.exchangeRates.source,
  ))
    run.add(finding);
}

async function checkFileDrops(run: QualityRun): Promise<void> {
  // The ingest step records fileRowsRead / fileRowsQuarantined when it parsed file drops; without them there is
  // nothing to judge (warehouse-only sources, or an ingest that predates those metrics).
  const ingest = await run.context.ledger.read(run.runDate, "ingest");
  const finding = rejectRateFinding(ingest?.metrics, run.settings.fileDrops.maxRejectRate);
  if (finding) run.add(finding);
}

/**
 * Channels whose source the shop does not use (quality.sources.<name>.expected = false): they raise nothing, even
 * when some of their rows are in the warehouse (an old sync, a one-off file).
 */
function unusedChannels(settings: QualitySettings): Set<string> {
  return new Set(
    SOURCES.filter((source) => settings.sources[source.name]?.expected === false).flatMap((source) => {
      const channel = channelOfSource(source.name);
      return channel ? [channel] : [];
    }),
  );
}

/** Channels whose source check-sources already reported stale or missing: their missing spend is that news. */
function staleChannels(earlier: readonly Finding[]): Set<string> {
  const staleSources = new Set(
    earlier
      .filter((item) => item.check === "source_freshness" || item.check === "source_missing")
      .map((item) => item.source ?? item.subject),
  );
  return new Set(
    SOURCES.filter((source) => staleSources.has(source.name)).flatMap((source) => {
      const channel = channelOfSource(source.name);
      return channel ? [channel] : [];
    }),
  );
}

type KpiRow = { date: string; orders: number; gross_revenue: number; aov: number | null };
type SpendRow = { date: string; channel: string; spend: number };

/**
 * Reads last year's comparable day and the 28 days before it, once, and only when a verdict needs them: the
 * history queries over that 29-day range (partition-pruned), so a daily run reads a bounded handful of days.
 */
function lastYearReader<T extends object>(run: QualityRun, query: string, label: string): () => Promise<T[]> {
  let rows: Promise<T[]> | undefined;
  return () => {
    const window = lastYearWindow(run.context.config.shop.country, run.runDate);
    rows ??= run.context.ports.warehouse.query<T>(
      readQuery(query),
      { history_start_date: window.start, run_date: window.end },
      { label },
    );
    return rows;
  };
}

/** The anomalous day against its comparable day last year; undefined for a normal day (nothing to explain). */
async function compareAnomaly<T extends { date: string }>(
  run: QualityRun,
  verdict: AnomalyVerdict,
  series: readonly DailyValue[],
  lastYearRows: () => Promise<T[]>,
  value: (row: T) => number | null,
  missing: number | null,
): Promise<LastYearComparison | undefined> {
  if (verdict.status !== "anomaly") return undefined;
  const window = lastYearWindow(run.context.config.shop.country, run.runDate);
  const lastYear = dailySeries(await lastYearRows(), window.end, value, missing);
  return compareWithLastYear(
    [...lastYear, ...series],
    run.runDate,
    run.context.config.shop.country,
    run.settings.anomaly.lastYearTolerance,
  );
}

async function checkAnomalies(run: QualityRun, skipChannels: ReadonlySet<string>): Promise<void> {
  const { warehouse } = run.context.ports;
  const range = {
    history_start_date: addDays(run.runDate, -historyDays(run.settings)),
    run_date: run.runDate,
  };
  const kpis = await warehouse.query<KpiRow>(readQuery("check-quality/daily_kpis_history"), range, {
    label: "daily kpis history",
  });
  const lastYearKpis = lastYearReader<KpiRow>(
    run,
    "check-quality/daily_kpis_history",
    "daily kpis last year",
  );
  const metrics = [
    {
      metric: "gross_revenue",
      kind: "revenue",
      value: (row: (typeof kpis)[number]) => Number(row.gross_revenue),
    },
    { metric: "orders", kind: "orders", value: (row: (typeof kpis)[number]) => Number(row.orders) },
    {
      metric: "aov",
      kind: "aov",
      value: (row: (typeof kpis)[number]) => (row.aov === null ? null : Number(row.aov)),
    },
  ] as const;
  let revenueChange: number | null = null;
  for (const { metric, kind, value } of metrics) {
    const missing = metric === "aov" ? null : 0;
    const series = dailySeries(kpis, run.runDate, value, missing);
    const verdict = detectAnomaly(series, run.runDate, anomalyOptionsFor(run.settings, kind));
    if (metric === "gross_revenue") revenueChange = verdict.relativeChange;
    const finding = metricAnomalyFinding({
      metric,
      verdict,
      settings: run.settings,
      formatMoney: run.formatMoney,
      lastYear: await compareAnomaly(run, verdict, series, lastYearKpis, value, missing),
    });
    if (finding) run.add(finding);
  }

  const spend = await warehouse.query<SpendRow>(readQuery("check-quality/spend_history"), range, {
    label: "spend history",
  });
  const lastYearSpend = lastYearReader<SpendRow>(run, "check-quality/spend_history", "spend last year");
  for (const channel of PAID_CHANNELS) {
    if (skipChannels.has(channel)) continue;
    const rows = spend.filter((row) => row.channel === channel);
    const spendOf = (row: SpendRow) => Number(row.spend);
    const series = dailySeries(rows, run.runDate, spendOf, 0);
    const verdict = detectAnomaly(series, run.runDate, anomalyOptionsFor(run.settings, "adSpend"));
    const channelLastYear = async () => (await lastYearSpend()).filter((row) => row.channel === channel);
    const finding = metricAnomalyFinding({
      metric: "spend",
      channel,
      verdict,
      settings: run.settings,
      formatMoney: run.formatMoney,
      revenueChange,
      lastYear: await compareAnomaly(run, verdict, series, channelLastYear, spendOf, 0),
    });
    if (finding) run.add(finding);
  }
}

async function profileColumns(run: QualityRun): Promise<number> {
  const { warehouse } = run.context.ports;
  const range = {
    history_start_date: addDays(run.runDate, -historyDays(run.settings)),
    run_date: run.runDate,
  };
  const columns = profiledColumns();
  const profiled = await profileEveryColumn(warehouse, columns, range, run.context.log);
  const rows = [];
  for (const target of PROFILE_TARGETS) {
    const profiles: ColumnProfile[] = profiled.filter((_, index) => columns[index]?.target === target).flat();
    rows.push(...profileRows(run.runDate, target, profiles));
    for (const column of target.columns.filter((candidate) => candidate.alertOnNullRate)) {
      const series = profiles
        .filter((profile) => profile.column === column.name)
        .map((profile) => ({ date: profile.date, value: profile.nullRate }));
      const verdict = detectAnomaly(series, run.runDate, anomalyOptionsFor(run.settings, "nullRate"));
      const finding = nullRateFinding(target.table, column.name, verdict);
      if (finding) run.add(finding);
    }
  }
  await warehouse.load({
    dataset: DATASETS.ops,
    table: COLUMN_PROFILES_TABLE,
    columns: COLUMN_PROFILE_COLUMNS,
    replaceWhere: { column: "run_date", value: run.runDate },
    rows,
  });
  return rows.length;
}

export async function runCheckQuality(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const settings = context.config.quality;
  const findings: Finding[] = [];
  const money = new Intl.NumberFormat(context.config.shop.locale, {
    style: "currency",
    currency: context.config.shop.currency,
    maximumFractionDigits: 0,
  });
  const run: QualityRun = {
    context,
    settings,
    runDate,
    params: windowParams(context, runWindow(runDate, context.config.lookbackDays)),
    add: (partial) => findings.push({ step: "check-quality", ...partial }),
    formatMoney: (value) => money.format(value),
  };
  const earlier = (await context.ledger.findings(runDate)).filter((item) => item.step !== "check-quality");

  const skipChannels = new Set([...staleChannels(earlier), ...unusedChannels(settings)]);
  // The audits and the column profiles too: each was a query (a job) waited for before the next began.
  let audits = 0;
  let profiled = 0;
  await sideBySide(run, [
    async (own) => {
      audits = await runAudits(own);
    },
    checkAttribution,
    checkOrderRecords,
    checkFileDrops,
    checkTransformCost,
    (own) => checkAnomalies(own, skipChannels),
    async (own) => {
      profiled = await profileColumns(own);
    },
  ]);

  const allFindings = [...earlier, ...findings];
  await saveFindings(warehouse, runDate, allFindings);
  const outputs = await writeAnomaliesFiles(bucket, runDate, allFindings, context.config.shop.locale);
  await postCriticalFindings(context, findings);
  const blocking = findings.filter((item) => item.blocking);
  const count = (severity: Finding["severity"]) =>
    findings.filter((item) => item.severity === severity).length;
  return {
    rows: { [`${DATASETS.ops}.${COLUMN_PROFILES_TABLE}`]: profiled },
    outputs,
    findings,
    metrics: {
      audits,
      findings: findings.length,
      critical: count("critical"),
      warnings: count("warning"),
      blocking: blocking.length,
      profiledColumns: profiled,
    },
    blocked: blocking.length > 0,
    summary: blocking.length
      ? `blocking: ${blocking.map((item) => item.message).join(" ")}`
      : `${audits} data tests run; ${count("critical")} critical, ${count("warning")} warnings, ${count("info")} for information`,
  };
}
