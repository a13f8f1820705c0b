// marts.campaign_performance_daily on hand-made raw rows: ad groups' platform numbers summed over their ads, and
// each campaign's UTM-attributed orders on a row of its own, matched by campaign id or by name ignoring case and
// separators (prospecting-broad is Prospecting_Broad) —
// also for a campaign that last spent before an incremental run's window — with unmatched UTMs kept as written,
// cancelled orders and other channels left out; and a day a platform had not landed, said by a gap row.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const DAY = "2026-11-21";

let orderId = 5000;
/** An order at noon New York time on DAY, worth `total`, landing on `landing`. */
const order = (total: string, landing: string | null, extra: Record<string, unknown> = {}) => {
  orderId += 1;
  return {
    id: orderId,
    name: `#${orderId}`,
    created_at: `${DAY}T17:00:00Z`,
    updated_at: `${DAY}T17:00:00Z`,
    currency: "USD",
    financial_status: "paid",
    subtotal_price: total,
    total_discounts: "0.00",
    total_tax: "0.00",
    total_price: total,
    landing_site: landing,
    line_items: [],
    refunds: [],
    _airbyte_raw_id: `o${orderId}`,
    _airbyte_extracted_at: `${DAY}T23:00:00Z`,
    ...extra,
  };
};

const google = (
  date: string,
  campaign: number,
  name: string,
  group: number,
  groupName: string,
  cost: number,
) => ({
  segments_date: date,
  customer_id: 3,
  customer_currency_code: "USD",
  campaign_id: campaign,
  campaign_name: name,
  ad_group_id: group,
  ad_group_name: groupName,
  metrics_cost_micros: cost * 1_000_000,
  metrics_impressions: 1000,
  metrics_clicks: 10,
  metrics_conversions: 1,
  metrics_conversions_value: 50,
  _airbyte_extracted_at: `${date}T23:00:00Z`,
});

const meta = (ad: string, spend: number) => ({
  date_start: DAY,
  date_stop: DAY,
  account_id: "act_1",
  account_currency: "USD",
  campaign_id: "c1",
  campaign_name: "Prospecting_Broad",
  adset_id: "s1",
  adset_name: "Broad 25-54",
  ad_id: ad,
  ad_name: `Ad ${ad}`,
  spend,
  impressions: 500,
  clicks: 5,
  actions: [],
  action_values: [],
  _airbyte_extracted_at: `${DAY}T23:00:00Z`,
});

async function loadScenario(warehouse: DuckDbWarehouse): Promise<void> {
  await insertRaw(warehouse, "google_ads_campaign_stats", [
    google(DAY, 5, "Search_Brand", 6, "Brand exact", 20),
    google(DAY, 5, "Search_Brand", 7, "Brand broad", 30),
    // A promotion that last spent in October, weeks before the run's window.
    google("2026-10-01", 8, "Old Promo", 9, "Promo", 15),
    // A name outside ASCII, which a URL writes as UTF-8 escapes.
    google("2026-10-02", 9, "Été €5", 10, "Promo", 15),
  ]);
  await insertRaw(warehouse, "facebook_ads_insights", [meta("a1", 11.5), meta("a2", 8.5)]);
  await insertRaw(warehouse, "shopify_orders", [
    // By name, in another case.
    order("100.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=SEARCH_BRAND"),
    order("40.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=search_brand"),
    // By id: the October promotion.
    order("70.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=8"),
    // By its name with a space, as URLs write it: percent-encoded, or '+' as a form writes it.
    order("12.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=Old%20Promo"),
    order("8.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=old+promo&utm_content=a%2Cb"),
    // A campaign Google Ads never reported, and a paid click without utm_campaign.
    order("25.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=mystery"),
    // Unmatched, it keeps its own text, decoded: an escaped '%' (%25) stays one '%'.
    order("13.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=Q4%2C%20US%2520+sale"),
    // UTF-8 escapes (either case of hex digit), and keys a tracking app wrote in capitals.
    order("17.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=%C3%89t%c3%a9+%E2%82%AC5"),
    order("19.00", "/?UTM_SOURCE=google&UTM_MEDIUM=cpc&UTM_CAMPAIGN=%C3%A9t%C3%A9%20%E2%82%AC5"),
    // Bytes that are not UTF-8 (a lone continuation byte, a truncated sequence) and a stray '%' stay as written.
    order("21.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=x%80y%C3%20%zz"),
    order("15.00", "/?utm_source=google&utm_medium=cpc"),
    order("60.00", "/?utm_source=instagram&utm_medium=paid_social&utm_campaign=prospecting_broad"),
    // Slugged by hand: the name's words in another case, joined by other separators.
    order("30.00", "/?utm_source=facebook&utm_medium=paid_social&utm_campaign=prospecting-broad"),
    order("9.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=old_promo"),
    // Punctuation only: no name to match ("Q4, US%20 sale" has words, and no campaign has them).
    order("4.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=%2D%2D"),
    // Left out: cancelled; organic; email.
    order("500.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=Search_Brand", {
      cancelled_at: `${DAY}T18:00:00Z`,
    }),
    order("80.00", null),
    order("90.00", "/?utm_source=klaviyo&utm_medium=email&utm_campaign=Search_Brand"),
  ]);
}

