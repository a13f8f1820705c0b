// A refund can give back the tip paid with an order. Revenue leaves tips out (test/sql/tips.test.ts), so the tip's
// refund must not come off it either: Shopify's net sales are gross sales less discounts and returns, and a tip is
// no sale. Shopify's REST order, as Airbyte lands it, lists a tip among its line items (the only lines carrying
// tip_payment_gateway and tip_payment_method), and a refund that gives it back lists that line among its
// refund_line_items; the refund's transactions return the tip with the rest, one amount.
// The expected figures are computed from the raw orders below (test/support/refund-orders.ts, expected), the way
// Shopify's sales reports count them:
// what the lines sold (tips and gift cards aside) plus shipping and tax, less what the refunds returned of those
// lines; never from the refund transactions that the models read.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { platformDataFromRaw } from "../../tools/demo-apis/from-raw.ts";
import { SHOPIFY_PULLS } from "../ingest/connectors/fixtures.ts";
import { type Bench, openBench } from "../ingest/connectors/harness.ts";
import { buildModels, insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";
import {
  baselineNet,
  cents,
  dailyNet,
  expected,
  order,
  orderRefunds,
  type RawOrder,
  refund,
  refundedOrders,
  REFUNDS_RUN_DATE,
  shirts,
  tipLine,
} from "../support/refund-orders.ts";

const RUN_DATE = REFUNDS_RUN_DATE;

const ORDERS = [
  // A shirt with shipping, tax and a 6.00 tip; the tip alone is given back.
  order(9301, "2026-11-20", {
    lines: [shirts(9301, 1), tipLine(9301, "6.00")],
    tax: 2.4,
    shipping: 5,
    refunds: [refund(31, [[tipLine(9301, "6.00"), 1, 0]], [["6.00", "success"]])],
  }),
  // Two shirts and a 5.00 tip; one shirt and the tip come back, in one transaction.
  order(9302, "2026-11-21", {
    lines: [shirts(9302, 2), tipLine(9302, "5.00")],
    tax: 0,
    shipping: 0,
    refunds: [
      refund(
        32,
        [
          [shirts(9302, 2), 1, 0],
          [tipLine(9302, "5.00"), 1, 0],
        ],
        [["35.00", "success"]],
      ),
    ],
  }),
  // Two shirts with 4.80 tax and a 10.00 tip; one shirt (and its 2.40 of tax) and the tip come back over two
  // payments, 20.00 to a gift card and 22.40 to the card.
  order(9303, "2026-11-22", {
    lines: [shirts(9303, 2), tipLine(9303, "10.00")],
    tax: 4.8,
    shipping: 0,
    refunds: [
      refund(
        33,
        [
          [shirts(9303, 2), 1, 2.4],
          [tipLine(9303, "10.00"), 1, 0],
        ],
        [
          ["20.00", "success"],
          ["22.40", "success"],
        ],
      ),
    ],
  }),
  // A shirt and a 4.00 tip; the tip's refund went to a card that declined: nothing came back.
  order(9304, "2026-11-23", {
    lines: [shirts(9304, 1), tipLine(9304, "4.00")],
    tax: 0,
    shipping: 0,
    refunds: [refund(34, [[tipLine(9304, "4.00"), 1, 0]], [["4.00", "failure"]])],
  }),
  // A shirt and a 3.00 tip; the shirt comes back, the tip stays with the staff.
  order(9305, "2026-11-24", {
    lines: [shirts(9305, 1), tipLine(9305, "3.00")],
    tax: 0,
    shipping: 0,
    refunds: [refund(35, [[shirts(9305, 1), 1, 0]], [["30.00", "success"]])],
  }),
];

const EXPECTED = ORDERS.map((raw) => expected(raw));

describe("refunds that give a tip back", () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", ORDERS);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("takes off each order's refunds only what they returned of its sales; the tips returned apart", async () => {
    assert.deepEqual(
      (await orderRefunds(warehouse)).map(({ order: id, gross, returns, tipsBack }) => ({
        order: id,
        gross,
        returns,
        tipsBack,
      })),
      EXPECTED.map(({ order: id, gross, returns, tipsBack }) => ({ order: id, gross, returns, tipsBack })),
    );
  });

  it("gives each day's net revenue as gross sales less returns, and refunds as the returns", async () => {
    assert.deepEqual(
      await dailyNet(warehouse),
      EXPECTED.map(({ date, gross, returns, net }) => ({ date, gross, returns, net })),
    );
  });

  it("counts an order as refunded when its refunds returned sales, not when they gave back its tip alone", async () => {
    assert.deepEqual(
      await refundedOrders(warehouse),
      EXPECTED.map(({ date, returns }) => ({ date, refunded: returns > 0 ? 1 : 0 })),
    );
  });

  it("and so does the bench's independent baseline (tools/bench-baseline.ts), from the raw orders", async () => {
    assert.deepEqual(
      await baselineNet(warehouse),
      EXPECTED.map(({ date, returns, net }) => ({ date, returns, net })),
    );
  });

  it("splits a refund paid back over several payments: its tip is given back once, the rest is returns", async () => {
    const rows = await warehouse.query(
      `SELECT refund_id, SUM(amount) AS amount, SUM(tip_amount) AS tip_amount
       FROM staging.stg_shopify_refunds WHERE order_id = 9303 GROUP BY refund_id`,
      {},
      { label: "test" },
    );
    const raw = ORDERS.find((one) => one.id === 9303) as RawOrder;
    const [only] = raw.refunds;
    assert.ok(only);
    const paidBack = only.transactions.reduce((sum, transaction) => sum + cents(transaction.amount), 0);
    const tip = (expected(raw) as { tipsBack: number }).tipsBack;
    assert.deepEqual(
      rows.map((row) => ({
        refund: Number(row.refund_id),
        amount: cents(row.amount),
        tip: cents(row.tip_amount),
      })),
      [{ refund: only.id, amount: paidBack, tip }],
    );
  });
});

