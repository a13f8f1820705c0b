// Money ÷ count through the real models on DuckDB, on a hand-made half-cent tie: a Meta day of 1312.86 spend
// and twelve first orders, from twelve customers, worth 1312.86 in all. 1312.86 ÷ 12 = 109.405 exactly, which
// BigQuery's NUMERIC rounds half away from zero to 109.41; DuckDB dividing as DOUBLE gives 109.40499… → 109.40.
// Every cost per order or customer and every average order value of the day and month must read 109.41.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { buildModels, insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
const SPEND = 1312.86;
const ORDERS = 12;
// Eleven orders of 109.40 and one of 109.46: 1312.86 in all.
const PRICES = [...Array.from({ length: ORDERS - 1 }, () => "109.40"), "109.46"];
const TIE = 109.41;

async function loadTie(
  warehouse: DuckDbWarehouse,
  prices: readonly string[] = PRICES,
  spend: number = SPEND,
): Promise<void> {
  await insertRaw(
    warehouse,
    "shopify_orders",
    prices.map((price, index) => ({
      id: 5000 + index,
      name: `#${5000 + index}`,
      email: `buyer${index}@example.com`,
      created_at: "2026-11-21T15:00:00Z",
      updated_at: "2026-11-21T15:00:00Z",
      currency: "USD",
      financial_status: "paid",
      subtotal_price: price,
      total_discounts: "0.00",
      total_tax: "0.00",
      total_price: price,
      landing_site: "/?utm_source=facebook&utm_medium=paid_social&utm_campaign=BF",
      customer: { id: 900 + index, email: `buyer${index}@example.com` },
      line_items: [
        {
          id: index + 1,
          product_id: 501,
          variant_id: 5010,
          sku: "SKU-501",
          title: "Serum",
          quantity: 1,
          price,
        },
      ],
      refunds: [],
      shipping_address: { country_code: "US", province_code: "NY" },
      _airbyte_raw_id: `tie-${index}`,
      _airbyte_extracted_at: "2026-11-22T07:00:00Z",
    })),
  );
  await insertRaw(warehouse, "facebook_ads_insights", [
    {
      date_start: RUN_DATE,
      date_stop: RUN_DATE,
      account_id: "act_1",
      account_currency: "USD",
      campaign_id: "c1",
      campaign_name: "BF",
      adset_id: "s1",
      adset_name: "Prospecting",
      ad_id: "a1",
      ad_name: "Video",
      impressions: 24_000,
      clicks: 1_200,
      reach: 20_000,
      spend,
      actions: [],
      action_values: [],
      _airbyte_raw_id: "tie-ad",
      _airbyte_extracted_at: "2026-11-22T04:00:00Z",
    },
  ]);
}

/**
 * Within a describe: a fixture warehouse built whole from the tie's raw rows (before its tests, closed after),
 * with its one-row reads.
 */
function tieWarehouse(prices?: readonly string[], spend?: number) {
  let warehouse: DuckDbWarehouse | undefined;
  before(async () => {
    warehouse = await openFixtureWarehouse();
    await loadTie(warehouse, prices, spend);
    await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
  });
  after(() => warehouse?.close());
  const built = () => {
    if (!warehouse) throw new Error("the tie's warehouse is built before its tests");
    return warehouse;
  };
  return {
    /** The one row a mart query returns. */
    one: async (sql: string) => {
      const rows = await built().query(sql, {}, { label: "tie" });
      assert.equal(rows.length, 1, sql);
      return rows[0] as Record<string, unknown>;
    },
    /** DuckDB's own answer to an expression, as text, without the translation. */
    plain: async (duckDbExpression: string) => {
      const reader = await built().rawConnection.runAndReadAll(
        `SELECT (${duckDbExpression})::VARCHAR AS plain`,
      );
      return reader.getRowObjectsJS()[0]?.plain;
    },
  };
}

