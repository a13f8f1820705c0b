// A refund can give back the tip paid with an order. Revenue leaves tips out (test/sql/tips.test.ts), so the tip's
// refund must not come off it either: Shopify's net sales are gross sales less discounts and returns, and a tip is
// no sale. Shopify's REST order, as Airbyte lands it, lists a tip among its line items (the only lines carrying
// tip_payment_gateway and tip_payment_method), and a refund that gives it back lists that line among its
// refund_line_items; the refund's transactions return the tip with the rest, one amount.
// The expected figures are computed here from the raw orders below, the way Shopify's sales reports count them:
// what the lines sold (tips and gift cards aside) plus shipping and tax, less what the refunds returned of those
// lines; never from the refund transactions that the models read.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { baselineSql } from "../../tools/bench-baseline.ts";
import { buildModels, insertRaw, openFixtureWarehouse, paidOrderOfDay } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-25";
const SHIRT = 5;

interface RawLine {
  id: number;
  product_id: number | null;
  title: string;
  quantity: number;
  price: string;
  total_discount: string;
  gift_card: boolean;
  tip_payment_gateway?: string;
  tip_payment_method?: string;
}

interface RawRefund {
  id: number;
  created_at: string;
  refund_line_items: { line_item: RawLine; quantity: number; subtotal: number; total_tax: number }[];
  transactions: { amount: string; kind: string; status: string }[];
}

interface RawOrder {
  id: number;
  created_at: string;
  total_tax: string;
  total_shipping_price_set: { shop_money: { amount: string } };
  line_items: RawLine[];
  refunds: RawRefund[];
}

const shirts = (orderId: number, quantity: number): RawLine => ({
  id: orderId * 10,
  product_id: SHIRT,
  title: "Shirt",
  quantity,
  price: "30.00",
  total_discount: "0.00",
  gift_card: false,
});

/** A tip as Shopify's REST order lists it: a line of its own, with the gateway and method it was paid by. */
const tipLine = (orderId: number, amount: string): RawLine => ({
  id: orderId * 10 + 9,
  product_id: null,
  title: "Tip",
  quantity: 1,
  price: amount,
  total_discount: "0.00",
  gift_card: false,
  tip_payment_gateway: "shopify_payments",
  tip_payment_method: "card",
});

const isTip = (line: RawLine) =>
  line.tip_payment_gateway !== undefined || line.tip_payment_method !== undefined;

/** A raw paid order of `lines` (a tip among them or not) on `day`, with its total and tips as Shopify gives them. */
function order(
  id: number,
  day: string,
  parts: { lines: RawLine[]; tax: number; shipping: number; refunds: RawRefund[] },
) {
  const lineTotal = (line: RawLine) => Number(line.price) * line.quantity - Number(line.total_discount);
  const sold = parts.lines.filter((line) => !isTip(line)).reduce((sum, line) => sum + lineTotal(line), 0);
  const tips = parts.lines.filter(isTip).reduce((sum, line) => sum + lineTotal(line), 0);
  return {
    ...paidOrderOfDay(id, day, 0, `buyer${id}@example.com`),
    // Shopify's subtotal leaves tips out; its total holds them (REST Order.subtotal_price and total_price).
    subtotal_price: sold.toFixed(2),
    total_tax: parts.tax.toFixed(2),
    total_shipping_price_set: { shop_money: { amount: parts.shipping.toFixed(2), currency_code: "USD" } },
    total_price: (sold + parts.shipping + parts.tax + tips).toFixed(2),
    total_tip_received: tips.toFixed(2),
    line_items: parts.lines,
    refunds: parts.refunds,
    _airbyte_extracted_at: `${RUN_DATE}T06:00:00Z`,
  };
}

/** A refund of `lines` (each [line, quantity, tax]), paid back by `transactions` (each [amount, status]). */
function refund(id: number, lines: [RawLine, number, number][], transactions: [string, string][]): RawRefund {
  return {
    id,
    created_at: "2026-11-24T15:00:00Z",
    refund_line_items: lines.map(([line, quantity, tax]) => ({
      line_item: line,
      quantity,
      subtotal: Number(line.price) * quantity,
      total_tax: tax,
    })),
    transactions: transactions.map(([amount, status]) => ({ amount, kind: "refund", status })),
  };
}

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

