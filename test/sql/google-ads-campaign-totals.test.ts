// docs/airbyte.md: a shop that fills raw with Airbyte syncs Google Ads through three custom queries: `campaign_stats`
// (FROM ad_group), `asset_group_stats` (FROM asset_group) and `campaign_totals` (FROM campaign). A Smart campaign's
// metrics exist only on the campaign resource (Google Ads API, Smart campaigns → Reporting), and a campaign's own
// row may count more than its groups: staging must add, per campaign and day, what the campaign's own row holds
// beyond its groups' rows (never negative, only where something is left) as a '(campaign level)' row, the latest
// extraction of a re-synced campaign day winning, so that every campaign's day reaches the marts whole and once.
// The raw rows are inserted as Airbyte lands them; every expected figure is written out by hand from those rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { warehouseSideQuery } from "../../functions/check-sources/reconciliation.ts";
import { channelsParam } from "../../functions/lib/sql/channels.ts";
import { unnamedAdAccountParams } from "../../functions/lib/ad-export-accounts.ts";
import { buildModels, insertRaw, novemberDays, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
const DAYS = novemberDays(15, 21);
const CUSTOMER = 1234567890;
const SEARCH = 2100000001;
const PMAX = 2100000009;
const SMART = 2100000011;
const DEMAND_GEN = 2100000012;
const CAMPAIGNS: Record<number, { name: string; type: string }> = {
  [SEARCH]: { name: "Search brand", type: "SEARCH" },
  [PMAX]: { name: "PMax all products", type: "PERFORMANCE_MAX" },
  [SMART]: { name: "Smart local", type: "SMART" },
  [DEMAND_GEN]: { name: "Demand Gen lookalikes", type: "DEMAND_GEN" },
};

interface Metrics {
  micros: number;
  impressions: number;
  clicks: number;
  conversions: number;
  value: number;
}

/** One raw row as Airbyte's destination lands a custom query's record: GAQL field names, dots as underscores. */
function airbyteRow(
  day: string,
  campaign: number,
  metrics: Metrics,
  landed: { rawId: string; extractedAt?: string },
  group?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    segments_date: day,
    customer_id: CUSTOMER,
    customer_currency_code: "USD",
    campaign_id: campaign,
    campaign_name: CAMPAIGNS[campaign]!.name,
    campaign_advertising_channel_type: CAMPAIGNS[campaign]!.type,
    ...group,
    metrics_cost_micros: metrics.micros,
    metrics_impressions: metrics.impressions,
    metrics_clicks: metrics.clicks,
    metrics_conversions: metrics.conversions,
    metrics_conversions_value: metrics.value,
    _airbyte_raw_id: landed.rawId,
    _airbyte_extracted_at: landed.extractedAt ?? `${day}T23:30:00Z`,
    _airbyte_meta: { changes: [], sync_id: 1 },
    _airbyte_generation_id: 0,
  };
}

/**
 * The week as Airbyte lands it, every day:
 * - Search: ad groups of $10 (0.1 conversions) and $5.50 (0.2 conversions); its campaign row $15.50 and 0.3
 *   conversions: the groups add up (0.1 + 0.2 is not 0.3 in doubles), nothing at campaign level.
 * - Performance Max: asset groups of $120 and $45.50; its campaign row $165.50, and $167.75 on the 17th ($2.25
 *   beyond its groups, 10 impressions, 1 click).
 * - Smart: no group, its campaign row $18.25 (700 impressions, 35 clicks, 1.5 conversions worth $60); the 19th is
 *   re-synced the next morning at $20 (800 impressions, 40 clicks), the 20th landed twice alike.
 * - Demand Gen: one ad group of $30 (3.1 conversions worth $120.40); its campaign row $35.50 (3.3 conversions worth
 *   $130.30, 40 more impressions, 2 more clicks) on even days, $30 on odd days but the 21st: $25, less than its
 *   ad group (never seen from Google): no negative row.
 */
