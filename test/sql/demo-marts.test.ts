// On generated demo data, each mart's headline numbers agree with queries written here, in DuckDB's own SQL,
// straight over the raw tables (never over the models).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { buildModels, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const MONTH = "2026-10-01";
const TZ = "America/New_York";

// The latest version of each raw order, its day in the shop's time zone, cancelled ones left out.
const RAW_ORDERS = `
  WITH latest AS (
    SELECT *, row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) AS version
    FROM raw.shopify_orders
  )
  SELECT *, CAST(timezone('${TZ}', created_at) AS DATE) AS day
  FROM latest WHERE version = 1 AND cancelled_at IS NULL`;

describe("marts against independent queries over the raw demo data", { timeout: 120_000 }, () => {
  let warehouse: DuckDbWarehouse;
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const model = (sql: string) => warehouse.query(sql, {}, { label: "mart" });
  const near = (actual: unknown, expected: unknown, what: string) =>
    assert.ok(Math.abs(Number(actual) - Number(expected)) < 0.01, `${what}: ${actual} vs ${expected}`);

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -450),
      ordersPerDay: 20,
    });
    await buildModels(warehouse, END, { fullRefresh: true });
  });
  after(() => warehouse.close());

  it("shopify_daily_metrics and daily_kpis: orders and revenue, every day", async () => {
    const raw = await native(
      `SELECT count(*)::INTEGER AS orders, sum(total_price)::DOUBLE AS revenue FROM (${RAW_ORDERS}) WHERE day <= DATE '${END}'`,
    );
    const [mart] = await model(
      "SELECT SUM(orders) AS orders, SUM(gross_revenue) AS revenue FROM marts.shopify_daily_metrics",
    );
    assert.equal(mart?.orders, raw[0]?.orders);
    near(mart?.revenue, raw[0]?.revenue, "gross revenue");
    const [kpis] = await model("SELECT SUM(gross_revenue) AS revenue FROM marts.daily_kpis");
    near(kpis?.revenue, raw[0]?.revenue, "daily_kpis revenue");
  });

  it("marketing_monthly_performance: spend per channel in a month, from each platform's raw rows", async () => {
    const raw = await native(`
      SELECT 'meta' AS channel, sum(spend)::DOUBLE AS spend FROM (
        SELECT spend, row_number() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) AS v
        FROM raw.facebook_ads_insights WHERE date_trunc('month', date_start) = DATE '${MONTH}') WHERE v = 1
      UNION ALL
      SELECT 'tiktok', sum(CAST(json_extract_string(metrics, '$.spend') AS DOUBLE)) FROM raw.tiktok_ads_reports_daily
        WHERE date_trunc('month', CAST(stat_time_day AS DATE)) = DATE '${MONTH}'
      UNION ALL
      SELECT 'google_ads', sum(metrics_cost_micros) / 1e6 FROM raw.google_ads_campaign_stats
        WHERE date_trunc('month', segments_date) = DATE '${MONTH}'
      ORDER BY channel`);
    const mart = await model(
      `SELECT channel, spend FROM marts.marketing_monthly_performance WHERE month = DATE '${MONTH}' AND is_paid_channel ORDER BY channel`,
    );
    assert.deepEqual(
      mart.map((row) => row.channel),
      raw.map((row) => row.channel),
    );
    raw.forEach((row, index) => near(mart[index]?.spend, row.spend, `spend ${row.channel}`));
  });

  it("product_performance: units and revenue per product in a month, from the raw line items", async () => {
    const raw = await native(`
      SELECT CAST(json_extract_string(item, '$.product_id') AS BIGINT) AS product_id,
             sum(CAST(json_extract_string(item, '$.quantity') AS INTEGER))::INTEGER AS units,
             sum(CAST(json_extract_string(item, '$.price') AS DOUBLE) * CAST(json_extract_string(item, '$.quantity') AS INTEGER)
                 - CAST(json_extract_string(item, '$.total_discount') AS DOUBLE))::DOUBLE AS revenue
      FROM (${RAW_ORDERS}) AS orders, unnest(CAST(line_items AS JSON[])) AS t(item)
      WHERE date_trunc('month', day) = DATE '${MONTH}'
      GROUP BY 1 ORDER BY 1`);
    const mart = await model(
      `SELECT product_id, units, revenue FROM marts.product_performance WHERE month = DATE '${MONTH}' ORDER BY product_id`,
    );
    assert.equal(mart.length, raw.length);
    raw.forEach((row, index) => {
      assert.equal(mart[index]?.product_id, Number(row.product_id));
      assert.equal(mart[index]?.units, row.units);
      near(mart[index]?.revenue, row.revenue, `revenue of ${row.product_id}`);
    });
  });

  it("geographic_sales: orders per country in a month", async () => {
    const raw = await native(`
      SELECT coalesce(upper(json_extract_string(shipping_address, '$.country_code')), 'unknown') AS country, count(*)::INTEGER AS orders
      FROM (${RAW_ORDERS}) WHERE date_trunc('month', day) = DATE '${MONTH}' GROUP BY 1 ORDER BY 1`);
    const mart = await model(
      `SELECT country_code AS country, SUM(orders) AS orders FROM marts.geographic_sales WHERE month = DATE '${MONTH}' GROUP BY country_code ORDER BY country_code`,
    );
    assert.deepEqual(mart, raw);
  });

  it("ltv_cohorts: cohort sizes add up to the distinct customers, and month 0 retention is 1", async () => {
    const raw = await native(`
      SELECT count(DISTINCT coalesce(lower(trim(coalesce(email, json_extract_string(customer, '$.email')))), 'customer:' || json_extract_string(customer, '$.id')))::INTEGER AS customers
      FROM (${RAW_ORDERS}) WHERE day <= DATE '${END}'
        AND coalesce(nullif(lower(trim(coalesce(email, json_extract_string(customer, '$.email')))), ''), json_extract_string(customer, '$.id')) IS NOT NULL`);
    const [mart] = await model(
      "SELECT SUM(cohort_customers) AS customers, MIN(retention) AS min_month0 FROM marts.ltv_cohorts WHERE months_since_first_order = 0",
    );
    assert.equal(mart?.customers, raw[0]?.customers);
    assert.equal(mart?.min_month0, 1);
  });

  it("executive_summary_monthly: a month's revenue and its year-ago month from the raw orders", async () => {
    const raw = await native(`
      SELECT sum(total_price) FILTER (WHERE date_trunc('month', day) = DATE '${MONTH}')::DOUBLE AS this_year,
             sum(total_price) FILTER (WHERE date_trunc('month', day) = DATE '${MONTH}' - INTERVAL 1 YEAR)::DOUBLE AS last_year
      FROM (${RAW_ORDERS})`);
    const [mart] = await model(
      `SELECT gross_revenue, last_year_gross_revenue, gross_revenue_yoy FROM marts.executive_summary_monthly WHERE month = DATE '${MONTH}'`,
    );
    near(mart?.gross_revenue, raw[0]?.this_year, "this year");
    near(mart?.last_year_gross_revenue, raw[0]?.last_year, "last year");
    near(
      mart?.gross_revenue_yoy,
      (Number(raw[0]?.this_year) - Number(raw[0]?.last_year)) / Number(raw[0]?.last_year),
      "YoY",
    );
  });

  it("channel_mix: shares of spend and revenue add up to 1 each month", async () => {
    const months = await model(
      "SELECT month, ROUND(SUM(spend_share), 2) AS spend, ROUND(SUM(revenue_share), 2) AS revenue FROM marts.channel_mix GROUP BY month",
    );
    assert.ok(months.length >= 12);
    for (const month of months) {
      assert.equal(month.spend, 1, `spend shares of ${month.month}`);
      assert.equal(month.revenue, 1, `revenue shares of ${month.month}`);
    }
  });
  it("platform ROAS of every paid channel is within a few times its UTM ROAS (TikTok's value is its total, not per purchase)", async () => {
    // TikTok's report: complete_payment = purchases, total_complete_payment_rate = their total value. Summed here
    // straight from the raw reports, the value over spend is the platform's claim.
    const [raw] = await native(`
      SELECT sum(CAST(json_extract_string(metrics, '$.total_complete_payment_rate') AS DOUBLE))
             / sum(CAST(json_extract_string(metrics, '$.spend') AS DOUBLE)) AS platform_roas
      FROM raw.tiktok_ads_reports_daily WHERE date_trunc('month', CAST(stat_time_day AS DATE)) = DATE '${MONTH}'`);
    const mart = await model(
      `SELECT channel, roas, platform_roas FROM marts.marketing_monthly_performance WHERE month = DATE '${MONTH}' AND is_paid_channel ORDER BY channel`,
    );
    assert.equal(mart.length, 3);
    for (const row of mart) {
      const ratio = Number(row.platform_roas) / Number(row.roas);
      assert.ok(
        ratio >= 0.5 && ratio <= 3,
        `${row.channel}: platform ROAS ${row.platform_roas} vs UTM ROAS ${row.roas}`,
      );
    }
    near(
      mart.find((row) => row.channel === "tiktok")?.platform_roas,
      raw?.platform_roas,
      "TikTok platform ROAS",
    );
  });
  it("daily_kpis, marketing_daily_channel and the monthly channel marts: incomplete exactly when an expected source had not landed", async () => {
    // Each source's newest event day, straight from the raw tables; a day after it is missing that source.
    const newest = await native(`
      SELECT 'facebook_ads' AS source, max(date_start)::VARCHAR AS day FROM raw.facebook_ads_insights
      UNION ALL SELECT 'google_ads', max(segments_date)::VARCHAR FROM raw.google_ads_campaign_stats
      UNION ALL SELECT 'shopify', max(day)::VARCHAR FROM (${RAW_ORDERS})
      UNION ALL SELECT 'tiktok_ads', max(CAST(stat_time_day AS DATE))::VARCHAR FROM raw.tiktok_ads_reports_daily`);
    const lastDay = new Map(newest.map((row) => [String(row.source), String(row.day)]));
    // The demo's injected staleness: Meta 5 days, TikTok 4 days.
    assert.equal(lastDay.get("facebook_ads"), addDays(END, -5));
    assert.equal(lastDay.get("tiktok_ads"), addDays(END, -4));
    const missingOn = (day: string, sources: readonly string[]) =>
      sources.filter((source) => (lastDay.get(source) ?? "") < day);
    const kpis = await model(
      `SELECT CAST(date AS STRING) AS date, is_complete, missing_sources FROM marts.daily_kpis WHERE date > DATE '${addDays(END, -10)}' ORDER BY date`,
    );
    assert.equal(kpis.length, 10);
    for (const row of kpis) {
      const missing = missingOn(String(row.date), ["facebook_ads", "google_ads", "shopify", "tiktok_ads"]);
      assert.equal(row.is_complete, missing.length === 0, `${row.date} complete`);
      assert.equal(row.missing_sources ?? "", missing.join(","), `${row.date} missing sources`);
    }
    const channels = await model(
      `SELECT CAST(date AS STRING) AS date, channel, is_complete, missing_sources FROM marts.marketing_daily_channel WHERE date > DATE '${addDays(END, -10)}'`,
    );
    const needs: Record<string, string[]> = {
      meta: ["facebook_ads", "shopify"],
      tiktok: ["shopify", "tiktok_ads"],
      google_ads: ["google_ads", "shopify"],
    };
    for (const row of channels) {
      const missing = missingOn(String(row.date), needs[String(row.channel)] ?? ["shopify"]);
      assert.equal(row.missing_sources ?? "", missing.join(","), `${row.date} ${row.channel}`);
      assert.equal(row.is_complete, missing.length === 0);
    }
    // Every paid channel has a row on every day, its platform numbers NULL (missing, not 0) after its source's
    // newest day: Meta's last 5 days and TikTok's last 4.
    const platformOf: Record<string, string> = {
      meta: "facebook_ads",
      tiktok: "tiktok_ads",
      google_ads: "google_ads",
    };
    for (let back = 0; back < 10; back++) {
      const day = addDays(END, -back);
      for (const channel of Object.keys(platformOf)) {
        const rows = channels.filter((row) => row.date === day && row.channel === channel);
        assert.equal(rows.length, 1, `${day} ${channel}: one row`);
      }
    }
    const spendRows = await model(
      `SELECT CAST(date AS STRING) AS date, channel, spend FROM marts.marketing_daily_channel WHERE date > DATE '${addDays(END, -10)}'`,
    );
    for (const row of spendRows) {
      const source = platformOf[String(row.channel)];
      if (!source) continue;
      const landed = (lastDay.get(source) ?? "") >= String(row.date);
      assert.equal(row.spend !== null, landed, `${row.date} ${row.channel}: spend ${row.spend}`);
    }

    // The run month's channel shares and monthly channel numbers are incomplete on exactly the days a needed
    // source had not landed, counted here from the raw tables' newest days.
    const monthStart = `${END.slice(0, 8)}01`;
    const monthDays: string[] = [];
    for (let day = monthStart; day <= END; day = addDays(day, 1)) monthDays.push(day);
    const allSources = ["facebook_ads", "google_ads", "shopify", "tiktok_ads"];
    const mix = await model(
      `SELECT channel, incomplete_days, is_complete FROM marts.channel_mix WHERE month = DATE '${monthStart}'`,
    );
    const mixIncomplete = monthDays.filter((day) => missingOn(day, allSources).length > 0).length;
    assert.equal(mixIncomplete, 5, "Meta's 5 stale days (TikTok's 4 among them)");
    assert.ok(mix.length > 3);
    for (const row of mix) {
      assert.equal(Number(row.incomplete_days), mixIncomplete, `${row.channel} mix incomplete days`);
      assert.equal(row.is_complete, false);
    }
    const monthly = await model(
      `SELECT channel, incomplete_days, is_complete FROM marts.marketing_monthly_performance WHERE month = DATE '${monthStart}'`,
    );
    for (const row of monthly) {
      const expected = monthDays.filter(
        (day) => missingOn(day, needs[String(row.channel)] ?? ["shopify"]).length > 0,
      ).length;
      assert.equal(Number(row.incomplete_days), expected, `${row.channel} monthly incomplete days`);
      assert.equal(row.is_complete, expected === 0);
    }
    assert.deepEqual(
      Object.fromEntries(
        monthly
          .filter((row) => platformOf[String(row.channel)])
          .map((row) => [row.channel, Number(row.incomplete_days)]),
      ),
      { google_ads: 0, meta: 5, tiktok: 4 },
    );
    // The month before is complete.
    const previous = await model(
      `SELECT COUNT(*) AS rows_total, COUNTIF(NOT is_complete) AS incomplete FROM marts.channel_mix WHERE month = DATE '${addDays(monthStart, -1).slice(0, 8)}01'`,
    );
    assert.ok(Number(previous[0]?.rows_total) > 0);
    assert.equal(Number(previous[0]?.incomplete), 0);
  });
});
