// A warehouse made by an earlier version has raw tables without the columns declared since (raw.shopify_orders
// without `test`, say): ingest adds them, NULL on the rows already landed, before anything reads them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { ensureRawTables } from "../../functions/ingest/raw-tables.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";

const orders = RAW_TABLES.find((table) => table.name === "shopify_orders") ?? RAW_TABLES[0]!;

describe("raw tables of an earlier version", () => {
  it("get the columns declared since, empty on their rows, once", async () => {
    assert.ok(orders.columns.some((column) => column.name === "test"));
    const warehouse = await DuckDbWarehouse.open(":memory:");
    try {
      // The orders table as a version without `test` made it, with an order in it.
      const before = orders.columns.filter((column) => column.name !== "test");
      await warehouse.load({
        dataset: "raw",
        table: "shopify_orders",
        columns: before.map(({ name, type }) => ({ name, type })),
        rows: [{ id: 1001, name: "#1001", total_price: "50.00", _airbyte_raw_id: "r1" }],
      });
      const first = await ensureRawTables(warehouse, RAW_TABLES);
      assert.deepEqual(first.extended, { shopify_orders: ["test"] });
      assert.deepEqual(
        first.created.sort(),
        RAW_TABLES.map((table) => table.name)
          .filter((name) => name !== "shopify_orders")
          .sort(),
      );
      const listed = (await warehouse.listTables("raw")).find((table) => table.name === "shopify_orders");
      assert.deepEqual(
        listed?.columns.map((column) => column.name).sort(),
        orders.columns.map((column) => column.name).sort(),
      );
      assert.deepEqual(
        await warehouse.query("SELECT id, test FROM raw.shopify_orders", {}, { label: "fixture" }),
        [{ id: 1001, test: null }],
      );
      // A load with every declared column goes in as before.
      await warehouse.load({
        dataset: "raw",
        table: "shopify_orders",
        columns: orders.columns.map(({ name, type }) => ({ name, type })),
        rows: [{ id: 1002, name: "#1002", total_price: "9.00", test: true, _airbyte_raw_id: "r2" }],
      });
      assert.deepEqual(
        await warehouse.query(
          "SELECT id, test FROM raw.shopify_orders ORDER BY id",
          {},
          { label: "fixture" },
        ),
        [
          { id: 1001, test: null },
          { id: 1002, test: true },
        ],
      );
      assert.deepEqual(await ensureRawTables(warehouse, RAW_TABLES), { created: [], extended: {} });
    } finally {
      await warehouse.close();
    }
  });
});
