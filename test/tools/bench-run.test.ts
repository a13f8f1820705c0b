// What a bench run records of its process: processor time that counts DuckDB's threads as well as Node's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { processCpuMs } from "../../tools/bench-run.ts";

describe("bench run measures", () => {
  it("counts the processor time of DuckDB's threads while the main thread only waits", async () => {
    const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
    const connection = await instance.connect();
    try {
      const before = processCpuMs();
      const started = performance.now();
      // Work DuckDB does on its own threads; the main thread awaits it.
      await connection.run("SELECT sum(hash(i)) FROM range(60000000) AS t(i)");
      const wallMs = performance.now() - started;
      const cpuMs = processCpuMs() - before;
      assert.ok(wallMs > 50, `the query ran long enough to measure (${wallMs.toFixed(0)} ms)`);
      // The main thread alone would show next to nothing; DuckDB's two threads up to twice the wall time. A quarter
      // leaves room for the other test files running beside this one on the same cores.
      assert.ok(
        cpuMs >= 0.25 * wallMs,
        `${cpuMs} ms of processor time over ${wallMs.toFixed(0)} ms of waiting`,
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("counts the main thread's own work", () => {
    // Spins until 60 ms of processor time show, or gives up after 5 s of wall time: other test files on the same
    // cores can slow the spinning, but a measure that misses the main thread never gets there.
    const before = processCpuMs();
    const giveUp = performance.now() + 5_000;
    while (processCpuMs() - before < 60 && performance.now() < giveUp);
    assert.ok(processCpuMs() - before >= 60, "the main thread's spinning shows as processor time");
  });
});
