// unified.source_coverage and the completeness columns of the marts, on hand-made raw rows: a source that has
// not landed through a day makes the day incomplete, unless the shop's settings say it does not use the source.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { BUILTIN_FORMATS } from "../../functions/ingest/builtin-formats.ts";
import { ingestDrop } from "../../functions/ingest/file-drop.ts";
import { recordOwedHistory } from "../../functions/ingest/connectors/ad-range.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
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

/** An order (New York afternoon) and a Google Ads day on each of November's 1st to 20th, landed at `at`. */
async function ordersAndGoogleEveryDay(warehouse: DuckDbWarehouse, at: string) {
  const days = novemberDays(1, 20);
  await insertRaw(
    warehouse,
    "shopify_orders",
    days.map((day, index) => ({ ...order(index + 1, `${day}T15:00:00Z`), _airbyte_extracted_at: at })),
  );
  await insertRaw(
    warehouse,
    "google_ads_campaign_stats",
    days.map((day) => ({ ...googleDay(day), _airbyte_extracted_at: at })),
  );
}

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

  it("counts a Smart-only Google Ads account's campaign totals as its landed days, and a day after them as not", async () => {
    // Spend Google reports only at campaign level: no ad-group row at all, the campaign's own day in campaign totals,
    // on the 20th only.
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-11-20T15:00:00Z"),
      order(2, "2026-11-21T15:00:00Z"),
    ]);
    const { ad_group_id: _group, ad_group_name: _name, ...campaignDay } = googleDay("2026-11-20");
    await insertRaw(warehouse, "google_ads_campaign_totals", [campaignDay]);
    await buildModels(warehouse, "2026-11-21", { fullRefresh: true });
    const coverage = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, has_rows, has_landed FROM unified.source_coverage WHERE source = 'google_ads' ORDER BY date",
    );
    assert.deepEqual(coverage, [
      { date: "2026-11-20", has_rows: true, has_landed: true },
      { date: "2026-11-21", has_rows: false, has_landed: false },
    ]);
    const google = await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, spend, missing_sources FROM marts.marketing_daily_channel WHERE channel = 'google_ads' ORDER BY date",
    );
    assert.deepEqual(
      google.map((row) => [row.date, row.spend === null ? null : Number(row.spend), row.missing_sources]),
      [
        ["2026-11-20", 20, null],
        ["2026-11-21", null, "google_ads"],
      ],
    );
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

  it("gives a daily run the paid channels' gap rows a full rebuild gives, when the shop's last orders are older than its window", async () => {
    // Orders on the 1st and 2nd of November only; no ad platform ever lands. The daily run of the 21st rebuilds the
    // 14th to the 21st: no order in it, but the shop has begun, so its paid channels' days are incomplete there too.
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-11-01T15:00:00Z"),
      order(2, "2026-11-02T15:00:00Z"),
    ]);
    await buildModels(warehouse, "2026-11-20", { fullRefresh: true });
    await buildModels(warehouse, "2026-11-21");
    const differing = Object.entries(await differencesFromFullRebuild(warehouse, "2026-11-21")).filter(
      ([, rows]) => rows > 0,
    );
    assert.deepEqual(differing, [], "the daily run's tables are the full rebuild's");
    // From the 1st (the first order day) to the 21st: 21 days, each with a row per paid channel (Meta, TikTok,
    // Google Ads), none of whose platforms landed.
    const gapRows = await warehouse.query(
      `SELECT COUNT(*) AS n_rows, COUNT(DISTINCT date) AS days FROM marts.marketing_daily_channel
       WHERE spend IS NULL AND NOT is_complete AND channel IN ('meta', 'tiktok', 'google_ads')`,
    );
    assert.deepEqual(
      gapRows.map((row) => [Number(row.n_rows), Number(row.days)]),
      [[21 * 3, 21]],
    );
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
      await ordersAndGoogleEveryDay(shop, LANDED_FIRST);
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

// A shop whose Meta data arrives only as Ads Manager exports, through the real ingest: one export for the 1st to
// the 3rd and one for the 16th to the 20th leave the 4th to the 15th covered by no export, with nothing landed for
// them. Orders and Google Ads (Airbyte) every day; the shop runs no TikTok ads (its settings say so).
/** Settings of a shop that does not use TikTok: Meta and Google Ads decide its days. */
const WITHOUT_TIKTOK = {
  PULSE_SETTINGS: JSON.stringify({
    version: 1,
    quality: { sources: { tiktok_ads: { expected: false } } },
  }),
};

