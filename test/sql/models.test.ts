// Every model from hand-written raw rows to expected rows, on DuckDB through the dialect layer. The raw rows
// hold the nasty cases: a raw batch landed twice, a refund weeks after its order's month, a guest order without
// customer, an order at 23:30 New York time (04:30 UTC the next day), lower-case currencies, a NULL order total,
// a cancelled order, an older extraction of an ad row, and a zero-spend day.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { hashPii } from "../../functions/lib/pii.ts";
import { buildModels, FIXTURE_PII_KEY, insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
const ANN = hashPii("ann@example.com", FIXTURE_PII_KEY);
const BOB = hashPii("bob@example.com", FIXTURE_PII_KEY);

const shipping = (amount: string) => ({ shop_money: { amount, currency_code: "USD" } });
const line = (
  id: number,
  product: number,
  title: string,
  quantity: number,
  price: string,
  discount = "0.00",
) => ({
  id,
  product_id: product,
  variant_id: product * 10,
  sku: `SKU-${product}`,
  title,
  quantity,
  price,
  total_discount: discount,
});

async function loadScenario(warehouse: DuckDbWarehouse): Promise<void> {
  const ann = { id: 1, email: "ann@example.com" };
  const firstOrder = {
    id: 1001,
    name: "1001",
    // Pasted with a tab and a Windows line break: BigQuery's TRIM removes them, so must the DuckDB translation.
    email: "\t Ann@Example.com \r\n",
    created_at: "2026-11-21T15:00:00Z",
    updated_at: "2026-11-21T15:00:00Z",
    currency: "usd",
    financial_status: "paid",
    subtotal_price: "100.00",
    total_discounts: "0.00",
    total_tax: "5.00",
    total_shipping_price_set: shipping("5.00"),
    total_price: "110.00",
    // An email campaign's link that names its reader: the URL is personal data, not only its email field.
    landing_site:
      "/products/serum?utm_source=facebook&utm_medium=paid_social&utm_campaign=BF&email=ann%40example.com&phone=%2B14155550100",
    customer: ann,
    line_items: [line(1, 501, "Serum", 2, "50.00")],
    refunds: [],
    shipping_address: { country_code: "us", province_code: "ny" },
    _airbyte_raw_id: "r1",
    _airbyte_extracted_at: "2026-11-22T07:00:00Z",
  };
  await insertRaw(warehouse, "shopify_orders", [
    firstOrder,
    // The same batch landed a second time, minutes later.
    { ...firstOrder, _airbyte_raw_id: "r1-copy", _airbyte_extracted_at: "2026-11-22T07:07:00Z" },
    {
      // 23:30 in New York on the 21st is 04:30 UTC on the 22nd: it belongs to the 21st. A guest, no UTM.
      id: 1002,
      name: "#1002",
      created_at: "2026-11-22T04:30:00Z",
      updated_at: "2026-11-22T04:30:00Z",
      currency: "USD",
      subtotal_price: "50.00",
      total_discounts: "0.00",
      total_tax: "5.00",
      total_shipping_price_set: shipping("5.00"),
      total_price: "60.00",
      line_items: [line(2, 502, "Cream", 1, "50.00")],
      shipping_address: { country_code: "CA", province_code: "ON" },
      _airbyte_raw_id: "r2",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
    {
      // Ann's first order, in October; refunded in November: Airbyte lands the order again when it changes.
      id: 1003,
      name: "#1003",
      email: "ann@example.com",
      created_at: "2026-10-15T12:00:00Z",
      updated_at: "2026-10-15T12:00:00Z",
      currency: "USD",
      subtotal_price: "200.00",
      total_discounts: "20.00",
      total_tax: "20.00",
      total_shipping_price_set: shipping("0.00"),
      total_price: "220.00",
      landing_site: "/?utm_source=google&utm_medium=cpc&utm_campaign=Search",
      customer: ann,
      line_items: [line(3, 501, "Serum", 4, "55.00", "20.00")],
      refunds: [],
      shipping_address: { country_code: "US", province_code: "NY" },
      _airbyte_raw_id: "r3",
      _airbyte_extracted_at: "2026-10-16T07:00:00Z",
    },
    {
      id: 1003,
      name: "#1003",
      email: "ann@example.com",
      created_at: "2026-10-15T12:00:00Z",
      updated_at: "2026-11-20T10:00:00Z",
      currency: "USD",
      financial_status: "partially_refunded",
      subtotal_price: "200.00",
      total_discounts: "20.00",
      total_tax: "20.00",
      total_shipping_price_set: shipping("0.00"),
      total_price: "220.00",
      landing_site: "/?utm_source=google&utm_medium=cpc&utm_campaign=Search",
      customer: ann,
      line_items: [line(3, 501, "Serum", 4, "55.00", "20.00")],
      refunds: [
        { id: 9, created_at: "2026-11-20T10:00:00Z", transactions: [{ amount: "55.00", kind: "refund" }] },
      ],
      shipping_address: { country_code: "US", province_code: "NY" },
      _airbyte_raw_id: "r3-v2",
      _airbyte_extracted_at: "2026-11-21T07:00:00Z",
    },
    {
      id: 1004,
      name: "#1004",
      email: "carl@example.com",
      created_at: "2026-11-20T17:00:00Z",
      updated_at: "2026-11-20T18:00:00Z",
      cancelled_at: "2026-11-20T18:00:00Z",
      currency: "USD",
      subtotal_price: "30.00",
      total_tax: "0.00",
      total_price: "30.00",
      line_items: [line(4, 502, "Cream", 1, "30.00")],
      _airbyte_raw_id: "r4",
      _airbyte_extracted_at: "2026-11-21T07:00:00Z",
    },
    {
      // An order whose total arrived NULL.
      id: 1005,
      name: "#1005",
      email: "bob@example.com",
      created_at: "2026-11-21T18:00:00Z",
      updated_at: "2026-11-21T18:00:00Z",
      currency: "USD",
      subtotal_price: "50.00",
      total_price: null,
      landing_site: "/?utm_source=tiktok&utm_medium=paid_social",
      customer: { id: 2, email: "bob@example.com" },
      line_items: [line(5, 502, "Cream", 1, "50.00")],
      shipping_address: { country_code: "US", province_code: "CA" },
      _airbyte_raw_id: "r5",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
  ]);
  await insertRaw(warehouse, "shopify_customers", [
    {
      id: 1,
      email: "ANN@example.com",
      phone: "+1 (415) 555-0100",
      created_at: "2026-10-15T12:00:00Z",
      updated_at: "2026-10-15T12:00:00Z",
      _airbyte_extracted_at: "2026-10-16T07:00:00Z",
    },
    {
      id: 1,
      email: "ANN@example.com",
      phone: "+1 (415) 555-0100",
      created_at: "2026-10-15T12:00:00Z",
      updated_at: "2026-11-21T15:00:00Z",
      orders_count: 2,
      accepts_marketing: true,
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
    {
      id: 2,
      email: "bob@example.com",
      created_at: "2026-11-21T18:00:00Z",
      updated_at: "2026-11-21T18:00:00Z",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
    // Two versions of one customer in one extraction: the later update wins.
    {
      id: 3,
      email: "cy@example.com",
      created_at: "2026-11-21T09:00:00Z",
      updated_at: "2026-11-21T20:00:00Z",
      orders_count: 1,
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
    {
      id: 3,
      email: "cy@example.com",
      created_at: "2026-11-21T09:00:00Z",
      updated_at: "2026-11-21T09:00:00Z",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
  ]);
  await insertRaw(warehouse, "shopify_products", [
    {
      id: 501,
      title: "Serum",
      product_type: "Skincare",
      status: "ACTIVE",
      variants: [{ price: "55.00" }, { price: "50.00" }],
      updated_at: "2026-01-01T00:00:00Z",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
    {
      id: 502,
      title: "Cream",
      product_type: "",
      status: "active",
      variants: [{ price: "50.00" }],
      updated_at: "2026-01-01T00:00:00Z",
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    },
  ]);
  const facebookRow = {
    date_start: RUN_DATE,
    date_stop: RUN_DATE,
    account_id: "act_1",
    account_currency: "usd",
    campaign_id: "c1",
    campaign_name: "BF",
    adset_id: "s1",
    adset_name: "Prospecting",
    ad_id: "a1",
    ad_name: "Video",
    impressions: 1000,
    clicks: 50,
    reach: 900,
  };
  await insertRaw(warehouse, "facebook_ads_insights", [
    // An earlier extraction of the same day and ad, superseded by the later one.
    {
      ...facebookRow,
      spend: 90,
      actions: [],
      action_values: [],
      _airbyte_extracted_at: "2026-11-22T03:00:00Z",
    },
    {
      ...facebookRow,
      spend: 100.5,
      actions: [
        { action_type: "offsite_conversion.fb_pixel_purchase", value: "3" },
        { action_type: "link_click", value: "50" },
      ],
      action_values: [{ action_type: "offsite_conversion.fb_pixel_purchase", value: "300.00" }],
      _airbyte_extracted_at: "2026-11-22T04:00:00Z",
    },
  ]);
  await insertRaw(warehouse, "tiktok_ads_reports_daily", [
    {
      ad_id: 77,
      advertiser_id: 7,
      stat_time_day: "2026-11-21T00:00:00Z",
      dimensions: { ad_id: 77, stat_time_day: "2026-11-21 00:00:00" },
      metrics: {
        campaign_id: "t1",
        campaign_name: "Spark",
        adgroup_id: "g1",
        adgroup_name: "Broad",
        ad_name: "UGC",
        spend: "40.00",
        impressions: "800",
        clicks: "20",
        conversion: "3",
        complete_payment: "2",
        // The total purchase value of the two purchases (TikTok's field name says "rate"; it is not).
        total_complete_payment_rate: "91",
        complete_payment_roas: "2.275",
        currency: "USD",
      },
      _airbyte_extracted_at: "2026-11-22T04:00:00Z",
    },
  ]);
  await insertRaw(warehouse, "google_ads_campaign_stats", [
    {
      segments_date: RUN_DATE,
      customer_id: 3,
      customer_currency_code: "USD",
      campaign_id: 5,
      campaign_name: "Search",
      ad_group_id: 6,
      ad_group_name: "Brand",
      metrics_cost_micros: 25_000_000,
      metrics_impressions: 400,
      metrics_clicks: 30,
      metrics_conversions: 1.5,
      metrics_conversions_value: 120.25,
      _airbyte_extracted_at: "2026-11-22T04:00:00Z",
    },
    // A day with the campaign live and nothing spent.
    {
      segments_date: "2026-11-20",
      customer_id: 3,
      customer_currency_code: "USD",
      campaign_id: 5,
      campaign_name: "Search",
      ad_group_id: 6,
      ad_group_name: "Brand",
      metrics_cost_micros: 0,
      metrics_impressions: 0,
      metrics_clicks: 0,
      metrics_conversions: 0,
      metrics_conversions_value: 0,
      _airbyte_extracted_at: "2026-11-21T04:00:00Z",
    },
  ]);
}

describe("SQL models on hand-made raw rows", () => {
  let warehouse: DuckDbWarehouse;
  const rows = (sql: string) => warehouse.query(sql, {}, { label: "fixture" });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await loadScenario(warehouse);
    await buildModels(warehouse, RUN_DATE);
  });
  after(() => warehouse.close());

  describe("staging", () => {
    it("stg_shopify_orders: latest version, shop-time-zone days, normalised names and currency, hashed email, channel", async () => {
      assert.deepEqual(
        await rows(
          "SELECT order_id, order_name, order_date, currency, email_hash, channel, is_cancelled, raw_versions, raw_copies_of_version FROM staging.stg_shopify_orders ORDER BY order_id",
        ),
        [
          {
            order_id: 1001,
            order_name: "#1001",
            order_date: "2026-11-21",
            currency: "USD",
            email_hash: ANN,
            channel: "meta",
            is_cancelled: false,
            raw_versions: 2,
            raw_copies_of_version: 2,
          },
          {
            order_id: 1002,
            order_name: "#1002",
            order_date: "2026-11-21",
            currency: "USD",
            email_hash: null,
            channel: "direct_or_organic",
            is_cancelled: false,
            raw_versions: 1,
            raw_copies_of_version: 1,
          },
          {
            order_id: 1003,
            order_name: "#1003",
            order_date: "2026-10-15",
            currency: "USD",
            email_hash: ANN,
            channel: "google_ads",
            is_cancelled: false,
            raw_versions: 2,
            raw_copies_of_version: 1,
          },
          {
            order_id: 1004,
            order_name: "#1004",
            order_date: "2026-11-20",
            currency: "USD",
            email_hash: hashPii("carl@example.com", FIXTURE_PII_KEY),
            channel: "direct_or_organic",
            is_cancelled: true,
            raw_versions: 1,
            raw_copies_of_version: 1,
          },
          {
            order_id: 1005,
            order_name: "#1005",
            order_date: "2026-11-21",
            currency: "USD",
            email_hash: BOB,
            channel: "tiktok",
            is_cancelled: false,
            raw_versions: 1,
            raw_copies_of_version: 1,
          },
        ],
      );
    });

    it("stg_shopify_orders keeps no plaintext email or phone", async () => {
      const columns =
        (await warehouse.listTables("staging"))
          .find((table) => table.name === "stg_shopify_orders")
          ?.columns.map((column) => column.name) ?? [];
      assert.ok(
        !columns.includes("email") && !columns.includes("phone") && !columns.includes("normalised_email"),
      );
    });

    it("no table past raw holds an email address or phone number, not even inside a landing URL", async () => {
      // Every text column of every model's table, read whole: ann's address and phone are in the raw rows (the
      // order's email, the customer, a landing URL's query string) and must be nowhere else.
      const planted = [/ann(@|%40)example\.com/i, /4155550100/];
      let textColumns = 0;
      for (const dataset of ["staging", "unified", "marts"]) {
        for (const table of await warehouse.listTables(dataset)) {
          const text = table.columns.filter((column) => /CHAR|STRING|TEXT/i.test(column.type));
          textColumns += text.length;
          for (const column of text) {
            const values = await rows(
              `SELECT DISTINCT CAST(\`${column.name}\` AS STRING) AS value FROM ${dataset}.${table.name}`,
            );
            for (const { value } of values) {
              for (const pattern of planted) {
                assert.ok(
                  !pattern.test(String(value ?? "")),
                  `${dataset}.${table.name}.${column.name}: ${value}`,
                );
              }
            }
          }
        }
      }
      assert.ok(textColumns > 20, `${textColumns} text columns read`);
    });

    it("stg_shopify_line_items: one row per line, revenue after line discounts", async () => {
      assert.deepEqual(
        await rows(
          "SELECT order_id, product_id, quantity, unit_price, line_discount, line_revenue FROM staging.stg_shopify_line_items ORDER BY order_id",
        ),
        [
          {
            order_id: 1001,
            product_id: 501,
            quantity: 2,
            unit_price: 50,
            line_discount: 0,
            line_revenue: 100,
          },
          {
            order_id: 1002,
            product_id: 502,
            quantity: 1,
            unit_price: 50,
            line_discount: 0,
            line_revenue: 50,
          },
          {
            order_id: 1003,
            product_id: 501,
            quantity: 4,
            unit_price: 55,
            line_discount: 20,
            line_revenue: 200,
          },
          {
            order_id: 1004,
            product_id: 502,
            quantity: 1,
            unit_price: 30,
            line_discount: 0,
            line_revenue: 30,
          },
          {
            order_id: 1005,
            product_id: 502,
            quantity: 1,
            unit_price: 50,
            line_discount: 0,
            line_revenue: 50,
          },
        ],
      );
    });

    it("stg_shopify_refunds: a November refund of an October order, dated both ways", async () => {
      assert.deepEqual(
        await rows(
          "SELECT order_id, order_date, refund_id, refund_date, amount FROM staging.stg_shopify_refunds",
        ),
        [{ order_id: 1003, order_date: "2026-10-15", refund_id: 9, refund_date: "2026-11-20", amount: 55 }],
      );
    });

    it("stg_shopify_customers: latest version (by extraction, then update); the same person has the same hash as on the orders", async () => {
      assert.deepEqual(
        await rows(
          "SELECT customer_id, email_hash, phone_hash, orders_count, accepts_marketing FROM staging.stg_shopify_customers ORDER BY customer_id",
        ),
        [
          {
            customer_id: 1,
            email_hash: ANN,
            phone_hash: hashPii("+14155550100", FIXTURE_PII_KEY),
            orders_count: 2,
            accepts_marketing: true,
          },
          { customer_id: 2, email_hash: BOB, phone_hash: null, orders_count: 0, accepts_marketing: false },
          {
            customer_id: 3,
            email_hash: hashPii("cy@example.com", FIXTURE_PII_KEY),
            phone_hash: null,
            orders_count: 1,
            accepts_marketing: false,
          },
        ],
      );
    });

    it("stg_shopify_products: lower-case status, a category for every product, the highest variant price", async () => {
      assert.deepEqual(
        await rows(
          "SELECT product_id, category, status, list_price FROM staging.stg_shopify_products ORDER BY product_id",
        ),
        [
          { product_id: 501, category: "Skincare", status: "active", list_price: 55 },
          { product_id: 502, category: "Uncategorised", status: "active", list_price: 50 },
        ],
      );
    });

    it("stg ad models: the latest extraction, one schema, money in the account currency", async () => {
      assert.deepEqual(
        await rows(
          `SELECT platform, date, campaign_id, spend, impressions, clicks, conversions, conversion_value, currency FROM staging.stg_facebook_ads_insights
           UNION ALL SELECT platform, date, campaign_id, spend, impressions, clicks, conversions, conversion_value, currency FROM staging.stg_tiktok_ads_reports_daily
           UNION ALL SELECT platform, date, campaign_id, spend, impressions, clicks, conversions, conversion_value, currency FROM staging.stg_google_ads_campaign_stats
           ORDER BY platform, date`,
        ),
        [
          {
            platform: "facebook_ads",
            date: RUN_DATE,
            campaign_id: "c1",
            spend: 100.5,
            impressions: 1000,
            clicks: 50,
            conversions: 3,
            conversion_value: 300,
            currency: "USD",
          },
          {
            platform: "google_ads",
            date: "2026-11-20",
            campaign_id: "5",
            spend: 0,
            impressions: 0,
            clicks: 0,
            conversions: 0,
            conversion_value: 0,
            currency: "USD",
          },
          {
            platform: "google_ads",
            date: RUN_DATE,
            campaign_id: "5",
            spend: 25,
            impressions: 400,
            clicks: 30,
            conversions: 1.5,
            conversion_value: 120.25,
            currency: "USD",
          },
          {
            platform: "tiktok_ads",
            date: RUN_DATE,
            campaign_id: "t1",
            spend: 40,
            impressions: 800,
            clicks: 20,
            conversions: 2,
            conversion_value: 91,
            currency: "USD",
          },
        ],
      );
    });
  });

  describe("unified", () => {
    it("shopify_unified: one row per order, first vs returning by customer history, refunds and units", async () => {
      assert.deepEqual(
        await rows(
          "SELECT order_id, customer_order_number, is_first_order, is_returning_customer, customer_first_order_date, units, refunded_amount, first_refund_date FROM unified.shopify_unified ORDER BY order_id",
        ),
        [
          {
            order_id: 1001,
            customer_order_number: 2,
            is_first_order: false,
            is_returning_customer: true,
            customer_first_order_date: "2026-10-15",
            units: 2,
            refunded_amount: 0,
            first_refund_date: null,
          },
          {
            order_id: 1002,
            customer_order_number: null,
            is_first_order: false,
            is_returning_customer: false,
            customer_first_order_date: null,
            units: 1,
            refunded_amount: 0,
            first_refund_date: null,
          },
          {
            order_id: 1003,
            customer_order_number: 1,
            is_first_order: true,
            is_returning_customer: false,
            customer_first_order_date: "2026-10-15",
            units: 4,
            refunded_amount: 55,
            first_refund_date: "2026-11-20",
          },
          {
            order_id: 1004,
            customer_order_number: null,
            is_first_order: false,
            is_returning_customer: false,
            customer_first_order_date: null,
            units: 1,
            refunded_amount: 0,
            first_refund_date: null,
          },
          {
            order_id: 1005,
            customer_order_number: 1,
            is_first_order: true,
            is_returning_customer: false,
            customer_first_order_date: "2026-11-21",
            units: 1,
            refunded_amount: 0,
            first_refund_date: null,
          },
        ],
      );
    });

    it("ad_performance: every platform's ad rows in one schema", async () => {
      const columns = (await warehouse.listTables("unified"))
        .find((table) => table.name === "ad_performance")
        ?.columns.map((column) => column.name);
      assert.match(JSON.stringify(columns), /"date","platform","channel","account_id","campaign_id"/);
      assert.deepEqual(
        await rows("SELECT DISTINCT platform, channel FROM unified.ad_performance ORDER BY platform"),
        [
          { platform: "facebook_ads", channel: "meta" },
          { platform: "google_ads", channel: "google_ads" },
          { platform: "tiktok_ads", channel: "tiktok" },
        ],
      );
    });

    it("marketing_unified: platform numbers next to UTM-attributed orders, with the day's blended totals", async () => {
      assert.deepEqual(
        await rows(
          "SELECT date, channel, spend, clicks, platform_conversions, attributed_orders, attributed_revenue, day_total_spend, day_total_revenue, day_blended_roas FROM unified.marketing_unified WHERE date = DATE '2026-11-21' ORDER BY channel",
        ),
        [
          {
            date: RUN_DATE,
            channel: "direct_or_organic",
            spend: 0,
            clicks: 0,
            platform_conversions: 0,
            attributed_orders: 1,
            attributed_revenue: 60,
            day_total_spend: 165.5,
            day_total_revenue: 170,
            day_blended_roas: 1.0272,
          },
          {
            date: RUN_DATE,
            channel: "google_ads",
            spend: 25,
            clicks: 30,
            platform_conversions: 1.5,
            attributed_orders: 0,
            attributed_revenue: 0,
            day_total_spend: 165.5,
            day_total_revenue: 170,
            day_blended_roas: 1.0272,
          },
          {
            date: RUN_DATE,
            channel: "meta",
            spend: 100.5,
            clicks: 50,
            platform_conversions: 3,
            attributed_orders: 1,
            attributed_revenue: 110,
            day_total_spend: 165.5,
            day_total_revenue: 170,
            day_blended_roas: 1.0272,
          },
          {
            date: RUN_DATE,
            channel: "tiktok",
            spend: 40,
            clicks: 20,
            platform_conversions: 2,
            attributed_orders: 1,
            attributed_revenue: 0,
            day_total_spend: 165.5,
            day_total_revenue: 170,
            day_blended_roas: 1.0272,
          },
        ],
      );
    });
  });

  describe("marts", () => {
    it("shopify_daily_metrics and daily_kpis: the run date by hand", async () => {
      // Orders 1001 (110), 1002 (60, 23:30 New York), 1005 (no total); 1004 is cancelled.
      assert.deepEqual(
        await rows(
          "SELECT date, orders, orders_missing_value, gross_revenue, refunds, net_revenue, units, aov, new_customers, returning_customers, new_customer_revenue, returning_customer_revenue, ad_spend, blended_roas, mer, cac FROM marts.daily_kpis WHERE date = DATE '2026-11-21'",
        ),
        [
          {
            date: RUN_DATE,
            orders: 3,
            orders_missing_value: 1,
            gross_revenue: 170,
            refunds: 0,
            net_revenue: 170,
            units: 4,
            aov: 85,
            new_customers: 1,
            returning_customers: 1,
            new_customer_revenue: 0,
            returning_customer_revenue: 110,
            ad_spend: 165.5,
            blended_roas: 1.0272,
            mer: 1.0272,
            cac: 165.5,
          },
        ],
      );
      // The refund lands on its order's day in October; the zero-spend day still has a row. A new customer on a
      // day without ad spend has no CAC (not $0: nothing was paid for, nor measured).
      assert.deepEqual(
        await rows(
          "SELECT date, orders, gross_revenue, refunds, net_revenue, ad_spend, blended_roas, new_customers, cac FROM marts.daily_kpis WHERE date < DATE '2026-11-21' ORDER BY date",
        ),
        [
          {
            date: "2026-10-15",
            orders: 1,
            gross_revenue: 220,
            refunds: 55,
            net_revenue: 165,
            ad_spend: 0,
            blended_roas: null,
            new_customers: 1,
            cac: null,
          },
          {
            date: "2026-11-20",
            orders: 0,
            gross_revenue: 0,
            refunds: 0,
            net_revenue: 0,
            ad_spend: 0,
            blended_roas: null,
            new_customers: 0,
            cac: null,
          },
        ],
      );
    });

    it("marketing_monthly_performance and channel_mix: ratios of sums per month and channel", async () => {
      assert.deepEqual(
        await rows(
          "SELECT channel, spend, attributed_revenue, roas, platform_roas, cpa, ctr, cpc FROM marts.marketing_monthly_performance WHERE month = DATE '2026-11-01' ORDER BY channel",
        ),
        [
          {
            channel: "direct_or_organic",
            spend: 0,
            attributed_revenue: 60,
            roas: null,
            platform_roas: null,
            // Nothing spent: no cost per order (not $0.00), as new_customer_cpa.
            cpa: null,
            ctr: null,
            cpc: null,
          },
          {
            channel: "google_ads",
            spend: 25,
            attributed_revenue: 0,
            roas: 0,
            platform_roas: 4.81,
            cpa: null,
            ctr: 0.075,
            cpc: 0.8333,
          },
          {
            channel: "meta",
            spend: 100.5,
            attributed_revenue: 110,
            roas: 1.0945,
            platform_roas: 2.9851,
            cpa: 100.5,
            ctr: 0.05,
            cpc: 2.01,
          },
          {
            channel: "tiktok",
            spend: 40,
            attributed_revenue: 0,
            roas: 0,
            platform_roas: 2.275,
            cpa: 40,
            ctr: 0.025,
            cpc: 2,
          },
        ],
      );
      assert.deepEqual(
        await rows(
          "SELECT channel, spend_share, orders_share, revenue_share FROM marts.channel_mix WHERE month = DATE '2026-11-01' ORDER BY channel",
        ),
        [
          { channel: "direct_or_organic", spend_share: 0, orders_share: 0.3333, revenue_share: 0.3529 },
          { channel: "google_ads", spend_share: 0.1511, orders_share: 0, revenue_share: 0 },
          { channel: "meta", spend_share: 0.6073, orders_share: 0.3333, revenue_share: 0.6471 },
          { channel: "tiktok", spend_share: 0.2417, orders_share: 0.3333, revenue_share: 0 },
        ],
      );
    });

    it("product_performance and premium_products: refund rate, share, rank; the top price decile", async () => {
      assert.deepEqual(
        await rows(
          "SELECT month, product_id, units, orders, revenue, refund_rate, revenue_share, revenue_rank FROM marts.product_performance ORDER BY month, product_id",
        ),
        [
          {
            month: "2026-10-01",
            product_id: 501,
            units: 4,
            orders: 1,
            revenue: 200,
            refund_rate: 1,
            revenue_share: 1,
            revenue_rank: 1,
          },
          {
            month: "2026-11-01",
            product_id: 501,
            units: 2,
            orders: 1,
            revenue: 100,
            refund_rate: 0,
            revenue_share: 0.5,
            revenue_rank: 1,
          },
          {
            month: "2026-11-01",
            product_id: 502,
            units: 2,
            orders: 2,
            revenue: 100,
            refund_rate: 0,
            revenue_share: 0.5,
            revenue_rank: 1,
          },
        ],
      );
      // Prices 55 and 50: the 90th percentile is 54.5, so only the serum is premium.
      assert.deepEqual(
        await rows(
          "SELECT month, product_id, list_price, premium_threshold, revenue FROM marts.premium_products ORDER BY month",
        ),
        [
          { month: "2026-10-01", product_id: 501, list_price: 55, premium_threshold: 54.5, revenue: 200 },
          { month: "2026-11-01", product_id: 501, list_price: 55, premium_threshold: 54.5, revenue: 100 },
        ],
      );
    });

    it("geographic_sales: orders, revenue, customers and AOV by country and region", async () => {
      assert.deepEqual(
        await rows(
          "SELECT country_code, region_code, orders, revenue, customers, aov FROM marts.geographic_sales WHERE month = DATE '2026-11-01' ORDER BY country_code, region_code",
        ),
        [
          { country_code: "CA", region_code: "ON", orders: 1, revenue: 60, customers: 0, aov: 60 },
          { country_code: "US", region_code: "CA", orders: 1, revenue: 0, customers: 1, aov: null },
          { country_code: "US", region_code: "NY", orders: 1, revenue: 110, customers: 1, aov: 110 },
        ],
      );
    });

    it("ltv_cohorts: cumulative revenue per customer and retention by months since the first order", async () => {
      assert.deepEqual(
        await rows(
          "SELECT cohort_month, months_since_first_order, cohort_customers, active_customers, orders, revenue, cumulative_revenue_per_customer, retention FROM marts.ltv_cohorts ORDER BY cohort_month, months_since_first_order",
        ),
        [
          {
            cohort_month: "2026-10-01",
            months_since_first_order: 0,
            cohort_customers: 1,
            active_customers: 1,
            orders: 1,
            revenue: 220,
            cumulative_revenue_per_customer: 220,
            retention: 1,
          },
          {
            cohort_month: "2026-10-01",
            months_since_first_order: 1,
            cohort_customers: 1,
            active_customers: 1,
            orders: 1,
            revenue: 110,
            cumulative_revenue_per_customer: 330,
            retention: 1,
          },
          {
            cohort_month: "2026-11-01",
            months_since_first_order: 0,
            cohort_customers: 1,
            active_customers: 1,
            orders: 1,
            revenue: 0,
            cumulative_revenue_per_customer: 0,
            retention: 1,
          },
        ],
      );
    });

    it("executive_summary_monthly: month to date, with no YoY where there is no history", async () => {
      assert.deepEqual(
        await rows(
          "SELECT month, period_end, days, orders, gross_revenue, ad_spend, blended_roas, last_year_gross_revenue, gross_revenue_yoy FROM marts.executive_summary_monthly ORDER BY month",
        ),
        [
          {
            month: "2026-10-01",
            period_end: "2026-10-31",
            days: 1,
            orders: 1,
            gross_revenue: 220,
            ad_spend: 0,
            blended_roas: null,
            last_year_gross_revenue: null,
            gross_revenue_yoy: null,
          },
          {
            month: "2026-11-01",
            period_end: "2026-11-21",
            days: 2,
            orders: 3,
            gross_revenue: 170,
            ad_spend: 165.5,
            blended_roas: 1.0272,
            last_year_gross_revenue: null,
            gross_revenue_yoy: null,
          },
        ],
      );
    });

    it("marketing_unified_with_explanations: why a paid channel shows 0, and its ROAS (NULL without spend)", async () => {
      assert.deepEqual(
        await rows(
          "SELECT date, channel, spend, roas, explanation FROM marts.marketing_unified_with_explanations WHERE date >= DATE '2026-11-20' AND is_paid_channel ORDER BY date, channel",
        ),
        [
          {
            date: "2026-11-20",
            channel: "google_ads",
            spend: 0,
            roas: null,
            explanation: "no spend that day",
          },
          {
            date: "2026-11-20",
            channel: "meta",
            spend: 0,
            roas: null,
            explanation: "no Meta Ads rows for this day",
          },
          {
            date: "2026-11-20",
            channel: "tiktok",
            spend: 0,
            roas: null,
            explanation: "no TikTok Ads rows for this day",
          },
          {
            date: RUN_DATE,
            channel: "google_ads",
            spend: 25,
            roas: 0,
            explanation: "spend but no UTM-attributed orders: attribution broken or no conversions",
          },
          // 110 of attributed revenue ÷ 100.50 of spend = 1.09452…
          { date: RUN_DATE, channel: "meta", spend: 100.5, roas: 1.0945, explanation: null },
          // Its one attributed order arrived without a total: revenue 0.
          { date: RUN_DATE, channel: "tiktok", spend: 40, roas: 0, explanation: null },
        ],
      );
    });
  });
});

describe("customer identity for first orders: the hashed email first, the Shopify customer id otherwise", () => {
  let warehouse: DuckDbWarehouse;
  const rows = (sql: string) => warehouse.query(sql, {}, { label: "fixture" });
  const order = (id: number, day: string, who: { email?: string; customer?: { id: number } }) => ({
    id,
    name: `#${id}`,
    created_at: `${day}T15:00:00Z`,
    updated_at: `${day}T15:00:00Z`,
    currency: "USD",
    financial_status: "paid",
    subtotal_price: "10.00",
    total_discounts: "0.00",
    total_tax: "0.00",
    total_shipping_price_set: shipping("0.00"),
    total_price: "10.00",
    line_items: [line(id, 501, "Serum", 1, "10.00")],
    refunds: [],
    shipping_address: { country_code: "US", province_code: "NY" },
    _airbyte_raw_id: `r${id}`,
    _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    ...who,
  });

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-11-10", { email: "dee@example.com" }), // a guest checkout
      order(2, "2026-11-12", { email: "DEE@example.com", customer: { id: 7 } }), // the same person, logged in
      order(3, "2026-11-13", { customer: { id: 8 } }), // a customer without an email
      order(4, "2026-11-15", { customer: { id: 8 } }),
      order(5, "2026-11-16", { customer: { id: 9 } }),
      order(6, "2026-11-17", {}), // nobody: no customer to number
    ]);
    await buildModels(warehouse, RUN_DATE);
  });
  after(() => warehouse.close());

  it("stg_shopify_orders: customer_fingerprint is the email hash's first 60 bits, else -1 minus the customer id", async () => {
    const dee = BigInt(`0x${hashPii("dee@example.com", FIXTURE_PII_KEY).slice(0, 15)}`);
    assert.deepEqual(
      await rows(
        "SELECT order_id, CAST(customer_fingerprint AS STRING) AS fingerprint FROM staging.stg_shopify_orders ORDER BY order_id",
      ),
      [
        { order_id: 1, fingerprint: String(dee) },
        { order_id: 2, fingerprint: String(dee) },
        { order_id: 3, fingerprint: "-9" },
        { order_id: 4, fingerprint: "-9" },
        { order_id: 5, fingerprint: "-10" },
        { order_id: 6, fingerprint: null },
      ],
    );
  });

  it("shopify_unified's customer_key is the order's email hash when it has an email, else its customer id", async () => {
    // README, Deploying: shopify_unified no longer copies the order's email_hash: "it is customer_key whenever the
    // order has an email, and stays in staging.stg_shopify_orders".
    const dee = hashPii("dee@example.com", FIXTURE_PII_KEY);
    assert.deepEqual(
      await rows(
        `SELECT unified.order_id, unified.customer_key, staging.email_hash
         FROM unified.shopify_unified AS unified JOIN staging.stg_shopify_orders AS staging USING (order_id)
         ORDER BY unified.order_id`,
      ),
      [
        { order_id: 1, customer_key: dee, email_hash: dee },
        { order_id: 2, customer_key: dee, email_hash: dee },
        { order_id: 3, customer_key: "customer:8", email_hash: null },
        { order_id: 4, customer_key: "customer:8", email_hash: null },
        { order_id: 5, customer_key: "customer:9", email_hash: null },
        { order_id: 6, customer_key: null, email_hash: null },
      ],
    );
  });

  it("the columns whose change the README says the first transform after upgrading names", async () => {
    // README, Deploying: the upgrade fails "naming the removed columns (customer_created_at, accepts_marketing,
    // email_hash) or the new one (customer_fingerprint)" of unified.shopify_unified, and the new roas of
    // unified.marketing_unified and has_rows of unified.source_coverage.
    const columns = new Set(
      (
        await rows(
          "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'unified'",
        )
      ).map((row) => String(row.name)),
    );
    for (const gone of ["customer_created_at", "accepts_marketing", "email_hash"])
      assert.ok(!columns.has(`shopify_unified.${gone}`), `shopify_unified.${gone} removed`);
    for (const added of [
      "shopify_unified.customer_fingerprint",
      "marketing_unified.roas",
      "source_coverage.has_rows",
    ])
      assert.ok(columns.has(added), added);
  });

  it("shopify_unified numbers each customer's orders by it, and leaves an order without a customer unnumbered", async () => {
    assert.deepEqual(
      await rows(
        "SELECT order_id, customer_order_number, is_first_order, is_returning_customer FROM unified.shopify_unified ORDER BY order_id",
      ),
      [
        { order_id: 1, customer_order_number: 1, is_first_order: true, is_returning_customer: false },
        { order_id: 2, customer_order_number: 2, is_first_order: false, is_returning_customer: true },
        { order_id: 3, customer_order_number: 1, is_first_order: true, is_returning_customer: false },
        { order_id: 4, customer_order_number: 2, is_first_order: false, is_returning_customer: true },
        { order_id: 5, customer_order_number: 1, is_first_order: true, is_returning_customer: false },
        { order_id: 6, customer_order_number: null, is_first_order: false, is_returning_customer: false },
      ],
    );
  });
});
