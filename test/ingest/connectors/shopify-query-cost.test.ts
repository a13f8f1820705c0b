// Shopify prices every GraphQL query before running it and refuses one whose requested cost is over 1000 points
// (shopify.dev, GraphQL Admin API rate limits: an object costs 1, a connection 2 plus its page size times a
// node's cost). The local server prices queries by those rules and answers MAX_COST_EXCEEDED as Shopify does. The
// connector's settings as a shop leaves them (pages of 100) must still pull every order, with all its line items,
// and every product. Expected rows come from the server's fixture objects, never from the connector's output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { ShopifyProductNode } from "../../../functions/lib/platform-apis/shopify-nodes.ts";
import { ORDER_TIP_SALES_QUERY } from "../../../functions/lib/platform-apis/shopify-queries.ts";
import { shopifyQueryCost } from "../../../tools/demo-apis/shopify-cost.ts";
import { buildOrder, buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { isOrdersQuery, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};

describe("Shopify's single query cost limit", () => {
  it("the local server prices a query by Shopify's documented rules", () => {
    // products(first: 3): 2 + 3 × (product 1 + variants(first: 4): 2 + 4 × variant 1) = 2 + 3 × 7 = 23.
    assert.equal(
      shopifyQueryCost(
        "query P($n: Int!) { products(first: $n) { nodes { id variants(first: 4) { nodes { id } } } } }",
        {
          n: 3,
        },
      ),
      23,
    );
  });

  it("prices an inline fragment's fields as the enclosing object's, and the tip sales query within the limit", () => {
    // sales(first: 2): 2 + 2 × (sale 1 + the TipSale's lineItem 1) = 6, the fragment itself nothing.
    assert.equal(
      shopifyQueryCost("{ sales(first: 2) { nodes { lineType ... on TipSale { lineItem { id } } } } }"),
      6,
    );
    // order 1 + agreements(first: 1): 2 + 1 × (agreement 1 + sales(first: 250): 2 + 250 × 2) = 506.
    assert.equal(shopifyQueryCost(ORDER_TIP_SALES_QUERY, { id: "gid://shopify/Order/1" }), 506);
  });

  it("with the default page size of 100, every order lands with all its line items, and every product", async () => {
    const data = buildPlatformData(31);
    // An order with more line items than one page of an order asks for.
    const lines = Array.from({ length: 23 }, (_, position) => ({ price: 10 + position, quantity: 1 }));
    const bigOrder = buildOrder(9_000, `${addDays(RUN_DATE, -1)}T15:00:00.000Z`, { lines });
    data.shopifyOrders.push(bigOrder);
    const products: ShopifyProductNode[] = Array.from({ length: 30 }, (_, index) => ({
      id: `gid://shopify/Product/${4_000 + index}`,
      title: `Serum ${index}`,
      productType: "Skincare",
      vendor: "Maison",
      status: "ACTIVE",
      createdAt: "2026-01-05T10:00:00Z",
      updatedAt: "2026-11-02T10:00:00Z",
      variants: {
        nodes: [
          {
            id: `gid://shopify/ProductVariant/${40_000 + index}`,
            sku: `SER-${index}`,
            price: "24.00",
            title: "30 ml",
          },
        ],
      },
    }));
    data.shopifyProducts = products;
    const bench = await openBench(data);
    try {
      const result = await bench.pull(RUN_DATE, { ...ONLY_SHOPIFY, shopify: { pageSize: 100 } });
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));

      // Pages of 100 orders were refused once, then asked for as many as fit: an order with its first 8 line
      // items costs 124 points by Shopify's rules (1 + six money sets 12 + journey and customer 4 + line items
      // 2 + 8 × 7 + refunds with 10 transactions and 3 lines 1 + 2 + 10 × 3 + 2 + 3 × 4 + address and attributes
      // 2), so 8: 2 + 8 × 124 = 994.
      const orderPages = bench.server.requests
        .filter((request) => request.platform === "shopify" && isOrdersQuery(request.body))
        .map((request) => (request.body as { variables: { first: number } }).variables.first);
      assert.deepEqual(orderPages, [100, ...orderPages.slice(1).map(() => 8)]);
      assert.ok(orderPages.length > 2, "more than one page of 8");

      const since = Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`); // the bench's initialDays of 30
      const expectedOrders = data.shopifyOrders
        .filter((order) => Date.parse(order.updatedAt) >= since)
        .map((order) => order.id.split("/").pop())
        .sort();
      const landed = await bench.rows<{ id: string; line_items: string }>(
        "SELECT id::VARCHAR AS id, line_items::VARCHAR AS line_items FROM raw.shopify_orders ORDER BY id",
      );
      assert.deepEqual(
        landed.map((row) => row.id),
        expectedOrders,
      );
      const big = landed.find((row) => row.id === bigOrder.id.split("/").pop());
      assert.deepEqual(
        (JSON.parse(big?.line_items ?? "[]") as { id: number }[]).map((line) => String(line.id)),
        bigOrder.lineItems.nodes.map((line) => line.id.split("/").pop()),
        "all 23 line items of the big order",
      );

      const landedProducts = await bench.rows<{ id: string }>(
        "SELECT id::VARCHAR AS id FROM raw.shopify_products ORDER BY id",
      );
      assert.deepEqual(
        landedProducts.map((row) => row.id),
        products.map((product) => product.id.split("/").pop()).sort(),
      );
    } finally {
      await bench.close();
    }
  });
});
