// Every statement the BigQuery adapter writes itself: the engine plumbing around the models (metadata reads,
// whole and windowed table builds, keyed merges, loads). The models' own SQL comes from sql/. Table and dataset
// references come validated from the job runner, column names go through quoteIdentifier, and values are bound
// as query parameters.
import type { LoadColumn, TimePartition } from "../../../shared/ports.ts";
import { quoteIdentifier } from "./names.ts";

/**
 * Every column of every table in the dataset, with the table's labels (the model fingerprint a full build leaves
 * there: MODEL_LABEL). One metadata job answers, for a whole layer, which tables exist, their columns and which
 * model SQL built them.
 */
export function datasetColumnsQuery(datasetRef: string): string {
  return (
    `SELECT col.table_name, col.column_name, col.data_type, col.is_partitioning_column, opt.option_value AS labels ` +
    `FROM ${datasetRef}.INFORMATION_SCHEMA.COLUMNS AS col ` +
    `LEFT JOIN ${datasetRef}.INFORMATION_SCHEMA.TABLE_OPTIONS AS opt ` +
    `ON opt.table_name = col.table_name AND opt.option_name = 'labels' ` +
    `ORDER BY col.table_name, col.ordinal_position`
  );
}

/** The label a full build puts on a model's table: a fingerprint of the model's SQL and layout. */
export const MODEL_LABEL = "pulse_model";

/** Row counts from table metadata (no bytes billed). */
export function rowCountsQuery(datasetRef: string): string {
  return `SELECT table_id, row_count FROM ${datasetRef}.__TABLES__`;
}

/** The model's SELECT without a trailing semicolon, so that it can be wrapped. */
export function bareSelect(sql: string): string {
  return sql.replace(/;\s*$/, "").trimEnd();
}

/** CREATE OR REPLACE … AS SELECT, then the new table's row count (answered from metadata: no bytes billed). */
export function fullBuildScript(
  target: string,
  select: string,
  partitionColumn: string | undefined,
  clusterBy: readonly string[],
  fingerprint?: string,
): string {
  const partition = partitionColumn ? `\nPARTITION BY ${quoteIdentifier(partitionColumn)}` : "";
  const cluster = clusterBy.length ? `\nCLUSTER BY ${clusterBy.map(quoteIdentifier).join(", ")}` : "";
  const options = fingerprint ? `\nOPTIONS (${modelLabelOption(fingerprint)})` : "";
  return (
    `CREATE OR REPLACE TABLE ${target}${partition}${cluster}${options} AS\nSELECT * FROM (\n${select}\n);\n` +
    `SELECT COUNT(*) AS rows_written FROM ${target};`
  );
}

/**
 * Binds the model's parameters, @window_start and @window_end. Columns are inserted by name (`columns`, quoted),
 * so a reordered model cannot shift values into the wrong columns.
 */
export function windowReplaceScript(
  target: string,
  select: string,
  partitionColumn: string,
  columns: readonly string[],
  relabel?: string,
): string {
  const partition = quoteIdentifier(partitionColumn);
  const list = columns.join(", ");
  return [
    "DECLARE rows_written INT64 DEFAULT 0;",
    "BEGIN TRANSACTION;",
    `DELETE FROM ${target} WHERE ${partition} BETWEEN @window_start AND @window_end;`,
    `INSERT INTO ${target} (${list})\nSELECT ${list} FROM (\n${select}\n) AS model\nWHERE ${partition} BETWEEN @window_start AND @window_end;`,
    "SET rows_written = @@row_count;",
    "COMMIT TRANSACTION;",
    ...relabelStatement(target, relabel),
    "SELECT rows_written;",
  ].join("\n");
}

/** Labels the table with a new model fingerprint (DDL: after the transaction, which may not hold it). */
function relabelStatement(target: string, fingerprint: string | undefined): string[] {
  if (fingerprint === undefined) return [];
  return [`ALTER TABLE ${target} SET OPTIONS (${modelLabelOption(fingerprint)});`];
}

/** The OPTIONS entry that labels a table with its model's fingerprint. */
export function modelLabelOption(fingerprint: string): string {
  if (!/^[a-z0-9_-]{1,63}$/.test(fingerprint)) throw new Error(`invalid model fingerprint "${fingerprint}"`);
  return `labels = [("${MODEL_LABEL}", "${fingerprint}")]`;
}

/** The model's changed records replace the rows with the same key; `columns` are quoted. */
export function keyedMergeScript(
  target: string,
  select: string,
  uniqueKey: string,
  columns: readonly string[],
  relabel?: string,
): string {
  const key = quoteIdentifier(uniqueKey);
  const list = columns.join(", ");
  return [
    "DECLARE rows_written INT64 DEFAULT 0;",
    `CREATE TEMP TABLE changed AS SELECT * FROM (\n${select}\n);`,
    "BEGIN TRANSACTION;",
    `DELETE FROM ${target} WHERE ${key} IN (SELECT ${key} FROM changed);`,
    `INSERT INTO ${target} (${list}) SELECT ${list} FROM changed;`,
    "SET rows_written = @@row_count;",
    "COMMIT TRANSACTION;",
    ...relabelStatement(target, relabel),
    "SELECT rows_written;",
  ].join("\n");
}

/**
 * Binds @rows (ARRAY<STRUCT>) and, with a replaced column, @replace_value. JSON travels as STRING (PARSE_JSON on
 * the way in): a STRUCT field of type JSON is not a parameter type. A DATE replaced column partitions the table; a
 * time partition (the raw tables) partitions it by day on its TIMESTAMP column, clusters on it and may require a
 * filter on it, as infra/bigquery.tf makes the raw tables.
 */
/** ALTER TABLE … ADD COLUMN IF NOT EXISTS for each column, in one statement (one metadata update of the table). */
export function addColumnsStatement(target: string, columns: readonly LoadColumn[]): string {
  return `ALTER TABLE ${target} ${columns
    .map((column) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${column.type}`)
    .join(", ")}`;
}

export function loadScript(
  target: string,
  columns: readonly LoadColumn[],
  replaced: LoadColumn | undefined,
  timePartition?: TimePartition,
): string {
  const names = columns.map((column) => quoteIdentifier(column.name));
  const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`);
  const selectList = columns
    .map((column) =>
      column.type === "JSON"
        ? `PARSE_JSON(${quoteIdentifier(column.name)}) AS ${quoteIdentifier(column.name)}`
        : quoteIdentifier(column.name),
    )
    .join(", ");
  const partitionBy = timePartition
    ? ` PARTITION BY TIMESTAMP_TRUNC(${quoteIdentifier(timePartition.column)}, DAY)` +
      ` CLUSTER BY ${quoteIdentifier(timePartition.column)}` +
      (timePartition.requireFilter ? " OPTIONS (require_partition_filter = TRUE)" : "")
    : replaced?.type === "DATE"
      ? ` PARTITION BY ${quoteIdentifier(replaced.name)}`
      : "";
  return [
    `CREATE TABLE IF NOT EXISTS ${target} (${definitions.join(", ")})${partitionBy};`,
    "BEGIN TRANSACTION;",
    ...(replaced ? [`DELETE FROM ${target} WHERE ${quoteIdentifier(replaced.name)} = @replace_value;`] : []),
    `INSERT INTO ${target} (${names.join(", ")}) SELECT ${selectList} FROM UNNEST(@rows);`,
    "COMMIT TRANSACTION;",
  ].join("\n");
}
