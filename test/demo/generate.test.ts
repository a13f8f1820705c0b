import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import {
  type DemoManifest,
  type DemoOptions,
  defaultDemoOptions,
  generateDemoData,
} from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";

const END = "2026-11-21";
const DAYS = 120;
const PER_DAY = 60;
const LOCAL_DAY = "(created_at AT TIME ZONE 'America/New_York')::DATE";
/** The latest raw row of each order, as staging keeps it. */
const LATEST = (dataset: string) =>
  `(SELECT * FROM ${dataset}.shopify_orders QUALIFY row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id) = 1)`;

function options(overrides: Partial<DemoOptions> = {}): DemoOptions {
  return {
    ...defaultDemoOptions(END),
    startDate: addDays(END, -(DAYS - 1)),
    ordersPerDay: PER_DAY,
    ...overrides,
  };
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  // Counts come back as BIGINT; plain numbers keep the assertions readable.
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, typeof value === "bigint" ? Number(value) : value]),
      ),
    );
}

async function one(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const [row] = await rows(connection, sql);
  assert.ok(row, `no row from ${sql}`);
  return row;
}

async function num(connection: DuckDBConnection, sql: string): Promise<number> {
  const value = Object.values(await one(connection, sql))[0];
  return value === null ? Number.NaN : Number(value);
}

async function checksums(connection: DuckDBConnection, dataset: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const table of RAW_TABLES) {
    const row = await one(
      connection,
      `SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t::VARCHAR)), 0)::VARCHAR AS sum FROM ${dataset}.${table.name} AS t`,
    );
    sums[table.name] = String(row.sum);
  }
  return sums;
}

