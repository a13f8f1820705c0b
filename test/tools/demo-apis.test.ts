// The demo shop served as the four platform APIs (tools/demo-apis/) → the real connectors → raw → the models:
// the marts equal those built from the same demo loaded directly into the raw tables.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  GOOGLE_CUSTOMER_ID,
  META_ACCOUNT_ID,
  TIKTOK_ADVERTISER_ID,
} from "../../functions/demo/ad-campaigns.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { runReconciliation } from "../../functions/check-sources/reconciliation.ts";
import { platformDataFromRaw } from "../../tools/demo-apis/from-raw.ts";
import { openBench } from "../ingest/connectors/harness.ts";
import { buildModels } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const START = addDays(END, -59);
const DEMO_ACCOUNTS = {
  shopify: { initialDays: 61 },
  facebook_ads: { accountIds: [META_ACCOUNT_ID], lookbackDays: 60 },
  tiktok_ads: { advertiserIds: [String(TIKTOK_ADVERTISER_ID)], lookbackDays: 60 },
  google_ads: { customerIds: [String(GOOGLE_CUSTOMER_ID)], lookbackDays: 60 },
};

async function marts(read: (sql: string) => Promise<Record<string, unknown>[]>) {
  return {
    shop: await read(`SELECT strftime(date, '%Y-%m-%d') AS date, orders, orders_missing_value, gross_revenue::VARCHAR AS gross,
        refunds::VARCHAR AS refunds, net_revenue::VARCHAR AS net, units, refunded_orders, orders_with_utm
      FROM marts.shopify_daily_metrics ORDER BY date`),
    channels:
      await read(`SELECT strftime(date, '%Y-%m-%d') AS date, channel, spend::VARCHAR AS spend, impressions, clicks,
        platform_conversions, platform_conversion_value::VARCHAR AS value, attributed_orders, attributed_revenue::VARCHAR AS revenue
      FROM marts.marketing_daily_channel ORDER BY date, channel`),
    products: await read(`SELECT * FROM marts.product_daily_sales ORDER BY ALL`),
    customers: await read(
      `SELECT COUNT(*)::INT AS customers, COUNT(DISTINCT email_hash)::INT AS emails FROM staging.stg_shopify_customers`,
    ),
  };
}

