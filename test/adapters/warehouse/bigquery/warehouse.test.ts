import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type BigQueryClient,
  type BigQueryJobHandle,
  BigQueryWarehouse,
  BigQueryWarehouseError,
  canExportExtracts,
  isDateParamName,
  type JobErrorProto,
  type JobMetadata,
  type JobRequest,
  type QueryResultsPage,
  type QueryResultsRequest,
  type RawRow,
  renameDatasets,
  type SchemaField,
  warehouseForRun,
} from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { isDateParamName as duckDbIsDateParamName } from "../../../../functions/adapters/warehouse/date-params.ts";
import { isTransient } from "../../../../functions/shared/step.ts";

interface Outcome {
  fields?: SchemaField[];
  rows?: unknown[][];
  error?: JobErrorProto;
  /** getQueryResults answers jobComplete: false this many times first. */
  pendingPolls?: number;
  statistics?: JobMetadata["statistics"];
}

/** Raw REST f/v rows, as BigQuery returns them. */
function toRaw(values: unknown[]): RawRow {
  return { f: values.map((v) => ({ v })) };
}

class FakeJob implements BigQueryJobHandle {
  readonly resultRequests: QueryResultsRequest[] = [];
  constructor(
    readonly id: string,
    private readonly outcome: Outcome,
  ) {}
  async getMetadata(): Promise<[JobMetadata]> {
    return [
      {
        jobReference: { jobId: this.id, location: "EU" },
        status: { state: "DONE", errorResult: this.outcome.error ?? null },
        statistics: this.outcome.statistics ?? {
          startTime: "1000",
          endTime: "1250",
          totalSlotMs: "40",
          query: { totalBytesProcessed: "2048", totalBytesBilled: "10485760" },
        },
      },
    ];
  }
  async getQueryResults(request: QueryResultsRequest): Promise<[unknown[], null, QueryResultsPage]> {
    this.resultRequests.push({ ...request });
    if ((this.outcome.pendingPolls ?? 0) > 0) {
      this.outcome.pendingPolls = (this.outcome.pendingPolls ?? 0) - 1;
      return [[], null, { jobComplete: false }];
    }
    if (this.outcome.error) {
      throw Object.assign(new Error(this.outcome.error.message ?? "job failed"), {
        code: 400,
        errors: [this.outcome.error],
      });
    }
    const all = this.outcome.rows ?? [];
    const start = Number(request.pageToken ?? 0);
    const rows = all.slice(start, start + request.maxResults).map(toRaw);
    const next = start + request.maxResults < all.length ? String(start + request.maxResults) : undefined;
    return [
      [],
      null,
      {
        jobComplete: true,
        schema: { fields: this.outcome.fields ?? [] },
        rows,
        pageToken: request.maxResults === 0 ? undefined : next,
        totalRows: String(all.length),
      },
    ];
  }
}

/** Records every request; answers with `respond`, and with 409 when a job id is used twice (as BigQuery does). */
class FakeBigQuery implements BigQueryClient {
  readonly requests: JobRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  executions = 0;
  constructor(private readonly respond: (request: JobRequest) => Outcome = () => ({})) {}

  async createJob(request: JobRequest): Promise<[BigQueryJobHandle, JobMetadata?]> {
    this.requests.push(structuredClone(request));
    const outcome = this.respond(request);
    if (request.configuration.dryRun) {
      const metadata: JobMetadata = {
        status: { state: "DONE" },
        statistics: { query: { totalBytesProcessed: "123456", schema: { fields: outcome.fields ?? [] } } },
      };
      return [new FakeJob("dry-run", outcome), metadata];
    }
    const id = request.jobId ?? "";
    if (this.jobs.has(id)) {
      throw Object.assign(new Error(`Already Exists: Job p:EU.${id}`), {
        code: 409,
        errors: [{ reason: "duplicate" }],
      });
    }
    this.executions += 1;
    const job = new FakeJob(id, outcome);
    this.jobs.set(id, job);
    return [job];
  }

  job(id: string): BigQueryJobHandle {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  }

  queries(): string[] {
    return this.requests.filter((r) => !r.configuration.dryRun).map((r) => r.configuration.query.query);
  }
}

