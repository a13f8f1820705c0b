// A change to the product catalogue reaches back to every day the product sold, on the daily run that lands it:
// a product renamed or re-categorised in Shopify, a catalogue that lands after the shop's first orders, and an
// orders export (lines without product ids, matched to the catalogue by SKU) followed days later by its products
// export. The product marts then carry the product's current title and category on every day, and the daily run
// ends where a full rebuild ends. Hand-made raw rows; the expected values are read off them.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import type { StepResult } from "../../functions/shared/step.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  openFixtureWarehouse,
} from "../support/sql-fixtures.ts";

/** The first run date; the daily run after it is the 22nd, whose window is the 15th to the 22nd. */
const RUN_DATE = "2026-11-21";
const NEXT_DAY = "2026-11-22";

/**
 * The daily run of NEXT_DAY, its process dying while it rebuilds the older days a catalogue change reached (the
 * catalogue merged and the window built already); the warehouse writes as before afterwards.
 */
async function crashWhileRebuildingOlderDays(shop: DuckDbWarehouse): Promise<void> {
  const materialize = shop.materialize.bind(shop);
  shop.materialize = async (request) => {
    if (request.label?.includes("catalogue change")) throw new Error("killed");
    return materialize(request);
  };
  try {
    await assert.rejects(buildModels(shop, NEXT_DAY), /killed/);
  } finally {
    shop.materialize = materialize;
  }
}
/** Order days: two months before the window, one day in the window. */
const ORDER_DAYS = ["2026-09-10", "2026-10-05", "2026-11-20"];

const order = (id: number, day: string, line: { productId: number; sku: string | null; title: string }) => ({
  id,
  name: `#${id}`,
  created_at: `${day}T15:00:00Z`,
  updated_at: `${day}T15:00:00Z`,
  currency: "USD",
  subtotal_price: "40.00",
  total_discounts: "0.00",
  total_tax: "0.00",
  total_price: "40.00",
  line_items: [
    {
      // A line of an orders export has no ids of its own: ingest keys it (stableId, from 4e15 up), as its product.
      id: line.productId >= 4_000_000_000_000_000 ? 4_000_000_000_000_000 + id : id * 10,
      product_id: line.productId,
      sku: line.sku,
      title: line.title,
      quantity: 2,
      price: "20.00",
    },
  ],
  _airbyte_raw_id: `o${id}`,
  _airbyte_extracted_at: "2026-11-21T07:00:00Z",
});

const product = (fields: { id: number; title: string; type: string; sku: string; extractedAt: string }) => ({
  id: fields.id,
  title: fields.title,
  product_type: fields.type,
  status: "ACTIVE",
  variants: [{ sku: fields.sku, price: "20.00" }],
  updated_at: fields.extractedAt,
  _airbyte_extracted_at: fields.extractedAt,
  _airbyte_raw_id: `p${fields.id}-${fields.extractedAt}`,
});

/** Landed the morning after the first run: the next daily run reads it. */
const LANDED_NEXT = "2026-11-22T06:00:00Z";

