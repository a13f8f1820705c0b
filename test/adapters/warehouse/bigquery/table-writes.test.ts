import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { FakeBigQuery, lastRequest, RUN, SETTINGS } from "./fake-client.ts";

describe("BigQuery table writes", () => {
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