const SETTINGS = { projectId: "shop-analytics", location: "EU", maximumBytesBilled: 5_000_000_000 };
const RUN = {
  runDate: "2026-11-21",
  step: "transform",
  runId: "scheduler-2026-11-22T07:00:00.000Z",
  attempt: 2,
};
const LABEL_RULE = /^[a-z0-9_-]{0,63}$/;

function lastRequest(fake: FakeBigQuery): JobRequest {
  const request = fake.requests.at(-1);
  assert.ok(request, "a request was made");
  return request;
}

describe("BigQuery warehouse: query job requests", () => {
  it("sends a standard-SQL query job with named, typed parameters, default dataset, location, labels and a bytes ceiling", async () => {
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows: [["1"]] }));
    const warehouse = new BigQueryWarehouse(fake, { ...SETTINGS, labels: { Env: "Prod" } }).forRun(RUN);
    await warehouse.query(
      "SELECT @run_date, @window_start, @window_end, @shop_timezone, @n, @ratio, @flag, @key, @missing_date, @nothing",
      {
        run_date: "2026-11-21",
        window_start: "2026-11-14",
        window_end: "2026-11-21",
        shop_timezone: "America/New_York",
        n: 7,
        ratio: 0.5,
        flag: true,
        key: new Uint8Array([1, 2, 255]),
        missing_date: null,
        nothing: null,
        unused: "not in the statement",
      },
      { label: "Daily KPIs: 7-day" },
    );
    const request = lastRequest(fake);
    const query = request.configuration.query;
    assert.equal(query.useLegacySql, false);
    assert.equal(query.parameterMode, "NAMED");
    assert.deepEqual(query.defaultDataset, { projectId: "shop-analytics", datasetId: "ops" });
    assert.equal(query.maximumBytesBilled, "5000000000");
    assert.equal(request.location, "EU");
    const types = Object.fromEntries(query.queryParameters.map((p) => [p.name, p.parameterType.type]));
    assert.deepEqual(types, {
      run_date: "DATE",
      window_start: "DATE",
      window_end: "DATE",
      shop_timezone: "STRING",
      n: "INT64",
      ratio: "FLOAT64",
      flag: "BOOL",
      key: "BYTES",
      missing_date: "DATE",
      nothing: "STRING",
    });
    const values = Object.fromEntries(query.queryParameters.map((p) => [p.name, p.parameterValue]));
    assert.deepEqual(values.run_date, { value: "2026-11-21" });
    assert.deepEqual(values.key, { value: Buffer.from([1, 2, 255]).toString("base64") });
    assert.deepEqual(values.flag, { value: "true" });
    assert.deepEqual(values.nothing, {}, "NULL is a parameter without a value");
    const labels = request.configuration.labels;
    assert.equal(labels.run_date, "2026-11-21");
    assert.equal(labels.step, "transform");
    assert.equal(labels.run_id, "scheduler-2026-11-22t07_00_00_000z");
    assert.equal(labels.label, "daily_kpis_7-day");
    assert.equal(labels.attempt, "2");
    assert.equal(labels.env, "prod");
    for (const [key, value] of Object.entries(labels)) {
      assert.match(key, LABEL_RULE);
      assert.match(value, LABEL_RULE);
    }
  });

  it("keeps label values within 63 characters", async () => {
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun({ ...RUN, runId: "x".repeat(200) });
    await warehouse.execute("SELECT 1", {}, { label: "L".repeat(100) });
    for (const value of Object.values(lastRequest(fake).configuration.labels))
      assert.match(value, LABEL_RULE);
  });

  it("rejects a DATE parameter that is not YYYY-MM-DD", async () => {
    const warehouse = new BigQueryWarehouse(new FakeBigQuery(), SETTINGS);
    await assert.rejects(warehouse.query("SELECT @run_date", { run_date: "21/11/2026" }), /YYYY-MM-DD/);
  });

  it("names DATE parameters exactly as the DuckDB adapter does", () => {
    for (const name of [
      "run_date",
      "order_date",
      "window_start",
      "window_end",
      "date",
      "dates",
      "start",
      "n",
    ]) {
      assert.equal(isDateParamName(name), duckDbIsDateParamName(name), name);
    }
  });

  it("decodes REST rows into plain values", async () => {
    const fields: SchemaField[] = [
      { name: "i", type: "INTEGER" },
      { name: "f", type: "FLOAT" },
      { name: "num", type: "NUMERIC" },
      { name: "b", type: "BOOLEAN" },
      { name: "d", type: "DATE" },
      { name: "ts", type: "TIMESTAMP" },
      { name: "j", type: "JSON" },
      { name: "tags", type: "STRING", mode: "REPEATED" },
      { name: "rec", type: "RECORD", fields: [{ name: "x", type: "INTEGER" }] },
      { name: "nil", type: "STRING" },
    ];
    const row = [
      "42",
      "0.25",
      "12.50",
      "true",
      "2026-11-21",
      "1763712000000000",
      '{"a":1}',
      [{ v: "x" }, { v: "y" }],
      { f: [{ v: "3" }] },
      null,
    ];
    const warehouse = new BigQueryWarehouse(new FakeBigQuery(() => ({ fields, rows: [row] })), SETTINGS);
    const [decoded] = await warehouse.query("SELECT *");
    assert.deepEqual(decoded, {
      i: 42,
      f: 0.25,
      num: 12.5,
      b: true,
      d: "2026-11-21",
      ts: "2025-11-21T08:00:00.000Z",
      j: { a: 1 },
      tags: ["x", "y"],
      rec: { x: 3 },
      nil: null,
    });
  });

  it("waits while the job is running (server-side long polls), then reads", async () => {
    const fake = new FakeBigQuery(() => ({
      fields: [{ name: "n", type: "INTEGER" }],
      rows: [["5"]],
      pendingPolls: 2,
    }));
    const rows = await new BigQueryWarehouse(fake, SETTINGS).query<{ n: number }>("SELECT 5 AS n");
    assert.deepEqual(rows, [{ n: 5 }]);
  });

  it("refuses to pull more rows than allowed into memory", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(i)]);
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows }));
    await assert.rejects(
      new BigQueryWarehouse(fake, SETTINGS).query("SELECT n", {}, { maxRows: 10, label: "big" }),
      /30 rows, over its limit of 10: aggregate in SQL or stream it/,
    );
  });

  it("streams page by page with maxResults, never all rows at once", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [String(i)]);
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows }));
    const warehouse = new BigQueryWarehouse(fake, { ...SETTINGS, pageSize: 10 });
    const sizes: number[] = [];
    let total = 0;
    for await (const batch of warehouse.stream("SELECT n FROM marts.daily_kpis")) {
      sizes.push(batch.rows.length);
      total += batch.rows.reduce((sum, row) => sum + Number(row.n), 0);
      assert.deepEqual(batch.columns, [{ name: "n", type: "INTEGER" }]);
    }
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(total, (24 * 25) / 2);
    const job = [...fake.jobs.values()][0];
    const reads = job?.resultRequests.filter((r) => r.maxResults > 0) ?? [];
    assert.deepEqual(
      reads.map((r) => [r.maxResults, r.pageToken]),
      [
        [10, undefined],
        [10, "10"],
        [10, "20"],
      ],
    );
    assert.ok(reads.every((r) => r.autoPaginate === false && r.skipParsing === true));
  });

  it("estimates bytes with a dry run: no job id, dryRun true, same guard", async () => {
    const fake = new FakeBigQuery();
    const bytes = await new BigQueryWarehouse(fake, SETTINGS)
      .forRun(RUN)
      .estimateBytes("SELECT * FROM marts.daily_kpis WHERE date = @run_date", { run_date: "2026-11-21" });
    assert.equal(bytes, 123456);
    const request = lastRequest(fake);
    assert.equal(request.configuration.dryRun, true);
    assert.equal(request.jobId, undefined);
    assert.equal(request.configuration.query.maximumBytesBilled, "5000000000");
    assert.equal(fake.executions, 0);
  });

  it("adds up slot time, elapsed time and bytes per job", async () => {
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    const scoped = warehouse.forRun(RUN);
    await scoped.execute("SELECT 1");
    await warehouse.execute("SELECT 2");
    assert.deepEqual(warehouse.stats(), {
      queries: 2,
      engineMs: 500,
      slotMs: 80,
      bytesProcessed: 4096,
      bytesBilled: 20971520,
      reattached: 0,
    });
  });
});

