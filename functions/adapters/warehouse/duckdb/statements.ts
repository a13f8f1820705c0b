// Every statement the DuckDB adapter writes itself: the engine plumbing around the models (session settings,
// schemas, whole and windowed table builds, keyed merges, loads, the table inventory). The models' own SQL comes
// from sql/ through the dialect layer. Names here are validated identifiers and values are bound parameters.
import type { LoadColumn } from "../../../shared/ports.ts";
import { duckDbType } from "./types.ts";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid identifier "${name}"`);
  return `"${name}"`;
}

/** "dataset"."table", both validated. */
export function tableName(dataset: string, table: string): string {
  return `${quoteIdentifier(dataset)}.${quoteIdentifier(table)}`;
}

/** Statements to run once per DuckDB connection before any translated SQL. */
export const DUCKDB_SESSION_SETUP: readonly string[] = [
  // BigQuery evaluates dates, DATE(ts) and EXTRACT in UTC unless told otherwise.
  "SET TimeZone = 'UTC'",
  // BigQuery sorts NULLs first ascending and last descending; DuckDB's default is NULLs last both ways.
  "SET default_null_order = 'nulls_first_on_asc_last_on_desc'",
];

// Every result the pipeline depends on is ordered explicitly (ORDER BY), so DuckDB need not keep insertion
// order: that lets big builds stream within the memory limit instead of running out of it.
export const UNORDERED_INSERTS = "SET preserve_insertion_order = false";
/**
 * FSST (and dictionary + FSST) compression of text columns, off for the whole database. Deciding and applying it
 * is most of what writing a wide table costs, and the pipeline's widest text is what FSST cannot shrink: HMAC
 * hashes and Airbyte's raw ids, random hex. Copying the 1M-order bench's built tables into new ones
 * (2026-12-07, 2 runs each): staging.stg_shopify_orders 2.2–2.6 s with it, 1.6–2.0 s without; shopify_unified
 * 1.8–2.4 s and 1.6 s; stg_shopify_line_items 0.9–1.4 s and 0.8 s; their full scans took no longer, and the tables
 * grew by 0–75 % (dictionary, run-length and bit-packing still apply). Whole cold builds in the bench,
 * 3 runs each beside the code before: 1M orders 19.8 s (processor 35.3 s) against 22.0 s (38.7 s), the database
 * file 867 MB against 740 MB; 3M orders 53.6 s against 53.8 s; warm runs the same within their spread. DuckDB takes
 * the setting for the whole database (GLOBAL), from a SET only: given in the instance's configuration it was not
 * applied.
 */
export const NO_FSST_COMPRESSION = "SET disabled_compression_methods = 'fsst,dict_fsst'";

/** For the build that keeps its query's row order (buildInInputOrder, whole-builds.ts); then UNORDERED_INSERTS. */
export const ORDERED_INSERTS = "SET preserve_insertion_order = true";

/** Rows per DuckDB row group (its storage default): the unit a checkpoint rewrites and a zonemap skips. */
export const ROW_GROUP_ROWS = 122_880;

export const BEGIN_TRANSACTION = "BEGIN TRANSACTION";
export const CHECKPOINT = "CHECKPOINT";
export const COMMIT = "COMMIT";
export const ROLLBACK = "ROLLBACK";

export function createSchema(dataset: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(dataset)}`;
}

/**
 * Binds $dataset and $table; one row, its comment (the fingerprint of the model that built it) and its estimated
 * row count, or none when the table does not exist. DuckDB's own catalog function: information_schema's view is
 * slower.
 */
export const STORED_TABLE = `SELECT comment, estimated_size FROM duckdb_tables()
         WHERE database_name = current_database() AND schema_name = $dataset AND table_name = $table`;

/** Binds $dataset; STORED_TABLE's row for every table of the dataset, with its name. */
export const STORED_TABLES = `SELECT table_name, comment, estimated_size FROM duckdb_tables()
         WHERE database_name = current_database() AND schema_name = $dataset`;

