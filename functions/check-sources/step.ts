// Step 2: before anything is built, check that the sources are there, unchanged in shape, fresh and complete.
import { addDays } from "../shared/dates.ts";
import type { Finding } from "../shared/findings.ts";
import { saveFindings } from "../shared/findings-store.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { TableInfo } from "../shared/ports.ts";
import { RAW_TABLES } from "../shared/raw-schemas.ts";
import type { SourceStatus } from "../shared/report-data.ts";
import { SOURCES } from "../shared/sources.ts";
import { PermanentStepError, type StepContext, type StepResult } from "../shared/step.ts";
import { judgeFreshness } from "./freshness.ts";
import { compareInventory, type Inventory, toInventory } from "./inventory.ts";

export const INVENTORY_BASELINE_PATH = "state/source-inventory.json";

export function sourcesStatusPath(runDate: string): string {
  return `runs/dt=${runDate}/sources.json`;
}

/** The morning after the run date, when the scheduled run reads the data. */
export function asOfTime(runDate: string): Date {
  return new Date(`${addDays(runDate, 1)}T06:00:00Z`);
}

export async function runCheckSources(context: StepContext): Promise<StepResult> {
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const findings: Finding[] = [];
  const finding = (partial: Omit<Finding, "step">) => findings.push({ step: "check-sources", ...partial });

  let tables: TableInfo[];
  try {
    tables = await warehouse.listTables(DATASETS.raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PermanentStepError(
      `the warehouse is not reachable or the raw dataset "${DATASETS.raw}" cannot be listed (check credentials, project and dataset): ${reason}`,
    );
  }

  // Table inventory against the last baseline.
  const inventory = toInventory(tables);
  const baselineBody = await bucket.read(INVENTORY_BASELINE_PATH);
  const baseline = baselineBody ? (JSON.parse(baselineBody.toString("utf8")) as Inventory) : undefined;
  for (const change of compareInventory(baseline, inventory, RAW_TABLES)) finding(change);

  // Freshness and volume per source.
  const byName = new Map(tables.map((table) => [table.name, table]));
  const statuses: SourceStatus[] = [];
  for (const source of SOURCES) {
    const thresholds = context.config.freshness.perSource[source.name] ?? context.config.freshness.default;
    const table = byName.get(source.freshnessTable);
    if (!table) {
      statuses.push({
        source: source.name,
        label: source.label,
        lastEventDate: null,
        lastLoadedAt: null,
        lagDays: null,
        status: "critical",
      });
      finding({
        check: "source_missing",
        severity: "critical",
        blocking: false,
        subject: source.name,
        source: source.name,
        table: source.freshnessTable,
        observed: "missing",
        expected: `table ${DATASETS.raw}.${source.freshnessTable}`,
        message: `${source.label} has not landed at all: table ${DATASETS.raw}.${source.freshnessTable} does not exist.`,
      });
      continue;
    }
    const [latest] = await warehouse.query<{
      last_event_date: string | null;
      last_loaded_at: string | null;
      run_date_rows: number;
    }>(
      `SELECT
         MAX(${source.eventDateSql}) AS last_event_date,
         MAX(_airbyte_extracted_at) AS last_loaded_at,
         COUNTIF(${source.eventDateSql} = @run_date) AS run_date_rows
       FROM ${DATASETS.raw}.${source.freshnessTable}`,
      { run_date: runDate, shop_timezone: context.config.shop.timezone },
      { label: `freshness ${source.name}` },
    );
    const lastEventDate = latest?.last_event_date ?? null;
    const lastLoadedAt = latest?.last_loaded_at ?? null;
    const verdict = judgeFreshness(
      { runDate, lastEventDate, lastLoadedAt, asOf: asOfTime(runDate) },
      thresholds,
    );
    statuses.push({
      source: source.name,
      label: source.label,
      lastEventDate,
      lastLoadedAt,
      lagDays: verdict.lagDays,
      status: verdict.status,
    });
    if (verdict.status !== "ok") {
      const days = verdict.lagDays ?? 0;
      const consequence = source.channel
        ? ` ROAS for ${source.label.replace(/ Ads$/, "")} is not meaningful until it syncs again.`
        : "";
      finding({
        check: "source_freshness",
        severity: verdict.status === "critical" ? "critical" : "warning",
        blocking: false,
        subject: source.name,
        source: source.name,
        table: source.freshnessTable,
        observed: lastEventDate,
        expected: `data through ${runDate}`,
        message: lastEventDate
          ? `${source.label} data is ${days} day${days === 1 ? "" : "s"} old (last day ${lastEventDate}).${consequence}`
          : `${source.label} has no data at all.`,
      });
    }
    if (verdict.status === "ok" && (latest?.run_date_rows ?? 0) === 0) {
      finding({
        check: "source_volume",
        severity: "warning",
        blocking: false,
        subject: source.name,
        source: source.name,
        table: source.freshnessTable,
        observed: 0,
        expected: "> 0 rows for the run date",
        message: `${source.label} landed no rows for ${runDate}.`,
      });
    }
  }

  await bucket.write(sourcesStatusPath(runDate), `${JSON.stringify(statuses, null, 2)}\n`, {
    contentType: "application/json",
  });
  const earlierFindings = (await context.ledger.findings(runDate)).filter((item) => item.step === "ingest");
  await saveFindings(warehouse, runDate, [...earlierFindings, ...findings]);
  // The baseline moves forward only when nothing critical changed, so a vanished table keeps alerting.
  if (!findings.some((item) => item.check.startsWith("inventory_") && item.severity === "critical")) {
    await bucket.write(INVENTORY_BASELINE_PATH, `${JSON.stringify(inventory, null, 2)}\n`, {
      contentType: "application/json",
    });
  }
  const stale = statuses.filter((status) => status.status !== "ok").map((status) => status.label);
  return {
    rows: Object.fromEntries(tables.map((table) => [`${DATASETS.raw}.${table.name}`, table.rowCount])),
    outputs: [sourcesStatusPath(runDate)],
    findings,
    metrics: { tables: tables.length, staleSources: stale.length },
    summary: `${tables.length} raw tables; ${stale.length ? `not fresh: ${stale.join(", ")}` : "all sources fresh"}`,
  };
}
