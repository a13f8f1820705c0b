// A file dropped into a warehouse an earlier version made: raw.shopify_orders without the `test` column, with an
// order landed. The run's ingest must load the drop (its test orders flagged) into the table, which gains the
// column, and the transform build on it; not fail the file on the missing column.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { CLOCK, fixture, RUN_DATE, TIMEZONE } from "./harness.ts";

const orders = RAW_TABLES.find((table) => table.name === "shopify_orders") ?? RAW_TABLES[0]!;

describe("a file drop into a raw table made before a declared column", () => {
  it("loads, flags its test orders and adds the column, empty on the rows landed before", async () => {
    assert.ok(orders.columns.some((column) => column.name === "test"));
    const workDir = await mkdtemp(join(tmpdir(), "pulse-older-raw-"));
    const config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
    const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
    try {
      // The orders table as a version without `test` made it, with one order in it.
      await warehouse.load({
        dataset: "raw",
        table: "shopify_orders",
        columns: orders.columns
          .filter((column) => column.name !== "test")
          .map(({ name, type }) => ({ name, type })),
        rows: [{ id: 1001, name: "#1001", total_price: "50.00", _airbyte_raw_id: "older-version-row" }],
      });
      const bucket = new FolderBucket(config.local.bucketDir);
      await bucket.write(
        `${INBOX_PREFIX}orders_export.csv`,
        await fixture("shopify-orders-test-gateways.csv"),
      );
      const report = await runLocally(
        config,
        parseRunMessage({
          runDate: RUN_DATE,
          runId: "after-upgrade",
          trigger: "manual",
          options: { to: "transform" },
        }),
        { log: silentLogger(), warehouse, clock: CLOCK, secrets: fixedSecrets() },
      );
      assert.deepEqual(report.failures, []);
      const read = async <T>(sql: string) =>
        (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS() as T[];
      const [manifest] = await read<{ status: string; error: string | null }>(
        "SELECT status, error FROM ops.file_drops WHERE file_name = 'orders_export.csv'",
      );
      assert.equal(manifest?.status, "loaded", manifest?.error ?? "");
      const rows = await read<{ id: bigint; test: boolean | null }>(
        "SELECT id, test FROM raw.shopify_orders ORDER BY id",
      );
      assert.deepEqual(
        rows[0],
        { id: 1001n, test: null },
        "the order landed before keeps its row, the flag empty",
      );
      // The fixture's Bogus Gateway orders (test/ingest/shopify-test-orders.test.ts): 7003002, 7003003, 7003005.
      assert.deepEqual(
        rows.filter((row) => row.test === true).map((row) => Number(row.id)),
        [7003002, 7003003, 7003005],
      );
      const staged = await read<{ order_id: bigint }>("SELECT order_id FROM staging.stg_shopify_orders");
      assert.ok(staged.length > 0, "the transform built on the table");
      assert.ok(
        staged.every((row) => ![7003002, 7003003, 7003005].includes(Number(row.order_id))),
        "no test order staged",
      );
    } finally {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
