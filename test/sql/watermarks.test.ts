// The watermark a warm run reads late changes from, per raw table, on hand-made raw rows: a long Shopify sync
// extracts a cancelled old order before Meta's sync extracts its newest rows, and lands it after the transform
// read them. One time for all tables (Meta's) would pass over the cancellation for good; Shopify's own does not.
// And within one table: a batch of Shopify's sync extracted before its mark but committed after the transform,
// found by the span of rows each transform keeps with its marks.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { createLogger } from "../../functions/lib/logger.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  insertRaw,
  metaAdDay,
  novemberDays,
  openFixtureWarehouse,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const SHOPIFY_SYNC = "2026-11-21T05:00:00Z";
const META_SYNC = "2026-11-21T05:30:00Z";
/** Extracted by the Shopify sync before Meta's rows, landed after the transform of the 20th. */
const EXTRACTED_EARLY_LANDED_LATE = "2026-11-21T05:10:00Z";

describe("the watermark of late changes", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  /** An order and a Meta day on every day to the 20th, built whole for the 20th. */
  async function shopBuiltOn20th() {
    const shop = await ordersAndMetaDaysBuiltOn20th(() => SHOPIFY_SYNC);
    warehouse = shop;
    return shop;
  }

  /** Order 3 (the 3rd, long before the next window) cancelled, and the 21st's rows. */
  const cancelledLandingLate = (shop: DuckDbWarehouse) => cancelledLanding(shop, EXTRACTED_EARLY_LANDED_LATE);

  const ordersOn3rd = async (shop: DuckDbWarehouse) =>
    Number(
      (await shop.query("SELECT orders FROM marts.daily_kpis WHERE date = DATE '2026-11-03'"))[0]?.orders,
    );

  it("keeps each raw table's own newest extraction time, and what it held in the 24 hours before it", async () => {
    const shop = await shopBuiltOn20th();
    const [row] = await shop.query("SELECT watermark FROM ops.transform_watermarks");
    const ids = (await shop.rawConnection.runAndReadAll("SELECT _airbyte_raw_id FROM raw.shopify_orders"))
      .getRows()
      .map(([id]) => String(id));
    assert.equal(ids.length, 20);
    assert.deepEqual(JSON.parse(String(row?.watermark)), {
      shopify_orders: "2026-11-21 05:00:00+00",
      facebook_ads_insights: "2026-11-21 05:30:00+00",
      tiktok_ads_reports_daily: "1970-01-01 00:00:00+00",
      google_ads_campaign_stats: "1970-01-01 00:00:00+00",
      google_ads_asset_group_stats: "1970-01-01 00:00:00+00",
      google_ads_campaign_totals: "1970-01-01 00:00:00+00",
      fx_rates: "1970-01-01 00:00:00+00",
      landed: {
        hours: 24,
        tables: {
          // Every order was extracted at the mark itself; the Meta days carry no raw id.
          shopify_orders: { rows: 20, digest: String(xorOfDigests(ids)) },
          facebook_ads_insights: { rows: 20, digest: "0" },
          tiktok_ads_reports_daily: { rows: 0, digest: "0" },
          google_ads_campaign_stats: { rows: 0, digest: "0" },
          google_ads_asset_group_stats: { rows: 0, digest: "0" },
          google_ads_campaign_totals: { rows: 0, digest: "0" },
          fx_rates: { rows: 0, digest: "0" },
        },
      },
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
    const { landed, ...marks } = JSON.parse(String(saved[0]?.watermark)) as Record<string, unknown>;
    assert.deepEqual(marks, {
      shopify_orders: "2026-11-22 05:00:00+00",
      facebook_ads_insights: "2026-11-22 05:30:00+00",
      tiktok_ads_reports_daily: "2026-11-21 05:30:00+00",
      google_ads_campaign_stats: "2026-11-21 05:30:00+00",
      google_ads_asset_group_stats: "2026-11-21 05:30:00+00",
      google_ads_campaign_totals: "2026-11-21 05:30:00+00",
      fx_rates: "2026-11-21 05:30:00+00",
    });
    // From now on with the rows of the 24 hours before each mark: the 21st's order (extracted on the 22nd at
    // 05:00) and the cancellation (on the 21st at 05:10).
    assert.deepEqual((landed as { tables: Record<string, unknown> }).tables.shopify_orders, {
      rows: 2,
      digest: String(xorOfDigests(["o21", "o3-cancelled"])),
    });
  });
});

/**
 * An order and a Meta day on every day to the 20th, the orders extracted at `orderExtractedAt(day)`, the Meta days
 * at META_SYNC; built whole for the 20th.
 */
async function ordersAndMetaDaysBuiltOn20th(
  orderExtractedAt: (day: string) => string,
  env: Record<string, string> = {},
): Promise<DuckDbWarehouse> {
  const shop = await openFixtureWarehouse();
  await insertRaw(
    shop,
    "shopify_orders",
    novemberDays(1, 20).map((day, index) => soapOrder(index + 1, `${day}T15:00:00Z`, orderExtractedAt(day))),
  );
  await insertRaw(
    shop,
    "facebook_ads_insights",
    novemberDays(1, 20).map((day) => metaAdDay(day, META_SYNC)),
  );
  await buildModels(shop, "2026-11-20", { fullRefresh: true, env });
  return shop;
}

/**
 * Order 3 (the 3rd, long before the next window) cancelled, extracted at `extractedAt` and landed after the
 * transform of the 20th; then the 21st's rows.
 */
async function cancelledLanding(shop: DuckDbWarehouse, extractedAt: string) {
  await insertRaw(shop, "shopify_orders", [
    soapOrder(3, "2026-11-03T15:00:00Z", extractedAt, {
      updated_at: "2026-11-21T04:00:00Z",
      cancelled_at: "2026-11-21T04:00:00Z",
      _airbyte_raw_id: "o3-cancelled",
    }),
    soapOrder(21, "2026-11-21T15:00:00Z", "2026-11-22T05:00:00Z"),
  ]);
  await insertRaw(shop, "facebook_ads_insights", [metaAdDay("2026-11-21", "2026-11-22T05:30:00Z")]);
}

describe(
  "rows a sync lands after the transform read past them",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    let shop: DuckDbWarehouse | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });

    /**
     * The orders extracted by the sync of the 20th (05:00), the 20th's by the sync of the 21st (05:00, the mark).
     * A batch of that sync extracted before 05:00 then lands after the transform: `cancelledLanding`.
     */
    async function builtOn20th(env: Record<string, string> = {}) {
      shop = await ordersAndMetaDaysBuiltOn20th(
        (day) => (day === "2026-11-20" ? SHOPIFY_SYNC : "2026-11-20T05:00:00Z"),
        env,
      );
      return shop;
    }
    const ordersOn3rd = async (warehouse: DuckDbWarehouse) =>
      Number(
        (await warehouse.query("SELECT orders FROM marts.daily_kpis WHERE date = DATE '2026-11-03'"))[0]
          ?.orders,
      );

    it("finds a batch extracted 10 minutes before the mark and rebuilds its day", async () => {
      const warehouse = await builtOn20th();
      await cancelledLanding(warehouse, "2026-11-21T04:50:00Z");
      const daily = await buildModels(warehouse, "2026-11-21");
      assert.equal(daily.metrics?.relandedTables, 1, "shopify_orders");
      // The order days of the 24 hours before the mark, before the window (from the 14th): the 3rd alone.
      assert.equal(daily.metrics?.lateDays, 1);
      assert.equal(await ordersOn3rd(warehouse), 0, "the cancelled order no longer counts");
      assert.deepEqual(
        Object.entries(await differencesFromFullRebuild(warehouse, "2026-11-21")).filter(
          ([, rows]) => rows > 0,
        ),
        [],
      );
    });

    it("logs a newer export that replaced rows the last transform read as information, a late batch as a warning", async () => {
      const lines: { severity: string; message: string }[] = [];
      const log = createLogger({
        format: "json",
        minLevel: "info",
        write: (line) => lines.push(JSON.parse(line) as { severity: string; message: string }),
      });
      const warnings = () => lines.filter((line) => line.severity === "WARNING").map((line) => line.message);
      // A corrected orders export replaces the 20th's order (extracted at the mark, read by the transform of the
      // 20th): its row goes, the corrected one (45.00, not 50.00) lands with the export, after the mark.
      const warehouse = await builtOn20th();
      await warehouse.rawConnection.run("DELETE FROM raw.shopify_orders WHERE _airbyte_raw_id = 'o20'");
      await insertRaw(warehouse, "shopify_orders", [
        soapOrder(20, "2026-11-20T15:00:00Z", "2026-11-22T05:00:00Z", {
          subtotal_price: "45.00",
          total_price: "45.00",
          _airbyte_raw_id: "o20-corrected",
        }),
      ]);
      const replaced = await buildModels(warehouse, "2026-11-21", { log });
      assert.equal(replaced.metrics?.relandedTables, 1, "shopify_orders");
      assert.ok(
        lines.some(
          (line) => line.severity === "INFO" && /were replaced since \(a newer export\)/.test(line.message),
        ),
        JSON.stringify(lines),
      );
      assert.deepEqual(
        warnings().filter((message) => /read past them/.test(message)),
        [],
      );
      const [day20] = await warehouse.query(
        "SELECT gross_revenue FROM marts.daily_kpis WHERE date = DATE '2026-11-20'",
      );
      assert.equal(Number(day20?.gross_revenue), 45, "the 20th is rebuilt from the corrected order");
      await warehouse.close();

      // A batch extracted before the mark that landed after the transform: more rows there, a sync that was late.
      lines.length = 0;
      shop = await builtOn20th();
      await cancelledLanding(shop, "2026-11-21T04:50:00Z");
      await buildModels(shop, "2026-11-21", { log });
      assert.deepEqual(
        warnings().filter((message) => /read past them/.test(message)),
        ["rows landed after the last transform read past them: their days are rebuilt"],
      );
    });

    it("finds nothing when nothing landed out of order", async () => {
      const warehouse = await builtOn20th();
      await insertRaw(warehouse, "shopify_orders", [
        soapOrder(21, "2026-11-21T15:00:00Z", "2026-11-22T05:00:00Z"),
      ]);
      const daily = await buildModels(warehouse, "2026-11-21");
      assert.equal(daily.metrics?.relandedTables, 0);
      assert.equal(daily.metrics?.lateDays, 0);
    });

    it("passes over such a batch with the check off (0 hours), as before it existed", async () => {
      const off = { PULSE_LATE_LANDING_HOURS: "0" };
      const warehouse = await builtOn20th(off);
      const [row] = await warehouse.query("SELECT watermark FROM ops.transform_watermarks");
      assert.equal((JSON.parse(String(row?.watermark)) as Record<string, unknown>).landed, undefined);
      await cancelledLanding(warehouse, "2026-11-21T04:50:00Z");
      const daily = await buildModels(warehouse, "2026-11-21", { env: off });
      assert.equal(daily.metrics?.lateDays, 0);
      assert.equal(await ordersOn3rd(warehouse), 1, "the cancellation is passed over");
    });

    it("passes over a batch extracted more than the hours before the mark", async () => {
      const warehouse = await builtOn20th({ PULSE_LATE_LANDING_HOURS: "2" });
      // 2 hours and 10 minutes before the mark: outside the span the transform of the 20th kept.
      await cancelledLanding(warehouse, "2026-11-21T02:50:00Z");
      const daily = await buildModels(warehouse, "2026-11-21", { env: { PULSE_LATE_LANDING_HOURS: "2" } });
      assert.equal(daily.metrics?.relandedTables, 0);
      assert.equal(await ordersOn3rd(warehouse), 1);
    });

    it("compares over the hours the last transform kept, whatever the setting is now", async () => {
      const warehouse = await builtOn20th({ PULSE_LATE_LANDING_HOURS: "2" });
      await cancelledLanding(warehouse, "2026-11-21T04:50:00Z");
      // Now 48 hours: the span of the 20th's transform (2 hours) is the one asked again.
      const daily = await buildModels(warehouse, "2026-11-21", { env: { PULSE_LATE_LANDING_HOURS: "48" } });
      assert.equal(daily.metrics?.relandedTables, 1);
      assert.equal(await ordersOn3rd(warehouse), 0);
      const [row] = await warehouse.query(
        "SELECT watermark FROM ops.transform_watermarks WHERE run_date = DATE '2026-11-21'",
      );
      assert.equal((JSON.parse(String(row?.watermark)) as { landed: { hours: number } }).landed.hours, 48);
    });
  },
);

/** XOR of each raw id's MD5's first 15 hex digits as a number, computed here from the ids. */
function xorOfDigests(ids: readonly string[]): bigint {
  return ids.reduce(
    (xor, id) => xor ^ BigInt(`0x${createHash("md5").update(id).digest("hex").slice(0, 15)}`),
    0n,
  );
}
