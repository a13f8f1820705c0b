// A warm daily run after late changes ends exactly where a full rebuild from the same raw data ends, table by
// table and row by row. The late changes are the ones that reach beyond their own day: a customer's first order
// cancelled (their second order, weeks later and outside the run window, becomes their first and moves their
// cohort), an order landing late before a customer's first one (every later order of theirs is renumbered), and
// a refund on an old order. And a small shop's daily runs, one after another over days without orders, end where a
// full rebuild ends too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { MODELS } from "../../functions/lib/sql/models.ts";
import { buildModels, differencesFromFullRebuild, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const WARM = addDays(END, 1);
/** Every order day the late changes touch lies before this: outside the warm run's 7-day window. */
const BEFORE_WINDOW = addDays(WARM, -10);

describe("a warm run after late changes equals a full rebuild", { timeout: 180_000 }, () => {
  let warehouse: DuckDbWarehouse;
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const differences: Record<string, number> = {};
  // The cancelled first order's customer: their second order, and whether it was a first order, as built warm.
  let second = { orderId: 0, date: "", firstWarm: false, firstCold: false };
  let renumbered = { orderId: 0, numberBefore: 0, numberWarm: 0 };

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -150),
      ordersPerDay: 15,
    });
    await buildModels(warehouse, END, { fullRefresh: true });

    // Customers with a first and a second order on different days, both well before the warm window.
    const pairs = await native(`
      SELECT first.customer_key, first.order_id AS first_id, second.order_id AS second_id,
        CAST(second.order_date AS VARCHAR) AS second_date
      FROM unified.shopify_unified AS first
      JOIN unified.shopify_unified AS second
        ON second.customer_key = first.customer_key AND second.customer_order_number = 2
      WHERE first.customer_order_number = 1 AND second.order_date > first.order_date
        AND second.order_date < DATE '${BEFORE_WINDOW}'
        AND second.order_date >= DATE '${addDays(END, -120)}'
      ORDER BY first.order_id`);
    assert.ok(pairs.length >= 2, "two customers with two orders before the window");
    const [cancelled, backdated] = pairs as { first_id: number; second_id: number; second_date: string }[];
    second = {
      orderId: Number(cancelled?.second_id),
      date: String(cancelled?.second_date),
      firstWarm: false,
      firstCold: false,
    };
    renumbered = { orderId: Number(backdated?.second_id), numberBefore: 2, numberWarm: 0 };

    // Landed by the next morning's sync, as Airbyte lands a changed order again.
    const extracted = `${addDays(WARM, 1)}T06:00:00Z`;
    const landAgain = (id: number, replace: string) =>
      warehouse.rawConnection.run(`
        INSERT INTO raw.shopify_orders
        SELECT * REPLACE (${replace}, TIMESTAMPTZ '${extracted}' AS _airbyte_extracted_at, 'late-${id}' AS _airbyte_raw_id)
        FROM (SELECT * FROM raw.shopify_orders WHERE id = ${id} ORDER BY _airbyte_extracted_at DESC LIMIT 1)`);
    await landAgain(
      Number(cancelled?.first_id),
      `TIMESTAMPTZ '${extracted}' AS cancelled_at, TIMESTAMPTZ '${extracted}' AS updated_at`,
    );
    // A new order of the second customer, placed a day before their first one, landing only now.
    await landAgain(
      Number(backdated?.first_id),
      `id + 900000000 AS id, created_at - INTERVAL 1 DAY AS created_at, created_at - INTERVAL 1 DAY AS updated_at, '[]'::JSON AS line_items, '[]'::JSON AS refunds`,
    );
    const [refunded] = await native(`
      SELECT order_id FROM unified.shopify_unified
      WHERE order_date = DATE '${addDays(END, -60)}' AND refunded_amount = 0 AND NOT is_cancelled
      ORDER BY order_id LIMIT 1`);
    await landAgain(
      Number(refunded?.order_id),
      `'[{"id": 990001, "created_at": "${extracted}", "transactions": [{"kind": "refund", "amount": "7.50"}]}]'::JSON AS refunds, TIMESTAMPTZ '${extracted}' AS updated_at`,
    );

    await buildModels(warehouse, WARM);
    const [warmSecond] = await native(
      `SELECT is_first_order FROM unified.shopify_unified WHERE order_id = ${second.orderId}`,
    );
    second.firstWarm = Boolean(warmSecond?.is_first_order);
    const [warmRenumbered] = await native(
      `SELECT customer_order_number AS n FROM unified.shopify_unified WHERE order_id = ${renumbered.orderId}`,
    );
    renumbered.numberWarm = Number(warmRenumbered?.n);
    // Every warm table against a rebuild of everything from raw for the same run date, which it leaves in place.
    Object.assign(differences, await differencesFromFullRebuild(warehouse, WARM));
    const [coldSecond] = await native(
      `SELECT is_first_order FROM unified.shopify_unified WHERE order_id = ${second.orderId}`,
    );
    second.firstCold = Boolean(coldSecond?.is_first_order);
  });
  after(() => warehouse.close());

  it("touches orders outside the warm run's window", () => {
    assert.ok(second.date < BEFORE_WINDOW, `${second.date} is before the window`);
    assert.equal(
      second.firstCold,
      true,
      "with the first order cancelled, the second is the customer's first",
    );
    assert.equal(
      renumbered.numberWarm,
      renumbered.numberBefore + 1,
      "an earlier order landed: number 2 became 3",
    );
  });

  it("renumbers the customer's later orders on the warm run", () => {
    assert.equal(second.firstWarm, true);
  });

  it("leaves every table row for row as the full rebuild does", () => {
    assert.equal(Object.keys(differences).length, MODELS.length);
    for (const [table, count] of Object.entries(differences))
      assert.equal(count, 0, `${table}: ${count} rows differ`);
  });
});

