// Shopify's bulk operations for a backfill, against the local server speaking the documented shapes
// (bulkOperationRunQuery, currentBulkOperation, a JSONL file whose child lines carry __parentId). Expected rows
// come from the paged pull of the same fixture and from the fixture's order objects, never from the bulk path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectorStatePath } from "../../../functions/lib/bucket-layout.ts";
import { addDays } from "../../../functions/lib/calendar.ts";
import { readBulkTipLines, regroupBulkOrders } from "../../../functions/lib/platform-apis/shopify-bulk.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { type Bench, isOrdersQuery, openBench } from "./harness.ts";

const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const BULK = { shopify: { initialDays: 30, bulkThresholdDays: 14, bulkPollSeconds: 7 }, ...ONLY_SHOPIFY };
const PAGED = { shopify: { initialDays: 30, bulkThresholdDays: 30 }, ...ONLY_SHOPIFY };

const orderRows = (bench: Bench) =>
  bench.rows<Record<string, unknown>>(`SELECT * EXCLUDE (_airbyte_meta) FROM raw.shopify_orders ORDER BY id`);
/** The connection ("orders", "customers", "products") each bulkOperationRunQuery asked for, in order. */
const bulkStarts = (bench: Bench) =>
  requestsOf(bench, "bulkOperationRunQuery").map(
    (request) =>
      /^\{\s*(\w+)\(/.exec(String((request.body as { variables: { query: string } }).variables.query))?.[1],
  );
const requestsOf = (bench: Bench, marker: string) =>
  bench.server.requests.filter(
    (request) =>
      request.platform === "shopify" && ((request.body as { query?: string })?.query ?? "").includes(marker),
  );

describe("Shopify bulk operations for a backfill", () => {
  it("lands the same raw rows as the paged pull of the same fixture, children regrouped under their order", async () => {
    const data = buildPlatformData(41, RUN_DATE, 40);
    const paged = await openBench(data);
    const bulk = await openBench(data, { shopifyBulk: { runningPolls: 3 } });
    try {
      assert.deepEqual((await paged.pull(RUN_DATE, PAGED)).findings, []);
      assert.deepEqual((await bulk.pull(RUN_DATE, BULK)).findings, []);
      assert.equal(
        requestsOf(paged, "bulkOperationRunQuery").length,
        0,
        "30 days is not above the threshold",
      );
      // A backfill takes orders, then customers, then products through bulk operations (one at a time).
      assert.deepEqual(bulkStarts(bulk), ["orders", "customers", "products"]);
      assert.equal(bulk.server.requests.filter((request) => isOrdersQuery(request.body)).length, 0);

      const pagedRows = await orderRows(paged);
      const bulkRows = await orderRows(bulk);
      // Independently of both pulls: the fixture's orders updated since the first-run start, with their line
      // items and refund transactions.
      const start = Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`);
      const expected = data.shopifyOrders.filter((order) => Date.parse(order.updatedAt) >= start);
      assert.equal(bulkRows.length, expected.length);
      const lineCount = (rows: Record<string, unknown>[]) =>
        rows.reduce((sum, row) => sum + (JSON.parse(String(row.line_items)) as unknown[]).length, 0);
      assert.equal(
        lineCount(bulkRows),
        expected.reduce((sum, order) => sum + order.lineItems.nodes.length, 0),
      );
      const refundTransactions = (rows: Record<string, unknown>[]) =>
        rows.reduce(
          (sum, row) =>
            sum +
            (JSON.parse(String(row.refunds)) as { transactions: unknown[] }[]).reduce(
              (inner, refund) => inner + refund.transactions.length,
              0,
            ),
          0,
        );
      const expectedTransactions = expected.reduce(
        (sum, order) =>
          sum + order.refunds.reduce((inner, refund) => inner + refund.transactions.nodes.length, 0),
        0,
      );
      assert.ok(expectedTransactions > 0, "the fixture has refunds to regroup");
      assert.equal(refundTransactions(bulkRows), expectedTransactions);
      // Row for row, column for column (the run bookkeeping in _airbyte_meta aside), the same as the paged pull.
      assert.deepEqual(bulkRows, pagedRows);

      // The poll waited with the injected sleep: one wait of bulkPollSeconds before each status poll.
      const polls = requestsOf(bulk, "query BulkStatus").length;
      assert.equal(polls, 3 * 4, "for each of the three operations, three RUNNING answers, then COMPLETED");
      assert.deepEqual(
        bulk.sleeps.filter((ms) => ms === 7000),
        Array(polls).fill(7000),
      );
      // The JSONL file was fetched without the access token (its URL is signed).
      const download = bulk.server.requests.find((request) => request.path.startsWith("/shopify-bulk/"));
      assert.ok(download, "the bulk file was downloaded");

      // The cursor now exists: the next run is incremental and paged, and lands no copies.
      await bulk.pull(RUN_DATE, BULK);
      assert.equal(requestsOf(bulk, "bulkOperationRunQuery").length, 3);
      assert.ok(bulk.server.requests.some((request) => isOrdersQuery(request.body)));
      assert.deepEqual(await orderRows(bulk).then((rows) => rows.length), expected.length);
    } finally {
      await paged.close();
      await bulk.close();
    }
  });

  it("a FAILED operation is a clear finding, lands nothing and keeps no cursor", async () => {
    const bench = await openBench(buildPlatformData(42, RUN_DATE, 20), {
      shopifyBulk: { runningPolls: 1, failWith: "ACCESS_DENIED" },
    });
    try {
      const result = await bench.pull(RUN_DATE, BULK);
      const [finding] = result.findings;
      assert.equal(result.findings.length, 1);
      assert.equal(finding?.source, "shopify");
      assert.equal(finding?.severity, "critical");
      assert.match(
        finding?.message ?? "",
        /Shopify bulk operation gid:\/\/shopify\/BulkOperation\/1 ended FAILED \(errorCode ACCESS_DENIED\)/,
      );
      const [row] = await bench.rows<{ n: number }>(`SELECT COUNT(*)::INT AS n FROM raw.shopify_orders`);
      assert.equal(row?.n, 0);
      const state = JSON.parse((await bench.bucket.read(connectorStatePath("shopify")))?.toString() ?? "{}");
      assert.equal(state.updatedAtCursor, undefined, "the next run backfills again");
    } finally {
      await bench.close();
    }
  });

  for (const endWith of ["CANCELED", "EXPIRED"] as const) {
    it(`a ${endWith} operation is a critical finding naming it, lands nothing and keeps no cursor`, async () => {
      // README: "A FAILED, canceled or expired operation … is a critical finding naming the operation".
      const bench = await openBench(buildPlatformData(44, RUN_DATE, 20), {
        shopifyBulk: { runningPolls: 1, endWith },
      });
      try {
        const result = await bench.pull(RUN_DATE, BULK);
        assert.equal(result.findings.length, 1);
        assert.equal(result.findings[0]?.severity, "critical");
        assert.match(
          result.findings[0]?.message ?? "",
          new RegExp(
            `Shopify bulk operation gid://shopify/BulkOperation/1 ended ${endWith}.*nothing was landed`,
          ),
        );
        const [row] = await bench.rows<{ n: number }>(`SELECT COUNT(*)::INT AS n FROM raw.shopify_orders`);
        assert.equal(row?.n, 0);
        const state = JSON.parse(
          (await bench.bucket.read(connectorStatePath("shopify")))?.toString() ?? "{}",
        );
        assert.equal(state.updatedAtCursor, undefined, "the next run backfills again");
      } finally {
        await bench.close();
      }
    });
  }

  it("an operation still running after bulkMaxPolls is given up with a finding", async () => {
    const bench = await openBench(buildPlatformData(43, RUN_DATE, 10), { shopifyBulk: { runningPolls: 50 } });
    try {
      const result = await bench.pull(RUN_DATE, {
        ...BULK,
        shopify: { ...BULK.shopify, bulkMaxPolls: 5 },
      });
      assert.match(result.findings[0]?.message ?? "", /was still RUNNING after 5 polls/);
      assert.equal(result.findings[0]?.severity, "critical");
      assert.equal(requestsOf(bench, "query BulkStatus").length, 5);
    } finally {
      await bench.close();
    }
  });
});