describe("marts.campaign_performance_daily", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;
  const rows = () =>
    warehouse.query(
      `SELECT platform, channel, campaign_id, campaign_name, ad_group_id, ad_group_name, spend, clicks,
              attributed_orders, attributed_revenue, is_complete
       FROM marts.campaign_performance_daily WHERE date = DATE '${DAY}'
       ORDER BY platform, campaign_name NULLS LAST, ad_group_id NULLS FIRST`,
      {},
      { label: "fixture" },
    );

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await loadScenario(warehouse);
  });
  after(() => warehouse.close());

  const expected = [
    // platform, channel, campaign id, campaign name, ad group id, ad group name, spend, clicks, orders, revenue
    ["facebook_ads", "meta", "c1", "Prospecting_Broad", null, null, null, null, 2, 60 + 30],
    ["facebook_ads", "meta", "c1", "Prospecting_Broad", "s1", "Broad 25-54", 20, 10, null, null],
    ["google_ads", "google_ads", null, "--", null, null, null, null, 1, 4],
    ["google_ads", "google_ads", "8", "Old Promo", null, null, null, null, 4, 70 + 12 + 8 + 9],
    ["google_ads", "google_ads", null, "Q4, US%20 sale", null, null, null, null, 1, 13],
    ["google_ads", "google_ads", "5", "Search_Brand", null, null, null, null, 2, 140],
    ["google_ads", "google_ads", "5", "Search_Brand", "6", "Brand exact", 20, 10, null, null],
    ["google_ads", "google_ads", "5", "Search_Brand", "7", "Brand broad", 30, 10, null, null],
    ["google_ads", "google_ads", null, "mystery", null, null, null, null, 1, 25],
    ["google_ads", "google_ads", null, "x%80y%C3 %zz", null, null, null, null, 1, 21],
    ["google_ads", "google_ads", "9", "Été €5", null, null, null, null, 2, 36],
    ["google_ads", "google_ads", null, null, null, null, null, null, 1, 15],
    // TikTok (an expected source) never landed and no order named it: one gap row says the day is incomplete.
    ["tiktok_ads", "tiktok", null, null, null, null, null, null, null, null],
  ];
  const asTuples = (result: Record<string, unknown>[]) =>
    result.map((row) => [
      row.platform,
      row.channel,
      row.campaign_id,
      row.campaign_name,
      row.ad_group_id,
      row.ad_group_name,
      row.spend === null ? null : Number(row.spend),
      row.clicks === null ? null : Number(row.clicks),
      row.attributed_orders === null ? null : Number(row.attributed_orders),
      row.attributed_revenue === null ? null : Number(row.attributed_revenue),
    ]);

  it("on a full build: ad-group rows and campaign attribution rows, matched by id or name", async () => {
    await buildModels(warehouse, DAY, { fullRefresh: true });
    const result = await rows();
    assert.deepEqual(asTuples(result), expected);
    assert.deepEqual(
      result.filter((row) => row.is_complete !== true).map((row) => row.platform),
      ["tiktok_ads"],
    );
  });

  it("on an incremental run whose window starts after the campaign last spent: the same rows", async () => {
    await buildModels(warehouse, "2026-11-10", { fullRefresh: true });
    await buildModels(warehouse, DAY, { lookbackDays: 3 });
    assert.deepEqual(asTuples(await rows()), expected);
  });
});