/** The text is a fingerprint (letters, digits, a colon), quoted all the same. */
export function commentOnTable(target: string, text: string): string {
  return `COMMENT ON TABLE ${target} IS '${text.replaceAll("'", "''")}'`;
}

/**
 * A model's output columns without running it: an empty temporary table of its shape (LIMIT 0), on the
 * connection that asks; `columns` names them, in order.
 */
export const modelShape = {
  create: (select: string): string =>
    `CREATE OR REPLACE TEMP TABLE pulse_model_shape AS SELECT * FROM (${select}) AS model LIMIT 0`,
  columns: `SELECT column_name, data_type FROM duckdb_columns()
         WHERE database_name = 'temp' AND table_name = 'pulse_model_shape' ORDER BY column_index`,
  drop: "DROP TABLE pulse_model_shape",
};

/** Binds $dataset and $table; the table's column names (and types) in order. */
export const TABLE_COLUMNS = `SELECT column_name, data_type FROM duckdb_columns()
         WHERE database_name = current_database() AND schema_name = $dataset AND table_name = $table
         ORDER BY column_index`;

/** Binds $dataset; every column of every table in it. DuckDB's own catalog function, as for STORED_TABLE. */
export const DATASET_COLUMNS = `SELECT table_name, column_name, data_type FROM duckdb_columns()
         WHERE database_name = current_database() AND schema_name = $dataset ORDER BY table_name, column_index`;

/** One row, n. */
export function countRows(target: string): string {
  return `SELECT count(*) AS n FROM ${target}`;
}

/**
 * One row per table of a dataset, its position in `tables` (i) and its rows (n): one statement for the whole
 * dataset, where a count per table paid a statement's overhead per table (40 of them on every daily run).
 */
export function countRowsOfEach(dataset: string, tables: readonly string[]): string {
  return tables
    .map((table, index) => `SELECT ${index} AS i, count(*) AS n FROM ${tableName(dataset, table)}`)
    .join(" UNION ALL ");
}

/**
 * A whole table from its model, in partition order: the daily run deletes and re-inserts its window's days, and
 * a checkpoint rewrites every row group that lost rows, so a window spread over the table (as parallel joins leave
 * it) costs a rewrite of most of it (1.1 s for unified.shopify_unified at 1M orders). Only the partition column
 * (a keyed table's key: buildWhole, whole-builds.ts): the cluster keys are BigQuery's, and each one more sort key
 * costs DuckDB CPU on a million wide rows.
 */
export function fullBuild(target: string, select: string, orderColumn?: string): string {
  const orderBy = orderColumn ? ` ORDER BY ${quoteIdentifier(orderColumn)}` : "";
  return `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM (${select}) AS model${orderBy}`;
}

/**
 * How many row groups hold the newest month of a table's rows, and how many rows that is: a daily run deletes and
 * re-inserts its last days, and a checkpoint rewrites each row group that lost rows. In partition order they sit
 * in ceil(rows / ROW_GROUP_ROWS) groups, or one more where they straddle a boundary. A fresh table's rowid is its
 * position, so rowid // ROW_GROUP_ROWS is its row group.
 */
export function newestMonthRowGroups(target: string, partitionColumn: string): string {
  const column = quoteIdentifier(partitionColumn);
  return `SELECT count(DISTINCT rowid // ${ROW_GROUP_ROWS}) AS row_groups, count(*) AS row_count FROM ${target}
         WHERE ${column} >= (SELECT max(${column}) FROM ${target}) - INTERVAL 31 DAY`;
}

/** The table rewritten in partition (or key) order: the fallback when sorting inside the build ran out of memory. */
export function sortInPlace(target: string, orderColumn: string): string {
  return `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${target} ORDER BY ${quoteIdentifier(orderColumn)}`;
}

/** The condition that keeps a table's rows to the run window's partitions: binds $window_start and $window_end. */
function inWindow(partitionColumn: string): string {
  return `${quoteIdentifier(partitionColumn)} BETWEEN $window_start AND $window_end`;
}

