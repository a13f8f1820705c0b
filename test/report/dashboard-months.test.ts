// The dashboard's month-grain parts and campaigns by day, on hand-made extract rows: every expected number below
// is worked out by hand from the rows in this file. The rows' own ratio cells are deliberately wrong: the page
// must recompute each ratio from the numerator and denominator columns extract-schemas.json declares.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { declaredChange, declaredRatio } from "../../functions/report/dashboard-declared.ts";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import {
  type DashboardPage,
  type ExtractTables,
  extractRowsSince,
  monthSpan,
} from "../../functions/report/dashboard-rows.ts";
import { rows } from "../support/extract-rows.ts";

const RUN_DATE = "2026-11-29"; // window 2026-11-02 … 2026-11-29; 13 months from Nov 2025; 12 from Dec 2025
const SHOP = { name: "Test Shop", currency: "USD", locale: "en-US" };

const executive = rows(
  "month,period_end,days,orders,gross_revenue,net_revenue,aov,new_customers,ad_spend,blended_roas,mer,cac,last_year_orders,last_year_gross_revenue,last_year_ad_spend,last_year_new_customers,gross_revenue_yoy,incomplete_days,orders_with_value",
  // Before the 13 months: not shown.
  "2025-10-01,2025-10-31,31,9999,999999,999999,1,9,9,1,1,1,,,,,,0,9999",
  "2025-11-01,2025-11-30,30,100,10000,9000,999,40,2000,999,999,999,,,,,,0,80",
  "2026-10-01,2026-10-31,31,200,30000,27000,999,50,0,999,999,999,100,20000,0,40,999,0,200",
  "2026-11-01,2026-11-29,29,150,15000,14000,999,30,5000,999,999,999,120,12000,4000,30,999,2,150",
);

const channelMix = rows(
  "month,channel,spend,attributed_revenue,spend_share,revenue_share,is_complete",
  "2026-10-01,meta,300,600,0.9,0.9,true",
  "2026-10-01,google_ads,100,200,0.9,0.9,true",
  "2026-10-01,email,0,200,0,0.9,true",
  "2026-11-01,meta,0,100,0,0.9,false",
  "2026-11-01,google_ads,50,300,0.9,0.9,false",
);

const productPerformance = rows(
  "month,product_id,product_title,category,orders,refunded_orders,revenue,refund_rate",
  "2025-11-01,1,Old title,Skincare,999,999,9999,1", // before the 12 months
  "2026-10-01,1,Serum,Skincare,100,4,1000,0.99",
  "2026-11-01,1,Serum v2,Skincare,50,1,500,0.99",
  "2026-11-01,2,Brush,Tools,20,2,300,0.99",
  "2026-11-01,3,Mask,,0,0,0,",
);

const premium = rows(
  "month,product_id,product_title,category,list_price,premium_threshold,units,orders,revenue,revenue_share",
  "2026-08-01,9,Ritual Set,Bundles,180,96.2,50,50,9000,0.5", // before the last 3 months
  "2026-09-01,9,Ritual Set,Bundles,180,96.2,5,5,900,0.09",
  "2026-11-01,9,Ritual Set,Bundles,180,96.2,2,2,360,0.024",
  "2026-11-01,8,Night Routine,Bundles,135,96.2,4,4,540,0.036",
);

const channelDays = rows(
  "date,channel,spend,attributed_revenue,is_complete,missing_sources",
  "2026-11-28,meta,100,300,true,",
  "2026-11-29,meta,,0,false,facebook_ads",
  "2026-11-29,google_ads,50,250,true,",
);

const CAMPAIGN_HEADER =
  "date,platform,channel,campaign_id,campaign_name,ad_group_id,spend,attributed_revenue,is_complete";
const campaigns = rows(
  CAMPAIGN_HEADER,
  "2026-11-28,facebook_ads,meta,c1,Prospecting,g1,60,,true",
  "2026-11-28,facebook_ads,meta,c1,Prospecting,g2,40,,true",
  "2026-11-28,facebook_ads,meta,c1,Prospecting,,,300,true",
  // Meta had not landed on the 29th: only the UTM row, marked incomplete.
  "2026-11-29,facebook_ads,meta,c1,Prospecting,,,50,false",
  "2026-11-29,google_ads,google_ads,c2,Search,g3,50,,true",
  "2026-11-29,google_ads,google_ads,c2,Search,,,250,true",
  "2026-11-28,google_ads,google_ads,c3,Shopping,g4,10,,true",
  "2026-11-28,google_ads,google_ads,c4,Brand,g5,9,,true",
  "2026-11-28,google_ads,google_ads,c5,PMax,g6,8,,true",
  "2026-11-28,google_ads,google_ads,c6,Display,g7,7,,true",
  "2026-11-28,google_ads,google_ads,c7,Video,g8,6,,true",
  "2026-10-29,google_ads,google_ads,c7,Video,g8,5000,,true", // before the window
);

