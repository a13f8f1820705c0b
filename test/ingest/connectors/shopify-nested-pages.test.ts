// Nested connections past their first page. A products page asks for each product's first 100 variants; Shopify
// allows 2,048 variants a product (every shop since October 2025). The local server cuts nested connections to
// the page size asked for, with pageInfo and a cursor, as Shopify does; the rest must be paged after the product,
// or it lands without them. The paged pull and a bulk backfill (which takes no page sizes) must both land every
// one. Expected variants come from the fixture objects below, never from the connector's output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ShopifyProductNode } from "../../../functions/lib/platform-apis/shopify.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const PAGED = { ...ONLY_SHOPIFY, shopify: { initialDays: 30 } };
const BULK = { ...ONLY_SHOPIFY, shopify: { initialDays: 30, bulkThresholdDays: 14, bulkPollSeconds: 5 } };

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

const legacy = (gid: string) => gid.split("/").pop();

for (const [mode, overrides] of [
  ["paged", PAGED],
  ["bulk backfill", BULK],
] as const) {
  describe(`Shopify nested connections past their first page (${mode} pull)`, () => {
    const products = [product(1, 250), product(2, 3), product(3, 100), product(4, 101)];
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(41);
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
  });
}
