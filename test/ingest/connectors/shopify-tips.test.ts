// A tip paid with an order (checkout or POS tipping) is inside Shopify's totalPriceSet, and is no sale
// (test/sql/tips.test.ts). The connector must ask for Order.totalTipReceivedSet ("the sum of all tip amounts for the
// order") and land it under Airbyte's name for it (the REST order's total_tip_received), or staging counts the tip
// as revenue. The local server answers only the fields a query asks for, as GraphQL does, so a query without it
// lands no tip. The paged pull and a bulk backfill both; the expected amounts are the fixture's own, written out.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

/** A 40.00 shirt with 5.00 shipping and 3.20 tax (48.20), and a 6.00 tip: 54.20 paid. */
function tippedOrder() {
  const order = buildOrder(9_400, `${addDays(RUN_DATE, -2)}T15:00:00.000Z`, {
    lines: [{ price: 40, quantity: 1 }],
  });
  assert.equal(order.totalPriceSet?.shopMoney.amount, "48.20");
  const paid = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
  return { ...order, totalPriceSet: paid("54.20"), totalTipReceivedSet: paid("6.00") };
}

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify order tips (${mode} pull)`, () => {
    const order = tippedOrder();
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(45);
      data.shopifyOrders.push(order);
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
    });
    after(() => bench.close());

    it("lands the order's tip as total_tip_received, beside the total that holds it", async () => {
      const [row] = await bench.rows<{ total_price: string; total_tip_received: string | null }>(
        `SELECT total_price::VARCHAR AS total_price, total_tip_received::VARCHAR AS total_tip_received
         FROM raw.shopify_orders WHERE id::VARCHAR = '${order.id.split("/").pop()}'`,
      );
      assert.deepEqual(
        {
          total: Number(row?.total_price),
          tip: row?.total_tip_received == null ? null : Number(row.total_tip_received),
        },
        { total: 54.2, tip: 6 },
      );
    });
  });
}
