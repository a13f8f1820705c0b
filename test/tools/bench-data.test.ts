// The bench's cached datasets are named by their exact daily volume and the demo generator's fingerprint: neither
// a changed generator's data nor data made for another volume is ever measured in their place.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  datasetFile,
  datasetForOrders,
  generatorFingerprint,
  writeCompacted,
} from "../../tools/bench-data.ts";

/** Each row group's row count, the column types and a digest of the rows of `table` in the database at `path`. */
async function describeTable(path: string, table: string) {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  try {
    const connection = await instance.connect();
    const rowGroups = await connection.runAndReadAll(
      `SELECT max(count)::INTEGER AS row_count FROM pragma_storage_info('${table}')
       GROUP BY row_group_id ORDER BY row_group_id`,
    );
    const types = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${table})`);
    const digest = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS row_count, sum(hash(id, note))::VARCHAR AS digest,
              bool_and(id = previous_id + 1 OR previous_id IS NULL) AS in_order
       FROM (SELECT id, note, lag(id) OVER () AS previous_id FROM ${table})`,
    );
    return {
      rowGroups: rowGroups.getRowObjectsJS().map((row) => Number(row.row_count)),
      types: types.getRowObjectsJS(),
      rows: digest.getRowObjectsJS()[0],
    };
  } finally {
    instance.closeSync();
  }
}

describe("bench datasets", () => {
  it("name the file by history, daily volume and the generator's fingerprint, which follows its sources", async () => {
    const demo = await mkdtemp(join(tmpdir(), "pulse-bench-data-"));
    try {
      await writeFile(join(demo, "customers.ts"), "export const order = 'creation';\n");
      await writeFile(join(demo, "notes.md"), "not code\n");
      const before = generatorFingerprint(demo);
      await writeFile(join(demo, "notes.md"), "still not code\n");
      assert.equal(generatorFingerprint(demo), before, "only the code counts");
      await writeFile(join(demo, "customers.ts"), "export const order = 'landing';\n");
      const after = generatorFingerprint(demo);
      assert.notEqual(after, before);
      assert.equal(
        datasetFile("/cache", { days: 730, ordersPerDay: 1369.86 }, after),
        `/cache/raw-730d-1369.86pd-${after}.duckdb`,
      );
    } finally {
      await rm(demo, { recursive: true, force: true });
    }
    // The real generator's fingerprint is stable between calls.
    assert.match(generatorFingerprint(), /^[0-9a-f]{8}$/);
    assert.equal(generatorFingerprint(), generatorFingerprint());
  });

  it("are copied with full row groups, the rows, their order and the column types unchanged", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulse-bench-compact-"));
    const generated = join(dir, "generated.duckdb");
    const compacted = join(dir, "compacted.duckdb");
    try {
      const instance = await DuckDBInstance.create(generated);
      try {
        const connection = await instance.connect();
        await connection.run("CREATE SCHEMA raw");
        await connection.run("CREATE TABLE raw.orders (id BIGINT, note VARCHAR)");
        // As the demo generator writes: an appender flushed every 200,000 rows, each flush ending a row group.
        const appender = await connection.createAppender("orders", "raw");
        for (let id = 1; id <= 450_000; id += 1) {
          appender.appendBigInt(BigInt(id));
          appender.appendVarchar(`order ${id % 977} of the day`);
          appender.endRow();
          if (id % 200_000 === 0) appender.flushSync();
        }
        appender.closeSync();
        await connection.run("CHECKPOINT");
        // As the warehouse's connections run (statements.ts): left so after the copy.
        await connection.run("SET preserve_insertion_order = false");
        const settings =
          "SELECT current_setting('threads') AS threads, current_setting('preserve_insertion_order') AS ordered";
        const settingsBefore = (await connection.runAndReadAll(settings)).getRowObjectsJson();
        await writeCompacted(connection, "raw", compacted);
        assert.deepEqual((await connection.runAndReadAll(settings)).getRowObjectsJson(), settingsBefore);
        assert.equal(String(settingsBefore[0]?.ordered), "false");
      } finally {
        instance.closeSync();
      }
      const before = await describeTable(generated, "raw.orders");
      assert.deepEqual(before.rowGroups, [122_880, 77_120, 122_880, 77_120, 50_000]);
      const after = await describeTable(compacted, "raw.orders");
      assert.deepEqual(after.rowGroups, [122_880, 122_880, 122_880, 81_360]);
      assert.deepEqual(after.types, before.types);
      assert.deepEqual(after.rows, { ...before.rows, row_count: 450_000, in_order: true });
      await assert.rejects(stat(`${compacted}.wal`), /ENOENT/, "detached whole: nothing left in a log");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("give data of other daily volumes other files, even where the volumes round alike", () => {
    // The 1M scale's volume (1,369.863… a day) and 1,370 a day generate different orders: rounded, they shared a file.
    const scale = datasetFile("/cache", datasetForOrders(1_000_000), "g");
    const near = datasetFile("/cache", { days: 730, ordersPerDay: 1370 }, "g");
    assert.notEqual(scale, near);
    assert.equal(near, "/cache/raw-730d-1370pd-g.duckdb");
    // The same scale asked again is the same file: the cache still hits.
    assert.equal(datasetFile("/cache", datasetForOrders(1_000_000), "g"), scale);
  });

  it("are made ahead of a bench by the command line, named as the bench reads them", async () => {
    const script = join(import.meta.dirname, "..", "..", "tools", "bench-data.ts");
    const work = await mkdtemp(join(tmpdir(), "pulse-bench-data-cli-"));
    const run = (...args: string[]) =>
      // The data lands under the working directory: tsx is named by its resolved address, not from there.
      promisify(execFile)(process.execPath, ["--import", import.meta.resolve("tsx"), script, ...args], {
        cwd: work,
      });
    try {
      const { stdout } = await run("2k", "30");
      const expected = datasetFile(join(work, ".pulse", "bench", "data"), datasetForOrders(2_000, 30));
      assert.ok(stdout.includes(expected), stdout);
      assert.ok((await stat(expected)).size > 0);
      // A second ask is a cache hit: the same file, not generated again.
      assert.doesNotMatch((await run("2k", "30")).stdout, /generating/);
      await assert.rejects(run("2k", "a month"), /not a number of days: "a month"/);
      await assert.rejects(run("lots"), /not a scale: "lots"/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
