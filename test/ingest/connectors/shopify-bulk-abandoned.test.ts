// A bulk operation left running by a crashed or given-up run (Shopify runs one bulk query per app and shop at a
// time): the next backfill of the same range polls that operation on instead of starting another; a backfill of
// another range cancels it (bulkOperationCancel), waits for CANCELED and starts fresh. Against the local server,
// which refuses a second bulk query while one runs, as Shopify does. Expected rows come from the fixture's orders.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const bulk = (maxPolls: number) => ({
  shopify: { initialDays: 30, bulkThresholdDays: 14, bulkPollSeconds: 3, bulkMaxPolls: maxPolls },
  ...ONLY_SHOPIFY,
});

const shopifyQueries = (bench: Bench, marker: string) =>
  bench.server.requests.filter(
    (request) =>
      request.platform === "shopify" && ((request.body as { query?: string })?.query ?? "").includes(marker),
  );
/** The bulkOperationRunQuery requests for one connection ("orders", "customers", "products"). */
const bulkStartsOf = (bench: Bench, connection: string) =>
  shopifyQueries(bench, "bulkOperationRunQuery").filter(
    (request) =>
      /^\{\s*(\w+)\(/.exec(
        String((request.body as { variables: { query: string } }).variables.query),
      )?.[1] === connection,
  );
const landedIds = async (bench: Bench) =>
  (
    await bench.rows<{ id: string }>(`SELECT CAST(id AS VARCHAR) AS id FROM raw.shopify_orders ORDER BY id`)
  ).map((row) => row.id);
/** The fixture's orders updated since the first-run start of `runDate` (initialDays 30), as raw ids. */
const expectedIds = (data: ReturnType<typeof buildPlatformData>, runDate: string) => {
  const start = Date.parse(`${addDays(runDate, -30)}T00:00:00Z`);
  return data.shopifyOrders
    .filter((order) => Date.parse(order.updatedAt) >= start)
    .map((order) => /\/(\d+)$/.exec(order.id)?.[1] ?? "")
    .sort();
};

describe("Shopify bulk operation left running by an earlier run", () => {
  it("the same range: the next run polls the running operation on, starts none, and lands its orders", async () => {
    const data = buildPlatformData(51, RUN_DATE, 40);
    // The operation answers RUNNING four times; the first run gives up after two polls and lands nothing.
    const bench = await openBench(data, { shopifyBulk: { runningPolls: 4 } });
    try {
      const first = await bench.pull(RUN_DATE, bulk(2));
      assert.match(first.findings[0]?.message ?? "", /was still RUNNING after 2 polls/);
      assert.deepEqual(await landedIds(bench), []);

      const second = await bench.pull(RUN_DATE, bulk(40));
      assert.deepEqual(second.findings, []);
      assert.equal(bulkStartsOf(bench, "orders").length, 1, "no second orders operation");
      assert.equal(shopifyQueries(bench, "bulkOperationCancel").length, 0);
      // One look before each operation: the first run's orders, then this run's orders, customers and products.
      assert.equal(shopifyQueries(bench, "query BulkCurrent").length, 4);
      const ids = await landedIds(bench);
      assert.ok(ids.length > 0);
      assert.deepEqual([...ids].sort(), expectedIds(data, RUN_DATE));
    } finally {
      await bench.close();
    }
  });

  it("another range: the next run cancels it, waits for CANCELED, and starts its own", async () => {
    const data = buildPlatformData(52, RUN_DATE, 40);
    const bench = await openBench(data, { shopifyBulk: { runningPolls: 4 } });
    const nextDay = addDays(RUN_DATE, 1);
    try {
      await bench.pull(RUN_DATE, bulk(2));
      // A day later the first-run range starts a day later too: the abandoned operation is not this run's.
      const second = await bench.pull(nextDay, bulk(40));
      assert.deepEqual(second.findings, []);
      const cancels = shopifyQueries(bench, "bulkOperationCancel");
      assert.deepEqual(
        cancels.map((request) => (request.body as { variables: { id: string } }).variables.id),
        ["gid://shopify/BulkOperation/1"],
      );
      const starts = bulkStartsOf(bench, "orders");
      assert.equal(starts.length, 2);
      const searchOf = (index: number) =>
        /updated_at:>='([^']+)'/.exec(
          String((starts[index]?.body as { variables: { query: string } }).variables.query),
        )?.[1];
      assert.equal(searchOf(0)?.slice(0, 10), addDays(RUN_DATE, -30));
      assert.equal(searchOf(1)?.slice(0, 10), addDays(nextDay, -30));
      // The new operation was started only after the old one answered CANCELED (the server refuses it before).
      const order = bench.server.requests
        .filter((request) => request.platform === "shopify")
        .map((request) => (request.body as { query?: string })?.query ?? "")
        .map((query) =>
          query.includes("bulkOperationCancel")
            ? "cancel"
            : query.includes("bulkOperationRunQuery")
              ? "start"
              : query.includes("currentBulkOperation")
                ? "status"
                : "other",
        )
        .filter((kind) => kind !== "other");
      const cancelAt = order.indexOf("cancel");
      assert.deepEqual(order.slice(cancelAt, cancelAt + 4), ["cancel", "status", "status", "start"]);
      assert.deepEqual([...(await landedIds(bench))].sort(), expectedIds(data, nextDay));
    } finally {
      await bench.close();
    }
  });

  it("the server refuses a second bulk query while one runs, as Shopify does", async () => {
    const bench = await openBench(buildPlatformData(53, RUN_DATE, 10), { shopifyBulk: { runningPolls: 4 } });
    try {
      await bench.pull(RUN_DATE, bulk(1));
      const response = await fetch(`${bench.server.url}/admin/api/2026-10/graphql.json`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_local_test_token" },
        body: JSON.stringify({
          query:
            "mutation BulkOrders($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { message } } }",
          variables: { query: `{ orders(query: "updated_at:>='2026-01-01'") { edges { node { id } } } }` },
        }),
      });
      const body = (await response.json()) as {
        data: { bulkOperationRunQuery: { bulkOperation: unknown; userErrors: { message: string }[] } };
      };
      assert.equal(body.data.bulkOperationRunQuery.bulkOperation, null);
      assert.match(
        body.data.bulkOperationRunQuery.userErrors[0]?.message ?? "",
        /already in progress: gid:\/\/shopify\/BulkOperation\/1/,
      );
    } finally {
      await bench.close();
    }
  });
});
