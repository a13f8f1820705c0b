// The deck's new queries on a real DuckDB warehouse: hand-made mart rows in, the sums and the cuts the deck
// relies on out, each checked against the test's own arithmetic over the same rows. The reconciliation
// scoreboard is read only when check-sources wrote one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import {
  RECONCILIATION_COLUMNS,
  RECONCILIATION_TABLE,
} from "../../functions/lib/quality/reconciliation-table.ts";
import { loadReconciliation } from "../../functions/lib/reporting/load-report-data.ts";
import { readQuery } from "../../functions/lib/sql/queries.ts";
import type { LoadColumn, Row } from "../../functions/shared/ports.ts";

const RANGES = {
  current_from_date: "2026-11-01",
  current_to_date: "2026-11-21",
  previous_from_date: "2026-10-01",
  previous_to_date: "2026-10-21",
  last_year_from_date: "2025-11-01",
  last_year_to_date: "2025-11-21",
};

const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(day);
  return out;
};

/** Days in and around the three ranges (the ones outside must not count). */
const ALL_DAYS = [
  ...days("2025-10-28", "2025-11-24"),
  ...days("2026-09-28", "2026-10-25"),
  ...days("2026-10-28", "2026-11-21"),
];
const inRange = (day: string, from: string, to: string) => day >= from && day <= to;

