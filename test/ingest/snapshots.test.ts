// docs/file-drops.md: "Customers and products are snapshots: newer extractions win in staging." A customers and a
// products export dropped again later, with changed values, are what staging holds afterwards, whether the
// transform merges the newer drop into the staged tables (an incremental run whose window no longer reaches the
// first drop) or rebuilds them from every drop (a full refresh). A customer or product the newer export lacks is
// not removed. Expected values are read off the hand-made exports below.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ensureRawTables } from "../../functions/ingest/raw-tables.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { buildModels } from "../support/sql-fixtures.ts";
import { createHarness, EVERY_SOURCE_FIXTURES, fixture, type Harness, RUN_DATE } from "./harness.ts";

const at = (iso: string) => ({ now: () => new Date(iso) });
/** Ten days after the first drop: a 7-day transform window no longer reaches the first drop's extraction. */
const LATER_RUN_DATE = "2026-12-01";
const LATER_DROP = at("2026-12-02T12:00:00Z");

const CUSTOMERS_HEADER =
  "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Phone,Total Spent,Total Orders";
const PRODUCTS_HEADER = "Handle,Title,Body (HTML),Vendor,Type,Published,Variant SKU,Variant Price,Status";

describe("file drops: customers and products are snapshots", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  const customers = () =>
    harness.rows<{
      customer_id: bigint;
      orders_count: bigint;
      total_spent: number;
      accepts_marketing: boolean;
    }>(
      "SELECT customer_id, orders_count, CAST(total_spent AS DOUBLE) AS total_spent, accepts_marketing FROM staging.stg_shopify_customers ORDER BY customer_id",
    );
  const products = () =>
    harness.rows<{ product_title: string; category: string; list_price: number; status: string }>(
      "SELECT product_title, category, CAST(list_price AS DOUBLE) AS list_price, status FROM staging.stg_shopify_products ORDER BY product_title",
    );

  it("a customers or products export dropped again later wins in staging; what it lacks stays", async () => {
    for (const name of EVERY_SOURCE_FIXTURES) {
      assert.equal((await harness.ingest(name, await fixture(name))).manifest.status, "loaded", name);
    }
    // The raw tables no drop made (Performance Max's google_ads_asset_group_stats), as the ingest step makes them
    // before loading any drop.
    await ensureRawTables(harness.warehouse, RAW_TABLES);
    await buildModels(harness.warehouse, RUN_DATE);
    // The fixtures as first dropped (test/ingest/fixtures/shopify-customers.csv, shopify-products.csv).
    assert.deepEqual(await customers(), [
      { customer_id: 7001001n, orders_count: 1n, total_spent: 100.45, accepts_marketing: true },
      { customer_id: 7001002n, orders_count: 1n, total_spent: 47.81, accepts_marketing: false },
    ]);
    assert.deepEqual(await products(), [
      { product_title: "Linen Apron", category: "Aprons", list_price: 26, status: "active" },
      { product_title: "Olive Wood Board 🫒", category: "Boards", list_price: 40, status: "active" },
    ]);

    // Ten days on, newer exports: Ada ordered again and unsubscribed; the apron is renamed, recategorised and
    // dearer, and archived. Bo and the board are not in them (an export of recently updated customers, of one
    // product).
    const newerCustomers = [
      CUSTOMERS_HEADER,
      "7001001,Ada,Fictional,ada.fictional@example.com,no,Boston,MA,US,02134,+16175550100,230.90,2",
    ].join("\n");
    const newerProducts = [
      PRODUCTS_HEADER,
      "linen-apron,Linen Apron (washed),<p>Softer.</p>,Maison Test,Kitchen textiles,TRUE,APR-SAND,27.50,archived",
      "linen-apron,,,,,,APR-CHAR,29.00,",
    ].join("\n");
    for (const [name, text] of [
      ["customers_export.csv", newerCustomers],
      ["products_export.csv", newerProducts],
    ] as const) {
      assert.equal((await harness.ingest(name, text, { clock: LATER_DROP })).manifest.status, "loaded");
    }
    const expectedCustomers = [
      { customer_id: 7001001n, orders_count: 2n, total_spent: 230.9, accepts_marketing: false },
      { customer_id: 7001002n, orders_count: 1n, total_spent: 47.81, accepts_marketing: false },
    ];
    const expectedProducts = [
      {
        product_title: "Linen Apron (washed)",
        category: "Kitchen textiles",
        list_price: 29,
        status: "archived",
      },
      { product_title: "Olive Wood Board 🫒", category: "Boards", list_price: 40, status: "active" },
    ];

    // Incremental: the window holds only the newer drop, merged into the staged rows by id.
    await buildModels(harness.warehouse, LATER_RUN_DATE);
    assert.deepEqual(await customers(), expectedCustomers);
    assert.deepEqual(await products(), expectedProducts);

    // Full refresh: both drops are read, and the newer extraction of each customer and product is kept.
    await buildModels(harness.warehouse, LATER_RUN_DATE, { fullRefresh: true });
    assert.deepEqual(await customers(), expectedCustomers);
    assert.deepEqual(await products(), expectedProducts);
  });
});
