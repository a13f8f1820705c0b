import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareInventory, toInventory } from "../../functions/check-sources/inventory.ts";
import type { RawTableSchema } from "../../functions/shared/raw-schemas.ts";

const declared: RawTableSchema[] = [
  { name: "orders", source: "shopify", eventTimeColumn: "created_at", columns: [] },
  { name: "ads", source: "facebook_ads", eventTimeColumn: "date_start", columns: [] },
];

describe("inventory", () => {
  it("reports missing declared tables and empty tables even without a baseline", () => {
    const current = toInventory([
      { dataset: "raw", name: "orders", columns: [{ name: "id", type: "BIGINT" }], rowCount: 0 },
    ]);
    const checks = compareInventory(undefined, current, declared).map(
      (item) => `${item.check}:${item.subject}:${item.severity}`,
    );
    assert.deepEqual(checks, [
      "inventory_missing_table:ads:critical",
      "inventory_empty_table:orders:warning",
    ]);
  });

  it("reports new, removed and retyped tables and columns against the baseline", () => {
    const baseline = toInventory([
      {
        dataset: "raw",
        name: "orders",
        columns: [
          { name: "id", type: "BIGINT" },
          { name: "note", type: "VARCHAR" },
        ],
        rowCount: 5,
      },
      { dataset: "raw", name: "ads", columns: [{ name: "spend", type: "DOUBLE" }], rowCount: 5 },
      { dataset: "raw", name: "old", columns: [], rowCount: 5 },
    ]);
    const current = toInventory([
      {
        dataset: "raw",
        name: "orders",
        columns: [
          { name: "id", type: "VARCHAR" },
          { name: "tags", type: "VARCHAR" },
        ],
        rowCount: 6,
      },
      { dataset: "raw", name: "ads", columns: [{ name: "spend", type: "DOUBLE" }], rowCount: 6 },
      { dataset: "raw", name: "fresh", columns: [], rowCount: 1 },
    ]);
    const checks = compareInventory(baseline, current, declared)
      .map((item) => `${item.check}:${item.subject}`)
      .sort();
    assert.deepEqual(checks, [
      "inventory_new_column:orders.tags",
      "inventory_new_table:fresh",
      "inventory_removed_column:orders.note",
      "inventory_removed_table:old",
      "inventory_retyped_column:orders.id",
    ]);
  });
});
