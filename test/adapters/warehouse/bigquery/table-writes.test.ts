import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modelFingerprint } from "../../../../functions/adapters/warehouse/bigquery/table-writes.ts";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import type { MaterializeRequest } from "../../../../functions/shared/ports.ts";
import { ModelColumnsChangedError } from "../../../../functions/shared/model-columns.ts";
import type { JobRequest } from "../../../../functions/adapters/warehouse/bigquery/client.ts";
import { landRows } from "../../../../functions/ingest/connectors/landing.ts";
import { ensureRawTables } from "../../../../functions/ingest/raw-tables.ts";
import { RAW_TABLES } from "../../../../functions/shared/raw-schemas.ts";
import { FakeBigQuery, lastRequest, type Outcome, RUN, SETTINGS } from "./fake-client.ts";

/** A windowed model of orders per day, and the columns of the table its SQL built. */
const DAILY_ORDERS: MaterializeRequest = {
  dataset: "marts",
  table: "daily_kpis",
  sql: "SELECT order_date, COUNT(*) AS orders FROM unified.shopify_unified GROUP BY 1",
  params: {},
  partitionColumn: "order_date",
  window: { start: "2026-11-14", end: "2026-11-21" },
};
const DAILY_ORDERS_COLUMNS: [string, string][] = [
  ["order_date", "DATE"],
  ["orders", "INT64"],
];

