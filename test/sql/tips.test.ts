// A tip (checkout "Add tip", or POS tipping) is paid with the order and Shopify's total_price holds it ("the sum of
// all line item prices, discounts, shipping, taxes, and tips"), but it is the staff's, not a sale: Shopify's gross
// and net sales leave it out, and so must revenue, AOV and ROAS here. Airbyte lands it as total_tip_received. The
// expected figures are worked out by hand from the raw rows below: each order's total less its tip and gift cards.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { countFailingRows, loadAudits } from "../../functions/check-quality/audits.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { baselineSql } from "../../tools/bench-baseline.ts";
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
const SHIRT = 5;
const GIFT_CARD = 7;

/** A raw order as Airbyte lands it: its lines, shipping, tax and tip make up its total_price. */
function order(
  id: number,
  day: string,
  email: string,
  parts: {
    lines: { product: number; price: number; quantity: number; giftCard?: boolean }[];
    shipping: number;
    tax: number;
    tip: string | null;
  },
) {
  const subtotal = parts.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
  const total = subtotal + parts.shipping + parts.tax + Number(parts.tip ?? 0);
  return {
    ...paidOrderOfDay(id, day, 0, email),
    subtotal_price: subtotal.toFixed(2),
    total_tax: parts.tax.toFixed(2),
    total_shipping_price_set: { shop_money: { amount: parts.shipping.toFixed(2), currency_code: "USD" } },
    total_price: total.toFixed(2),
    total_tip_received: parts.tip,
    landing_site: "/?utm_source=facebook&utm_medium=paid_social",
    line_items: parts.lines.map((line, position) => ({
      id: id * 10 + position,
      product_id: line.product,
      sku: line.giftCard ? "GIFT" : "SHIRT",
      title: line.giftCard ? "Gift card" : "Shirt",
      quantity: line.quantity,
      price: line.price.toFixed(2),
      total_discount: "0.00",
      gift_card: line.giftCard === true,
    })),
  };
}

const ORDERS = [
  // Ana: a 30.00 shirt, 5.00 shipping, 2.40 tax and a 6.00 tip: 43.40 paid, 37.40 of it sales.
  order(9201, "2026-11-20", "ana@example.com", {
    lines: [{ product: SHIRT, price: 30, quantity: 1 }],
    shipping: 5,
    tax: 2.4,
    tip: "6.00",
  }),
  // Ben: a 30.00 shirt and a 50.00 gift card, with a 4.00 tip: 84.00 paid, 30.00 of it sales.
  order(9202, "2026-11-20", "ben@example.com", {
    lines: [
      { product: SHIRT, price: 30, quantity: 1 },
      { product: GIFT_CARD, price: 50, quantity: 1, giftCard: true },
    ],
    shipping: 0,
    tax: 0,
    tip: "4.00",
  }),
  // Cy: two shirts, no tip (0.00, as Shopify says for an order without one): 60.00 of sales.
  order(9203, "2026-11-21", "cy@example.com", {
    lines: [{ product: SHIRT, price: 30, quantity: 2 }],
    shipping: 0,
    tax: 0,
    tip: "0.00",
  }),
  // Di: one shirt, landed before the tip was a raw column (NULL): 30.00 of sales.
  order(9204, "2026-11-21", "di@example.com", {
    lines: [{ product: SHIRT, price: 30, quantity: 1 }],
    shipping: 0,
    tax: 0,
    tip: null,
  }),
];

describe("tips paid with orders", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", ORDERS);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("counts each order's sales: its total less its tip and the gift cards on it", async () => {
    assert.deepEqual(await orderRevenue(warehouse), [
      { order: 9201, total: 43.4, tips: 6, giftCards: 0, revenue: 37.4 },
      { order: 9202, total: 84, tips: 4, giftCards: 50, revenue: 30 },
      { order: 9203, total: 60, tips: 0, giftCards: 0, revenue: 60 },
      { order: 9204, total: 30, tips: 0, giftCards: 0, revenue: 30 },
    ]);
  });

  it("leaves tips out of the daily revenue and AOV; the tipped orders still count", async () => {
    assert.deepEqual(await dailyRevenue(warehouse), [
      // 37.40 + 30.00 over two orders.
      { date: "2026-11-20", orders: 2, gross: 67.4, net: 67.4, aov: 33.7, newRevenue: 67.4 },
      // 60.00 + 30.00 over two orders.
      { date: "2026-11-21", orders: 2, gross: 90, net: 90, aov: 45, newRevenue: 90 },
    ]);
  });

  it("leaves them out of the channels' attributed revenue (their ROAS), the regions' and the cohorts'", async () => {
    // Every order landed from a Meta ad: 37.40 + 30.00 + 60.00 + 30.00.
    assert.deepEqual(await revenueByAudience(warehouse), { channels: 157.4, regions: 157.4, cohorts: 157.4 });
  });

  it("finds every tipped order's total balanced (the totals audit)", async () => {
    const audit = loadAudits().find((one) => one.name === "order_totals_balance");
    assert.ok(audit);
    const params = { window_start: "2026-11-20", window_end: "2026-11-21" };
    assert.deepEqual(await countFailingRows(warehouse, [audit], params, silentLogger()), [0]);
  });
});

