// A refund can give back a gift card the order sold. Revenue leaves gift cards sold out (test/sql/gift-cards.test.ts):
// a card is money the shop owes until it is spent, and Shopify's gross and net sales leave it out; so the card's
// return is no return of sales either, or a $50 card given back takes $50 off an order whose revenue was its $30
// shirt. Shopify's REST order, as Airbyte lands it, lists a refund's lines among its refund_line_items (each naming
// its line item, and the money returned for it as its subtotal); its transactions return the card with the rest, one
// amount.
// The expected figures are computed here from the raw orders below, the way Shopify's sales reports count them:
// what the lines sold (gift cards and tips aside) plus shipping and tax, less what the refunds returned of those
// lines; never from the refund transactions that the models read.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { baselineSql } from "../../tools/bench-baseline.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  openFixtureWarehouse,
  paidOrderOfDay,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-25";
const SHIRT = 5;
const GIFT_CARD = 7;

interface RawLine {
  id: number;
  product_id: number | null;
  sku?: string | null;
  title: string;
  quantity: number;
  price: string;
  total_discount: string;
  gift_card?: boolean;
  tip_payment_gateway?: string;
  tip_payment_method?: string;
}

interface RawRefundLine {
  line_item_id: number;
  line_item: RawLine;
  quantity: number;
  subtotal: number;
  total_tax: number;
}

