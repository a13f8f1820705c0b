// unified.source_coverage and the completeness columns of the marts, on hand-made raw rows: a source that has
// not landed through a day makes the day incomplete, unless the shop's settings say it does not use the source.
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
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const order = (id: number, createdAt: string) => soapOrder(id, createdAt, "2026-11-22T07:00:00Z");

const googleDay = (date: string) => ({
  segments_date: date,
  customer_id: 3,
  customer_currency_code: "USD",
  campaign_id: 5,
  campaign_name: "Search",
  ad_group_id: 6,
  ad_group_name: "Brand",
  metrics_cost_micros: 20_000_000,
  metrics_impressions: 100,
  metrics_clicks: 10,
  metrics_conversions: 1,
  metrics_conversions_value: 50,
  _airbyte_extracted_at: "2026-11-22T04:00:00Z",
});

const metaDay = (date: string) => metaAdDay(date, "2026-11-22T04:00:00Z");

describe("source coverage", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  // Orders on the 20th and the 21st (New York), Google Ads on both days, Meta on the 20th only, TikTok never.
  async function scenario(env: Record<string, string> = {}) {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-11-20T15:00:00Z"),
      order(2, "2026-11-21T15:00:00Z"),
    ]);
    await insertRaw(warehouse, "google_ads_campaign_stats", [
      googleDay("2026-11-20"),
      googleDay("2026-11-21"),
    ]);
    await insertRaw(warehouse, "facebook_ads_insights", [metaDay("2026-11-20")]);
    await buildModels(warehouse, "2026-11-21", { fullRefresh: true, env });
    return warehouse;
  }

  it("marks a day incomplete, naming the expected sources that had not landed through it", async () => {
    const built = await scenario();
    const kpis = await built.query(
      "SELECT CAST(date AS STRING) AS date, ad_spend, is_complete, missing_sources FROM marts.daily_kpis ORDER BY date",
    );
    assert.deepEqual(
      kpis.map((row) => [row.date, Number(row.ad_spend), row.is_complete, row.missing_sources]),
      [
        ["2026-11-20", 50, false, "tiktok_ads"],
        ["2026-11-21", 20, false, "facebook_ads,tiktok_ads"],
      ],
    );
    const google = await built.query(
      "SELECT is_complete, missing_sources FROM marts.marketing_daily_channel WHERE channel = 'google_ads' ORDER BY date",
    );
    assert.deepEqual(google, [
      { is_complete: true, missing_sources: null },
      { is_complete: true, missing_sources: null },
    ]);
    const meta = await built.query(
      "SELECT CAST(date AS STRING) AS date, is_complete, missing_sources FROM marts.marketing_daily_channel WHERE channel = 'meta' ORDER BY date",
    );
    assert.deepEqual(meta, [
      { date: "2026-11-20", is_complete: true, missing_sources: null },
      { date: "2026-11-21", is_complete: false, missing_sources: "facebook_ads" },
    ]);
  });

  it("carries a row with unknown (NULL) platform numbers for a paid channel whose source had not landed", async () => {
    const built = await scenario();
    const paid = await built.query(
      `SELECT CAST(date AS STRING) AS date, channel, spend, impressions, clicks, attributed_orders, roas, is_complete, missing_sources
       FROM marts.marketing_daily_channel WHERE channel IN ('meta', 'tiktok') ORDER BY date, channel`,
    );
    // From the raw rows: Meta spent 30 with 300 impressions and 9 clicks on the 20th and has no row after; TikTok none.
    assert.deepEqual(
      paid.map((row) => [
        row.date,
        row.channel,
        row.spend === null ? null : Number(row.spend),
        row.impressions === null ? null : Number(row.impressions),
        row.clicks === null ? null : Number(row.clicks),
        Number(row.attributed_orders),
        row.roas,
        row.is_complete,
        row.missing_sources,
      ]),
      [
        ["2026-11-20", "meta", 30, 300, 9, 0, 0, true, null],
        ["2026-11-20", "tiktok", null, null, null, 0, null, false, "tiktok_ads"],
        ["2026-11-21", "meta", null, null, null, 0, null, false, "facebook_ads"],
        ["2026-11-21", "tiktok", null, null, null, 0, null, false, "tiktok_ads"],
      ],
    );
    // The extract carries the same rows; a sum of spend over channels still equals the day's ad spend (raw:
    // Google 20 a day, Meta 30 on the 20th), the placeholder rows adding nothing.
    const sums = await built.query(
      `SELECT CAST(channels.date AS STRING) AS date, SUM(channels.spend) AS spend, COUNT(*) AS rows_in_day
       FROM marts.marketing_daily_channel AS channels GROUP BY channels.date ORDER BY date`,
    );
    assert.deepEqual(
      sums.map((row) => [row.date, Number(row.spend)]),
      [
        ["2026-11-20", 20 + 30],
        ["2026-11-21", 20],
      ],
    );
    const keys = await built.query(
      "SELECT COUNT(*) AS rows_total, COUNT(DISTINCT CAST(date AS STRING) || channel) AS keys FROM marts.marketing_daily_channel",
    );
    assert.equal(Number(keys[0]?.rows_total), Number(keys[0]?.keys));
  });

  it("does not expect a source the shop's settings mark `expected: false`", async () => {
    const built = await scenario({
      PULSE_SETTINGS: JSON.stringify({
        version: 1,
        quality: { sources: { tiktok_ads: { expected: false } } },
      }),
    });
    const kpis = await built.query(
      "SELECT CAST(date AS STRING) AS date, is_complete, missing_sources FROM marts.daily_kpis ORDER BY date",
    );
    assert.deepEqual(kpis, [
      { date: "2026-11-20", is_complete: true, missing_sources: null },
      { date: "2026-11-21", is_complete: false, missing_sources: "facebook_ads" },
    ]);
    const coverage = await built.query(
      "SELECT source, is_expected, has_landed FROM unified.source_coverage WHERE date = DATE '2026-11-21' ORDER BY source",
    );
    assert.deepEqual(coverage, [
      { source: "facebook_ads", is_expected: true, has_landed: false },
      { source: "google_ads", is_expected: true, has_landed: true },
      { source: "shopify", is_expected: true, has_landed: true },
      { source: "tiktok_ads", is_expected: false, has_landed: false },
    ]);
  });

  it("covers the days a daily run's window opens with when they had no orders, as a full rebuild does", async () => {
    // A small shop: orders on the 10th, 12th, 16th and 21st only; Google Ads every day from the 10th; Meta and
    // TikTok never. The daily run of the 21st rebuilds the 14th to the 21st, and opens on two days without orders.
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-11-10T15:00:00Z"),
      order(2, "2026-11-12T15:00:00Z"),
      order(3, "2026-11-16T15:00:00Z"),
      order(4, "2026-11-21T15:00:00Z"),
    ]);
    const days = Array.from({ length: 12 }, (_, index) => `2026-11-${String(10 + index).padStart(2, "0")}`);
    await insertRaw(warehouse, "google_ads_campaign_stats", days.map(googleDay));
    await buildModels(warehouse, "2026-11-21", { fullRefresh: true });
    await buildModels(warehouse, "2026-11-21");
    const differing = Object.entries(await differencesFromFullRebuild(warehouse, "2026-11-21")).filter(
      ([, rows]) => rows > 0,
    );
    assert.deepEqual(differing, [], "the daily run's tables are the full rebuild's");

    // From the raw rows: every day from the first order (the 10th) on is covered, and on each of them Meta and
    // TikTok had not landed: the 14th and 15th (no orders, Google's 20 spent) are incomplete, not missing.
    const orderDays = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, orders FROM unified.shop_order_days ORDER BY date",
    );
    assert.deepEqual(
      orderDays.map((row) => [row.date, Number(row.orders)]),
      [
        ["2026-11-10", 1],
        ["2026-11-12", 1],
        ["2026-11-16", 1],
        ["2026-11-21", 1],
      ],
    );
    const kpis = await warehouse.query(
      `SELECT CAST(date AS STRING) AS date, orders, ad_spend, is_complete, missing_sources FROM marts.daily_kpis
       WHERE date BETWEEN DATE '2026-11-14' AND DATE '2026-11-16' ORDER BY date`,
    );
    assert.deepEqual(
      kpis.map((row) => [
        row.date,
        Number(row.orders),
        Number(row.ad_spend),
        row.is_complete,
        row.missing_sources,
      ]),
      [
        ["2026-11-14", 0, 20, false, "facebook_ads,tiktok_ads"],
        ["2026-11-15", 0, 20, false, "facebook_ads,tiktok_ads"],
        ["2026-11-16", 1, 20, false, "facebook_ads,tiktok_ads"],
      ],
    );
    const coveredDays = await warehouse.query(
      `SELECT CAST(MIN(date) AS STRING) AS first_day, COUNT(DISTINCT date) AS days FROM unified.source_coverage`,
    );
    assert.deepEqual(coveredDays, [{ first_day: "2026-11-10", days: 12 }]);
    const metaDays = await warehouse.query(
      "SELECT COUNT(*) AS days FROM marts.marketing_daily_channel WHERE channel = 'meta' AND NOT is_complete",
    );
    assert.equal(Number(metaDays[0]?.days), 12, "a Meta row, incomplete, on each of the 12 days");
  });

  describe("days before a daily run's window", () => {
    // Every day of November to the 20th: an order and Google Ads; Meta until the 5th only (its sync broken);
    // TikTok never. The 20th's full build sees Meta not landed from the 6th on. On the 22nd Meta's sync is mended:
    // it lands the 21st, not the missing days, and the daily run of the 21st rebuilds the 14th to the 21st.
    const LANDED_FIRST = "2026-11-21T06:00:00Z";
    const LANDED_NEXT = "2026-11-22T06:00:00Z";
    const landed = <T extends object>(row: T, at: string) => ({ ...row, _airbyte_extracted_at: at });

    async function metaOutageShop() {
      const shop = await openFixtureWarehouse();
      warehouse = shop;
      await insertRaw(
        shop,
        "shopify_orders",
        novemberDays(1, 20).map((day, index) => landed(order(index + 1, `${day}T15:00:00Z`), LANDED_FIRST)),
      );
      await insertRaw(
        shop,
        "google_ads_campaign_stats",
        novemberDays(1, 20).map((day) => landed(googleDay(day), LANDED_FIRST)),
      );
      await insertRaw(
        shop,
        "facebook_ads_insights",
        novemberDays(1, 5).map((day) => landed(metaDay(day), LANDED_FIRST)),
      );
      await buildModels(shop, "2026-11-20", { fullRefresh: true });
      return shop;
    }

    async function metaBack(shop: DuckDbWarehouse) {
      await insertRaw(shop, "shopify_orders", [landed(order(21, "2026-11-21T15:00:00Z"), LANDED_NEXT)]);
      await insertRaw(shop, "google_ads_campaign_stats", [landed(googleDay("2026-11-21"), LANDED_NEXT)]);
      await insertRaw(shop, "facebook_ads_insights", [landed(metaDay("2026-11-21"), LANDED_NEXT)]);
    }

    const missingByDay = async (shop: DuckDbWarehouse, from: string, to: string) =>
      (
        await shop.query(
          `SELECT CAST(date AS STRING) AS date, missing_sources FROM marts.daily_kpis
           WHERE date BETWEEN DATE '${from}' AND DATE '${to}' ORDER BY date`,
        )
      ).map((row) => [row.date, row.missing_sources]);

    const metaIncomplete = async (shop: DuckDbWarehouse) =>
      Number(
        (
          await shop.query(
            "SELECT COUNT(*) AS days FROM marts.marketing_daily_channel WHERE channel = 'meta' AND NOT is_complete",
          )
        )[0]?.days,
      );

    const differing = async (shop: DuckDbWarehouse, env: Record<string, string> = {}) =>
      Object.entries(await differencesFromFullRebuild(shop, "2026-11-21", { env })).filter(
        ([, rows]) => rows > 0,
      );

    it("marks them landed once a platform is back after an outage longer than the window", async () => {
      const shop = await metaOutageShop();
      assert.deepEqual(
        await missingByDay(shop, "2026-11-05", "2026-11-07"),
        [
          ["2026-11-05", "tiktok_ads"],
          ["2026-11-06", "facebook_ads,tiktok_ads"],
          ["2026-11-07", "facebook_ads,tiktok_ads"],
        ],
        "Meta had landed through the 5th only",
      );
      await metaBack(shop);
      const daily = await buildModels(shop, "2026-11-21");
      // Meta's newest day is now the 21st: it has landed through every day before it. The days outside the window
      // are the 6th to the 13th; TikTok, which never landed, stays missing.
      assert.equal(daily.metrics?.coverageDays, 8);
      assert.deepEqual(
        await missingByDay(shop, "2026-11-05", "2026-11-21"),
        novemberDays(5, 21).map((day) => [day, "tiktok_ads"]),
      );
      assert.equal(await metaIncomplete(shop), 0, "every Meta row complete");
      assert.deepEqual(await differing(shop), [], "the daily run's tables are the full rebuild's");
    });

    it("rebuilds the marts on the retry of a run that died after rebuilding the coverage", async () => {
      const shop = await metaOutageShop();
      await metaBack(shop);
      const materialize = shop.materialize.bind(shop);
      shop.materialize = async (request) => {
        if (request.label?.startsWith("marts.") && request.label.includes("(source coverage"))
          throw new Error("killed");
        return materialize(request);
      };
      await assert.rejects(buildModels(shop, "2026-11-21"), /killed/);
      shop.materialize = materialize;
      const landedThen = await shop.query(
        `SELECT COUNT(*) AS rows FROM unified.source_coverage
         WHERE source = 'facebook_ads' AND date < DATE '2026-11-14' AND NOT has_landed`,
      );
      assert.equal(Number(landedThen[0]?.rows), 0, "the coverage was rebuilt before the crash");
      assert.equal((await missingByDay(shop, "2026-11-10", "2026-11-10"))[0]?.[1], "facebook_ads,tiktok_ads");
      // The coverage alone no longer shows the days: the retry rebuilds them from the pending list.
      const retry = await buildModels(shop, "2026-11-21");
      assert.equal(retry.metrics?.coverageDays, 8);
      assert.equal((await missingByDay(shop, "2026-11-10", "2026-11-10"))[0]?.[1], "tiktok_ads");
      const next = await buildModels(shop, "2026-11-21");
      assert.equal(next.metrics?.coverageDays, 0, "nothing left pending");
      assert.deepEqual(await differing(shop), []);
    });

    it("follows the shop's settings when a source stops being expected, and starts again", async () => {
      const shop = await metaOutageShop();
      await metaBack(shop);
      // The shop never ran TikTok ads: its settings now say so.
      const env = {
        PULSE_SETTINGS: JSON.stringify({
          version: 1,
          quality: { sources: { tiktok_ads: { expected: false } } },
        }),
      };
      const daily = await buildModels(shop, "2026-11-21", { env });
      // Every day from the shop's first order (the 1st) to the window's start.
      assert.equal(daily.metrics?.coverageDays, 13);
      assert.deepEqual(
        await missingByDay(shop, "2026-11-01", "2026-11-21"),
        novemberDays(1, 21).map((day) => [day, null]),
      );
      assert.deepEqual(await differing(shop, env), []);
      // And back: the next run under the default settings expects TikTok on every day again.
      const again = await buildModels(shop, "2026-11-21");
      assert.equal(again.metrics?.coverageDays, 13);
      assert.deepEqual(
        await missingByDay(shop, "2026-11-01", "2026-11-21"),
        novemberDays(1, 21).map((day) => [day, "tiktok_ads"]),
      );
      assert.deepEqual(await differing(shop), []);
    });
  });
});
