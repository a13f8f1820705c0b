// Performance Max, the campaign type most Shopify shops run on Google, has asset groups instead of ad groups: Google's
// API returns none of its rows to a query FROM ad_group (its Performance Max reporting guide), while the
// customer's own totals count its spend. The local server answers so; the Google Ads connector must land the
// Performance Max spend too, by asset group, or the warehouse under-counts Google spend every day.
// Expected rows and totals are computed here from the server's fixture objects, never from the connector's output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { GoogleAdsRow } from "../../../functions/lib/platform-apis/google-ads.ts";
import { buildPlatformData, GOOGLE_CUSTOMER, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const LOOKBACK_START = addDays(RUN_DATE, -6); // the bench's seven-day lookback
const PMAX_CAMPAIGN = "2100000009";

/** Two asset groups of a Performance Max campaign, a row a day each, with hand-picked costs. */
function performanceMaxRows(): GoogleAdsRow[] {
  const rows: GoogleAdsRow[] = [];
  for (let offset = 0; offset < 7; offset += 1) {
    const date = addDays(RUN_DATE, -offset);
    for (const [group, dollars] of [
      ["6100000001", 120 + offset],
      ["6100000002", 45.5],
    ] as const)
      rows.push({
        customer: { id: GOOGLE_CUSTOMER, currencyCode: "USD" },
        campaign: { id: PMAX_CAMPAIGN, name: "PMax all products", advertisingChannelType: "PERFORMANCE_MAX" },
        assetGroup: { id: group, name: `Asset group ${group.slice(-1)}` },
        segments: { date },
        metrics: {
          costMicros: String(dollars * 1_000_000),
          impressions: "9000",
          clicks: "90",
          conversions: 3,
          conversionsValue: 210,
        },
      });
  }
  return rows;
}

describe("Google Ads Performance Max campaigns", () => {
  it("lands their spend by asset group, so each day's cost is the customer's whole cost", async () => {
    const data = buildPlatformData(64);
    const pmax = performanceMaxRows();
    data.googleRows.push(...pmax);
    const bench = await openBench(data);
    try {
      const result = await bench.pull(RUN_DATE);
      assert.deepEqual(result.findings, []);

      const landedPmax = await bench.rows<Record<string, string>>(
        `SELECT segments_date::VARCHAR AS day, ad_group_id::VARCHAR AS ad_group_id, ad_group_name,
           metrics_cost_micros::VARCHAR AS cost
         FROM raw.google_ads_campaign_stats WHERE campaign_id = '${PMAX_CAMPAIGN}' ORDER BY day, ad_group_id`,
      );
      const expectedPmax = pmax
        .map((row) => ({
          day: row.segments?.date ?? "",
          ad_group_id: row.assetGroup?.id ?? "",
          ad_group_name: row.assetGroup?.name ?? "",
          cost: row.metrics?.costMicros ?? "",
        }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.ad_group_id.localeCompare(b.ad_group_id));
      assert.deepEqual(
        landedPmax.map((row) => ({ ...row })),
        expectedPmax,
        "each asset group's day, in the ad group's place",
      );

      // Every day's landed cost is what the customer spent that day, Performance Max included.
      const spentByDay = new Map<string, number>();
      for (const row of data.googleRows) {
        const day = row.segments?.date ?? "";
        if (day < LOOKBACK_START || day > RUN_DATE) continue;
        spentByDay.set(day, (spentByDay.get(day) ?? 0) + Number(row.metrics?.costMicros ?? 0));
      }
      const landedByDay = await bench.rows<{ day: string; cost: string }>(
        `SELECT segments_date::VARCHAR AS day, SUM(metrics_cost_micros)::VARCHAR AS cost
         FROM raw.google_ads_campaign_stats GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(
        landedByDay.map((row) => [row.day, Number(row.cost)]),
        [...spentByDay.entries()].sort(([a], [b]) => a.localeCompare(b)),
      );
    } finally {
      await bench.close();
    }
  });
});