function week(): {
  adGroups: Record<string, unknown>[];
  assetGroups: Record<string, unknown>[];
  totals: Record<string, unknown>[];
} {
  const adGroups: Record<string, unknown>[] = [];
  const assetGroups: Record<string, unknown>[] = [];
  const totals: Record<string, unknown>[] = [];
  for (const day of DAYS) {
    const even = Number(day.slice(8)) % 2 === 0;
    adGroups.push(
      airbyteRow(
        day,
        SEARCH,
        { micros: 10_000_000, impressions: 1000, clicks: 10, conversions: 0.1, value: 5 },
        { rawId: `search-a-${day}` },
        { ad_group_id: 5100000001, ad_group_name: "Brand exact" },
      ),
      airbyteRow(
        day,
        SEARCH,
        { micros: 5_500_000, impressions: 500, clicks: 5, conversions: 0.2, value: 7 },
        { rawId: `search-b-${day}` },
        { ad_group_id: 5100000002, ad_group_name: "Brand broad" },
      ),
      airbyteRow(
        day,
        DEMAND_GEN,
        { micros: 30_000_000, impressions: 4000, clicks: 20, conversions: 3.1, value: 120.4 },
        { rawId: `demand-gen-${day}` },
        { ad_group_id: 7100000001, ad_group_name: "Lookalike 1%" },
      ),
    );
    assetGroups.push(
      airbyteRow(
        day,
        PMAX,
        { micros: 120_000_000, impressions: 9000, clicks: 90, conversions: 3, value: 210 },
        { rawId: `pmax-1-${day}` },
        { asset_group_id: 6100000001, asset_group_name: "Asset group 1" },
      ),
      airbyteRow(
        day,
        PMAX,
        { micros: 45_500_000, impressions: 9000, clicks: 90, conversions: 3, value: 210 },
        { rawId: `pmax-2-${day}` },
        { asset_group_id: 6100000002, asset_group_name: "Asset group 2" },
      ),
    );
    const pmaxExtra = day === "2026-11-17";
    const smart = { micros: 18_250_000, impressions: 700, clicks: 35, conversions: 1.5, value: 60 };
    totals.push(
      airbyteRow(
        day,
        SEARCH,
        { micros: 15_500_000, impressions: 1500, clicks: 15, conversions: 0.3, value: 12 },
        { rawId: `search-${day}` },
      ),
      airbyteRow(
        day,
        PMAX,
        {
          micros: pmaxExtra ? 167_750_000 : 165_500_000,
          impressions: pmaxExtra ? 18010 : 18000,
          clicks: pmaxExtra ? 181 : 180,
          conversions: 6,
          value: 420,
        },
        { rawId: `pmax-${day}` },
      ),
      airbyteRow(day, SMART, smart, { rawId: `smart-${day}` }),
      airbyteRow(
        day,
        DEMAND_GEN,
        even
          ? { micros: 35_500_000, impressions: 4040, clicks: 22, conversions: 3.3, value: 130.3 }
          : day === "2026-11-21"
            ? { micros: 25_000_000, impressions: 4000, clicks: 20, conversions: 3.1, value: 120.4 }
            : { micros: 30_000_000, impressions: 4000, clicks: 20, conversions: 3.1, value: 120.4 },
        { rawId: `demand-gen-${day}` },
      ),
    );
    if (day === "2026-11-19")
      totals.push(
        airbyteRow(
          day,
          SMART,
          { ...smart, micros: 20_000_000, impressions: 800, clicks: 40 },
          { rawId: `smart-${day}-resync`, extractedAt: "2026-11-20T06:00:00Z" },
        ),
      );
    if (day === "2026-11-20")
      totals.push(
        airbyteRow(day, SMART, smart, { rawId: `smart-${day}-again`, extractedAt: "2026-11-21T06:00:00Z" }),
      );
  }
  return { adGroups, assetGroups, totals };
}

/** Each campaign's spend per day in cents, written out from the rows above: its campaign row, once. */
function expectedCampaignCents(): Map<string, number> {
  const cents = new Map<string, number>();
  for (const day of DAYS) {
    const even = Number(day.slice(8)) % 2 === 0;
    cents.set(`${day}|${SEARCH}`, 1550);
    cents.set(`${day}|${PMAX}`, day === "2026-11-17" ? 16775 : 16550);
    cents.set(`${day}|${SMART}`, day === "2026-11-19" ? 2000 : 1825);
    // The 21st's campaign row ($25) counts less than its ad group ($30): the ad group's spend stays, nothing more.
    cents.set(`${day}|${DEMAND_GEN}`, even ? 3550 : 3000);
  }
  return cents;
}

function byDay(campaignCents: Map<string, number>): Map<string, number> {
  const days = new Map<string, number>();
  for (const [key, cents] of campaignCents)
    days.set(key.slice(0, 10), (days.get(key.slice(0, 10)) ?? 0) + cents);
  return days;
}

