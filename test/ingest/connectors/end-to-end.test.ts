// End to end: the platform APIs on 127.0.0.1 → the connectors → the raw tables → the existing staging, unified
// and mart models, whose orders, revenue, refunds and spend must equal what is computed here directly from the
// server's fixture objects. Then a refund, today, of an order placed 90 days ago reaches that day's net revenue.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import { buildOrder, buildPlatformData, expectedShopDays, expectedSpend, RUN_DATE } from "./fixtures.ts";
import { type Bench, isOrdersQuery, openBench } from "./harness.ts";

const FULL_HISTORY = {
  shopify: { initialDays: 120 },
  facebook_ads: { lookbackDays: 20 },
  tiktok_ads: { lookbackDays: 20 },
  google_ads: { lookbackDays: 20 },
};

const cents = (value: unknown) => Math.round(Number(value) * 100);

async function martShopDays(bench: Bench) {
  const rows = await bench.rows<{
    date: string;
    orders: number;
    gross: number;
    refunds: number;
    net: number;
  }>(
    `SELECT strftime(date, '%Y-%m-%d') AS date, orders::INT AS orders, gross_revenue::DOUBLE AS gross,
            refunds::DOUBLE AS refunds, net_revenue::DOUBLE AS net
     FROM marts.shopify_daily_metrics ORDER BY date`,
  );
  return new Map(rows.map((row) => [row.date, row]));
}

describe("connectors end to end", () => {
  for (const seed of [3, 29]) {
    it(`seed ${seed}: the marts built from the API pulls equal the platforms' own data`, async () => {
      const data = buildPlatformData(seed);
      const bench = await openBench(data);
      try {
        const pulled = await bench.pull(RUN_DATE, FULL_HISTORY);
        assert.deepEqual(pulled.findings, []);
        await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });

        const expected = expectedShopDays(data);
        const mart = await martShopDays(bench);
        assert.deepEqual([...mart.keys()].sort(), [...expected.keys()].sort());
        for (const [day, want] of expected) {
          const got = mart.get(day);
          assert.equal(got?.orders, want.orders, `orders on ${day}`);
          assert.equal(cents(got?.gross), cents(want.gross), `gross revenue on ${day}`);
          assert.equal(cents(got?.refunds), cents(want.refunds), `refunds on ${day}`);
          assert.equal(cents(got?.net), cents(want.gross) - cents(want.refunds), `net revenue on ${day}`);
        }

        const spend = await bench.rows<{ key: string; spend: number }>(
          `SELECT strftime(date, '%Y-%m-%d') || '|' || platform AS key, SUM(spend)::DOUBLE AS spend
           FROM unified.ad_performance GROUP BY ALL`,
        );
        const wanted = expectedSpend(data);
        assert.equal(spend.length, wanted.size);
        for (const row of spend) assert.equal(cents(row.spend), cents(wanted.get(row.key)), row.key);

        // A second pull of the same days, and a rebuild, change no mart.
        const fingerprint = () =>
          bench.rows(
            `SELECT (SELECT SUM(hash(t)) FROM marts.shopify_daily_metrics AS t) AS shop,
                    (SELECT SUM(hash(date, channel, spend, impressions, clicks)) FROM marts.marketing_daily_channel) AS ads`,
          );
        const before = await fingerprint();
        assert.deepEqual((await bench.pull(RUN_DATE, FULL_HISTORY)).findings, []);
        await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
        assert.deepEqual(await fingerprint(), before);
      } finally {
        await bench.close();
      }
    });
  }

  it("an order refunded today that was created 90 days ago reaches its day's net revenue", async () => {
    const data = buildPlatformData(5);
    const oldDay = addDays(RUN_DATE, -90);
    const old = buildOrder(9_000, `${oldDay}T16:00:00.000Z`, { lines: [{ price: 80, quantity: 1 }] });
    data.shopifyOrders.push(old);
    const bench = await openBench(data);
    try {
      await bench.pull(RUN_DATE, FULL_HISTORY);
      await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: true });
      const total = Number(old.totalPriceSet?.shopMoney.amount);
      assert.equal(cents((await martShopDays(bench)).get(oldDay)?.net), cents(total));

      // Today (the next run date), the merchant refunds 30.00 of it: Shopify bumps the order's updated_at.
      const today = addDays(RUN_DATE, 1);
      const refunded = buildOrder(9_000, old.createdAt, {
        lines: [{ price: 80, quantity: 1 }],
        refund: { at: `${today}T15:00:00.000Z`, amount: 30 },
      });
      data.shopifyOrders.splice(data.shopifyOrders.indexOf(old), 1, refunded);
      const seen = bench.server.requests.length;
      await bench.pull(today, FULL_HISTORY);
      const asked = bench.server.requests
        .slice(seen)
        .filter((request) => request.platform === "shopify" && isOrdersQuery(request.body));
      assert.equal(asked.length, 1, "only the orders updated since the cursor were asked for");
      await buildModels(bench.warehouse, today, { fullRefresh: true });
      const day = (await martShopDays(bench)).get(oldDay);
      assert.equal(cents(day?.refunds), 3000);
      assert.equal(cents(day?.net), cents(total) - 3000);
    } finally {
      await bench.close();
    }
  });
});
