// A refund and a cancellation recorded today on orders placed 90 days ago: a warm daily run (no full refresh)
// reads the rows extracted since the last transform and rebuilds their days, months and cohorts, so net
// revenue, the refund rate, the month, the cohort and the extract all move by exactly the changed amounts.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { dayRanges } from "../../functions/transform/changes.ts";
import { buildModels, exportedExtractRows, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const WARM = addDays(END, 1);
const OLD = addDays(WARM, -90);
const REFUND = 12.34;

describe("late changes to old orders", { timeout: 120_000 }, () => {
  let warehouse: DuckDbWarehouse;
  let dir: string;
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const one = async (sql: string) => (await warehouse.query(sql, {}, { label: "test" }))[0] ?? {};
  const snapshot = async () => ({
    kpis: await one(
      `SELECT orders, gross_revenue, refunds, net_revenue FROM marts.daily_kpis WHERE date = DATE '${OLD}'`,
    ),
    refundRate: (await one(`SELECT refund_rate FROM marts.shopify_daily_metrics WHERE date = DATE '${OLD}'`))
      .refund_rate,
    month: (
      await one(
        `SELECT net_revenue FROM marts.executive_summary_monthly WHERE month = DATE '${OLD.slice(0, 7)}-01'`,
      )
    ).net_revenue,
    cohort: (
      await one(
        `SELECT revenue FROM marts.ltv_cohorts WHERE cohort_month = DATE '${cohortCell.month}' AND months_since_first_order = ${cohortCell.since}`,
      )
    ).revenue,
  });

  let refundedId = 0;
  let cancelledId = 0;
  let cancelledTotal = 0;
  let ordersWithRefund = 0;
  let before1: Awaited<ReturnType<typeof snapshot>>;
  // The cancelled order's cohort cell (its customer's first month, and months since), fixed before the change.
  const cohortCell = { month: "", since: 0 };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-late-"));
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -150),
      ordersPerDay: 15,
    });
    await buildModels(warehouse, END, { fullRefresh: true });
    // Two orders of that day, chosen from the raw rows: one without refunds (to refund), one of a returning
    // customer without refunds (to cancel; its cohort is an earlier month, so the cohort's revenue moves).
    const candidates = await native(`
      WITH latest AS (
        SELECT *, row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) AS v
        FROM raw.shopify_orders)
      SELECT id, total_price::DOUBLE AS total, json_array_length(refunds) AS refunds
      FROM latest
      WHERE v = 1 AND cancelled_at IS NULL AND total_price IS NOT NULL
        AND CAST(timezone('America/New_York', created_at) AS DATE) = DATE '${OLD}'
      ORDER BY id`);
    const clean = candidates.filter((row) => Number(row.refunds ?? 0) === 0).map((row) => Number(row.id));
    const returning = await warehouse.query<{ order_id: number }>(
      `SELECT order_id FROM unified.shopify_unified WHERE order_date = DATE '${OLD}' AND customer_order_number > 1 AND customer_first_order_date < DATE '${OLD.slice(0, 7)}-01' AND refunded_amount = 0 ORDER BY order_id`,
    );
    cancelledId = Number(returning.find((row) => clean.includes(Number(row.order_id)))?.order_id);
    refundedId = clean.find((id) => id !== cancelledId) ?? 0;
    assert.ok(refundedId && cancelledId, "two orders to change");
    cancelledTotal = Number(candidates.find((row) => Number(row.id) === cancelledId)?.total);
    ordersWithRefund = candidates.filter((row) => Number(row.refunds ?? 0) > 0).length;
    const [cell] = await warehouse.query<{ month: string; since: number }>(
      `SELECT CAST(DATE_TRUNC(customer_first_order_date, MONTH) AS STRING) AS month, DATE_DIFF(DATE '${OLD}', DATE_TRUNC(customer_first_order_date, MONTH), MONTH) AS since FROM unified.shopify_unified WHERE order_id = ${cancelledId}`,
    );
    Object.assign(cohortCell, { month: cell?.month, since: Number(cell?.since) });
    before1 = await snapshot();

    // Today Airbyte lands the two orders again: one with a refund, one cancelled.
    // The next morning's sync, as for any warm run of WARM.
    const extracted = `${addDays(WARM, 1)}T06:00:00Z`;
    const newVersion = (id: number, replace: string) =>
      warehouse.rawConnection.run(`
        INSERT INTO raw.shopify_orders
        SELECT * REPLACE (${replace}, TIMESTAMPTZ '${extracted}' AS updated_at, TIMESTAMPTZ '${extracted}' AS _airbyte_extracted_at, 'late-${id}' AS _airbyte_raw_id)
        FROM (SELECT * FROM raw.shopify_orders WHERE id = ${id} ORDER BY _airbyte_extracted_at DESC LIMIT 1)`);
    await newVersion(
      refundedId,
      `'[{"id": 990001, "created_at": "${extracted}", "transactions": [{"kind": "refund", "amount": "${REFUND}"}]}]'::JSON AS refunds`,
    );
    await newVersion(cancelledId, `TIMESTAMPTZ '${extracted}' AS cancelled_at`);
    await buildModels(warehouse, WARM);
  });
  after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("is outside the warm run's window", () => {
    assert.ok(OLD < addDays(WARM, -7));
  });

  it("moves that day's orders, revenue, refunds and refund rate in the marts", async () => {
    const after1 = await snapshot();
    const kpis = (row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    const [was, now] = [kpis(before1.kpis), kpis(after1.kpis)];
    assert.equal(now.orders, (was.orders ?? 0) - 1);
    assert.ok(
      Math.abs((now.gross_revenue ?? 0) - ((was.gross_revenue ?? 0) - cancelledTotal)) < 0.005,
      "gross",
    );
    assert.ok(Math.abs((now.refunds ?? 0) - ((was.refunds ?? 0) + REFUND)) < 0.005, "refunds");
    assert.ok(
      Math.abs((now.net_revenue ?? 0) - ((was.net_revenue ?? 0) - cancelledTotal - REFUND)) < 0.005,
      `net revenue ${now.net_revenue} vs ${was.net_revenue} − ${cancelledTotal} − ${REFUND}`,
    );
    const orders = now.orders ?? 0;
    const rate = Math.round(((ordersWithRefund + 1) / orders) * 1e4) / 1e4;
    assert.ok(
      Math.abs(Number(after1.refundRate) - rate) < 1e-9,
      `refund rate ${after1.refundRate} vs ${rate}`,
    );
    // The whole month is rebuilt, not cut at the changed day.
    assert.ok(
      Math.abs(Number(after1.month) - (Number(before1.month) - cancelledTotal - REFUND)) < 0.005,
      `month ${after1.month} vs ${before1.month}`,
    );
    // The cancelled order leaves its customer's cohort.
    assert.ok(
      Math.abs(Number(after1.cohort) - (Number(before1.cohort) - cancelledTotal)) < 0.005,
      `cohort ${after1.cohort} vs ${before1.cohort} − ${cancelledTotal}`,
    );
  });

  it("reaches the daily_kpis extract", async () => {
    const rows = await exportedExtractRows(warehouse, { dir, runDate: WARM, extract: "daily_kpis" });
    const row = rows.find((candidate) => candidate.date === OLD);
    const expected = Number(before1.kpis.net_revenue) - cancelledTotal - REFUND;
    assert.ok(Math.abs(Number(row?.net_revenue) - expected) < 0.005, `${row?.net_revenue} vs ${expected}`);
  });

  it("joins nearby changed days into ranges, and many ranges into one", () => {
    assert.deepEqual(dayRanges(["2026-08-24", "2026-08-20", "2026-11-01"]), [
      { start: "2026-08-20", end: "2026-08-24" },
      { start: "2026-11-01", end: "2026-11-01" },
    ]);
    const scattered = Array.from({ length: 10 }, (_, index) => addDays("2026-01-01", index * 30));
    assert.deepEqual(dayRanges(scattered), [{ start: "2026-01-01", end: scattered.at(-1) }]);
  });
});