// The same orders served as Shopify's GraphQL API serves them (tools/demo-apis/from-raw.ts: the tip a line like any
// other, said a tip only by the order's sales agreements, a TipSale) and pulled by the Shopify connector, which marks
// the tip's line and the refund lines that give it back (is_tip): the same figures as Airbyte's REST rows give.
for (const [mode, pull] of SHOPIFY_PULLS) {
  describe(`refunds that give a tip back, through the Shopify connector (${mode} pull)`, () => {
    let bench: Bench;

    before(async () => {
      const direct = await openFixtureWarehouse();
      try {
        await insertRaw(direct, "shopify_orders", ORDERS);
        const window = { startDate: "2026-11-01", endDate: RUN_DATE };
        bench = await openBench(await platformDataFromRaw(direct, window, "America/New_York"));
      } finally {
        await direct.close();
      }
      const pulled = await bench.pull(RUN_DATE, pull);
      assert.deepEqual(pulled.findings, [], JSON.stringify(pulled.findings));
      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
    });
    after(() => bench.close());

    it("takes off each order's refunds only what they returned of its sales; the tips returned apart", async () => {
      assert.deepEqual(
        await orderRefunds(bench.warehouse),
        EXPECTED.map(({ order: id, gross, returns, giftCardsBack, tipsBack }) => ({
          order: id,
          gross,
          returns,
          giftCardsBack,
          tipsBack,
        })),
      );
    });

    it("gives each day's net revenue as gross sales less returns", async () => {
      assert.deepEqual(
        await dailyNet(bench.warehouse),
        EXPECTED.map(({ date, gross, returns, net }) => ({ date, gross, returns, net })),
      );
    });
  });
}

// A refund landed without its lines (a file drop's, whose export has only the Refunded Amount; a Shopify connector's
// capture made before it asked for them): nothing tells the tip in it from the rest.
describe("refunds without refund lines (a file drop's, an older capture's)", () => {
  let warehouse: DuckDbWarehouse;
  // A shirt and a 6.00 tip, both given back: 36.00 in one transaction.
  const tipped = {
    ...order(9306, "2026-11-20", { lines: [shirts(9306, 1)], tax: 0, shipping: 0, refunds: [] }),
    total_price: "36.00",
    total_tip_received: "6.00",
    refunds: [
      {
        id: 36,
        created_at: "2026-11-24T15:00:00Z",
        transactions: [{ amount: "36.00", kind: "refund", status: "success" }],
      },
    ],
  };

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [tipped]);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("count all the money a refund returned as returns, a tip in it too", async () => {
    const [row] = await warehouse.query(
      "SELECT order_revenue, refunded_amount, refunded_tips FROM unified.shopify_unified",
      {},
      { label: "test" },
    );
    const [only] = tipped.refunds;
    assert.ok(only);
    const paidBack = only.transactions.reduce((sum, transaction) => sum + cents(transaction.amount), 0);
    assert.deepEqual(
      {
        gross: cents(row?.order_revenue),
        returns: cents(row?.refunded_amount),
        tipsBack: cents(row?.refunded_tips),
      },
      { gross: cents(tipped.total_price) - cents(tipped.total_tip_received), returns: paidBack, tipsBack: 0 },
    );
  });
});
