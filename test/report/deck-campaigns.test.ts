// The campaign slide and the new-customer CPA slide, rendered and read back from the .pptx: every figure is the
// fixture's rows put through the test's own arithmetic (ROAS = revenue ÷ spend, CPA = spend ÷ orders).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CampaignPeriodRow } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { openDeck, pct, slideWithTitle, tableRows, usd } from "./pptx-reader.ts";
import { buildReportData, channelMonthRows } from "./report-data-fixture.ts";

const campaign = (
  key: string,
  platform: string,
  channel: string,
  current: [number, number, number],
  previous: [number, number, number],
): CampaignPeriodRow => ({
  platform,
  channel,
  campaign_key: key,
  campaign_name: `Campaign ${key}`,
  current_spend: current[0],
  current_orders: current[1],
  current_revenue: current[2],
  previous_spend: previous[0],
  previous_orders: previous[1],
  previous_revenue: previous[2],
  incomplete_days: 0,
});

const arrowed = (change: string) =>
  change.startsWith("+") ? `▲ ${change}` : change.startsWith("-") ? `▼ ${change}` : change;

describe("deck campaigns and new-customer CPA", () => {
  it("lists the top campaigns by spend with ROAS, CPA and their change, a stale platform's marked", async () => {
    const data = buildReportData();
    // Meta Ads had not landed from 17 Nov: those days' rows name facebook_ads among the missing sources.
    data.daily = data.daily.map((row) =>
      row.date >= "2026-11-17" ? { ...row, is_complete: false, missing_sources: "facebook_ads" } : row,
    );
    data.marts.campaignPeriods = [
      campaign("g1", "google_ads", "google_ads", [20_000, 400, 60_000], [16_000, 400, 40_000]),
      campaign("m1", "facebook_ads", "meta", [10_000, 100, 25_000], [12_000, 150, 30_000]),
    ];
    data.marts.adGroupPeriods = [];
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "Top campaigns").xml, "top-campaigns");
    const google = data.marts.campaignPeriods[0]!;
    const roas = (revenue: number, spend: number) => `${(revenue / spend).toFixed(2)}×`;
    assert.deepEqual(rows[1], [
      "Campaign g1",
      "Google Ads",
      usd(20_000),
      arrowed(pct(20_000, 16_000)),
      roas(google.current_revenue, google.current_spend),
      arrowed(pct(60_000 / 20_000, 40_000 / 16_000)),
      usd(20_000 / 400, 2),
      arrowed(pct(20_000 / 400, 16_000 / 400)),
    ]);
    assert.deepEqual(rows[2]?.slice(0, 3), ["Campaign m1 *", "Meta", usd(10_000)]);
    assert.equal(rows.length, 3);
  });

  it("gives each paid channel's new-customer CPA and its change against last month", async () => {
    const data = buildReportData();
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "New-customer CPA").xml, "new-customer-cpa");
    const months = channelMonthRows();
    const google = (month: string) =>
      months.find((row) => row.month === month && row.channel === "google_ads")!;
    const now = google("2026-11-01");
    const before = google("2026-10-01");
    const cpa = (row: typeof now) => row.spend / row.attributed_new_customers;
    const googleRow = rows.find((row) => row[0] === "Google Ads");
    assert.deepEqual(googleRow?.slice(1, 6), [
      usd(now.spend),
      now.attributed_new_customers.toLocaleString("en-US"),
      now.attributed_orders.toLocaleString("en-US"),
      usd(cpa(now), 2),
      arrowed(pct(cpa(now), cpa(before))),
    ]);
    // Email and direct have no spend: only paid channels are listed.
    assert.ok(!rows.some((row) => row[0]?.startsWith("Email")));
  });
});
