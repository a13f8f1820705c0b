// The ports every step is written against. Each has a cloud adapter and a local one (functions/adapters/*);
// nothing outside the adapters knows which one it got.
import type { SecretName } from "./options.ts";
import type { BigQueryType } from "./raw-schemas.ts";
import type { ColumnChanges } from "./model-columns.ts";

/**
 * Named query parameters. Parameters named `*_date`, `window_start` and `window_end` are "YYYY-MM-DD"
 * strings bound as DATE; Uint8Array values are bound as BYTES.
 */
export type SqlValue = string | number | boolean | null | Uint8Array;
export type SqlParams = Record<string, SqlValue>;

/**
 * A result row as plain JS values: numbers for numeric columns (DECIMAL/NUMERIC converted to number),
 * "YYYY-MM-DD" strings for DATE, ISO-8601 strings for TIMESTAMP, parsed values for JSON.
 */
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /** Label for logs, job labels and the engine-time statistics (e.g. the model name). */
  label?: string;
  /** Hard ceiling on rows a query may return into memory; exceeding it is an error, never a silent cut. */
  maxRows?: number;
  /** DATE parameters, by name, so the adapters bind them typed. */
  dateParams?: readonly string[];
}

export interface DateWindow {
  /** Inclusive first day, YYYY-MM-DD. */
  start: string;
  /** Inclusive last day, YYYY-MM-DD. */
  end: string;
}

export interface MaterializeRequest {
  dataset: string;
  table: string;
  /** BigQuery Standard SQL producing the model's rows for the window (it filters on @window_start/@window_end). */
  sql: string;
  params: SqlParams;
  /**
   * Date partition column. When set and the table exists, only the window's partitions are replaced;
   * otherwise the table is rebuilt whole.
   */
  partitionColumn?: string;
  clusterBy?: readonly string[];
  /**
   * For tables keyed by an id rather than dated (customers): when set and the table exists, the model returns
   * only the records that changed in the window, and they replace the rows with the same key (a merge).
   */
  uniqueKey?: string;
  /**
   * The columns that identify a row (the model header's `key`; some may be NULL): where an engine replaces only
   * the rows of a window that changed (DuckDB), it finds them by key.
   */
  key?: readonly string[];
  /** Window to replace; undefined means a full rebuild. */
  window?: DateWindow;
  /**
   * The query yields its rows in (nearly) partition order, read from a table stored in that order: a whole build
   * on an engine that stores rows as written may keep that order instead of sorting them (the model header's
   * `row order`). BigQuery's partitions need no order.
   */
  inputInPartitionOrder?: boolean;
  label?: string;
}

export interface MaterializeResult {
  /** The rows the model gave: the whole table, the window's, or a keyed merge's changed records. */
  rowsWritten: number;
  /**
   * Of an incremental run's rows, the stored ones it deleted and the ones it inserted, where the engine replaces
   * only what changed (DuckDB); BigQuery rewrites the window's partitions whole.
   */
  rowsChanged?: { deleted: number; inserted: number };
  mode: "full" | "incremental";
  /** The build's own time, without waiting for the warehouse to take it (parallel builds queue). */
  buildMs?: number;
  /**
   * How a whole build on DuckDB put its rows in partition order (a keyed table's: in key order): sorted while
   * building, kept in the query's own order, or sorted after the build (the query's order was too scattered, or
   * sorting ran out of memory).
   */
  rowOrder?: "sorted" | "kept" | "sorted after";
}

export interface TableColumn {
  name: string;
  type: string;
  /**
   * Whether the table is partitioned on this column, where the engine has partitions (BigQuery's
   * INFORMATION_SCHEMA.COLUMNS.is_partitioning_column); DuckDB has none and leaves it out.
   */
  partitioning?: boolean;
}

export interface TableInfo {
  dataset: string;
  name: string;
  columns: TableColumn[];
}

export interface CountedTableInfo extends TableInfo {
  rowCount: number;
}

export interface LoadColumn {
  name: string;
  type: BigQueryType;
}

