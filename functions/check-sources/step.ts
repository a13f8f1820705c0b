// Step 2: before anything is built, check that the sources are there, unchanged in shape, fresh and complete.
import { queryTemplate, readQuery } from "../lib/sql/queries.ts";
import { type DailyValue, detectAnomaly } from "../lib/quality/anomaly.ts";
import { compareWithLastYear, type LastYearComparison, lastYearWindow } from "../lib/quality/last-year.ts";
import { writeAnomaliesFiles } from "../lib/quality/anomalies-file.ts";
import { anomalyOptionsFor, freshnessFor, historyDays } from "../shared/quality-settings.ts";
import { INVENTORY_BASELINE_PATH, sourcesStatusPath } from "../lib/bucket-layout.ts";
import { describeCorrupt, objectWith, readStateFile } from "../shared/state-file.ts";
import { addDays } from "../lib/calendar.ts";
import { mapLimited } from "../lib/concurrency.ts";
import type { Finding } from "../shared/findings.ts";
import { saveFindings } from "../lib/quality/findings-store.ts";
import { postCriticalFindings } from "../lib/chat-alerts.ts";
import { DATASETS, FILE_DROPS_TABLE } from "../shared/pipeline.ts";
import type { CountedTableInfo, DateWindow, TableInfo } from "../shared/ports.ts";
import { RAW_TABLES } from "../shared/raw-schemas.ts";
import type { SourceStatus } from "../lib/reporting/report-data.ts";
import { datingTables, type SourceDefinition, SOURCES } from "../shared/sources.ts";
import { isTransient, PermanentStepError, type StepContext, type StepResult } from "../shared/step.ts";
import { asOfTime, freshnessFinding, judgeFreshness } from "./freshness.ts";
import { compareInventory, type Inventory, toInventory, unpartitionedRawTables } from "./inventory.ts";
import { diagnoseWarehouseError } from "./reachability.ts";
import { volumeFinding } from "./volume.ts";
import { runReconciliation } from "./reconciliation.ts";
import { syncStaleSources } from "./airbyte-sync.ts";
import { type DropPeriod, exportGapFinding, exportGaps } from "./export-gaps.ts";
import { type AccountDayLanding, overriddenExportFinding, overriddenExports } from "./overridden-exports.ts";
import { exportAccountOf } from "../lib/ad-export-accounts.ts";
import { runWindow, windowParams } from "../lib/run-window.ts";

/**
 * Rows of one source per event day, counting only rows loaded within `landedWithinHours` of the day's start:
 * Airbyte lands an order again each time it changes, so an old day's raw count keeps growing for weeks while
 * the run date has had one load. Counting the first loads only keeps every day comparable with the run date.
 */
function landedRowsSql(source: SourceDefinition, table: string): string {
  return queryTemplate("check-sources/landed_rows", {
    table: `${DATASETS.raw}.${table}`,
    event_date: source.eventDateSql,
  });
}

type LandedDay = { day: string; landed_rows: number };

const dayOf = (value: unknown): string | null => (value == null ? null : String(value).slice(0, 10));

/** Pure: the rows landed per day over a source's tables, each day's counts summed, by day. */
function sumLandedRows(perTable: readonly (readonly LandedDay[])[]): LandedDay[] {
  const byDay = new Map<string, number>();
  for (const rows of perTable) {
    for (const row of rows) {
      const day = dayOf(row.day);
      if (day !== null) byDay.set(day, (byDay.get(day) ?? 0) + Number(row.landed_rows));
    }
  }
  return [...byDay]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, landed_rows]) => ({ day, landed_rows }));
}

/** Days without rows between the first day seen and the run date landed nothing (0); days before are unknown. */
export function fillLandedSeries(
  rows: readonly { day: string; landed_rows: number }[],
  runDate: string,
): DailyValue[] {
  if (rows.length === 0) return [];
  const byDay = new Map(rows.map((row) => [row.day, Number(row.landed_rows)]));
  const series: DailyValue[] = [];
  for (let day = rows[0]?.day ?? runDate; day <= runDate; day = addDays(day, 1)) {
    series.push({ date: day, value: byDay.get(day) ?? 0 });
  }
  return series;
}

/**
 * An unusual day of rows landed against its comparable day last year: that day and the 28 before it, read with
 * the same query over those 29 days only (partition-filtered), and only when the day is unusual.
 */
