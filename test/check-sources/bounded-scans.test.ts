// check-sources reads only the raw rows extracted since the start of the window it needs (the raw tables'
// partition column), never a whole table on a daily run. Bounded so, every query still answers what a scan of
// all history answers: checked here against plain DuckDB over the whole raw tables, on demo data with the story's
// stale Meta and TikTok data (whose freshness falls back to all history).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { recentRows } from "../../functions/check-sources/step.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { readQuery } from "../../functions/lib/sql/queries.ts";
import { SOURCES } from "../../functions/shared/sources.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { openFixtureWarehouse } from "../support/sql-fixtures.ts";

const END = "2026-11-21";
const TIMEZONE = "America/New_York";

/** Each source's event day over its raw table, in plain DuckDB. */
const EVENT_DAY: Record<string, { table: string; day: string }> = {
  shopify: { table: "raw.shopify_orders", day: `CAST(timezone('${TIMEZONE}', created_at) AS DATE)` },
  facebook_ads: { table: "raw.facebook_ads_insights", day: "date_start" },
  tiktok_ads: { table: "raw.tiktok_ads_reports_daily", day: "CAST(stat_time_day AS DATE)" },
  // Google Ads' days are in any of its three tables (a Smart campaign's only in campaign totals): their rows together.
  google_ads: {
    table: `(SELECT segments_date, _airbyte_extracted_at FROM raw.google_ads_campaign_stats
      UNION ALL SELECT segments_date, _airbyte_extracted_at FROM raw.google_ads_asset_group_stats
      UNION ALL SELECT segments_date, _airbyte_extracted_at FROM raw.google_ads_campaign_totals)`,
    day: "segments_date",
  },
};

describe("check-sources' bounded raw scans", { timeout: 120_000 }, () => {
  let warehouse: DuckDbWarehouse;
  const native = async (sql: string) => (await warehouse.rawConnection.runAndReadAll(sql)).getRowObjectsJS();
  const day = (value: unknown) => (value == null ? null : String(value).slice(0, 10));

  const context = (runDate: string) =>
    ({
      message: { runDate },
      config: { shop: { timezone: TIMEZONE }, quality: { volume: { landedWithinHours: 36 } } },
      ports: { warehouse },
    }) as unknown as StepContext;

  before(async () => {
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -120),
      ordersPerDay: 12,
    });
  });
  after(() => warehouse.close());

  it("finds each source's newest event day and load time, stale sources included", async () => {
    let fellBack = 0;
    for (const source of SOURCES) {
      const own = EVENT_DAY[source.name];
      assert.ok(own, source.name);
      const [expected] = await native(
        `SELECT CAST(max(${own.day}) AS VARCHAR) AS day, max(_airbyte_extracted_at) AS loaded FROM ${own.table}`,
      );
      for (const since of [addDays(END, -28), addDays(END, -1)]) {
        const found = (await recentRows(context(END), source, since)).newest;
        assert.equal(day(found?.last_event_date), day(expected?.day), `${source.name} since ${since}`);
        assert.equal(
          new Date(String(found?.last_loaded_at)).getTime(),
          new Date(String(expected?.loaded)).getTime(),
          `${source.name} load time since ${since}`,
        );
        if ((day(expected?.day) ?? "") < since) fellBack += 1;
      }
    }
    assert.ok(fellBack > 0, "a stale source's newest day is older than the bound: the fallback answered");
  });

  it("counts the rows landed per day as a scan of all history does, for the newest run date and an older one", async () => {
    // The older run date is a backfill's: rows of later days were extracted since its history began, and stay out.
    for (const runDate of [END, addDays(END, -10)]) {
      for (const source of SOURCES) {
        const own = EVENT_DAY[source.name];
        assert.ok(own, source.name);
        const start = addDays(runDate, -28);
        const { landed: rows } = await recentRows(context(runDate), source, start);
        const expected = await native(`
          SELECT CAST(${own.day} AS VARCHAR) AS day,
            count(*) FILTER (WHERE _airbyte_extracted_at < CAST(${own.day} AS TIMESTAMP) AT TIME ZONE 'UTC' + INTERVAL 36 HOUR) AS n
          FROM ${own.table}
          WHERE ${own.day} BETWEEN DATE '${start}' AND DATE '${runDate}'
          GROUP BY ALL ORDER BY day`);
        assert.ok(
          expected.length > 0 || source.name !== "shopify",
          `${source.name} ${runDate}: the fixture has rows`,
        );
        assert.deepEqual(
          rows.map((row) => [day(row.day), Number(row.landed_rows)]),
          expected.map((row) => [day(row.day), Number(row.n)]),
          `${source.name} ${runDate}`,
        );
      }
    }
  });

  it("reconciles the window's Shopify orders as a scan of all history does", async () => {
    const window = { window_start: addDays(END, -15), window_end: addDays(END, -2), shop_timezone: TIMEZONE };
    const rows = await warehouse.query<{ day: string; orders: number; revenue: number }>(
      readQuery("check-sources/reconciliation_shopify"),
      window,
    );
    const expected = await native(`
      WITH latest AS (
        SELECT * FROM raw.shopify_orders
        QUALIFY row_number() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) = 1)
      SELECT CAST(timezone('${TIMEZONE}', created_at) AS DATE)::VARCHAR AS day, count(*) AS orders,
        round(COALESCE(sum(total_price), 0)::DOUBLE, 2) AS revenue
      FROM latest
      WHERE cancelled_at IS NULL
        AND CAST(timezone('${TIMEZONE}', created_at) AS DATE) BETWEEN DATE '${window.window_start}' AND DATE '${window.window_end}'
      GROUP BY ALL ORDER BY day`);
    assert.equal(rows.length, 14);
    assert.deepEqual(
      [...rows]
        .sort((a, b) => String(a.day).localeCompare(String(b.day)))
        .map((row) => [day(row.day), Number(row.orders), Math.round(Number(row.revenue) * 100) / 100]),
      expected.map((row) => [day(row.day), Number(row.orders), Number(row.revenue)]),
    );
  });
});
