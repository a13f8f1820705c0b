// How the benchmark sets up each measured run: a byte-identical copy of the database (a file or a work dir),
// and DuckDB's memory limit by scale, as the README's Performance section says.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { copyForRun, memoryLimitFor } from "../../tools/bench-prepare.ts";

describe("bench run setup", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulse-bench-prepare-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("copies a database file, and a work dir with everything below it", async () => {
    const file = join(dir, "raw.duckdb");
    await writeFile(file, Buffer.from([0, 1, 2, 255]));
    await copyForRun(file, join(dir, "copy.duckdb"));
    assert.deepEqual(await readFile(join(dir, "copy.duckdb")), await readFile(file));

    const work = join(dir, "cold");
    await mkdir(join(work, "bucket", "latest"), { recursive: true });
    await writeFile(join(work, "warehouse.duckdb"), "db");
    await writeFile(join(work, "bucket", "latest", "daily_kpis.csv"), "date\n");
    await copyForRun(work, join(dir, "warm"));
    assert.equal(await readFile(join(dir, "warm", "warehouse.duckdb"), "utf8"), "db");
    assert.equal(await readFile(join(dir, "warm", "bucket", "latest", "daily_kpis.csv"), "utf8"), "date\n");
  });

  it("gives DuckDB 600 MB up to a million orders and 1 GB beyond", () => {
    assert.equal(memoryLimitFor(100_000), "600MB");
    assert.equal(memoryLimitFor(1_000_000), "600MB");
    assert.equal(memoryLimitFor(3_000_000), "1000MB");
    assert.equal(memoryLimitFor(10_000_000), "1000MB");
  });
});
