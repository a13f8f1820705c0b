// A refund that gives back a gift card returns its money with the rest, one transaction amount; only its lines
// (Refund.refundLineItems, REST's refund_line_items) say which part was the card. A gift card is no sale, so its
// refund is none either (test/sql/gift-card-refunds.test.ts): without the lines, the connector's orders counted a
// $50 card given back as $50 of sales refunded. The connector must ask for each refund's lines, page past the first
// three the orders query asks for, and land them under Airbyte's names. The local server answers only the fields a
// query asks for, as GraphQL does. The paged pull and a bulk backfill both; the expected figures are written out
// below from the fixture's prices, never read from the connector's output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { ShopifyOrderNode } from "../../../functions/lib/platform-apis/shopify-nodes.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
const legacy = (gid: string) => gid.split("/").pop();

/**
 * An order of `prices` (one of each; the last line a gift card), refunded a day later: the lines at `returned`
 * (their full prices) in one transaction of their sum.
 */
function refundedOrder(index: number, prices: number[], returned: number[]): ShopifyOrderNode {
  const order = buildOrder(index, `${addDays(RUN_DATE, -3)}T15:00:00.000Z`, {
    lines: prices.map((price) => ({ price, quantity: 1 })),
    refund: { at: `${addDays(RUN_DATE, -2)}T16:00:00.000Z`, amount: 0 },
  });
  const lines = order.lineItems.nodes.map((line, position) => ({
    ...line,
    isGiftCard: position === prices.length - 1,
  }));
  const [refund] = order.refunds;
  assert.ok(refund);
  const given = returned.map((position) => {
    const line = lines[position];
    assert.ok(line);
    return { line, amount: (prices[position] ?? 0).toFixed(2) };
  });
  const sum = returned.reduce((total, position) => total + (prices[position] ?? 0), 0);
  return {
    ...order,
    lineItems: { nodes: lines },
    refunds: [
      {
        ...refund,
        transactions: { nodes: [{ kind: "REFUND", status: "SUCCESS", amountSet: usd(sum.toFixed(2)) }] },
        refundLineItems: {
          nodes: given.map(({ line, amount }) => ({
            lineItem: { id: line.id },
            quantity: 1,
            subtotalSet: usd(amount),
          })),
        },
      },
    ],
  };
}

/** A 30.00 shirt and a 50.00 gift card; the card given back (50.00). */
const cardReturned = refundedOrder(9_500, [30, 50], [1]);
/** Four 10.00 candles and a 25.00 gift card; all five given back (65.00), the card fifth, past the first page. */
const allReturned = refundedOrder(9_501, [10, 10, 10, 10, 25], [0, 1, 2, 3, 4]);
/** A 30.00 shirt and a 50.00 gift card; the shirt given back (30.00). */
const shirtReturned = refundedOrder(9_502, [30, 50], [0]);

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify refund lines (${mode} pull)`, () => {
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(46);
      data.shopifyOrders.push(cardReturned, allReturned, shirtReturned);
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
    });
    after(() => bench.close());

    it("lands every line a refund gave back, with its line item id and the money returned for it", async () => {
      const landed = new Map<string | undefined, { line_item_id: number; subtotal: string }[]>();
      for (const order of [cardReturned, allReturned, shirtReturned]) {
        const [row] = await bench.rows<{ refunds: string }>(
          `SELECT refunds::VARCHAR AS refunds FROM raw.shopify_orders WHERE id::VARCHAR = '${legacy(order.id)}'`,
        );
        const refunds = JSON.parse(row?.refunds ?? "[]") as {
          refund_line_items?: { line_item_id: number; subtotal: string }[];
        }[];
        landed.set(
          legacy(order.id),
          refunds.flatMap((refund) => refund.refund_line_items ?? []),
        );
      }
      const lineId = (order: ShopifyOrderNode, position: number) =>
        Number(legacy(order.lineItems.nodes[position]?.id ?? ""));
      const picked = (order: ShopifyOrderNode) =>
        landed
          .get(legacy(order.id))
          ?.map((line) => ({ line_item_id: line.line_item_id, subtotal: line.subtotal }));
      assert.deepEqual(picked(cardReturned), [{ line_item_id: lineId(cardReturned, 1), subtotal: "50.00" }]);
      assert.deepEqual(
        picked(allReturned),
        ["10.00", "10.00", "10.00", "10.00", "25.00"].map((subtotal, position) => ({
          line_item_id: lineId(allReturned, position),
          subtotal,
        })),
      );
      assert.deepEqual(picked(shirtReturned), [
        { line_item_id: lineId(shirtReturned, 0), subtotal: "30.00" },
      ]);
      // One follow-up query, for the refund of five lines only: the orders query asks for each refund's first three.
      const followUps = bench.server.requests
        .map((request) => request.body as { query?: string; variables?: { id?: string } } | undefined)
        .filter((body) => /query RefundLineItems\b/.test(body?.query ?? ""))
        .map((body) => body?.variables?.id);
      assert.deepEqual(followUps, mode === "paged" ? [allReturned.refunds[0]?.id] : []);
    });

    it("takes a gift card given back out of the order's refunds, and leaves a shirt given back in them", async () => {
      const rows = await bench.rows<{ order_id: string; refunded: number; cards: number }>(
        `SELECT order_id::VARCHAR AS order_id, refunded_amount::DOUBLE AS refunded,
                refunded_gift_cards::DOUBLE AS cards
         FROM unified.shopify_unified
         WHERE order_id::VARCHAR IN ('${[cardReturned, allReturned, shirtReturned].map((order) => legacy(order.id)).join("', '")}')
         ORDER BY order_id`,
      );
      // 9_500: 50.00 back, all of it the card. 9_501: 65.00 back, 25.00 of it the card. 9_502: the 30.00 shirt.
      assert.deepEqual(
        rows.map((row) => [row.refunded, row.cards]),
        [
          [0, 50],
          [40, 25],
          [30, 0],
        ],
      );
    });
  });
}
