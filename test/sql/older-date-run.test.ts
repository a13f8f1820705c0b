// A run for an older date made after a newer one (a backfill, a report on another day) must not cut the warehouse
// back to its own date: the months, cohorts and whole tables it rebuilds keep the days after it, and the next
// daily run's numbers equal a fresh computation from the raw orders; the watermark stays the newest run date's.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { lastWatermark } from "../../functions/lib/warehouse-state.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  paidOrderOfDay,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

/** One order a day from 1 October to 8 November 2026, worth 10 + day of month, each by a new customer. */
const days: string[] = [];
for (let day = "2026-10-01"; day <= "2026-11-08"; day = addDays(day, 1)) days.push(day);
const valueOf = (day: string) => 10 + Number(day.slice(8, 10));
const october = days.filter((day) => day.startsWith("2026-10"));

describe("a run for an older date after a newer one", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;
  const octoberRow = async () => {
    const [row] = await warehouse.query(
      `SELECT period_end, days, orders, gross_revenue FROM marts.executive_summary_monthly WHERE month = DATE '2026-10-01'`,
      {},
      { label: "fixture" },
    );
    return row;
  };
  const octoberCohort = async () => {
    const [row] = await warehouse.query(
      `SELECT cohort_customers FROM marts.ltv_cohorts WHERE cohort_month = DATE '2026-10-01' AND months_since_first_order = 0`,
      {},
      { label: "fixture" },
    );
    return row;
  };

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(
      warehouse,
      "shopify_orders",
      days.map((day, index) =>
        paidOrderOfDay(8000 + index, day, valueOf(day), `customer${index}@example.com`),
      ),
    );
    await buildModels(warehouse, "2026-11-07", { fullRefresh: true });
  });
  after(() => warehouse.close());

  const wholeOctober = {
    period_end: "2026-10-31",
    days: october.length,
    orders: october.length,
    gross_revenue: october.reduce((sum, day) => sum + valueOf(day), 0),
  };
  const asNumbers = (row: Record<string, unknown> | undefined) => ({
    period_end: String(row?.period_end),
    days: Number(row?.days),
    orders: Number(row?.orders),
    gross_revenue: Number(row?.gross_revenue),
  });

  it("keeps October whole in the monthly marts and the cohorts, and the watermark at the newest run date", async () => {
    assert.deepEqual(asNumbers(await octoberRow()), wholeOctober);
    const newest = await lastWatermark(warehouse);
    assert.equal(newest?.runDate, "2026-11-07");
    await buildModels(warehouse, "2026-10-20");
    assert.deepEqual(asNumbers(await octoberRow()), wholeOctober);
    assert.equal(Number((await octoberCohort())?.cohort_customers), october.length);
    // docs/late-data.md, "Late changes": "A run of an older date leaves the watermark to the newest run date": the next
    // daily run reads what landed after the 7th's transform, not after the 20 October one's.
    assert.deepEqual(await lastWatermark(warehouse), newest);
  });

  it("leaves the next daily run's numbers equal to the raw orders", async () => {
    await buildModels(warehouse, "2026-11-08");
    assert.deepEqual(asNumbers(await octoberRow()), wholeOctober);
    assert.equal(Number((await octoberCohort())?.cohort_customers), october.length);
    const [november] = await warehouse.query(
      `SELECT orders, gross_revenue FROM marts.executive_summary_monthly WHERE month = DATE '2026-11-01'`,
      {},
      { label: "fixture" },
    );
    const novemberDays = days.filter((day) => day.startsWith("2026-11"));
    assert.deepEqual(
      [Number(november?.orders), Number(november?.gross_revenue)],
      [novemberDays.length, novemberDays.reduce((sum, day) => sum + valueOf(day), 0)],
    );
  });
});
