// stg_shopify_orders filters raw rows first on a cheap UTC bound (a day wider than the window on each side) and
// then exactly on the order's local date. Orders every 90 minutes from two days before the window to two days
// after it, in the time zones furthest from UTC, must come out exactly when their local date (computed here with
// Intl, independently of the SQL) is inside the window.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { hmacKeyPads } from "../../functions/lib/pii.ts";
import { channelsParam } from "../../functions/lib/sql/channels.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const WINDOW = { start: "2026-11-10", end: "2026-11-12" };
const ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Pago_Pago", "America/New_York", "Asia/Kolkata"];
const STEP_MS = 90 * 60 * 1000;

function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
}

describe("stg_shopify_orders window bounds in any time zone", () => {
  let warehouse: DuckDbWarehouse;
  const instants: Date[] = [];

  before(async () => {
    warehouse = await openFixtureWarehouse();
    const first = Date.parse("2026-11-08T00:00:00Z");
    const last = Date.parse("2026-11-15T00:00:00Z");
    for (let ms = first; ms <= last; ms += STEP_MS) instants.push(new Date(ms));
    await insertRaw(
      warehouse,
      "shopify_orders",
      instants.map((instant, index) => ({
        id: index + 1,
        name: String(index + 1),
        created_at: instant.toISOString(),
        updated_at: instant.toISOString(),
        currency: "USD",
        total_price: "10.00",
        line_items: [],
        refunds: [],
        _airbyte_raw_id: `r${index + 1}`,
        _airbyte_extracted_at: "2026-11-20T00:00:00Z",
      })),
    );
  });
  after(() => warehouse.close());

  for (const zone of ZONES) {
    it(`keeps exactly the orders whose ${zone} date is in the window`, async () => {
      await warehouse.materialize({
        dataset: "staging",
        table: "stg_shopify_orders",
        sql: readSql("staging/stg_shopify_orders.sql"),
        params: {
          run_date: WINDOW.end,
          window_start: WINDOW.start,
          window_end: WINDOW.end,
          shop_timezone: zone,
          channels: channelsParam(),
          ...hmacKeyPads("window-bounds-test-key-long-enough"),
        },
        partitionColumn: "order_date",
      });
      const got = await warehouse.query<{ order_id: number; order_date: string }>(
        "SELECT order_id, order_date FROM staging.stg_shopify_orders ORDER BY order_id",
      );
      const expected = instants
        .map((instant, index) => ({ order_id: index + 1, order_date: localDate(instant, zone) }))
        .filter((row) => row.order_date >= WINDOW.start && row.order_date <= WINDOW.end);
      assert.ok(expected.length > 40, "the fixture covers the whole window");
      assert.deepEqual(
        got.map((row) => ({ order_id: Number(row.order_id), order_date: String(row.order_date) })),
        expected,
      );
    });
  }
});
