// Spend that Google Ads reports only at campaign level. A Smart campaign's metrics are available from the campaign
// resource alone (Google Ads API, Smart campaigns → Reporting): no ad group or asset group row holds them, while the
// customer's own totals do. And a campaign's own row may count more than its groups' rows. The local server answers
// so (a fixture row with neither adGroup nor assetGroup is what only its campaign reports); the connector must land
// every campaign's day whole, once: the Search campaign's ad groups, the Performance Max campaign's asset groups, the
// Smart campaign's days, and the Demand Gen campaign's part beyond its ad group, down to the marts, and the
// reconciliation against the customer's totals must match.
// Expected numbers are hand-picked fixture values, or sums of the server's fixture objects, never the connector's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runReconciliation } from "../../../functions/check-sources/reconciliation.ts";
import { addDays } from "../../../functions/lib/calendar.ts";
import { campaignRemainders, type GoogleAdsRow } from "../../../functions/lib/platform-apis/google-ads.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import { buildPlatformData, GOOGLE_CUSTOMER, PULL_ALL, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const DAYS = 30;
const SEARCH = "2100000001"; // buildPlatformData's Search campaign: two ad groups a day
const PMAX = "2100000009";
const SMART = "2100000011";
const DEMAND_GEN = "2100000012";
const ONLY_GOOGLE = {
  ...PULL_ALL,
  shopify: { enabled: false },
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
};

function googleRow(
  campaign: { id: string; name: string; type: string },
  date: string,
  dollars: number,
  metrics: { impressions: number; clicks: number; conversions: number; value: number },
  group?: { adGroup?: { id: string; name: string }; assetGroup?: { id: string; name: string } },
): GoogleAdsRow {
  return {
    customer: { id: GOOGLE_CUSTOMER, currencyCode: "USD" },
    campaign: { id: campaign.id, name: campaign.name, advertisingChannelType: campaign.type },
    ...group,
    segments: { date },
    metrics: {
      costMicros: String(Math.round(dollars * 1_000_000)),
      impressions: String(metrics.impressions),
      clicks: String(metrics.clicks),
      conversions: metrics.conversions,
      conversionsValue: metrics.value,
    },
  };
}

/**
 * Per day (offset 0 = the run date): a Performance Max campaign's two asset groups ($120 + offset, $45.50); a Smart
 * campaign's campaign-only day ($18.25 + offset, 700 impressions, 35 clicks, 1.5 conversions worth $60); a Demand
 * Gen campaign's ad group ($30, 3.1 conversions) and, on even offsets, $4.75 (and 0.2 conversions, 40 impressions,
 * 2 clicks, $9.90 of value) that its campaign row counts beyond its ad group.
 */
function campaignLevelRows(): GoogleAdsRow[] {
  const pmax = { id: PMAX, name: "PMax all products", type: "PERFORMANCE_MAX" };
  const smart = { id: SMART, name: "Smart local", type: "SMART" };
  const demandGen = { id: DEMAND_GEN, name: "Demand Gen lookalikes", type: "DEMAND_GEN" };
  const rows: GoogleAdsRow[] = [];
  for (let offset = 0; offset < DAYS; offset += 1) {
    const date = addDays(RUN_DATE, -offset);
    const plain = { impressions: 9000, clicks: 90, conversions: 3, value: 210 };
    rows.push(
      googleRow(pmax, date, 120 + offset, plain, { assetGroup: { id: "6100000001", name: "Asset group 1" } }),
      googleRow(pmax, date, 45.5, plain, { assetGroup: { id: "6100000002", name: "Asset group 2" } }),
      googleRow(smart, date, 18.25 + offset, { impressions: 700, clicks: 35, conversions: 1.5, value: 60 }),
      googleRow(
        demandGen,
        date,
        30,
        { impressions: 4000, clicks: 20, conversions: 3.1, value: 120.4 },
        { adGroup: { id: "7100000001", name: "Lookalike 1%" } },
      ),
    );
    if (offset % 2 === 0)
      rows.push(
        googleRow(demandGen, date, 4.75, { impressions: 40, clicks: 2, conversions: 0.2, value: 9.9 }),
      );
  }
  return rows;
}

/** Micros per campaign and day, summed straight from the fixture rows: what the server's FROM campaign answers. */
function campaignDayMicros(rows: GoogleAdsRow[], from: string): Map<string, number> {
  const days = new Map<string, number>();
  for (const row of rows) {
    const day = row.segments?.date ?? "";
    if (day < from || day > RUN_DATE) continue;
    const key = `${day}|${row.campaign?.id ?? ""}`;
    days.set(key, (days.get(key) ?? 0) + Number(row.metrics?.costMicros ?? 0));
  }
  return days;
}

/** A landed row of a campaign without a group, as text. */
interface CampaignRow {
  day: string;
  campaign: string;
  type: string;
  cost: string;
  impressions: string;
  clicks: string;
  conversions: string;
  value: string;
}

