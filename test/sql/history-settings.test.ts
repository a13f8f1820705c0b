// The settings every day of history depends on (the shop's time zone, the PII key, the channel list), changed
// between two runs, on hand-made raw rows: a daily run would rebuild its window under the new setting and keep
// the older days under the old one, so the transform rebuilds all history, as a full refresh does.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { hashPii } from "../../functions/lib/pii.ts";
import {
  buildModels,
  differencesFromFullRebuild,
  FIXTURE_PII_KEY,
  insertRaw,
  openFixtureWarehouse,
  planFixtureRun,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const LANDED = "2026-11-21T07:00:00Z";

const order = (id: number, createdAt: string, email: string, extractedAt = LANDED) =>
  soapOrder(id, createdAt, extractedAt, { email });

// Order 1 at 03:00 UTC on the 13th: the 12th in New York (the default time zone), the 13th in London. Ana orders
// on the 2nd and again on the 18th; Ben on the 13th and the 20th.
const ORDERS = [
  order(1, "2026-11-13T03:00:00Z", "ben@example.com"),
  order(2, "2026-11-02T15:00:00Z", "ana@example.com"),
  order(3, "2026-11-18T15:00:00Z", "Ana@Example.com "),
  order(4, "2026-11-20T15:00:00Z", "ben@example.com"),
];
const LONDON = { PULSE_TIMEZONE: "Europe/London" };

/** Each raw order's day in a time zone, computed here from its creation time. */
function dayIn(timeZone: string, createdAt: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(createdAt));
}

