// docs/airbyte.md: a shop that fills raw with Airbyte syncs Google Ads through two custom queries, `campaign_stats`
// (FROM ad_group) and `asset_group_stats` (FROM asset_group), because Performance Max campaigns have no ad groups and
// Google returns none of their spend to the first. Staging must read both tables, the asset group standing where
// the ad group stands, the latest extraction of each group's day winning, and a warm run must pick up a restated
// asset group day landed after the last transform. Every expected figure is summed here from the rows inserted.
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
const SEARCH_CAMPAIGN = 2100000001;
const PMAX_CAMPAIGN = 2100000009;

interface GroupDay {
  table: "google_ads_campaign_stats" | "google_ads_asset_group_stats";
  day: string;
  campaign: number;
  group: number;
  micros: number;
  clicks: number;
  extractedAt: string;
  rawId: string;
}

/** A Search campaign's ad group and a Performance Max campaign's two asset groups, every day of the week. */
function weekOfStats(): GroupDay[] {
  return DAYS.flatMap((day, index) => [
    {
      table: "google_ads_campaign_stats" as const,
      day,
      campaign: SEARCH_CAMPAIGN,
      group: 5100000001,
      micros: 12_340_000 + index * 1_000_000,
      clicks: 10 + index,
      extractedAt: `${day}T23:30:00Z`,
      rawId: `search-${day}`,
    },
    ...[6100000001, 6100000002].map((group, groupIndex) => ({
      table: "google_ads_asset_group_stats" as const,
      day,
      campaign: PMAX_CAMPAIGN,
      group,
      micros: (groupIndex === 0 ? 120_000_000 : 45_500_000) + index * 250_000,
      clicks: 90 + groupIndex,
      extractedAt: `${day}T23:30:00Z`,
      rawId: `pmax-${group}-${day}`,
    })),
  ]);
}

function rawRow(stat: GroupDay): Record<string, unknown> {
  const pmax = stat.table === "google_ads_asset_group_stats";
  const group = pmax
    ? { asset_group_id: stat.group, asset_group_name: `Asset group ${stat.group}` }
    : { ad_group_id: stat.group, ad_group_name: `Ad group ${stat.group}` };
  return {
    segments_date: stat.day,
    customer_id: CUSTOMER,
    customer_currency_code: "USD",
    campaign_id: stat.campaign,
    campaign_name: pmax ? "PMax all products" : "Search brand",
    campaign_advertising_channel_type: pmax ? "PERFORMANCE_MAX" : "SEARCH",
    ...group,
    metrics_cost_micros: stat.micros,
    metrics_impressions: 1000,
    metrics_clicks: stat.clicks,
    metrics_conversions: 2,
    metrics_conversions_value: 100,
    _airbyte_raw_id: stat.rawId,
    _airbyte_extracted_at: stat.extractedAt,
  };
}

async function land(warehouse: DuckDbWarehouse, stats: GroupDay[]): Promise<void> {
  for (const table of ["google_ads_campaign_stats", "google_ads_asset_group_stats"] as const) {
    const rows = stats.filter((stat) => stat.table === table).map(rawRow);
    if (rows.length) await insertRaw(warehouse, table, rows);
  }
}

/** Spend per day in cents, of the latest extraction of each group's day: summed from the rows as landed. */
function expectedCentsByDay(stats: GroupDay[]): Map<string, number> {
  const latest = new Map<string, GroupDay>();
  for (const stat of stats) {
    const key = `${stat.day}|${stat.campaign}|${stat.group}`;
    const kept = latest.get(key);
    if (!kept || stat.extractedAt > kept.extractedAt) latest.set(key, stat);
  }
  const byDay = new Map<string, number>();
  for (const stat of latest.values())
    byDay.set(stat.day, (byDay.get(stat.day) ?? 0) + Math.round(stat.micros / 10_000));
  return byDay;
}