describe("regroupBulkOrders", () => {
  async function* lines(...texts: string[]) {
    yield* texts;
  }

  // A refund's children are its transactions (each has a kind) and its lines (none has).
  const REFUND_LINE = { lineItem: { id: "gid://shopify/LineItem/11" }, quantity: 1 };

  it("puts line items under their order, and transactions and lines under their refund", async () => {
    const orders = await regroupBulkOrders(
      lines(
        JSON.stringify({
          id: "gid://shopify/Order/1",
          refunds: [{ id: "gid://shopify/Refund/9", createdAt: "x" }],
        }),
        JSON.stringify({ id: "gid://shopify/LineItem/11", __parentId: "gid://shopify/Order/1" }),
        JSON.stringify({ kind: "REFUND", __parentId: "gid://shopify/Refund/9" }),
        JSON.stringify({ ...REFUND_LINE, __parentId: "gid://shopify/Refund/9" }),
        JSON.stringify({ id: "gid://shopify/Order/2", refunds: [] }),
        JSON.stringify({ id: "gid://shopify/LineItem/21", __parentId: "gid://shopify/Order/2" }),
        JSON.stringify({ id: "gid://shopify/LineItem/22", __parentId: "gid://shopify/Order/2" }),
        "",
      ),
    );
    assert.deepEqual(
      orders.map((order) => [order.id, order.lineItems.nodes.map((line) => line.id), order.refunds]),
      [
        [
          "gid://shopify/Order/1",
          ["gid://shopify/LineItem/11"],
          [
            {
              id: "gid://shopify/Refund/9",
              createdAt: "x",
              transactions: { nodes: [{ kind: "REFUND" }] },
              refundLineItems: { nodes: [REFUND_LINE] },
            },
          ],
        ],
        ["gid://shopify/Order/2", ["gid://shopify/LineItem/21", "gid://shopify/LineItem/22"], []],
      ],
    );
  });

  it("regroups the lines of an ungrouped file (API 2026-01 on), children before their parents", async () => {
    const orders = await regroupBulkOrders(
      lines(
        JSON.stringify({ ...REFUND_LINE, __parentId: "gid://shopify/Refund/9" }),
        JSON.stringify({ kind: "REFUND", __parentId: "gid://shopify/Refund/9" }),
        JSON.stringify({ id: "gid://shopify/LineItem/22", __parentId: "gid://shopify/Order/2" }),
        JSON.stringify({ id: "gid://shopify/LineItem/11", __parentId: "gid://shopify/Order/1" }),
        JSON.stringify({ id: "gid://shopify/Order/2", refunds: [] }),
        JSON.stringify({ id: "gid://shopify/LineItem/21", __parentId: "gid://shopify/Order/2" }),
        JSON.stringify({
          id: "gid://shopify/Order/1",
          refunds: [{ id: "gid://shopify/Refund/9", createdAt: "x" }],
        }),
      ),
    );
    assert.deepEqual(
      orders.map((order) => [order.id, order.lineItems.nodes.map((line) => line.id), order.refunds]),
      [
        ["gid://shopify/Order/2", ["gid://shopify/LineItem/22", "gid://shopify/LineItem/21"], []],
        [
          "gid://shopify/Order/1",
          ["gid://shopify/LineItem/11"],
          [
            {
              id: "gid://shopify/Refund/9",
              createdAt: "x",
              transactions: { nodes: [{ kind: "REFUND" }] },
              refundLineItems: { nodes: [REFUND_LINE] },
            },
          ],
        ],
      ],
    );
  });

  it("names the line of a child whose parent is not in the file, and of a line that is not JSON", async () => {
    await assert.rejects(
      regroupBulkOrders(
        lines(
          JSON.stringify({ id: "gid://shopify/Order/1", refunds: [] }),
          JSON.stringify({ id: "gid://shopify/LineItem/1", __parentId: "gid://shopify/Order/7" }),
        ),
      ),
      /line 2: parent gid:\/\/shopify\/Order\/7 is not in the file/,
    );
    await assert.rejects(
      regroupBulkOrders(lines(JSON.stringify({ id: "gid://shopify/Order/1" }), "{not json")),
      /line 2 is not JSON/,
    );
  });
});

