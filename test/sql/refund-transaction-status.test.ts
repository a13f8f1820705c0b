// A refund's transactions each carry a status (Shopify's OrderTransaction.status: SUCCESS, FAILURE, PENDING, ERROR,
// …; landed in lower case): money goes back to the customer only by a successful one. A refund to a card that
// declined, or one still pending, returned nothing yet. A transaction without a status (a file drop, rows landed
// before connectors asked for it) is taken as made. The expected sums are written out from the transactions below.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { buildModels, insertRaw, openFixtureWarehouse, paidOrderOfDay } from "../support/sql-fixtures.ts";

const DAY = "2026-11-20";
const REFUNDED_AT = "2026-11-21T15:00:00Z";

/** One refund of `transactions`, each a [amount, status] (no status: the field left out). */
function refundOf(id: number, transactions: [string, string | undefined][]) {
  return {
    id,
    created_at: REFUNDED_AT,
    transactions: transactions.map(([amount, status]) => ({
      amount,
      kind: "refund",
      ...(status === undefined ? {} : { status }),
    })),
  };
}

describe("refund transactions by status", () => {
  let warehouse: DuckDbWarehouse;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await insertRaw(warehouse, "shopify_orders", [
      {
        ...paidOrderOfDay(1, DAY, 100, "a@example.com"),
        // 20.00 came back; 30.00 to a card that declined and 5.00 still pending did not.
        refunds: [
          refundOf(11, [
            ["20.00", "success"],
            ["30.00", "failure"],
          ]),
          refundOf(12, [["5.00", "pending"]]),
        ],
        _airbyte_extracted_at: "2026-11-21T23:00:00Z",
      },
      {
        ...paidOrderOfDay(2, DAY, 80, "b@example.com"),
        // 7.50 back and 2.50 back without a status (taken as made); 1.00 in error.
        refunds: [
          refundOf(21, [
            ["7.50", "success"],
            ["2.50", undefined],
            ["1.00", "error"],
          ]),
        ],
        _airbyte_extracted_at: "2026-11-21T23:00:00Z",
      },
    ]);
    await buildModels(warehouse, "2026-11-21", { fullRefresh: true });
  });
  after(() => warehouse.close());

  const cents = (value: unknown) => Math.round(Number(value) * 100);

  it("counts only the successful transactions (and those without a status) as refunded", async () => {
    const rows = await warehouse.query<{ order_id: unknown; refunded_amount: unknown }>(
      "SELECT order_id, refunded_amount FROM unified.shopify_unified ORDER BY order_id",
      {},
      { label: "test" },
    );
    assert.deepEqual(
      rows.map((row) => [Number(row.order_id), cents(row.refunded_amount)]),
      [
        [1, 2000],
        [2, 1000],
      ],
    );
  });

  it("and so does the day's refunds in the daily KPIs", async () => {
    const [kpis] = await warehouse.query<{ refunds: unknown; net_revenue: unknown; gross_revenue: unknown }>(
      `SELECT refunds, net_revenue, gross_revenue FROM marts.daily_kpis WHERE date = DATE '${DAY}'`,
      {},
      { label: "test" },
    );
    assert.equal(cents(kpis?.refunds), 3000);
    assert.equal(cents(kpis?.gross_revenue) - cents(kpis?.net_revenue), 3000);
  });
});
