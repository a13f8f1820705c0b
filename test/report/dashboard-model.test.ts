// The dashboard's content model on hand-made extract rows: every expected number below is worked out by hand
// from the rows in this file. And the renderer's escaping: user text that would end the inlined script.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { isDemoPage, parseExtract } from "../../functions/report/dashboard-page.ts";
import { extractRowsSince } from "../../functions/report/dashboard-rows.ts";
import { readChartJs, renderDashboardHtml, scriptSafeJson } from "../../functions/report/dashboard-render.ts";
import type { DashboardPage, ExtractTables } from "../../functions/report/dashboard-rows.ts";
import { launchBrowser, openPage } from "../support/browser.ts";
import { rows } from "../support/extract-rows.ts";
import { germanLongDate, japaneseLongDate } from "../support/reader-dates.ts";

const RUN_DATE = "2026-11-29";
const SHOP = { name: "Test Shop", currency: "USD", locale: "en-US" };

const DAILY_HEADER =
  "date,orders,gross_revenue,net_revenue,new_customers,new_customer_revenue,returning_customer_revenue,ad_spend,orders_missing_value,orders_with_value,is_complete,missing_sources,blended_roas";

// Three days in the 28-day window (one lacking Meta), one day before it (2026-11-01 is outside: the window
// starts 2026-11-02), one after the run date.
const daily = rows(
  DAILY_HEADER,
  "2026-11-01,999,99999,99999,9,0,0,9999,0,999,true,,10",
  "2026-11-02,10,1000,900,4,600,400,200,0,10,true,,5",
  "2026-11-28,20,3000,2800,5,2000,1000,500,2,18,true,,6",
  "2026-11-29,30,2000,1900,6,1500,500,300,0,30,false,facebook_ads,6.67",
  "2026-11-30,50,5000,5000,5,0,0,100,0,50,true,,50",
);

const channelsCsv = rows(
  "date,channel,spend,impressions,clicks,attributed_orders,attributed_revenue,is_complete,missing_sources",
  "2026-11-28,meta,100,1000,10,2,300,true,",
  "2026-11-29,meta,,,,0,0,false,facebook_ads",
  "2026-11-29,google_ads,50,500,20,1,250,true,",
  "2026-11-29,email,0,0,0,3,120,true,",
);

const products = rows(
  "date,product_id,product_title,category,units,orders,revenue",
  "2026-11-28,1,</script><script>window.pwned=1</script>\u2028Serum,Skincare,2,2,80",
  "2026-11-29,1,</script><script>window.pwned=1</script>\u2028Serum,Skincare,1,1,40",
  "2026-11-29,2,Cleanser,Skincare,5,4,100",
  "2026-11-29,3,Brush,Tools,1,1,150",
  "2026-10-01,3,Brush,Tools,100,100,15000",
);

const findings = rows(
  "severity,step,check_name,message",
  "warning,check-quality,a,second",
  "critical,check-sources,b,first",
);

function page(pages: DashboardPage[], id: string): DashboardPage {
  const found = pages.find((item) => item.id === id);
  assert.ok(found, `page ${id}`);
  return found;
}

const tile = (source: DashboardPage, id: string) => source.tiles.find((item) => item.id === id);
const chart = (source: DashboardPage, id: string) => source.charts.find((item) => item.id === id);

