// Two exports of the same orders dropped together: the one read later wins. A browser names a second download of
// a file "orders_export_1 (1).csv", which sorts before "orders_export_1.csv" by name: it must be read after it.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dropOrder } from "../../functions/ingest/step.ts";
import { dropThroughTransform } from "./harness.ts";

const HEADER =
  "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Id";
// Invented orders. The first download: #4001 for $40 and #4002 for $25, both paid.
const FIRST = [
  HEADER,
  "#4001,a@example.com,paid,USD,40.00,0.00,0.00,40.00,2026-11-21 09:00:00 -0500,,1,Linen Apron,40.00,APR-1,9101",
  "#4002,b@example.com,paid,USD,25.00,0.00,0.00,25.00,2026-11-21 10:00:00 -0500,,1,Stoneware Mug,25.00,MUG-1,9102",
  "",
].join("\n");
// Downloaded again after the customer of #4001 added a second apron and #4002 was cancelled.
const SECOND = [
  HEADER,
  "#4001,a@example.com,paid,USD,80.00,0.00,0.00,80.00,2026-11-21 09:00:00 -0500,,2,Linen Apron,40.00,APR-1,9101",
  "#4002,b@example.com,voided,USD,25.00,0.00,0.00,25.00,2026-11-21 10:00:00 -0500,2026-11-21 12:00:00 -0500,1,Stoneware Mug,25.00,MUG-1,9102",
  "",
].join("\n");

describe("the order of the inbox's files", () => {
  it("reads a browser's later downloads of a file after it, and other files by name", () => {
    assert.deepEqual(
      dropOrder([
        "raw/inbox/orders_export_1 (1).csv",
        "raw/inbox/meta.csv",
        "raw/inbox/orders_export_1 (12).csv",
        "raw/inbox/orders_export_1.csv",
        "raw/inbox/orders_export_1 (2).csv",
        "raw/inbox/orders_export_1(3).csv",
      ]),
      [
        "raw/inbox/meta.csv",
        "raw/inbox/orders_export_1.csv",
        "raw/inbox/orders_export_1 (1).csv",
        "raw/inbox/orders_export_1 (2).csv",
        "raw/inbox/orders_export_1(3).csv",
        "raw/inbox/orders_export_1 (12).csv",
      ],
    );
  });
});

describe("the files reland put back in the inbox", () => {
  it("are read first, in their positions' order, before the files still waiting", () => {
    assert.deepEqual(
      dropOrder([
        "raw/inbox/a-new-export.csv",
        "raw/inbox/relanded/000010/orders_export_1.csv",
        "raw/inbox/relanded/000002/orders_export_1 (1).csv",
        "raw/inbox/0-first-by-name.csv",
        "raw/inbox/relanded/000009/meta.csv",
      ]),
      [
        "raw/inbox/relanded/000002/orders_export_1 (1).csv",
        "raw/inbox/relanded/000009/meta.csv",
        "raw/inbox/relanded/000010/orders_export_1.csv",
        "raw/inbox/0-first-by-name.csv",
        "raw/inbox/a-new-export.csv",
      ],
    );
  });
});

describe("two downloads of the same orders dropped together", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("drop-order", {
      "orders_export_1.csv": FIRST,
      "orders_export_1 (1).csv": SECOND,
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("keeps the later download's version of each order", async () => {
    const staged = await warehouse.query<{ order_id: number; total_price: number; is_cancelled: boolean }>(
      "SELECT order_id, total_price, is_cancelled FROM staging.stg_shopify_orders ORDER BY order_id",
    );
    assert.deepEqual(
      staged.map((row) => [Number(row.order_id), Number(row.total_price), row.is_cancelled]),
      [
        [9101, 80, false],
        [9102, 25, true],
      ],
    );
  });
});