describe("BigQuery warehouse: deterministic job ids", () => {
  it("derives the id from run date, step, label and a hash of run id + statement + parameters", async () => {
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await warehouse
      .forRun(RUN)
      .execute("SELECT @run_date", { run_date: "2026-11-21" }, { label: "marts.daily_kpis" });
    await warehouse
      .forRun(RUN)
      .execute("SELECT @run_date", { run_date: "2026-11-20" }, { label: "marts.daily_kpis" });
    await warehouse
      .forRun({ ...RUN, runId: "cli-other" })
      .execute("SELECT @run_date", { run_date: "2026-11-21" }, { label: "marts.daily_kpis" });
    const ids = fake.requests.map((r) => r.jobId ?? "");
    for (const id of ids) assert.match(id, /^pulse_20261121_transform_marts_daily_kpis_[0-9a-f]{16}_1$/);
    assert.equal(new Set(ids).size, 3, "other parameters or another run id → another job");
  });

  it("gives a statement issued twice in one execution two ids (the second must really run)", async () => {
    const fake = new FakeBigQuery();
    const scoped = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    await scoped.execute("SELECT COUNT(*) FROM raw.shopify_orders", {}, { label: "count" });
    await scoped.execute("SELECT COUNT(*) FROM raw.shopify_orders", {}, { label: "count" });
    assert.equal(fake.executions, 2);
    assert.notEqual(fake.requests[0]?.jobId, fake.requests[1]?.jobId);
  });

  it("re-attaches to the job an earlier delivery created (409) instead of running the query twice", async () => {
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows: [["7"]] }));
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    const first = await warehouse.forRun(RUN).query("SELECT 7 AS n", {}, { label: "seven" });
    // The redelivery: same run id, a fresh scope (as runStep creates per execution), a higher ledger attempt.
    const second = await warehouse
      .forRun({ ...RUN, attempt: 3 })
      .query("SELECT 7 AS n", {}, { label: "seven" });
    assert.deepEqual(second, first);
    assert.equal(fake.executions, 1, "the query ran once");
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[0]?.jobId, fake.requests[1]?.jobId, "the same id was asked for twice");
    assert.equal(warehouse.stats().reattached, 1);
  });

  it("runs the job again under the next try number when the earlier try had failed", async () => {
    let failing = true;
    const fake = new FakeBigQuery(() =>
      failing ? { error: { reason: "backendError", message: "Backend error" } } : { fields: [], rows: [] },
    );
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await assert.rejects(
      warehouse.forRun(RUN).execute("SELECT 1", {}, { label: "flaky" }),
      (error: unknown) => {
        assert.ok(error instanceof BigQueryWarehouseError);
        assert.equal(isTransient(error), true, "a backend error is worth a retry");
        return true;
      },
    );
    failing = false;
    await warehouse.forRun(RUN).execute("SELECT 1", {}, { label: "flaky" });
    const ids = fake.requests.map((r) => r.jobId ?? "");
    assert.match(ids[0] ?? "", /_1$/);
    assert.equal(ids[1], ids[0], "the redelivery first asks for the same job");
    assert.equal(ids[2], ids[0]?.replace(/_1$/, "_2"));
    assert.equal(fake.executions, 2);
  });

  it("uses a random id outside a run (ad-hoc CLI queries)", async () => {
    const fake = new FakeBigQuery();
    await new BigQueryWarehouse(fake, SETTINGS).execute("SELECT 1");
    assert.match(lastRequest(fake).jobId ?? "", /^pulse_adhoc_[0-9a-f]{32}$/);
  });

  it("scopes only the BigQuery warehouse to a run", () => {
    const warehouse = new BigQueryWarehouse(new FakeBigQuery(), SETTINGS);
    assert.notEqual(warehouseForRun(warehouse, RUN), warehouse);
    assert.equal(canExportExtracts(warehouseForRun(warehouse, RUN)), true);
  });
});