function page(pages: DashboardPage[], id: string): DashboardPage {
  const found = pages.find((item) => item.id === id);
  assert.ok(found, `page ${id}`);
  return found;
}

describe("ratios from the declared numerator and denominator", () => {
  it("sums both parts over the rows, blank where the denominator or the required spend is 0", () => {
    const two = rows("gross_revenue,orders_with_value,ad_spend,new_customers", "100,3,0,2", "200,0,30,1");
    assert.equal(declaredRatio("executive_summary_monthly", "aov", two, 2), 100); // 300 / 3
    assert.equal(declaredRatio("executive_summary_monthly", "cac", two, 2), 10); // 30 / 3
    assert.equal(declaredRatio("executive_summary_monthly", "cac", two.slice(0, 1), 2), null); // no spend
    assert.equal(declaredRatio("executive_summary_monthly", "aov", two.slice(1), 2), null); // 0 orders
    assert.throws(() => declaredRatio("executive_summary_monthly", "orders", two), /not declared as a ratio/);
    const change = rows("gross_revenue,last_year_gross_revenue", "150,100", "50,");
    assert.equal(declaredChange("executive_summary_monthly", "gross_revenue_yoy", change.slice(0, 1)), 0.5);
    assert.equal(declaredChange("executive_summary_monthly", "gross_revenue_yoy", change), null);
  });

  it("an amount per order to the shop currency's decimals, a ratio that is not money to its own", () => {
    // 6000 / 58 = 103.4482…: 103.448 dinars, 103.45 dollars, 103 yen; ROAS 6000 / 1450 = 4.13793… to 4 places.
    const month = rows("gross_revenue,orders_with_value,ad_spend,new_customers", "6000,58,1450,0");
    assert.deepEqual(
      [3, 2, 0].map((places) => declaredRatio("executive_summary_monthly", "aov", month, places)),
      [103.448, 103.45, 103],
    );
    assert.equal(declaredRatio("executive_summary_monthly", "blended_roas", month), 4.1379);
    assert.equal(declaredRatio("executive_summary_monthly", "blended_roas", month, 0), 4.1379);
    assert.throws(
      () => declaredRatio("executive_summary_monthly", "aov", month),
      /executive_summary_monthly\.aov is rounded to the shop currency's decimals/,
    );
  });
});

