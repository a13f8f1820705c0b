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
import { writeRows } from "./load-rows.ts";
import { plainRows } from "./rows.ts";
import { ConnectionPool } from "./connection-pool.ts";
import { damagedOr, WarehouseFileDamagedError } from "./damaged-file.ts";
import { modelFingerprint } from "./model-fingerprint.ts";
import { type StoredTable, StoredTables } from "./stored-tables.ts";
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
  fullBuild,
  sortInPlace,
  newestMonthRowGroups,
  NO_FSST_COMPRESSION,
  ORDERED_INSERTS,
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
 * cores busy; a whole-table build already uses every core (and most of the memory limit), so it runs alone.
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

/**
 * How many row groups beyond the fewest possible a kept build's newest month may sit in (buildInInputOrder). A
 * daily run deletes and rewrites that month's newest days, and its checkpoint rewrites the row groups they were in.
 * A build DuckDB writes in parallel scatters its rows a little: DuckDB 1.5.6 writes a query with a hash join without
 * keeping its order (a run of rows per thread). unified.shopify_unified, keeping the order of the sorted
 * staging.stg_shopify_orders, put its newest month in 4 row groups at 3M orders where 2 would do (3 builds,
 * 2026-12-07); keeping the orders' landing order, which that model then kept the same scattered way, in 8 to 10, and
 * a 3M cold build sorted it after (+20 s). A table spread over all 9 row groups of 1M orders still gets sorted: the
 * checkpoint after a daily run took 730–1,280 ms there, against 540–870 ms after a sorted build (2026-12-02).
 */
const SPREAD_ROW_GROUPS_KEPT = 6;

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
  private readonly schemas = new Set<string>();
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
   * ask for it before each of its ~30 writes (each a catalog write).
   */
  private async ensureSchema(connection: DuckDBConnection, dataset: string): Promise<void> {
    if (this.schemas.has(dataset)) return;
    await this.timed(() => connection.run(createSchema(dataset)));
    this.schemas.add(dataset);
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
      const stored = await this.storedTables.get(request.dataset, request.table, {
        dataset: (dataset) => this.readStoredTables(connection, dataset),
        table: (dataset, table) => this.readStoredTable(connection, dataset, table),
      });
      if (!stored || stored.comment === modelFingerprint(select, request)) return undefined;
      const changes = await this.changesOn(connection, request, select, params);
      return sameColumns(changes) ? undefined : changes;
    });
  }

  async materialize(request: MaterializeRequest): Promise<MaterializeResult> {
    return this.pool.use(request.window === undefined, async (connection) => {
      const started = performance.now();
      const result = await this.materializeOn(connection, request);
      return { ...result, buildMs: Math.round(performance.now() - started) };
    });
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
        ? await this.storedTables.get(request.dataset, request.table, {
            dataset: (dataset) => this.readStoredTables(connection, dataset),
            table: (dataset, table) => this.readStoredTable(connection, dataset, table),
          })
        : undefined;
    const incremental = stored !== undefined;
    const comment = stored?.comment;
    const fingerprintComment = commentOnTable(target, fingerprint);
    // Said inside the write's own transaction, so that a table carries the fingerprint of the SQL that wrote it.
    const relabel = comment === fingerprint ? undefined : fingerprintComment;
    const label = request.label ?? `${request.dataset}.${request.table}`;
    const timed: Timed = (work) => this.timed(work);
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
        const rowOrder = await this.buildWhole(connection, target, select, params, request);
        await this.timed(() => connection.run(fingerprintComment));
        return {
          rowsWritten: await this.count(target, connection),
          mode: "full",
          ...(rowOrder ? { rowOrder } : {}),
        };
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
      this.storedTables.wrote(request.dataset, request.table);
    }
  }

  /**
   * A whole table, in partition order; a keyed table (merged by key every day), in key order. Sorting while
   * building is the fastest, but the sort and the model's joins then hold memory together: at 10M orders
   * shopify_unified ran out of 1.2 GB that way. Out of memory, the table is built unsorted and then sorted alone
   * (each fits; 63 s against a failure at 10M).
   *
   * A keyed table is sorted for its row groups more than its order: built in parallel, DuckDB leaves a partly
   * filled row group inside it, and the first daily merge's deletes (all over the table) then let the checkpoint
   * combine it with its neighbours, rewriting them (README, Performance: 1.4 s against 0.5 s at 4 years).
   */
  private async buildWhole(
    connection: DuckDBConnection,
    target: string,
    select: string,
    params: Record<string, DuckDBValue>,
    request: Pick<MaterializeRequest, "partitionColumn" | "inputInPartitionOrder" | "uniqueKey">,
  ): Promise<MaterializeResult["rowOrder"]> {
    const { partitionColumn } = request;
    const sortColumn = partitionColumn ?? request.uniqueKey;
    if (!sortColumn) {
      await this.timed(() => connection.run(fullBuild(target, select), params));
      return undefined;
    }
    if (partitionColumn && request.inputInPartitionOrder)
      return this.buildInInputOrder(connection, target, select, params, partitionColumn);
    try {
      await this.timed(() => connection.run(fullBuild(target, select, sortColumn), params));
      return "sorted";
    } catch (error) {
      if (!/out of memory/i.test(String(error))) throw error;
      await this.timed(() => connection.run(fullBuild(target, select), params));
      await this.timed(() => connection.run(sortInPlace(target, sortColumn)));
      return "sorted after";
    }
  }

  /**
   * A whole table whose query reads a table already in partition order and keeps it (the model's `row order`):
   * written as it comes, without the sort (shopify_unified in the bench of 2026-12-01 23:50, cold: 2.9–3.3 s
   * against 3.5–3.9 s at 1M orders, 11.0–12.2 s against 13.3–14.0 s at 3M). DuckDB keeps a query's order only
   * where its joins fit in memory: at 10M orders they spill, and the newest month came out spread over 81 of 82
   * row groups. So the result is checked, and sorted after when its newest month sits in more than
   * SPREAD_ROW_GROUPS_KEPT row groups beyond the fewest it could (at 10M: 137 s, against 168 s for the code that
   * sorted in the build first).
   */
  private async buildInInputOrder(
    connection: DuckDBConnection,
    target: string,
    select: string,
    params: Record<string, DuckDBValue>,
    partitionColumn: string,
  ): Promise<MaterializeResult["rowOrder"]> {
    await this.timed(() => connection.run(ORDERED_INSERTS));
    try {
      await this.timed(() => connection.run(fullBuild(target, select), params));
    } finally {
      await this.timed(() => connection.run(UNORDERED_INSERTS));
    }
    const reader = await this.timed(() =>
      connection.runAndReadAll(newestMonthRowGroups(target, partitionColumn)),
    );
    const spread = reader.getRowObjectsJS()[0] ?? {};
    const fewest = Math.ceil(Number(spread.row_count ?? 0) / ROW_GROUP_ROWS);
    if (Number(spread.row_groups ?? 0) <= fewest + SPREAD_ROW_GROUPS_KEPT) return "kept";
    await this.timed(() => connection.run(sortInPlace(target, partitionColumn)));
    return "sorted after";
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
