// The bench's check that an optimisation changed no model output: two small DuckDB files made by hand, with
// one table the same, one value moved, a column added, a row lost, and a table each build alone has.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  COMPARE_MEMORY_LIMIT,
  comparer,
  compareModelOutputs,
  outputDifferences,
} from "../../tools/bench-compare.ts";

async function database(path: string, statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const statement of [
    "CREATE SCHEMA staging",
    "CREATE SCHEMA marts",
    "CREATE SCHEMA raw",
    ...statements,
  ]) {
    await connection.run(statement);
  }
  connection.closeSync();
  instance.closeSync();
}

describe("bench: model outputs of two builds", () => {
  let dir: string;
  let own: string;
  let compared: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-bench-compare-"));
    own = join(dir, "own.duckdb");
    compared = join(dir, "compared.duckdb");
    const days = "SELECT DATE '2026-11-01' + i::INTEGER AS date, i AS orders FROM range(5) t(i)";
    await database(own, [
      // The same rows in another order: tables are sets.
      `CREATE TABLE staging.same AS ${days} ORDER BY date DESC`,
      // One cac rounded the other way on a half-cent tie.
      "CREATE TABLE marts.kpis AS SELECT * FROM (VALUES (DATE '2026-11-01', 32.75, 10), (DATE '2026-11-02', 20.00, 12)) t(date, cac, orders)",
      `CREATE TABLE marts.wider AS SELECT *, orders * 2 AS units FROM (${days})`,
      `CREATE TABLE marts.shorter AS ${days} WHERE orders < 4`,
      "CREATE TABLE marts.brand_new AS SELECT 1 AS x",
      // Not a model layer: never compared.
      "CREATE TABLE raw.orders AS SELECT 1 AS id",
    ]);
    await database(compared, [
      `CREATE TABLE staging.same AS ${days}`,
      "CREATE TABLE marts.kpis AS SELECT * FROM (VALUES (DATE '2026-11-01', 32.74, 10), (DATE '2026-11-02', 20.00, 12)) t(date, cac, orders)",
      `CREATE TABLE marts.wider AS ${days}`,
      `CREATE TABLE marts.shorter AS ${days}`,
      "CREATE TABLE staging.retired AS SELECT 1 AS x",
      "CREATE TABLE raw.orders AS SELECT 2 AS id",
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds the same rows the same, and names each difference with its table, rows and columns", async () => {
    const comparisons = await compareModelOutputs(own, compared);
    const byTable = Object.fromEntries(comparisons.map((comparison) => [comparison.table, comparison]));
    assert.deepEqual(Object.keys(byTable).sort(), [
      "marts.brand_new",
      "marts.kpis",
      "marts.shorter",
      "marts.wider",
      "staging.retired",
      "staging.same",
    ]);
    assert.deepEqual(byTable["staging.same"], {
      table: "staging.same",
      rows: 5,
      comparedRows: 5,
      onlyOwn: 0,
      onlyCompared: 0,
      columns: [],
      added: [],
      dropped: [],
    });
    assert.deepEqual(
      { onlyOwn: byTable["marts.kpis"]?.onlyOwn, columns: byTable["marts.kpis"]?.columns },
      { onlyOwn: 1, columns: ["cac"] },
    );
    assert.deepEqual(outputDifferences(comparisons).sort(), [
      "marts.brand_new: new (the compared code does not build it)",
      "marts.kpis: 1 of 2 rows differ (cac)",
      "marts.shorter: 5 → 4 rows; 0 rows only in this build, 1 only in the compared one (date, orders)",
      "marts.wider: new columns units",
      "staging.retired: only the compared code builds it",
    ]);
  });
});

describe("bench: comparing builds larger than the comparison's memory", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-bench-spill-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("spills beside the files instead of taking the machine's memory, and leaves nothing behind", async () => {
    // 600,000 rows of 72 bytes in each file: 86 MB of rows to set against each other, under a 64 MB limit. One
    // column differs in every row.
    for (const [file, shift] of [
      ["own.duckdb", 0],
      ["compared.duckdb", 1],
    ] as const) {
      await database(join(dir, file), [
        `CREATE TABLE staging.big AS SELECT i, md5(i::VARCHAR) AS same, md5((i + ${shift})::VARCHAR) AS moved
         FROM range(600000) t(i)`,
      ]);
    }
    const [big] = await compareModelOutputs(join(dir, "own.duckdb"), join(dir, "compared.duckdb"), "64MB");
    assert.deepEqual(big, {
      table: "staging.big",
      rows: 600000,
      comparedRows: 600000,
      onlyOwn: 600000,
      onlyCompared: 600000,
      columns: ["moved"],
      added: [],
      dropped: [],
    });
    assert.deepEqual((await readdir(dir)).sort(), ["compared.duckdb", "own.duckdb"]);
  });

  it("opens its DuckDB with the limit and the spill folder beside the compared file (the bench's: 3 GB)", async () => {
    assert.equal(COMPARE_MEMORY_LIMIT, "3GB");
    const instance = await comparer(join(dir, "own.duckdb"), "64MB");
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        "SELECT current_setting('memory_limit') AS memory_limit, current_setting('temp_directory') AS spill",
      );
      assert.deepEqual(reader.getRowObjectsJS(), [
        { memory_limit: "61.0 MiB", spill: join(dir, "compare.spill") },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
