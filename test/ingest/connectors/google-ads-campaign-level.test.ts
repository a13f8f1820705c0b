// Spend that Google Ads reports only at campaign level. A Smart campaign's metrics are available from the campaign
// resource alone (Google Ads API, Smart campaigns → Reporting): no ad group or asset group row holds them, while the
// customer's own totals do. And a campaign's own row may count more than its groups' rows. The local server answers
// so (a fixture row with neither adGroup nor assetGroup is what only its campaign reports); the connector must land
// every campaign's own day (raw.google_ads_campaign_totals, as Airbyte's third custom query does) beside its groups'
// rows, and staging must count each campaign's day whole, once: the Search campaign's ad groups, the Performance Max
// campaign's asset groups, the Smart campaign's days, and the Demand Gen campaign's part beyond its ad group, down to
// the marts, and the reconciliation against the customer's totals must match.
// Expected numbers are hand-picked fixture values, or sums of the server's fixture objects, never the connector's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runReconciliation } from "../../../functions/check-sources/reconciliation.ts";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { GoogleAdsRow } from "../../../functions/lib/platform-apis/google-ads.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import { buildPlatformData, GOOGLE_CUSTOMER, PULL_ALL, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const DAYS = 30;
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

/** A staged row of a campaign's part beyond its groups, numbers as doubles. */
interface CampaignLevelRow {
  day: string;
  campaign: string;
  name: string;
  spend: number;
  impressions: number;
  clicks: number;
  conversions: number;
  value: number;
}

const sorted = (map: Map<string, number>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

describe("Google Ads spend reported only at campaign level", () => {
  it("lands each campaign's day whole and once, the marts' spend is the campaigns' totals, and the reconciliation matches", async () => {
    const data = buildPlatformData(11, RUN_DATE, DAYS);
    data.googleRows.push(...campaignLevelRows());
    const bench = await openBench(data);
    try {
      const pulled = await bench.pull(RUN_DATE, ONLY_GOOGLE);
      assert.deepEqual(pulled.findings, []);
      const from = addDays(RUN_DATE, -(PULL_ALL.google_ads.lookbackDays - 1));
      const expected = campaignDayMicros(data.googleRows, from);

      // Each campaign's own day lands once in google_ads_campaign_totals, its micros the sum of the campaign's
      // fixture rows; the group table holds groups only. A second pull of the same days replaces the first's rows.
      const campaignTotals = async () =>
        bench.rows<{ key: string; cost: string; rows: number }>(
          `SELECT segments_date::VARCHAR || '|' || campaign_id::VARCHAR AS key,
             SUM(metrics_cost_micros)::VARCHAR AS cost, COUNT(*)::INT AS rows
           FROM raw.google_ads_campaign_totals GROUP BY 1`,
        );
      for (const pull of ["first", "second"]) {
        if (pull === "second") assert.deepEqual((await bench.pull(RUN_DATE, ONLY_GOOGLE)).findings, []);
        const totals = await campaignTotals();
        assert.deepEqual(
          sorted(new Map(totals.map((row) => [row.key, Number(row.cost)]))),
          sorted(expected),
          `${pull} pull: raw campaign micros per day and campaign`,
        );
        assert.deepEqual(new Set(totals.map((row) => row.rows)), new Set([1]), `${pull} pull: one row each`);
      }
      assert.deepEqual(
        await bench.rows("SELECT campaign_id FROM raw.google_ads_campaign_stats WHERE ad_group_id IS NULL"),
        [],
      );

      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
      // Staging's rows of what a campaign counts beyond its groups: the Smart campaign's every day, the Demand Gen
      // campaign's even days at $4.75; none of the Search campaign (ad groups) nor of Performance Max (asset groups).
      const campaignLevel = await bench.rows<CampaignLevelRow>(
        `SELECT strftime(date, '%Y-%m-%d') AS day, campaign_id AS campaign, ad_group_name AS name,
           spend::DOUBLE AS spend, impressions::INT AS impressions, clicks::INT AS clicks,
           conversions::DOUBLE AS conversions, conversion_value::DOUBLE AS value
         FROM staging.stg_google_ads_campaign_stats
         WHERE ad_group_id = 'campaign:' || campaign_id AND date >= DATE '${from}'
         ORDER BY day, campaign`,
      );
      const expectedCampaignLevel: CampaignLevelRow[] = [];
      for (let offset = DAYS - 1; offset >= 0; offset -= 1) {
        const day = addDays(RUN_DATE, -offset);
        if (day < from) continue;
        const name = "(campaign level)";
        expectedCampaignLevel.push({
          day,
          campaign: SMART,
          name,
          spend: 18.25 + offset,
          impressions: 700,
          clicks: 35,
          conversions: 1.5,
          value: 60,
        });
        if (offset % 2 === 0)
          expectedCampaignLevel.push({
            day,
            campaign: DEMAND_GEN,
            name,
            spend: 4.75,
            impressions: 40,
            clicks: 2,
            conversions: 0.2,
            value: 9.9,
          });
      }
      expectedCampaignLevel.sort(
        (a, b) => a.day.localeCompare(b.day) || a.campaign.localeCompare(b.campaign),
      );
      assert.deepEqual(
        campaignLevel.map((row) => ({ ...row })),
        expectedCampaignLevel,
      );

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
      // Without the campaigns' own days (the two group-level streams alone, as Airbyte's first two custom queries
      // land them), the reconciliation's window (offsets 2 to 15) misses the Smart days, 14 × $18.25 + (2 + … + 15)
      // = $374.50, and the Demand Gen even days, 7 × $4.75 = $33.25: $407.75 less spend than Google's own totals.
      await bench.warehouse.rawConnection.run("DELETE FROM raw.google_ads_campaign_totals");
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
