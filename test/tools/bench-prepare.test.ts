// How the benchmark sets up each measured run: a byte-identical copy of the database (a file or a work dir),
// and DuckDB's memory limit by scale, as the README's Performance section says.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { datasetForOrders, historyDatasets } from "../../tools/bench-data.ts";
import {
  compileForBench,
  copyForRun,
  historyMemoryLimit,
  inRoundOrder,
  inTurn,
  memoryLimitFor,
} from "../../tools/bench-prepare.ts";

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

  /** A small checkout shaped like this one: ESM, .ts imports, a tools/ script importing code from functions/. */
  async function smallCheckout(name: string): Promise<string> {
    const checkout = join(dir, name);
    await mkdir(join(checkout, "tools"), { recursive: true });
    await mkdir(join(checkout, "functions"), { recursive: true });
    await writeFile(join(checkout, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(
      join(checkout, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          allowImportingTsExtensions: true,
          rewriteRelativeImportExtensions: true,
          rootDir: ".",
          types: [],
        },
        include: ["functions/**/*.ts", "tools/**/*.ts", "package.json"],
      }),
    );
    await writeFile(
      join(checkout, "functions", "sum.ts"),
      "export const sum = (a: number, b: number): number => a + b;\n",
    );
    await writeFile(
      join(checkout, "tools", "measure.ts"),
      'import { sum } from "../functions/sum.ts";\nconst typed: number = sum(2, 3);\nprocess.stdout.write(String(typed));\n',
    );
    // An older build's file, which the new build must not leave behind.
    await mkdir(join(checkout, ".pulse", "bench-build", "tools"), { recursive: true });
    await writeFile(join(checkout, ".pulse", "bench-build", "tools", "gone.js"), "");
    return checkout;
  }

  async function runsByPlainNode(checkout: string, script: string): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: checkout });
    return stdout;
  }

  it("bundles a checkout's scripts as its npm start bundles the command line (tools/bundle.mjs)", async () => {
    const checkout = await smallCheckout("bundled");
    await cp(resolve("tools/bundle.mjs"), join(checkout, "tools", "bundle.mjs"));
    await symlink(resolve("node_modules"), join(checkout, "node_modules"));

    const code = await compileForBench(checkout, ["tools/measure.ts"]);
    const build = join(checkout, ".pulse", "bench-build");
    assert.equal(code.script("tools/measure.ts"), join(build, "tools", "measure", "measure.js"));
    assert.equal(await runsByPlainNode(checkout, code.script("tools/measure.ts")), "5");
    // functions/sum.ts is inside the bundle, not beside it; the older build is gone.
    const files = (await readdir(build, { recursive: true })).map(String).sort();
    assert.deepEqual(files, [
      "tools",
      "tools/measure",
      "tools/measure/bundle-inputs.json",
      "tools/measure/measure.js",
      "tools/measure/measure.js.map",
    ]);
    assert.match(await readFile(code.script("tools/measure.ts"), "utf8"), /a \+ b/);

    await assert.rejects(
      compileForBench(checkout, ["tools/missing.ts"]),
      /gave no .*tools\/missing\/missing\.js/,
    );
  });

  it("compiles an older checkout, without tools/bundle.mjs, with TypeScript, runnable by plain node", async () => {
    const checkout = await smallCheckout("compiled");
    const code = await compileForBench(checkout, ["tools/measure.ts"]);
    assert.equal(code.sourceDir, checkout);
    const build = join(checkout, ".pulse", "bench-build");
    assert.equal(code.script("tools/measure.ts"), join(build, "tools", "measure.js"));
    assert.equal(await runsByPlainNode(checkout, code.script("tools/measure.ts")), "5");
    assert.ok((await readdir(build, { recursive: true })).map(String).includes("functions/sum.js"));
    await assert.rejects(readFile(join(build, "tools", "gone.js")), /ENOENT/);

    // A script that is not in the checkout fails the compile, naming it.
    await assert.rejects(compileForBench(checkout, ["tools/missing.ts"]), /gave no .*tools\/missing\.js/);
  });

  it("gives DuckDB 600 MB up to a million orders and 1 GB beyond", () => {
    assert.equal(memoryLimitFor(100_000), "600MB");
    assert.equal(memoryLimitFor(1_000_000), "600MB");
    assert.equal(memoryLimitFor(3_000_000), "1000MB");
    assert.equal(memoryLimitFor(10_000_000), "1000MB");
  });

  it("runs every history length under the longest one's memory limit", () => {
    const lengths = historyDatasets(datasetForOrders(1_000_000), [2, 4, 8]);
    assert.deepEqual(
      lengths.map(({ multiple, days }) => [multiple, days]),
      [
        [2, 730],
        [4, 1460],
        [8, 2920],
      ],
    );
    // 2× is the 1M dataset itself (600 MB alone); 8× holds about 2M orders, so all three run at 1 GB.
    assert.deepEqual(lengths[0]?.dataset, datasetForOrders(1_000_000));
    assert.equal(memoryLimitFor(1_000_000), "600MB");
    assert.ok((lengths[2]?.dataset.ordersPerDay ?? 0) * 2920 > 1_500_000);
    assert.equal(historyMemoryLimit(lengths.map(({ dataset }) => dataset)), "1000MB");
    assert.equal(historyMemoryLimit([datasetForOrders(100_000), datasetForOrders(400_000)]), "600MB");
  });

  it("measures this code first in odd rounds and the compared code first in even ones", async () => {
    const order: string[] = [];
    const measure = (who: string, round: number) => async () => {
      order.push(`${who} ${round}`);
      return `${who} result ${round}`;
    };
    for (const round of [1, 2, 3, 4]) {
      const results = await inTurn(round, measure("own", round), measure("compared", round));
      // Each result goes to its own code, whichever ran first.
      assert.deepEqual(results, { own: `own result ${round}`, compared: `compared result ${round}` });
    }
    assert.deepEqual(order, [
      "own 1",
      "compared 1",
      "compared 2",
      "own 2",
      "own 3",
      "compared 3",
      "compared 4",
      "own 4",
    ]);
    // The history lengths of a round take turns the same way: as given in odd rounds, longest first in even ones.
    const lengths = ["2×", "4×", "8×"];
    assert.deepEqual(
      [1, 2, 3, 4].map((round) => inRoundOrder(round, lengths).join(" ")),
      ["2× 4× 8×", "8× 4× 2×", "2× 4× 8×", "8× 4× 2×"],
    );
    assert.deepEqual(lengths, ["2×", "4×", "8×"], "the lengths themselves keep their order");
    // Without a compared code, only this code runs.
    assert.deepEqual(await inTurn(2, measure("own", 5), undefined), {
      own: "own result 5",
      compared: undefined,
    });
  });
});
