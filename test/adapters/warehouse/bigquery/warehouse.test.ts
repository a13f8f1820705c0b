import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SchemaField } from "../../../../functions/adapters/warehouse/bigquery/client.ts";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { FakeBigQuery, LABEL_RULE, lastRequest, RUN, SETTINGS } from "./fake-client.ts";

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

  it("streams a result with no rows as one empty batch that carries the schema", async () => {
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows: [] }));
    const batches = [];
    for await (const batch of new BigQueryWarehouse(fake, SETTINGS).stream(
      "SELECT n FROM marts.daily_kpis",
    )) {
      batches.push(batch);
    }
    assert.deepEqual(batches, [{ columns: [{ name: "n", type: "INTEGER" }], rows: [] }]);
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

  it("counts a step's jobs in its own scope, and every scope's in the warehouse's totals", async () => {
    // Two deliveries served at once by one function instance: each step's usage is its own jobs' alone.
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    const transform = warehouse.forRun(RUN);
    const report = warehouse.forRun({ ...RUN, step: "report" });
    await Promise.all([
      transform.execute("SELECT 1", {}, { label: "one" }),
      report.execute("SELECT 2", {}, { label: "two" }),
      transform.execute("SELECT 3", {}, { label: "three" }),
    ]);
    // The fake's job: 250 ms, 40 slot-ms, 2,048 bytes processed, BigQuery's 10 MiB minimum billed.
    const perJob = {
      engineMs: 250,
      slotMs: 40,
      bytesProcessed: 2048,
      bytesBilled: 10_485_760,
      reattached: 0,
    };
    const times = (jobs: number) => ({
      queries: jobs,
      engineMs: perJob.engineMs * jobs,
      slotMs: perJob.slotMs * jobs,
      bytesProcessed: perJob.bytesProcessed * jobs,
      bytesBilled: perJob.bytesBilled * jobs,
      reattached: 0,
    });
    assert.deepEqual(transform.stats(), times(2));
    assert.deepEqual(report.stats(), times(1));
    assert.deepEqual(warehouse.stats(), times(3));
  });
});

describe("BigQuery warehouse: inventory and datasets", () => {
  it("lists tables from INFORMATION_SCHEMA.COLUMNS, with row counts from __TABLES__ when asked", async () => {
    const respond: ConstructorParameters<typeof FakeBigQuery>[0] = (request) => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        return {
          fields: [
            { name: "table_name", type: "STRING" },
            { name: "column_name", type: "STRING" },
            { name: "data_type", type: "STRING" },
            { name: "is_partitioning_column", type: "STRING" },
          ],
          rows: [
            ["orders", "id", "INT64", "NO"],
            ["orders", "created_at", "TIMESTAMP", "YES"],
            ["empty", "x", "STRING", "NO"],
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
    };
    const fake = new FakeBigQuery(respond);
    const tables = await new BigQueryWarehouse(fake, SETTINGS).listTablesWithRowCounts("raw");
    assert.deepEqual(tables, [
      {
        dataset: "raw",
        name: "orders",
        rowCount: 1500,
        // Whether the table is partitioned on the column, as BigQuery says (check-sources reports a raw table
        // that is not partitioned on its extraction time).
        columns: [
          { name: "id", type: "INT64", partitioning: false },
          { name: "created_at", type: "TIMESTAMP", partitioning: true },
        ],
      },
      {
        dataset: "raw",
        name: "empty",
        rowCount: 0,
        columns: [{ name: "x", type: "STRING", partitioning: false }],
      },
    ]);
    const columnsQuery =
      "SELECT col.table_name, col.column_name, col.data_type, col.is_partitioning_column, opt.option_value AS labels FROM `shop-analytics.raw`.INFORMATION_SCHEMA.COLUMNS AS col LEFT JOIN `shop-analytics.raw`.INFORMATION_SCHEMA.TABLE_OPTIONS AS opt ON opt.table_name = col.table_name AND opt.option_name = 'labels' ORDER BY col.table_name, col.ordinal_position";
    // The two jobs go at once.
    assert.deepEqual(fake.queries().sort(), [
      columnsQuery,
      "SELECT table_id, row_count FROM `shop-analytics.raw`.__TABLES__",
    ]);

    // Without row counts: the columns' job alone, the same tables.
    const plain = new FakeBigQuery(respond);
    assert.deepEqual(
      await new BigQueryWarehouse(plain, SETTINGS).listTables("raw"),
      tables.map(({ rowCount: _rowCount, ...table }) => table),
    );
    assert.deepEqual(plain.queries(), [columnsQuery]);
  });

  it("lists nothing for a dataset that does not exist", async () => {
    const fake = new FakeBigQuery(() => ({
      error: { reason: "notFound", message: "Not found: Dataset shop-analytics:raw" },
    }));
    assert.deepEqual(await new BigQueryWarehouse(fake, SETTINGS).listTables("raw"), []);
    assert.deepEqual(await new BigQueryWarehouse(fake, SETTINGS).listTablesWithRowCounts("raw"), []);
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
});
