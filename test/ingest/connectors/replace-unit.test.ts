// A connector's replacement of earlier rows is one unit without a transaction: the new rows are loaded first and
// the older api rows of the range deleted after. A crash between the two (here: every DELETE fails) leaves both
// versions, never a gap, and staging's latest-extraction rule already picks the new one; the next run restores
// one row per key. Expected values come from the fixture objects, not from the connectors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import type { Warehouse } from "../../../functions/shared/ports.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { openBench } from "./harness.ts";

const ONLY_META = {
  shopify: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
const NEXT_DAY = addDays(RUN_DATE, 1);

/** The warehouse, except that every DELETE fails as if the function was killed between load and delete. */
function crashingOnDelete(warehouse: Warehouse): Warehouse {
  return new Proxy(warehouse, {
    get(target, property, receiver) {
      if (property === "execute")
        return async (sql: string, ...rest: unknown[]) => {
          if (/^\s*DELETE\b/i.test(sql)) throw new Error("killed between the load and the delete");
          return (target.execute as (...args: unknown[]) => unknown).call(target, sql, ...rest);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("connector replacement as one unit", () => {
  it("a crash between load and delete leaves duplicates staging de-duplicates, and the next run restores one row per key", async () => {
    const data = buildPlatformData(61);
    const bench = await openBench(data);
    try {
      assert.deepEqual((await bench.pull(RUN_DATE, ONLY_META)).findings, []);
      const lookbackStart = addDays(NEXT_DAY, -6);
      const inRange = data.metaInsights.filter(
        (row) => row.date_start >= lookbackStart && row.date_start <= NEXT_DAY,
      );
      // Meta restates one day's spend before the next run.
      const restated = inRange.find((row) => row.date_start === RUN_DATE);
      assert.ok(restated);
      const newSpend = (Number(restated.spend) + 12.34).toFixed(2);
      restated.spend = newSpend;

      const context = bench.context(NEXT_DAY, ONLY_META);
      (context.ports as { warehouse: Warehouse }).warehouse = crashingOnDelete(bench.warehouse);
      const crashed = await runConnectors(context, bench.io);
      assert.equal(crashed.findings[0]?.source, "facebook_ads");
      assert.match(crashed.findings[0]?.message ?? "", /killed between the load and the delete/);

      const keys = `date_start BETWEEN '${lookbackStart}' AND '${NEXT_DAY}'`;
      const [afterCrash] = await bench.rows<{ rows: number; keys: number }>(
        `SELECT COUNT(*)::INT AS rows, COUNT(DISTINCT (date_start, ad_id))::INT AS keys FROM raw.facebook_ads_insights WHERE ${keys}`,
      );
      assert.equal(afterCrash?.keys, inRange.length, "no key of the range went missing");
      assert.ok((afterCrash?.rows ?? 0) > inRange.length, "both versions are there");
      // Staging's rule (the latest extraction per day and ad) already reads the restated spend.
      const [latest] = await bench.rows<{ spend: number }>(
        `SELECT spend FROM raw.facebook_ads_insights
         WHERE date_start = '${restated.date_start}' AND ad_id = '${restated.ad_id}'
         QUALIFY ROW_NUMBER() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1`,
      );
      assert.equal(latest?.spend, Number(newSpend));

      // The next run (the cursor did not move) loads the range again and deletes both older versions.
      assert.deepEqual((await bench.pull(NEXT_DAY, ONLY_META)).findings, []);
      const [restored] = await bench.rows<{ rows: number; keys: number }>(
        `SELECT COUNT(*)::INT AS rows, COUNT(DISTINCT (date_start, ad_id))::INT AS keys FROM raw.facebook_ads_insights WHERE ${keys}`,
      );
      assert.deepEqual(restored, { rows: inRange.length, keys: inRange.length });
      const [spend] = await bench.rows<{ spend: number }>(
        `SELECT spend FROM raw.facebook_ads_insights WHERE date_start = '${restated.date_start}' AND ad_id = '${restated.ad_id}'`,
      );
      assert.equal(spend?.spend, Number(newSpend));
    } finally {
      await bench.close();
    }
  });

  it("Shopify orders: a crash between load and delete loses no order, the next run keeps one version each", async () => {
    const data = buildPlatformData(62);
    const bench = await openBench(data);
    const onlyShopify = {
      facebook_ads: { enabled: false },
      tiktok_ads: { enabled: false },
      google_ads: { enabled: false },
    };
    try {
      await bench.pull(RUN_DATE, onlyShopify);
      const start = Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`);
      const expected = data.shopifyOrders.filter((order) => Date.parse(order.updatedAt) >= start).length;
      const context = bench.context(NEXT_DAY, onlyShopify);
      (context.ports as { warehouse: Warehouse }).warehouse = crashingOnDelete(bench.warehouse);
      const crashed = await runConnectors(context, bench.io);
      assert.equal(crashed.findings[0]?.source, "shopify");
      const count = `SELECT COUNT(*)::INT AS rows, COUNT(DISTINCT id)::INT AS ids FROM raw.shopify_orders`;
      const [afterCrash] = await bench.rows<{ rows: number; ids: number }>(count);
      assert.equal(afterCrash?.ids, expected);
      assert.ok((afterCrash?.rows ?? 0) > expected);
      assert.deepEqual((await bench.pull(NEXT_DAY, onlyShopify)).findings, []);
      assert.deepEqual((await bench.rows(count))[0], { rows: expected, ids: expected });
    } finally {
      await bench.close();
    }
  });
});