describe("BigQuery table writes", () => {
  /**
   * A project where the target table exists with these columns, labelled by the full build of `built` (the
   * request whose model made it), and the script writes n rows.
   */
  function existingTableFake(
    table: string,
    columns: [string, string][],
    built: MaterializeRequest,
    rowsWritten: number,
    /**
     * What a dry run of the model returns (default: the table's columns): names, or schema fields as the REST API
     * gives them (legacy type names, mode).
     */
    modelColumns: (string | { name: string; type: string; mode?: string })[] = columns.map(([name]) => name),
  ): FakeBigQuery {
    const labels = `[STRUCT("pulse_model", "${modelFingerprint(built)}")]`;
    return new FakeBigQuery((request) => {
      const sql = request.configuration.query.query;
      if (request.configuration.dryRun)
        return { fields: modelColumns.map((field) => (typeof field === "string" ? { name: field } : field)) };
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: columns.map(([name, type]) => [table, name, type, labels]),
        };
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
      /^CREATE OR REPLACE TABLE `shop-analytics\.marts\.daily_kpis`\nPARTITION BY `order_date`\nCLUSTER BY `channel`\nOPTIONS \(labels = \[\("pulse_model", "[0-9a-f]{32}"\)\]\) AS\nSELECT \* FROM \(\nSELECT order_date/,
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

  it("drops and builds again a table whose partitioning changed, which CREATE OR REPLACE may not replace", async () => {
    // marts.marketing_unified_with_explanations was partitioned by date until 2026-12-02 and is built whole since:
    // over a deployment's partitioned table, BigQuery refuses the unpartitioned CREATE OR REPLACE.
    const refusal =
      "Cannot replace a table with a different partitioning spec. Instead, DROP the table, and then recreate it. " +
      "New partitioning spec is none and existing spec is interval(type:day,field:date)";
    const respond = (syntaxError: boolean) => {
      let dropped = false;
      return (request: JobRequest): Outcome => {
        const sql = request.configuration.query.query;
        if (sql.startsWith("DROP TABLE")) {
          dropped = true;
          return {};
        }
        if (syntaxError)
          return { error: { reason: "invalidQuery", message: "Syntax error: Unexpected end of script" } };
        if (sql.startsWith("CREATE OR REPLACE") && !dropped)
          return { error: { reason: "invalidQuery", message: refusal } };
        return { fields: [{ name: "rows_written", type: "INTEGER" }], rows: [["42"]] };
      };
    };
    const request: MaterializeRequest = {
      dataset: "marts",
      table: "marketing_unified_with_explanations",
      sql: "SELECT DATE '2026-11-21' AS date, 'meta' AS channel, 'source stale' AS reason",
      params: {},
      label: "marts.marketing_unified_with_explanations",
    };
    const fake = new FakeBigQuery(respond(false));
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize(request);
    assert.deepEqual(result, { rowsWritten: 42, mode: "full" });
    assert.deepEqual(
      fake.queries().map((sql) => sql.split("\n")[0]),
      [
        "CREATE OR REPLACE TABLE `shop-analytics.marts.marketing_unified_with_explanations`",
        "DROP TABLE IF EXISTS `shop-analytics.marts.marketing_unified_with_explanations`",
        "CREATE OR REPLACE TABLE `shop-analytics.marts.marketing_unified_with_explanations`",
      ],
    );
    // Any other failure of the build drops nothing.
    const failing = new FakeBigQuery(respond(true));
    await assert.rejects(
      new BigQueryWarehouse(failing, SETTINGS).forRun(RUN).materialize(request),
      /Syntax error: Unexpected end of script/,
    );
    assert.ok(!failing.queries().some((sql) => sql.startsWith("DROP")), "no table dropped");
  });

  it("merges a keyed table by its key: the changed records replace their rows in one transaction", async () => {
    const request: MaterializeRequest = {
      dataset: "staging",
      table: "stg_shopify_customers",
      sql: "SELECT id AS customer_id, email AS email_hash FROM raw.shopify_customers WHERE DATE(_airbyte_extracted_at) >= @window_start",
      params: { window_start: "2026-11-14", window_end: "2026-11-21" },
      uniqueKey: "customer_id",
      window: { start: "2026-11-14", end: "2026-11-21" },
    };
    const fake = existingTableFake(
      "stg_shopify_customers",
      [
        ["customer_id", "INT64"],
        ["email_hash", "STRING"],
      ],
      request,
      3,
    );
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize(request);
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
    const request: MaterializeRequest = {
      dataset: "marts",
      table: "daily_kpis",
      sql: "SELECT order_date, COUNT(*) AS orders FROM unified.shopify_unified WHERE order_date BETWEEN @window_start AND @window_end GROUP BY 1",
      params: { run_date: "2026-11-21", window_start: "2000-01-01", window_end: "2026-11-21" },
      partitionColumn: "order_date",
      window: { start: "2026-11-14", end: "2026-11-21" },
    };
    const fake = existingTableFake("daily_kpis", DAILY_ORDERS_COLUMNS, request, 8);
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize(request);
    assert.deepEqual(result, { rowsWritten: 8, mode: "incremental" });
    // One metadata read of the dataset (existence, columns, fingerprint), then the script: no dry run.
    const [catalog, script, ...more] = fake.requests;
    assert.deepEqual(more, []);
    assert.match(
      catalog?.configuration.query.query ?? "",
      /`shop-analytics\.marts`\.INFORMATION_SCHEMA\.COLUMNS AS col LEFT JOIN `shop-analytics\.marts`\.INFORMATION_SCHEMA\.TABLE_OPTIONS/,
    );
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
      request.configuration.query.query.includes("INFORMATION_SCHEMA.COLUMNS")
        ? { fields: [{ name: "table_name" }, { name: "column_name" }], rows: [] }
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

  it("a changed model with the same columns: asks a dry run for them, inserts by name and relabels the table", async () => {
    const built = DAILY_ORDERS;
    const changed = { ...built, sql: built.sql.replace("COUNT(*)", "COUNT(DISTINCT order_id)") };
    assert.notEqual(modelFingerprint(changed), modelFingerprint(built));
    const fake = existingTableFake("daily_kpis", DAILY_ORDERS_COLUMNS, built, 4, ["orders", "order_date"]);
    const result = await new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).materialize(changed);
    assert.deepEqual(result, { rowsWritten: 4, mode: "incremental" });
    assert.equal(fake.requests.filter((request) => request.configuration.dryRun).length, 1);
    const sql = lastRequest(fake).configuration.query.query;
    assert.match(sql, /INSERT INTO `shop-analytics\.marts\.daily_kpis` \(`orders`, `order_date`\)/);
    const relabel = `ALTER TABLE \`shop-analytics.marts.daily_kpis\` SET OPTIONS (labels = [("pulse_model", "${modelFingerprint(changed)}")]);`;
    assert.ok(sql.includes(relabel), "the table now carries the new fingerprint");
    assert.ok(sql.indexOf("COMMIT TRANSACTION;") < sql.indexOf(relabel), "DDL after the transaction");
    assert.ok(
      sql.indexOf(relabel) < sql.indexOf("SELECT rows_written;"),
      "the row count is still the result",
    );
  });

  it("a changed model with new or gone columns is a ModelColumnsChangedError naming them, and writes nothing; its whole build then replaces the table", async () => {
    const built = DAILY_ORDERS;
    const changed = { ...built, sql: built.sql.replace("COUNT(*) AS orders", "COUNT(*) AS order_count") };
    const fake = existingTableFake("daily_kpis", DAILY_ORDERS_COLUMNS, built, 4, [
      "order_date",
      "order_count",
    ]);
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    await assert.rejects(warehouse.materialize(changed), (error: unknown) => {
      assert.ok(error instanceof ModelColumnsChangedError);
      assert.deepEqual(
        [error.model, error.changes, error.transient],
        ["marts.daily_kpis", { added: ["order_count"], removed: ["orders"], retyped: [] }, false],
      );
      assert.match(
        error.message,
        /^model marts\.daily_kpis changed its columns since its table was built \(new: order_count; gone: orders\): a window of it cannot go into that table; the daily transform rebuilds such a model whole/,
      );
      return true;
    });
    assert.equal(fake.executions, 1, "only the catalog read ran: no script");
    // What the transform asks next: the model whole, which CREATE OR REPLACE builds with the new columns.
    const whole = await warehouse.materialize({ ...changed, window: undefined });
    assert.equal(whole.mode, "full");
    const sql = lastRequest(fake).configuration.query.query;
    assert.match(
      sql,
      /^CREATE OR REPLACE TABLE `shop-analytics\.marts\.daily_kpis`\nPARTITION BY `order_date`/,
    );
    assert.ok(sql.includes(`labels = [("pulse_model", "${modelFingerprint(changed)}")]`));
    assert.ok(sql.includes("COUNT(*) AS order_count"));
  });

  it("a changed model whose column BigQuery would coerce into the table's old type is rebuilt whole, not inserted as the old type", async () => {
    // The table was built when spend was FLOAT64; the model now gives NUMERIC. BigQuery coerces NUMERIC into
    // FLOAT64 on INSERT, so a window would go in as floats, every day, silently: the model is rebuilt instead.
    const built: MaterializeRequest = {
      dataset: "marts",
      table: "daily_kpis",
      sql: "SELECT order_date, CAST(SUM(spend) AS FLOAT64) AS spend, COUNT(*) AS orders, ARRAY_AGG(channel) AS channels FROM unified.ad_performance GROUP BY 1",
      params: {},
      partitionColumn: "order_date",
      window: { start: "2026-11-14", end: "2026-11-21" },
    };
    const changed = { ...built, sql: built.sql.replace("CAST(SUM(spend) AS FLOAT64)", "SUM(spend)") };
    const fake = existingTableFake(
      "daily_kpis",
      [
        ["order_date", "DATE"],
        ["spend", "FLOAT64"],
        ["orders", "INT64"],
        ["channels", "ARRAY<STRING>"],
      ],
      built,
      4,
      [
        // The REST API's legacy names for the same types are no change: INTEGER is INT64, a REPEATED STRING an ARRAY.
        { name: "order_date", type: "DATE" },
        { name: "spend", type: "NUMERIC" },
        { name: "orders", type: "INTEGER" },
        { name: "channels", type: "STRING", mode: "REPEATED" },
      ],
    );
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    await assert.rejects(warehouse.materialize(changed), (error: unknown) => {
      assert.ok(error instanceof ModelColumnsChangedError, String(error));
      assert.deepEqual(error.changes, {
        added: [],
        removed: [],
        retyped: [{ column: "spend", was: "FLOAT64", now: "NUMERIC" }],
      });
      assert.match(error.message, /\(retyped: spend FLOAT64 → NUMERIC\)/);
      return true;
    });
    assert.equal(fake.executions, 1, "only the catalog read ran: no script");

    // The same types under their legacy names, FLOAT for FLOAT64 included: inserted by name.
    const sameTypes = existingTableFake(
      "daily_kpis",
      [
        ["order_date", "DATE"],
        ["spend", "FLOAT64"],
        ["orders", "INT64"],
      ],
      built,
      4,
      [
        { name: "order_date", type: "DATE" },
        { name: "spend", type: "FLOAT" },
        { name: "orders", type: "INTEGER" },
      ],
    );
    const result = await new BigQueryWarehouse(sameTypes, SETTINGS).forRun(RUN).materialize(changed);
    assert.deepEqual(result, { rowsWritten: 4, mode: "incremental" });
  });

  it("columnChanges (for plan) says what a window would find, with one free dry run and no write", async () => {
    const built = DAILY_ORDERS;
    const changed = { ...built, sql: built.sql.replace("COUNT(*) AS orders", "COUNT(*) AS order_count") };
    const fake = existingTableFake("daily_kpis", DAILY_ORDERS_COLUMNS, built, 4, [
      { name: "order_date", type: "DATE" },
      { name: "order_count", type: "INTEGER" },
    ]);
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    assert.deepEqual(await warehouse.columnChanges(changed), {
      added: ["order_count"],
      removed: ["orders"],
      retyped: [],
    });
    // The SQL that built the table: nothing to ask.
    assert.equal(await warehouse.columnChanges(built), undefined);
    assert.equal(fake.requests.filter((request) => request.configuration.dryRun).length, 1);
    assert.equal(fake.executions, 1, "only the catalog read ran");
  });

  it("labels a full build with the model's fingerprint", async () => {
    const request: MaterializeRequest = {
      dataset: "staging",
      table: "stg_new",
      sql: "SELECT DATE '2026-11-21' AS d",
      params: {},
      partitionColumn: "d",
    };
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "rows_written" }], rows: [["1"]] }));
    await new BigQueryWarehouse(fake, SETTINGS).materialize(request);
    assert.match(
      lastRequest(fake).configuration.query.query,
      new RegExp(`\nOPTIONS \\(labels = \\[\\("pulse_model", "${modelFingerprint(request)}"\\)\\]\\) AS\n`),
    );
  });

  it("reads a dataset's catalog once for all its models, or not at all after listTables", async () => {
    const requests: MaterializeRequest[] = ["a", "b", "c"].map((table) => ({
      dataset: "staging",
      table,
      sql: `SELECT DATE '2026-11-21' AS d, '${table}' AS t`,
      params: {},
      partitionColumn: "d",
      window: { start: "2026-11-14", end: "2026-11-21" },
    }));
    const labelled = new Map(requests.map((request) => [request.table, modelFingerprint(request)]));
    const fake = new FakeBigQuery((request) => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: [...labelled].flatMap(([table, fingerprint]) =>
            ["d", "t"].map((column) => [
              table,
              column,
              "STRING",
              `[STRUCT("pulse_model", "${fingerprint}")]`,
            ]),
          ),
        };
      }
      if (sql.includes("__TABLES__"))
        return { fields: [{ name: "table_id" }, { name: "row_count" }], rows: [] };
      return { fields: [{ name: "rows_written", type: "INTEGER" }], rows: [["1"]] };
    });
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    const results = await Promise.all(requests.map((request) => warehouse.materialize(request)));
    assert.deepEqual(
      results.map((result) => result.mode),
      ["incremental", "incremental", "incremental"],
    );
    const metadata = () => fake.queries().filter((sql) => sql.includes("INFORMATION_SCHEMA")).length;
    assert.equal(metadata(), 1, "one metadata job for three models, even in parallel");
    assert.equal(fake.requests.filter((request) => request.configuration.dryRun).length, 0, "no dry run");
    assert.match(fake.queries().at(-1) ?? "", /INSERT INTO `shop-analytics\.staging\.[abc]` \(`d`, `t`\)/);

    const listed = new BigQueryWarehouse(fake, SETTINGS).forRun({ ...RUN, runId: "second" });
    await listed.listTables("staging");
    const before = metadata();
    await listed.materialize(requests[0] as MaterializeRequest);
    assert.equal(metadata(), before, "listTables already told the catalog");
  });

  it("adds a table's missing columns in one ALTER TABLE, and reads the catalog again after it", async () => {
    const orders: [string, string][] = [
      ["id", "INT64"],
      ["name", "STRING"],
    ];
    let catalogReads = 0;
    const fake = new FakeBigQuery((request) => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        catalogReads += 1;
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: orders.map(([name, type]) => ["shopify_orders", name, type, "[]"]),
        };
      }
      return { fields: [], rows: [] };
    });
    const warehouse = new BigQueryWarehouse(fake, { ...SETTINGS, datasetPrefix: "prod_" }).forRun(RUN);
    await warehouse.listTables("raw");
    await warehouse.addColumns("raw", "shopify_orders", [
      { name: "test", type: "BOOL" },
      { name: "channel_id", type: "STRING" },
    ]);
    assert.equal(
      lastRequest(fake).configuration.query.query,
      "ALTER TABLE `shop-analytics.prod_raw.shopify_orders` ADD COLUMN IF NOT EXISTS `test` BOOL, ADD COLUMN IF NOT EXISTS `channel_id` STRING",
    );
    assert.equal(catalogReads, 1);
    orders.push(["test", "BOOL"], ["channel_id", "STRING"]);
    const listed = await warehouse.listTables("raw");
    assert.equal(catalogReads, 2);
    assert.deepEqual(
      listed[0]?.columns.map((column) => column.name),
      ["id", "name", "test", "channel_id"],
    );
  });

  it("creates a missing raw table by day of extraction, clustered on it, refusing a query without a filter on it", async () => {
    // The warehouse holds raw.shopify_orders only: ingest creates the other raw tables, as infra/bigquery.tf does.
    const fake = new FakeBigQuery((request) =>
      request.configuration.query.query.includes("INFORMATION_SCHEMA.COLUMNS")
        ? {
            fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
            rows: (RAW_TABLES.find((table) => table.name === "shopify_orders")?.columns ?? []).map(
              (column) => ["shopify_orders", column.name, column.type, "[]"],
            ),
          }
        : { fields: [], rows: [] },
    );
    const warehouse = new BigQueryWarehouse(fake, { ...SETTINGS, datasetPrefix: "prod_" }).forRun(RUN);
    const { created } = await ensureRawTables(warehouse, RAW_TABLES);
    assert.ok(created.includes("tiktok_ads_reports_daily"));
    assert.ok(!created.includes("shopify_orders"));
    const creates = fake
      .queries()
      .flatMap((sql) => sql.split("\n"))
      .filter((line) => line.startsWith("CREATE TABLE IF NOT EXISTS"));
    assert.equal(creates.length, RAW_TABLES.length - 1);
    // A connector's landing creates its table the same way when it lands first.
    await landRows(warehouse, "facebook_ads_insights", [{ ad_id: "1", _airbyte_raw_id: "r1" }]);
    creates.push(
      ...(fake.queries().at(-1) ?? "")
        .split("\n")
        .filter((line) => line.startsWith("CREATE TABLE IF NOT EXISTS")),
    );
    assert.equal(creates.length, RAW_TABLES.length);
    for (const create of creates) {
      assert.match(
        create,
        /^CREATE TABLE IF NOT EXISTS `shop-analytics\.prod_raw\.\w+` \(.*`_airbyte_extracted_at` TIMESTAMP.*\) PARTITION BY TIMESTAMP_TRUNC\(`_airbyte_extracted_at`, DAY\) CLUSTER BY `_airbyte_extracted_at` OPTIONS \(require_partition_filter = TRUE\);$/,
      );
    }
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
