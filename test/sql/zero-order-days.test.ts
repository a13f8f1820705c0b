// A small shop without ads has days with no order, which marts.daily_kpis has no row for: those days are zero,
// not missing data. marts.executive_summary_monthly compares a month with the same days a year earlier whenever
// the data reaches back to their first day, however many of them had no order; never before the first order day.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  paidOrderOfDay,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-30";
const FIRST_DAY = "2025-09-15";

const isSunday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() === 0;

/**
 * The order days: from FIRST_DAY to the run date, one order a day worth 40 + day of month, but none on Sundays in
 * 2025 (the shop was closed on Sundays then): a month of 2026 has more order days than its year-ago month.
 */
const orderDays: string[] = [];
for (let day = FIRST_DAY; day <= RUN_DATE; day = addDays(day, 1))
  if (!(isSunday(day) && day < "2026-01-01")) orderDays.push(day);
const valueOf = (day: string) => 40 + Number(day.slice(8, 10));

/** Orders and revenue of the order days from..to, counted here from the list above. */
function expected(from: string, to: string): { orders: number; revenue: number } {
  const days = orderDays.filter((day) => day >= from && day <= to);
  return { orders: days.length, revenue: days.reduce((sum, day) => sum + valueOf(day), 0) };
}

describe(
  "marts.executive_summary_monthly for a shop with days of no order",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    let warehouse: DuckDbWarehouse;
    const month = async (first: string) => {
      const [row] = await warehouse.query(
        `SELECT days, orders, gross_revenue, last_year_days, last_year_orders, last_year_gross_revenue,
              gross_revenue_yoy, orders_yoy
       FROM marts.executive_summary_monthly WHERE month = DATE '${first}'`,
        {},
        { label: "fixture" },
      );
      assert.ok(row, `a row for ${first}`);
      return row;
    };

    before(async () => {
      warehouse = await openFixtureWarehouse();
      await insertRaw(
        warehouse,
        "shopify_orders",
        orderDays.map((day, index) =>
          paidOrderOfDay(7000 + index, day, valueOf(day), `buyer${index % 40}@example.com`),
        ),
      );
      await buildModels(warehouse, RUN_DATE, { fullRefresh: true });
    });
    after(() => warehouse.close());

    it("compares October 2026 with October 2025, whose Sundays had no order", async () => {
      const row = await month("2026-10-01");
      const thisYear = expected("2026-10-01", "2026-10-31");
      const lastYear = expected("2025-10-01", "2025-10-31");
      assert.deepEqual(
        [
          Number(row.orders),
          Number(row.gross_revenue),
          Number(row.last_year_orders),
          Number(row.last_year_gross_revenue),
        ],
        [thisYear.orders, thisYear.revenue, lastYear.orders, lastYear.revenue],
      );
      assert.equal(Number(row.last_year_days), lastYear.orders);
      assert.equal(
        Number(row.gross_revenue_yoy),
        Math.round(((thisYear.revenue - lastYear.revenue) / lastYear.revenue) * 10_000) / 10_000,
      );
    });

    it("compares the month in progress with its same days a year earlier", async () => {
      const row = await month("2026-11-01");
      const lastYear = expected("2025-11-01", "2025-11-30");
      assert.equal(Number(row.last_year_gross_revenue), lastYear.revenue);
    });

    it("has no year-ago figures for a month whose year-ago days start before the first order", async () => {
      // September 2025 began on the 15th: September 2026 has no base, not a half month's.
      const row = await month("2026-09-01");
      assert.deepEqual(
        [row.last_year_days, row.last_year_orders, row.last_year_gross_revenue, row.gross_revenue_yoy],
        [null, null, null, null],
      );
    });
  },
);
