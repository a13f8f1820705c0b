// Shopify's orders export does not say which lines sold a gift card; its products export does ("Gift Card", TRUE or
// FALSE on a product's first row). Dropped together, through the real ingest and transform, the products export
// marks the orders export's gift card lines, matched by SKU where the line has one the catalogue knows, else by the
// line's name ("<product title> - <variant title>"), and revenue leaves them out as it does the connector's
// (test/sql/gift-cards.test.ts). Without a products export, or where a name is ambiguous, nothing is guessed. The
// expected figures are read off the two fixture files by hand.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { variantTitle } from "../../functions/ingest/shopify.ts";
import { dropThroughTransform, fixture, RUN_DATE } from "./harness.ts";

const ORDERS_FILE = "shopify-orders-gift-cards.csv";
const PRODUCTS_FILE = "shopify-products-gift-cards.csv";

// The orders export, by hand (Total, then what it sold):
//   #4001 79.00: a 24.00 apron (APR-SAND), two "Gift Card - $25" (no SKU: the Gift Card product's $25 variant),
//         5.00 shipping: 29.00 of sales.
//   #4002 100.00: an "E-Gift Voucher" (EGIFT-100, a gift card product by its SKU): no sales.
//   #4003 29.00: two tea towels (no SKU, not a gift card) and 5.00 shipping: 29.00 of sales.
//   #4004 50.00: a "Gift Card - $50" line, a name both the Gift Card product's $50 variant and the "Gift Card - $50"
//         card holder (not a gift card) give a line: ambiguous, so it counts as a sale, 50.00.
const GIFT_CARD_SALES: Record<string, number> = { "#4001": 50, "#4002": 100, "#4003": 0, "#4004": 0 };
const WITH_PRODUCTS = { orders: 4, revenue: 108, aov: 27 };
// Without the products export, every line counts: 79 + 100 + 29 + 50.
const WITHOUT_PRODUCTS = { orders: 4, revenue: 258, aov: 64.5 };

async function kpisOfRunDate(warehouse: DuckDbWarehouse) {
  const [kpis] = await warehouse.query<{ orders: number; gross_revenue: number; aov: number }>(
    "SELECT orders, gross_revenue, aov FROM marts.daily_kpis WHERE date = @run_date",
    { run_date: RUN_DATE },
  );
  assert.ok(kpis, "a daily_kpis row for the run date");
  return { orders: Number(kpis.orders), revenue: Number(kpis.gross_revenue), aov: Number(kpis.aov) };
}

describe("a dropped orders export with a products export that marks gift cards", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("gift-cards-export", {
      [ORDERS_FILE]: await fixture(ORDERS_FILE),
      [PRODUCTS_FILE]: await fixture(PRODUCTS_FILE),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("lands the products export's Gift Card and each variant's title on its variants", async () => {
    const products = await warehouse.query<{ title: string; variants: string }>(
      "SELECT title, variants::VARCHAR AS variants FROM raw.shopify_products ORDER BY title",
    );
    assert.deepEqual(
      products.map((product) => ({
        title: product.title,
        variants: (JSON.parse(product.variants) as { title: string | null; gift_card?: boolean }[]).map(
          (variant) => [variant.title, variant.gift_card],
        ),
      })),
      [
        { title: "E-Gift Voucher", variants: [["Default Title", true]] },
        {
          title: "Gift Card",
          variants: [
            ["$25", true],
            ["$50", true],
          ],
        },
        { title: "Gift Card - $50", variants: [["Default Title", false]] },
        {
          title: "Linen Apron",
          variants: [
            ["Sand", false],
            ["Charcoal", false],
          ],
        },
        { title: "Tea Towel", variants: [["Default Title", false]] },
      ],
    );
  });

  it("takes each order's gift cards out of its revenue, by SKU, else by an unambiguous line name", async () => {
    const orders = await warehouse.query<{ order_name: string; gift_card_sales: number }>(
      `SELECT orders.order_name, unified.gift_card_sales
       FROM unified.shopify_unified AS unified
       JOIN staging.stg_shopify_orders AS orders USING (order_id)
       ORDER BY orders.order_name`,
    );
    assert.deepEqual(
      Object.fromEntries(orders.map((row) => [row.order_name, Number(row.gift_card_sales)])),
      GIFT_CARD_SALES,
    );
    assert.deepEqual(await kpisOfRunDate(warehouse), WITH_PRODUCTS);
  });
});

describe("a dropped orders export without a products export", { timeout: 180_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("gift-cards-export-alone", {
      [ORDERS_FILE]: await fixture(ORDERS_FILE),
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("cannot tell its gift cards: they count as sales, none guessed from a name", async () => {
    assert.deepEqual(await kpisOfRunDate(warehouse), WITHOUT_PRODUCTS);
  });
});

describe("a variant's title, as Shopify writes it", () => {
  it("joins the option values with ' / ', skipping the empty ones", () => {
    assert.equal(variantTitle(["Default Title", "", ""]), "Default Title");
    assert.equal(variantTitle(["Sand", " M ", ""]), "Sand / M");
    assert.equal(variantTitle(["", "", ""]), null);
  });
});