describe("Google Ads through Airbyte: Performance Max spend from the asset_group_stats stream", () => {
  let warehouse: DuckDbWarehouse;
  const stats = weekOfStats();
  const centsByDay = async (sql: string) =>
    new Map(
      (await warehouse.query<{ day: string; cents: unknown }>(sql, {}, { label: "test" })).map((row) => [
        row.day,
        Number(row.cents),
      ]),
    );

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await land(warehouse, stats);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true, lookbackDays: 7 });
  });
  after(() => warehouse.close());

  it("stages each asset group's day in the ad group's place", async () => {
    const rows = await warehouse.query<Record<string, unknown>>(
      `SELECT CAST(date AS STRING) AS day, campaign_id, ad_group_id, ad_group_name, CAST(spend AS STRING) AS spend
       FROM staging.stg_google_ads_campaign_stats WHERE campaign_id = '${PMAX_CAMPAIGN}' ORDER BY day, ad_group_id`,
      {},
      { label: "test" },
    );
    const expected = stats
      .filter((stat) => stat.campaign === PMAX_CAMPAIGN)
      .map((stat) => ({
        day: stat.day,
        campaign_id: String(PMAX_CAMPAIGN),
        ad_group_id: String(stat.group),
        ad_group_name: `Asset group ${stat.group}`,
        cents: Math.round(stat.micros / 10_000),
      }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.ad_group_id.localeCompare(b.ad_group_id));
    assert.deepEqual(
      rows.map((row) => ({
        day: row.day,
        campaign_id: row.campaign_id,
        ad_group_id: row.ad_group_id,
        ad_group_name: row.ad_group_name,
        cents: Math.round(Number(row.spend) * 100),
      })),
      expected,
    );
  });

  it("counts the Performance Max spend in the channel's daily spend", async () => {
    const marts = await centsByDay(
      `SELECT CAST(date AS STRING) AS day, ROUND(SUM(spend) * 100) AS cents
       FROM marts.marketing_daily_channel
       WHERE channel = (SELECT channel FROM staging.channels WHERE source = 'google_ads') GROUP BY day`,
    );
    assert.deepEqual(Object.fromEntries(marts), Object.fromEntries(expectedCentsByDay(stats)));
  });

  it("counts it in the warehouse's side of the reconciliation with Google's own totals", async () => {
    const rows = await warehouse.query<{ day: string; account_id: string; spend: unknown }>(
      warehouseSideQuery("google_ads"),
      {
        window_start: DAYS[0]!,
        window_end: RUN_DATE,
        shop_timezone: "America/New_York",
        ...unnamedAdAccountParams(),
        channels: channelsParam(),
      },
      { label: "test" },
    );
    assert.deepEqual(
      Object.fromEntries(
        rows.map((row) => [String(row.day).slice(0, 10), Math.round(Number(row.spend) * 100)]),
      ),
      Object.fromEntries(expectedCentsByDay(stats)),
    );
    assert.deepEqual([...new Set(rows.map((row) => row.account_id))], [String(CUSTOMER)]);
  });

  it("takes a restated asset group day landed after the last transform on the next warm run", async () => {
    const restated: GroupDay = {
      ...stats.find((stat) => stat.group === 6100000002 && stat.day === DAYS[1])!,
      micros: 61_000_000,
      extractedAt: "2026-11-22T05:00:00Z",
      rawId: "pmax-restated",
    };
    await land(warehouse, [restated]);
    await buildModels(warehouse, RUN_DATE, { lookbackDays: 1 });
    const marts = await centsByDay(
      `SELECT CAST(date AS STRING) AS day, ROUND(SUM(spend) * 100) AS cents
       FROM marts.marketing_daily_channel
       WHERE channel = (SELECT channel FROM staging.channels WHERE source = 'google_ads') GROUP BY day`,
    );
    const expected = expectedCentsByDay([...stats, restated]);
    assert.equal(marts.get(DAYS[1]!), expected.get(DAYS[1]!), "the restated day");
    assert.deepEqual(Object.fromEntries(marts), Object.fromEntries(expected));
  });
});