const cents = (value: unknown) => Math.round(Number(value) * 100);

/** Money that went back: a refund whose transactions all failed returned nothing. */
const returned = (one: RawRefund) => one.transactions.some((transaction) => transaction.status === "success");

/** From the raw order alone: its sales (tips aside), what its refunds returned of them, and of its tips, in cents. */
function expected(raw: RawOrder) {
  const sold = raw.line_items
    .filter((line) => !isTip(line) && !line.gift_card)
    .reduce((sum, line) => sum + cents(line.price) * line.quantity - cents(line.total_discount), 0);
  const gross = sold + cents(raw.total_shipping_price_set.shop_money.amount) + cents(raw.total_tax);
  const refundedLines = raw.refunds.filter(returned).flatMap((one) => one.refund_line_items);
  const returns = refundedLines
    .filter((item) => !isTip(item.line_item))
    .reduce((sum, item) => sum + cents(item.subtotal) + cents(item.total_tax), 0);
  const tipsBack = refundedLines
    .filter((item) => isTip(item.line_item))
    .reduce((sum, item) => sum + cents(item.subtotal), 0);
  return { order: raw.id, date: raw.created_at.slice(0, 10), gross, returns, tipsBack, net: gross - returns };
}

const EXPECTED = ORDERS.map(expected);

describe("refunds that give a tip back", () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", ORDERS);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("takes off each order's refunds only what they returned of its sales; the tips returned apart", async () => {
    const rows = await warehouse.query(
      "SELECT order_id, order_revenue, refunded_amount, refunded_tips FROM unified.shopify_unified ORDER BY order_id",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      rows.map((row) => ({
        order: Number(row.order_id),
        gross: cents(row.order_revenue),
        returns: cents(row.refunded_amount),
        tipsBack: cents(row.refunded_tips),
      })),
      EXPECTED.map(({ order, gross, returns, tipsBack }) => ({ order, gross, returns, tipsBack })),
    );
  });

  it("gives each day's net revenue as gross sales less returns, and refunds as the returns", async () => {
    const rows = await warehouse.query(
      `SELECT CAST(date AS STRING) AS date, gross_revenue, refunds, net_revenue
       FROM marts.daily_kpis WHERE orders > 0 ORDER BY date`,
      {},
      { label: "test" },
    );
    assert.deepEqual(
      rows.map((row) => ({
        date: String(row.date),
        gross: cents(row.gross_revenue),
        returns: cents(row.refunds),
        net: cents(row.net_revenue),
      })),
      EXPECTED.map(({ date, gross, returns, net }) => ({ date, gross, returns, net })),
    );
  });

  it("counts an order as refunded when its refunds returned sales, not when they gave back its tip alone", async () => {
    const rows = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, refunded_orders FROM marts.shopify_daily_metrics ORDER BY date",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      rows.map((row) => ({ date: String(row.date), refunded: Number(row.refunded_orders) })),
      EXPECTED.map(({ date, returns }) => ({ date, refunded: returns > 0 ? 1 : 0 })),
    );
  });

  it("and so does the bench's independent baseline (tools/bench-baseline.ts), from the raw orders", async () => {
    const { channels } = JSON.parse(await readFile("sql/reference/channels.json", "utf8")) as {
      channels: never[];
    };
    for (const statement of baselineSql("America/New_York", RUN_DATE, channels)) {
      await warehouse.rawConnection.run(statement);
    }
    const rows = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, refunds, net_revenue FROM base_daily_kpis WHERE orders > 0 ORDER BY date",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      rows.map((row) => ({
        date: String(row.date),
        returns: cents(row.refunds),
        net: cents(row.net_revenue),
      })),
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

// The Shopify connector lands each refund's transactions and no refund lines (functions/ingest/connectors/shopify.ts),
// as a file drop does its export's Refunded Amount: nothing tells the tip in it from the rest.
describe("refunds without refund lines (the Shopify connector's, a file drop's)", () => {
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
