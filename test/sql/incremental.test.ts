// Incremental builds: a re-run of the same run date, and two overlapping windows, leave every table exactly as
// a clean build leaves it; a daily run rebuilds its window, [run date - 7 days, run date], and nothing before it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { MODELS } from "../../functions/lib/sql/models.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { buildModels, openFixtureWarehouse, tableFingerprints } from "../support/sql-fixtures.ts";

const END = "2026-11-21";

describe("incremental builds", { timeout: 120_000 }, () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await openFixtureWarehouse();
    await generateDemoData(warehouse.rawConnection, "raw", {
      ...defaultDemoOptions(END),
      startDate: addDays(END, -99),
      ordersPerDay: 25,
    });
  });
  after(() => warehouse.close());

  it("re-running the same run date, and overlapping windows, change no table", async () => {
    await buildModels(warehouse, END, { fullRefresh: true });
    const clean = await tableFingerprints(warehouse);
    assert.equal(Object.keys(clean).length, MODELS.length, "every model was built");

    await buildModels(warehouse, END);
    assert.deepEqual(await tableFingerprints(warehouse), clean, "same run date twice");

    await buildModels(warehouse, addDays(END, -3));
    await buildModels(warehouse, END);
    assert.deepEqual(await tableFingerprints(warehouse), clean, "overlapping windows");
  });

  it("an incremental run rebuilds only the window's partitions", async () => {
    await buildModels(warehouse, END, { fullRefresh: true });
    // Tamper with a partition outside the window: an incremental run must leave it alone.
    const outside = addDays(END, -30);
    await warehouse.execute("UPDATE marts.daily_kpis SET orders = -1 WHERE date = @outside_date", {
      outside_date: outside,
    });
    await warehouse.execute("UPDATE marts.daily_kpis SET orders = -1 WHERE date = @inside_date", {
      inside_date: END,
    });
    await buildModels(warehouse, END);
    const rows = await warehouse.query<{ date: string; orders: number }>(
      "SELECT date, orders FROM marts.daily_kpis WHERE date IN (@outside_date, @inside_date) ORDER BY date",
      { outside_date: outside, inside_date: END },
    );
    assert.equal(rows[0]?.orders, -1, "outside the window: untouched");
    assert.ok((rows[1]?.orders ?? 0) > 0, "inside the window: rebuilt");
  });

  it("rebuilds exactly [run date - 7 days, run date] by default (the README's run window)", async () => {
    await buildModels(warehouse, END, { fullRefresh: true });
    const first = addDays(END, -7);
    const before = addDays(END, -8);
    for (const date of [before, first, END]) {
      await warehouse.execute("UPDATE marts.daily_kpis SET orders = -1 WHERE date = @date", { date });
    }
    // The default lookback of the configuration, not the fixtures' own.
    await buildModels(warehouse, END, { lookbackDays: loadConfig({ env: {}, cwd: "/tmp" }).lookbackDays });
    const orders = async (date: string) =>
      (
        await warehouse.query<{ orders: number }>("SELECT orders FROM marts.daily_kpis WHERE date = @date", {
          date,
        })
      )[0]?.orders;
    assert.equal(await orders(before), -1, "8 days before the run date: outside the window");
    assert.ok(((await orders(first)) ?? 0) > 0, "7 days before the run date: the window's first day");
    assert.ok(((await orders(END)) ?? 0) > 0, "the run date: the window's last day");
  });
});