const sortedEntries = (map: Map<string, number>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

describe("Google Ads through Airbyte: campaign-level spend from the campaign_totals stream", () => {
  let warehouse: DuckDbWarehouse;
  const query = <T extends object>(sql: string, params: Record<string, string> = {}) =>
    warehouse.query<T>(sql, params, { label: "test" });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    const { adGroups, assetGroups, totals } = week();
    await insertRaw(warehouse, "google_ads_campaign_stats", adGroups);
    await insertRaw(warehouse, "google_ads_asset_group_stats", assetGroups);
    await insertRaw(warehouse, "google_ads_campaign_totals", totals);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true, lookbackDays: 7 });
  });
  after(() => warehouse.close());

  it("stages what a campaign's own day holds beyond its groups as one (campaign level) row, never negative", async () => {
    const rows = await query<Record<string, unknown>>(
      `SELECT CAST(date AS STRING) AS day, campaign_id, ad_group_id, ad_group_name,
         CAST(ROUND(spend * 100) AS INT64) AS cents, impressions, clicks, CAST(conversions AS FLOAT64) AS conversions,
         CAST(conversion_value AS FLOAT64) AS value
       FROM staging.stg_google_ads_campaign_stats WHERE STARTS_WITH(ad_group_id, 'campaign:')
       ORDER BY day, campaign_id`,
    );
    const level = (day: string, campaign: number, figures: [number, number, number, number, number]) => ({
      day,
      campaign_id: String(campaign),
      ad_group_id: `campaign:${campaign}`,
      ad_group_name: "(campaign level)",
      cents: figures[0],
      impressions: figures[1],
      clicks: figures[2],
      conversions: figures[3],
      value: figures[4],
    });
    const smart = (day: string) =>
      level(day, SMART, day === "2026-11-19" ? [2000, 800, 40, 1.5, 60] : [1825, 700, 35, 1.5, 60]);
    // 3.3 − 3.1 conversions is 0.2 and $130.30 − $120.40 is $9.90, to the millionth; the 21st's Demand Gen row
    // ($25 against its ad group's $30) leaves nothing, and so do Search's 0.1 + 0.2 conversions against 0.3.
    const demandGen = (day: string) => level(day, DEMAND_GEN, [550, 40, 2, 0.2, 9.9]);
    const expected = [
      smart("2026-11-15"),
      smart("2026-11-16"),
      demandGen("2026-11-16"),
      level("2026-11-17", PMAX, [225, 10, 1, 0, 0]),
      smart("2026-11-17"),
      smart("2026-11-18"),
      demandGen("2026-11-18"),
      smart("2026-11-19"),
      smart("2026-11-20"),
      demandGen("2026-11-20"),
      smart("2026-11-21"),
    ];
    assert.deepEqual(
      rows.map((row) => ({
        ...row,
        cents: Number(row.cents),
        impressions: Number(row.impressions),
        clicks: Number(row.clicks),
        conversions: Number(row.conversions),
        value: Number(row.value),
      })),
      expected,
    );
  });

  it("gives the marts each campaign's day whole and once, a re-synced day counted at its latest extraction", async () => {
    const campaigns = await query<{ key: string; cents: unknown }>(
      `SELECT CONCAT(CAST(date AS STRING), '|', campaign_id) AS key, ROUND(SUM(spend) * 100) AS cents
       FROM marts.campaign_performance_daily WHERE platform = 'google_ads' AND spend IS NOT NULL GROUP BY key`,
    );
    assert.deepEqual(
      sortedEntries(new Map(campaigns.map((row) => [row.key, Number(row.cents)]))),
      sortedEntries(expectedCampaignCents()),
    );
    const channel = await query<{ day: string; cents: unknown }>(
      `SELECT CAST(date AS STRING) AS day, ROUND(SUM(spend) * 100) AS cents FROM marts.marketing_daily_channel
       WHERE channel = (SELECT channel FROM staging.channels WHERE source = 'google_ads') GROUP BY day`,
    );
    assert.deepEqual(
      sortedEntries(new Map(channel.map((row) => [row.day, Number(row.cents)]))),
      sortedEntries(byDay(expectedCampaignCents())),
    );
  });

  it("counts the same in the warehouse's side of the reconciliation with Google's own totals", async () => {
    const rows = await query<{ day: string; account_id: string; spend: unknown; clicks: unknown }>(
      warehouseSideQuery("google_ads"),
      {
        window_start: DAYS[0]!,
        window_end: RUN_DATE,
        shop_timezone: "America/New_York",
        ...unnamedAdAccountParams(),
        channels: channelsParam(),
      },
    );
    assert.deepEqual(
      sortedEntries(
        new Map(rows.map((row) => [String(row.day).slice(0, 10), Math.round(Number(row.spend) * 100)])),
      ),
      sortedEntries(byDay(expectedCampaignCents())),
    );
    // Clicks: Search 15, Performance Max 180 (181 on the 17th), Smart 35 (40 on the 19th), Demand Gen 22 on even
    // days and 20 on odd ones.
    const clicks = new Map(rows.map((row) => [String(row.day).slice(0, 10), Number(row.clicks)]));
    assert.deepEqual(Object.fromEntries(clicks), {
      "2026-11-15": 250,
      "2026-11-16": 252,
      "2026-11-17": 251,
      "2026-11-18": 252,
      "2026-11-19": 255,
      "2026-11-20": 252,
      "2026-11-21": 250,
    });
  });
});