describe(
  "marts.campaign_performance_daily with renamed and same-named campaigns",
  { timeout: 60_000 },
  () => {
    let warehouse: DuckDbWarehouse;
    const attributed = async () =>
      (
        await warehouse.query(
          `SELECT campaign_id, campaign_name, attributed_orders, attributed_revenue
         FROM marts.campaign_performance_daily
         WHERE date = DATE '${DAY}' AND platform = 'google_ads' AND attributed_orders IS NOT NULL
         ORDER BY campaign_name NULLS LAST, campaign_id`,
          {},
          { label: "fixture" },
        )
      ).map((row) => [
        row.campaign_id,
        row.campaign_name,
        Number(row.attributed_orders),
        Number(row.attributed_revenue),
      ]);

    before(async () => {
      warehouse = await openFixtureWarehouse();
      await insertRaw(warehouse, "google_ads_campaign_stats", [
        // Campaign 11 ran as "Summer_Sale" in September and was renamed "Summer_Sale_2026" in November.
        google("2026-09-01", 11, "Summer_Sale", 12, "All", 10),
        google("2026-11-20", 11, "Summer_Sale_2026", 12, "All", 10),
        // Two campaigns named "Retargeting": 21 in August, 22 in November (the one that ran last takes the name).
        google("2026-08-01", 21, "Retargeting", 23, "Visitors", 5),
        google("2026-11-01", 22, "Retargeting", 24, "Visitors", 5),
        // A campaign no order names, long ago.
        google("2026-07-01", 31, "Unnamed by any order", 32, "All", 5),
        // Two campaigns named "Promo": 51 began first (June) but ran under the name last (5 November), after 52's
        // only day (1 November): 51 takes the name.
        google("2026-06-01", 51, "Promo", 52, "All", 5),
        google("2026-11-01", 53, "Promo", 54, "All", 5),
        google("2026-11-05", 51, "Promo", 52, "All", 5),
      ]);
      await insertRaw(warehouse, "shopify_orders", [
        // The old name reaches the renamed campaign, which goes by its newest name.
        order("30.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=summer_sale"),
        order("35.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=Retargeting"),
        // By id, the older of the two same-named campaigns.
        order("45.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=21"),
        order("25.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=PROMO"),
      ]);
    });
    after(() => warehouse.close());

    // campaign id, campaign name, attributed orders, attributed revenue
    const expected = [
      ["51", "Promo", 1, 25],
      ["21", "Retargeting", 1, 45],
      ["22", "Retargeting", 1, 35],
      ["11", "Summer_Sale_2026", 1, 30],
    ];

    it("on a full build", async () => {
      await buildModels(warehouse, DAY, { fullRefresh: true });
      assert.deepEqual(await attributed(), expected);
    });

    it("on an incremental run after the campaigns last spent: the same rows", async () => {
      await buildModels(warehouse, "2026-11-10", { fullRefresh: true });
      await buildModels(warehouse, DAY, { lookbackDays: 3 });
      assert.deepEqual(await attributed(), expected);
    });
  },
);

const tiktok = (day: string, spend: string) => ({
  ad_id: 77,
  advertiser_id: 7,
  stat_time_day: `${day}T00:00:00Z`,
  dimensions: { ad_id: 77, stat_time_day: `${day} 00:00:00` },
  metrics: {
    campaign_id: "t1",
    campaign_name: "Spark",
    adgroup_id: "g1",
    adgroup_name: "Broad",
    ad_name: "UGC",
    spend,
    impressions: "800",
    clicks: "20",
    currency: "USD",
  },
  _airbyte_extracted_at: `${day}T23:00:00Z`,
});

