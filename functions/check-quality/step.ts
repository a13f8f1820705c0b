// Step 4: after the build, test the data and look for what a founder would want to know before reading it.
// Data tests (sql/audits), business rules, anomaly detection on the day's numbers and column profiles; the
// findings go to the ledger (returned), ops.findings and runs/dt=<date>/anomalies.{md,json}.
import { addDays } from "../lib/calendar.ts";
import type { Finding } from "../shared/findings.ts";
import { saveFindings } from "../lib/quality/findings-store.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { SqlParams } from "../shared/ports.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { runWindow, windowParams } from "../lib/run-window.ts";
import { type DailyValue, detectAnomaly } from "../lib/quality/anomaly.ts";
import { writeAnomaliesFiles } from "../lib/quality/anomalies-file.ts";
import { loadAudits } from "./audits.ts";
import { COLUMN_PROFILE_COLUMNS, PROFILE_TARGETS, profileRows, profileSql, toProfiles } from "./profiles.ts";
import {
  attributionFindings,
  type ChannelWindowRow,
  type CoverageDay,
  coverageFinding,
  currencyFinding,
  duplicatedBatchFinding,
  measureCoverage,
  metricAnomalyFinding,
  type NullOrderValues,
  nullOrderValuesFinding,
  nullRateFinding,
  PAID_CHANNELS,
  rejectRateFinding,
} from "./rules.ts";
import { anomalyOptionsFor, historyDays, type QualitySettings, readQualitySettings } from "./settings.ts";

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

async function runAudits(run: QualityRun): Promise<number> {
  const audits = loadAudits();
  for (const audit of audits) {
    const failures = await run.context.ports.warehouse.query(
      `SELECT COUNT(*) AS failing_rows FROM (${audit.sql}) AS audit`,
      run.params,
      { label: `audit ${audit.name}` },
    );
    const failing = Number(failures[0]?.failing_rows ?? 0);
    if (failing === 0) continue;
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
  }
  return audits.length;
}

async function checkAttribution(run: QualityRun): Promise<void> {
  const { warehouse } = run.context.ports;
  const { windowDays } = run.settings.attribution;
  const rows = await warehouse.query<ChannelWindowRow>(
    `SELECT
       channel,
       COUNTIF(spend > 0) AS days_with_spend,
       COUNTIF(spend > 0 AND attributed_revenue = 0) AS days_spend_without_revenue,
       SUM(IF(spend > 0 AND attributed_revenue = 0, spend, 0)) AS spend_without_revenue,
       MIN(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS first_day,
       MAX(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS last_day
     FROM marts.marketing_daily_channel
     WHERE date BETWEEN @window_start AND @run_date
       AND channel IN (${PAID_CHANNELS.map((channel) => `'${channel}'`).join(", ")})
     GROUP BY channel
     ORDER BY channel`,
    { window_start: addDays(run.runDate, -(windowDays - 1)), run_date: run.runDate },
    { label: "attribution by channel" },
  );
  for (const item of attributionFindings(
    rows.map((row) => ({ ...row, spend_without_revenue: Number(row.spend_without_revenue) })),
    windowDays,
    run.formatMoney,
  ))
    run.add(item);

  const days = await warehouse.query<CoverageDay>(
    `SELECT
       order_date AS date,
       channel,
       COUNT(*) AS orders,
       COUNTIF(utm_source IS NOT NULL) AS orders_with_utm
     FROM unified.shopify_unified
     WHERE order_date BETWEEN @history_start_date AND @run_date AND NOT is_cancelled
     GROUP BY order_date, channel
     ORDER BY order_date, channel`,
    { history_start_date: addDays(run.runDate, -historyDays(run.settings)), run_date: run.runDate },
    { label: "attribution coverage" },
  );
  const input = { runDate: run.runDate, days, settings: run.settings };
  const coverage = coverageFinding(measureCoverage(input), input);
  if (coverage) run.add(coverage);
}