/** Binds $window_start and $window_end. */
export function deleteWindow(target: string, partitionColumn: string): string {
  return `DELETE FROM ${target} WHERE ${inWindow(partitionColumn)}`;
}

/** Binds the model's parameters, $window_start and $window_end. */
export function insertWindow(target: string, select: string, partitionColumn: string): string {
  return `INSERT INTO ${target} BY NAME SELECT * FROM (${select}) AS model WHERE ${inWindow(partitionColumn)}`;
}

/**
 * A window's partitions replaced by their difference: the rows the model gives now are staged in the table's own
 * shape; the stored rows of the window the model no longer gives are deleted, and only the rows not already stored
 * are inserted. The window's rows end up exactly as a delete of the window and an insert of the model would leave
 * them (as a multiset: each row as many times as the model gives it), but a daily run's window is mostly the same
 * rows as the day before's, and every row deleted and inserted again was rewritten by the checkpoint: DuckDB
 * merges row groups that lost rows, so on consecutive daily runs at 1M orders it rewrote 375k rows each of
 * stg_shopify_orders and shopify_unified, a 3–5 s checkpoint (2026-12-02).
 */
export const windowReplace = {
  stage: (target: string): string =>
    `CREATE OR REPLACE TEMP TABLE pulse_window AS SELECT * FROM ${target} LIMIT 0`,
  /** Binds the model's parameters, $window_start and $window_end. */
  fill: (select: string, partitionColumn: string): string =>
    `INSERT INTO pulse_window BY NAME SELECT * FROM (${select}) AS model ` +
    `WHERE ${inWindow(partitionColumn)}`,
  /**
   * Binds $window_start and $window_end. The stored rows of the window that the model does not give (as many times
   * as stored) are the stale ones; every stored copy of a stale row goes (a row is compared whole: the table's
   * alias is the row as a struct, whose NULLs compare equal), so that what stays of the window is a part of what the
   * model gives, and insertNew adds the rest.
   */
  deleteStale: (target: string, partitionColumn: string): string => {
    const window = inWindow(partitionColumn);
    return `DELETE FROM ${target} AS stored_row WHERE ${window} AND stored_row IN (
  SELECT stale_row FROM (SELECT * FROM ${target} WHERE ${window} EXCEPT ALL SELECT * FROM pulse_window) AS stale_row
)`;
  },
  /** Binds $window_start and $window_end. What is left of the window is rows the model gives: the others go in. */
  insertNew: (target: string, partitionColumn: string): string =>
    `INSERT INTO ${target} SELECT * FROM pulse_window EXCEPT ALL SELECT * FROM ${target} ` +
    `WHERE ${inWindow(partitionColumn)}`,
  drop: "DROP TABLE pulse_window",
};

/**
 * A window's partitions replaced by key, as windowReplace does by whole rows and with the same end: the rows the
 * model gives now are staged (windowReplace.stage and fill); the keys whose rows changed are marked; the stored rows
 * of the window with a marked key are deleted and the model's rows with a marked key inserted. A key is marked when
 * its stored row and its new row differ (compared whole, NULLs equal), when only one side has it, or when a side
 * has it more than once (a broken grain, which the model's uniqueness audit then reports): every row of a marked
 * key is replaced, so the window ends as the model gives it, as a multiset. Joining on the key is what makes it
 * cheaper than windowReplace's EXCEPT ALL, which numbers the copies of each whole row: at 1M orders, on a daily
 * run's window of shopify_unified (16,647 rows), marking, deleting and inserting took 113–154 ms against 498–571 ms
 * for windowReplace's two statements (2026-12-03, three rounds each, the same changes, while a test run used the
 * machine too). The key is a struct of the key columns, so that a NULL in a key column is a value like any other.
 */
