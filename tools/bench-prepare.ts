// How each measured run of the benchmark is set up (tools/bench.ts): the code it runs (built as deployed),
// the copy of the database it runs on, and DuckDB's memory limit at its scale.
import { execFile } from "node:child_process";
import { access, cp, open, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { BenchDataset } from "./bench-data.ts";

/** A checkout's code compiled to JavaScript for the measured runs. */
export interface CompiledCode {
  /** The checkout: the runs' working directory, where the compiled code finds sql/ and node_modules. */
  sourceDir: string;
  /** The compiled file of one of the checkout's TypeScript files, e.g. tools/bench-run.ts. */
  script(relativePath: string): string;
}

/**
 * Builds a checkout's scripts for the measured runs as its `npm start` runs its command line, so that a measured
 * run starts as a shop's daily run does: a checkout with tools/bundle.mjs gets each script bundled by it (as
 * tools/run-bundled.mjs bundles the command line); an older one, whose `npm start` went through tsx, is compiled by
 * this project's TypeScript (its tsconfig.json), which starts faster than tsx's loader (~0.25 s a run at 1M orders)
 * and as its deployed functions did (`gcp-build`). The build sits in <checkout>/.pulse/bench-build, so that its
 * code finds that checkout's sql/ (sql-files.ts walks up from the code) and node_modules. Type errors do not stop a
 * compile (a --compare-code checkout may lack its own dependencies' types); a script that did not build does.
 */
export async function compileForBench(sourceDir: string, scripts: string[]): Promise<CompiledCode> {
  const checkout = resolve(sourceDir);
  const outDir = join(checkout, ".pulse", "bench-build");
  await rm(outDir, { recursive: true, force: true });
  const bundler = join(checkout, "tools", "bundle.mjs");
  const bundled = await access(bundler).then(
    () => true,
    () => false,
  );
  // A bundled script sits in a folder of its own (its entry and the chunks it imports).
  const code: CompiledCode = {
    sourceDir: checkout,
    script: (relativePath) =>
      bundled
        ? join(outDir, relativePath.replace(/\.ts$/, ""), basename(relativePath).replace(/\.ts$/, ".js"))
        : join(outDir, relativePath.replace(/\.ts$/, ".js")),
  };
  const output = bundled
    ? await bundleScripts(bundler, checkout, scripts, outDir)
    : await compileWithTsc(checkout, outDir);
  for (const script of scripts) {
    await access(code.script(script)).catch(() => {
      throw new Error(`building ${checkout} for the bench gave no ${code.script(script)}:\n${output}`);
    });
  }
  return code;
}

/** The failure's text, for the error naming a script that did not build. */
function failureText(error: { stdout?: string; message: string }): string {
  return error.stdout || error.message;
}

async function bundleScripts(
  bundler: string,
  checkout: string,
  scripts: string[],
  outDir: string,
): Promise<string> {
  const { bundledEntry } = (await import(pathToFileURL(bundler).href)) as {
    bundledEntry: (root: string, entry: string, folder: string) => Promise<string>;
  };
  const failures: string[] = [];
  for (const script of scripts) {
    await bundledEntry(checkout, script, join(outDir, script.replace(/\.ts$/, ""))).catch((error: Error) =>
      failures.push(failureText(error)),
    );
  }
  return failures.join("\n");
}

async function compileWithTsc(checkout: string, outDir: string): Promise<string> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const args = [tsc, "-p", join(checkout, "tsconfig.json"), "--outDir", outDir, "--sourceMap", "false"];
  return promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 2 ** 20 }).then(() => "", failureText);
}

/**
 * Copies a database (file or work dir) for a measured run and flushes the copy to disk first. A fresh copy sits
 * in the page cache as dirty pages, and the run's first checkpoint (its fsync) would write all of them back: at 4×
 * history that is ~0.3 s that a shop's own warehouse, written long before its daily run, never pays.
 */
export async function copyForRun(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
  const entries = await readdir(to, { withFileTypes: true, recursive: true }).catch(() => null);
  const files = entries
    ? entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
    : [to];
  for (const file of files) {
    const handle = await open(file, "r+");
    await handle.sync();
    await handle.close();
  }
}

/**
 * DuckDB's memory limit: 600 MB up to 1M orders (the 1 GB peak target; measured at 1M: 14.7 s and 918 MB peak,
 * against 16.3 s and 1.6 GB with no limit and 17.3 s with 560 MB, where the partition sorts spill), 1 GB beyond
 * (the 2 GB peak target at 10M). What the process holds beyond DuckDB's limit grows with the data, so the limit
 * cannot grow with it: at 10M, 1.2 GB peaked at 2.19 GB (210 s) and 1 GB at 1.83 GB (216 s); at 3M, 1.2 GB took
 * 40.3 s and 1.77 GB, 1 GB 41.3 s and 1.42 GB.
 */
export function memoryLimitFor(orders: number): string {
  return orders <= 1_000_000 ? "600MB" : "1000MB";
}

/**
 * The one memory limit every history length runs under: the longest one's, so that the lengths differ in their
 * history only, not in their memory as well.
 */
export function historyMemoryLimit(datasets: readonly BenchDataset[]): string {
  return memoryLimitFor(Math.max(...datasets.map((dataset) => dataset.ordersPerDay * dataset.days)));
}

/**
 * The order in which a round measures its items (the history lengths): as given in odd rounds, reversed in even
 * ones, so that no length always runs first, or always right after the longest one's copy and checkpoint.
 */
export function inRoundOrder<T>(round: number, items: readonly T[]): T[] {
  return round % 2 === 1 ? [...items] : [...items].reverse();
}

/**
 * Runs this code's measurement and the compared code's, one right after the other: this code first in odd rounds,
 * the compared code first in even ones, so that whatever the first of a pair pays for (what the run before it left
 * behind) does not fall on one code in every round. Not that such a cost was found: with the same code on both
 * sides (100k orders, 2026-12-02 05:27), the two cold runs of a round differed by 0.3–1.1 s, either way round.
 */
export async function inTurn<T>(
  round: number,
  own: () => Promise<T>,
  compared: (() => Promise<T>) | undefined,
): Promise<{ own: T; compared: T | undefined }> {
  if (!compared) return { own: await own(), compared: undefined };
  if (round % 2 === 1) {
    const ownResult = await own();
    return { own: ownResult, compared: await compared() };
  }
  const comparedResult = await compared();
  return { own: await own(), compared: comparedResult };
}
