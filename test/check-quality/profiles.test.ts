import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  type ProfileTarget,
  profileBatchSql,
  profiledColumns,
  profileEveryColumn,
  toProfiles,
} from "../../functions/check-quality/profiles.ts";
import { createLogger } from "../../functions/lib/logger.ts";

describe("column profiles in one query", () => {
  // Hand-made days: the 19th has a NULL and a zero price, the 20th a NULL channel, the 21st is after the run date.
  const rows = [
    ["2026-11-19", 10, "email"],
    ["2026-11-19", null, "email"],
    ["2026-11-19", 0, "direct"],
    ["2026-11-20", 5, null],
    ["2026-11-20", 7.5, "direct"],
    ["2026-11-21", 99, "email"],
  ] as const;
  const target: ProfileTarget = {
    table: "unified.orders",
    dateColumn: "order_date",
    columns: [
      { name: "total_price", kind: "measure", alertOnNullRate: true },
      { name: "channel", kind: "key", alertOnNullRate: true },
    ],
  };
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(":memory:");
    await warehouse.load({
      dataset: "unified",
      table: "orders",
      columns: [
        { name: "order_date", type: "DATE" },
        { name: "total_price", type: "NUMERIC" },
        { name: "channel", type: "STRING" },
      ],
      rows: rows.map(([order_date, total_price, channel]) => ({ order_date, total_price, channel })),
    });
  });
  after(() => warehouse.close());

  it("gives each column's counts per day, tagged by its index, as the hand count says", async () => {
    const columns = profiledColumns([target]);
    const answered = await warehouse.query(profileBatchSql(columns), {
      history_start_date: "2026-11-01",
      run_date: "2026-11-20",
    });
    const profiles = columns.map(({ column }, index) =>
      toProfiles(
        target,
        column,
        answered
          .filter((row) => Number(row.profile_index) === index)
          .sort((a, b) => String(a.day).localeCompare(String(b.day))),
      ).map(({ date, rowCount, nullCount, zeroCount, sum }) => ({
        date,
        rowCount,
        nullCount,
        zeroCount,
        sum,
      })),
    );
    assert.deepEqual(profiles, [
      [
        { date: "2026-11-19", rowCount: 3, nullCount: 1, zeroCount: 1, sum: 10 },
        { date: "2026-11-20", rowCount: 2, nullCount: 0, zeroCount: 0, sum: 12.5 },
      ],
      [
        { date: "2026-11-19", rowCount: 3, nullCount: 0, zeroCount: null, sum: null },
        { date: "2026-11-20", rowCount: 2, nullCount: 1, zeroCount: null, sum: null },
      ],
    ]);
  });

  it("profiles column by column when the one query fails, so the error names the column", async () => {
    // The warnings logged, one JSON line each.
    const warnings: string[] = [];
    const log = createLogger({ format: "json", minLevel: "warn", write: (line) => warnings.push(line) });
    const range = { history_start_date: "2026-11-01", run_date: "2026-11-20" };
    // One column only: with two, which of them fails first is a race.
    const missing: ProfileTarget = {
      ...target,
      table: "unified.no_such_table",
      columns: target.columns.slice(0, 1),
    };
    await assert.rejects(
      profileEveryColumn(warehouse, profiledColumns([target, missing]), range, log),
      /query "profile unified\.no_such_table\.total_price" failed on DuckDB/,
    );
    assert.equal(warnings.length, 1);
    // Without the broken target, the one query answers with what the hand count says.
    const profiles = await profileEveryColumn(warehouse, profiledColumns([target]), range, log);
    assert.deepEqual(
      profiles.map((days) => days.map((day) => `${day.column} ${day.date} ${day.rowCount} ${day.nullCount}`)),
      [
        ["total_price 2026-11-19 3 1", "total_price 2026-11-20 2 0"],
        ["channel 2026-11-19 3 0", "channel 2026-11-20 2 1"],
      ],
    );
    assert.equal(warnings.length, 1, "no second fallback");
  });
});