async function checkOrderRecords(run: QualityRun): Promise<void> {
  const { warehouse } = run.context.ports;
  const [nulls] = await warehouse.query<NullOrderValues>(
    `SELECT
       COALESCE(SUM(orders_missing_value), 0) AS orders_missing_value,
       MIN(IF(orders_missing_value > 0, date, NULL)) AS first_day,
       MAX(IF(orders_missing_value > 0, date, NULL)) AS last_day
     FROM marts.daily_kpis WHERE date BETWEEN @window_start AND @window_end`,
    run.params,
    { label: "null order values" },
  );
  const missing = nullOrderValuesFinding(nulls);
  if (missing) run.add(missing);

  const duplicates = await warehouse.query<{ order_date: string; orders: number }>(
    `SELECT order_date, COUNT(*) AS orders
     FROM staging.stg_shopify_orders
     WHERE order_date BETWEEN @duplicate_start_date AND @run_date AND raw_copies_of_version > 1
     GROUP BY order_date ORDER BY order_date`,
    { duplicate_start_date: addDays(run.runDate, -run.settings.duplicateWindowDays), run_date: run.runDate },
    { label: "duplicated raw batches" },
  );
  for (const batch of duplicates) run.add(duplicatedBatchFinding(batch));

  const shopCurrency = run.context.config.shop.currency;
  for (const table of ["unified.shopify_unified", "unified.marketing_unified"] as const) {
    const sql =
      table === "unified.shopify_unified"
        ? `SELECT currency, COUNT(*) AS rows FROM unified.shopify_unified
           WHERE order_date BETWEEN @window_start AND @window_end GROUP BY currency ORDER BY currency`
        : `SELECT currency, COUNT(*) AS rows FROM (
             SELECT date, currency FROM unified.facebook_unified
             UNION ALL SELECT date, currency FROM unified.tiktok_unified
             UNION ALL SELECT date, currency FROM unified.google_ads_unified
           ) AS ad_rows
           WHERE date BETWEEN @window_start AND @window_end GROUP BY currency ORDER BY currency`;
    const currencies = await warehouse.query<{ currency: string | null; rows: number }>(sql, run.params, {
      label: `currencies ${table}`,
    });
    const mismatch = currencyFinding(
      table === "unified.shopify_unified" ? table : "unified ad tables",
      currencies,
      shopCurrency,
    );
    if (mismatch) run.add(mismatch);
  }
}

async function checkFileDrops(run: QualityRun): Promise<void> {
  // The ingest step records rowsRead / rowsQuarantined when it parsed file drops; without them there is
  // nothing to judge (warehouse-only sources, or an ingest that predates those metrics).
  const ingest = await run.context.ledger.read(run.runDate, "ingest");
  const finding = rejectRateFinding(ingest?.metrics, run.settings.fileDrops.maxRejectRate);
  if (finding) run.add(finding);
}

/** Channels whose source check-sources already reported stale or missing: their missing spend is that news. */
function staleChannels(earlier: readonly Finding[]): Set<string> {
  const staleSources = new Set(
    earlier
      .filter((item) => item.check === "source_freshness" || item.check === "source_missing")
      .map((item) => item.source ?? item.subject),
  );
  return new Set(
    SOURCES.filter((source) => source.channel && staleSources.has(source.name)).map(
      (source) => source.channel as string,
    ),
  );
}

async function checkAnomalies(run: QualityRun, skipChannels: ReadonlySet<string>): Promise<void> {
  const { warehouse } = run.context.ports;
  const range = {
    history_start_date: addDays(run.runDate, -historyDays(run.settings)),
    run_date: run.runDate,
  };
  const kpis = await warehouse.query<{
    date: string;
    orders: number;
    gross_revenue: number;
    aov: number | null;
  }>(
    `SELECT date, orders, gross_revenue, aov FROM marts.daily_kpis
     WHERE date BETWEEN @history_start_date AND @run_date ORDER BY date`,
    range,
    { label: "daily kpis history" },
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
    const series = dailySeries(kpis, run.runDate, value, metric === "aov" ? null : 0);
    const verdict = detectAnomaly(series, run.runDate, anomalyOptionsFor(run.settings, kind));
    if (metric === "gross_revenue") revenueChange = verdict.relativeChange;
    const finding = metricAnomalyFinding({
      metric,
      verdict,
      settings: run.settings,
      formatMoney: run.formatMoney,
    });
    if (finding) run.add(finding);
  }

  const spend = await warehouse.query<{ date: string; channel: string; spend: number }>(
    `SELECT date, channel, spend FROM marts.marketing_daily_channel
     WHERE date BETWEEN @history_start_date AND @run_date
       AND channel IN (${PAID_CHANNELS.map((channel) => `'${channel}'`).join(", ")})
     ORDER BY channel, date`,
    range,
    { label: "spend history" },
  );
  for (const channel of PAID_CHANNELS) {
    if (skipChannels.has(channel)) continue;
    const rows = spend.filter((row) => row.channel === channel);
    const series = dailySeries(rows, run.runDate, (row) => Number(row.spend), 0);
    const verdict = detectAnomaly(series, run.runDate, anomalyOptionsFor(run.settings, "adSpend"));
    const finding = metricAnomalyFinding({
      metric: "spend",
      channel,
      verdict,
      settings: run.settings,
      formatMoney: run.formatMoney,
      revenueChange,
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
  const rows = [];
  for (const target of PROFILE_TARGETS) {
    const profiles = toProfiles(
      target,
      await warehouse.query(profileSql(target), range, { label: `profile ${target.table}` }),
    );
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
  const settings = readQualitySettings(context.config);
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

  const audits = await runAudits(run);
  await checkAttribution(run);
  await checkOrderRecords(run);
  await checkFileDrops(run);
  await checkAnomalies(run, staleChannels(earlier));
  const profiled = await profileColumns(run);

  const allFindings = [...earlier, ...findings];
  await saveFindings(warehouse, runDate, allFindings);
  const outputs = await writeAnomaliesFiles(bucket, runDate, allFindings);
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