describe("the dashboard model", () => {
  const tables: ExtractTables = {
    daily_kpis: daily,
    marketing_daily_channel: channelsCsv,
    product_daily_sales: products,
    findings,
  };
  const model = buildDashboardModel(tables, { runDate: RUN_DATE, shop: SHOP, demo: false });

  it("sums the 28 days ending on the run date, and marks figures that lacked a source", () => {
    assert.deepEqual(model.window, { from: "2026-11-02", to: "2026-11-29", days: 28 });
    const overview = page(model.pages, "overview");
    assert.equal(tile(overview, "revenue")?.value, 6000);
    assert.equal(tile(overview, "orders")?.value, 60);
    assert.equal(tile(overview, "ad_spend")?.value, 1000);
    assert.equal(tile(overview, "blended_roas")?.value, 6); // 6000 / 1000
    assert.equal(tile(overview, "mer")?.value, 5.6); // 5600 / 1000
    assert.equal(tile(overview, "aov")?.value, 103.45); // 6000 / (60 - 2 orders without a value)
    assert.equal(tile(overview, "cac")?.value, 66.67); // 1000 / 15
    // Without ad spend in the window (the platforms not landed yet) CAC is blank, as the extract's cac column is,
    // never $0.00; AOV, ROAS and MER follow the extract's declarations the same way.
    const noSpend = rows(
      DAILY_HEADER,
      "2026-11-28,4,152,132,3,0,0,0,0,4,false,facebook_ads,",
      "2026-11-29,2,60,60,1,0,0,0,0,2,false,facebook_ads,",
    );
    const unspent = page(
      buildDashboardModel({ ...tables, daily_kpis: noSpend }, { runDate: RUN_DATE, shop: SHOP, demo: false })
        .pages,
      "overview",
    );
    assert.equal(tile(unspent, "cac")?.value, null);
    assert.equal(tile(unspent, "blended_roas")?.value, null);
    assert.equal(tile(unspent, "aov")?.value, 35.33); // 212 / 6
    assert.match(tile(overview, "ad_spend")?.caveat ?? "", /excludes Meta on 1 day/);
    // To the shop currency's decimals, as the marts round them: 3 for a Kuwaiti dinar, 0 for a yen.
    const shopIn = (currency: string) =>
      page(
        buildDashboardModel(tables, { runDate: RUN_DATE, shop: { ...SHOP, currency }, demo: false }).pages,
        "overview",
      );
    assert.equal(tile(shopIn("KWD"), "aov")?.value, 103.448); // 6000 / 58
    assert.equal(tile(shopIn("KWD"), "cac")?.value, 66.667); // 1000 / 15
    assert.equal(tile(shopIn("JPY"), "aov")?.value, 103);
    assert.equal(tile(shopIn("JPY"), "cac")?.value, 67);
    // Against the 28 days before (2026-10-05 to 2026-11-01: the 2026-11-01 row alone).
    assert.equal(tile(overview, "revenue")?.change, -0.94); // 6000 / 99999 - 1
    assert.equal(tile(overview, "orders")?.change, -0.9399); // 60 / 999 - 1
    assert.equal(tile(overview, "revenue")?.changeIsPartial, false);
    assert.equal(tile(overview, "ad_spend")?.changeIsPartial, true);
    assert.equal(tile(overview, "revenue")?.caveat, undefined);
    const days = chart(overview, "overview-daily");
    assert.equal(days?.labels.length, 28);
    assert.deepEqual(days?.incomplete, [27]);
    assert.equal(days?.series[0]?.data[0], 1000);
    assert.equal(days?.series[0]?.data[27], 2000);
    // No spend point on the day that lacked Meta; no point at all on a day without a row.
    assert.equal(days?.series[1]?.data[27], null);
    assert.equal(days?.series[1]?.data[26], 500);
    assert.equal(days?.series[1]?.data[5], null);
    const roas = chart(overview, "overview-efficiency")?.series[0]?.data;
    assert.deepEqual(
      [roas?.[0], roas?.[26], roas?.[27]],
      [5, 6, null],
      "no ROAS point on the day lacking Meta",
    );
    const months = chart(overview, "overview-monthly");
    assert.deepEqual(months?.series[0]?.data, [105999]); // every November row up to the run date
  });

  it("totals channels without counting an unknown spend as 0 and flags the channel", () => {
    const channels = page(model.pages, "channels");
    assert.equal(tile(channels, "paid_spend")?.value, 150);
    assert.equal(tile(channels, "paid_revenue")?.value, 550);
    assert.equal(tile(channels, "paid_roas")?.value, 3.67);
    const revenue = chart(channels, "channels-revenue");
    assert.deepEqual(revenue?.labels, ["Meta *", "Google Ads", "Email"]);
    assert.deepEqual(revenue?.series[0]?.data, [300, 250, 120]);
    const table = channels.tables[0];
    assert.deepEqual(table?.incompleteRows, [0]);
    assert.equal(table?.rows[2]?.[1], null, "email has no spend column value");
  });

  it("ranks products over the window only", () => {
    const productsPage = page(model.pages, "products");
    const top = chart(productsPage, "products-top");
    assert.deepEqual(top?.series[0]?.data, [150, 120, 100]);
    assert.equal(top?.labels[1], "</script><script>window.pwned=1</script>\u2028Serum");
    assert.deepEqual(chart(productsPage, "products-categories")?.series[0]?.data, [220, 150]);
    assert.equal(tile(productsPage, "units")?.value, 9);
  });

  it("counts findings and incomplete days", () => {
    const quality = page(model.pages, "quality");
    assert.deepEqual(chart(quality, "quality-findings")?.series[0]?.data, [1, 1, 0]);
    assert.equal(quality.tables[0]?.rows[0]?.[3], "first", "critical first");
    assert.equal(tile(quality, "incomplete_days")?.value, 1);
    assert.deepEqual(chart(quality, "quality-missing-sources")?.series[0]?.data, [1]);
    assert.equal(tile(quality, "orders_missing_value")?.value, 2);
    const withReconciliation = buildDashboardModel(
      {
        ...tables,
        reconciliation: rows(
          "source,metric,status,api_value,warehouse_value,difference,currency",
          "google_ads,spend,OK,100,100,0,EUR",
          // A USD Meta account of a EUR shop: its totals are dollars, and the page says so.
          "facebook_ads,spend,MISMATCH,120,100,-20,USD",
        ),
      },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    const table = page(withReconciliation.pages, "quality").tables.find(
      (item) => item.id === "quality-reconciliation",
    );
    assert.deepEqual(table?.rows[1], ["Meta", "spend", "USD", "MISMATCH", 120, 100, -20]);
    assert.deepEqual(table?.incompleteRows, [1]);
  });

  it("builds a page that says which extract is missing instead of failing", () => {
    const bare = buildDashboardModel({ findings }, { runDate: RUN_DATE, shop: SHOP, demo: true });
    assert.deepEqual(page(bare.pages, "overview").missing, ["daily_kpis", "executive_summary_monthly"]);
    assert.deepEqual(page(bare.pages, "campaigns").missing, ["campaign_daily"]);
    assert.deepEqual(page(bare.pages, "geography").missing, ["geographic_sales"]);
    assert.deepEqual(page(bare.pages, "cohorts").missing, ["ltv_cohorts"]);
    assert.deepEqual(page(bare.pages, "quality").missing, ["daily_kpis"]);
    assert.equal(page(bare.pages, "overview").charts.length, 0);
  });

  it("campaigns, geography and cohorts from their extracts", () => {
    const withLooker = buildDashboardModel(
      {
        ...tables,
        campaign_daily: rows(
          "date,platform,channel,campaign_id,campaign_name,ad_group_id,spend,impressions,clicks,platform_conversion_value,attributed_orders,attributed_revenue,is_complete",
          "2026-11-28,facebook_ads,meta,c1,Prospecting,g1,60,600,6,120,,,true",
          "2026-11-28,facebook_ads,meta,c1,Prospecting,g2,40,400,4,80,,,true",
          "2026-11-28,facebook_ads,meta,c1,Prospecting,,,,,,2,300,true",
          "2026-11-29,google_ads,google_ads,c2,Search,g3,50,500,20,90,,,true",
          "2026-11-29,google_ads,google_ads,c2,Search,,,,,,1,250,true",
          "2026-10-29,google_ads,google_ads,c2,Search,g3,5000,500,20,90,,,true",
        ),
        geographic_sales: rows(
          "month,country_code,region_code,orders,revenue,orders_with_value",
          "2026-11-01,US,CA,10,1000,10",
          "2026-11-01,US,NY,5,500,4",
          "2026-10-01,FR,IDF,4,2000,4",
          "2025-11-01,FR,IDF,99,99999,99",
        ),
        ltv_cohorts: rows(
          "cohort_month,months_since_first_order,cohort_customers,active_customers,cumulative_revenue,cumulative_revenue_per_customer,retention",
          "2026-09-01,0,10,10,1000,100,1",
          "2026-09-01,1,10,2,1300,130,0.2",
          "2026-10-01,0,30,30,2400,80,1",
          "2026-10-01,1,30,3,2700,90,0.1",
          "2026-11-01,0,5,5,500,100,1",
        ),
      },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    const campaigns = page(withLooker.pages, "campaigns");
    assert.equal(tile(campaigns, "campaign_spend")?.value, 150);
    assert.equal(tile(campaigns, "campaign_revenue")?.value, 550);
    const top = chart(campaigns, "campaigns-top");
    assert.deepEqual(top?.series[0]?.data, [100, 50]);
    // Meta lacked a day (marketing_daily_channel): its campaign is marked though it has no row that day.
    assert.deepEqual(top?.labels, ["Prospecting (Meta) *", "Search (Google Ads)"]);
    assert.deepEqual(chart(campaigns, "campaigns-roas")?.series[1]?.data, [2, 1.8]);

    const geography = page(withLooker.pages, "geography");
    assert.equal(tile(geography, "geo_revenue")?.value, 3500); // Dec 2025 – Nov 2026, not Nov 2025
    assert.deepEqual(chart(geography, "geography-countries")?.labels, ["FR", "US"]);
    assert.deepEqual(chart(geography, "geography-countries")?.series[0]?.data, [2000, 1500]);
    assert.equal(geography.tables[0]?.rows[1]?.[3], 107.14); // 1500 / 14 orders with a value

    const cohorts = page(withLooker.pages, "cohorts");
    assert.equal(tile(cohorts, "cohort_customers")?.value, 45);
    assert.equal(tile(cohorts, "retention_m1")?.value, 0.125); // (2 + 3) / (10 + 30)
    assert.deepEqual(chart(cohorts, "cohorts-customers")?.series[0]?.data, [10, 30, 5]);
    assert.deepEqual(cohorts.tables[0]?.rows[0]?.slice(1), [10, 0.2]);
  });

  it("campaign revenue and ROAS are over the channels with spend: a TikTok UTM campaign without spend is left out", () => {
    // A shop that connects Meta alone: Meta's campaign spends $100 for $300 over 3 orders; orders tagged
    // utm_source=tiktok name a campaign no connected platform reports, $200 over 2 orders with no spend. The
    // ROAS over every campaign read (300 + 200) / 100 = 5.00; over the channels with spend it is 300 / 100 = 3.00.
    const metaOnly = buildDashboardModel(
      {
        ...tables,
        campaign_daily: rows(
          "date,platform,channel,campaign_id,campaign_name,ad_group_id,spend,impressions,clicks,platform_conversion_value,attributed_orders,attributed_revenue,is_complete",
          "2026-11-28,facebook_ads,meta,c1,Prospecting,g1,100,1000,10,400,,,true",
          "2026-11-28,facebook_ads,meta,c1,Prospecting,,,,,,3,300,true",
          "2026-11-28,,tiktok,,spring_drop,,,,,,2,200,true",
        ),
      },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    const campaigns = page(metaOnly.pages, "campaigns");
    assert.equal(tile(campaigns, "campaign_spend")?.value, 100);
    assert.equal(tile(campaigns, "campaign_revenue")?.value, 300);
    assert.equal(tile(campaigns, "campaign_roas")?.value, 3);
    assert.equal(tile(campaigns, "campaign_roas")?.note, "Channels with spend; leaves out TikTok: no spend");
    // The TikTok campaign keeps its own row: its revenue, and no ROAS.
    const spring = campaigns.tables[0]?.rows.find((row) => row[0] === "spring_drop");
    assert.deepEqual(spring, ["spring_drop", "TikTok", 0, 0, null, 2, 200, null, null]);
  });
});

describe("the dashboard model of a shop whose data begins inside the 28 days", () => {
  // The shop's first day of data is Fri 20 Nov; the window runs from Mon 2 Nov to Sun 29 Nov.
  const tables: ExtractTables = {
    daily_kpis: rows(
      DAILY_HEADER,
      "2026-11-20,2,70,70,2,70,0,0,0,2,true,,",
      "2026-11-21,1,0,0,0,0,0,0,0,1,true,,",
      "2026-11-29,3,130,130,1,40,90,0,0,3,true,,",
    ),
    product_daily_sales: rows(
      "date,product_id,product_title,category,units,orders,revenue",
      "2026-11-20,1,Serum,Skincare,1,1,40",
      "2026-11-20,3,Brush,Tools,1,1,30",
      "2026-11-29,1,Serum,Skincare,1,1,40",
      "2026-11-29,2,Cleanser,Skincare,2,2,90",
    ),
    product_performance: rows(
      "month,product_id,product_title,category,orders,refunded_orders,revenue,refund_rate",
      "2026-11-01,1,Serum,Skincare,2,1,80,0.5",
      "2026-11-01,2,Cleanser,Skincare,2,0,90,0",
    ),
    geographic_sales: rows(
      "month,country_code,region_code,orders,revenue,orders_with_value",
      "2026-11-01,US,CA,5,300,5",
    ),
  };
  const model = buildDashboardModel(tables, { runDate: RUN_DATE, shop: SHOP, demo: false });

  it("names the one month a first-month shop's refunds and countries cover, not a span from it to itself or a year", () => {
    const products = page(model.pages, "products");
    const refunds = products.tables.find((table) => table.id === "products-refunds");
    assert.equal(refunds?.title, "Refunds of the 2 most ordered products, 1–29 Nov 2026");
    const geography = page(model.pages, "geography");
    assert.ok(geography.notes.includes("Months 1–29 Nov 2026."), geography.notes.join(" | "));
    assert.deepEqual(
      geography.tiles
        .filter((tile) => tile.id === "geo_revenue" || tile.id === "geo_orders")
        .map((tile) => [tile.label, tile.value]),
      [
        ["Revenue, 1 month", 300],
        ["Orders, 1 month", 5],
      ],
    );
    assert.equal(
      geography.tables.find((table) => table.id === "geography-table")?.title,
      "Countries, 1–29 Nov 2026",
    );
  });

  it("starts the category chart on the first day of data, and says that is where its bars start", () => {
    const categories = chart(page(model.pages, "products"), "products-category-daily");
    assert.ok(categories, "the chart is drawn");
    // Worked out by hand from the rows above: 20 to 29 Nov (the 18 days before hold nothing and are not drawn),
    // each day's revenue per category, 0 on a day of data with no sale in it (21–28 Nov, and Tools on the 29th).
    assert.equal(categories.labels.length, 10);
    assert.equal(categories.labels[0], "20 Nov");
    assert.deepEqual(
      categories.series.map((series) => [series.label, series.data]),
      [
        ["Skincare", [40, 0, 0, 0, 0, 0, 0, 0, 0, 130]],
        ["Tools", [30, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
      ],
    );
    assert.equal(categories.title, "Revenue by category and day, last 10 days (20–29 Nov 2026)");
    assert.equal(categories.caveat, "From Fri 20 Nov, the first day of the shop's data.");
  });

  it("says on the overview and channel pages where the data begins, and on no page of a shop with history", () => {
    const note =
      "The shop's data begins Fri 20 Nov: the figures and daily charts cover its 10 days (20–29 Nov 2026), not the last 28.";
    for (const id of ["overview", "channels"]) assert.ok(page(model.pages, id).notes.includes(note), id);
    const established = buildDashboardModel(
      {
        daily_kpis: rows(
          DAILY_HEADER,
          "2026-10-01,1,10,10,1,10,0,0,0,1,true,,",
          "2026-11-29,3,130,130,1,40,90,0,0,3,true,,",
        ),
      },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    assert.ok(!page(established.pages, "overview").notes.some((text) => text.includes("data begins")));
  });
});

describe("reading the extracts", () => {
  it("keeps only the rows a page reads, decided while parsing; quoted commas and newlines survive", () => {
    const since = extractRowsSince(RUN_DATE);
    assert.deepEqual(since.product_daily_sales, { column: "date", since: "2026-11-02" });
    assert.deepEqual(since.daily_kpis, { column: "date", since: "2025-11-01" }); // 13 months of bars
    assert.deepEqual(since.geographic_sales, { column: "month", since: "2025-12-01" });
    const csv =
      'date,product_title,revenue\n2026-11-01,old,1\n2026-11-02,"Serum, 30 ml\nrefill",2\n2026-11-29,x,3\n';
    const kept = parseExtract(csv, since.product_daily_sales);
    assert.deepEqual(
      kept.map((row) => [row.date, row.product_title, row.revenue]),
      [
        ["2026-11-02", "Serum, 30 ml\nrefill", "2"],
        ["2026-11-29", "x", "3"],
      ],
    );
    assert.equal(parseExtract(csv).length, 3);
  });
});

describe("the dashboard HTML", () => {
  it("escapes </script>, & and U+2028 in the inlined JSON, which still parses back to the same text", () => {
    const text = "</script><!-- & \u2028\u2029";
    const json = scriptSafeJson({ text });
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(json), { text });
  });

  it("marks a page of demo data, whether the run or the extracts' is_demo say so", async () => {
    assert.equal(
      isDemoPage(false, { findings, daily_kpis: rows("date,is_demo", "2026-11-29,false") }),
      false,
    );
    assert.equal(isDemoPage(false, { findings, daily_kpis: rows("date,is_demo", "2026-11-29,true") }), true);
    assert.equal(isDemoPage(true, {}), true);
    const chartJs = await readChartJs();
    const demo = renderDashboardHtml(
      buildDashboardModel({}, { runDate: RUN_DATE, shop: SHOP, demo: true }),
      chartJs,
    );
    assert.match(demo, /<title>DEMO DATA · /);
    assert.match(demo, /<div class="demo">DEMO DATA/);
    const real = renderDashboardHtml(
      buildDashboardModel({}, { runDate: RUN_DATE, shop: SHOP, demo: false }),
      chartJs,
    );
    assert.doesNotMatch(real, /DEMO DATA/);
  });

  it("names the run date in the page's title (its tab, its bookmark) as the shop's locale writes it", async () => {
    const chartJs = await readChartJs();
    for (const [locale, runDay] of [
      ["en-US", "Sun 29 Nov 2026"],
      ["de-DE", germanLongDate(RUN_DATE)],
      ["ja-JP", japaneseLongDate(RUN_DATE)],
    ] as const) {
      const html = renderDashboardHtml(
        buildDashboardModel({}, { runDate: RUN_DATE, shop: { ...SHOP, locale }, demo: false }),
        chartJs,
      );
      assert.equal(/<title>(.*)<\/title>/.exec(html)?.[1], `Test Shop · dashboard · ${runDay}`, locale);
    }
  });

  it("keeps a dinar's fils: sums of a 3-decimal currency are not rounded to cents", () => {
    // A Kuwaiti shop (KWD: 1,000 fils to the dinar). By hand: revenue 29.330 + 55.085 + 92.630 = 177.045, spend
    // 6.666 + 2.895 + 4.115 = 13.676, Meta's attributed revenue 1.105 + 2.210 = 3.315; rounded to cents they
    // read 177.05, 13.68 and 3.32.
    const dinars = buildDashboardModel(
      {
        daily_kpis: rows(
          DAILY_HEADER,
          "2026-11-27,3,29.330,29.330,3,29.330,0,6.666,0,3,true,,4.4",
          "2026-11-28,4,55.085,55.085,2,14.475,40.610,2.895,0,4,true,,19.03",
          "2026-11-29,5,92.630,92.630,3,50.505,42.125,4.115,0,5,true,,22.51",
        ),
        marketing_daily_channel: rows(
          "date,channel,spend,impressions,clicks,attributed_orders,attributed_revenue,is_complete,missing_sources",
          "2026-11-28,meta,2.895,1000,10,1,1.105,true,",
          "2026-11-29,meta,4.115,1000,10,1,2.210,true,",
        ),
      },
      { runDate: RUN_DATE, shop: { name: "Souq", currency: "KWD", locale: "en-KW" }, demo: false },
    );
    const overview = page(dinars.pages, "overview");
    assert.equal(tile(overview, "revenue")?.value, 177.045);
    assert.equal(tile(overview, "ad_spend")?.value, 13.676);
    assert.equal(tile(page(dinars.pages, "channels"), "paid_revenue")?.value, 3.315);
  });

  it("writes a money column's cells alike: cents only when every amount in the column is under 1,000", async () => {
    const model = buildDashboardModel(
      {},
      { runDate: RUN_DATE, shop: { name: "Nordlicht", currency: "EUR", locale: "de-DE" }, demo: false },
    );
    model.pages.push({
      id: "money",
      title: "Money",
      missing: [],
      notes: [],
      tiles: [],
      charts: [],
      tables: [
        {
          id: "money-table",
          title: "Money",
          columns: [
            { label: "Campaign", format: "text" },
            { label: "Spend", format: "money" },
            { label: "CPC", format: "money" },
          ],
          rows: [
            ["Prospecting", 1055.2, 0.87],
            ["Retargeting", 0, 1.5],
          ],
        },
      ],
    });
    const html = renderDashboardHtml(model, await readChartJs());
    const table = html.slice(html.indexOf('data-table="money-table"'));
    const cells = [...table.matchAll(/<td class="num" data-value="[^"]*">([^<]*)<\/td>/g)]
      .slice(0, 4)
      .map((match) => match[1]!.replace(/\u00a0/g, " "));
    // Spend holds 1,055.20: whole euros in both its cells; CPC is all under 1,000: cents in both.
    assert.deepEqual(cells, ["1.055 €", "0,87 €", "0 €", "1,50 €"]);
  });

  it("keeps hostile product titles as text in a real browser, charts drawn", async () => {
    const model = buildDashboardModel(
      { daily_kpis: daily, marketing_daily_channel: channelsCsv, product_daily_sales: products, findings },
      { runDate: RUN_DATE, shop: { ...SHOP, name: "<img src=x onerror=window.pwned=2>" }, demo: false },
    );
    const html = renderDashboardHtml(model, await readChartJs());
    const browser = await launchBrowser();
    try {
      const { page: tab, errors } = await openPage(browser, 1024);
      const requests: string[] = [];
      tab.on("request", (request) => requests.push(request.url()));
      await tab.setContent(html);
      const seen = await tab.evaluate(() => {
        const chart = (
          window as unknown as {
            Chart: { getChart(id: string): { data: { labels: string[] } } | undefined };
            pwned?: number;
          }
        ).Chart.getChart("chart-products-top");
        return { labels: chart?.data.labels ?? [], pwned: (window as { pwned?: number }).pwned ?? null };
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], "the page fetches nothing");
      assert.equal(seen.pwned, null);
      assert.equal(seen.labels[1], "</script><script>window.pwned=1</script>\u2028Serum");
      assert.equal(await tab.locator("header h1").textContent(), "<img src=x onerror=window.pwned=2>");
    } finally {
      await browser.close();
    }
  });
});
