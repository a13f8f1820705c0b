// Nested connections past their first page. A products page asks for each product's first 100 variants and an
// orders page for each refund's first 10 transactions; Shopify allows 2,048 variants a product (since October 2025
// for every shop) and a refund spread over many payments (gift cards, split tenders) has a transaction for each.
// The local server cuts nested connections to the page size asked for, with pageInfo and a cursor, as Shopify
// does; the rest must be paged after the parent, or the product lands without variants and the refund short of
// money. The paged pull and a bulk backfill (which takes no page sizes) must both land every one. Expected
// variants and amounts come from the fixture objects below, never from the connector's output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { ShopifyProductNode } from "../../../functions/lib/platform-apis/shopify-nodes.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

/** A product with `count` variants (three sizes of each colour), updated in the pull's range. */
function product(index: number, count: number): ShopifyProductNode {
  return {
    id: `gid://shopify/Product/${6_000 + index}`,
    title: `Linen shirt ${index}`,
    productType: "Shirts",
    vendor: "Maison",
    status: "ACTIVE",
    createdAt: "2026-02-01T10:00:00Z",
    updatedAt: `2026-11-1${index}T10:00:00Z`,
    variants: {
      nodes: Array.from({ length: count }, (_, position) => ({
        id: `gid://shopify/ProductVariant/${60_000 + index * 1_000 + position}`,
        sku: `LIN-${index}-${position}`,
        price: `${(40 + (position % 7)).toFixed(2)}`,
        title: `Colour ${Math.floor(position / 3)} / ${["S", "M", "L"][position % 3]}`,
      })),
    },
  };
}

/** An order refunded in 14 transactions of 1.00 to 14.00 (105.00 back to the 14 gift cards it was paid with). */
function orderRefundedInFourteen() {
  const createdAt = `${addDays(RUN_DATE, -3)}T15:00:00.000Z`;
  const refundedAt = `${addDays(RUN_DATE, -2)}T16:00:00.000Z`;
  const order = buildOrder(9_100, createdAt, {
    lines: [{ price: 140, quantity: 1 }],
    refund: { at: refundedAt, amount: 0 },
  });
  const transactions = Array.from({ length: 14 }, (_, position) => ({
    kind: "REFUND",
    amountSet: { shopMoney: { amount: `${position + 1}.00`, currencyCode: "USD" } },
  }));
  const [refund] = order.refunds;
  assert.ok(refund);
  return { ...order, refunds: [{ ...refund, transactions: { nodes: transactions } }] };
}

const legacy = (gid: string) => gid.split("/").pop();

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify nested connections past their first page (${mode} pull)`, () => {
    const refunded = orderRefundedInFourteen();
    const products = [product(1, 250), product(2, 3), product(3, 100), product(4, 101)];
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(41);
      data.shopifyOrders.push(refunded);
      data.shopifyProducts = products;
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
    });
    after(() => bench.close());

    it("lands every variant of a product with 250, 101 or 100 variants, in Shopify's order", async () => {
      const landedProducts = await bench.rows<{ id: string; variants: string }>(
        "SELECT id::VARCHAR AS id, variants::VARCHAR AS variants FROM raw.shopify_products ORDER BY id",
      );
      assert.deepEqual(
        landedProducts.map((row) => row.id),
        products.map((node) => legacy(node.id)),
      );
      for (const node of products) {
        const landed = landedProducts.find((row) => row.id === legacy(node.id));
        const variants = (JSON.parse(landed?.variants ?? "[]") as { id: number; sku: string }[]).map(
          (variant) => `${variant.id} ${variant.sku}`,
        );
        const expected = node.variants.nodes.map((variant) => `${legacy(variant.id)} ${variant.sku}`);
        assert.equal(variants.length, expected.length, `variants of ${node.title}`);
        assert.deepEqual(variants, expected, `the variants of ${node.title}`);
      }
      // One follow-up query for each product with more than the 100 variants a products page asks for.
      const followUps = bench.server.requests
        .map((request) => request.body as { query?: string; variables?: { id?: string } } | undefined)
        .filter((body) => /query ProductVariants\b/.test(body?.query ?? ""))
        .map((body) => body?.variables?.id);
      assert.deepEqual(followUps, mode === "paged" ? [products[0]?.id, products[3]?.id] : []);
    });

    it("lands every transaction of a refund made in 14, so the order's refunded money is whole", async () => {
      const [row] = await bench.rows<{ refunds: string }>(
        `SELECT refunds::VARCHAR AS refunds FROM raw.shopify_orders WHERE id::VARCHAR = '${legacy(refunded.id)}'`,
      );
      const refunds = JSON.parse(row?.refunds ?? "[]") as { transactions: { amount: string }[] }[];
      const amounts = refunds.flatMap((refund) =>
        refund.transactions.map((transaction) => transaction.amount),
      );
      // 1.00, 2.00, … 14.00 (written by hand, not read from the fixture), 105.00 in all.
      assert.deepEqual(
        amounts,
        Array.from({ length: 14 }, (_, position) => `${position + 1}.00`),
      );
      assert.equal(
        amounts.reduce((sum, amount) => sum + Number(amount), 0),
        105,
      );
      // One follow-up query, for this refund only: the fixture's other refunds have one transaction each.
      const followUps = bench.server.requests
        .map((request) => request.body as { query?: string; variables?: { id?: string } } | undefined)
        .filter((body) => /query RefundTransactions\b/.test(body?.query ?? ""))
        .map((body) => body?.variables?.id);
      assert.deepEqual(followUps, mode === "paged" ? [refunded.refunds[0]?.id] : []);
    });
  });
}