describe("settings that reach every day of history", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse | undefined;
  afterEach(async () => {
    await warehouse?.close();
    warehouse = undefined;
  });

  async function shopBuiltOn20th(options: { env?: Record<string, string>; piiKey?: string } = {}) {
    const shop = await openFixtureWarehouse();
    warehouse = shop;
    await insertRaw(shop, "shopify_orders", ORDERS);
    await buildModels(shop, "2026-11-20", { fullRefresh: true, ...options });
    return shop;
  }

  const ordersByDay = async (shop: DuckDbWarehouse) =>
    (
      await shop.query(
        "SELECT CAST(date AS STRING) AS date, orders FROM marts.daily_kpis WHERE orders > 0 ORDER BY date",
      )
    ).map((row) => [row.date, Number(row.orders)]);

  const differing = async (shop: DuckDbWarehouse, env: Record<string, string> = {}) =>
    Object.entries(await differencesFromFullRebuild(shop, "2026-11-20", { env })).filter(
      ([, rows]) => rows > 0,
    );

  it("rebuilds all history when the shop's time zone changes, so no order sits on two days", async () => {
    const shop = await shopBuiltOn20th();
    const newYorkDays = ORDERS.map((raw) => dayIn("America/New_York", raw.created_at));
    assert.equal(newYorkDays[0], "2026-11-12");
    // The shop sets its own time zone. Order 1 moves from the 12th to the 13th, inside the daily window.
    const daily = await buildModels(shop, "2026-11-20", { env: LONDON });
    assert.match(
      daily.summary ?? "",
      /full build: .*the shop's time zone \(America\/New_York → Europe\/London\)/,
    );
    assert.equal(daily.metrics?.fullBuilds, daily.metrics?.models);
    const londonDays = ORDERS.map((raw) => dayIn("Europe/London", raw.created_at));
    const expected = [...new Set(londonDays)]
      .sort()
      .map((day) => [day, londonDays.filter((other) => other === day).length]);
    assert.deepEqual(await ordersByDay(shop), expected);
    assert.deepEqual(
      await shop.query(
        "SELECT order_id, COUNT(*) AS days FROM staging.stg_shopify_orders GROUP BY order_id HAVING COUNT(*) > 1",
      ),
      [],
      "every order once",
    );
    // The next run, under the same settings, builds its window only.
    const next = await buildModels(shop, "2026-11-20", { env: LONDON });
    assert.match(next.summary ?? "", /\(window 2026-11-13 → 2026-11-20\)/);
    assert.deepEqual(await differing(shop, LONDON), []);
  });

  it("says so in the plan of the run, before running it", async () => {
    const shop = await shopBuiltOn20th();
    const lines = await planFixtureRun(shop, "2026-11-20", LONDON);
    assert.ok(
      lines.includes(
        "  changed since the tables were built: the shop's time zone (America/New_York → Europe/London): all history is rebuilt",
      ),
      lines.join("\n"),
    );
    assert.ok(lines.includes("  staging.stg_shopify_orders: rebuild whole"), lines.join("\n"));
  });

  it("rebuilds all history when the PII key changes, so a returning customer keeps one identity", async () => {
    const shop = await shopBuiltOn20th();
    const rotated = "another-key-that-is-long-enough-for-hmac";
    const daily = await buildModels(shop, "2026-11-20", { piiKey: rotated });
    assert.match(daily.summary ?? "", /full build: .*the PII hashing key/);
    assert.doesNotMatch(
      daily.summary ?? "",
      new RegExp(`${rotated}|${FIXTURE_PII_KEY}`),
      "no key in the summary",
    );
    const hashes = await shop.query(
      "SELECT order_id, email_hash FROM staging.stg_shopify_orders ORDER BY order_id",
    );
    assert.deepEqual(
      hashes.map((row) => [Number(row.order_id), row.email_hash]),
      ORDERS.map((raw) => [raw.id, hashPii(raw.email.trim().toLowerCase(), rotated)]),
    );
    // Ana's second order (the 18th, in the window) is a returning customer's, as with one key throughout.
    const numbered = await shop.query(
      "SELECT order_id, customer_order_number FROM unified.shopify_unified ORDER BY order_id",
    );
    assert.deepEqual(
      numbered.map((row) => [Number(row.order_id), Number(row.customer_order_number)]),
      [
        [1, 1],
        [2, 1],
        [3, 2],
        [4, 2],
      ],
    );
  });

  it("rebuilds all history when the channel list changes, naming it and no fingerprint", async () => {
    const shop = await shopBuiltOn20th();
    // As if the tables had been built under another sql/reference/channels.json: its fingerprint is what is kept.
    const [kept] = await shop.query<{ value: string }>(
      "SELECT value FROM ops.transform_settings WHERE setting = 'channels_id'",
    );
    assert.match(kept?.value ?? "", /^[0-9a-f]{16}$/);
    await shop.execute(
      "UPDATE ops.transform_settings SET value = '0123456789abcdef' WHERE setting = 'channels_id'",
    );
    const daily = await buildModels(shop, "2026-11-20");
    assert.match(daily.summary ?? "", /full build: .*the channel list \(sql\/reference\/channels\.json\)/);
    assert.doesNotMatch(daily.summary ?? "", /0123456789abcdef/);
    assert.equal(daily.metrics?.fullBuilds, daily.metrics?.models);
    // Kept again as built: the next run builds its window only.
    const next = await buildModels(shop, "2026-11-20");
    assert.match(next.summary ?? "", /\(window 2026-11-13 → 2026-11-20\)/);
  });

  it("keeps building the window of a warehouse built before the settings were kept", async () => {
    const shop = await shopBuiltOn20th();
    await shop.rawConnection.run("DROP TABLE ops.transform_settings");
    const daily = await buildModels(shop, "2026-11-20");
    assert.match(daily.summary ?? "", /\(window 2026-11-13 → 2026-11-20\)/);
    const kept = await shop.query("SELECT setting, value FROM ops.transform_settings ORDER BY setting");
    assert.deepEqual(
      kept.map((row) => row.setting),
      ["channels_id", "currency_places", "pii_key_id", "shop_currency", "shop_timezone"],
    );
    assert.equal(kept.find((row) => row.setting === "shop_timezone")?.value, "America/New_York");
    assert.ok(
      kept.every((row) => !String(row.value).includes(FIXTURE_PII_KEY)),
      "the key itself is never kept",
    );
  });

  it("keeps the days after an older date when it rebuilds all history for it", async () => {
    const shop = await shopBuiltOn20th();
    await insertRaw(shop, "shopify_orders", [
      order(5, "2026-11-21T15:00:00Z", "cy@example.com", "2026-11-22T07:00:00Z"),
    ]);
    await buildModels(shop, "2026-11-21");
    // A full refresh of the 15th (a backfill): the 16th to the 21st stay, with order 5.
    await buildModels(shop, "2026-11-15", { fullRefresh: true });
    const days = ORDERS.concat(order(5, "2026-11-21T15:00:00Z", "cy@example.com")).map((raw) =>
      dayIn("America/New_York", raw.created_at),
    );
    assert.deepEqual(
      await ordersByDay(shop),
      [...new Set(days)].sort().map((day) => [day, days.filter((other) => other === day).length]),
    );
    const afterFullRefresh = await buildModels(shop, "2026-11-21");
    assert.match(afterFullRefresh.summary ?? "", /\(window 2026-11-14 → 2026-11-21\)/);
    assert.deepEqual(
      Object.entries(await differencesFromFullRebuild(shop, "2026-11-21")).filter(([, rows]) => rows > 0),
      [],
    );
  });
});
