// README, "Large files stream": `npx tsx tools/bench-ingest.ts [rows]` measures rows/s and peak memory on a
// generated orders export. Run as the README says, on a small export: it ingests every line, and reports the rates.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The export the tool writes for a target: orders of 1, 2, 3, 1, … lines until the target is reached. */
function expectedShape(targetRows: number): { lineRows: number; orders: number } {
  let lineRows = 0;
  let orders = 0;
  while (lineRows < targetRows) {
    lineRows += 1 + (orders % 3);
    orders += 1;
  }
  return { lineRows, orders };
}

describe("tools/bench-ingest", () => {
  it("ingests every line of its generated export and reports rows per second and peak memory", async () => {
    const target = 3_000;
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "tools/bench-ingest.ts", String(target)],
      {
        timeout: 120_000,
      },
    );
    const { lineRows, orders } = expectedShape(target);
    const file = /^file: (\d+) line rows, (\d+) orders, [\d.]+ MB \(loaded\)$/m.exec(stdout);
    assert.ok(file, stdout);
    assert.deepEqual([Number(file[1]), Number(file[2])], [lineRows, orders]);
    assert.match(stdout, new RegExp(`^rows: read ${lineRows}, loaded ${lineRows}, quarantined 0$`, "m"));
    const rate = /^time: ([\d.]+) s — (\d+) line rows\/s, (\d+) orders\/s$/m.exec(stdout);
    assert.ok(rate, stdout);
    // The rates are the counts over the time the line reports, which it rounds to hundredths of a second.
    const seconds = Number(rate[1]);
    assert.ok(seconds > 0.005, rate[0]);
    const within = (shown: number, count: number) =>
      shown >= Math.floor(count / (seconds + 0.005)) && shown <= Math.ceil(count / (seconds - 0.005));
    assert.ok(within(Number(rate[2]), lineRows), rate[0]);
    assert.ok(within(Number(rate[3]), orders), rate[0]);
    assert.match(stdout, /^parse \+ map only \(no warehouse\): [\d.]+ s — \d+ line rows\/s$/m);
    assert.match(stdout, /^memory: peak RSS [\d.]+ MB \(start [\d.]+ MB\), peak heap [\d.]+ MB/m);
  });
});
