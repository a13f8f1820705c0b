// The warehouse on BigQuery: the port over query jobs (jobs.ts), table writes (table-writes.ts) and the
// statements the adapter writes itself (statements.ts).
import type {
  CountedTableInfo,
  LoadColumn,
  LoadRequest,
  MaterializeRequest,
  MaterializeResult,
  QueryOptions,
  Row,
  RunScope,
  SqlParams,
  StreamBatch,
  TableInfo,
  Warehouse,
} from "../../../shared/ports.ts";
import type { BigQueryClient } from "./client.ts";
import { BigQueryWarehouseError } from "./errors.ts";
import {
  BigQueryJobs,
  type BigQueryStats,
  type BigQueryWarehouseSettings,
  DEFAULT_PAGE_SIZE,
} from "./jobs.ts";
import { decodeRows, numberOf } from "./rows.ts";
import { addColumnsStatement, datasetColumnsQuery, rowCountsQuery } from "./statements.ts";
import { TableCatalog } from "./table-catalog.ts";
import type { ColumnChanges } from "../../../shared/model-columns.ts";
import { columnChanges, load, materialize } from "./table-writes.ts";

const DEFAULT_MAX_ROWS = 50_000;

export class BigQueryWarehouse implements Warehouse {
  readonly kind = "bigquery" as const;
  /** Independent models build at once: each is its own job, and a layer's models rarely read each other. */
  readonly parallelWrites = 8;
  /** Independent checks query at once: each is its own job, and most of a job's time is BigQuery's latency. */
  readonly parallelReads = 8;

  constructor(
    private readonly client: BigQueryClient,
    settings: BigQueryWarehouseSettings,
    private readonly jobs: BigQueryJobs = new BigQueryJobs(client, settings),
  ) {
    this.catalog = new TableCatalog(this.jobs);
  }

  /** The tables this warehouse has read or written (one metadata job per dataset, for existence and columns). */
  private readonly catalog: TableCatalog;

  /**
   * The same warehouse for one step of one run: its jobs carry the run's labels and deterministic ids. Create
   * one per step execution (the occurrence counts restart with it, exactly as a redelivery replays the step).
   */
  forRun(run: RunScope): BigQueryWarehouse {
    return new BigQueryWarehouse(this.client, this.jobs.settings, this.jobs.forRun(run));
  }

  /** Physical dataset name of a logical one. */
  datasetName(dataset: string): string {
    return this.jobs.datasetName(dataset);
  }

  async query<T extends object = Row>(
    sql: string,
    params: SqlParams = {},
    options: QueryOptions = {},
  ): Promise<T[]> {
    const spec = this.jobs.spec("query", sql, params, options.label);
    const { job } = await this.jobs.runJob(spec);
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const rows: Row[] = [];
    for await (const page of this.jobs.pages(job, this.jobs.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      const total = numberOf(page.totalRows);
      if (total > maxRows || rows.length + (page.rows?.length ?? 0) > maxRows) {
        throw new BigQueryWarehouseError(
          `query ${spec.label} returned ${Math.max(total, rows.length)} rows, over its limit of ${maxRows}: aggregate in SQL or stream it`,
          undefined,
          undefined,
          false,
        );
      }
      rows.push(...decodeRows(page).rows);
    }
    return rows as T[];
  }

  async execute(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<void> {
    await this.jobs.runJob(this.jobs.spec("execute", sql, params, options.label));
  }

  /** Pages through the results (pageSize rows a request): never the whole result in memory. */
  async *stream(sql: string, params: SqlParams = {}, options: QueryOptions = {}): AsyncIterable<StreamBatch> {
    const { job } = await this.jobs.runJob(this.jobs.spec("stream", sql, params, options.label));
    let first = true;
    for await (const page of this.jobs.pages(job, this.jobs.settings.pageSize ?? DEFAULT_PAGE_SIZE)) {
      const batch = decodeRows(page);
      // The first page carries the schema even with no rows: an empty result still yields its columns.
      if (batch.rows.length > 0 || first) yield batch;
      first = false;
    }
  }

  /** Bytes a query would process, from a dry run (free, creates no job). */
  async estimateBytes(sql: string, params: SqlParams = {}, options: QueryOptions = {}): Promise<number> {
    const metadata = await this.jobs.dryRun(this.jobs.spec("estimate", sql, params, options.label));
    return numberOf(metadata.statistics?.query?.totalBytesProcessed);
  }

  async addColumns(dataset: string, table: string, columns: readonly LoadColumn[]): Promise<void> {
    if (columns.length === 0) return;
    await this.jobs.runJob({
      kind: "ddl",
      label: `add columns to ${dataset}.${table}`,
      sql: addColumnsStatement(this.jobs.tableRef(dataset, table), columns),
      parameters: [],
      dataset,
    });
    // The catalog's columns of the table are out of date: read the dataset again when next asked.
    this.catalog.forget(dataset);
  }

  /** Tables with their columns (INFORMATION_SCHEMA.COLUMNS) and row counts (__TABLES__, metadata only). */
  async listTables(dataset: string): Promise<TableInfo[]> {
    const columnRows = await this.metadata(dataset, `columns ${dataset}`, datasetColumnsQuery);
    if (!columnRows) return [];
    this.catalog.remember(dataset, columnRows);
    const tables = new Map<string, TableInfo>();
    for (const row of columnRows) {
      const name = String(row.table_name);
      const info = tables.get(name) ?? { dataset, name, columns: [] };
      info.columns.push({
        name: String(row.column_name),
        type: String(row.data_type),
        ...(row.is_partitioning_column == null ? {} : { partitioning: row.is_partitioning_column === "YES" }),
      });
      tables.set(name, info);
    }
    return [...tables.values()];
  }

  async listTablesWithRowCounts(dataset: string): Promise<CountedTableInfo[]> {
    const [tables, countRows] = await Promise.all([
      this.listTables(dataset),
      this.metadata(dataset, `row counts ${dataset}`, rowCountsQuery),
    ]);
    const counts = new Map(
      (countRows ?? []).map((row) => [String(row.table_id), Number(row.row_count ?? 0)]),
    );
    return tables.map((info) => ({ ...info, rowCount: counts.get(info.name) ?? 0 }));
  }

  /** A metadata query of one dataset; undefined when the dataset does not exist yet (as DuckDB's empty schema). */
  private async metadata(
    dataset: string,
    label: string,
    query: (datasetRef: string) => string,
  ): Promise<Row[] | undefined> {
    try {
      return await this.jobs.rows({
        kind: "metadata",
        label,
        sql: query(this.jobs.datasetRef(dataset)),
        parameters: [],
        dataset,
      });
    } catch (error) {
      if (error instanceof BigQueryWarehouseError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** What a window of the model would find changed in its table's columns, without writing (for `plan`). */
  columnChanges(request: MaterializeRequest): Promise<ColumnChanges | undefined> {
    return columnChanges(this.jobs, request, this.catalog);
  }

  materialize(request: MaterializeRequest): Promise<MaterializeResult> {
    return materialize(this.jobs, request, this.catalog);
  }

  load(request: LoadRequest): Promise<{ rowsWritten: number }> {
    return load(this.jobs, request);
  }

  stats(): BigQueryStats {
    return { ...this.jobs.stats };
  }

  async close(): Promise<void> {
    // The client holds no connection of its own to close (requests are plain HTTPS).
  }
}
