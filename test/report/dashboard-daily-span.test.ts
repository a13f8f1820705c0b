// The dashboard's daily charts draw the days the shop has: from its first day of data when that is inside the 28
// days, with titles that name the days shown, and the whole 28 days, titled as before, for a shop with history.
// Every expected label, title and value below is written out by hand from the rows in this file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import type { ChartSpec, DashboardModel } from "../../functions/report/dashboard-rows.ts";
import { rows } from "../support/extract-rows.ts";

const RUN_DATE = "2026-11-29"; // the 28 days: Mon 2 Nov … Sun 29 Nov 2026
const SHOP = { name: "Test Shop", currency: "USD", locale: "en-US" };

const DAILY_HEADER =
  "date,orders,gross_revenue,net_revenue,new_customers,new_customer_revenue,returning_customer_revenue,ad_spend,orders_missing_value,orders_with_value,is_complete,missing_sources,blended_roas,mer";
const CHANNEL_HEADER =
  "date,channel,spend,impressions,clicks,attributed_orders,attributed_revenue,is_complete,missing_sources";
const CAMPAIGN_HEADER =
  "date,platform,channel,campaign_id,campaign_name,spend,platform_conversion_value,attributed_orders,attributed_revenue,is_complete";
const PRODUCT_HEADER = "date,product_id,product_title,category,units,orders,revenue";

/** The same days of every daily extract; `first` adds one more day before them (the shop's first). */
function tables(first: { daily: string; channel: string; campaign: string; product: string }) {
  return {
    daily_kpis: rows(
      DAILY_HEADER,
      first.daily,
      "2026-11-21,1,50,50,0,0,50,20,0,1,false,facebook_ads,2.5,2.5",
      "2026-11-29,3,130,130,1,40,90,10,0,3,true,,13,13",
    ),
    marketing_daily_channel: rows(
      CHANNEL_HEADER,
      first.channel,
      "2026-11-21,meta,,,,0,0,false,facebook_ads",
      "2026-11-29,meta,10,1000,10,1,60,true,",
    ),
    campaign_daily: rows(
      CAMPAIGN_HEADER,
      first.campaign,
      "2026-11-29,facebook_ads,meta,c1,Prospecting,10,80,1,60,true",
    ),
    product_daily_sales: rows(
      PRODUCT_HEADER,
      first.product,
      "2026-11-21,1,Serum,Skincare,1,1,50",
      "2026-11-29,1,Serum,Skincare,3,3,130",
    ),
  };
}

/** The charts that draw one point or bar per day, by id, and the title each has for a shop with history. */
const DAILY_TITLES: Record<string, string> = {
  "overview-daily": "Revenue and ad spend by day",
  "overview-efficiency": "Blended ROAS and MER by day",
  "overview-customers": "Revenue from new and returning customers",
  "channels-daily-spend": "Spend by paid channel and day",
  "campaigns-daily-spend": "Spend by day, top 1 campaigns",
  "campaigns-daily-revenue": "UTM-attributed revenue by day, top 1 campaigns",
  "products-category-daily": "Revenue by category and day",
};

function dailyCharts(model: DashboardModel): Map<string, ChartSpec> {
  const charts = model.pages.flatMap((page) => page.charts).filter((chart) => chart.id in DAILY_TITLES);
  return new Map(charts.map((chart) => [chart.id, chart]));
}

/** The titles and labels that count the window's days: its tables' titles and the data quality page's. */
function windowCounts(model: DashboardModel): string[] {
  const pages = new Map(model.pages.map((page) => [page.id, page]));
  const table = (page: string, id: string) => pages.get(page)?.tables.find((item) => item.id === id)?.title;
  return [
    table("channels", "channels-table") ?? "",
    table("campaigns", "campaigns-table") ?? "",
    pages.get("quality")?.tiles.find((tile) => tile.id === "incomplete_days")?.label ?? "",
    pages.get("quality")?.charts.find((chart) => chart.id === "quality-missing-sources")?.title ?? "",
  ];
}

