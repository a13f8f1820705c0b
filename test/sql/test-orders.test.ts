// Shopify's test orders (a checkout tried with the Bogus gateway or in test mode) are no sale: the models leave
// them out of every figure, as Shopify's own reports do. The expected figures are summed here from the fixture's
// real orders alone; a test order placed before a customer's first real order must not make that order returning.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  paidOrderOfDay,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-24";

interface FixtureOrder {
  id: number;
  day: string;
  total: number;
  email: string;
  test: boolean;
}

const ORDERS: FixtureOrder[] = [
  { id: 9001, day: "2026-11-20", total: 120, email: "ana@example.com", test: false },
  // The owner tries the checkout: a new "customer" worth 999 that never paid.
  { id: 9002, day: "2026-11-20", total: 999, email: "owner@maison.example", test: true },
  // A test order by Ben on the 21st, before his first real order on the 22nd.
  { id: 9003, day: "2026-11-21", total: 45, email: "ben@example.com", test: true },
  { id: 9004, day: "2026-11-22", total: 80, email: "ben@example.com", test: false },
  { id: 9005, day: "2026-11-22", total: 60, email: "ana@example.com", test: false },
  { id: 9006, day: "2026-11-23", total: 200, email: "cy@example.com", test: false },
];

const real = ORDERS.filter((order) => !order.test);

describe("Shopify test orders", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;
  const rows = async (sql: string) => warehouse.query(sql, {}, { label: "fixture" });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(
      warehouse,
      "shopify_orders",
      ORDERS.map((order) => ({
        ...paidOrderOfDay(order.id, order.day, order.total, order.email),
        line_items: [
          {
            id: order.id * 10,
            product_id: 5,
            sku: "SOAP",
            title: "Soap",
            quantity: 1,
            price: `${order.total}.00`,
            total_discount: "0.00",
          },
        ],
        test: order.test,
      })),
    );
    // The owner's test order landed again the next morning (an update): still a test order.
    await insertRaw(warehouse, "shopify_orders", [
      {
        ...paidOrderOfDay(9002, "2026-11-20", 999, "owner@maison.example"),
        updated_at: "2026-11-21T09:00:00Z",
        _airbyte_raw_id: "paid-9002-again",
        _airbyte_extracted_at: "2026-11-21T10:00:00Z",
        test: true,
      },
    ]);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("no test order reaches staging, its line items or the unified orders", async () => {
    const ids = real.map((order) => order.id).sort();
    for (const sql of [
      "SELECT order_id FROM staging.stg_shopify_orders ORDER BY order_id",
      "SELECT DISTINCT order_id FROM staging.stg_shopify_line_items ORDER BY order_id",
      "SELECT order_id FROM unified.shopify_unified ORDER BY order_id",
    ])
      assert.deepEqual(
        (await rows(sql)).map((row) => Number(row.order_id)),
        ids,
        sql,
      );
  });

  it("daily orders, revenue and new customers count the real orders alone", async () => {
    const days = [...new Set(real.map((order) => order.day))].sort();
    const firstOrderOf = new Map<string, number>();
    for (const order of [...real].sort((a, b) => a.day.localeCompare(b.day) || a.id - b.id))
      if (!firstOrderOf.has(order.email)) firstOrderOf.set(order.email, order.id);
    const expected = days.map((day) => {
      const of = real.filter((order) => order.day === day);
      return {
        date: day,
        orders: of.length,
        gross_revenue: of.reduce((sum, order) => sum + order.total, 0),
        new_customers: of.filter((order) => firstOrderOf.get(order.email) === order.id).length,
      };
    });
    const kpis = await rows(
      "SELECT CAST(date AS STRING) AS date, orders, gross_revenue, new_customers FROM marts.daily_kpis WHERE orders > 0 ORDER BY date",
    );
    assert.deepEqual(
      kpis.map((row) => ({
        date: String(row.date),
        orders: Number(row.orders),
        gross_revenue: Number(row.gross_revenue),
        new_customers: Number(row.new_customers),
      })),
      expected,
    );
    // Ben's order of the 22nd is his first: his test order of the 21st does not make him returning.
    const [ben] = await rows("SELECT is_first_order FROM unified.shopify_unified WHERE order_id = 9004");
    assert.equal(ben?.is_first_order, true);
  });
});