describe("demo data generator", () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let clean: DemoManifest;
  let dirty: DemoManifest;

  before(async () => {
    instance = await DuckDBInstance.create(":memory:");
    connection = await instance.connect();
    await connection.run("SET TimeZone='UTC'");
    clean = await generateDemoData(connection, "clean", options({ problems: false }));
    dirty = await generateDemoData(connection, "dirty", options());
  });

  after(() => {
    connection.closeSync();
  });

  it("is deterministic, and the seed matters", async () => {
    const small = { startDate: addDays(END, -29), ordersPerDay: 25 };
    await generateDemoData(connection, "det_a", options(small));
    await generateDemoData(connection, "det_b", options(small));
    await generateDemoData(connection, "det_c", options({ ...small, seed: 7 }));
    const a = await checksums(connection, "det_a");
    assert.deepEqual(await checksums(connection, "det_b"), a);
    const c = await checksums(connection, "det_c");
    assert.notEqual(c.shopify_orders, a.shopify_orders);
    assert.notEqual(c.facebook_ads_insights, a.facebook_ads_insights);
    // Re-generating into the same dataset replaces, never appends.
    await generateDemoData(connection, "det_a", options(small));
    assert.deepEqual(await checksums(connection, "det_a"), a);
  });

  it("appends customers in landing order, as Airbyte does: no customer row follows one extracted later", async () => {
    // In creation order instead, a customer who came back last week would sit among those of two years ago, and a
    // daily run's read of the newly landed customers could skip nothing.
    const later = await num(
      connection,
      `SELECT count(*) FILTER (WHERE _airbyte_extracted_at < previous) FROM (
         SELECT _airbyte_extracted_at, lag(_airbyte_extracted_at) OVER (ORDER BY rowid) AS previous
         FROM clean.shopify_customers)`,
    );
    assert.equal(later, 0);
    // Not trivially: the newest syncs hold customers who signed up long before.
    const returning = await num(
      connection,
      `SELECT count(*) FROM clean.shopify_customers
       WHERE _airbyte_extracted_at > TIMESTAMP '${END}' - INTERVAL 7 DAY
         AND created_at < TIMESTAMP '${END}' - INTERVAL 60 DAY`,
    );
    assert.ok(returning > 0, "customers created long ago landed in the last week");
  });

  it("creates every declared raw table and reports its row counts", async () => {
    for (const table of RAW_TABLES) {
      const count = await num(connection, `SELECT count(*) FROM dirty.${table.name}`);
      // The demo's Google Ads account runs no Performance Max campaign: Airbyte's asset_group_stats stream
      // (docs/airbyte.md) would land nothing, and the table is there, empty, as Terraform creates it.
      // Its ad accounts bill in the shop's currency: no exchange rate is needed, and none is landed.
      if (table.name === "google_ads_asset_group_stats" || table.name === "fx_rates")
        assert.equal(count, 0, table.name);
      else assert.ok(count > 0, `${table.name} is empty`);
      assert.equal(dirty.rows[table.name] ?? 0, count, table.name);
    }
    assert.equal(await num(connection, "SELECT count(DISTINCT id) FROM dirty.shopify_orders"), dirty.orders);
    assert.equal(await num(connection, "SELECT count(*) FROM dirty.shopify_products"), 41);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(dirty)));
  });

  it("lands each Google campaign's own day (Airbyte's campaign_totals stream) as the sum of its ad groups' rows", async () => {
    // The demo account has no Smart campaign and no spend outside its ad groups: staging finds nothing at campaign
    // level, and the table is filled as an Airbyte shop's is.
    const mismatched = await rows(
      connection,
      `WITH groups AS (
         SELECT segments_date, campaign_id, sum(metrics_cost_micros) AS micros, sum(metrics_impressions) AS impressions,
           sum(metrics_clicks) AS clicks, round(sum(metrics_conversions), 2) AS conversions,
           round(sum(metrics_conversions_value), 2) AS value, count(DISTINCT _airbyte_extracted_at) AS syncs
         FROM dirty.google_ads_campaign_stats GROUP BY ALL)
       SELECT groups.segments_date, groups.campaign_id, totals.campaign_id AS total_campaign
       FROM groups FULL JOIN dirty.google_ads_campaign_totals AS totals
         ON totals.segments_date = groups.segments_date AND totals.campaign_id = groups.campaign_id
       WHERE totals.campaign_id IS NULL OR groups.campaign_id IS NULL OR totals.metrics_cost_micros <> groups.micros
         OR totals.metrics_impressions <> groups.impressions OR totals.metrics_clicks <> groups.clicks
         OR round(totals.metrics_conversions, 2) <> groups.conversions
         OR round(totals.metrics_conversions_value, 2) <> groups.value OR groups.syncs <> 1`,
    );
    assert.deepEqual(mismatched, []);
    assert.ok((dirty.rows.google_ads_campaign_totals ?? 0) > DAYS, "a row per campaign and day");
  });

  it("averages ordersPerDay, with a weekday pattern", async () => {
    const perDay = clean.orders / DAYS;
    assert.ok(Math.abs(perDay - PER_DAY) / PER_DAY <= 0.15, `orders/day ${perDay}`);
    const byWeekday = await rows(
      connection,
      `SELECT dayofweek(day) AS weekday, avg(n) AS n FROM (SELECT ${LOCAL_DAY} AS day, count(DISTINCT id) AS n
       FROM clean.shopify_orders GROUP BY 1) GROUP BY 1`,
    );
    const at = (weekday: number) => Number(byWeekday.find((row) => Number(row.weekday) === weekday)?.n);
    assert.ok((at(0) + at(1)) / 2 > at(5) * 1.1, `Sun ${at(0)} Mon ${at(1)} Fri ${at(5)}`);
    // Every day of the period has orders, and none outside it.
    const span = await one(
      connection,
      `SELECT min(${LOCAL_DAY})::VARCHAR AS first, max(${LOCAL_DAY})::VARCHAR AS last, count(DISTINCT ${LOCAL_DAY}) AS days FROM clean.shopify_orders`,
    );
    assert.deepEqual(span, { first: addDays(END, -(DAYS - 1)), last: END, days: DAYS });
  });

  it("has returning customers, refunds and UTMs in realistic shares", async () => {
    const shares = await one(
      connection,
      `SELECT avg(((customer->>'orders_count')::INT > 1)::INT) FILTER (WHERE customer IS NOT NULL) AS returning,
              avg((customer IS NULL)::INT) AS guests,
              avg((json_array_length(refunds) > 0)::INT) AS refunded,
              avg((landing_site LIKE '%utm_source=%')::INT) AS utm,
              avg((json_array_length(discount_codes) > 0)::INT) AS discounted
       FROM ${LATEST("clean")}`,
    );
    const share = (name: string) => Number(shares[name]);
    assert.ok(share("returning") >= 0.2 && share("returning") <= 0.42, `returning ${share("returning")}`);
    assert.ok(share("guests") > 0 && share("guests") < 0.06, `guests ${share("guests")}`);
    assert.ok(share("refunded") >= 0.03 && share("refunded") <= 0.07, `refunded ${share("refunded")}`);
    assert.ok(share("utm") >= 0.6 && share("utm") <= 0.8, `utm ${share("utm")}`);
    assert.ok(
      share("discounted") >= 0.12 && share("discounted") <= 0.35,
      `discounted ${share("discounted")}`,
    );
    // Late refunds land as a second raw row of the same order, extracted later.
    const relanded = await num(
      connection,
      `SELECT count(*) FROM (SELECT id FROM clean.shopify_orders GROUP BY id HAVING count(*) = 2
         AND min(json_array_length(refunds)) = 0 AND max(json_array_length(refunds)) = 1)`,
    );
    assert.ok(relanded > 0);
    assert.equal(
      await num(
        connection,
        "SELECT count(*) FROM clean.shopify_orders WHERE updated_at > _airbyte_extracted_at",
      ),
      0,
    );
    // Normalisation matters: some emails carry capitals or spaces.
    assert.ok(
      (await num(connection, "SELECT count(*) FROM clean.shopify_orders WHERE email <> lower(trim(email))")) >
        0,
    );
  });

  it("keeps order totals consistent and ad metrics plausible", async () => {
    const inconsistent = await num(
      connection,
      `SELECT count(*) FROM clean.shopify_orders WHERE total_price IS NULL
         OR abs(total_price - (subtotal_price + total_tax + (total_shipping_price_set->'shop_money'->>'amount')::DECIMAL(18, 2))) > 0.01`,
    );
    assert.equal(inconsistent, 0);
    assert.equal(
      await num(connection, "SELECT count(*) FROM clean.facebook_ads_insights WHERE clicks > impressions"),
      0,
    );
    assert.equal(
      await num(
        connection,
        "SELECT count(*) FROM clean.google_ads_campaign_stats WHERE metrics_clicks > metrics_impressions",
      ),
      0,
    );
    assert.equal(
      await num(
        connection,
        "SELECT count(*) FROM clean.tiktok_ads_reports_daily WHERE (metrics->>'clicks')::INT > (metrics->>'impressions')::INT",
      ),
      0,
    );
    const ratio = await num(
      connection,
      `SELECT ((SELECT sum(spend) FROM clean.facebook_ads_insights)
             + (SELECT sum((metrics->>'spend')::DOUBLE) FROM clean.tiktok_ads_reports_daily)
             + (SELECT sum(metrics_cost_micros) / 1e6 FROM clean.google_ads_campaign_stats))
             / (SELECT sum(total_price) FROM ${LATEST("clean")} WHERE cancelled_at IS NULL)`,
    );
    assert.ok(ratio >= 0.25 && ratio <= 0.35, `spend/revenue ${ratio}`);
    // Every paid UTM campaign exists on its platform, and the platforms report more purchases than UTMs show.
    const orphans = await rows(
      connection,
      `SELECT DISTINCT regexp_extract(landing_site, 'utm_campaign=([^&]+)', 1) AS campaign FROM clean.shopify_orders
       WHERE landing_site LIKE '%utm_medium=paid_social%' OR landing_site LIKE '%utm_medium=cpc%'
       EXCEPT (SELECT campaign_name FROM clean.facebook_ads_insights UNION SELECT metrics->>'campaign_name' FROM clean.tiktok_ads_reports_daily
               UNION SELECT campaign_name FROM clean.google_ads_campaign_stats)`,
    );
    assert.deepEqual(orphans, []);
    const utmMeta = await num(
      connection,
      "SELECT count(DISTINCT id) FROM clean.shopify_orders WHERE regexp_matches(landing_site, 'utm_source=(facebook|instagram)')",
    );
    const reported = await num(
      connection,
      `SELECT sum((a->>'value')::INT) FROM (SELECT unnest(from_json(actions, '["JSON"]')) AS a FROM clean.facebook_ads_insights)
       WHERE a->>'action_type' = 'offsite_conversion.fb_pixel_purchase'`,
    );
    assert.ok(
      reported > utmMeta * 1.1 && reported < utmMeta * 1.8,
      `Meta reports ${reported} vs ${utmMeta} by UTM`,
    );
  });

  it("injects the stale sources the manifest lists", async () => {
    assert.deepEqual(dirty.injected.staleSources, [
      { source: "facebook_ads", lastDay: addDays(END, -5) },
      { source: "tiktok_ads", lastDay: addDays(END, -4) },
    ]);
    const last = await one(
      connection,
      `SELECT (SELECT max(date_start) FROM dirty.facebook_ads_insights)::VARCHAR AS meta,
              (SELECT max(stat_time_day)::DATE FROM dirty.tiktok_ads_reports_daily)::VARCHAR AS tiktok,
              (SELECT max(segments_date) FROM dirty.google_ads_campaign_stats)::VARCHAR AS google,
              (SELECT max(_airbyte_extracted_at)::DATE FROM dirty.facebook_ads_insights)::VARCHAR AS meta_extracted`,
    );
    assert.deepEqual(last, {
      meta: addDays(END, -5),
      tiktok: addDays(END, -4),
      google: END,
      meta_extracted: addDays(END, -4),
    });
  });

  it("breaks Meta and TikTok attribution in the last seven days", async () => {
    const from = addDays(END, -6);
    assert.deepEqual(dirty.injected.brokenAttribution, [
      { channel: "meta", from, to: END },
      { channel: "tiktok", from, to: END },
    ]);
    const utmOrders = (dataset: string, first: string, last: string) =>
      num(
        connection,
        `SELECT count(*) FROM ${dataset}.shopify_orders WHERE ${LOCAL_DAY} BETWEEN DATE '${first}' AND DATE '${last}'
         AND regexp_matches(landing_site, 'utm_source=(facebook|instagram|tiktok)')`,
      );
    assert.equal(await utmOrders("dirty", from, END), 0);
    assert.ok((await utmOrders("dirty", addDays(from, -7), addDays(from, -1))) > 0);
    assert.ok((await utmOrders("clean", from, END)) > 0);
    // The platforms still spend on the days they report.
    const spend = await num(
      connection,
      `SELECT sum(spend) FROM dirty.facebook_ads_insights WHERE date_start >= DATE '${from}'`,
    );
    assert.ok(spend > 0);
  });

  it("lands one day's order batch twice", async () => {
    const batch = dirty.injected.duplicatedBatch;
    assert.equal(batch.table, "shopify_orders");
    assert.equal(batch.day, addDays(END, -20));
    const duplicates = await rows(
      connection,
      `SELECT ${LOCAL_DAY}::VARCHAR AS day, count(*) AS groups, count(DISTINCT id) AS orders
       FROM (SELECT id, any_value(created_at) AS created_at, count(DISTINCT _airbyte_raw_id) AS raw_ids,
                    max(_airbyte_extracted_at) - min(_airbyte_extracted_at) AS apart
             FROM dirty.shopify_orders GROUP BY id, updated_at, financial_status HAVING count(*) > 1
                AND raw_ids = 2 AND apart BETWEEN INTERVAL 1 MINUTE AND INTERVAL 30 MINUTE)
       GROUP BY 1`,
    );
    const dayOrders = await num(
      connection,
      `SELECT count(DISTINCT id) FROM dirty.shopify_orders WHERE ${LOCAL_DAY} = DATE '${batch.day}'`,
    );
    assert.deepEqual(duplicates, [{ day: batch.day, groups: batch.rows, orders: batch.rows }]);
    assert.equal(batch.rows, dayOrders);
  });

  it("leaves order values NULL on a few recent orders", async () => {
    const nulls = dirty.injected.nullOrderValues;
    assert.equal(nulls.count, 15);
    const found = await rows(
      connection,
      `SELECT ${LOCAL_DAY}::VARCHAR AS day, count(DISTINCT id) AS orders FROM dirty.shopify_orders WHERE total_price IS NULL GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      found.map((row) => row.day),
      nulls.days,
    );
    assert.equal(
      found.reduce((sum, row) => sum + Number(row.orders), 0),
      nulls.count,
    );
    for (const day of nulls.days) assert.ok(day >= addDays(END, -9) && day <= END);
  });

  it("has none of the problems when problems is false", async () => {
    assert.deepEqual(clean.injected, {
      staleSources: [],
      brokenAttribution: [],
      duplicatedBatch: { table: "shopify_orders", day: "", rows: 0 },
      nullOrderValues: { count: 0, days: [] },
    });
    const last = await one(
      connection,
      `SELECT (SELECT max(date_start) FROM clean.facebook_ads_insights)::VARCHAR AS meta,
              (SELECT max(stat_time_day)::DATE FROM clean.tiktok_ads_reports_daily)::VARCHAR AS tiktok`,
    );
    assert.deepEqual(last, { meta: END, tiktok: END });
    assert.equal(
      await num(connection, "SELECT count(*) FROM clean.shopify_orders WHERE total_price IS NULL"),
      0,
    );
    assert.equal(
      await num(
        connection,
        "SELECT count(*) FROM (SELECT 1 FROM clean.shopify_orders GROUP BY id, updated_at, financial_status HAVING count(*) > 1)",
      ),
      0,
    );
    // Same seed: the clean and the dirty runs differ only where the problems were injected.
    assert.equal(clean.orders, dirty.orders);
  });

  it("rejects bad options", async () => {
    await assert.rejects(
      generateDemoData(connection, "bad", options({ startDate: "2026-13-01" })),
      /startDate/,
    );
    await assert.rejects(
      generateDemoData(connection, "bad", options({ startDate: addDays(END, 1) })),
      /after/,
    );
    await assert.rejects(generateDemoData(connection, "bad; DROP", options()), /dataset/);
  });
});