describe("demo APIs", () => {
  it("demo → its APIs on 127.0.0.1 → connectors → raw → marts equals the demo loaded directly", async () => {
    const direct = await DuckDbWarehouse.open(":memory:");
    await generateDemoData(direct.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: START,
      ordersPerDay: 40,
    });
    const data = await platformDataFromRaw(direct, { startDate: START, endDate: END }, "America/New_York");
    assert.ok(data.shopifyOrders.length > 1000 && data.metaInsights.length > 0 && data.tiktokRows.length > 0);
    const bench = await openBench(data);
    try {
      const pulled = await bench.pull(END, DEMO_ACCOUNTS);
      assert.deepEqual(pulled.findings, []);
      await buildModels(direct, END, { fullRefresh: true });
      await buildModels(bench.warehouse, END, { fullRefresh: true });
      const read = (warehouse: DuckDbWarehouse) => async (sql: string) =>
        (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
      const viaApis = await marts(read(bench.warehouse));
      const loaded = await marts(read(direct));
      assert.equal(viaApis.shop.length, 60);
      assert.deepEqual(viaApis.shop, loaded.shop);
      assert.deepEqual(viaApis.channels, loaded.channels);
      assert.ok(viaApis.products.length > 0);
      assert.deepEqual(viaApis.products, loaded.products);
      assert.deepEqual(viaApis.customers, loaded.customers);
    } finally {
      await bench.close();
      await direct.close();
    }
  });

  it("run against the demo's own warehouse, the demo's raw rows fill what an injected loss left out", async () => {
    // README, "The demo as the four APIs": "Run against the same work dir, the demo's own raw rows are still there
    // and fill any lost rows (staging and the reconciliation keep the latest extraction of each record)". A loss of
    // 40 % of one Meta day and 30 % of one Shopify day, both in the reconciliation's window, pulled into a
    // warehouse that already holds the same demo: the marts are the demo's own, and the reconciliation matches.
    // Without the demo's injected problems, among them a Meta source gone stale five days before the end: the
    // Meta day lost below has rows to lose.
    const options = { ...defaultDemoOptions(END), startDate: START, ordersPerDay: 10, problems: false };
    // Inside the reconciliation's 14 days, which end two days before the run date.
    const META_LOSS_DAY = addDays(END, -3);
    const SHOPIFY_LOSS_DAY = addDays(END, -4);
    const direct = await DuckDbWarehouse.open(":memory:");
    await generateDemoData(direct.rawConnection, "raw", options);
    const data = await platformDataFromRaw(direct, { startDate: START, endDate: END }, "America/New_York");
    const bench = await openBench(data, {
      losses: [
        { platform: "facebook_ads", day: META_LOSS_DAY, share: 0.4 },
        { platform: "shopify", day: SHOPIFY_LOSS_DAY, share: 0.3 },
      ],
    });
    try {
      await generateDemoData(bench.warehouse.rawConnection, "raw", options);
      const pulled = await bench.pull(END, DEMO_ACCOUNTS);
      assert.deepEqual(pulled.findings, []);
      const [landed] = (
        await bench.warehouse.rawConnection.runAndReadAll(
          "SELECT COUNT(*)::INT AS n FROM raw.facebook_ads_insights WHERE _airbyte_raw_id LIKE 'api:%'",
        )
      ).getRowObjectsJS() as { n: number }[];
      assert.ok((landed?.n ?? 0) > 0, "the connectors landed rows beside the demo's");
      await buildModels(direct, END, { fullRefresh: true });
      await buildModels(bench.warehouse, END, { fullRefresh: true });
      const read = (warehouse: DuckDbWarehouse) => async (sql: string) =>
        (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
      const both = await marts(read(bench.warehouse));
      const loaded = await marts(read(direct));
      assert.deepEqual(both.shop, loaded.shop);
      assert.deepEqual(both.channels, loaded.channels);

      // The connectors alone did land less on the lossy days than the demo holds…
      const count = async (warehouse: DuckDbWarehouse, sql: string) =>
        Number(((await read(warehouse)(sql))[0] as { n: number | string }).n);
      const metaRows = (where: string) =>
        `SELECT COUNT(*) AS n FROM raw.facebook_ads_insights WHERE date_start = DATE '${META_LOSS_DAY}'${where}`;
      const shopifyOrders = (where: string) =>
        `SELECT COUNT(DISTINCT id) AS n FROM raw.shopify_orders
         WHERE CAST(timezone('America/New_York', created_at) AS DATE) = DATE '${SHOPIFY_LOSS_DAY}'${where}`;
      const landedByApi = " AND _airbyte_raw_id LIKE 'api:%'";
      assert.ok(
        (await count(bench.warehouse, metaRows(landedByApi))) < (await count(direct, metaRows(""))),
        "Meta rows lost",
      );
      assert.ok(
        (await count(bench.warehouse, shopifyOrders(landedByApi))) < (await count(direct, shopifyOrders(""))),
        "Shopify orders lost",
      );
      // …and the reconciliation, reading the latest extraction of each record, finds nothing missing.
      const reconciled = await runReconciliation(bench.context(END, DEMO_ACCOUNTS), bench.io);
      const checked = (source: string, metric: string) =>
        reconciled.entries.find((entry) => entry.source === source && entry.metric === metric);
      assert.ok(checked("facebook_ads", "spend") && checked("shopify", "orders"), "both sources reconciled");
      assert.deepEqual(
        reconciled.entries.filter((entry) => entry.status !== "MATCH"),
        [],
      );
    } finally {
      await bench.close();
      await direct.close();
    }
  });
});
