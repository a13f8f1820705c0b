// CPA (spend ÷ UTM-attributed orders) in the marts, on hand-made raw rows: none on a channel's day or month without
// spend. A shop that buys no TikTok ads still gets orders tagged utm_source=tiktok (a link in a post's bio); the
// deck read "CPA $0.00" for TikTok, the cheapest channel it had, where it has no cost per order at all.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  insertRaw,
  metaAdDay,
  openFixtureWarehouse,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const landed = "2026-11-22T07:00:00Z";
const tagged = (id: number, createdAt: string, source: string) =>
  soapOrder(id, createdAt, landed, { landing_site: `/products/soap?utm_source=${source}&utm_medium=paid` });

describe("cost per order", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  it("is spend ÷ attributed orders where the channel spent, and none where it spent nothing", async () => {
    warehouse = await openFixtureWarehouse();
    // New York days: the 20th has two Meta orders and one TikTok order, the 21st one TikTok order. Meta spent 30.00
    // on each day (metaAdDay); TikTok Ads is not a source the shop uses, so nothing lands for it.
    await insertRaw(warehouse, "shopify_orders", [
      tagged(1, "2026-11-20T15:00:00Z", "facebook"),
      tagged(2, "2026-11-20T16:00:00Z", "facebook"),
      tagged(3, "2026-11-20T17:00:00Z", "tiktok"),
      tagged(4, "2026-11-21T15:00:00Z", "tiktok"),
    ]);
    await insertRaw(warehouse, "facebook_ads_insights", [
      metaAdDay("2026-11-20", "2026-11-22T04:00:00Z"),
      metaAdDay("2026-11-21", "2026-11-22T04:00:00Z"),
    ]);
    await buildModels(warehouse, "2026-11-21", {
      fullRefresh: true,
      env: {
        PULSE_SETTINGS: JSON.stringify({
          version: 1,
          quality: { sources: { tiktok_ads: { expected: false }, google_ads: { expected: false } } },
        }),
      },
    });

    const daily = await warehouse.query(
      `SELECT CAST(date AS STRING) AS date, channel, spend, attributed_orders, cpa
       FROM marts.marketing_daily_channel WHERE channel IN ('meta', 'tiktok') ORDER BY date, channel`,
    );
    assert.deepEqual(
      daily.map((row) => [row.date, row.channel, Number(row.spend), Number(row.attributed_orders), row.cpa]),
      [
        // 30.00 ÷ 2 orders; the 21st's 30.00 bought no order (no CPA either: no order to divide by).
        ["2026-11-20", "meta", 30, 2, 30 / 2],
        ["2026-11-20", "tiktok", 0, 1, null],
        ["2026-11-21", "meta", 30, 0, null],
        ["2026-11-21", "tiktok", 0, 1, null],
      ],
    );

    const monthly = await warehouse.query(
      `SELECT channel, spend, attributed_orders, cpa FROM marts.marketing_monthly_performance
       WHERE channel IN ('meta', 'tiktok') ORDER BY channel`,
    );
    // November to the 21st: Meta 60.00 for 2 orders; TikTok nothing spent for 2.
    assert.deepEqual(
      monthly.map((row) => [
        row.channel,
        Number(row.spend),
        Number(row.attributed_orders),
        row.cpa === null ? null : Number(row.cpa),
      ]),
      [
        ["meta", 60, 2, 60 / 2],
        ["tiktok", 0, 2, null],
      ],
    );
  });
});
