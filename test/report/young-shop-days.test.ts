// A young shop (its data begins fewer than 28 days before the run date) meets no "last 28 days" above fewer days
// of data: the dashboard's header, the deck's daily trend and channel gaps slides and the "no channel data" words
// of the deck and the email name the days the shop has. A shop with the whole 28 days reads as it always did.
// The rows are generated here, one a day from the shop's first day; every expected count is counted here from
// the first day and the run date (milliseconds apart), every range written out, not read from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChannelDayRow, ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildSummaryEmail } from "../../functions/notify/summary-email.ts";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractTables } from "../../functions/report/dashboard-rows.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide, DeckContent, TableSpec } from "../../functions/report/deck-model.ts";
import { renderDeck, titleFontSize } from "../../functions/report/deck-render.ts";
import { TITLE_W } from "../../functions/report/deck-style.ts";
import { rows } from "../support/extract-rows.ts";
import { openDeck, paragraphs, shapeNamed, slideTitle, slideWithTitle } from "./pptx-reader.ts";
import { buildReportData, channelRows, periodMarts, RUN_DATE } from "./report-data-fixture.ts";

const DAY_MS = 86_400_000;
/** YYYY-MM-DD `offset` days from `date`, by milliseconds (not the calendar helpers under test). */
const shift = (date: string, offset: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
/** Days from `from` to `to`, both counted. */
const daysFromTo = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

// --- the dashboard -------------------------------------------------------------------------------------------

const DASHBOARD_RUN = "2026-11-29"; // the 28 days: Mon 2 Nov … Sun 29 Nov 2026
const SHOP = { name: "Test Shop", currency: "USD", locale: "en-US" };

/** Every daily extract with a row a day from `first` to the run date: a shop whose data begins on `first`. */
function dashboardTables(first: string, runDate = DASHBOARD_RUN): ExtractTables {
  const days: string[] = [];
  for (let day = first; day <= runDate; day = shift(day, 1)) days.push(day);
  return {
    daily_kpis: rows(
      "date,orders,gross_revenue,net_revenue,new_customers,new_customer_revenue,returning_customer_revenue,ad_spend,orders_missing_value,orders_with_value,is_complete,missing_sources",
      ...days.map((day) => `${day},2,100,90,1,60,40,25,0,2,true,`),
    ),
    marketing_daily_channel: rows(
      "date,channel,spend,impressions,clicks,attributed_orders,attributed_revenue,is_complete,missing_sources",
      ...days.map((day) => `${day},meta,25,2500,25,1,50,true,`),
    ),
    campaign_daily: rows(
      "date,platform,channel,campaign_id,campaign_name,spend,platform_conversion_value,attributed_orders,attributed_revenue,is_complete",
      ...days.map((day) => `${day},facebook_ads,meta,c1,Prospecting,25,60,1,50,true`),
    ),
    product_daily_sales: rows(
      "date,product_id,product_title,category,units,orders,revenue",
      ...days.map((day) => `${day},1,Serum,Skincare,2,2,100`),
    ),
  };
}

function dashboardHeader(tables: ExtractTables, shop = SHOP, runDate = DASHBOARD_RUN): string {
  const html = renderDashboardHtml(buildDashboardModel(tables, { runDate, shop, demo: false }), "");
  return /<header>\n<h1>[^<]*<\/h1>\n<p>([^<]*)<\/p>/.exec(html)?.[1] ?? "";
}

describe("the dashboard's header names the days its pages show", () => {
  it("a shop whose data begins on each of the 27 days after the window's first: its days since then", () => {
    for (let day = 3; day <= 29; day += 1) {
      const first = `2026-11-${String(day).padStart(2, "0")}`;
      const count = daysFromTo(first, DASHBOARD_RUN);
      assert.equal(count, 30 - day, first);
      const expected =
        count === 1
          ? "Dashboard for Sun 29 Nov 2026 · 1 day, since the data began: 29 Nov 2026 · USD"
          : `Dashboard for Sun 29 Nov 2026 · last ${count} days, since the data began: ${day}–29 Nov 2026 · USD`;
      assert.equal(dashboardHeader(dashboardTables(first)), expected, first);
    }
  });

  it("names the same days as the daily charts' titles and the overview's note", () => {
    const model = buildDashboardModel(dashboardTables("2026-11-20"), {
      runDate: DASHBOARD_RUN,
      shop: SHOP,
      demo: false,
    });
    assert.equal(
      dashboardHeader(dashboardTables("2026-11-20")),
      "Dashboard for Sun 29 Nov 2026 · last 10 days, since the data began: 20–29 Nov 2026 · USD",
    );
    const chart = model.pages.flatMap((page) => page.charts).find((item) => item.id === "overview-daily");
    assert.equal(chart?.title, "Revenue and ad spend by day, last 10 days (20–29 Nov 2026)");
    assert.equal(chart?.labels.length, 10);
  });

  it("across two months, in the shop's locale", () => {
    // Run date Sun 8 Nov (the window: 12 Oct … 8 Nov), data from Thu 15 Oct: 17 days of October, 8 of November.
    const tables = dashboardTables("2026-10-15", "2026-11-08");
    assert.equal(daysFromTo("2026-10-15", "2026-11-08"), 25);
    assert.equal(
      dashboardHeader(tables, SHOP, "2026-11-08"),
      "Dashboard for Sun 8 Nov 2026 · last 25 days, since the data began: 15 Oct – 8 Nov 2026 · USD",
    );
    assert.equal(
      dashboardHeader(tables, { name: "Laden", currency: "EUR", locale: "de-DE" }, "2026-11-08"),
      "Dashboard for So. 8. Nov. 2026 · last 25 days, since the data began: 15. Okt. – 8. Nov. 2026 · EUR",
    );
  });

  it("a shop whose data begins on the window's first day, or before it, keeps 'last 28 days'", () => {
    for (const first of ["2026-11-02", "2026-11-01", "2026-10-01"])
      assert.equal(
        dashboardHeader(dashboardTables(first)),
        "Dashboard for Sun 29 Nov 2026 · last 28 days: 2–29 Nov 2026 · USD",
        first,
      );
  });

  it("rows only after the run date (a later run's) leave the whole window, titled as before", () => {
    const tables = dashboardTables("2026-11-29");
    for (const table of Object.values(tables)) for (const row of table ?? []) row.date = "2026-12-03";
    assert.equal(
      dashboardHeader(tables),
      "Dashboard for Sun 29 Nov 2026 · last 28 days: 2–29 Nov 2026 · USD",
    );
  });
});

// --- the deck and the email ----------------------------------------------------------------------------------

/** The report data of a shop whose data begins on `first` (the fixture's run date: Sat 21 Nov 2026). */
function youngShop(first: string, channels = true): ReportData {
  const data = buildReportData();
  data.daily = data.daily.filter((row) => row.date >= first);
  data.channels = channels ? channelRows(RUN_DATE).filter((row) => row.date >= first) : [];
  data.marts = periodMarts(data.daily);
  data.marts.monthly = data.marts.monthly.filter((row) => row.days > 0);
  // The mart explains days from the shop's first day only; none here.
  data.marts.channelGaps = [];
  return data;
}

const slide = (deck: DeckContent, kind: ContentSlide["kind"]) =>
  deck.slides.find((one) => one.kind === kind) as ContentSlide;
const tableOf = (one: ContentSlide, id: string): TableSpec | undefined =>
  one.blocks
    .flatMap((placed) => (placed.block.type === "table" ? [placed.block.table] : []))
    .find((table) => table.id === id);
const chartOf = (one: ContentSlide, id: string) =>
  one.blocks
    .flatMap((placed) => (placed.block.type === "chart" ? [placed.block.chart] : []))
    .find((chart) => chart.id === id);

/** The first days the deck and email are checked with (the 28 days: 25 Oct … 21 Nov), with their weekdays. */
const FIRST_DAYS: [string, string][] = [
  ["2026-10-26", "Mon 26 Oct"],
  ["2026-11-02", "Mon 2 Nov"],
  ["2026-11-11", "Wed 11 Nov"],
  ["2026-11-20", "Fri 20 Nov"],
  ["2026-11-21", "Sat 21 Nov"],
];

/** "26 Oct – 21 Nov 2026", "11–21 Nov 2026", "21 Nov 2026": written out from the first day's date. */
function rangeTo21Nov(first: string): string {
  const day = Number(first.slice(8));
  if (first === RUN_DATE) return "21 Nov 2026";
  return first.slice(5, 7) === "10" ? `${day} Oct – 21 Nov 2026` : `${day}–21 Nov 2026`;
}

describe("the deck's daily titles for a shop whose data begins inside the 28 days", () => {
  for (const [first, weekday] of FIRST_DAYS) {
    const count = daysFromTo(first, RUN_DATE);
    const days = count === 1 ? "1 day" : `last ${count} days`;
    const range = rangeTo21Nov(first);

    it(`data from ${weekday}: ${count === 1 ? "1 day" : `${count} days`}, ${range}`, () => {
      assert.ok(count < 28);
      const deck = buildDeckContent(youngShop(first));
      const trend = slide(deck, "daily-trend");
      assert.equal(trend.title, `Revenue and ad spend — ${days}, since the data began`);
      // One bar a day of data, the first on the first day, and the totals over those days.
      assert.equal(chartOf(trend, "revenue-spend-trend")?.labels.length, count);
      const text = trend.blocks.flatMap((placed) =>
        placed.block.type === "text" ? placed.block.lines.map((line) => line.text) : [],
      );
      assert.ok(
        text[0]?.startsWith(`${range} (${count} ${count === 1 ? "day" : "days"} with data): `),
        text[0],
      );
      const gaps = slide(deck, "channel-gaps");
      assert.equal(gaps.title, `Paid channels: zero and missing days — ${days}`);
      const its = `${count} ${count === 1 ? "day" : "days"}`;
      assert.equal(gaps.subtitle, `The shop's data begins ${weekday}: ${its} (${range}), not 28.`);
      assert.equal(
        tableOf(gaps, "channel-gaps")?.emptyText,
        `Every paid channel has spend and attributed orders on each day since the data began on ${weekday} (${its}).`,
      );
      const channels = slide(buildDeckContent(youngShop(first, false)), "channels");
      const none = `No channel data since the data began on ${weekday} (${its}).`;
      assert.equal(tableOf(channels, "channels-run-day")?.emptyText, none);
      assert.equal(chartOf(channels, "channel-spend-28d")?.emptyText, none);
      assert.equal(chartOf(channels, "channel-spend-28d")?.series[0]?.values.length, 0);
    });
  }

  it("renders the longer titles on one line of the title bar, and the gaps slide's subtitle", async () => {
    for (const [first, days] of [
      ["2026-10-26", "last 27 days"],
      ["2026-11-21", "1 day"],
    ] as const) {
      const deck = await openDeck(await renderDeck(buildDeckContent(youngShop(first))));
      for (const title of [
        `Revenue and ad spend — ${days}, since the data began`,
        `Paid channels: zero and missing days — ${days}`,
      ]) {
        const { xml } = slideWithTitle(deck, title);
        assert.equal(slideTitle(xml), title);
        // As deck-layout.test.ts holds every title: its size fits the bar's width on one line.
        const size = titleFontSize(title);
        assert.ok((title.length * 0.63 * size) / 72 <= TITLE_W, `${title}: ${size} pt`);
        assert.match(xml, new RegExp(`<a:rPr lang="en-US" sz="${size * 100}"`));
      }
      const gaps = slideWithTitle(deck, "Paid channels: zero and missing days").xml;
      const subtitle = paragraphs(shapeNamed(gaps, "subtitle")).join("");
      assert.match(subtitle, /^The shop's data begins (Mon 26 Oct: 27 days|Sat 21 Nov: 1 day) \(/);
    }
  });

  it("names no retail event before the shop's first day: Singles' Day (11 Nov) only from 11 Nov", () => {
    const events = (first: string) =>
      slide(buildDeckContent(youngShop(first)), "daily-trend")
        .blocks.flatMap((placed) =>
          placed.block.type === "text" ? placed.block.lines.map((line) => line.text) : [],
        )
        .find((line) => line.startsWith("Retail events"));
    // The 28 days (25 Oct – 21 Nov) hold Halloween (31 Oct) and Singles' Day (11 Nov).
    assert.equal(events("2026-10-26"), "Retail events: Halloween 31 Oct 2026 · Singles' Day 11 Nov 2026.");
    assert.equal(events("2026-11-11"), "Retail events: Singles' Day 11 Nov 2026.");
    assert.equal(events("2026-11-12"), undefined);
  });

  it("a shop with the whole 28 days keeps its titles and words", () => {
    for (const data of [buildReportData(), youngShop(shift(RUN_DATE, -27))]) {
      data.marts.channelGaps = [];
      const deck = buildDeckContent(data);
      assert.equal(slide(deck, "daily-trend").title, "Revenue and ad spend — last 28 days");
      const gaps = slide(deck, "channel-gaps");
      assert.equal(gaps.title, "Paid channels: zero and missing days — last 28 days");
      assert.equal(gaps.subtitle, undefined);
      assert.equal(
        tableOf(gaps, "channel-gaps")?.emptyText,
        "Every paid channel has spend and attributed orders on each of the last 28 days.",
      );
      const channels = slide(buildDeckContent({ ...data, channels: [] }), "channels");
      assert.equal(tableOf(channels, "channels-run-day")?.emptyText, "No channel data in the last 28 days.");
    }
  });
});

describe("the summary email's channels without a channel, for a shop whose data begins inside the 28 days", () => {
  for (const [first, weekday] of FIRST_DAYS) {
    const count = daysFromTo(first, RUN_DATE);
    it(`data from ${weekday}: names its ${count === 1 ? "1 day" : `${count} days`}`, () => {
      const email = buildSummaryEmail(youngShop(first, false));
      const words = `No channel data since the data began on ${weekday} (${count} ${count === 1 ? "day" : "days"}).`;
      assert.ok(email.text.includes(`\n${words}\n`), email.text);
      assert.ok(email.html.includes(`>${words}</p>`));
      assert.ok(!email.text.includes("28 days"));
    });
  }

  it("a shop with the whole 28 days keeps 'in the last 28 days'", () => {
    const email = buildSummaryEmail({ ...buildReportData(), channels: [] as ChannelDayRow[] });
    assert.ok(email.text.includes("\nNo channel data in the last 28 days.\n"));
    assert.ok(email.html.includes(">No channel data in the last 28 days.</p>"));
  });
});