describe("the dashboard's daily charts of a shop whose data begins 10 days before the run date", () => {
  // The shop's first day is Fri 20 Nov: 20 to 29 Nov is 10 days, the 18 days before it (2–19 Nov) hold nothing.
  const model = buildDashboardModel(
    tables({
      daily: "2026-11-20,2,70,70,2,70,0,30,0,2,true,,2.33,2.33",
      channel: "2026-11-20,meta,30,3000,30,1,40,true,",
      campaign: "2026-11-20,facebook_ads,meta,c1,Prospecting,30,50,1,40,true",
      product: "2026-11-20,1,Serum,Skincare,2,2,70",
    }),
    { runDate: RUN_DATE, shop: SHOP, demo: false },
  );
  const charts = dailyCharts(model);
  const days = Array.from({ length: 10 }, (_, index) => `${20 + index} Nov`);
  // 20 Nov, 21 Nov, no row from 22 to 28 Nov, 29 Nov.
  const week = Array.from({ length: 7 }, () => null);

  it("start on the first day of data: 10 days, 20 to 29 Nov, on every daily chart", () => {
    assert.deepEqual([...charts.keys()].sort(), Object.keys(DAILY_TITLES).sort());
    for (const [id, chart] of charts) {
      assert.deepEqual(chart.labels, days, id);
      for (const series of chart.series) assert.equal(series.data.length, 10, `${id}: ${series.label}`);
    }
  });

  it("name the days they show in their titles", () => {
    for (const [id, chart] of charts)
      assert.equal(chart.title, `${DAILY_TITLES[id]}, last 10 days (20–29 Nov 2026)`, id);
  });

  it("put each day's value, and its shading, at that day's label", () => {
    const revenue = charts.get("overview-daily");
    assert.deepEqual(revenue?.series[0]?.data, [70, 50, ...week, 130]);
    // 21 Nov lacked Meta: no spend point, and the day is shaded (the second label).
    assert.deepEqual(revenue?.series[1]?.data, [30, null, ...week, 10]);
    assert.deepEqual(revenue?.incomplete, [1]);
    assert.deepEqual(charts.get("overview-efficiency")?.series[0]?.data, [2.33, null, ...week, 13]);
    assert.deepEqual(charts.get("channels-daily-spend")?.series[0]?.data, [30, null, ...week, 10]);
    assert.deepEqual(charts.get("channels-daily-spend")?.incomplete, [1]);
    // A campaign day is unknown when its platform had not landed (21 Nov), 0 on a landed day without a row.
    assert.deepEqual(charts.get("campaigns-daily-spend")?.series[0]?.data, [
      30,
      null,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      10,
    ]);
    assert.deepEqual(
      charts.get("products-category-daily")?.series[0]?.data,
      [70, 50, 0, 0, 0, 0, 0, 0, 0, 130],
    );
  });

  it("count its 10 days, not 28, where a table or the quality page names the days it sums", () => {
    assert.deepEqual(windowCounts(model), [
      "Channels, 10 days",
      "Campaigns, 10 days",
      "Incomplete days (of 10)",
      "Days each source was incomplete (last 10 days)",
    ]);
  });

  it("say on the overview and channel pages which days the figures and daily charts cover", () => {
    const note =
      "The shop's data begins Fri 20 Nov: the figures and daily charts cover its 10 days (20–29 Nov 2026), not the last 28.";
    for (const id of ["overview", "channels"]) {
      const notes = model.pages.find((page) => page.id === id)?.notes ?? [];
      assert.ok(notes.includes(note), `${id}: ${notes.join(" | ")}`);
    }
  });
});

describe("the dashboard's daily charts of a shop with history", () => {
  // The same rows with a first day before the 28 days (1 Oct): every chart keeps its 28 days and its title.
  const model = buildDashboardModel(
    tables({
      daily: "2026-10-01,2,70,70,2,70,0,30,0,2,true,,2.33,2.33",
      channel: "2026-10-01,meta,30,3000,30,1,40,true,",
      campaign: "2026-10-01,facebook_ads,meta,c1,Prospecting,30,50,1,40,true",
      product: "2026-10-01,1,Serum,Skincare,2,2,70",
    }),
    { runDate: RUN_DATE, shop: SHOP, demo: false },
  );
  const charts = dailyCharts(model);
  const days = Array.from({ length: 28 }, (_, index) => `${2 + index} Nov`);

  it("draw the 28 days, 2 to 29 Nov, under the titles they had", () => {
    assert.deepEqual([...charts.keys()].sort(), Object.keys(DAILY_TITLES).sort());
    for (const [id, chart] of charts) {
      assert.deepEqual(chart.labels, days, id);
      assert.equal(chart.title, DAILY_TITLES[id], id);
    }
    // 2 to 20 Nov have no row (19 days), then 21 Nov, 7 days without a row, and 29 Nov.
    const before = Array.from({ length: 19 }, () => null);
    assert.deepEqual(charts.get("overview-daily")?.series[0]?.data, [
      ...before,
      50,
      ...before.slice(0, 7),
      130,
    ]);
    assert.deepEqual(charts.get("overview-daily")?.incomplete, [19]);
    assert.deepEqual(windowCounts(model), [
      "Channels, 28 days",
      "Campaigns, 28 days",
      "Incomplete days (of 28)",
      "Days each source was incomplete (last 28 days)",
    ]);
    const overview = model.pages.find((page) => page.id === "overview");
    assert.ok(!overview?.notes.some((note) => note.includes("data begins")));
  });
});
