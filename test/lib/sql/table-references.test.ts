// The tables a query names: what the build order and the DuckDB warehouse's whole builds read of a model's SQL.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tableReferences } from "../../../functions/lib/sql/table-references.ts";

describe("tableReferences", () => {
  const sql = `-- reads marts.daily_kpis in a comment only
SELECT raw_orders.id, stg.x
FROM raw.shopify_orders AS raw_orders
JOIN staging.stg_shopify_orders AS stg ON stg.order_id = raw_orders.id -- and not unified.nothing
LEFT JOIN ops.file_drops ON TRUE
CROSS JOIN raw.shopify_orders`;

  it("finds every table of a pipeline dataset outside comments, each once, sorted", () => {
    assert.deepEqual(tableReferences(sql), [
      "ops.file_drops",
      "raw.shopify_orders",
      "staging.stg_shopify_orders",
    ]);
  });

  it("keeps to the datasets asked for", () => {
    assert.deepEqual(tableReferences(sql, ["raw"]), ["raw.shopify_orders"]);
    assert.deepEqual(tableReferences(sql, ["marts", "unified"]), []);
  });
});