describe("BigQuery warehouse: errors", () => {
  it("turns Access Denied into a message naming the project, dataset and the missing role", async () => {
    const fake = new FakeBigQuery(() => ({
      error: {
        reason: "accessDenied",
        message:
          "Access Denied: Table shop-analytics:marts.daily_kpis: Permission bigquery.tables.updateData denied on table",
      },
    }));
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await assert.rejects(
      warehouse.materialize({ dataset: "marts", table: "daily_kpis", sql: "SELECT 1 AS x", params: {} }),
      (error: unknown) => {
        assert.ok(error instanceof BigQueryWarehouseError);
        assert.match(error.message, /denied access .* project shop-analytics, dataset marts/);
        assert.match(error.message, /roles\/bigquery\.dataEditor on dataset marts/);
        assert.equal(error.status, 403);
        assert.equal(isTransient(error), false);
        return true;
      },
    );
  });

  it("names roles/bigquery.jobUser when the service account may not create jobs", async () => {
    const fake = new FakeBigQuery();
    fake.createJob = async () => {
      throw Object.assign(
        new Error("Access Denied: Project shop-analytics: User does not have bigquery.jobs.create"),
        {
          code: 403,
          errors: [{ reason: "accessDenied" }],
        },
      );
    };
    await assert.rejects(
      new BigQueryWarehouse(fake, SETTINGS).execute("SELECT 1"),
      /needs roles\/bigquery\.jobUser on project shop-analytics/,
    );
  });

  it("explains the bytes-billed guard", async () => {
    const fake = new FakeBigQuery(() => ({
      error: {
        reason: "bytesBilledLimitExceeded",
        message: "Query exceeded limit for bytes billed: 5000000000.",
      },
    }));
    await assert.rejects(
      new BigQueryWarehouse(fake, SETTINGS).execute(
        "SELECT * FROM raw.shopify_orders",
        {},
        { label: "scan" },
      ),
      /more than the 5000000000 bytes allowed per job.*estimateBytes.*PULSE_MAX_BYTES_BILLED/,
    );
  });
});

