// The warehouse on DuckDB: the models' BigQuery SQL goes through the one dialect layer, then runs here.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "./node-api.ts";
import type {
  CountedTableInfo,
  LoadColumn,
  LoadRequest,
  MaterializeRequest,
  MaterializeResult,
  QueryOptions,
  Row,
  SqlParams,
  StreamBatch,
  TableInfo,
  Warehouse,
  WarehouseStats,
} from "../../../shared/ports.ts";
import { type ColumnChanges, ModelColumnsChangedError, sameColumns } from "../../../shared/model-columns.ts";
import { type TranslationOptions, translateToDuckDb } from "./dialect/translator.ts";
import { toDuckDbParams, toLoadValue, usedParams } from "./params.ts";
import { mergeByKey, replaceWindow, type Timed } from "./incremental-writes.ts";
import { buildWhole } from "./whole-builds.ts";
import { writeRows } from "./load-rows.ts";
import { plainRows } from "./rows.ts";
import { ConnectionPool } from "./connection-pool.ts";
import { damagedOr, WarehouseFileDamagedError } from "./damaged-file.ts";
import { modelFingerprint } from "./model-fingerprint.ts";
import { type StoredTable, type StoredTableReads, StoredTables } from "./stored-tables.ts";
import { tableReferences } from "../../../lib/sql/table-references.ts";
import {
  BEGIN_TRANSACTION,
  CHECKPOINT,
  COMMIT,
  countRows,
  countRowsOfEach,
  createSchema,
  addColumn,
  createTable,
  DATASET_COLUMNS,
  DUCKDB_SESSION_SETUP,
  deleteWhereEquals,
  NO_FSST_COMPRESSION,
  ROLLBACK,
  ROW_GROUP_ROWS,
  TABLE_COLUMNS,
  STORED_TABLE,
  STORED_TABLES,
  commentOnTable,
  modelShape,
  tableName,
  UNORDERED_INSERTS,
} from "./statements.ts";

const DEFAULT_MAX_ROWS = 50_000;

/**
 * How many models a daily run rebuilds at once, and how many reads run at once. A day's window of a model, or an
 * audit, is a few milliseconds of work between statements that wait on the engine, so two at a time keep both
 * cores busy; so do two whole builds of tables that fit in one row group each, while a bigger whole build already
 * uses every core (and most of the memory limit) and runs alone (buildsOnEveryCore).
 */
const PARALLEL_CONNECTIONS = 2;

/**
 * How much write-ahead log DuckDB lets build up before it checkpoints by itself, inside whichever statement
 * commits past it. At its default (16 MB) a warm run at 1M orders (18.7 MB of log) paid a 265 ms checkpoint inside
 * the transform's last commit and 100 ms more at close. With room for a whole daily run, the local run checkpoints
 * once, in the background, while its read-only steps run (checkpointInBackground). The log's rows stay in memory
 * until then: this bounds that.
 */
const CHECKPOINT_THRESHOLD = "256MB";

/** The engine's settings for a warehouse opened with these options. */
export function duckDbConfig(options: { threads?: number; memoryLimit?: string }): Record<string, string> {
  const config: Record<string, string> = {
    // DuckDB's allocator (jemalloc) hands freed pages back to the system after a second; without its background
    // thread that happens only when the same arena allocates again, so a build's freed memory lingers into the
    // next one. Whole cold runs at 1M orders (600 MB limit), peak RSS: 900–953 MB with it (8 runs), 911–1,054 MB
    // without (8 runs); wall times 16.4–17.1 s with it, 16.8–17.2 s without.
    allocator_background_threads: "true",
    checkpoint_threshold: CHECKPOINT_THRESHOLD,
    // DuckDB 1.5.6's rewrite of `QUALIFY ROW_NUMBER() … = 1` into a top-N fails with an internal error ("Failed to
    // cast expression to type - expression type mismatch") when a window's filter on the model's output is pushed
    // through a join into such a window and the input holds days on both sides of the window's: a late change's
    // rebuild of staging.stg_facebook_ads_insights (test/sql/late-changes.test.ts; the shape alone in
    // warehouse.test.ts).
    disabled_optimizers: "top_n_window_elimination",
  };
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  return config;
}

/** A STORED_TABLE(S) row: a missing comment is "" (a table no model built). */
function storedTable(row: Record<string, unknown>): StoredTable {
  return { comment: String(row.comment ?? ""), rows: Number(row.estimated_size ?? 0) };
}