describe("catalogue changes", { timeout: 120_000 }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  const native = async (sql: string) =>
    (await (warehouse as DuckDbWarehouse).rawConnection.runAndReadAll(sql)).getRowObjectsJson();
  const productDays = () =>
    native(`SELECT CAST(date AS VARCHAR) AS date, product_id, product_title, category, units
            FROM marts.product_daily_sales ORDER BY date, product_id`);
  const productMonths = () =>
    native(`SELECT CAST(month AS VARCHAR) AS month, product_id, product_title, category
            FROM marts.product_performance ORDER BY month, product_id`);

  /** The tables a full rebuild for `runDate` would change: none, when the daily runs ended where it ends. */
  const tablesAFullRebuildChanges = async (runDate: string) =>
    Object.entries(await differencesFromFullRebuild(warehouse as DuckDbWarehouse, runDate)).filter(
      ([, rows]) => rows > 0,
    );

  const metric = (result: StepResult, name: string) => Number(result.metrics?.[name]);

  /** The soap shop, built for RUN_DATE: product 5, "Soap" in "Bath", catalogued at `cataloguedAt`, sold on ORDER_DAYS. */
  async function soapShop(cataloguedAt: string) {
    const shop = await shopSelling({ productId: 5, sku: "SOAP-1", title: "Soap" });
    await insertRaw(shop, "shopify_products", [
      product({ id: 5, title: "Soap", type: "Bath", sku: "SOAP-1", extractedAt: cataloguedAt }),
    ]);
    await buildModels(shop, RUN_DATE, { fullRefresh: true });
    return shop;
  }

  /** Soap renamed "Olive Soap" and moved to "Skincare" in Shopify: Airbyte lands it again the next morning. */
  async function landRenamedSoap() {
    await insertRaw(warehouse as DuckDbWarehouse, "shopify_products", [
      product({ id: 5, title: "Olive Soap", type: "Skincare", sku: "SOAP-1", extractedAt: LANDED_NEXT }),
    ]);
  }

  /** A shop that sold one product, as its order lines name it, on each of ORDER_DAYS (one order a day). */
  async function shopSelling(line: { productId: number; sku: string | null; title: string }) {
    const shop = await openFixtureWarehouse();
    await insertRaw(
      shop,
      "shopify_orders",
      ORDER_DAYS.map((day, index) => order(index + 1, day, line)),
    );
    return shop;
  }

  it("gives a renamed, re-categorised product its new title and category on every day it sold", async () => {
    warehouse = await soapShop("2026-09-01T06:00:00Z");
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title, row.category]),
      ORDER_DAYS.map((day) => [day, "Soap", "Bath"]),
    );

    await landRenamedSoap();
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title, row.category, Number(row.units)]),
      ORDER_DAYS.map((day) => [day, "Olive Soap", "Skincare", 2]),
    );
    assert.deepEqual(
      (await productMonths()).map((row) => [row.month, row.product_title, row.category]),
      [
        ["2026-09-01", "Olive Soap", "Skincare"],
        ["2026-10-01", "Olive Soap", "Skincare"],
        ["2026-11-01", "Olive Soap", "Skincare"],
      ],
    );
    assert.equal(metric(daily, "recataloguedProducts"), 1);
    assert.equal(metric(daily, "recataloguedDays"), 2, "the two order days before the window");
    // The export step re-queries the months of every rebuilt day: the two old days are among them.
    const rebuilt = daily.next?.rebuilt?.days ?? [];
    for (const day of ORDER_DAYS.slice(0, 2))
      assert.ok(
        rebuilt.some((range) => range.start <= day && day <= range.end),
        `${day} is in ${JSON.stringify(rebuilt)}`,
      );
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("rebuilds the older days on the retry of a run that crashed after merging the catalogue", async () => {
    warehouse = await soapShop("2026-09-01T06:00:00Z");
    await landRenamedSoap();
    // The process dies while rebuilding the older days, the catalogue and the window already built.
    const shop = warehouse;
    await crashWhileRebuildingOlderDays(shop);
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title]),
      [
        ["2026-09-10", "Soap"],
        ["2026-10-05", "Soap"],
        ["2026-11-20", "Olive Soap"],
      ],
      "the crash left the older days as they were",
    );
    // The retry lands nothing new: the staged catalogue already has the new title, the pending change does not.
    const retry = await buildModels(shop, NEXT_DAY);
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title, row.category]),
      ORDER_DAYS.map((day) => [day, "Olive Soap", "Skincare"]),
    );
    assert.equal(metric(retry, "recataloguedDays"), 2);
    // Rebuilt: the run after it has nothing pending.
    const next = await buildModels(shop, NEXT_DAY);
    assert.equal(metric(next, "recataloguedProducts"), 0);
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("categorises the older days once a catalogue lands after the shop's first orders", async () => {
    warehouse = await shopSelling({ productId: 7, sku: "SER-1", title: "Serum 30ml" });
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title, row.category]),
      ORDER_DAYS.map((day) => [day, "Serum 30ml", "Uncategorised"]),
    );
    await insertRaw(warehouse, "shopify_products", [
      product({ id: 7, title: "Serum", type: "Skincare", sku: "SER-1", extractedAt: LANDED_NEXT }),
    ]);
    await buildModels(warehouse, NEXT_DAY);
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, row.product_title, row.category]),
      ORDER_DAYS.map((day) => [day, "Serum", "Skincare"]),
    );
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("gives an orders export's lines their product once the products export holds their SKU", async () => {
    // A line of an orders export has no product id: ingest keys it by its SKU, from 4e15 up.
    warehouse = await shopSelling({ productId: 4_000_000_000_000_123, sku: "MASK-9", title: "Clay Mask" });
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, Number(row.product_id), row.category]),
      ORDER_DAYS.map((day) => [day, 4_000_000_000_000_123, "Uncategorised"]),
    );
    await insertRaw(warehouse, "shopify_products", [
      product({ id: 912, title: "Clay Mask", type: "Masks", sku: "MASK-9", extractedAt: LANDED_NEXT }),
    ]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    const lines = await native(
      "SELECT CAST(order_date AS VARCHAR) AS day, product_id FROM staging.stg_shopify_line_items ORDER BY day",
    );
    assert.deepEqual(
      lines.map((row) => [row.day, Number(row.product_id)]),
      ORDER_DAYS.map((day) => [day, 912]),
    );
    assert.deepEqual(
      (await productDays()).map((row) => [row.date, Number(row.product_id), row.product_title, row.category]),
      ORDER_DAYS.map((day) => [day, 912, "Clay Mask", "Masks"]),
    );
    assert.equal(metric(daily, "recataloguedDays"), 2);
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("takes an orders export's gift cards out of older days' revenue once the products export marks them", async () => {
    // Gift cards sold through an orders export, each order 2 × 20.00 of "GIFT-20", catalogued by a products export
    // landed before its "Gift Card" column was read (no flag): sales, 40.00 a day.
    warehouse = await shopSelling({
      productId: 4_000_000_000_000_124,
      sku: "GIFT-20",
      title: "Gift Card - $20",
    });
    const giftCard = (extractedAt: string, flag: Record<string, boolean>) => ({
      ...product({ id: 913, title: "Gift Card", type: "Gift Cards", sku: "GIFT-20", extractedAt }),
      variants: [{ sku: "GIFT-20", price: "20.00", title: "$20", ...flag }],
    });
    await insertRaw(warehouse, "shopify_products", [giftCard("2026-11-15T06:00:00Z", {})]);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    const revenueByDay = async () =>
      (
        await native(
          "SELECT CAST(date AS VARCHAR) AS date, gross_revenue FROM marts.daily_kpis WHERE orders > 0 ORDER BY date",
        )
      ).map((row) => [row.date, Number(row.gross_revenue)]);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 40]),
    );
    // The products export again, now saying "Gift Card: TRUE": money owed until spent, no sale on any day.
    await insertRaw(warehouse, "shopify_products", [giftCard(LANDED_NEXT, { gift_card: true })]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 0]),
    );
    assert.equal(metric(daily, "recataloguedDays"), 2);
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  /** The gross revenue of each day with orders, as marts.daily_kpis has it. */
  const revenueByDay = async () =>
    (
      await native(
        "SELECT CAST(date AS VARCHAR) AS date, gross_revenue FROM marts.daily_kpis WHERE orders > 0 ORDER BY date",
      )
    ).map((row) => [row.date, Number(row.gross_revenue)]);

  /** A products export's product of one variant without a SKU (`title` null: its "Default Title"). */
  const unskued = (fields: { id: number; title: string; variant: string | null; giftCard: boolean }) => ({
    ...product({ id: fields.id, title: fields.title, type: "Gift Cards", sku: "", extractedAt: LANDED_NEXT }),
    variants: [{ price: "20.00", title: fields.variant ?? "Default Title", gift_card: fields.giftCard }],
  });

  it("takes an orders export's gift cards sold by name out of older days' revenue once the products export lands", async () => {
    // Each order 2 × 20.00 of a "Gift Card - $20" line without a SKU (a gift card's denominations usually have
    // none), dropped before any products export: the catalogue cannot tell, 40.00 of sales a day.
    warehouse = await shopSelling({ productId: 4_000_000_000_000_125, sku: null, title: "Gift Card - $20" });
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 40]),
    );
    // The products export the day after: "Gift Card", its "$20" variant a gift card, which names the line.
    await insertRaw(warehouse, "shopify_products", [
      unskued({ id: 914, title: "Gift Card", variant: "$20", giftCard: true }),
    ]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 0]),
    );
    assert.equal(metric(daily, "recataloguedDays"), 2, "the two order days before the window");
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("counts older days' lines as sales again once another product gives their gift card's line name", async () => {
    warehouse = await shopSelling({ productId: 4_000_000_000_000_126, sku: null, title: "Gift Card - $20" });
    await insertRaw(warehouse, "shopify_products", [
      {
        ...unskued({ id: 915, title: "Gift Card", variant: "$20", giftCard: true }),
        _airbyte_extracted_at: "2026-11-15T06:00:00Z",
        _airbyte_raw_id: "p915",
      },
    ]);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 0]),
    );
    // A card holder titled "Gift Card - $20" (not a gift card) lands: the name says nothing any more.
    await insertRaw(warehouse, "shopify_products", [
      unskued({ id: 916, title: "Gift Card - $20", variant: null, giftCard: false }),
    ]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 40]),
    );
    assert.equal(metric(daily, "recataloguedDays"), 2);
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("rebuilds the gift card names' older days on the retry of a run that crashed after merging the catalogue", async () => {
    warehouse = await shopSelling({ productId: 4_000_000_000_000_128, sku: null, title: "Gift Card - $20" });
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    // The pending changes as an earlier version kept them: no column for line names yet.
    await native("CREATE SCHEMA IF NOT EXISTS ops");
    await native("CREATE TABLE ops.catalogue_changes (state VARCHAR, product_id VARCHAR, sku VARCHAR)");
    await insertRaw(warehouse, "shopify_products", [
      unskued({ id: 918, title: "Gift Card", variant: "$20", giftCard: true }),
    ]);
    const shop = warehouse;
    await crashWhileRebuildingOlderDays(shop);
    assert.deepEqual(
      await revenueByDay(),
      [
        ["2026-09-10", 40],
        ["2026-10-05", 40],
        ["2026-11-20", 0],
      ],
      "the crash left the older days as they were",
    );
    // The retry finds nothing new to compare (the catalogue is merged): the kept line name rebuilds them.
    const retry = await buildModels(shop, NEXT_DAY);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 0]),
    );
    assert.equal(metric(retry, "recataloguedDays"), 2);
    assert.match(
      retry.summary ?? "",
      /\+ 2 days of 1 recatalogued products and 1 line names whose gift card verdict changed\)$/,
    );
    const next = await buildModels(shop, NEXT_DAY);
    assert.equal(metric(next, "recataloguedDays"), 0, "nothing pending once rebuilt");
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("reads no older day when a product new to the catalogue changes no line's gift card", async () => {
    // Tea towels sold through an orders export (no SKU); the products export then lands "Tea Towel", no gift card:
    // its line name was a sale before and still is.
    warehouse = await shopSelling({ productId: 4_000_000_000_000_127, sku: null, title: "Tea Towel" });
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    await insertRaw(warehouse, "shopify_products", [
      unskued({ id: 917, title: "Tea Towel", variant: null, giftCard: false }),
    ]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.equal(metric(daily, "recataloguedDays"), 0);
    assert.deepEqual(
      await revenueByDay(),
      ORDER_DAYS.map((day) => [day, 40]),
    );
    assert.deepEqual(await tablesAFullRebuildChanges(NEXT_DAY), []);
  });

  it("reads no older day when the catalogue lands again unchanged", async () => {
    warehouse = await soapShop("2026-11-15T06:00:00Z");
    // Landed again (an inventory update changes its updated_at), title, category and SKU as staged.
    await insertRaw(warehouse, "shopify_products", [
      product({ id: 5, title: "Soap", type: "Bath", sku: "SOAP-1", extractedAt: LANDED_NEXT }),
    ]);
    const daily = await buildModels(warehouse, NEXT_DAY);
    assert.equal(metric(daily, "recataloguedProducts"), 0);
    assert.equal(metric(daily, "recataloguedDays"), 0);
    assert.match(daily.summary ?? "", /^\d+ models built \(window 2026-11-15 → 2026-11-22\)$/);
  });
});
