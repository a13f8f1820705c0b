// The deck's charts for a shop whose data begins 11 days before the run date (Wed 11 Nov 2026; run date Sat
// 21 Nov), in the deck's content model: no chart names a period or a series the data does not have. Expected
// figures are summed here from the fixture's rows, not read from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ChartSpec, ContentSlide, DeckContent } from "../../functions/report/deck-model.ts";
import { buildReportData, channelRows, periodMarts, RUN_DATE } from "./report-data-fixture.ts";

const FIRST_DAY = "2026-11-11";

function youngShop(): ReportData {
  const data = buildReportData();
  data.daily = data.daily.filter((row) => row.date >= FIRST_DAY);
  data.channels = channelRows(RUN_DATE).filter((row) => row.date >= FIRST_DAY);
  data.marts = periodMarts(data.daily);
  // The mart has a row for a month with data only.
  data.marts.monthly = data.marts.monthly.filter((row) => row.days > 0);
  return data;
}

const slide = (deck: DeckContent, kind: ContentSlide["kind"]) =>
  deck.slides.find((one) => one.kind === kind) as ContentSlide;
const charts = (one: ContentSlide): ChartSpec[] =>
  one.blocks.flatMap((placed) => (placed.block.type === "chart" ? [placed.block.chart] : []));

describe("deck: a shop whose data begins 11 days before the run date", () => {
  const data = youngShop();
  const deck = buildDeckContent(data);

  it("the 13-month trend draws no year-ago line, and its titles say there is no data a year earlier", () => {
    assert.equal(data.marts.monthly.length, 1, "one month of data: November 2026");
    const gross = data.daily.reduce((total, row) => total + row.gross_revenue, 0);
    const orders = data.daily.reduce((total, row) => total + row.orders, 0);
    const [revenue, ordersChart] = charts(slide(deck, "trend"));
    assert.deepEqual(
      [revenue?.title, revenue?.series.map((series) => [series.name, series.values])],
      ["Gross revenue by month (no data a year earlier)", [["Gross revenue", [gross]]]],
    );
    assert.deepEqual(
      [ordersChart?.title, ordersChart?.series.map((series) => [series.name, series.values])],
      ["Orders by month (no data a year earlier)", [["Orders", [orders]]]],
    );
  });

  it("the channels chart names the days it sums, from the first day of data, not 28 days", () => {
    const [chart] = charts(slide(deck, "channels"));
    assert.equal(
      chart?.title,
      "Spend and attributed revenue by channel — 11–21 Nov 2026 (since 11 Nov, the first day of data)",
    );
    const spend = (channel: string) =>
      data.channels.filter((row) => row.channel === channel).reduce((total, row) => total + row.spend, 0);
    // Google Ads 11 days × $3,000, Meta 11–16 Nov × $2,000, TikTok 11 days × $1,000.
    assert.deepEqual([spend("google_ads"), spend("meta"), spend("tiktok")], [33_000, 12_000, 11_000]);
    assert.deepEqual(chart?.series[0]?.values, [33_000, 12_000, 11_000]);
  });
});

describe("deck: a shop with more than a year of data", () => {
  const deck = buildDeckContent(buildReportData());

  it("keeps the year-ago line and the 28-day title", () => {
    const [revenue] = charts(slide(deck, "trend"));
    assert.equal(revenue?.title, "Gross revenue vs same days last year");
    assert.deepEqual(
      revenue?.series.map((series) => series.name),
      ["Gross revenue", "Same days last year"],
    );
    assert.ok(revenue?.series[1]?.values.some((value) => value !== null));
    const [channels] = charts(slide(deck, "channels"));
    assert.equal(channels?.title, "Spend and attributed revenue by channel — 25 Oct – 21 Nov 2026");
  });
});