describe("the deck's report queries on DuckDB", () => {
  let warehouse: DuckDbWarehouse;
  const load = (table: string, columns: LoadColumn[], rows: Row[]) =>
    warehouse.load({ dataset: table.split(".")[0]!, table: table.split(".")[1]!, columns, rows });

  // Revenue a channel attributes on a day: a different slope per channel, so every sum is distinct.
  const channelRevenue = (channel: string, day: string) =>
    (channel === "meta" ? 100 : 40) + Number(day.slice(8, 10)) * (channel === "meta" ? 3 : 7);

  before(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
    for (const schema of ["marts", "ops"]) await warehouse.rawConnection.run(`CREATE SCHEMA ${schema}`);
    await load(
      "marts.marketing_daily_channel",
      [
        { name: "date", type: "DATE" },
        { name: "channel", type: "STRING" },
        { name: "spend", type: "FLOAT64" },
        { name: "attributed_orders", type: "INT64" },
        { name: "attributed_revenue", type: "FLOAT64" },
      ],
      ALL_DAYS.flatMap((date) =>
        ["meta", "tiktok"].map((channel) => ({
          date,
          channel,
          // Meta's platform had not landed on the 20th: NULL spend, counted as none.
          spend: channel === "meta" && date === "2026-11-20" ? null : 10,
          attributed_orders: 1,
          attributed_revenue: channelRevenue(channel, date),
        })),
      ),
    );
    const products = ["Hoodie", "Tee", "Cap", "Socks"];
    await load(
      "marts.product_daily_sales",
      [
        { name: "date", type: "DATE" },
        { name: "product_id", type: "INT64" },
        { name: "product_title", type: "STRING" },
        { name: "category", type: "STRING" },
        { name: "units", type: "INT64" },
        { name: "orders", type: "INT64" },
        { name: "revenue", type: "FLOAT64" },
      ],
      ALL_DAYS.flatMap((date) =>
        products.map((title, index) => ({
          date,
          product_id: index + 1,
          product_title: title,
          category: "Apparel",
          units: 1,
          orders: 1,
          // Socks only sell this November: a big mover with no base.
          revenue: title === "Socks" ? (date >= "2026-11-01" ? 50 : 0) : (index + 1) * 10,
        })),
      ),
    );
  });

  after(() => warehouse.close());

  it("sums each channel's attributed revenue and spend over the three ranges, like for like", async () => {
    const rows = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/channel_periods"),
      RANGES,
    );
    for (const channel of ["meta", "tiktok"]) {
      const sum = (from: string, to: string) =>
        ALL_DAYS.filter((day) => inRange(day, from, to)).reduce(
          (total, day) => total + channelRevenue(channel, day),
          0,
        );
      const row = rows.find((one) => one.channel === channel)!;
      assert.equal(Number(row.current_revenue), sum(RANGES.current_from_date, RANGES.current_to_date));
      assert.equal(Number(row.previous_revenue), sum(RANGES.previous_from_date, RANGES.previous_to_date));
      assert.equal(Number(row.last_year_revenue), sum(RANGES.last_year_from_date, RANGES.last_year_to_date));
      assert.equal(Number(row.last_year_days), 21);
      assert.equal(Number(row.current_spend), channel === "meta" ? 200 : 210);
    }
  });

  it("keeps the top sellers and the biggest movers of products, each with its three sums", async () => {
    const rows = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/product_periods"),
      {
        ...RANGES,
        top_products: 1,
      },
    );
    // Socks sells the most now (50 × 21 = 1,050 against Cap's 30 × 21 = 630) and moved most against both bases
    // (from 0): with one row per cut, one row answers all three.
    assert.deepEqual(
      rows.map((row) => row.product_title),
      ["Socks"],
    );
    assert.equal(Number(rows[0]!.current_revenue), 50 * 21);
    assert.equal(Number(rows[0]!.previous_revenue), 0);
    const wider = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/product_periods"),
      {
        ...RANGES,
        top_products: 2,
      },
    );
    assert.deepEqual(
      wider.map((row) => [row.product_title, Number(row.current_revenue), Number(row.last_year_revenue)]),
      [
        ["Socks", 1_050, 0],
        ["Cap", 630, 630],
      ],
    );
  });

  it("sums each campaign's ad groups' spend and its attributed orders and revenue, top campaigns by spend", async () => {
    const columns: LoadColumn[] = [
      { name: "date", type: "DATE" },
      { name: "platform", type: "STRING" },
      { name: "channel", type: "STRING" },
      { name: "campaign_id", type: "STRING" },
      { name: "campaign_name", type: "STRING" },
      { name: "ad_group_id", type: "STRING" },
      { name: "ad_group_name", type: "STRING" },
      { name: "spend", type: "FLOAT64" },
      { name: "platform_conversions", type: "FLOAT64" },
      { name: "platform_conversion_value", type: "FLOAT64" },
      { name: "attributed_orders", type: "INT64" },
      { name: "attributed_revenue", type: "FLOAT64" },
      { name: "is_complete", type: "BOOL" },
    ];
    const adGroup = (date: string, campaign: string, adGroupId: string, spend: number) => ({
      date,
      platform: "facebook_ads",
      channel: "meta",
      campaign_id: campaign,
      campaign_name: `Campaign ${campaign}`,
      ad_group_id: adGroupId,
      ad_group_name: `Ad set ${adGroupId}`,
      spend,
      platform_conversions: 2,
      platform_conversion_value: spend * 3,
      attributed_orders: null,
      attributed_revenue: null,
      is_complete: date !== "2026-11-05",
    });
    const attribution = (date: string, campaign: string, orders: number, revenue: number) => ({
      date,
      platform: "facebook_ads",
      channel: "meta",
      campaign_id: campaign,
      campaign_name: `Campaign ${campaign}`,
      ad_group_id: null,
      ad_group_name: null,
      spend: null,
      platform_conversions: null,
      platform_conversion_value: null,
      attributed_orders: orders,
      attributed_revenue: revenue,
      is_complete: true,
    });
    const rows: Row[] = [];
    for (const date of [...days("2026-10-01", "2026-10-21"), ...days("2026-11-01", "2026-11-21")]) {
      const november = date >= "2026-11-01";
      rows.push(adGroup(date, "c1", "a1", november ? 30 : 20), adGroup(date, "c1", "a2", 5));
      rows.push(
        adGroup(date, "c2", "a3", 10),
        attribution(date, "c1", 2, 150),
        attribution(date, "c2", 1, 40),
      );
      rows.push(adGroup(date, "c3", "a4", 1));
    }
    // Outside both ranges: never counted.
    rows.push(adGroup("2026-10-25", "c1", "a1", 9_999));
    await load("marts.campaign_performance_daily", columns, rows);
    const campaigns = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/campaign_periods"),
      { ...RANGES, top_campaigns: 2 },
    );
    assert.deepEqual(
      campaigns.map((row) => [
        row.campaign_key,
        Number(row.current_spend),
        Number(row.previous_spend),
        Number(row.current_orders),
        Number(row.current_revenue),
        Number(row.incomplete_days),
      ]),
      [
        ["c1", 35 * 21, 25 * 21, 2 * 21, 150 * 21, 1],
        ["c2", 10 * 21, 10 * 21, 21, 40 * 21, 1],
      ],
    );
    const adGroups = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/ad_group_periods"),
      { ...RANGES, top_campaigns: 2 },
    );
    assert.deepEqual(
      adGroups.map((row) => [
        row.ad_group_id,
        Number(row.current_spend),
        Number(row.current_conversion_value),
      ]),
      [
        ["a1", 30 * 21, 90 * 21],
        ["a3", 10 * 21, 30 * 21],
      ],
    );
  });

  it("gives last year's same month for the run month's top regions only, and the premium products by revenue", async () => {
    const region = (month: string, country: string, code: string, revenue: number) => ({
      month,
      country_code: country,
      region_code: code,
      orders: revenue / 100,
      revenue,
      customers: revenue / 100,
      aov: 100,
    });
    await load(
      "marts.geographic_sales",
      [
        { name: "month", type: "DATE" },
        { name: "country_code", type: "STRING" },
        { name: "region_code", type: "STRING" },
        { name: "orders", type: "INT64" },
        { name: "revenue", type: "FLOAT64" },
        { name: "customers", type: "INT64" },
        { name: "aov", type: "FLOAT64" },
      ],
      [
        region("2026-11-01", "US", "CA", 9_000),
        region("2026-11-01", "US", "TX", 7_000),
        region("2026-11-01", "US", "NY", 1_000),
        region("2025-11-01", "US", "CA", 6_000),
        region("2025-11-01", "US", "NY", 5_000),
        region("2025-11-01", "US", "FL", 4_000),
      ],
    );
    const lastYear = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/regions_last_year"),
      { run_month_date: "2026-11-01", last_year_month_date: "2025-11-01", top_regions: 2 },
    );
    // The run month's top two are California and Texas; Texas sold nothing a year earlier. The month's revenue
    // is the year-ago month's over every region.
    assert.deepEqual(
      lastYear.map((row) => [row.region_code, Number(row.revenue), Number(row.month_revenue)]),
      [["CA", 6_000, 6_000 + 5_000 + 4_000]],
    );
    const premium = (month: string, id: number, title: string, revenue: number) => ({
      month,
      product_id: id,
      product_title: title,
      category: "Outerwear",
      list_price: 240,
      premium_threshold: 199.5,
      units: 1,
      orders: 1,
      revenue,
      revenue_share: 0.1,
      revenue_rank: 1,
    });
    await load(
      "marts.premium_products",
      [
        { name: "month", type: "DATE" },
        { name: "product_id", type: "INT64" },
        { name: "product_title", type: "STRING" },
        { name: "category", type: "STRING" },
        { name: "list_price", type: "FLOAT64" },
        { name: "premium_threshold", type: "FLOAT64" },
        { name: "units", type: "INT64" },
        { name: "orders", type: "INT64" },
        { name: "revenue", type: "FLOAT64" },
        { name: "revenue_share", type: "FLOAT64" },
        { name: "revenue_rank", type: "INT64" },
      ],
      [
        premium("2026-09-01", 1, "Old", 99_999),
        premium("2026-10-01", 1, "Coat", 100),
        premium("2026-11-01", 1, "Coat", 300),
        premium("2026-11-01", 2, "Parka", 500),
        premium("2026-11-01", 3, "Cape", 200),
      ],
    );
    const rows = await warehouse.query<Record<string, number | string>>(
      readQuery("reporting/premium_products"),
      {
        run_month_date: "2026-11-01",
        previous_month_date: "2026-10-01",
        top_products: 2,
      },
    );
    assert.deepEqual(
      rows.map((row) => [String(row.month), row.product_title, Number(row.revenue)]),
      [
        ["2026-10-01", "Coat", 100],
        ["2026-11-01", "Parka", 500],
        ["2026-11-01", "Coat", 300],
      ],
    );
  });

  it("reads the scoreboard only when check-sources wrote one, for the run date only", async () => {
    assert.deepEqual(await loadReconciliation(warehouse, "2026-11-21"), {});
    const entry = (runDate: string, metric: string, api: number, warehouseValue: number) => ({
      run_date: runDate,
      window_start: "2026-11-06",
      window_end: "2026-11-19",
      source: "facebook_ads",
      account_id: "act_1",
      metric,
      api_value: api,
      warehouse_value: warehouseValue,
      difference: warehouseValue - api,
      relative_difference: (warehouseValue - api) / api,
      status: api === warehouseValue ? "MATCH" : "MISMATCH",
      mismatched_days: "[]",
    });
    await warehouse.load({
      dataset: "ops",
      table: RECONCILIATION_TABLE,
      columns: RECONCILIATION_COLUMNS,
      rows: [
        entry("2026-11-20", "spend", 10, 10),
        entry("2026-11-21", "spend", 1_000, 900),
        entry("2026-11-21", "clicks", 50, 50),
      ],
    });
    const { reconciliation } = await loadReconciliation(warehouse, "2026-11-21");
    assert.deepEqual(
      reconciliation?.map((row) => [
        row.metric,
        Number(row.api_value),
        Number(row.warehouse_value),
        row.status,
      ]),
      [
        ["clicks", 50, 50, "MATCH"],
        ["spend", 1_000, 900, "MISMATCH"],
      ],
    );
    assert.equal(reconciliation?.[0]?.window_start, "2026-11-06");
  });
});
