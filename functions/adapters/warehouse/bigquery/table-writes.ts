// Writes into BigQuery tables: a model's rows (whole, by date window, or merged by key) and small row sets.
import { createHash } from "node:crypto";
import type { LoadRequest, MaterializeRequest, MaterializeResult, SqlParams } from "../../../shared/ports.ts";
import type { BigQueryJobHandle, QueryParameter } from "./client.ts";
import type { BigQueryJobs, JobSpec } from "./jobs.ts";
import { quoteIdentifier } from "./names.ts";
import { loadValue, parameterTypeOf, rowsParameter } from "./params.ts";
import { BigQueryWarehouseError } from "./errors.ts";
import { type ColumnChanges, ModelColumnsChangedError, sameColumns } from "../../../shared/model-columns.ts";
import type { CatalogTable, TableCatalog } from "./table-catalog.ts";
import {
  bareSelect,
  fullBuildScript,
  keyedMergeScript,
  loadScript,
  windowReplaceScript,
} from "./statements.ts";

const MAX_CLUSTER_COLUMNS = 4;
/** Far below the 10 MB request limit, so a load that fits here never fails on size at the API. */
const MAX_LOAD_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * A fingerprint of what builds the table: the model's SQL and its layout. Builds label the table with it; an
 * incremental run into a table with the same fingerprint inserts the table's own columns without asking the
 * model for them (insertColumns).
 */
export function modelFingerprint(request: MaterializeRequest): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        bareSelect(request.sql),
        request.partitionColumn ?? null,
        request.clusterBy ?? [],
        request.uniqueKey ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 32);
}

/** A column of a model's output as a dry run gives it: its name and its type in GoogleSQL's names (standardType). */
interface ModelColumn {
  name: string;
  type: string;
}

/**
 * A type as GoogleSQL names it, without parameters or element types: a dry run's schema says "INTEGER", "FLOAT",
 * "BOOLEAN", "RECORD" and mode REPEATED (the REST API's legacy names), INFORMATION_SCHEMA.COLUMNS says "INT64",
 * "FLOAT64", "BOOL", "STRUCT<…>", "ARRAY<…>", "STRING(10)". Nested types compare by kind only: a model's arrays and
 * structs change rarely, and a changed field in one is BigQuery's to refuse (an INSERT it cannot coerce fails).
 */
export function standardType(type: string, mode?: string): string {
  if (mode === "REPEATED") return "ARRAY";
  const name = /^[A-Za-z0-9_]+/.exec(type.trim())?.[0]?.toUpperCase() ?? "";
  const legacy: Record<string, string> = {
    INTEGER: "INT64",
    FLOAT: "FLOAT64",
    BOOLEAN: "BOOL",
    RECORD: "STRUCT",
  };
  return legacy[name] ?? name;
}

/** The model's output columns, from a free dry run (creates no job, bills nothing). */
async function modelColumns(
  jobs: BigQueryJobs,
  select: string,
  params: SqlParams,
  label: string,
  dataset: string,
): Promise<ModelColumn[]> {
  const schema = await jobs.dryRun(jobs.spec("schema", select, params, label, dataset));
  const columns = (schema.statistics?.query?.schema?.fields ?? []).map((field) => ({
    name: field.name ?? "",
    type: standardType(field.type ?? "", field.mode),
  }));
  if (columns.length === 0) throw new Error(`model ${label}: the dry run returned no columns`);
  return columns;
}

/**
 * Full build: CREATE OR REPLACE TABLE … PARTITION BY … CLUSTER BY … AS SELECT (atomic; the old table serves
 * readers until the new one replaces it). Incremental: one multi-statement job, DELETE the window's partitions
 * and INSERT the model's rows for them inside a transaction — a DELETE filtered on the partition column only
 * drops whole partitions (pruned, no scan), the INSERT pays for the window only, and readers see the old
 * window or the new one, never a mix. MERGE would need a unique key per model; partition decorators would
 * need one job per day and leave the window half-replaced if one failed.
 */
