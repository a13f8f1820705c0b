// Shopify lists a tip among an order's line items, and gives it back as a refund line. Airbyte's REST lines mark a
// tip (tip_payment_gateway, tip_payment_method), and staging leaves it out of the units and products sold and out of
// the refunds of sales (test/sql/tips.test.ts, test/sql/tip-refunds.test.ts). GraphQL's LineItem has no such field:
// only the order's sales agreements say which line is a tip (a TipSale). The connector must ask them for an order
// with a tip, page past the first agreement and past a page of sales (a bulk backfill: in a bulk operation of their
// own), and mark the tip's line and the refund line that gives it back; without that, the connector's orders counted
// a tip as a unit sold, and a tip given back as sales refunded. The paged pull and a bulk backfill both; the
// expected figures are the fixture's own, written out.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { TIP_SALES_PAGE } from "../../../functions/lib/platform-apis/shopify-queries.ts";
import type { ServedShopifyOrder } from "../../../tools/demo-apis/server.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
const legacy = (gid: string) => gid.split("/").pop() ?? "";
const sale = (lineType: string, lineItem: { id: string }) => ({ lineType, lineItem: { id: lineItem.id } });

/**
 * A 40.00 shirt with 5.00 shipping and 3.20 tax (48.20) and a 6.00 tip, its own line: 54.20 paid. `agreements`
 * makes the order's sales agreements from its two lines; `refundTip` gives the tip back a day later.
 */
function tippedOrder(
  index: number,
  agreements: (shirt: { id: string }, tip: { id: string }) => ServedShopifyOrder["agreements"],
  refundTip = false,
): ServedShopifyOrder {
  const order = buildOrder(index, `${addDays(RUN_DATE, -3)}T15:00:00.000Z`, {
    lines: [{ price: 40, quantity: 1 }],
    ...(refundTip ? { refund: { at: `${addDays(RUN_DATE, -2)}T16:00:00.000Z`, amount: 6 } } : {}),
  });
  assert.equal(order.totalPriceSet?.shopMoney.amount, "48.20");
  const [shirt] = order.lineItems.nodes;
  assert.ok(shirt);
  const tip = {
    ...shirt,
    id: `gid://shopify/LineItem/${Number(legacy(shirt.id)) + 5}`,
    sku: null,
    title: "Tip",
    product: null,
    variant: null,
    originalUnitPriceSet: usd("6.00"),
  };
  return {
    ...order,
    totalPriceSet: usd("54.20"),
    totalTipReceivedSet: usd("6.00"),
    lineItems: { nodes: [shirt, tip] },
    refunds: order.refunds.map((refund) => ({
      ...refund,
      transactions: { nodes: [{ kind: "REFUND", status: "SUCCESS", amountSet: usd("6.00") }] },
      refundLineItems: { nodes: [{ lineItem: { id: tip.id }, quantity: 1, subtotalSet: usd("6.00") }] },
    })),
    agreements: agreements(shirt, tip),
  };
}

/** The order placed (the shirt and the tip), then its refund giving the tip back: two agreements. */
const tipGivenBack = tippedOrder(
  9_600,
  (shirt, tip) => [{ sales: [sale("PRODUCT", shirt), sale("TIP", tip)] }, { sales: [sale("TIP", tip)] }],
  true,
);
/**
 * The tip's sale past the first page of the first agreement's sales (more sales than a page asks for), and a
 * second agreement (an edit) after it.
 */
const tipOnSecondPage = tippedOrder(9_601, (shirt, tip) => [
  { sales: [...Array.from({ length: TIP_SALES_PAGE }, () => sale("PRODUCT", shirt)), sale("TIP", tip)] },
  { sales: [sale("SHIPPING", shirt)] },
]);
/**
 * A tip whose amount reads 0.00 (the tip amount after the tip went back, were Shopify to lower it): the line
 * without a product is reason enough to ask.
 */
