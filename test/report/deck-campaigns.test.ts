// The campaign slide and the new-customer CPA slide, rendered and read back from the .pptx: every figure is the
// fixture's rows put through the test's own arithmetic (ROAS = revenue ÷ spend, CPA = spend ÷ orders).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CampaignPeriodRow } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import {
  GREEN,
  openDeck,
  pct,
  RED,
  runColor,
  shapeNamed,
  slideWithTitle,
  tableRows,
  texts,
  times,
  usd,
} from "./pptx-reader.ts";
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

  it("gives a campaign that spent nothing no CPA (n/a), never $0.00", async () => {
    const data = buildReportData();
    // A campaign tagged in UTMs on a platform the shop buys no ads on: 30 orders, nothing spent, this month or last.
    data.marts.campaignPeriods = [
      campaign("g1", "google_ads", "google_ads", [20_000, 400, 60_000], [16_000, 400, 40_000]),
      campaign("t1", "tiktok_ads", "tiktok", [0, 30, 3_000], [0, 20, 2_000]),
    ];
    data.marts.adGroupPeriods = [];
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "Top campaigns").xml, "top-campaigns");
    assert.deepEqual(rows[1]?.slice(6), [usd(20_000 / 400, 2), arrowed(pct(20_000 / 400, 16_000 / 400))]);
    assert.deepEqual(rows[2]?.slice(0, 3), ["Campaign t1", "TikTok", usd(0)]);
    assert.deepEqual(rows[2]?.slice(6), ["n/a", "n/a"]);
  });

  it("gives each paid channel's new customers, CPA and ROAS against last month and last year", async () => {
    const data = buildReportData();
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "New customers by channel").xml, "new-customers-by-channel");
    assert.deepEqual(rows[0], [
      "Channel",
      "Spend",
      "New customers",
      "New-customer CPA",
      "vs Oct 2026",
      "vs Nov 2025",
      "New-customer ROAS",
      "vs Oct 2026",
      "vs Nov 2025",
    ]);
    const months = channelMonthRows();
    const paidIn = (month: string) => months.filter((row) => row.month === month && row.is_paid_channel);
    type Sums = { spend: number; customers: number; revenue: number };
    const sums = (rows: readonly (typeof months)[number][]): Sums => ({
      spend: rows.reduce((total, row) => total + row.spend, 0),
      customers: rows.reduce((total, row) => total + row.attributed_new_customers, 0),
      revenue: rows.reduce((total, row) => total + (row.attributed_new_customer_revenue ?? 0), 0),
    });
    const cpa = (month: Sums) => month.spend / month.customers;
    const roas = (month: Sums) => month.revenue / month.spend;
    const expectedRow = (name: string, now: Sums, before: Sums, lastYear: Sums) => [
      name,
      usd(now.spend),
      now.customers.toLocaleString("en-US"),
      usd(cpa(now), 2),
      arrowed(pct(cpa(now), cpa(before))),
      arrowed(pct(cpa(now), cpa(lastYear))),
      times(roas(now)),
      arrowed(pct(roas(now), roas(before))),
      arrowed(pct(roas(now), roas(lastYear))),
    ];
    const channel = (month: string, key: string) => sums(paidIn(month).filter((row) => row.channel === key));
    // Google Ads spends most, then Meta, then TikTok; the total is a ratio of sums over the three.
    assert.deepEqual(
      rows.slice(1).map((row) => row[0]),
      ["Google Ads", "Meta", "TikTok", "All paid channels"],
    );
    assert.deepEqual(
      rows[1],
      expectedRow(
        "Google Ads",
        channel("2026-11-01", "google_ads"),
        channel("2026-10-01", "google_ads"),
        channel("2025-11-01", "google_ads"),
      ),
    );
    assert.deepEqual(
      rows[4],
      expectedRow(
        "All paid channels",
        sums(paidIn("2026-11-01")),
        sums(paidIn("2026-10-01")),
        sums(paidIn("2025-11-01")),
      ),
    );
  });

  it("gives a channel without a new customer no CPA (n/a), never 0", async () => {
    const data = buildReportData();
    data.marts.channelMonths = data.marts.channelMonths.map((row) =>
      row.channel === "tiktok" && row.month === "2026-11-01"
        ? { ...row, attributed_new_customers: 0, attributed_new_customer_revenue: 0 }
        : row,
    );
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const rows = tableRows(slideWithTitle(deck, "New customers by channel").xml, "new-customers-by-channel");
    const tiktok = rows.find((row) => row[0] === "TikTok");
    assert.deepEqual(tiktok?.slice(2, 5), ["0", "n/a", "n/a"]);
    assert.equal(tiktok?.[6], times(0));
  });

  it("marks a month that lacks a platform's days and judges none of its changes; reads the channels out in the notes", async () => {
    const data = buildReportData();
    // Meta Ads had not landed on 3 days of November 2026.
    data.marts.channelMonths = data.marts.channelMonths.map((row) =>
      row.channel === "meta" && row.month === "2026-11-01"
        ? { ...row, incomplete_days: 3, is_complete: false }
        : row,
    );
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const slide = slideWithTitle(deck, "New customers by channel");
    const rows = tableRows(slide.xml, "new-customers-by-channel");
    const meta = rows.find((row) => row[0]?.startsWith("Meta"));
    const google = rows.find((row) => row[0] === "Google Ads");
    assert.equal(meta?.[0], "Meta *");
    const table = shapeNamed(slide.xml, "new-customers-by-channel");
    // Each table row's XML, so that a colour is read from its own row (two rows may show the same change).
    const rowXml = (name: string) => table.split("<a:tr ").find((xml) => texts(xml)[0] === name) ?? "";
    const colours = (name: string, changes: (string | undefined)[]) =>
      changes.map((change) => runColor(rowXml(name), change ?? ""));
    // Meta's four changes are in the plain text colour (not judged); Google Ads' complete month keeps its colours.
    const metaColours = colours("Meta *", [meta?.[4], meta?.[5], meta?.[7], meta?.[8]]);
    assert.ok(
      metaColours.every((colour) => colour !== undefined && colour !== GREEN && colour !== RED),
      `not judged: ${metaColours}`,
    );
    const googleColours = colours("Google Ads", [google?.[5], google?.[8]]);
    assert.ok(
      googleColours.every((colour) => colour === GREEN || colour === RED),
      `judged: ${googleColours}`,
    );
    assert.match(texts(slide.xml).join(" "), /\* Incomplete: days without platform data/);
    const notes = await deck.zip.file(`ppt/notesSlides/notesSlide${slide.number}.xml`)?.async("string");
    const said = texts(notes ?? "").join(" ");
    const months = channelMonthRows().filter((row) => row.month === "2026-11-01");
    for (const key of ["google_ads", "meta", "tiktok"]) {
      const row = months.find((one) => one.channel === key)!;
      assert.ok(
        said.includes(
          `brought ${row.attributed_new_customers.toLocaleString("en-US")} at ${usd(row.spend / row.attributed_new_customers, 2)} each`,
        ),
        `${key} in the notes: ${said}`,
      );
    }
  });
});
