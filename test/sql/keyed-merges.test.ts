// The keyed models (the customers and products dimensions, merged by key) when no transform ran for longer than
// the run window: the records landed meanwhile must still be merged by the next run. Before, a keyed model read
// only the records extracted since the window opened, and a pipeline stopped for two weeks (a broken deploy, an
// expired key) left every customer created or updated in its first week out of the dimension, for good.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { keyedModelWindow } from "../../functions/transform/step.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  novemberDays,
  openFixtureWarehouse,
  planFixtureRun,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const customer = (id: number, ordersCount: number, updatedAt: string, extractedAt: string) => ({
  id,
  email: `customer${id}@example.com`,
  created_at: "2026-11-01T10:00:00Z",
  updated_at: updatedAt,
  orders_count: ordersCount,
  _airbyte_extracted_at: extractedAt,
});

/** The soap (product 5) of the fixtures' orders, as the products export lands it. */
const soap = (title: string, extractedAt: string) => ({
  id: 5,
  title,
  product_type: "Bath",
  status: "ACTIVE",
  variants: [{ sku: "S", price: "50.00" }],
  updated_at: extractedAt,
  _airbyte_extracted_at: extractedAt,
  _airbyte_raw_id: `p5-${extractedAt}`,
});

describe("keyed models' window", () => {
  const window = { start: "2026-11-18", end: "2026-11-25" };

  it("reads what landed since two days before the last run date on consecutive daily runs", () => {
    // The window's first days were merged by the runs before: the late-landing day and a day's margin are read again.
    assert.deepEqual(keyedModelWindow(window, "2026-11-24", 24), { start: "2026-11-22", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-25", 24), { start: "2026-11-23", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-24", 0), { start: "2026-11-23", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-24", 49), { start: "2026-11-20", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, undefined, 24), window, "a first or full build");
  });

  it("reads from its own last day on when the last run was for a later date", () => {
    assert.deepEqual(keyedModelWindow(window, "2026-11-30", 24), { start: "2026-11-25", end: "2026-11-25" });
  });

  it("reaches back to the last run date, less the late-landing hours in whole days and one, after a gap", () => {
    assert.deepEqual(keyedModelWindow(window, "2026-11-10", 24), { start: "2026-11-08", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-10", 25), { start: "2026-11-07", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-10", 0), { start: "2026-11-09", end: "2026-11-25" });
    assert.deepEqual(keyedModelWindow(window, "2026-11-19", 24), { start: "2026-11-17", end: "2026-11-25" });
  });
});

describe("a daily run after two weeks without a transform", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  it("merges the customers and products landed meanwhile, as a full rebuild has them", async () => {
    const shop = await openFixtureWarehouse();
    warehouse = shop;
    // A soap order a day to the 10th, one customer and the soap as "Soap", built whole for the 10th.
    await insertRaw(
      shop,
      "shopify_orders",
      novemberDays(1, 10).map((day, index) => soapOrder(index + 1, `${day}T10:00:00Z`, `${day}T23:00:00Z`)),
    );
    await insertRaw(shop, "shopify_customers", [
      customer(1, 1, "2026-11-01T10:00:00Z", "2026-11-02T07:00:00Z"),
    ]);
    await insertRaw(shop, "shopify_products", [soap("Soap", "2026-11-02T07:00:00Z")]);
    await buildModels(shop, "2026-11-10");

    // No transform from the 11th to the 24th. Landed on the 12th: customer 1's second order, a new customer 2,
    // and the soap renamed. Landed later: the orders of the 11th to the 25th.
    await insertRaw(shop, "shopify_customers", [
      customer(1, 2, "2026-11-12T10:00:00Z", "2026-11-12T07:00:00Z"),
      customer(2, 1, "2026-11-12T10:00:00Z", "2026-11-12T07:00:00Z"),
    ]);
    await insertRaw(shop, "shopify_products", [soap("Olive Soap", "2026-11-12T07:00:00Z")]);
    await insertRaw(
      shop,
      "shopify_orders",
      novemberDays(11, 25).map((day, index) => soapOrder(index + 11, `${day}T10:00:00Z`, `${day}T23:00:00Z`)),
    );
    // The run of the 25th: its window opens on the 18th, after everything landed on the 12th.
    await buildModels(shop, "2026-11-25");

    // What the raw rows say: each customer's newest version, the soap's newest title on every day it sold.
    assert.deepEqual(
      await shop.query(
        "SELECT customer_id, orders_count FROM staging.stg_shopify_customers ORDER BY customer_id",
      ),
      [
        { customer_id: 1, orders_count: 2 },
        { customer_id: 2, orders_count: 1 },
      ],
    );
    const titles = await shop.query<{ product_title: string; days: number }>(
      "SELECT product_title, count(DISTINCT date) AS days FROM marts.product_daily_sales GROUP BY product_title",
    );
    assert.deepEqual(titles, [{ product_title: "Olive Soap", days: 25 }]);
    // And every model as a full rebuild from the same raw rows builds it.
    const differences = await differencesFromFullRebuild(shop, "2026-11-25");
    assert.deepEqual(
      Object.entries(differences).filter(([, rows]) => rows > 0),
      [],
    );
  });
});

describe("consecutive daily runs", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  it("merge the customers landed since two days before the last run, one landed late among them", async () => {
    const shop = await openFixtureWarehouse();
    warehouse = shop;
    await insertRaw(
      shop,
      "shopify_orders",
      novemberDays(1, 11).map((day, index) => soapOrder(index + 1, `${day}T10:00:00Z`, `${day}T23:00:00Z`)),
    );
    await insertRaw(shop, "shopify_products", [soap("Soap", "2026-11-02T07:00:00Z")]);
    await insertRaw(shop, "shopify_customers", [
      customer(1, 1, "2026-11-02T10:00:00Z", "2026-11-02T07:00:00Z"),
      customer(2, 1, "2026-11-05T10:00:00Z", "2026-11-05T07:00:00Z"),
    ]);
    await buildModels(shop, "2026-11-10", { fullRefresh: true });

    // After the run of the 10th: customer 1 again, and customer 3, extracted before that run read but landed
    // after it (a sync's batches committed out of order, within the late-landing hours).
    await insertRaw(shop, "shopify_customers", [
      customer(1, 2, "2026-11-11T10:00:00Z", "2026-11-11T07:00:00Z"),
      customer(3, 1, "2026-11-10T09:00:00Z", "2026-11-10T09:30:00Z"),
    ]);
    // The plan says what the run reads (a dry run's estimate on BigQuery is for the same window).
    const plan = await planFixtureRun(shop, "2026-11-11");
    assert.ok(
      plan.includes(
        "  staging.stg_shopify_customers: merge by customer_id the records landed since 2026-11-08",
      ),
      plan.join("\n"),
    );
    const run = await buildModels(shop, "2026-11-11");

    // Customer 2 (landed on the 5th, inside the run window of the 4th to the 11th) was merged by the run of the
    // 10th and is not merged again; 1 and 3 are.
    assert.equal(run.rows?.["staging.stg_shopify_customers"], 2);
    assert.deepEqual(
      await shop.query(
        "SELECT customer_id, orders_count FROM staging.stg_shopify_customers ORDER BY customer_id",
      ),
      [
        { customer_id: 1, orders_count: 2 },
        { customer_id: 2, orders_count: 1 },
        { customer_id: 3, orders_count: 1 },
      ],
    );
    const differences = await differencesFromFullRebuild(shop, "2026-11-11");
    assert.deepEqual(
      Object.entries(differences).filter(([, rows]) => rows > 0),
      [],
    );
  });
});