const tipAmountZero = {
  ...tippedOrder(9_603, (shirt, tip) => [{ sales: [sale("PRODUCT", shirt), sale("TIP", tip)] }]),
  totalTipReceivedSet: usd("0.00"),
};
/** No tip: its agreements are never asked for. */
const untipped = buildOrder(9_602, `${addDays(RUN_DATE, -3)}T15:00:00.000Z`, {
  lines: [{ price: 40, quantity: 1 }],
});

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify tip lines (${mode} pull)`, () => {
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(47);
      data.shopifyOrders.push(tipGivenBack, tipOnSecondPage, untipped, tipAmountZero);
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
    });
    after(() => bench.close());

    it("asks the agreements of an order with a tip or a line of no product, of no other: all of them, every page of sales", () => {
      const bodies = bench.server.requests.map(
        (request) =>
          request.body as { query?: string; variables?: { id?: string; query?: string } } | undefined,
      );
      const asked = bodies
        .filter((body) => /query OrderTipSales\b/.test(body?.query ?? ""))
        .map((body) => legacy(body?.variables?.id ?? ""));
      const bulkTipSales = bodies.filter(
        (body) =>
          /bulkOperationRunQuery/.test(body?.query ?? "") && /agreements/.test(body?.variables?.query ?? ""),
      );
      if (mode === "paged") {
        // 9_600: its two agreements; 9_601: the first agreement's two pages of sales, then the second agreement;
        // 9_603: its one agreement.
        assert.deepEqual(asked.sort(), [
          ...Array<string>(2).fill(legacy(tipGivenBack.id)),
          ...Array<string>(3).fill(legacy(tipOnSecondPage.id)),
          legacy(tipAmountZero.id),
        ]);
        assert.equal(bulkTipSales.length, 0);
      } else {
        // A backfill asks them all in one bulk operation of their own, after the orders'.
        assert.deepEqual(asked, []);
        assert.equal(bulkTipSales.length, 1);
      }
    });

    it("marks the tip's line, and the refund line that gives it back, is_tip", async () => {
      const [row] = await bench.rows<{ line_items: string; refunds: string }>(
        `SELECT line_items::VARCHAR AS line_items, refunds::VARCHAR AS refunds
         FROM raw.shopify_orders WHERE id::VARCHAR = '${legacy(tipGivenBack.id)}'`,
      );
      const lines = JSON.parse(row?.line_items ?? "[]") as { title: string; is_tip?: boolean }[];
      assert.deepEqual(
        lines.map((line) => [line.title, line.is_tip ?? false]),
        [
          ["Product 0", false],
          ["Tip", true],
        ],
      );
      const refunds = JSON.parse(row?.refunds ?? "[]") as {
        refund_line_items: { subtotal: string; line_item?: { is_tip?: boolean } }[];
      }[];
      assert.deepEqual(
        refunds.flatMap((refund) =>
          refund.refund_line_items.map((line) => [line.subtotal, line.line_item?.is_tip ?? false]),
        ),
        [["6.00", true]],
      );
    });

    it("counts no tip as a unit or a product sold, nor a tip given back as sales refunded", async () => {
      const rows = await bench.rows<{
        order_id: string;
        line_items: number;
        units: number;
        line_revenue: number;
        revenue: number;
        refunded: number;
        tips_refunded: number;
      }>(
        `SELECT order_id::VARCHAR AS order_id, line_items::INTEGER AS line_items, units::INTEGER AS units,
                line_revenue::DOUBLE AS line_revenue, order_revenue::DOUBLE AS revenue,
                refunded_amount::DOUBLE AS refunded, refunded_tips::DOUBLE AS tips_refunded
         FROM unified.shopify_unified
         WHERE order_id::VARCHAR IN ('${[tipGivenBack, tipOnSecondPage, untipped].map((order) => legacy(order.id)).join("', '")}')
         ORDER BY order_id`,
      );
      // Each: the 40.00 shirt alone; 54.20 paid less the 6.00 tip is 48.20 of revenue (untipped: 48.20 paid).
      // 9_600 gave its 6.00 tip back: no sale refunded.
      assert.deepEqual(
        rows.map(({ order_id: _id, ...figures }) => figures),
        [
          { line_items: 1, units: 1, line_revenue: 40, revenue: 48.2, refunded: 0, tips_refunded: 6 },
          { line_items: 1, units: 1, line_revenue: 40, revenue: 48.2, refunded: 0, tips_refunded: 0 },
          { line_items: 1, units: 1, line_revenue: 40, revenue: 48.2, refunded: 0, tips_refunded: 0 },
        ],
      );
      const products = await bench.rows<{ product_title: string; units: number }>(
        `SELECT product_title, SUM(quantity)::INTEGER AS units FROM staging.stg_shopify_line_items
         WHERE order_id::VARCHAR IN ('${[tipGivenBack, tipOnSecondPage, tipAmountZero].map((order) => legacy(order.id)).join("', '")}')
         GROUP BY product_title`,
      );
      // The three tipped orders' shirts, one each, and no tip.
      assert.deepEqual(products, [{ product_title: "Product 0", units: 3 }]);
    });
  });
}
