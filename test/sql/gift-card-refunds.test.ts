// A refund can give back a gift card the order sold. Revenue leaves gift cards sold out (test/sql/gift-cards.test.ts):
// a card is money the shop owes until it is spent, and Shopify's gross and net sales leave it out; so the card's
// return is no return of sales either, or a $50 card given back takes $50 off an order whose revenue was its $30
// shirt. Shopify's REST order, as Airbyte lands it, lists a refund's lines among its refund_line_items (each naming
// its line item, and the money returned for it as its subtotal); its transactions return the card with the rest, one
// amount.
// The expected figures are computed from the raw orders below (test/support/refund-orders.ts, expected), the way
// Shopify's sales reports count them:
// what the lines sold (gift cards and tips aside) plus shipping and tax, less what the refunds returned of those
// lines; never from the refund transactions that the models read.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";
import {
  baselineNet,
  cents,
  dailyNet,
  expected,
  giftCard,
  order,
  orderRefunds,
  type RawLine,
  type RawOrder,
  refund,
  refundedOrders,
  REFUNDS_RUN_DATE,
  shirts,
  tipLine,
} from "../support/refund-orders.ts";

const RUN_DATE = REFUNDS_RUN_DATE;

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

const EXPECTED = ORDERS.map((raw) => expected(raw));

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
    assert.deepEqual(
      await dailyNet(warehouse),
      EXPECTED.map(({ date, gross, returns, net }) => ({ date, gross, returns, net })),
    );
  });

  it("counts an order as refunded when its refunds returned sales, not when they gave back its gift card alone", async () => {
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