describe("the dashboard's month-grain parts", () => {
  const tables: ExtractTables = {
    executive_summary_monthly: executive,
    channel_mix: channelMix,
    product_performance: productPerformance,
    premium_products: premium,
    marketing_daily_channel: channelDays,
    campaign_daily: campaigns,
  };
  const model = buildDashboardModel(tables, { runDate: RUN_DATE, shop: SHOP, demo: false });

  it("reads each extract from the first month a part shows", () => {
    const since = extractRowsSince(RUN_DATE);
    assert.deepEqual(since.executive_summary_monthly, { column: "month", since: "2025-11-01" });
    assert.deepEqual(since.channel_mix, { column: "month", since: "2025-11-01" });
    assert.deepEqual(since.product_performance, { column: "month", since: "2025-12-01" });
    assert.deepEqual(since.premium_products, { column: "month", since: "2025-12-01" });
  });

  it("the executive table: 13 months newest first, ratios of the month's parts, YoY, incomplete months marked", () => {
    const table = page(model.pages, "overview").tables.find((item) => item.id === "overview-executive");
    assert.ok(table);
    assert.deepEqual(
      table.columns.map((column) => column.label),
      [
        "Month",
        "Revenue",
        "Orders",
        "AOV",
        "New customers",
        "Ad spend",
        "ROAS",
        "MER",
        "CAC",
        "Revenue YoY",
        "Orders YoY",
        "New customers YoY",
        "Ad spend YoY",
        "Incomplete days",
      ],
    );
    assert.deepEqual(table.rows, [
      // 15000/150; 15000/5000; 14000/5000; 5000/30; (15000−12000)/12000; (150−120)/120; 0; (5000−4000)/4000
      ["1–29 Nov 2026 *", 15000, 150, 100, 30, 5000, 3, 2.8, 166.67, 0.25, 0.25, 0, 0.25, 2],
      // No spend: ROAS, MER and CAC blank (not 0, not ∞); last year's spend 0: its YoY blank.
      ["Oct 2026", 30000, 200, 150, 50, 0, null, null, null, 0.5, 1, 0.25, null, 0],
      // 10000/80 orders with a value; no year-earlier data: YoY blank.
      ["Nov 2025", 10000, 100, 125, 40, 2000, 5, 4.5, 50, null, null, null, null, 0],
    ]);
    assert.deepEqual(table.incompleteRows, [0]);
    assert.equal(table.nullText, "");
    assert.match(table.caveat ?? "", /incomplete days/);
  });

  it("leaves the YoY columns out while no month reaches a year back", () => {
    const young = buildDashboardModel(
      { executive_summary_monthly: executive.slice(1, 2) },
      { runDate: RUN_DATE, shop: SHOP, demo: false },
    );
    const table = page(young.pages, "overview").tables.find((item) => item.id === "overview-executive");
    assert.ok(table);
    assert.ok(!table.columns.some((column) => column.label.includes("YoY")));
    assert.deepEqual(table.rows[0], ["Nov 2025", 10000, 100, 125, 40, 2000, 5, 4.5, 50, 0]);
  });

  it("the channel mix: each channel's share of the month's spend and attributed revenue, one colour order", () => {
    const channels = page(model.pages, "channels");
    const spend = channels.charts.find((chart) => chart.id === "channels-mix-spend");
    const revenue = channels.charts.find((chart) => chart.id === "channels-mix-revenue");
    assert.deepEqual(spend?.labels, ["Oct 2026", "1–29 Nov 2026"]);
    assert.deepEqual(
      spend?.series.map((series) => [series.label, series.data]),
      [
        ["Meta", [0.75, 0]], // 300/400; 0/50
        ["Google Ads", [0.25, 1]],
      ],
    );
    assert.deepEqual(
      revenue?.series.map((series) => [series.label, series.data]),
      [
        ["Meta", [0.6, 0.25]], // 600/1000; 100/400
        ["Google Ads", [0.2, 0.75]],
        ["Email", [0.2, 0]], // no email row in November: none of the month's revenue
      ],
    );
    assert.deepEqual(spend?.incomplete, [1]);
    assert.equal(spend?.max, 1);
    assert.equal(spend?.format, "percent");
  });

  it("refund rates per product over 12 months: refunded orders ÷ orders, summed first", () => {
    const products = page(model.pages, "products");
    assert.equal(products.tiles.find((tile) => tile.id === "refund_rate")?.value, 0.0412); // 7 / 170
    const chart = products.charts.find((item) => item.id === "products-refund-rate");
    assert.deepEqual(chart?.labels, ["Brush", "Serum v2"]); // the rate of a product without orders is blank
    assert.deepEqual(chart?.series[0]?.data, [0.1, 0.0333]); // 2/20; (4+1)/(100+50)
    const table = products.tables.find((item) => item.id === "products-refunds");
    assert.deepEqual(table?.rows, [
      ["Serum v2", "Skincare", 150, 5, 0.0333, 1500],
      ["Brush", "Tools", 20, 2, 0.1, 300],
      ["Mask", "Uncategorised", 0, 0, null, 0],
    ]);
  });

  it("premium products: the last 3 months' rows, newest month and biggest revenue first", () => {
    const products = page(model.pages, "products");
    assert.equal(products.tiles.find((tile) => tile.id === "premium_threshold")?.value, 96.2);
    const table = products.tables.find((item) => item.id === "products-premium");
    assert.deepEqual(table?.rows, [
      ["1–29 Nov 2026", "Night Routine", 135, 4, 4, 540, 0.036],
      ["1–29 Nov 2026", "Ritual Set", 180, 2, 2, 360, 0.024],
      ["Sep 2026", "Ritual Set", 180, 5, 5, 900, 0.09],
    ]);
    // product_daily_sales is missing: the page names it, and still shows the month-grain parts.
    assert.deepEqual(products.missing, ["product_daily_sales"]);
  });

  it("campaigns by day: the window's 5 biggest spenders, no point where the platform had not landed", () => {
    const campaignsPage = page(model.pages, "campaigns");
    const spend = campaignsPage.charts.find((chart) => chart.id === "campaigns-daily-spend");
    const revenue = campaignsPage.charts.find((chart) => chart.id === "campaigns-daily-revenue");
    assert.deepEqual(
      spend?.series.map((series) => series.label),
      [
        "Prospecting (Meta)",
        "Search (Google Ads)",
        "Shopping (Google Ads)",
        "Brand (Google Ads)",
        "PMax (Google Ads)",
      ],
    );
    assert.equal(spend?.labels.length, 28);
    const at = (data: (number | null)[] | undefined) => [data?.[0], data?.[26], data?.[27]];
    assert.deepEqual(at(spend?.series[0]?.data), [0, 100, null]); // two ad groups on the 28th; Meta missing on the 29th
    assert.deepEqual(at(revenue?.series[0]?.data), [0, 300, null]);
    assert.deepEqual(at(spend?.series[1]?.data), [0, 0, 50]);
    assert.deepEqual(at(revenue?.series[1]?.data), [0, 0, 250]);
    assert.deepEqual(spend?.incomplete, [27]);
    const table = campaignsPage.tables.find((item) => item.id === "campaigns-daily-table");
    assert.equal(table?.rows.length, 28);
    assert.deepEqual(table?.rows[26], ["2026-11-28", 100, 300, 0, 0, 10, 0, 9, 0, 8, 0]);
    assert.deepEqual(table?.rows[27], ["2026-11-29", null, null, 50, 250, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(table?.incompleteRows, [27]);
    assert.deepEqual(
      table?.groups?.map((group) => group.span),
      [1, 2, 2, 2, 2, 2],
    );
  });

  it("names each missing month extract on its page", () => {
    const bare = buildDashboardModel({}, { runDate: RUN_DATE, shop: SHOP, demo: false });
    assert.ok(page(bare.pages, "overview").missing.includes("executive_summary_monthly"));
    assert.ok(page(bare.pages, "channels").missing.includes("channel_mix"));
    assert.ok(page(bare.pages, "products").missing.includes("product_performance"));
    assert.ok(page(bare.pages, "products").missing.includes("premium_products"));
  });
});

describe("the month in progress, in the shop's locale", () => {
  // Written out by hand: October and "1–29 November" 2026 as each locale writes them, in its own digits. The old
  // label put an English "(to 29)" in Latin digits after the month's name ("نوامبر ۲۰۲۶ (to 29)").
  // A date in a right-to-left script comes between a right-to-left and a left-to-right mark, so that it reads as
  // one right-to-left run inside the page's English.
  const rtl = (text: string) => `\u200f${text}\u200e`;
  const expected: Record<string, { october: string; november: string; span: string }> = {
    "en-US": { october: "Oct 2026", november: "1–29 Nov 2026", span: "1 Oct – 29 Nov 2026" },
    "fa-IR": {
      october: rtl("اکتبر ۲۰۲۶"),
      november: rtl("۱–۲۹ نوامبر ۲۰۲۶"),
      span: rtl("۱ اکتبر – ۲۹ نوامبر ۲۰۲۶"),
    },
    "ar-EG": {
      october: rtl("أكتوبر ٢٠٢٦"),
      november: rtl("١–٢٩ نوفمبر ٢٠٢٦"),
      span: rtl("١ أكتوبر – ٢٩ نوفمبر ٢٠٢٦"),
    },
    "ko-KR": {
      october: "2026년 10월",
      november: "2026년 11월 1일~29일",
      span: "2026년 10월 1일~11월 29일",
    },
  };
  const daily = rows(
    "date,gross_revenue,orders,new_customer_revenue,returning_customer_revenue,is_complete",
    "2026-10-15,100,1,100,0,true",
    "2026-11-29,200,2,200,0,true",
  );
  for (const [locale, want] of Object.entries(expected)) {
    it(`${locale}: the overview's months, the executive table and the channel mix`, () => {
      const model = buildDashboardModel(
        {
          daily_kpis: daily,
          executive_summary_monthly: executive.slice(2),
          channel_mix: channelMix,
        },
        { runDate: RUN_DATE, shop: { ...SHOP, locale }, demo: false },
      );
      const overview = page(model.pages, "overview");
      const monthly = overview.charts.find((chart) => chart.id === "overview-monthly");
      assert.deepEqual(monthly?.labels, [want.october, want.november]);
      const table = overview.tables.find((item) => item.id === "overview-executive");
      assert.deepEqual(
        table?.rows.map((row) => row[0]),
        [`${want.november} *`, want.october],
      );
      const mix = page(model.pages, "channels").charts.find((chart) => chart.id === "channels-mix-spend");
      assert.deepEqual(mix?.labels, [want.october, want.november]);
      const context = { from: "2026-11-02", to: RUN_DATE, days: [], locale, shownDays: [], moneyPlaces: 2 };
      assert.equal(monthSpan(["2026-10-01", "2026-11-01"], context), want.span);
      assert.equal(monthSpan(["2026-11-01"], context), want.november);
    });
  }
});