// Shopify's REST order, as Airbyte lands it, lists each tip as a line item of its own too: no product, and the only
// lines carrying tip_payment_gateway and tip_payment_method ("present only on tips"). The Shopify connector marks the
// line is_tip instead (GraphQL's LineItem has neither field; the order's TipSale names the line:
// test/ingest/connectors/shopify-tip-lines.test.ts). Such a line sold nothing.
describe("a tip's line item", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;
  const withTipLines = [
    // Eve: two shirts and a 5.00 tip, paid with Shopify Payments.
    order(9211, "2026-11-20", "eve@example.com", {
      lines: [{ product: SHIRT, price: 30, quantity: 2 }],
      shipping: 0,
      tax: 0,
      tip: "5.00",
    }),
    // Fay: a shirt and a 2.00 tip whose line names its gateway alone, no method.
    order(9212, "2026-11-21", "fay@example.com", {
      lines: [{ product: SHIRT, price: 30, quantity: 1 }],
      shipping: 0,
      tax: 0,
      tip: "2.00",
    }),
    // Gus: a shirt and a 1.00 tip whose line carries no tip mark (landed by the Shopify connector before it asked
    // for the order's TipSales): the tip's line cannot be told from a sale, and counts as one (see README, Tips).
    order(9213, "2026-11-22", "gus@example.com", {
      lines: [{ product: SHIRT, price: 30, quantity: 1 }],
      shipping: 0,
      tax: 0,
      tip: "1.00",
    }),
    // Hal: a shirt and a 3.00 tip, landed by the Shopify connector, its line marked is_tip.
    order(9214, "2026-11-23", "hal@example.com", {
      lines: [{ product: SHIRT, price: 30, quantity: 1 }],
      shipping: 0,
      tax: 0,
      tip: "3.00",
    }),
  ];
  const tipLines: Record<string, unknown>[][] = [
    [
      {
        id: 92119,
        product_id: null,
        title: "Tip",
        quantity: 1,
        price: "5.00",
        total_discount: "0.00",
        gift_card: false,
        tip_payment_gateway: "shopify_payments",
        tip_payment_method: "card",
      },
    ],
    [
      {
        id: 92129,
        product_id: null,
        title: "Tip",
        quantity: 1,
        price: "2.00",
        total_discount: "0.00",
        gift_card: false,
        tip_payment_gateway: "cash",
      },
    ],
    [
      {
        id: 92139,
        product_id: null,
        title: "Tip",
        quantity: 1,
        price: "1.00",
        total_discount: "0.00",
        gift_card: false,
      },
    ],
    [
      {
        id: 92149,
        product_id: null,
        title: "Tip",
        quantity: 1,
        price: "3.00",
        total_discount: "0.00",
        gift_card: false,
        is_tip: true,
      },
    ],
  ];
  const rawOrders = withTipLines.map((raw, position) => ({
    ...raw,
    line_items: [...raw.line_items, ...(tipLines[position] ?? [])],
  }));
  const isTip = (line: Record<string, unknown>) =>
    line.tip_payment_gateway !== undefined || line.tip_payment_method !== undefined || line.is_tip === true;
  // From the raw orders: each day's units and each product's sales, over the lines that are no tip.
  const soldLines = rawOrders.flatMap((raw) =>
    (raw.line_items as Record<string, unknown>[])
      .filter((line) => !isTip(line))
      .map((line) => ({
        date: raw.created_at.slice(0, 10),
        // No product (a tip's line the connector landed) reads as 0, as Number(NULL) does for the models' rows.
        product: Number(line.product_id),
        units: line.quantity as number,
        cents: Math.round(Number(line.price) * 100) * (line.quantity as number),
      })),
  );

  const byDayAndProduct = <Row extends { date: string; product: number }>(rows: Row[]) =>
    [...rows].sort((a, b) => a.date.localeCompare(b.date) || a.product - b.product);

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", rawOrders);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("is no unit of the day and no product's sale (one without a tip mark is); revenue still leaves the tip out", async () => {
    const days = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, units, gross_revenue FROM marts.shopify_daily_metrics ORDER BY date",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      days.map((row) => ({
        date: String(row.date),
        units: Number(row.units),
        gross: Number(row.gross_revenue),
      })),
      rawOrders.map((raw) => ({
        date: raw.created_at.slice(0, 10),
        units: soldLines
          .filter((line) => line.date === raw.created_at.slice(0, 10))
          .reduce((sum, line) => sum + line.units, 0),
        gross: Number(raw.total_price) - Number(raw.total_tip_received),
      })),
    );
    const products = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, product_id, units, revenue FROM marts.product_daily_sales ORDER BY date, product_id",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      byDayAndProduct(
        products.map((row) => ({
          date: String(row.date),
          product: Number(row.product_id),
          units: Number(row.units),
          cents: Math.round(Number(row.revenue) * 100),
        })),
      ),
      byDayAndProduct(soldLines),
    );
  });

  it("and so does the bench's independent baseline (tools/bench-baseline.ts), from the raw orders", async () => {
    const { channels } = JSON.parse(await readFile("sql/reference/channels.json", "utf8")) as {
      channels: never[];
    };
    for (const statement of baselineSql("America/New_York", RUN_DATE, channels)) {
      await warehouse.rawConnection.run(statement);
    }
    const days = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, units FROM base_daily_kpis WHERE orders > 0 ORDER BY date",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      days.map((row) => ({ date: String(row.date), units: Number(row.units) })),
      rawOrders.map((raw) => ({
        date: raw.created_at.slice(0, 10),
        units: soldLines
          .filter((line) => line.date === raw.created_at.slice(0, 10))
          .reduce((sum, line) => sum + line.units, 0),
      })),
    );
    const products = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, product_id, units, revenue FROM base_product_day ORDER BY date, product_id",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      byDayAndProduct(
        products.map((row) => ({
          date: String(row.date),
          product: Number(row.product_id),
          units: Number(row.units),
          cents: Math.round(Number(row.revenue) * 100),
        })),
      ),
      byDayAndProduct(soldLines),
    );
  });
});