describe("readBulkTipLines", () => {
  async function* lines(...texts: string[]) {
    yield* texts;
  }
  const ORDER = "gid://shopify/Order/1";
  const PLACED = "gid://shopify/SalesAgreement/10";
  const REFUNDED = "gid://shopify/SalesAgreement/11";

  it("gives each order the lines of its TipSales, over all its agreements, children before their parents", async () => {
    const tipLines = await readBulkTipLines(
      lines(
        JSON.stringify({ id: "s1", lineType: "PRODUCT", __parentId: PLACED }),
        JSON.stringify({
          id: "s2",
          lineType: "TIP",
          lineItem: { id: "gid://shopify/LineItem/19" },
          __parentId: PLACED,
        }),
        JSON.stringify({
          id: "s3",
          lineType: "TIP",
          lineItem: { id: "gid://shopify/LineItem/19" },
          __parentId: REFUNDED,
        }),
        JSON.stringify({ id: PLACED, __parentId: ORDER }),
        JSON.stringify({ id: REFUNDED, __parentId: ORDER }),
        JSON.stringify({ id: ORDER }),
        JSON.stringify({ id: "gid://shopify/Order/2" }),
      ),
    );
    assert.deepEqual(
      [...tipLines],
      [
        [ORDER, ["gid://shopify/LineItem/19", "gid://shopify/LineItem/19"]],
        ["gid://shopify/Order/2", []],
      ],
    );
  });

  it("names the line of a sale whose agreement is not in the file", async () => {
    await assert.rejects(
      readBulkTipLines(
        lines(
          JSON.stringify({ id: ORDER }),
          JSON.stringify({ id: "s1", lineType: "TIP", __parentId: PLACED }),
        ),
      ),
      /line 2: parent gid:\/\/shopify\/SalesAgreement\/10 is not in the file/,
    );
  });
});