async function landedLastYear(
  context: StepContext,
  source: SourceDefinition,
  tables: readonly string[],
  series: readonly DailyValue[],
): Promise<LastYearComparison> {
  const { runDate } = context.message;
  const { country } = context.config.shop;
  const window = lastYearWindow(country, runDate);
  const perTable: LandedDay[][] = [];
  for (const table of tables) {
    perTable.push(
      await context.ports.warehouse.query<LandedDay>(
        landedRowsSql(source, table),
        {
          landed_within_hours: Math.round(context.config.quality.volume.landedWithinHours),
          history_start_date: window.start,
          run_date: window.end,
          shop_timezone: context.config.shop.timezone,
        },
        { label: `rows landed last year ${table}` },
      ),
    );
  }
  return compareWithLastYear(
    [...fillLandedSeries(sumLandedRows(perTable), window.end), ...series],
    runDate,
    country,
    context.config.quality.anomaly.lastYearTolerance,
  );
}

type NewestRows = { last_event_date: string | null; last_loaded_at: string | null };

/** What a source landed since the volume history began: its newest rows, and its first loads per event day. */
export interface RecentRows {
  newest: NewestRows | undefined;
  /** Rows loaded within `landedWithinHours` of their event day's start, per day from `historyStart` to the run date. */
  landed: LandedDay[];
}

const loadTime = (value: string | null): number => (value == null ? -Infinity : Date.parse(String(value)));

/**
 * Pure: a source's newest event day and newest load time over its tables, each the latest of any table's (a
 * Google Ads day in campaign totals only is a day of the account's data); undefined when no table answered.
 */
function newestOfTables(found: readonly (NewestRows | undefined)[]): NewestRows | undefined {
  const rows = found.filter((row): row is NewestRows => row !== undefined);
  if (rows.length === 0) return undefined;
  let newest: NewestRows = { last_event_date: null, last_loaded_at: null };
  for (const row of rows) {
    if ((dayOf(row.last_event_date) ?? "") > (dayOf(newest.last_event_date) ?? ""))
      newest = { ...newest, last_event_date: row.last_event_date };
    if (row.last_loaded_at != null && loadTime(row.last_loaded_at) > loadTime(newest.last_loaded_at))
      newest = { ...newest, last_loaded_at: row.last_loaded_at };
  }
  return newest;
}

/**
 * A source's newest event day and load time, and its rows landed per day, from one read per table of the rows
 * extracted since `historyStart` (sql/queries/check-sources/recent_rows.sql; the two were two scans of the same
 * partitions), over the source's tables that exist (`tables`, its dating tables by default), a day's rows summed
 * over them. Those rows answer the newest day exactly whenever it is `historyStart` or later in any table (a
 * day's rows are never extracted before it begins, so a table with nothing since has neither a later day nor a
 * later load); a source silent for longer has its newest rows read from all history, once per table.
 */
export async function recentRows(
  context: StepContext,
  source: SourceDefinition,
  historyStart: string,
  tables: readonly string[] = datingTables(source),
): Promise<RecentRows> {
  const { runDate } = context.message;
  const timezone = { shop_timezone: context.config.shop.timezone };
  const slots = (table: string) => ({ table: `${DATASETS.raw}.${table}`, event_date: source.eventDateSql });
  const perTable: LandedDay[][] = [];
  const found: (NewestRows | undefined)[] = [];
  for (const table of tables) {
    const rows = await context.ports.warehouse.query<{
      day: string | null;
      landed_rows: number;
      source_last_event_date: string | null;
      source_last_loaded_at: string | null;
    }>(
      queryTemplate("check-sources/recent_rows", slots(table)),
      {
        ...timezone,
        history_start_date: historyStart,
        landed_within_hours: Math.round(context.config.quality.volume.landedWithinHours),
      },
      { label: `recent rows ${table}` },
    );
    perTable.push(
      rows.flatMap((row) => {
        const day = dayOf(row.day);
        return day !== null && day >= historyStart && day <= runDate
          ? [{ day, landed_rows: Number(row.landed_rows) }]
          : [];
      }),
    );
    const [first] = rows;
    if (first)
      found.push({
        last_event_date: first.source_last_event_date,
        last_loaded_at: first.source_last_loaded_at,
      });
  }
  const landed = sumLandedRows(perTable);
  const recent = newestOfTables(found);
  const newestDay = dayOf(recent?.last_event_date);
  if (recent && newestDay !== null && newestDay >= historyStart) return { newest: recent, landed };
  const all: (NewestRows | undefined)[] = [];
  for (const table of tables) {
    const [row] = await context.ports.warehouse.query<NewestRows>(
      queryTemplate("check-sources/freshness_all_history", slots(table)),
      timezone,
      { label: `freshness ${table} (all history)` },
    );
    all.push(row);
  }
  return { newest: newestOfTables(all), landed };
}

