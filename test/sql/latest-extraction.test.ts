// docs/connectors.md, "Airbyte instead": Airbyte syncs the streams in incremental append mode, so a record synced
// again is a second row in the raw table, and staging keeps the latest extraction of each record. Here every raw
// table holds one record twice, an earlier extraction and a later one with other values (a restated ad day, an
// order refunded and re-synced, a customer and a product changed): each staging model holds the later values
// only, once. The expected values are the later rows' own, written out below.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { buildModels, insertRaw, metaAdDay, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
const EARLIER = "2026-11-22T03:00:00Z";
const LATER = "2026-11-22T09:00:00Z";

/** The same record, first as extracted EARLIER, then as extracted LATER with `changed` values. */
const twice = (record: Record<string, unknown>, changed: Record<string, unknown>) => [
  { ...record, _airbyte_raw_id: "earlier", _airbyte_extracted_at: EARLIER },
  { ...record, ...changed, _airbyte_raw_id: "later", _airbyte_extracted_at: LATER },
];

describe("staging keeps the latest extraction of each record Airbyte appends", () => {
  let warehouse: DuckDbWarehouse;
  const rows = (sql: string) => warehouse.query(sql, {}, { label: "latest extraction" });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(
      warehouse,
      "shopify_orders",
      twice(
        {
          id: 1,
          name: "#1",
          created_at: "2026-11-21T15:00:00Z",
          updated_at: "2026-11-21T15:00:00Z",
          currency: "USD",
          financial_status: "paid",
          subtotal_price: "80.00",
          total_price: "80.00",
          line_items: [],
          refunds: [],
        },
        { financial_status: "refunded", updated_at: "2026-11-22T08:00:00Z" },
      ),
    );
    await insertRaw(
      warehouse,
      "shopify_customers",
      twice(
        { id: 7, email: "a@example.com", orders_count: 1, updated_at: "2026-11-21T15:00:00Z" },
        { orders_count: 2, updated_at: "2026-11-22T08:00:00Z" },
      ),
    );
    await insertRaw(
      warehouse,
      "shopify_products",
      twice(
        { id: 5, title: "Soap", product_type: "Bath", status: "active", variants: [{ price: "8.00" }] },
        { title: "Olive Soap", variants: [{ price: "9.50" }] },
      ),
    );
    await insertRaw(
      warehouse,
      "facebook_ads_insights",
      // twice() sets each row's own extraction time over metaAdDay's.
      twice({ ...metaAdDay(RUN_DATE, EARLIER), date_stop: RUN_DATE }, { spend: 31.5, clicks: 10 }),
    );
    await insertRaw(
      warehouse,
      "tiktok_ads_reports_daily",
      twice(
        {
          ad_id: 77,
          advertiser_id: 7,
          stat_time_day: `${RUN_DATE}T00:00:00Z`,
          metrics: { campaign_id: "t1", spend: "40.00", impressions: "800", clicks: "20", currency: "USD" },
        },
        {
          metrics: { campaign_id: "t1", spend: "42.00", impressions: "820", clicks: "21", currency: "USD" },
        },
      ),
    );
    await insertRaw(
      warehouse,
      "google_ads_campaign_stats",
      twice(
        {
          segments_date: RUN_DATE,
          customer_id: 3,
          customer_currency_code: "USD",
          campaign_id: 5,
          ad_group_id: 6,
          metrics_cost_micros: 25_000_000,
          metrics_impressions: 400,
          metrics_clicks: 30,
        },
        { metrics_cost_micros: 26_500_000, metrics_clicks: 31 },
      ),
    );
    await buildModels(warehouse, RUN_DATE);
  });
  after(() => warehouse.close());

  it("Shopify orders, customers and products: the later version of each", async () => {
    assert.deepEqual(await rows("SELECT order_id, financial_status FROM staging.stg_shopify_orders"), [
      { order_id: 1, financial_status: "refunded" },
    ]);
    assert.deepEqual(await rows("SELECT customer_id, orders_count FROM staging.stg_shopify_customers"), [
      { customer_id: 7, orders_count: 2 },
    ]);
    assert.deepEqual(
      await rows("SELECT product_id, product_title, list_price FROM staging.stg_shopify_products"),
      [{ product_id: 5, product_title: "Olive Soap", list_price: 9.5 }],
    );
  });

  it("Meta, TikTok and Google Ads: the later extraction of each ad's (ad group's) day", async () => {
    assert.deepEqual(
      await rows(
        `SELECT platform, spend, impressions, clicks FROM staging.stg_facebook_ads_insights
         UNION ALL SELECT platform, spend, impressions, clicks FROM staging.stg_tiktok_ads_reports_daily
         UNION ALL SELECT platform, spend, impressions, clicks FROM staging.stg_google_ads_campaign_stats
         ORDER BY platform`,
      ),
      [
        { platform: "facebook_ads", spend: 31.5, impressions: 300, clicks: 10 },
        { platform: "google_ads", spend: 26.5, impressions: 400, clicks: 31 },
        { platform: "tiktok_ads", spend: 42, impressions: 820, clicks: 21 },
      ],
    );
  });
});