export async function materialize(
  jobs: BigQueryJobs,
  request: MaterializeRequest,
  catalog: TableCatalog,
): Promise<MaterializeResult> {
  const target = jobs.tableRef(request.dataset, request.table);
  const label = request.label ?? `${request.dataset}.${request.table}`;
  const select = bareSelect(request.sql);
  const clusterBy = request.clusterBy ?? [];
  if (clusterBy.length > MAX_CLUSTER_COLUMNS) {
    throw new Error(`model ${label}: BigQuery clusters on at most ${MAX_CLUSTER_COLUMNS} columns`);
  }
  const fingerprint = modelFingerprint(request);
  const existing =
    request.window !== undefined && (request.partitionColumn !== undefined || request.uniqueKey !== undefined)
      ? await catalog.table(request.dataset, request.table)
      : undefined;

  if (!existing || !request.window) {
    const sql = fullBuildScript(target, select, request.partitionColumn, clusterBy, fingerprint);
    const { job } = await buildReplacingLayout(
      jobs,
      jobs.spec("materialize", sql, request.params, label, request.dataset),
      target,
    );
    catalog.rebuilt(request.dataset, request.table, fingerprint);
    return { rowsWritten: await jobs.firstNumber(job), mode: "full" };
  }
  const params: SqlParams = {
    ...request.params,
    window_start: request.window.start,
    window_end: request.window.end,
  };
  const columns = await insertColumns(jobs, request, existing, fingerprint, select, params, label);
  const relabel = existing.fingerprint === fingerprint ? undefined : fingerprint;
  const sql = request.partitionColumn
    ? windowReplaceScript(target, select, request.partitionColumn, columns, relabel)
    : keyedMergeScript(target, select, request.uniqueKey ?? "", columns, relabel);
  const { job } = await jobs.runJob(jobs.spec("materialize", sql, params, label, request.dataset));
  if (relabel) catalog.rebuilt(request.dataset, request.table, fingerprint);
  return { rowsWritten: await jobs.firstNumber(job), mode: "incremental" };
}

/** BigQuery's refusal of a CREATE OR REPLACE whose partitioning or clustering differs from the table's. */
const LAYOUT_REFUSAL = /Cannot replace a table with a different \w+ spec/i;

/**
 * Runs a full build; when BigQuery refuses it because the table is partitioned or clustered otherwise than the
 * model now is (CREATE OR REPLACE may not change either), drops the table and runs the build again. Without it a
 * model whose layout changed failed every run, --full-refresh included: marts.marketing_unified_with_explanations,
 * partitioned by date until 2026-12-02 and built whole since. Only then is the table missing, for one job's time.
 */
async function buildReplacingLayout(
  jobs: BigQueryJobs,
  spec: JobSpec,
  target: string,
): Promise<{ job: BigQueryJobHandle }> {
  try {
    return await jobs.runJob(spec);
  } catch (error) {
    if (!(error instanceof BigQueryWarehouseError) || !LAYOUT_REFUSAL.test(error.message)) throw error;
  }
  await jobs.runJob({
    kind: "ddl",
    label: `drop ${spec.label}, partitioned or clustered otherwise`,
    sql: `DROP TABLE IF EXISTS ${target}`,
    parameters: [],
    dataset: spec.dataset,
  });
  return jobs.runJob(spec);
}

/**
 * The columns an incremental run inserts, by name. The table's own (from the catalog) when this very model SQL
 * built it (same fingerprint): no dry run. Otherwise (the model changed, or the table predates fingerprints) a
 * free dry run gives the model's columns and their types: the same names and types as the table's, and the run
 * goes on (and relabels the table); new or gone columns, or a column of another type, are a
 * ModelColumnsChangedError before any job writes, instead of leaving a column empty or shifting values: the
 * transform then rebuilds the model whole. A column's type counts even where BigQuery would coerce the model's
 * values into the table's (INT64 into NUMERIC or FLOAT64, NUMERIC into FLOAT64: "Coerce to" in BigQuery's
 * conversion rules): the INSERT would succeed and keep, every day after, the old type's values (a NUMERIC amount
 * as FLOAT64 again) until someone thought of --full-refresh. NUMERIC has one scale, so a change of rounding is no
 * change of type.
 */