// A small shop, not the demo's: about one order a day, so days without orders, and ad platforms with days
// missing. Its data lands day by day, as Airbyte's morning syncs land it (the products too, some after their
// first orders), and nine daily runs in a row, each rebuilding its 8-day window, end where a full rebuild ends:
// a window that opens on days without orders still covers them (source_coverage once left them out), a product
// that lands late gets its category on its older days, and yesterday's reasons for a 0 follow what is known now.
describe("a small shop's daily runs in a row equal a full rebuild", { timeout: 180_000 }, () => {
  let warehouse: DuckDbWarehouse;
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const FIRST_RUN = addDays(END, -8);
  /** Days left without orders: the last run's window opens on two of them. */
  const NO_ORDERS = [addDays(END, -7), addDays(END, -6), addDays(END, -3), addDays(END, -20)];
  let differences: Record<string, number> = {};
  let orderDays: string[] = [];
  const categories: { firstRun: string[]; lastRun: string[] } = { firstRun: [], lastRun: [] };

  /** What the morning sync after `runDate` had landed: every row of `synced` extracted by then. */
  async function landThrough(runDate: string) {
    for (const { name } of await native(
      "SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'synced' ORDER BY name",
    )) {
      await native(`
        INSERT INTO raw."${String(name)}" BY NAME
        SELECT * FROM synced."${String(name)}"
        WHERE _airbyte_extracted_at < TIMESTAMPTZ '${addDays(runDate, 1)} 12:00:00+00'
          AND _airbyte_raw_id NOT IN (SELECT _airbyte_raw_id FROM raw."${String(name)}")`);
    }
  }
  const productCategories = async () =>
    (await native("SELECT DISTINCT category FROM marts.product_daily_sales ORDER BY category")).map((row) =>
      String(row.category),
    );

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await native("CREATE SCHEMA synced");
    await generateDemoData(warehouse.rawConnection, "synced", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -90),
      ordersPerDay: 1,
      problems: false,
    });
    const days = (list: string[]) => list.map((day) => `DATE '${day}'`).join(", ");
    await native(`
      DELETE FROM synced.shopify_orders
      WHERE CAST(timezone('America/New_York', created_at) AS DATE) IN (${days(NO_ORDERS)})`);
    await native(
      `DELETE FROM synced.facebook_ads_insights WHERE CAST(date_start AS DATE) IN (${days([addDays(END, -8), addDays(END, -4)])})`,
    );
    await native(
      `DELETE FROM synced.google_ads_campaign_stats WHERE CAST(segments_date AS DATE) IN (${days([addDays(END, -6)])})`,
    );
    await landThrough(FIRST_RUN);
    await buildModels(warehouse, FIRST_RUN, { fullRefresh: true });
    categories.firstRun = await productCategories();
    for (let day = addDays(FIRST_RUN, 1); day <= END; day = addDays(day, 1)) {
      await landThrough(day);
      await buildModels(warehouse, day);
    }
    categories.lastRun = await productCategories();
    orderDays = (
      await native(`SELECT CAST(date AS VARCHAR) AS day FROM unified.shop_order_days ORDER BY date`)
    ).map((row) => String(row.day));
    differences = await differencesFromFullRebuild(warehouse, END);
  });
  after(() => warehouse.close());

  it("has days without orders, among them the first day of the last run's window", () => {
    for (const day of NO_ORDERS) assert.ok(!orderDays.includes(day), `${day} has no orders`);
    assert.ok(orderDays.length > 50, `${orderDays.length} days with orders`);
  });

  it("lands its catalogue after its first orders", () => {
    assert.deepEqual(categories.firstRun, ["Uncategorised"]);
    assert.ok(!categories.lastRun.includes("Uncategorised"), categories.lastRun.join(", "));
  });

  it("leaves every table row for row as the full rebuild does", () => {
    assert.equal(Object.keys(differences).length, MODELS.length);
    for (const [table, count] of Object.entries(differences))
      assert.equal(count, 0, `${table}: ${count} rows differ`);
  });
});
