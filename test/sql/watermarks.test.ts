// The watermark a warm run reads late changes from, per raw table, on hand-made raw rows: a long Shopify sync
// extracts a cancelled old order before Meta's sync extracts its newest rows, and lands it after the transform
// read them. One time for all tables (Meta's) would pass over the cancellation for good; Shopify's own does not.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  metaAdDay,
  novemberDays,
  openFixtureWarehouse,
  soapOrder,
} from "../support/sql-fixtures.ts";

const SHOPIFY_SYNC = "2026-11-21T05:00:00Z";
const META_SYNC = "2026-11-21T05:30:00Z";
/** Extracted by the Shopify sync before Meta's rows, landed after the transform of the 20th. */
const EXTRACTED_EARLY_LANDED_LATE = "2026-11-21T05:10:00Z";

describe("the watermark of late changes", { timeout: 60_000 }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  /** An order and a Meta day on every day to the 20th, built whole for the 20th. */
  async function shopBuiltOn20th() {
    const shop = await openFixtureWarehouse();
    warehouse = shop;
    await insertRaw(
      shop,
      "shopify_orders",
      novemberDays(1, 20).map((day, index) => soapOrder(index + 1, `${day}T15:00:00Z`, SHOPIFY_SYNC)),
    );
    await insertRaw(
      shop,
      "facebook_ads_insights",
      novemberDays(1, 20).map((day) => metaAdDay(day, META_SYNC)),
    );
    await buildModels(shop, "2026-11-20", { fullRefresh: true });
    return shop;
  }

  /** Order 3 (the 3rd, long before the next window) cancelled, and the 21st's rows. */
  async function cancelledLandingLate(shop: DuckDbWarehouse) {
    await insertRaw(shop, "shopify_orders", [
      soapOrder(3, "2026-11-03T15:00:00Z", EXTRACTED_EARLY_LANDED_LATE, {
        updated_at: "2026-11-21T04:00:00Z",
        cancelled_at: "2026-11-21T04:00:00Z",
        _airbyte_raw_id: "o3-cancelled",
      }),
      soapOrder(21, "2026-11-21T15:00:00Z", "2026-11-22T05:00:00Z"),
    ]);
    await insertRaw(shop, "facebook_ads_insights", [metaAdDay("2026-11-21", "2026-11-22T05:30:00Z")]);
  }

  const ordersOn3rd = async (shop: DuckDbWarehouse) =>
    Number(
      (await shop.query("SELECT orders FROM marts.daily_kpis WHERE date = DATE '2026-11-03'"))[0]?.orders,
    );

  it("keeps each raw table's own newest extraction time", async () => {
    const shop = await shopBuiltOn20th();
    const [row] = await shop.query("SELECT watermark FROM ops.transform_watermarks");
    assert.deepEqual(JSON.parse(String(row?.watermark)), {
      shopify_orders: "2026-11-21 05:00:00+00",
      facebook_ads_insights: "2026-11-21 05:30:00+00",
      tiktok_ads_reports_daily: "1970-01-01 00:00:00+00",
      google_ads_campaign_stats: "1970-01-01 00:00:00+00",
    });
  });

  it("rebuilds the day of a row extracted before another table's newest but landed after the transform", async () => {
    const shop = await shopBuiltOn20th();
    assert.equal(await ordersOn3rd(shop), 1);
    await cancelledLandingLate(shop);
    const daily = await buildModels(shop, "2026-11-21");
    assert.equal(daily.metrics?.lateDays, 1, "the 3rd");
    assert.equal(await ordersOn3rd(shop), 0, "the cancelled order no longer counts");
    assert.deepEqual(
      Object.entries(await differencesFromFullRebuild(shop, "2026-11-21")).filter(([, rows]) => rows > 0),
      [],
    );
  });

  it("reads a watermark saved as one time for all tables, as earlier versions saved it", async () => {
    const shop = await shopBuiltOn20th();
    // What an earlier version saved after the same build: the newest time of any table, Meta's.
    await shop.rawConnection.run("UPDATE ops.transform_watermarks SET watermark = '2026-11-21 05:30:00+00'");
    await cancelledLandingLate(shop);
    const daily = await buildModels(shop, "2026-11-21");
    // That one time is every table's mark: the rows it had passed over stay passed over (the cancellation).
    assert.equal(daily.metrics?.lateDays, 0);
    assert.equal(await ordersOn3rd(shop), 1);
    const saved = await shop.query(
      "SELECT watermark FROM ops.transform_watermarks WHERE run_date = DATE '2026-11-21'",
    );
    assert.deepEqual(JSON.parse(String(saved[0]?.watermark)), {
      shopify_orders: "2026-11-22 05:00:00+00",
      facebook_ads_insights: "2026-11-22 05:30:00+00",
      tiktok_ads_reports_daily: "2026-11-21 05:30:00+00",
      google_ads_campaign_stats: "2026-11-21 05:30:00+00",
    });
  });
});
