// A line item that sells a gift card (LineItem.isGiftCard) is money the shop owes until the card is spent, not a
// sale (test/sql/gift-cards.test.ts). The connector must land the flag under Airbyte's name for it (the REST line
// item's gift_card), or staging counts the card as revenue. The paged pull and a bulk backfill both; the expected
// flags are the fixture's own, written out below.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

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
      const data = buildPlatformData(44);
      data.shopifyOrders.push(order);
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
  });
}