export interface LoadRequest {
  dataset: string;
  table: string;
  /** Creates the table with these columns when it does not exist yet. */
  columns: readonly LoadColumn[];
  rows: readonly Row[];
  /** Rows where `column` equals `value` are replaced by `rows` (a partition overwrite). */
  replaceWhere?: { column: string; value: SqlValue };
  /**
   * Creates a missing table partitioned by day on this TIMESTAMP column and clustered on it, refusing (requireFilter)
   * a query without a filter on it: the raw tables, as infra/bigquery.tf makes them. DuckDB has no partitions.
   */
  timePartition?: TimePartition;
}

export interface TimePartition {
  column: string;
  requireFilter: boolean;
}

export interface WarehouseStats {
  queries: number;
  engineMs: number;
}

export interface Warehouse {
  readonly kind: "duckdb" | "bigquery";
  /** How many materializations may run at once (independent models in parallel); 1 or absent: one at a time. */
  readonly parallelWrites?: number;
  /** How many `query` calls and streams may run at once (independent reads in parallel); 1 or absent: one at a time. */
  readonly parallelReads?: number;
  /** Runs a query and returns its rows. Reports and checks read aggregated rows only. */
  query<T extends object = Row>(sql: string, params?: SqlParams, options?: QueryOptions): Promise<T[]>;
  /** Runs a statement (DDL/DML) whose result is not needed. */
  execute(sql: string, params?: SqlParams, options?: QueryOptions): Promise<void>;
  /**
   * Streams a query's rows in batches, so callers never hold a whole table. The first batch always comes, with the
   * query's columns, even when it has no rows (an empty result still has a schema).
   */
  stream(sql: string, params?: SqlParams, options?: QueryOptions): AsyncIterable<StreamBatch>;
  /** Writes a model's rows into dataset.table, replacing the window's partitions or the whole table. */
  materialize(request: MaterializeRequest): Promise<MaterializeResult>;
  /**
   * How the request's model columns differ from its table's, as materialize would find them before writing a window
   * (its ModelColumnsChangedError), without writing anything; undefined when they do not, or there is no table.
   */
  columnChanges(request: MaterializeRequest): Promise<ColumnChanges | undefined>;
  /** Loads a small batch of rows (findings, parsed file drops), replacing one partition's rows. */
  load(request: LoadRequest): Promise<{ rowsWritten: number }>;
  /**
   * Adds to an existing dataset.table the given columns it lacks, empty (NULL) on its rows so far: a raw table
   * made before its source's declared columns grew.
   */
  addColumns(dataset: string, table: string, columns: readonly LoadColumn[]): Promise<void>;
  /** Tables of a dataset with their columns (an empty list when the dataset does not exist). */
  listTables(dataset: string): Promise<TableInfo[]>;
  /**
   * listTables with each table's row count, for the source checks' inventory: one more read of the catalog (on
   * BigQuery one more job), which the steps that only look for a table or its columns do without.
   */
  listTablesWithRowCounts(dataset: string): Promise<CountedTableInfo[]>;
  /**
   * A view of the warehouse scoped to one step of one run (job labels, deterministic job ids), where the
   * engine supports it; the local warehouse has no jobs and does without.
   */
  forRun?(run: RunScope): Warehouse;
  /** Engine time spent so far, for the orchestration-overhead measure. */
  stats(): WarehouseStats;
  close(): Promise<void>;
}

export interface RunScope {
  runDate: string;
  step: string;
  runId: string;
  attempt?: number;
}

export interface StreamBatch {
  columns: TableColumn[];
  rows: Row[];
}

export interface WriteOptions {
  contentType?: string;
}

export interface VersionedObject {
  data: Buffer;
  generation: string;
}

/** Part of an object: the bytes asked for (fewer where the object ends first), its whole size and generation. */
export interface ObjectRange {
  data: Buffer;
  size: number;
  generation: string;
}