/** Whether Meta had landed each day, as unified.source_coverage says. */
const metaLandedByDay = async (warehouse: DuckDbWarehouse) =>
  (
    await warehouse.query(
      `SELECT CAST(date AS STRING) AS date, has_landed FROM unified.source_coverage
       WHERE source = 'facebook_ads' ORDER BY date`,
    )
  ).map((row): [string, boolean] => [String(row.date), row.has_landed === true]);

/** Each day's completeness in the daily KPIs. */
const kpiMissingByDay = async (warehouse: DuckDbWarehouse) =>
  (
    await warehouse.query(
      "SELECT CAST(date AS STRING) AS date, is_complete, missing_sources FROM marts.daily_kpis ORDER BY date",
    )
  ).map((row) => [row.date, row.is_complete, row.missing_sources]);

describe(
  "source coverage of a platform that arrives as exports",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const env = WITHOUT_TIKTOK;
    const LANDED_FIRST = "2026-11-21T03:00:00Z";
    const LANDED_NEXT = "2026-11-22T06:00:00Z";
    let shop: DuckDbWarehouse | undefined;
    let bucketDir: string | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
      if (bucketDir) await rm(bucketDir, { recursive: true, force: true });
      bucketDir = undefined;
    });

    /** An Ads Manager export by day: one ad that spent 30.00 (300 impressions, 9 link clicks) on each of `days`. */
    const metaExport = (days: readonly string[]) =>
      [
        '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Impressions","Amount spent (USD)","Link clicks"',
        ...days.map((day) => `${day},${day},"Prospecting","Broad","Video",${day},300,30.00,9`),
      ].join("\n") + "\n";

    /** Drops an export into the inbox and ingests it as the ingest step does, at `at`. */
    async function dropExport(warehouse: DuckDbWarehouse, name: string, days: readonly string[], at: string) {
      bucketDir ??= await mkdtemp(join(tmpdir(), "pulse-coverage-"));
      const bucket = new FolderBucket(bucketDir);
      await bucket.write(`${INBOX_PREFIX}${name}`, metaExport(days));
      const { manifest } = await ingestDrop(
        { warehouse, bucket, clock: { now: () => new Date(at) }, log: silentLogger() },
        {
          runDate: at.slice(0, 10),
          shopTimezone: "America/New_York",
          shopCurrency: "USD",
          formats: BUILTIN_FORMATS,
          chunkSize: 500,
          latestEventDate: "2026-11-23",
        },
        `${INBOX_PREFIX}${name}`,
      );
      assert.equal(manifest.status, "loaded", manifest.error ?? "");
      return { start: manifest.periodStart ?? "", end: manifest.periodEnd ?? "" };
    }

    /**
     * Whether Meta had landed for each day, worked out from the exports alone: through its newest day, except a day
     * between the first and the last exported day that no export's period covers and no row is dated.
     */
    function metaLanded(
      days: readonly string[],
      periods: readonly { start: string; end: string }[],
      daysWithRows: ReadonlySet<string>,
    ): [string, boolean][] {
      const covered = (day: string) => periods.some((period) => period.start <= day && day <= period.end);
      const first = periods.map((period) => period.start).sort()[0] ?? "";
      const last =
        periods
          .map((period) => period.end)
          .sort()
          .at(-1) ?? "";
      const newest = [last, ...daysWithRows].sort().at(-1) ?? "";
      return days.map((day) => [
        day,
        day <= newest && (day < first || day > last || covered(day) || daysWithRows.has(day)),
      ]);
    }

    // Meta's incomplete days in the channel mart (a complete day without spend or orders has no Meta row).
    const metaIncompleteDays = async (warehouse: DuckDbWarehouse) =>
      (
        await warehouse.query(
          `SELECT CAST(date AS STRING) AS date FROM marts.marketing_daily_channel
         WHERE channel = 'meta' AND NOT is_complete ORDER BY date`,
        )
      ).map((row) => String(row.date));
    const notLanded = (days: readonly [string, boolean][]) =>
      days.filter(([, landed]) => !landed).map(([day]) => day);

    it("marks the days between two exports that none covers incomplete, and complete once an export covers them", async () => {
      const warehouse = await openFixtureWarehouse();
      shop = warehouse;
      const landedAt = <T extends object>(row: T, at: string) => ({ ...row, _airbyte_extracted_at: at });
      await ordersAndGoogleEveryDay(warehouse, LANDED_FIRST);
      const periods = [
        await dropExport(warehouse, "meta-1-3.csv", novemberDays(1, 3), LANDED_FIRST),
        await dropExport(warehouse, "meta-16-20.csv", novemberDays(16, 20), LANDED_FIRST),
      ];
      assert.deepEqual(periods, [
        { start: "2026-11-01", end: "2026-11-03" },
        { start: "2026-11-16", end: "2026-11-20" },
      ]);
      await buildModels(warehouse, "2026-11-20", { fullRefresh: true, env });

      const rowDays = new Set([...novemberDays(1, 3), ...novemberDays(16, 20)]);
      const expected = metaLanded(novemberDays(1, 20), periods, rowDays);
      assert.deepEqual(notLanded(expected), novemberDays(4, 15), "the independent computation's gap");
      assert.deepEqual(await metaLandedByDay(warehouse), expected);
      assert.deepEqual(await metaIncompleteDays(warehouse), notLanded(expected));
      // Google Ads, synced by Airbyte, is complete every day: a day is incomplete for Meta only.
      assert.deepEqual(
        await kpiMissingByDay(warehouse),
        expected.map(([day, landed]) => [day, landed, landed ? null : "facebook_ads"]),
      );
      // A gap stays a gap: a daily run (window the 13th to the 20th) finds nothing out of date before its window.
      const again = await buildModels(warehouse, "2026-11-20", { env });
      assert.equal(again.metrics?.coverageDays, 0, "the gap's days are not rebuilt every morning");
      assert.deepEqual(await metaLandedByDay(warehouse), expected);

      // A third export covers the 4th to the 15th: Meta ran on the 4th and the 15th and was paused in between (no
      // rows: nothing delivered). The next day's daily run (window the 14th to the 21st) rebuilds the 4th as a late
      // change; the 5th to the 13th, no row of which changed, only the stale-coverage check finds.
      await insertRaw(warehouse, "shopify_orders", [
        landedAt(order(21, "2026-11-21T15:00:00Z"), LANDED_NEXT),
      ]);
      await insertRaw(warehouse, "google_ads_campaign_stats", [
        landedAt(googleDay("2026-11-21"), LANDED_NEXT),
      ]);
      const filled = ["2026-11-04", "2026-11-15"];
      periods.push(await dropExport(warehouse, "meta-4-15.csv", filled, LANDED_NEXT));
      assert.deepEqual(periods[2], { start: "2026-11-04", end: "2026-11-15" });
      const daily = await buildModels(warehouse, "2026-11-21", { env });
      assert.equal(daily.metrics?.lateDays, 1, "the 4th");
      assert.equal(daily.metrics?.coverageDays, novemberDays(5, 13).length);

      for (const day of filled) rowDays.add(day);
      const now = metaLanded(novemberDays(1, 21), periods, rowDays);
      assert.deepEqual(notLanded(now), ["2026-11-21"], "Meta has no export for the 21st yet");
      assert.deepEqual(await metaLandedByDay(warehouse), now);
      assert.deepEqual(await metaIncompleteDays(warehouse), notLanded(now));
      assert.deepEqual(
        await kpiMissingByDay(warehouse),
        now.map(([day, landed]) => [day, landed, landed ? null : "facebook_ads"]),
      );
      // From the raw rows: Google spent 20 a day, Meta 30 on the 4th and nothing on the 5th, a complete day.
      const spend = await warehouse.query(
        `SELECT CAST(date AS STRING) AS date, ad_spend, is_complete FROM marts.daily_kpis
       WHERE date BETWEEN DATE '2026-11-04' AND DATE '2026-11-05' ORDER BY date`,
      );
      assert.deepEqual(
        spend.map((row) => [row.date, Number(row.ad_spend), row.is_complete]),
        [
          ["2026-11-04", 20 + 30, true],
          ["2026-11-05", 20, true],
        ],
      );
      const differing = Object.entries(
        await differencesFromFullRebuild(warehouse, "2026-11-21", { env }),
      ).filter(([, rows]) => rows > 0);
      assert.deepEqual(differing, [], "the daily run's tables are the full rebuild's");
      const next = await buildModels(warehouse, "2026-11-21", { env });
      assert.equal(next.metrics?.coverageDays, 0, "nothing left out of date");
    });
  },
);