export class DuckDbWarehouse implements Warehouse {
  readonly kind = "duckdb" as const;
  readonly parallelWrites: number;
  readonly parallelReads: number;
  private engineMs = 0;
  private queries = 0;
  private checkpoint?: Promise<void>;
  /** The first damage of the file DuckDB reported since it was opened: the command line says what to do. */
  damage?: WarehouseFileDamagedError;
  private readonly schemas = new Map<string, Promise<void>>();
  private readonly storedTables = new StoredTables();

  private constructor(
    /** The database file, or ":memory:". */
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly pool: ConnectionPool<DuckDBConnection>,
    private readonly translation: TranslationOptions,
  ) {
    this.parallelWrites = pool.size;
    this.parallelReads = pool.size;
  }

  /**
   * Opens (or creates) the database file, or an in-memory one for ":memory:". `plainTranslation`: the models'
   * SQL without the translation's speed rewrites (the reference the fast translation is tested against).
   */
  static async open(
    path: string,
    options: {
      threads?: number;
      memoryLimit?: string;
      plainTranslation?: boolean;
    } = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ":memory:") await mkdir(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, duckDbConfig(options)).catch((error: unknown) => {
      throw damagedOr(error, path);
    });
    const connect = async () => {
      const connection = await instance.connect();
      // A UTC clock and BigQuery's NULL ordering, so the translated models behave as they do on BigQuery.
      for (const statement of DUCKDB_SESSION_SETUP) await connection.run(statement);
      await connection.run(UNORDERED_INSERTS);
      return connection;
    };
    const connection = await connect();
    await connection.run(NO_FSST_COMPRESSION);
    // Model builds and reads run on these: a transaction is per connection, so each build needs its own, and one
    // connection runs one query at a time. Loads, statements and streams stay on the first connection.
    const pooled: DuckDBConnection[] = [];
    while (pooled.length < PARALLEL_CONNECTIONS) pooled.push(await connect());
    return new DuckDbWarehouse(path, instance, connection, new ConnectionPool(pooled), {
      plain: options.plainTranslation === true,
    });
  }

  /** The raw DuckDB connection, for the demo generator's bulk appends only. */
  get rawConnection(): DuckDBConnection {
    this.storedTables.forgetAll(); // what it runs is not seen here
    return this.connection;
  }

  private async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      // A block read anywhere (a model's input, a checkpoint) may be the damaged one.
      const damaged = damagedOr(error, this.path);
      if (damaged instanceof WarehouseFileDamagedError) this.damage ??= damaged;
      throw damaged;
    } finally {
      this.engineMs += performance.now() - started;
      this.queries += 1;
    }
  }

  private async runTranslated(
    sql: string,
    params: SqlParams,
    label: string | undefined,
    connection: DuckDBConnection = this.connection,
  ) {
    const translated = translateToDuckDb(sql, this.translation);
    try {
      return await this.timed(() =>
        connection.runAndReadAll(translated, toDuckDbParams(usedParams(translated, params))),
      );
    } catch (error) {
      if (error instanceof WarehouseFileDamagedError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`query ${label ? `"${label}" ` : ""}failed on DuckDB: ${reason}`, { cause: error });
    }
  }

  async query<T extends object = Row>(
    sql: string,
    params: SqlParams = {},
    options: QueryOptions = {},
  ): Promise<T[]> {
    const reader = await this.pool.use(false, (connection) =>
      this.runTranslated(sql, params, options.label, connection),
    );
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    if (reader.currentRowCount > maxRows) {
      throw new Error(
        `query ${options.label ?? ""} returned ${reader.currentRowCount} rows, over its limit of ${maxRows}: aggregate in SQL or stream it`,
      );
    }
    return plainRows(reader.getRowObjectsJS(), reader.columnNames(), reader.columnTypes()) as T[];
  }

  async execute(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<void> {
    try {
      await this.runTranslated(sql, params, options.label);
    } finally {
      this.storedTables.forgetAll(); // a statement may create, drop or relabel any table
    }
  }

  async *stream(sql: string, params: SqlParams = {}, options: QueryOptions = {}): AsyncIterable<StreamBatch> {
    const translated = translateToDuckDb(sql, this.translation);
    // A stream holds a pooled connection until its reader has read every batch or stopped (the pool's size is
    // parallelReads: streams run beside each other and beside queries).
    const { connection, release } = await this.pool.acquire(false);
    try {
      const result = await this.timed(() =>
        connection.stream(translated, toDuckDbParams(usedParams(translated, params))),
      );
      const names = result.columnNames();
      const types = result.columnTypes();
      const columns = names.map((name, index) => ({ name, type: types[index]?.toString() ?? "UNKNOWN" }));
      const batches = result.yieldRowObjectJs()[Symbol.asyncIterator]();
      let yielded = false;
      for (;;) {
        const next = await this.timed(() => batches.next());
        if (next.done) break;
        if (next.value.length > 0) {
          yielded = true;
          yield { columns, rows: plainRows(next.value, names, types) };
        }
      }
      // A query without rows still has columns: readers (an extract's CSV header) need them.
      if (!yielded) yield { columns, rows: [] };
    } finally {
      release();
    }
    void options;
  }

  /**
   * Creates the dataset's schema once per process: the pipeline never drops one, and a daily run would otherwise
   * ask for it before each of its ~30 writes (each a catalog write). Two builds starting at once in a dataset
   * share the one creation: two CREATE SCHEMA IF NOT EXISTS on two connections at once fail in DuckDB ("Catalog
   * write-write conflict on create").
   */
  private ensureSchema(connection: DuckDBConnection, dataset: string): Promise<void> {
    let creating = this.schemas.get(dataset);
    if (!creating) {
      creating = this.timed(() => connection.run(createSchema(dataset))).then(() => undefined);
      // A failed creation is not kept: the next build tries again.
      creating.catch(() => {
        if (this.schemas.get(dataset) === creating) this.schemas.delete(dataset);
      });
      this.schemas.set(dataset, creating);
    }
    return creating;
  }

  /** A table's STORED_TABLE row, undefined when it does not exist. */
  private async readStoredTable(
    connection: DuckDBConnection,
    dataset: string,
    table: string,
  ): Promise<StoredTable | undefined> {
    const reader = await this.timed(() => connection.runAndReadAll(STORED_TABLE, { dataset, table }));
    const row = reader.getRowObjectsJS()[0];
    return row ? storedTable(row) : undefined;
  }

  /** Every table of a dataset (STORED_TABLES), by name. */
  private async readStoredTables(
    connection: DuckDBConnection,
    dataset: string,
  ): Promise<Map<string, StoredTable>> {
    const reader = await this.timed(() => connection.runAndReadAll(STORED_TABLES, { dataset }));
    return new Map(reader.getRowObjectsJS().map((row) => [String(row.table_name), storedTable(row)]));
  }

  /**
   * Before a window or a merge goes into a table that another model SQL built (its fingerprint differs, or it
   * predates fingerprints): the model's columns must be the table's. An insert by name would leave a column the
   * model no longer has empty on the new days, and a new one empty on every older day (or fail inside DuckDB
   * without saying why). A column whose type changed would take the window's rows cast to the table's type,
   * silently (a DECIMAL(38,6) amount into a DECIMAL(38,2) column loses all but two places). Any of these is a
   * ModelColumnsChangedError, before anything is written: the transform then rebuilds the model whole (BigQuery
   * compares the same way: bigquery/table-writes.ts insertColumns).
   */
  private async changesOn(
    connection: DuckDBConnection,
    request: MaterializeRequest,
    select: string,
    params: Record<string, DuckDBValue>,
  ): Promise<ColumnChanges> {
    await this.timed(() => connection.run(modelShape.create(select), params));
    const model = await this.timed(() => connection.runAndReadAll(modelShape.columns));
    await this.timed(() => connection.run(modelShape.drop));
    const table = await this.timed(() =>
      connection.runAndReadAll(TABLE_COLUMNS, { dataset: request.dataset, table: request.table }),
    );
    const typesByColumn = (rows: Record<string, unknown>[]) =>
      new Map(rows.map((row) => [String(row.column_name), String(row.data_type)]));
    const modelTypes = typesByColumn(model.getRowObjectsJS());
    const tableTypes = typesByColumn(table.getRowObjectsJS());
    return {
      added: [...modelTypes.keys()].filter((column) => !tableTypes.has(column)),
      removed: [...tableTypes.keys()].filter((column) => !modelTypes.has(column)),
      retyped: [...modelTypes].flatMap(([column, now]) => {
        const was = tableTypes.get(column);
        return was !== undefined && was !== now ? [{ column, was, now }] : [];
      }),
    };
  }

  /**
   * What materialize would find of the request's columns, without writing: how they differ from its table's when
   * another model SQL built it, undefined when the same SQL did, or there is no table to differ from (for `plan`).
   */
  async columnChanges(request: MaterializeRequest): Promise<ColumnChanges | undefined> {
    return this.pool.use(false, async (connection) => {
      const select = translateToDuckDb(request.sql, this.translation);
      const params = toDuckDbParams(usedParams(select, request.params));
      const stored = await this.storedTables.get(
        request.dataset,
        request.table,
        this.storedTableReads(connection),
      );
      if (!stored || stored.comment === modelFingerprint(select, request)) return undefined;
      const changes = await this.changesOn(connection, request, select, params);
      return sameColumns(changes) ? undefined : changes;
    });
  }

  async materialize(request: MaterializeRequest): Promise<MaterializeResult> {
    const alone = request.window === undefined && (await this.buildsOnEveryCore(request));
    return this.pool.use(alone, async (connection) => {
      const started = performance.now();
      const result = await this.materializeOn(connection, request);
      return { ...result, buildMs: Math.round(performance.now() - started) };
    });
  }

  /**
   * Whether a whole build takes every pooled connection (runs alone) rather than one (beside another build).
   * DuckDB splits a table's scan by row group, so a build whose every input table fits in one row group runs on one
   * thread whatever the machine has: the ad platforms' models and the fx rates at any order count, and every model
   * of a shop of 100k orders. Two such builds at once keep both cores busy. A build that reads a bigger table
   * already uses every core and most of the memory limit, so it runs alone; so does one that keeps its input's
   * order (buildInInputOrder, whole-builds.ts), which sets preserve_insertion_order, a setting of the whole
   * database, for its statement.
   */
  private async buildsOnEveryCore(request: MaterializeRequest): Promise<boolean> {
    if (request.inputInPartitionOrder) return true;
    const inputs = tableReferences(request.sql);
    return this.pool.use(false, async (connection) => {
      for (const input of inputs) {
        const [dataset = "", table = ""] = input.split(".");
        const stored = await this.storedTables.get(dataset, table, this.storedTableReads(connection));
        if ((stored?.rows ?? 0) > ROW_GROUP_ROWS) return true;
      }
      return false;
    });
  }

  /** How StoredTables asks DuckDB, on the given connection. */
  private storedTableReads(connection: DuckDBConnection): StoredTableReads {
    return {
      dataset: (dataset) => this.readStoredTables(connection, dataset),
      table: (dataset, table) => this.readStoredTable(connection, dataset, table),
    };
  }

  private async materializeOn(
    connection: DuckDBConnection,
    request: MaterializeRequest,
  ): Promise<MaterializeResult> {
    const target = tableName(request.dataset, request.table);
    const select = translateToDuckDb(request.sql, this.translation);
    const params = toDuckDbParams(usedParams(select, request.params));
    await this.ensureSchema(connection, request.dataset);
    const fingerprint = modelFingerprint(select, request);
    const stored =
      request.window !== undefined &&
      (request.partitionColumn !== undefined || request.uniqueKey !== undefined)
        ? await this.storedTables.get(request.dataset, request.table, this.storedTableReads(connection))
        : undefined;
    const incremental = stored !== undefined;
    const comment = stored?.comment;
    const fingerprintComment = commentOnTable(target, fingerprint);
    // Said inside the write's own transaction, so that a table carries the fingerprint of the SQL that wrote it.
    const relabel = comment === fingerprint ? undefined : fingerprintComment;
    const label = request.label ?? `${request.dataset}.${request.table}`;
    const timed: Timed = (work) => this.timed(work);
    /** What a whole build left in the table: StoredTables keeps it, where a window's write is read again. */
    let built: StoredTable | undefined;
    try {
      if (incremental && relabel) {
        const changes = await this.changesOn(connection, request, select, params);
        if (!sameColumns(changes))
          throw new ModelColumnsChangedError(request.dataset, request.table, changes, label);
      }
      if (incremental && request.uniqueKey && !request.partitionColumn) {
        return await mergeByKey({ connection, timed, target, select, params, relabel }, request.uniqueKey);
      }
      if (!incremental || !request.window || !request.partitionColumn) {
        const rowOrder = await buildWhole({ connection, timed, target, select, params }, request);
        await this.timed(() => connection.run(fingerprintComment));
        const rowsWritten = await this.count(target, connection);
        built = { comment: fingerprint, rows: rowsWritten };
        return { rowsWritten, mode: "full", ...(rowOrder ? { rowOrder } : {}) };
      }
      const { window, partitionColumn } = request;
      const write = { connection, timed, target, select, params, relabel };
      return await replaceWindow(write, window, partitionColumn, stored?.rows ?? 0, request.key);
    } catch (error) {
      // Said as it is: the transform tells it from a failure by its type, and rebuilds the model whole.
      if (error instanceof ModelColumnsChangedError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`model ${label} failed on DuckDB: ${reason}`, { cause: error });
    } finally {
      if (built) this.storedTables.built(request.dataset, request.table, built);
      else this.storedTables.wrote(request.dataset, request.table);
    }
  }

  private async count(target: string, connection = this.connection): Promise<number> {
    const reader = await this.timed(() => connection.runAndReadAll(countRows(target)));
    return Number(reader.getRowObjectsJS()[0]?.n ?? 0);
  }

  async load(request: LoadRequest): Promise<{ rowsWritten: number }> {
    const target = tableName(request.dataset, request.table);
    const create = createTable(target, request.columns);
    await this.ensureSchema(this.connection, request.dataset);
    this.storedTables.wrote(request.dataset, request.table);
    await this.timed(() => this.connection.run(create));
    await this.timed(() => this.connection.run(BEGIN_TRANSACTION));
    try {
      if (request.replaceWhere) {
        const { column, value } = request.replaceWhere;
        const replaced = request.columns.find((candidate) => candidate.name === column);
        if (!replaced)
          throw new Error(`load into ${target}: replaceWhere column ${column} is not among the columns`);
        await this.timed(() =>
          this.connection.run(deleteWhereEquals(target, replaced), [toLoadValue(value, replaced.type)]),
        );
      }
      await writeRows(this.connection, request, target, (work) => this.timed(work));
      await this.timed(() => this.connection.run(COMMIT));
    } catch (error) {
      await this.connection.run(ROLLBACK);
      throw error;
    }
    return { rowsWritten: request.rows.length };
  }

  async addColumns(dataset: string, table: string, columns: readonly LoadColumn[]): Promise<void> {
    const target = tableName(dataset, table);
    this.storedTables.wrote(dataset, table);
    for (const column of columns) await this.timed(() => this.connection.run(addColumn(target, column)));
  }

  /** On a pooled connection, as `query`: steps list tables from reads running side by side. */
  async listTables(dataset: string): Promise<TableInfo[]> {
    return this.pool.use(false, (connection) => this.tablesOn(connection, dataset));
  }

  async listTablesWithRowCounts(dataset: string): Promise<CountedTableInfo[]> {
    return this.pool.use(false, async (connection) => {
      const infos = (await this.tablesOn(connection, dataset)).map((info) => ({ ...info, rowCount: 0 }));
      if (infos.length) {
        const counts = await this.timed(() =>
          connection.runAndReadAll(
            countRowsOfEach(
              dataset,
              infos.map((info) => info.name),
            ),
          ),
        );
        for (const row of counts.getRowObjectsJS()) {
          const info = infos[Number(row.i)];
          if (info) info.rowCount = Number(row.n);
        }
      }
      return infos;
    });
  }

  private async tablesOn(connection: DuckDBConnection, dataset: string): Promise<TableInfo[]> {
    const reader = await this.timed(() => connection.runAndReadAll(DATASET_COLUMNS, { dataset }));
    const tables = new Map<string, TableInfo>();
    for (const row of reader.getRowObjectsJS()) {
      const name = String(row.table_name);
      const info = tables.get(name) ?? { dataset, name, columns: [] };
      info.columns.push({ name: String(row.column_name), type: String(row.data_type) });
      tables.set(name, info);
    }
    return [...tables.values()];
  }

  stats(): WarehouseStats {
    return { queries: this.queries, engineMs: this.engineMs };
  }

  /**
   * Writes what is committed from the write-ahead log into the database file, on a connection of its own and
   * DuckDB's threads, while the caller goes on with work that only reads. One at a time: called while one runs,
   * it returns that one; close() waits for it. It never fails: a checkpoint DuckDB refuses (a write running
   * beside it) is left to close(), which checkpoints whatever is still in the log.
   */
  checkpointInBackground(): Promise<void> {
    if (!this.checkpoint) {
      const running = this.checkpointOnItsOwnConnection().finally(() => {
        if (this.checkpoint === running) this.checkpoint = undefined;
      });
      this.checkpoint = running;
    }
    return this.checkpoint;
  }

  private async checkpointOnItsOwnConnection(): Promise<void> {
    const connection = await this.instance.connect().catch(() => undefined);
    if (!connection) return; // closed under us: nothing left to checkpoint here
    try {
      await this.timed(() => connection.run(CHECKPOINT));
    } catch {
      // Left to close().
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    await this.checkpoint;
    this.pool.closeAll();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