async function listRawTables(context: StepContext): Promise<CountedTableInfo[]> {
  try {
    return await context.ports.warehouse.listTablesWithRowCounts(DATASETS.raw);
  } catch (error) {
    // A network blip is retried by the bus; a wrong key, project or dataset is not fixed by retrying.
    if (isTransient(error)) throw error;
    throw new PermanentStepError(diagnoseWarehouseError(error, DATASETS.raw).message);
  }
}

/**
 * The periods of the loaded file drops that reach back to `since`, when any file was dropped: a few rows (one per
 * file), read only for the ad platforms' gap check and overridden exports.
 */
async function dropPeriods(context: StepContext, since: string): Promise<DropPeriod[]> {
  const opsTables = await context.ports.warehouse.listTables(DATASETS.ops);
  if (!opsTables.some((table) => table.name === FILE_DROPS_TABLE)) return [];
  const rows = await context.ports.warehouse.query<{
    raw_table: string;
    period_start: string;
    period_end: string;
  }>(
    readQuery("check-sources/file_drop_periods"),
    { history_start_date: since, run_date: context.message.runDate },
    { label: "file drop periods", maxRows: 100_000 },
  );
  return rows.map((row) => ({
    rawTable: row.raw_table,
    start: String(row.period_start).slice(0, 10),
    end: String(row.period_end).slice(0, 10),
  }));
}

/**
 * The exports of an ad platform whose days of the run window count the API's rows now, landed after them
 * (functions/check-sources/overridden-exports.ts): one read per table of the source's rows of the window, a few
 * rows per account and day, so a daily run's cost does not grow with history.
 */
async function overriddenExportFindings(
  context: StepContext,
  source: SourceDefinition,
  tables: readonly string[],
  window: DateWindow,
): Promise<Omit<Finding, "step">[]> {
  const account = exportAccountOf(source.freshnessTable);
  const params = windowParams(context, window);
  const landings: AccountDayLanding[] = [];
  for (const table of tables) {
    const rows = await context.ports.warehouse.query<{
      day: unknown;
      account: string | null;
      from_file: boolean;
      file_name: string | null;
      landed_at: unknown;
    }>(
      queryTemplate("check-sources/ad_account_day_landings", {
        table: `${DATASETS.raw}.${table}`,
        event_date: source.eventDateSql,
        column: account.column,
      }),
      params,
      { label: `ad account days landed ${table}`, maxRows: 100_000 },
    );
    for (const row of rows) {
      const day = dayOf(row.day);
      const landedAt =
        row.landed_at instanceof Date ? row.landed_at.getTime() : Date.parse(String(row.landed_at));
      if (day === null || Number.isNaN(landedAt)) continue;
      landings.push({
        day,
        account: row.account ?? "",
        fromFile: Boolean(row.from_file),
        fileName: row.file_name,
        landedAt,
      });
    }
  }
  return overriddenExports(landings, account.unnamed).map((overridden) =>
    overriddenExportFinding(source, overridden),
  );
}

/**
 * One source's freshness and volume, over those of its tables that exist (`tables`): its status, its findings, and
 * the rows it landed on the run date.
 */