export const keyedWindowReplace = {
  /** Binds $window_start and $window_end. */
  markChanged: (target: string, partitionColumn: string, key: readonly string[]): string => {
    return `CREATE OR REPLACE TEMP TABLE pulse_changed_keys AS
WITH stored AS (SELECT ${keyStruct(key, "stored_row")} AS pulse_key, stored_row FROM ${target} AS stored_row WHERE ${inWindow(partitionColumn)}),
given AS (SELECT ${keyStruct(key, "given_row")} AS pulse_key, given_row FROM pulse_window AS given_row)
SELECT COALESCE(stored.pulse_key, given.pulse_key) AS pulse_key
FROM stored FULL JOIN given ON stored.pulse_key IS NOT DISTINCT FROM given.pulse_key
WHERE stored.stored_row IS NULL OR given.given_row IS NULL OR stored.stored_row IS DISTINCT FROM given.given_row
UNION SELECT pulse_key FROM stored GROUP BY pulse_key HAVING count(*) > 1
UNION SELECT pulse_key FROM given GROUP BY pulse_key HAVING count(*) > 1`;
  },
  /** Binds $window_start and $window_end. */
  deleteChanged: (target: string, partitionColumn: string, key: readonly string[]): string =>
    `DELETE FROM ${target} AS stored_row WHERE ${inWindow(partitionColumn)} ` +
    `AND ${keyStruct(key, "stored_row")} IN (SELECT pulse_key FROM pulse_changed_keys)`,
  insertChanged: (target: string, key: readonly string[]): string =>
    `INSERT INTO ${target} SELECT * FROM pulse_window AS given_row ` +
    `WHERE ${keyStruct(key, "given_row")} IN (SELECT pulse_key FROM pulse_changed_keys)`,
  drop: ["DROP TABLE pulse_changed_keys", "DROP TABLE pulse_window"],
};

/** The key columns of a row as one struct value: {'order_id': stored_row.order_id, …}. */
function keyStruct(key: readonly string[], alias: string): string {
  const fields = key.map(
    (column) => `'${column.replaceAll("'", "''")}': ${alias}.${quoteIdentifier(column)}`,
  );
  return `{${fields.join(", ")}}`;
}

/** A keyed merge: the model's changed records are staged, replace the rows with their key, then go. */
export const keyedMerge = {
  stage: (select: string): string =>
    `CREATE OR REPLACE TEMP TABLE pulse_changed AS SELECT * FROM (${select}) AS model`,
  deleteReplaced: (target: string, uniqueKey: string): string => {
    const key = quoteIdentifier(uniqueKey);
    return `DELETE FROM ${target} WHERE ${key} IN (SELECT ${key} FROM pulse_changed)`;
  },
  insert: (target: string): string => `INSERT INTO ${target} BY NAME SELECT * FROM pulse_changed`,
  drop: "DROP TABLE pulse_changed",
};

export function createTable(target: string, columns: readonly LoadColumn[]): string {
  const definitions = columns.map((column) => `${quoteIdentifier(column.name)} ${duckDbType(column.type)}`);
  return `CREATE TABLE IF NOT EXISTS ${target} (${definitions.join(", ")})`;
}

/** ADD COLUMN for a column the table may already have (then nothing changes). */
export function addColumn(target: string, column: LoadColumn): string {
  return `ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${duckDbType(column.type)}`;
}

/** Binds one positional value, cast to the column's type. */
export function deleteWhereEquals(target: string, column: LoadColumn): string {
  return `DELETE FROM ${target} WHERE ${quoteIdentifier(column.name)} = CAST(? AS ${duckDbType(column.type)})`;
}

/** Binds rowCount × columns positional values, row by row, each cast to its column's type. */
export function insertValues(target: string, columns: readonly LoadColumn[], rowCount: number): string {
  const columnList = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const tuple = `(${columns.map((column) => `CAST(? AS ${duckDbType(column.type)})`).join(", ")})`;
  return `INSERT INTO ${target} (${columnList}) VALUES ${Array.from({ length: rowCount }, () => tuple).join(", ")}`;
}