export interface Bucket {
  /** Human-readable location, e.g. a folder path or gs://bucket. */
  readonly location: string;
  write(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>;
  /** Writes a stream of chunks; the object appears whole or not at all. */
  writeStream(
    path: string,
    chunks: AsyncIterable<string | Uint8Array>,
    options?: WriteOptions,
  ): Promise<{ bytes: number }>;
  /**
   * Who can write this bucket: "machine" when only processes on this machine can (the local folder), so a
   * claim's holder can be proved alive by its process id; "shared" when any machine can (Cloud Storage).
   */
  readonly scope: "machine" | "shared";
  /** Creates the object only if it does not exist yet; false when it already did (used to claim a step). */
  createIfAbsent(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<boolean>;
  read(path: string): Promise<Buffer | undefined>;
  /** The object with its generation (an opaque version id that changes on every write), for compare-and-swap. */
  readVersioned(path: string): Promise<VersionedObject | undefined>;
  /**
   * Bytes `start` (included) to `end` (excluded) of the object, with its size and generation: the part of a big
   * object a reader needs, without downloading the rest. With `generation`, of that version only: undefined once
   * the object was replaced, as when it does not exist.
   */
  readRange(path: string, start: number, end: number, generation?: string): Promise<ObjectRange | undefined>;
  /** The object's bytes as a stream of chunks, so that a big object (a dropped export) is never held whole. */
  readStream(path: string): AsyncIterable<Uint8Array>;
  /** Writes only if the object is still at `generation`; false when someone else wrote or deleted it first. */
  replaceIfGeneration(
    path: string,
    data: string | Uint8Array,
    generation: string,
    options?: WriteOptions,
  ): Promise<boolean>;
  /** Deletes only if the object is still at `generation`; false when it changed or is gone. */
  deleteIfGeneration(path: string, generation: string): Promise<boolean>;
  exists(path: string): Promise<boolean>;
  /** Object paths under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Replaces `to` with a copy of `from` in one step (readers see the old or the new object, never a mix). */
  copy(from: string, to: string): Promise<void>;
  delete(path: string): Promise<void>;
  /**
   * Writes `destination` as the sources' bytes one after another, server-side where the store can (Cloud
   * Storage's compose), never holding them in memory; like writeStream, the object appears whole or not at all.
   */
  compose(sources: readonly string[], destination: string, options?: WriteOptions): Promise<void>;
  /** Where a person can open the object: a file path locally, a v4 signed URL (≤ 7 days) in the cloud. */
  linkFor(path: string): Promise<string>;
}

/** Cloud Storage's ceiling on a v4 signed URL's lifetime: 7 days. */
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 60 * 60;

export interface BusMessage {
  data: unknown;
  attributes?: Record<string, string>;
}

export interface Bus {
  /** Publishes a JSON message; resolves with the message id once the bus accepted it. */
  publish(topic: string, message: BusMessage): Promise<string>;
}

export interface OutgoingMail {
  from: string;
  to: readonly string[];
  subject: string;
  html: string;
  text: string;
  /** Stable id so that a retried send is recognisable (e.g. <summary-2026-11-21@dtc-pulse>). */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** Outbox file path locally, SMTP response in the cloud. */
  location: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
}

/** A short alert for a chat space: a title line and one line per item. */
export interface ChatMessage {
  title: string;
  lines: readonly string[];
}

/** Chat alerts through an incoming webhook (Slack, Google Chat); each adapter writes its service's payload. */
export interface Chat {
  /** Which service: the payload and the markup differ. */
  readonly kind: "slack" | "google-chat";
  /**
   * Posts the message; resolves with false, posting nothing, when this installation has no webhook URL. Rejects
   * on a timeout or an HTTP error, with an error that never contains the URL (it is a secret).
   */
  post(message: ChatMessage): Promise<boolean>;
}

/**
 * Secrets, asked for by the step that needs one when it needs it: in the cloud each function's service account
 * may read only its own (transform the PII key; notify and dead-letter the SMTP URL).
 */
export interface Secrets {
  /**
   * The secret's value, or undefined when this installation has none (locally, no SMTP URL: mail goes to the
   * outbox). Fails, saying what to grant or add, when the secret exists but cannot be read.
   */
  get(name: SecretName): Promise<string | undefined>;
}

export interface Clock {
  now(): Date;
}

export interface LogFields {
  [key: string]: unknown;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}
