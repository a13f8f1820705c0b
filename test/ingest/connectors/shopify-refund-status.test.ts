// A refund's transactions each have a status (OrderTransaction.status: SUCCESS, FAILURE, PENDING, ERROR, …), and
// only a successful one returned money (test/sql/refund-transaction-status.test.ts). The connector must land it, in
// lower case as the kind, or staging cannot tell a refund to a card that declined from one made. The paged pull and
// a bulk backfill both; the expected statuses are the fixture's own, written out below.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildOrder, buildPlatformData, RUN_DATE, SHOPIFY_PULLS } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

/** An order refunded 10.00 to its card, then 25.00 to a card that declined. */
function orderWithDeclinedRefund() {
  const order = buildOrder(9_200, `${addDays(RUN_DATE, -3)}T15:00:00.000Z`, {
    lines: [{ price: 60, quantity: 1 }],
    refund: { at: `${addDays(RUN_DATE, -2)}T16:00:00.000Z`, amount: 0 },
  });
  const [refund] = order.refunds;
  assert.ok(refund);
  const transaction = (amount: string, status: string) => ({
    kind: "REFUND",
    status,
    amountSet: { shopMoney: { amount, currencyCode: "USD" } },
  });
  return {
    ...order,
    refunds: [
      {
        ...refund,
        transactions: { nodes: [transaction("10.00", "SUCCESS"), transaction("25.00", "FAILURE")] },
      },
    ],
  };
}

for (const [mode, overrides] of SHOPIFY_PULLS) {
  describe(`Shopify refund transactions' status (${mode} pull)`, () => {
    const refunded = orderWithDeclinedRefund();
    let bench: Bench;
    before(async () => {
      const data = buildPlatformData(43);
      data.shopifyOrders.push(refunded);
      bench = await openBench(data);
      const result = await bench.pull(RUN_DATE, overrides);
      assert.deepEqual(result.findings, [], JSON.stringify(result.findings));
    });
    after(() => bench.close());

    it("lands each transaction's status, in lower case as its kind", async () => {
      const [row] = await bench.rows<{ refunds: string }>(
        `SELECT refunds::VARCHAR AS refunds FROM raw.shopify_orders WHERE id::VARCHAR = '${refunded.id.split("/").pop()}'`,
      );
      const refunds = JSON.parse(row?.refunds ?? "[]") as {
        transactions: { amount: string; kind: string; status?: string }[];
      }[];
      assert.deepEqual(
        refunds.flatMap((refund) => refund.transactions),
        [
          { amount: "10.00", kind: "refund", status: "success" },
          { amount: "25.00", kind: "refund", status: "failure" },
        ],
      );
    });
  });
}