interface RawRefund {
  id: number;
  created_at: string;
  refund_line_items?: RawRefundLine[];
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

/** A $50 gift card as Shopify's REST order lists it: its line says gift_card. */
const giftCard = (orderId: number): RawLine => ({
  id: orderId * 10 + 1,
  product_id: GIFT_CARD,
  title: "Gift Card",
  quantity: 1,
  price: "50.00",
  total_discount: "0.00",
  gift_card: true,
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

/**
 * A raw paid order of `lines` on `day`, with its total and tips as Shopify gives them (gift cards are in the
 * subtotal and total, tips in the total only).
 */
function order(
  id: number,
  day: string,
  parts: { lines: RawLine[]; tax: number; shipping: number; refunds: RawRefund[] },
) {
  const lineTotal = (line: RawLine) => Number(line.price) * line.quantity - Number(line.total_discount);
  const subtotal = parts.lines.filter((line) => !isTip(line)).reduce((sum, line) => sum + lineTotal(line), 0);
  const tips = parts.lines.filter(isTip).reduce((sum, line) => sum + lineTotal(line), 0);
  return {
    ...paidOrderOfDay(id, day, 0, `buyer${id}@example.com`),
    subtotal_price: subtotal.toFixed(2),
    total_tax: parts.tax.toFixed(2),
    total_shipping_price_set: { shop_money: { amount: parts.shipping.toFixed(2), currency_code: "USD" } },
    total_price: (subtotal + parts.shipping + parts.tax + tips).toFixed(2),
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
    created_at: "2026-11-24T20:00:00Z",
    refund_line_items: lines.map(([line, quantity, tax]) => ({
      line_item_id: line.id,
      line_item: line,
      quantity,
      subtotal: Number(line.price) * quantity,
      total_tax: tax,
    })),
    transactions: transactions.map(([amount, status]) => ({ amount, kind: "refund", status })),
  };
}

const ORDERS = [
  // A shirt and a 50.00 gift card; the gift card alone is given back.
  order(9401, "2026-11-18", {
    lines: [shirts(9401, 1), giftCard(9401)],
    tax: 0,
    shipping: 0,
    refunds: [refund(41, [[giftCard(9401), 1, 0]], [["50.00", "success"]])],
  }),
  // A shirt (2.40 tax) and a gift card, with 5.00 shipping; both come back, in one transaction.
  order(9402, "2026-11-19", {
    lines: [shirts(9402, 1), giftCard(9402)],
    tax: 2.4,
    shipping: 5,
    refunds: [
      refund(
        42,
        [
          [shirts(9402, 1), 1, 2.4],
          [giftCard(9402), 1, 0],
        ],
        [["82.40", "success"]],
      ),
    ],
  }),
  // Two shirts and a gift card; one shirt and the card come back over two payments, 20.00 and 60.00.
  order(9403, "2026-11-20", {
    lines: [shirts(9403, 2), giftCard(9403)],
    tax: 0,
    shipping: 0,
    refunds: [
      refund(
        43,
        [
          [shirts(9403, 2), 1, 0],
          [giftCard(9403), 1, 0],
        ],
        [
          ["20.00", "success"],
          ["60.00", "success"],
        ],
      ),
    ],
  }),
  // A shirt and a gift card; the card's refund went to a card that declined: nothing came back.
  order(9404, "2026-11-21", {
    lines: [shirts(9404, 1), giftCard(9404)],
    tax: 0,
    shipping: 0,
    refunds: [refund(44, [[giftCard(9404), 1, 0]], [["50.00", "failure"]])],
  }),
  // A shirt and a gift card; the shirt comes back, the card is kept.
  order(9405, "2026-11-22", {
    lines: [shirts(9405, 1), giftCard(9405)],
    tax: 0,
    shipping: 0,
    refunds: [refund(45, [[shirts(9405, 1), 1, 0]], [["30.00", "success"]])],
  }),
  // A shirt, a gift card and a 5.00 tip; all three come back, 85.00 in one transaction.
  order(9406, "2026-11-23", {
    lines: [shirts(9406, 1), giftCard(9406), tipLine(9406, "5.00")],
    tax: 0,
    shipping: 0,
    refunds: [
      refund(
        46,
        [
          [shirts(9406, 1), 1, 0],
          [giftCard(9406), 1, 0],
          [tipLine(9406, "5.00"), 1, 0],
        ],
        [["85.00", "success"]],
      ),
    ],
  }),
];

const cents = (value: unknown) => Math.round(Number(value) * 100);

/** Money that went back: a refund whose transactions all failed returned nothing. */
const returned = (one: RawRefund) => one.transactions.some((transaction) => transaction.status === "success");

/**
 * From the raw order alone: its sales (gift cards and tips aside), what its refunds returned of them, and of its
 * gift cards and tips, in cents. `isGiftCard` says which lines sold a gift card.
 */
function expected(raw: RawOrder, isGiftCard: (line: RawLine) => boolean = (line) => line.gift_card === true) {
  const sale = (line: RawLine) => !isTip(line) && !isGiftCard(line);
  const sold = raw.line_items
    .filter(sale)
    .reduce((sum, line) => sum + cents(line.price) * line.quantity - cents(line.total_discount), 0);
  const gross = sold + cents(raw.total_shipping_price_set.shop_money.amount) + cents(raw.total_tax);
  const refundedLines = raw.refunds.filter(returned).flatMap((one) => one.refund_line_items ?? []);
  // The line a refund line gives back, as the order lists it.
  const soldLine = (item: RawRefundLine) => raw.line_items.find((line) => line.id === item.line_item_id);
  const returns = refundedLines
    .filter((item) => sale(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal) + cents(item.total_tax), 0);
  const giftCardsBack = refundedLines
    .filter((item) => isGiftCard(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal), 0);
  const tipsBack = refundedLines
    .filter((item) => isTip(soldLine(item) as RawLine))
    .reduce((sum, item) => sum + cents(item.subtotal), 0);
  return {
    order: raw.id,
    date: raw.created_at.slice(0, 10),
    gross,
    returns,
    giftCardsBack,
    tipsBack,
    net: gross - returns,
  };
}

const EXPECTED = ORDERS.map((raw) => expected(raw));

/** Each order of unified.shopify_unified: its revenue, its refunds of sales, of gift cards and of tips, in cents. */
async function orderRefunds(warehouse: DuckDbWarehouse) {
  const rows = await warehouse.query(
    `SELECT order_id, order_revenue, refunded_amount, refunded_gift_cards, refunded_tips
     FROM unified.shopify_unified ORDER BY order_id`,
    {},
    { label: "test" },
  );
  return rows.map((row) => ({
    order: Number(row.order_id),
    gross: cents(row.order_revenue),
    returns: cents(row.refunded_amount),
    giftCardsBack: cents(row.refunded_gift_cards),
    tipsBack: cents(row.refunded_tips),
  }));
}

describe("refunds that give a gift card back", () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", ORDERS);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("takes off each order's refunds only what they returned of its sales; the gift cards returned apart", async () => {
    assert.deepEqual(
      await orderRefunds(warehouse),
      EXPECTED.map(({ order, gross, returns, giftCardsBack, tipsBack }) => ({
        order,
        gross,
        returns,
        giftCardsBack,
        tipsBack,
      })),
    );
  });

  it("gives each day's net revenue as gross sales less returns: a gift card given back alone leaves it whole", async () => {
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

  it("counts an order as refunded when its refunds returned sales, not when they gave back its gift card alone", async () => {
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

  it("splits a refund paid back over several payments: its gift card is given back once, the rest is returns", async () => {
    const rows = await warehouse.query(
      `SELECT refund_id, SUM(amount) AS amount, SUM(gift_card_amount) AS gift_card_amount
       FROM staging.stg_shopify_refunds WHERE order_id = 9403 GROUP BY refund_id`,
      {},
      { label: "test" },
    );
    const raw = ORDERS.find((one) => one.id === 9403) as RawOrder;
    const [only] = raw.refunds;
    assert.ok(only);
    const paidBack = only.transactions.reduce((sum, transaction) => sum + cents(transaction.amount), 0);
    assert.deepEqual(
      rows.map((row) => ({
        refund: Number(row.refund_id),
        amount: cents(row.amount),
        giftCards: cents(row.gift_card_amount),
      })),
      [{ refund: only.id, amount: paidBack, giftCards: expected(raw).giftCardsBack }],
    );
  });
});

// An orders export's line does not say whether it sold a gift card; the products export does, and staging judges
// the line by it (its SKU, else its name: test/ingest/shopify-gift-cards-export.test.ts). A refund line is judged
// by the line it gives back, so the card sold and the card returned are one verdict, also when the products export
// lands after them (test/sql/catalogue-changes.test.ts).
describe(
  "a refund of a gift card that the products export names",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const FIRST_RUN = "2026-11-21";
    const NEXT_DAY = "2026-11-22";
    let warehouse: DuckDbWarehouse;
    // Lines as an orders export's: no gift_card, ids keyed by ingest from 4e15 up.
    const exportLine = (id: number, title: string, price: string): RawLine => ({
      id: 4_000_000_000_000_000 + id,
      product_id: 4_000_000_000_000_000 + id,
      sku: null,
      title,
      quantity: 1,
      price,
      total_discount: "0.00",
    });
    const shirt = exportLine(94071, "Shirt", "30.00");
    const card = exportLine(94072, "Gift Card - $50", "50.00");
    // The products export, landed the morning after the first run: "Gift Card", its "$50" variant a gift card
    // without a SKU, which names the line.
    const catalogue = [
      {
        id: 917,
        title: "Gift Card",
        product_type: "Gift Cards",
        status: "ACTIVE",
        variants: [{ price: "50.00", title: "$50", gift_card: true }],
        updated_at: `${NEXT_DAY}T06:00:00Z`,
        _airbyte_extracted_at: `${NEXT_DAY}T06:00:00Z`,
        _airbyte_raw_id: "p917",
      },
    ];
    const giftCardNames = new Set(
      catalogue.flatMap((product) =>
        product.variants
          .filter((variant) => variant.gift_card)
          .map((variant) => `${product.title} - ${variant.title}`),
      ),
    );
    // Ordered two months before the window, its card given back a week later.
    const raw = {
      ...order(9407, "2026-09-10", {
        lines: [shirt, card],
        tax: 0,
        shipping: 0,
        refunds: [
          { ...refund(47, [[card, 1, 0]], [["50.00", "success"]]), created_at: "2026-09-17T15:00:00Z" },
        ],
      }),
      _airbyte_extracted_at: "2026-09-17T16:00:00Z",
    };
    // A shirt sold in the window: a shop with no order in the window has no day to report in the daily run's
    // channel marts, where a full rebuild gives its window days rows (not what this test is about).
    const inWindow = {
      ...order(9409, "2026-11-20", { lines: [shirts(9409, 1)], tax: 0, shipping: 0, refunds: [] }),
      _airbyte_extracted_at: "2026-11-20T23:00:00Z",
    };
    const figures = (isGiftCard: (line: RawLine) => boolean) =>
      [raw, inWindow].map((one) => {
        const { order: id, gross, returns, giftCardsBack, tipsBack } = expected(one, isGiftCard);
        return { order: id, gross, returns, giftCardsBack, tipsBack };
      });

    before(async () => {
      warehouse = await openFixtureWarehouse();
      await insertRaw(warehouse, "shopify_orders", [raw, inWindow]);
      await buildModels(warehouse, FIRST_RUN, { fullRefresh: true });
    });
    after(() => warehouse.close());

    it("counts the card as a sale and its return as a return while no products export says otherwise", async () => {
      // Nothing is guessed from a line's name alone: no line is a gift card.
      assert.deepEqual(
        await orderRefunds(warehouse),
        figures((line) => line.gift_card === true),
      );
    });

    it("takes nothing off revenue for it once the products export lands: the card is no sale, nor its return", async () => {
      await insertRaw(warehouse, "shopify_products", catalogue);
      await buildModels(warehouse, NEXT_DAY);
      assert.deepEqual(
        await orderRefunds(warehouse),
        figures((line) => line.gift_card === true || giftCardNames.has(line.title)),
      );
      const differences = await differencesFromFullRebuild(warehouse, NEXT_DAY);
      assert.deepEqual(
        Object.entries(differences).filter(([, rows]) => rows > 0),
        [],
        "the daily run ends where a full rebuild ends",
      );
    });
  },
);

// The Shopify connector lands each refund's transactions and no refund lines (functions/ingest/connectors/shopify.ts),
// as a file drop does its export's Refunded Amount: nothing tells the gift card in it from the rest.
describe("a gift card given back by a refund without refund lines (the Shopify connector's, a file drop's)", () => {
  let warehouse: DuckDbWarehouse;
  // A shirt and a gift card; the card is given back, 50.00 in one transaction.
  const raw = order(9408, "2026-11-20", {
    lines: [shirts(9408, 1), giftCard(9408)],
    tax: 0,
    shipping: 0,
    refunds: [
      {
        id: 48,
        created_at: "2026-11-24T20:00:00Z",
        transactions: [{ amount: "50.00", kind: "refund", status: "success" }],
      },
    ],
  });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [raw]);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("counts all the money it returned as returns, the card's too", async () => {
    const [only] = raw.refunds;
    assert.ok(only);
    const paidBack = only.transactions.reduce((sum, transaction) => sum + cents(transaction.amount), 0);
    const { order: id, gross } = expected(raw);
    assert.deepEqual(await orderRefunds(warehouse), [
      { order: id, gross, returns: paidBack, giftCardsBack: 0, tipsBack: 0 },
    ]);
  });
});