async function checkSource(
  context: StepContext,
  source: (typeof SOURCES)[number],
  tables: readonly TableInfo[],
  periods: readonly DropPeriod[],
): Promise<{ status: SourceStatus; findings: Omit<Finding, "step">[]; landedToday?: number }> {
  const { runDate } = context.message;
  const settings = context.config.quality;
  const thresholds = freshnessFor(settings, source.name);
  if (tables.length === 0) {
    return {
      status: {
        source: source.name,
        label: source.label,
        lastEventDate: null,
        lastLoadedAt: null,
        lagDays: null,
        status: "critical",
      },
      findings: [
        {
          check: "source_missing",
          severity: "critical",
          blocking: false,
          subject: source.name,
          source: source.name,
          table: source.freshnessTable,
          observed: "missing",
          expected: `table ${DATASETS.raw}.${source.freshnessTable}`,
          message: `${source.label} has not landed at all: table ${DATASETS.raw}.${source.freshnessTable} does not exist.`,
        },
      ],
    };
  }
  const findings: Omit<Finding, "step">[] = [];
  const historyStart = addDays(runDate, -historyDays(settings));
  const recent = await recentRows(
    context,
    source,
    historyStart,
    tables.map((table) => table.name),
  );
  const latest = recent.newest;
  const input = {
    runDate,
    lastEventDate: latest?.last_event_date ?? null,
    lastLoadedAt: latest?.last_loaded_at ?? null,
    asOf: asOfTime(runDate, context.config.shop.timezone, context.ports.clock.now()),
  };
  const verdict = judgeFreshness(input, thresholds);
  const status: SourceStatus = {
    source: source.name,
    label: source.label,
    lastEventDate: input.lastEventDate,
    lastLoadedAt: input.lastLoadedAt,
    lagDays: verdict.lagDays,
    status: verdict.status,
  };
  const stale = freshnessFinding(
    source,
    { ...input, timeZone: context.config.shop.timezone },
    verdict,
    thresholds,
  );
  if (stale) findings.push(stale);
  // An ad platform's exports with a day between them that none covers (a Shopify export's period is only the
  // span of its orders' days: a day between two exports may have had no order).
  if (source.name !== "shopify") {
    const daysWithRows = new Set(recent.landed.filter((day) => day.landed_rows > 0).map((day) => day.day));
    const gap = exportGapFinding(
      source,
      exportGaps(periods, source.freshnessTable, daysWithRows, historyStart, runDate),
    );
    if (gap) findings.push(gap);
    // Only a source with an export of the run window's days can have one overridden: no read for the others.
    const window = runWindow(runDate, context.config.lookbackDays);
    const names = tables.map((table) => table.name);
    if (
      periods.some(
        (period) =>
          names.includes(period.rawTable) && period.start <= window.end && period.end >= window.start,
      )
    )
      findings.push(...(await overriddenExportFindings(context, source, names, window)));
  }

  const series = fillLandedSeries(recent.landed, runDate);
  const landedToday = series.find((point) => point.date === runDate)?.value ?? 0;
  // A stale source has already been reported; its missing rows are the same news.
  if (verdict.status !== "ok") return { status, findings, landedToday };
  const own = settings.sources[source.name];
  const volumeVerdict = detectAnomaly(
    series,
    runDate,
    anomalyOptionsFor(settings, "rowsLanded", {
      ...(own?.volumeMinAbsoluteChange !== undefined
        ? { minAbsoluteChange: own.volumeMinAbsoluteChange }
        : {}),
      ...(own?.volumeSensitivity !== undefined ? { sensitivity: own.volumeSensitivity } : {}),
    }),
  );
  const volume = volumeFinding(
    source,
    settings.volume.spikeMinRelativeChange,
    volumeVerdict,
    volumeVerdict.status === "anomaly"
      ? await landedLastYear(
          context,
          source,
          tables.map((table) => table.name),
          series,
        )
      : undefined,
  );
  if (volume) findings.push(volume);
  return { status, findings, landedToday };
}