describe("BigQuery warehouse: writes", () => {
  it("rebuilds a table whole with CREATE OR REPLACE … PARTITION BY … CLUSTER BY … AS SELECT", async () => {
    const fake = new FakeBigQuery((request) =>
      request.configuration.query.query.includes("CREATE OR REPLACE")
        ? { fields: [{ name: "rows_written", type: "INTEGER" }], rows: [["1200"]] }
        : {},
    );
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize({
      dataset: "marts",
      table: "daily_kpis",
      sql: "SELECT order_date, channel, 1 AS n FROM unified.shopify_unified WHERE order_date <= @run_date;\n",
      params: { run_date: "2026-11-21", window_start: "2000-01-01", window_end: "2026-11-21" },
      partitionColumn: "order_date",
      clusterBy: ["channel"],
      label: "marts.daily_kpis",
    });
    assert.deepEqual(result, { rowsWritten: 1200, mode: "full" });
    const request = lastRequest(fake);
    const sql = request.configuration.query.query;
    assert.match(
      sql,
      /^CREATE OR REPLACE TABLE `shop-analytics\.marts\.daily_kpis`\nPARTITION BY `order_date`\nCLUSTER BY `channel` AS\nSELECT \* FROM \(\nSELECT order_date/,
    );
    assert.doesNotMatch(sql, /@run_date;/, "the model's trailing semicolon is dropped");
    assert.match(sql, /SELECT COUNT\(\*\) AS rows_written FROM `shop-analytics\.marts\.daily_kpis`;$/);
    assert.deepEqual(request.configuration.query.defaultDataset, {
      projectId: "shop-analytics",
      datasetId: "marts",
    });
    assert.deepEqual(
      request.configuration.query.queryParameters.map((p) => p.name),
      ["run_date"],
      "only the parameters the model uses",
    );
  });

  /** A project where the target table exists, the model's dry run yields these columns, and the script writes n rows. */
  function existingTableFake(
    first: [string, string],
    second: [string, string],
    rowsWritten: number,
  ): FakeBigQuery {
    return new FakeBigQuery((request) => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.TABLES"))
        return { fields: [{ name: "n", type: "INTEGER" }], rows: [["1"]] };
      if (request.configuration.dryRun) {
        return { fields: [first, second].map(([name, type]) => ({ name, type })) };
      }
      return { fields: [{ name: "rows_written", type: "INTEGER" }], rows: [[String(rowsWritten)]] };
    });
  }

  it("merges a keyed table by its key: the changed records replace their rows in one transaction", async () => {
    const fake = existingTableFake(["customer_id", "INTEGER"], ["email_hash", "STRING"], 3);
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize({
      dataset: "staging",
      table: "stg_shopify_customers",
      sql: "SELECT id AS customer_id, email AS email_hash FROM raw.shopify_customers WHERE DATE(_airbyte_extracted_at) >= @window_start",
      params: { window_start: "2026-11-14", window_end: "2026-11-21" },
      uniqueKey: "customer_id",
      window: { start: "2026-11-14", end: "2026-11-21" },
    });
    assert.deepEqual(result, { rowsWritten: 3, mode: "incremental" });
    const sql = fake.requests.at(-1)?.configuration.query.query ?? "";
    assert.match(sql, /CREATE TEMP TABLE changed AS SELECT \* FROM \(\nSELECT id AS customer_id/);
    assert.ok(sql.indexOf("BEGIN TRANSACTION;") < sql.indexOf("DELETE FROM"));
    assert.match(
      sql,
      /DELETE FROM `shop-analytics\.staging\.stg_shopify_customers` WHERE `customer_id` IN \(SELECT `customer_id` FROM changed\);/,
    );
    assert.match(
      sql,
      /INSERT INTO `shop-analytics\.staging\.stg_shopify_customers` \(`customer_id`, `email_hash`\) SELECT/,
    );
    assert.ok(sql.indexOf("INSERT INTO") < sql.indexOf("COMMIT TRANSACTION;"));
  });

  it("replaces only the window's partitions in one transaction, inserting columns by name", async () => {
    const fake = existingTableFake(["order_date", "DATE"], ["orders", "INTEGER"], 8);
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize({
      dataset: "marts",
      table: "daily_kpis",
      sql: "SELECT order_date, COUNT(*) AS orders FROM unified.shopify_unified WHERE order_date BETWEEN @window_start AND @window_end GROUP BY 1",
      params: { run_date: "2026-11-21", window_start: "2000-01-01", window_end: "2026-11-21" },
      partitionColumn: "order_date",
      window: { start: "2026-11-14", end: "2026-11-21" },
    });
    assert.deepEqual(result, { rowsWritten: 8, mode: "incremental" });
    const [exists, dryRun, script] = fake.requests;
    assert.match(
      exists?.configuration.query.query ?? "",
      /`shop-analytics\.marts`\.INFORMATION_SCHEMA\.TABLES/,
    );
    assert.equal(dryRun?.configuration.dryRun, true);
    const sql = script?.configuration.query.query ?? "";
    assert.ok(sql.indexOf("BEGIN TRANSACTION;") < sql.indexOf("DELETE FROM"));
    assert.match(
      sql,
      /DELETE FROM `shop-analytics\.marts\.daily_kpis` WHERE `order_date` BETWEEN @window_start AND @window_end;/,
    );
    assert.match(
      sql,
      /INSERT INTO `shop-analytics\.marts\.daily_kpis` \(`order_date`, `orders`\)\nSELECT `order_date`, `orders` FROM \(/,
    );
    assert.ok(sql.indexOf("SET rows_written = @@row_count;") < sql.indexOf("COMMIT TRANSACTION;"));
    const windowParams = Object.fromEntries(
      (script?.configuration.query.queryParameters ?? []).map((p) => [
        p.name,
        [p.parameterType.type, p.parameterValue.value],
      ]),
    );
    assert.deepEqual(windowParams, {
      window_start: ["DATE", "2026-11-14"],
      window_end: ["DATE", "2026-11-21"],
    });
  });

  it("rebuilds whole when the table does not exist yet", async () => {
    const fake = new FakeBigQuery((request) =>
      request.configuration.query.query.includes("INFORMATION_SCHEMA.TABLES")
        ? { fields: [{ name: "n", type: "INTEGER" }], rows: [["0"]] }
        : { fields: [{ name: "rows_written", type: "INTEGER" }], rows: [["3"]] },
    );
    const result = await new BigQueryWarehouse(fake, SETTINGS).materialize({
      dataset: "staging",
      table: "stg_orders",
      sql: "SELECT DATE '2026-11-21' AS d",
      params: {},
      partitionColumn: "d",
      window: { start: "2026-11-14", end: "2026-11-21" },
    });
    assert.equal(result.mode, "full");
  });

  it("loads small row sets as one typed ARRAY<STRUCT> parameter, replacing the partition in a transaction", async () => {
    const fake = new FakeBigQuery();
    const result = await new BigQueryWarehouse(fake, { ...SETTINGS, datasetPrefix: "prod_" })
      .forRun(RUN)
      .load({
        dataset: "ops",
        table: "findings",
        columns: [
          { name: "run_date", type: "DATE" },
          { name: "check_name", type: "STRING" },
          { name: "blocking", type: "BOOL" },
          { name: "observed", type: "FLOAT64" },
          { name: "details", type: "JSON" },
        ],
        replaceWhere: { column: "run_date", value: "2026-11-21" },
        rows: [
          {
            run_date: "2026-11-21",
            check_name: "freshness",
            blocking: false,
            observed: 1.5,
            details: { a: 1 },
          },
          { run_date: "2026-11-21", check_name: "nulls", blocking: true, observed: null, details: null },
        ],
      });
    assert.deepEqual(result, { rowsWritten: 2 });
    const request = lastRequest(fake);
    const sql = request.configuration.query.query;
    assert.match(
      sql,
      /^CREATE TABLE IF NOT EXISTS `shop-analytics\.prod_ops\.findings` \(`run_date` DATE, `check_name` STRING, `blocking` BOOL, `observed` FLOAT64, `details` JSON\) PARTITION BY `run_date`;/,
    );
    assert.match(
      sql,
      /BEGIN TRANSACTION;\nDELETE FROM `shop-analytics\.prod_ops\.findings` WHERE `run_date` = @replace_value;/,
    );
    assert.match(
      sql,
      /SELECT `run_date`, `check_name`, `blocking`, `observed`, PARSE_JSON\(`details`\) AS `details` FROM UNNEST\(@rows\);/,
    );
    const [rows, replace] = request.configuration.query.queryParameters;
    assert.equal(rows?.parameterType.type, "ARRAY");
    assert.deepEqual(
      rows?.parameterType.arrayType?.structTypes?.map((f) => [f.name, f.type.type]),
      [
        ["run_date", "DATE"],
        ["check_name", "STRING"],
        ["blocking", "BOOL"],
        ["observed", "FLOAT64"],
        ["details", "STRING"],
      ],
    );
    assert.deepEqual(rows?.parameterValue.arrayValues?.[0]?.structValues?.details, { value: '{"a":1}' });
    assert.deepEqual(rows?.parameterValue.arrayValues?.[1]?.structValues?.observed, {});
    assert.deepEqual(replace, {
      name: "replace_value",
      parameterType: { type: "DATE" },
      parameterValue: { value: "2026-11-21" },
    });
    assert.deepEqual(request.configuration.query.defaultDataset, {
      projectId: "shop-analytics",
      datasetId: "prod_ops",
    });
  });
});

describe("BigQuery warehouse: inventory, datasets and extracts", () => {
  it("lists tables from INFORMATION_SCHEMA.COLUMNS with row counts from __TABLES__", async () => {
    const fake = new FakeBigQuery((request) => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        return {
          fields: [
            { name: "table_name", type: "STRING" },
            { name: "column_name", type: "STRING" },
            { name: "data_type", type: "STRING" },
          ],
          rows: [
            ["orders", "id", "INT64"],
            ["orders", "created_at", "TIMESTAMP"],
            ["empty", "x", "STRING"],
          ],
        };
      }
      return {
        fields: [
          { name: "table_id", type: "STRING" },
          { name: "row_count", type: "INTEGER" },
        ],
        rows: [["orders", "1500"]],
      };
    });
    const tables = await new BigQueryWarehouse(fake, SETTINGS).listTables("raw");
    assert.deepEqual(tables, [
      {
        dataset: "raw",
        name: "orders",
        rowCount: 1500,
        columns: [
          { name: "id", type: "INT64" },
          { name: "created_at", type: "TIMESTAMP" },
        ],
      },
      { dataset: "raw", name: "empty", rowCount: 0, columns: [{ name: "x", type: "STRING" }] },
    ]);
    assert.deepEqual(fake.queries(), [
      "SELECT table_name, column_name, data_type FROM `shop-analytics.raw`.INFORMATION_SCHEMA.COLUMNS ORDER BY table_name, ordinal_position",
      "SELECT table_id, row_count FROM `shop-analytics.raw`.__TABLES__",
    ]);
  });

  it("lists nothing for a dataset that does not exist", async () => {
    const fake = new FakeBigQuery(() => ({
      error: { reason: "notFound", message: "Not found: Dataset shop-analytics:raw" },
    }));
    assert.deepEqual(await new BigQueryWarehouse(fake, SETTINGS).listTables("raw"), []);
  });

  it("renames logical datasets to prefixed ones outside strings and comments", () => {
    const renamed = renameDatasets(
      "SELECT 'raw.x', o.raw FROM raw.shopify_orders AS o -- marts.x\nJOIN `staging.stg` USING (id) /* ops.y */ JOIN rawer.t",
      (name) => `dev_${name}`,
    );
    assert.equal(
      renamed,
      "SELECT 'raw.x', o.raw FROM dev_raw.shopify_orders AS o -- marts.x\nJOIN `dev_staging.stg` USING (id) /* ops.y */ JOIN rawer.t",
    );
  });

  it("sends the prefixed names to BigQuery", async () => {
    const fake = new FakeBigQuery();
    await new BigQueryWarehouse(fake, { ...SETTINGS, datasetPrefix: "dev_" }).execute(
      "SELECT * FROM marts.daily_kpis",
    );
    assert.equal(lastRequest(fake).configuration.query.query, "SELECT * FROM dev_marts.daily_kpis");
    assert.deepEqual(lastRequest(fake).configuration.query.defaultDataset, {
      projectId: "shop-analytics",
      datasetId: "dev_ops",
    });
  });

  it("exports an extract with EXPORT DATA to the run's own prefix, without per-shard headers", async () => {
    const fake = new FakeBigQuery(() => ({
      fields: [
        { name: "date", type: "DATE" },
        { name: "gross revenue", type: "FLOAT" },
      ],
    }));
    const prefix = "gs://pulse-shop/extracts/daily_kpis/dt=2026-11-21/run=scheduler-1/";
    const result = await new BigQueryWarehouse(fake, SETTINGS)
      .forRun({ ...RUN, step: "export" })
      .exportExtract(
        "SELECT * FROM marts.daily_kpis WHERE date <= @run_date ORDER BY date;",
        { run_date: "2026-11-21" },
        prefix,
        {
          label: "extract daily_kpis",
        },
      );
    assert.equal(result.uri, `${prefix}part-*.csv`);
    assert.equal(result.header, "date,gross revenue");
    const [dryRun, job] = fake.requests;
    assert.equal(dryRun?.configuration.dryRun, true);
    assert.equal(
      job?.configuration.query.query,
      `EXPORT DATA OPTIONS (uri = '${prefix}part-*.csv', format = 'CSV', header = false, overwrite = true, field_delimiter = ',') AS\nSELECT * FROM marts.daily_kpis WHERE date <= @run_date ORDER BY date`,
    );
    assert.equal(job?.configuration.query.queryParameters[0]?.parameterType.type, "DATE");
    assert.equal(job?.configuration.query.maximumBytesBilled, "5000000000");
  });

  it("refuses an export prefix that is not a gs:// folder", async () => {
    const warehouse = new BigQueryWarehouse(new FakeBigQuery(), SETTINGS);
    for (const prefix of ["gs://bucket/extracts", "/tmp/x/", "gs://bucket/it's/", "gs://bucket/a*/"]) {
      await assert.rejects(warehouse.exportExtract("SELECT 1", {}, prefix), /gs:\/\/bucket\/path\//, prefix);
    }
  });
});
