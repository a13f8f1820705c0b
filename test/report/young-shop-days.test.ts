// A young shop (its data begins fewer than 28 days before the run date) meets no "last 28 days" above fewer days
// of data: the dashboard's header names the days the shop has. A shop with the whole 28 days reads as it always did.
// The rows are generated here, one a day from the shop's first day; every expected count is counted here from
// the first day and the run date (milliseconds apart), every range written out, not read from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildDashboardModel } from "../../functions/report/dashboard-model.ts";
import { renderDashboardHtml } from "../../functions/report/dashboard-render.ts";
import type { ExtractTables } from "../../functions/report/dashboard-rows.ts";
import { rows } from "../support/extract-rows.ts";

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
      "Dashboard for So. 8 Nov. 2026 · last 25 days, since the data began: 15 Okt. – 8 Nov. 2026 · EUR",
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
