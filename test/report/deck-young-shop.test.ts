// The deck's charts for a shop whose data begins 11 days before the run date (Wed 11 Nov 2026; run date Sat
// 21 Nov), in the deck's content model: no chart names a period or a series the data does not have. Expected
// figures are summed here from the fixture's rows, not read from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { hasIsolatedPoint } from "../../functions/report/deck-charts.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ChartSpec, ContentSlide, DeckContent } from "../../functions/report/deck-model.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { chartOnSlide, chartXmlOnSlide, openDeck } from "./pptx-reader.ts";
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

describe("deck: line charts with a point that stands alone", () => {
  it("a value with no value beside it is one, however many gaps the line has", () => {
    assert.equal(hasIsolatedPoint([3.1]), true);
    assert.equal(hasIsolatedPoint([null, 2, null, 4, 5]), true);
    assert.equal(hasIsolatedPoint([1, 2, null, 4, 5]), false);
    assert.equal(hasIsolatedPoint([null, null]), false);
  });

  it("a first-month shop's ROAS and MER are marked points, a year's are a line without markers", async () => {
    const data = youngShop();
    // November complete: its ROAS and MER are drawn (a month missing spend has no point).
    data.marts.monthly = data.marts.monthly.map((row) => ({ ...row, incomplete_days: 0 }));
    const symbols = async (report: ReportData) => {
      const deck = await openDeck(await renderDeck(buildDeckContent(report)));
      const number = deck.slides.findIndex((xml) => xml.includes('name="efficiency-monthly"')) + 1;
      const xml = await chartXmlOnSlide(deck, number, "efficiency-monthly");
      return {
        points: (await chartOnSlide(deck, number, "efficiency-monthly")).map(
          (series) => series.values.length,
        ),
        symbols: [...new Set([...xml.matchAll(/<c:symbol val="([a-z]+)"\/>/g)].map((match) => match[1]))],
      };
    };
    assert.deepEqual(await symbols(data), { points: [1, 1], symbols: ["circle"] });
    const year = await symbols(buildReportData());
    assert.deepEqual(year.symbols, ["none"]);
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