describe(
  "source coverage of the history a connector still owes an account",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    // TikTok is not used; Google Ads lands every day. Meta has two ad accounts: 1 ran all month, 2 from the 11th
    // on (its connector was added on the 20th and still owes it days of history).
    const env = WITHOUT_TIKTOK;
    const LANDED_FIRST = "2026-11-21T03:00:00Z";
    const LANDED_NEXT = "2026-11-22T06:00:00Z";
    const landedAt = <T extends object>(row: T, at: string) => ({ ...row, _airbyte_extracted_at: at });
    const metaAccountDay = (account: string, day: string, at: string) => ({
      ...metaAdDay(day, at),
      account_id: account,
      ad_id: `a${account}`,
    });
    let shop: DuckDbWarehouse | undefined;
    afterEach(async () => {
      await shop?.close();
      shop = undefined;
    });

    async function twoAccountShop() {
      const warehouse = await openFixtureWarehouse();
      shop = warehouse;
      await ordersAndGoogleEveryDay(warehouse, LANDED_FIRST);
      await insertRaw(warehouse, "facebook_ads_insights", [
        ...novemberDays(1, 20).map((day) => metaAccountDay("1", day, LANDED_FIRST)),
        ...novemberDays(11, 20).map((day) => metaAccountDay("2", day, LANDED_FIRST)),
      ]);
      return warehouse;
    }

    /**
     * Whether Meta had landed each day, from the owed spans and the accounts' days alone: not on a day an owed
     * span covers whose account has no row that day, whatever the other account has.
     */
    function metaLanded(
      days: readonly string[],
      owed: readonly { account: string; start: string; end: string }[],
      rows: ReadonlyMap<string, ReadonlySet<string>>,
    ): [string, boolean][] {
      return days.map((day) => [
        day,
        !owed.some(
          (span) => span.start <= day && day <= span.end && !(rows.get(span.account)?.has(day) ?? false),
        ),
      ]);
    }

    const owe = (
      warehouse: DuckDbWarehouse,
      spans: readonly { account: string; start: string; end: string }[],
    ) =>
      recordOwedHistory(
        warehouse,
        "facebook_ads",
        spans.map(({ account, start, end }) => ({ account, spans: [{ startDate: start, endDate: end }] })),
      );

    it("leaves a day an account is owed incomplete though another account of the platform spent that day", async () => {
      const warehouse = await twoAccountShop();
      const owed = [{ account: "2", start: "2026-11-01", end: "2026-11-10" }];
      await owe(warehouse, owed);
      await buildModels(warehouse, "2026-11-20", { fullRefresh: true, env });

      const rows = new Map([
        ["1", new Set(novemberDays(1, 20))],
        ["2", new Set(novemberDays(11, 20))],
      ]);
      const expected = metaLanded(novemberDays(1, 20), owed, rows);
      assert.deepEqual(
        expected.filter(([, landed]) => !landed).map(([day]) => day),
        novemberDays(1, 10),
        "the independent computation's owed days",
      );
      assert.deepEqual(await metaLandedByDay(warehouse), expected);
      assert.deepEqual(
        await kpiMissingByDay(warehouse),
        expected.map(([day, landed]) => [day, landed, landed ? null : "facebook_ads"]),
      );

      // The connector lands account 2's history (it delivered from the 3rd; nothing on the 1st and 2nd, so no
      // row) and owes nothing more. The next daily run (window the 14th to the 21st) rebuilds the 3rd to the 10th
      // as late changes, and the 1st and the 2nd, whose rows did not change, as out-of-date coverage.
      await insertRaw(warehouse, "shopify_orders", [
        landedAt(order(21, "2026-11-21T15:00:00Z"), LANDED_NEXT),
      ]);
      await insertRaw(warehouse, "google_ads_campaign_stats", [
        landedAt(googleDay("2026-11-21"), LANDED_NEXT),
      ]);
      await insertRaw(
        warehouse,
        "facebook_ads_insights",
        [...novemberDays(3, 10), "2026-11-21"].map((day) => metaAccountDay("2", day, LANDED_NEXT)),
      );
      await insertRaw(warehouse, "facebook_ads_insights", [metaAccountDay("1", "2026-11-21", LANDED_NEXT)]);
      await owe(warehouse, []);
      const daily = await buildModels(warehouse, "2026-11-21", { env });
      assert.equal(daily.metrics?.coverageDays, 2, "the 1st and the 2nd");
      assert.deepEqual(
        (await metaLandedByDay(warehouse)).filter(([, landed]) => !landed),
        [],
        "every day landed",
      );
      // From the raw rows: Google spent 20 a day; Meta 30 an account and day it delivered.
      const spend = await warehouse.query(
        `SELECT CAST(date AS STRING) AS date, ad_spend, is_complete FROM marts.daily_kpis
         WHERE date BETWEEN DATE '2026-11-02' AND DATE '2026-11-03' ORDER BY date`,
      );
      assert.deepEqual(
        spend.map((row) => [row.date, Number(row.ad_spend), row.is_complete]),
        [
          ["2026-11-02", 20 + 30, true],
          ["2026-11-03", 20 + 30 + 30, true],
        ],
      );
      const differing = Object.entries(
        await differencesFromFullRebuild(warehouse, "2026-11-21", { env }),
      ).filter(([, count]) => count > 0);
      assert.deepEqual(differing, [], "the daily run's tables are the full rebuild's");
    });

    it("marks older days incomplete when the connector comes to owe them, but a day the account has a row", async () => {
      const warehouse = await twoAccountShop();
      // Account 2 has a row on the 5th, landed through an export, say.
      await insertRaw(warehouse, "facebook_ads_insights", [metaAccountDay("2", "2026-11-05", LANDED_FIRST)]);
      await buildModels(warehouse, "2026-11-20", { fullRefresh: true, env });
      assert.deepEqual(
        (await metaLandedByDay(warehouse)).filter(([, landed]) => !landed),
        [],
        "nothing owed yet: every day landed",
      );

      // A longer initialDays: account 2's connector now owes the 1st to the 10th, before the next run's window.
      const owed = [{ account: "2", start: "2026-11-01", end: "2026-11-10" }];
      await owe(warehouse, owed);
      await insertRaw(warehouse, "shopify_orders", [
        landedAt(order(21, "2026-11-21T15:00:00Z"), LANDED_NEXT),
      ]);
      await insertRaw(warehouse, "google_ads_campaign_stats", [
        landedAt(googleDay("2026-11-21"), LANDED_NEXT),
      ]);
      const daily = await buildModels(warehouse, "2026-11-21", { env });
      const rows = new Map([
        ["1", new Set(novemberDays(1, 20))],
        ["2", new Set(["2026-11-05", ...novemberDays(11, 20)])],
      ]);
      const expected = metaLanded(novemberDays(1, 21), owed, rows);
      assert.deepEqual(
        expected.filter(([, landed]) => !landed).map(([day]) => day),
        [...novemberDays(1, 4), ...novemberDays(6, 10)],
        "the independent computation's owed days without account 2's rows",
      );
      assert.equal(daily.metrics?.coverageDays, 9, "the owed days before the window, the 5th not among them");
      // Meta has not landed the 21st for either account: the 21st is not landed, as without any owed day.
      assert.deepEqual(
        await metaLandedByDay(warehouse),
        expected.map(([day, landed]): [string, boolean] => [day, landed && day !== "2026-11-21"]),
      );
      const differing = Object.entries(
        await differencesFromFullRebuild(warehouse, "2026-11-21", { env }),
      ).filter(([, count]) => count > 0);
      assert.deepEqual(differing, [], "the daily run's tables are the full rebuild's");
      const next = await buildModels(warehouse, "2026-11-21", { env });
      assert.equal(next.metrics?.coverageDays, 0, "nothing left out of date");
    });
  },
);
