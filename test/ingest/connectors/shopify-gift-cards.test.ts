// A line item that sells a gift card (LineItem.isGiftCard) is money the shop owes until the card is spent, not a
// sale (test/sql/gift-cards.test.ts). The connector must land the flag under Airbyte's name for it (the REST line
// item's gift_card), or staging counts the card as revenue; and a product's (Product.isGiftCard) on its variants,
// where an orders export's lines look for it, as a products export's "Gift Card" lands. The local server answers
// only the fields a query asks for, as GraphQL does. The paged pull and a bulk backfill both; the expected flags are
// the fixture's own, written out below.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildOrder, RUN_DATE, SHOPIFY_PULLS, withShopifySnapshots } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

/** The shop's gift card product: two denominations, without SKUs. */
const GIFT_CARD_PRODUCT = {
  id: "gid://shopify/Product/6002",
  title: "Gift Card",
  productType: "Gift Cards",
  vendor: "Maison Test",
  status: "ACTIVE",
  isGiftCard: true,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-11-19T00:00:00Z",
  variants: {
    nodes: [
      { id: "gid://shopify/ProductVariant/7002", sku: null, price: "25.00", title: "$25" },
      { id: "gid://shopify/ProductVariant/7003", sku: null, price: "50.00", title: "$50" },
    ],
  },
};

/** An order of a 30.00 shirt and a 50.00 gift card. */
function orderWithGiftCard() {
  const order = buildOrder(9_300, `${addDays(RUN_DATE, -2)}T15:00:00.000Z`, {
    lines: [
      { price: 30, quantity: 1 },
      { price: 50, quantity: 1 },
    ],
  });
  const [shirt, card] = order.lineItems.nodes;
  assert.ok(shirt && card);
  return {
    ...order,
    lineItems: {
      nodes: [
        { ...shirt, isGiftCard: false },
        { ...card, title: "Gift card", isGiftCard: true },
      ],
    },
  };
}

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify gift card line items (${mode} pull)`, () => {
    const order = orderWithGiftCard();
    let bench: Bench;
    before(async () => {
      const data = withShopifySnapshots(44);
      data.shopifyOrders.push(order);
      data.shopifyProducts = [
        ...(data.shopifyProducts ?? []).map((product) => ({ ...product, isGiftCard: false })),
        GIFT_CARD_PRODUCT,
      ];
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
    });
    after(() => bench.close());

    it("lands each line's gift card flag as gift_card", async () => {
      const [row] = await bench.rows<{ line_items: string }>(
        `SELECT line_items::VARCHAR AS line_items FROM raw.shopify_orders WHERE id::VARCHAR = '${order.id.split("/").pop()}'`,
      );
      const lines = JSON.parse(row?.line_items ?? "[]") as { price: string; gift_card?: boolean }[];
      assert.deepEqual(
        lines.map((line) => ({ price: line.price, gift_card: line.gift_card })),
        [
          { price: "30.00", gift_card: false },
          { price: "50.00", gift_card: true },
        ],
      );
    });

    it("lands each product's gift card flag on its variants as gift_card", async () => {
      const products = await bench.rows<{ title: string; variants: string }>(
        "SELECT title, variants::VARCHAR AS variants FROM raw.shopify_products ORDER BY title",
      );
      assert.deepEqual(
        products.map((product) => [
          product.title,
          (JSON.parse(product.variants) as { title: string; gift_card?: boolean }[]).map((variant) => [
            variant.title,
            variant.gift_card,
          ]),
        ]),
        [
          ["Candle", [["Small", false]]],
          [
            "Gift Card",
            [
              ["$25", true],
              ["$50", true],
            ],
          ],
        ],
      );
    });
  });
}