describe(
  "marts.campaign_performance_daily on a day a platform is missing",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    const BEFORE = "2026-11-20";
    let warehouse: DuckDbWarehouse;
    const query = (sql: string) => warehouse.query(sql, {}, { label: "fixture" });

    before(async () => {
      warehouse = await openFixtureWarehouse();
      // Every platform reports both days; the shop has orders both days, one of them a Google click on the last.
      await insertRaw(warehouse, "google_ads_campaign_stats", [
        google(BEFORE, 5, "Search_Brand", 6, "Brand exact", 20),
        google(DAY, 5, "Search_Brand", 6, "Brand exact", 25),
      ]);
      await insertRaw(warehouse, "facebook_ads_insights", [
        { ...meta("a1", 10), date_start: BEFORE, date_stop: BEFORE },
        meta("a1", 12),
      ]);
      await insertRaw(warehouse, "tiktok_ads_reports_daily", [tiktok(BEFORE, "30.00"), tiktok(DAY, "35.00")]);
      await insertRaw(warehouse, "shopify_orders", [
        order("50.00", null, { created_at: `${BEFORE}T17:00:00Z`, updated_at: `${BEFORE}T17:00:00Z` }),
        order("100.00", "/?utm_source=google&utm_medium=cpc&utm_campaign=Search_Brand"),
      ]);
      // The gap: TikTok's and Google's last day never landed.
      await warehouse.rawConnection.run(
        `DELETE FROM raw.tiktok_ads_reports_daily WHERE CAST(stat_time_day AS DATE) = DATE '${DAY}'`,
      );
      await warehouse.rawConnection.run(
        `DELETE FROM raw.google_ads_campaign_stats WHERE segments_date = DATE '${DAY}'`,
      );
      await buildModels(warehouse, DAY, { fullRefresh: true });
    });
    after(() => warehouse.close());

    it("says the missing day of the platform is incomplete, with a gap row where nothing else is left", async () => {
      const result = await query(
        `SELECT platform, campaign_id, ad_group_id, spend, attributed_orders, is_complete, missing_sources
       FROM marts.campaign_performance_daily WHERE date = DATE '${DAY}'
       ORDER BY platform, ad_group_id NULLS FIRST`,
      );
      assert.deepEqual(
        result.map((row) => [
          row.platform,
          row.campaign_id,
          row.ad_group_id,
          row.spend === null ? null : Number(row.spend),
          row.attributed_orders === null ? null : Number(row.attributed_orders),
          row.is_complete,
          row.missing_sources,
        ]),
        [
          ["facebook_ads", "c1", "s1", 12, null, true, null],
          // Google's campaign still has its attributed order that day: that row carries the mark, no gap row.
          ["google_ads", "5", null, null, 1, false, "google_ads"],
          // Nothing of TikTok's is left that day: the gap row, every number unknown.
          ["tiktok_ads", null, null, null, null, false, "tiktok_ads"],
        ],
      );
    });

    it("keeps the day before, when every platform had landed, complete and without gap rows", async () => {
      const result = await query(
        `SELECT platform, campaign_id, is_complete FROM marts.campaign_performance_daily
       WHERE date = DATE '${BEFORE}' ORDER BY platform`,
      );
      assert.deepEqual(
        result.map((row) => [row.platform, row.campaign_id, row.is_complete]),
        [
          ["facebook_ads", "c1", true],
          ["google_ads", "5", true],
          ["tiktok_ads", "t1", true],
        ],
      );
    });

    it("marks exactly the platform days that marketing_daily_channel marks incomplete", async () => {
      const channelDays = await query(
        `SELECT CAST(date AS STRING) AS day, channel FROM marts.marketing_daily_channel
       WHERE NOT is_complete AND channel IN ('meta', 'google_ads', 'tiktok') ORDER BY day, channel`,
      );
      const campaignDays = await query(
        `SELECT DISTINCT CAST(date AS STRING) AS day, channel FROM marts.campaign_performance_daily
       WHERE NOT is_complete ORDER BY day, channel`,
      );
      assert.deepEqual(campaignDays, channelDays);
      assert.equal(channelDays.length, 2);
    });
  },
);