async function insertColumns(
  jobs: BigQueryJobs,
  request: MaterializeRequest,
  existing: CatalogTable,
  fingerprint: string,
  select: string,
  params: SqlParams,
  label: string,
): Promise<string[]> {
  if (existing.fingerprint === fingerprint && existing.columns) return existing.columns.map(quoteIdentifier);
  const model = await modelColumns(jobs, select, params, label, request.dataset);
  const changes = existing.columns ? changesFrom(existing, model) : undefined;
  if (changes && !sameColumns(changes))
    throw new ModelColumnsChangedError(request.dataset, request.table, changes, label);
  return model.map((column) => quoteIdentifier(column.name));
}

/** How the model's columns differ from the table's (names, and types where both are known). */
function changesFrom(existing: CatalogTable, model: readonly ModelColumn[]): ColumnChanges {
  const table = existing.columns ?? [];
  const names = model.map((column) => column.name);
  const tableTypes = new Map(table.map((column, index) => [column, existing.types?.[index]]));
  return {
    added: names.filter((column) => !table.includes(column)),
    removed: table.filter((column) => !names.includes(column)),
    retyped: model.flatMap(({ name, type }) => {
      const was = tableTypes.get(name);
      // A type either side does not know (an older catalog row, a dry run without one) is no evidence of a change.
      if (!was || !type || standardType(was) === type) return [];
      return [{ column: name, was: standardType(was), now: type }];
    }),
  };
}

/**
 * What materialize would find of a window's columns, without writing: how they differ from its table's when another
 * model SQL built it (one free dry run), undefined when the same SQL did or there is no table (for `plan`).
 */
export async function columnChanges(
  jobs: BigQueryJobs,
  request: MaterializeRequest,
  catalog: TableCatalog,
): Promise<ColumnChanges | undefined> {
  const existing = await catalog.table(request.dataset, request.table);
  if (!existing?.columns || existing.fingerprint === modelFingerprint(request)) return undefined;
  const label = request.label ?? `${request.dataset}.${request.table}`;
  const params: SqlParams = request.window
    ? { ...request.params, window_start: request.window.start, window_end: request.window.end }
    : request.params;
  const changes = changesFrom(
    existing,
    await modelColumns(jobs, bareSelect(request.sql), params, label, request.dataset),
  );
  return sameColumns(changes) ? undefined : changes;
}

/**
 * Small row sets (findings, parsed file drops) go in as ONE array-of-STRUCT query parameter, in a script that
 * creates the table if needed and replaces the partition's rows in a transaction. A load job would be free, but
 * needs a file upload plus a separate DELETE job (not atomic, and two things to retry); this is one job with a
 * deterministic id, so a retried load cannot insert twice.
 */
export async function load(jobs: BigQueryJobs, request: LoadRequest): Promise<{ rowsWritten: number }> {
  const target = jobs.tableRef(request.dataset, request.table);
  const columns = request.columns;
  const replace = request.replaceWhere;
  const replaced = replace ? columns.find((column) => column.name === replace.column) : undefined;
  const sql = loadScript(target, columns, replaced, request.timePartition);
  if (replace && !replaced) {
    throw new Error(`load into ${target}: replaceWhere column ${replace.column} is not among the columns`);
  }
  const parameters: QueryParameter[] = [rowsParameter(columns, request.rows)];
  if (replace && replaced) {
    parameters.push({
      name: "replace_value",
      parameterType: { type: parameterTypeOf(replaced.type) },
      parameterValue: loadValue(replace.value, replaced.type),
    });
  }
  const size = JSON.stringify(parameters).length;
  if (size > MAX_LOAD_REQUEST_BYTES) {
    throw new Error(
      `load into ${target}: ${request.rows.length} rows (${size} bytes) are too many for one query; land them as a file and load it instead`,
    );
  }
  await jobs.runJob({
    kind: "load",
    label: `load ${request.dataset}.${request.table}`,
    sql,
    parameters,
    dataset: request.dataset,
  });
  return { rowsWritten: request.rows.length };
}