const sorted = (map: Map<string, number>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

describe("Google Ads spend reported only at campaign level", () => {
  it("keeps a campaign's remainder to the millionth, lands nothing where its groups add up, never a negative", () => {
    const date = "2026-11-20";
    const demandGen = { id: DEMAND_GEN, name: "Demand Gen", type: "DEMAND_GEN" };
    const group = { adGroup: { id: "7100000001", name: "Lookalike" } };
    // 0.1 + 0.2 conversions in two ad groups, 0.3 in the campaign row: nothing left, whatever the doubles say.
    const groups = [
      googleRow(demandGen, date, 10, { impressions: 100, clicks: 5, conversions: 0.1, value: 1.1 }, group),
      googleRow(demandGen, date, 20, { impressions: 200, clicks: 6, conversions: 0.2, value: 2.2 }, group),
    ];
    const counts = { impressions: 300, clicks: 11, conversions: 0.3, value: 3.3 };
    assert.deepEqual(campaignRemainders([googleRow(demandGen, date, 30, counts)], groups), []);
    // Groups that count more than the campaign (never seen from Google) leave no negative row.
    assert.deepEqual(campaignRemainders([googleRow(demandGen, date, 25, counts)], groups), []);
    // 3.3 − 3.1 conversions is 0.2 (not 0.19999999999999973); $35.50 − $30 is 5,500,000 micros.
    const more = googleRow(demandGen, date, 35.5, {
      impressions: 340,
      clicks: 13,
      conversions: 3.3,
      value: 12,
    });
    const [left] = campaignRemainders(
      [more],
      [googleRow(demandGen, date, 30, { impressions: 300, clicks: 11, conversions: 3.1, value: 3.3 }, group)],
    );
    assert.deepEqual(left?.metrics, {
      costMicros: "5500000",
      impressions: "40",
      clicks: "2",
      conversions: 0.2,
      conversionsValue: 8.7,
    });
    assert.equal(left?.adGroup, undefined);
    assert.equal(left?.assetGroup, undefined);
  });

  it("lands each campaign's day whole and once, the marts' spend is the campaigns' totals, and the reconciliation matches", async () => {
    const data = buildPlatformData(11, RUN_DATE, DAYS);
    data.googleRows.push(...campaignLevelRows());
    const bench = await openBench(data);
    try {
      const pulled = await bench.pull(RUN_DATE, ONLY_GOOGLE);
      assert.deepEqual(pulled.findings, []);
      const from = addDays(RUN_DATE, -(PULL_ALL.google_ads.lookbackDays - 1));

      // The rows without a group: the Smart campaign's every day, the Demand Gen campaign's even days at $4.75;
      // none of the Search campaign (ad groups) nor of the Performance Max campaign (asset groups).
      const campaignRows = await bench.rows<CampaignRow>(
        `SELECT segments_date::VARCHAR AS day, campaign_id::VARCHAR AS campaign,
           campaign_advertising_channel_type AS type, metrics_cost_micros::VARCHAR AS cost,
           metrics_impressions::VARCHAR AS impressions, metrics_clicks::VARCHAR AS clicks,
           metrics_conversions::VARCHAR AS conversions, metrics_conversions_value::VARCHAR AS value
         FROM raw.google_ads_campaign_stats WHERE ad_group_id IS NULL AND ad_group_name IS NULL
         ORDER BY day, campaign`,
      );
      const expectedCampaignRows: CampaignRow[] = [];
      for (let offset = DAYS - 1; offset >= 0; offset -= 1) {
        const day = addDays(RUN_DATE, -offset);
        if (day < from) continue;
        expectedCampaignRows.push({
          day,
          campaign: SMART,
          type: "SMART",
          cost: String((18.25 + offset) * 1_000_000),
          impressions: "700",
          clicks: "35",
          conversions: "1.5",
          value: "60.0",
        });
        if (offset % 2 === 0)
          expectedCampaignRows.push({
            day,
            campaign: DEMAND_GEN,
            type: "DEMAND_GEN",
            cost: "4750000",
            impressions: "40",
            clicks: "2",
            conversions: "0.2",
            value: "9.9",
          });
      }
      expectedCampaignRows.sort((a, b) => a.day.localeCompare(b.day) || a.campaign.localeCompare(b.campaign));
      assert.deepEqual(
        campaignRows.map((row) => ({ ...row })),
        expectedCampaignRows,
      );

      // Every campaign's landed day is its campaign total: nothing lost, nothing counted twice.
      const expected = campaignDayMicros(data.googleRows, from);
      const landed = await bench.rows<{ key: string; cost: string }>(
        `SELECT segments_date::VARCHAR || '|' || campaign_id::VARCHAR AS key, SUM(metrics_cost_micros)::VARCHAR AS cost
         FROM raw.google_ads_campaign_stats GROUP BY 1`,
      );
      assert.deepEqual(
        sorted(new Map(landed.map((row) => [row.key, Number(row.cost)]))),
        sorted(expected),
        "raw micros per day and campaign",
      );
      // A second pull of the same days replaces the first's rows, its campaigns' rows with them: nothing doubles.
      assert.deepEqual((await bench.pull(RUN_DATE, ONLY_GOOGLE)).findings, []);
      const again = await bench.rows<{ key: string; cost: string }>(
        `SELECT segments_date::VARCHAR || '|' || campaign_id::VARCHAR AS key, SUM(metrics_cost_micros)::VARCHAR AS cost
         FROM raw.google_ads_campaign_stats GROUP BY 1`,
      );
      assert.deepEqual(sorted(new Map(again.map((row) => [row.key, Number(row.cost)]))), sorted(expected));

      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
      const cents = (micros: number) => Math.round(micros / 10_000);
      const martCampaigns = await bench.rows<{ key: string; spend: number }>(
        `SELECT strftime(date, '%Y-%m-%d') || '|' || campaign_id AS key, SUM(spend)::DOUBLE AS spend
         FROM marts.campaign_performance_daily
         WHERE platform = 'google_ads' AND spend IS NOT NULL GROUP BY 1`,
      );
      assert.deepEqual(
        sorted(new Map(martCampaigns.map((row) => [row.key, Math.round(row.spend * 100)]))),
        sorted(new Map([...expected].map(([key, micros]) => [key, cents(micros)]))),
        "marts.campaign_performance_daily: spend per day and campaign",
      );
      // The Smart campaign's days are one ad-group row each, keyed by the campaign, apart from its attribution rows.
      const smartGroups = await bench.rows<{ ad_group_id: string; ad_group_name: string; days: number }>(
        `SELECT ad_group_id, ad_group_name, COUNT(*)::INT AS days FROM marts.campaign_performance_daily
         WHERE campaign_id = '${SMART}' AND spend IS NOT NULL GROUP BY ALL`,
      );
      assert.deepEqual(
        smartGroups.map((row) => ({ ...row })),
        [{ ad_group_id: `campaign:${SMART}`, ad_group_name: "(campaign level)", days: DAYS }],
      );

      const byDay = new Map<string, number>();
      for (const [key, micros] of expected) {
        const day = key.slice(0, 10);
        byDay.set(day, (byDay.get(day) ?? 0) + micros);
      }
      const channelDays = await bench.rows<{ day: string; spend: number }>(
        `SELECT strftime(date, '%Y-%m-%d') AS day, spend::DOUBLE AS spend FROM marts.marketing_daily_channel
         WHERE channel = (SELECT channel FROM staging.channels WHERE source = 'google_ads') AND spend > 0`,
      );
      assert.deepEqual(
        sorted(new Map(channelDays.map((row) => [row.day, Math.round(row.spend * 100)]))),
        sorted(new Map([...byDay].map(([day, micros]) => [day, cents(micros)]))),
        "marts.marketing_daily_channel: the Google channel's spend per day",
      );

      // The customer's own totals (FROM customer) hold every campaign: the warehouse now matches them.
      const result = await runReconciliation(bench.context(RUN_DATE, ONLY_GOOGLE), bench.io);
      const google = result.entries.filter((entry) => entry.source === "google_ads");
      assert.deepEqual(
        google.map((entry) => [entry.metric, entry.status]),
        [
          ["spend", "MATCH"],
          ["impressions", "MATCH"],
          ["clicks", "MATCH"],
        ],
      );
      const spend = google.find((entry) => entry.metric === "spend");
      assert.equal(spend?.api, spend?.warehouse);
      assert.deepEqual(
        result.findings.filter((finding) => finding.check === "reconciliation_mismatch"),
        [],
      );
      // Search and Performance Max were already whole: their campaigns have no row without a group.
      assert.deepEqual(
        await bench.rows(
          `SELECT campaign_id FROM raw.google_ads_campaign_stats
           WHERE ad_group_id IS NULL AND campaign_id IN (${SEARCH}, ${PMAX})`,
        ),
        [],
      );

      // Without the campaigns' rows (the two group-level streams alone, as Airbyte's custom queries land them), the
      // reconciliation's window (offsets 2 to 15) misses the Smart days, 14 × $18.25 + (2 + … + 15) = $374.50, and
      // the Demand Gen even days, 7 × $4.75 = $33.25: $407.75 less spend than Google's own totals.
      await bench.warehouse.rawConnection.run(
        "DELETE FROM raw.google_ads_campaign_stats WHERE ad_group_id IS NULL",
      );
      const groupsOnly = await runReconciliation(bench.context(RUN_DATE, ONLY_GOOGLE), bench.io);
      const short = groupsOnly.entries.find(
        (entry) => entry.source === "google_ads" && entry.metric === "spend",
      );
      assert.equal(short?.status, "MISMATCH");
      assert.equal(short?.difference, -407.75);
    } finally {
      await bench.close();
    }
  });
});
