// A gift card sold is money the shop owes until it is spent, and the order that spends it counts in full: Shopify's
// sales reports leave gift card sales out, and so must every revenue figure here, or a $50 card bought and spent is
// $100 of revenue. The card stays a line item (the products' figures show what sold). The expected figures are
// worked out by hand from the fixture below: each order's total less the gift cards on it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  dailyRevenue,
  insertRaw,
  openFixtureWarehouse,
  orderRevenue,
  paidOrderOfDay,
  revenueByAudience,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-24";

interface FixtureLine {
  product: number;
  price: number;
  quantity: number;
  discount?: number;
  giftCard?: boolean;
}

interface FixtureOrder {
  id: number;
  day: string;
  email: string;
  lines: FixtureLine[];
}

const SHIRT = 5;
const GIFT_CARD = 7;
const ORDERS: FixtureOrder[] = [
  // Ana buys a 30.00 shirt and a 50.00 gift card: 30.00 of sales.
  {
    id: 9101,
    day: "2026-11-20",
    email: "ana@example.com",
    lines: [
      { product: SHIRT, price: 30, quantity: 1 },
      { product: GIFT_CARD, price: 50, quantity: 1, giftCard: true },
    ],
  },
  // Ben buys two 25.00 gift cards and nothing else: an order with no sales.
  {
    id: 9102,
    day: "2026-11-21",
    email: "ben@example.com",
    lines: [{ product: GIFT_CARD, price: 25, quantity: 2, giftCard: true }],
  },
  // Cy spends Ana's card on two shirts, 5.00 off each line: 55.00 of sales, whatever paid for them.
  {
    id: 9103,
    day: "2026-11-22",
    email: "cy@example.com",
    lines: [{ product: SHIRT, price: 30, quantity: 2, discount: 5 }],
  },
];

const lineTotal = (line: FixtureLine) => line.price * line.quantity - (line.discount ?? 0);
const total = (order: FixtureOrder) => order.lines.reduce((sum, line) => sum + lineTotal(line), 0);

describe("gift cards sold", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(
      warehouse,
      "shopify_orders",
      ORDERS.map((order) => ({
        ...paidOrderOfDay(order.id, order.day, total(order), order.email),
        line_items: order.lines.map((line, position) => ({
          id: order.id * 10 + position,
          product_id: line.product,
          sku: line.giftCard ? "GIFT" : "SHIRT",
          title: line.giftCard ? "Gift card" : "Shirt",
          quantity: line.quantity,
          price: `${line.price}.00`,
          total_discount: `${line.discount ?? 0}.00`,
          // As Airbyte lands a REST line item: the shirt says false, Cy's export-like lines say nothing.
          ...(order.id === 9103 ? {} : { gift_card: line.giftCard === true }),
        })),
      })),
    );
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("counts each order's sales, its total less the gift cards on it", async () => {
    assert.deepEqual(await orderRevenue(warehouse), [
      { order: 9101, total: 80, tips: 0, giftCards: 50, revenue: 30 },
      { order: 9102, total: 50, tips: 0, giftCards: 50, revenue: 0 },
      { order: 9103, total: 55, tips: 0, giftCards: 0, revenue: 55 },
    ]);
  });

  it("leaves gift cards out of the daily revenue, AOV and new customers' revenue; their orders still count", async () => {
    assert.deepEqual(await dailyRevenue(warehouse), [
      { date: "2026-11-20", orders: 1, gross: 30, net: 30, aov: 30, newRevenue: 30 },
      { date: "2026-11-21", orders: 1, gross: 0, net: 0, aov: 0, newRevenue: 0 },
      { date: "2026-11-22", orders: 1, gross: 55, net: 55, aov: 55, newRevenue: 55 },
    ]);
  });

  it("leaves them out of the channels', the regions' and the cohorts' revenue too", async () => {
    assert.deepEqual(await revenueByAudience(warehouse), { channels: 85, regions: 85, cohorts: 85 });
  });

  it("keeps the gift cards in the products' sales: what sold", async () => {
    const products = await warehouse.query(
      "SELECT product_id, SUM(units) AS units, SUM(revenue) AS revenue FROM marts.product_daily_sales GROUP BY product_id ORDER BY product_id",
      {},
      { label: "fixture" },
    );
    assert.deepEqual(
      products.map((row) => ({
        product: Number(row.product_id),
        units: Number(row.units),
        revenue: Number(row.revenue),
      })),
      [
        { product: SHIRT, units: 3, revenue: 85 },
        { product: GIFT_CARD, units: 3, revenue: 100 },
      ],
    );
  });
});