export async function runCheckSources(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const settings = context.config.quality;
  const findings: Finding[] = [];
  const finding = (partial: Omit<Finding, "step">) => findings.push({ step: "check-sources", ...partial });

  const tables = await listRawTables(context);

  // Table inventory against the last baseline.
  const inventory: Inventory = { runDate, ...toInventory(tables) };
  // An unreadable baseline is set aside and this run's inventory becomes the new one (said in the log).
  const baselineRead = await readStateFile<Inventory>(bucket, INVENTORY_BASELINE_PATH, objectWith("tables"));
  if (baselineRead.corrupt) {
    context.log.error(describeCorrupt(baselineRead.corrupt), {
      event: "state.corrupt",
      ...baselineRead.corrupt,
    });
  }
  const baseline = baselineRead.value;
  const expectedSources = new Set(
    SOURCES.filter((source) => settings.sources[source.name]?.expected !== false).map(
      (source) => source.name,
    ),
  );
  // The exchange rates are no platform of the shop's: a missing rate is check-quality's finding, not a missing table.
  const declared = RAW_TABLES.filter(
    (table) => table.source !== "exchange_rates" && expectedSources.has(table.source),
  );
  // An empty table says something only of a source the shop uses, and only of the table that dates it when none
  // of the source's tables has a row: a shop with only an orders export has empty customers, products and ad
  // tables (ingest creates them), and a Google Ads account of only Smart campaigns has no ad-group row, its days
  // all in campaign totals.
  const rowCounts = new Map(tables.map((table) => [table.name, table.rowCount]));
  const emptySources = new Set(
    SOURCES.filter(
      (source) =>
        expectedSources.has(source.name) &&
        datingTables(source).every((name) => (rowCounts.get(name) ?? 0) === 0),
    ).map((source) => source.freshnessTable),
  );
  for (const change of compareInventory(baseline, inventory, declared)) {
    if (change.check === "inventory_empty_table" && !emptySources.has(change.table ?? "")) continue;
    finding(change);
  }
  // Every raw table the models read, the exchange rates too: a table the shop does not use is read only if present.
  for (const unpartitioned of unpartitionedRawTables(tables, RAW_TABLES)) finding(unpartitioned);

  // Freshness and volume per source: independent queries, a few sources at once (on BigQuery each query is a
  // job whose time is mostly latency); statuses and findings then follow the sources' order.
  const byName = new Map(tables.map((table) => [table.name, table]));
  // The drops reaching into the volume history (the gap check) or the run window (overridden exports).
  const historyStart = addDays(runDate, -historyDays(settings));
  const windowStart = runWindow(runDate, context.config.lookbackDays).start;
  const periods = await dropPeriods(context, windowStart < historyStart ? windowStart : historyStart);
  const checked = await mapLimited(
    SOURCES.filter((source) => expectedSources.has(source.name)),
    warehouse.parallelReads ?? 1,
    (source) =>
      checkSource(
        context,
        source,
        datingTables(source).flatMap((name) => byName.get(name) ?? []),
        periods,
      ),
  );
  const statuses = checked.map((result) => result.status);
  const landedToday: Record<string, number> = {};
  for (const result of checked) {
    for (const item of result.findings) finding(item);
    if (result.landedToday !== undefined) landedToday[result.status.source] = result.landedToday;
  }

  // Where Airbyte loads the sources, a stale one's sync is started through its API (docs/connectors.md, Airbyte sync).
  const airbyte = await syncStaleSources(
    context,
    SOURCES.filter((source) =>
      statuses.some((status) => status.source === source.name && status.status !== "ok"),
    ).map((source) => source.name),
  );
  findings.push(...airbyte.findings);

  // Each enabled platform API's own totals against the warehouse (docs/connectors.md).
  const reconciliation = await runReconciliation(context);
  findings.push(...reconciliation.findings);

  await bucket.write(sourcesStatusPath(runDate), `${JSON.stringify(statuses, null, 2)}\n`, {
    contentType: "application/json",
  });
  const earlierFindings = (await context.ledger.findings(runDate)).filter((item) => item.step === "ingest");
  await saveFindings(warehouse, runDate, [...earlierFindings, ...findings]);
  const anomalyFiles = await writeAnomaliesFiles(
    bucket,
    runDate,
    [...earlierFindings, ...findings],
    context.config.shop.locale,
  );
  await postCriticalFindings(context, findings);
  // The baseline moves forward only when nothing critical changed, so a vanished table keeps alerting.
  if (!findings.some((item) => item.check.startsWith("inventory_") && item.severity === "critical")) {
    await bucket.write(INVENTORY_BASELINE_PATH, `${JSON.stringify(inventory, null, 2)}\n`, {
      contentType: "application/json",
    });
  }
  const stale = statuses.filter((status) => status.status !== "ok").map((status) => status.label);
  return {
    rows: Object.fromEntries(tables.map((table) => [`${DATASETS.raw}.${table.name}`, table.rowCount])),
    outputs: [sourcesStatusPath(runDate), ...anomalyFiles, ...reconciliation.outputs],
    findings,
    metrics: {
      tables: tables.length,
      staleSources: stale.length,
      ...Object.fromEntries(
        Object.entries(landedToday).map(([name, count]) => [`rowsLanded.${name}`, count]),
      ),
      ...reconciliation.metrics,
      ...airbyte.metrics,
    },
    summary: `${tables.length} raw tables; ${stale.length ? `not fresh: ${stale.join(", ")}` : "all sources fresh"}`,
  };
}