describe("money ÷ count ratios on a half-cent tie (1312.86 ÷ 12)", () => {
  const { one, plain } = tieWarehouse();

  it("is a real trap: DuckDB's own DECIMAL ÷ INTEGER rounds it down to 109.40", async () => {
    assert.equal(await plain("ROUND(CAST('1312.86' AS DECIMAL(38, 9)) / 12, 2)"), "109.4");
  });

  it("marketing_daily_channel: CPA and new-customer CPA 109.41", async () => {
    const row = await one(
      `SELECT spend, attributed_orders, attributed_new_customers, attributed_new_customer_revenue, cpa,
              new_customer_cpa, new_customer_roas
       FROM marts.marketing_daily_channel WHERE date = DATE '${RUN_DATE}' AND channel = 'meta'`,
    );
    // Every order is its customer's first: the new customers' revenue is the twelve orders' 1312.86.
    const counts = [
      row.spend,
      row.attributed_orders,
      row.attributed_new_customers,
      row.attributed_new_customer_revenue,
    ];
    assert.deepEqual(counts.map(Number), [SPEND, ORDERS, ORDERS, SPEND]);
    assert.equal(Number(row.new_customer_roas), 1);
    assert.equal(Number(row.cpa), TIE);
    assert.equal(Number(row.new_customer_cpa), TIE);
  });

  it("marketing_monthly_performance: CPA and new-customer CPA 109.41", async () => {
    const row = await one(
      `SELECT cpa, new_customer_cpa FROM marts.marketing_monthly_performance
       WHERE month = DATE '2026-11-01' AND channel = 'meta'`,
    );
    assert.deepEqual([Number(row.cpa), Number(row.new_customer_cpa)], [TIE, TIE]);
  });

  it("shopify_daily_metrics and daily_kpis: AOV and CAC 109.41", async () => {
    const shop = await one(`SELECT aov FROM marts.shopify_daily_metrics WHERE date = DATE '${RUN_DATE}'`);
    assert.equal(Number(shop.aov), TIE);
    const kpis = await one(
      `SELECT ad_spend, new_customers, aov, cac FROM marts.daily_kpis WHERE date = DATE '${RUN_DATE}'`,
    );
    assert.deepEqual([Number(kpis.ad_spend), Number(kpis.new_customers)], [SPEND, ORDERS]);
    assert.deepEqual([Number(kpis.aov), Number(kpis.cac)], [TIE, TIE]);
  });

  it("executive_summary_monthly: AOV and CAC 109.41", async () => {
    const row = await one(
      `SELECT aov, cac FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'`,
    );
    assert.deepEqual([Number(row.aov), Number(row.cac)], [TIE, TIE]);
  });

  it("geographic_sales: AOV 109.41; ltv_cohorts: revenue per customer 109.41", async () => {
    const region = await one(`SELECT aov FROM marts.geographic_sales WHERE month = DATE '2026-11-01'`);
    assert.equal(Number(region.aov), TIE);
    const cohort = await one(
      `SELECT cumulative_revenue_per_customer FROM marts.ltv_cohorts
       WHERE cohort_month = DATE '2026-11-01' AND months_since_first_order = 0`,
    );
    assert.equal(Number(cohort.cumulative_revenue_per_customer), TIE);
  });
});

// Money ÷ money rounded to four places, on a tie: one order of 100.05 on a Meta day of 40.00 spend. 100.05 ÷ 40 =
// 2.50125 exactly, 2.5013 on BigQuery's NUMERIC; DuckDB dividing the DECIMALs as DOUBLE gets 2.5012499… → 2.5012.
describe("money ÷ money ratios on a tie at the fourth place (100.05 ÷ 40.00)", () => {
  const ROAS_TIE = 2.5013;
  const { one, plain } = tieWarehouse(["100.05"], 40);

  it("is a real trap: DuckDB's own DECIMAL ÷ DECIMAL rounds it down to 2.5012", async () => {
    assert.equal(
      await plain("ROUND(CAST('100.05' AS DECIMAL(38, 9)) / CAST('40' AS DECIMAL(38, 9)), 4)"),
      "2.5012",
    );
  });

  it("daily_kpis and executive_summary_monthly: blended ROAS and MER 2.5013", async () => {
    const day = await one(
      `SELECT gross_revenue, ad_spend, blended_roas, mer FROM marts.daily_kpis WHERE date = DATE '${RUN_DATE}'`,
    );
    assert.deepEqual([Number(day.gross_revenue), Number(day.ad_spend)], [100.05, 40]);
    assert.deepEqual([Number(day.blended_roas), Number(day.mer)], [ROAS_TIE, ROAS_TIE]);
    const month = await one(
      `SELECT blended_roas, mer FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'`,
    );
    assert.deepEqual([Number(month.blended_roas), Number(month.mer)], [ROAS_TIE, ROAS_TIE]);
  });

  it("marketing_monthly_performance, marketing_unified and its explained mart: ROAS 2.5013", async () => {
    const month = await one(
      `SELECT roas, new_customer_roas FROM marts.marketing_monthly_performance
       WHERE month = DATE '2026-11-01' AND channel = 'meta'`,
    );
    assert.deepEqual([Number(month.roas), Number(month.new_customer_roas)], [ROAS_TIE, ROAS_TIE]);
    const day = await one(
      `SELECT day_blended_roas, roas FROM unified.marketing_unified WHERE date = DATE '${RUN_DATE}' AND channel = 'meta'`,
    );
    assert.deepEqual([Number(day.day_blended_roas), Number(day.roas)], [ROAS_TIE, ROAS_TIE]);
    const explained = await one(
      `SELECT roas FROM marts.marketing_unified_with_explanations
       WHERE date = DATE '${RUN_DATE}' AND channel = 'meta'`,
    );
    assert.equal(Number(explained.roas), ROAS_TIE);
  });
});
