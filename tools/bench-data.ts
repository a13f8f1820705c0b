// The benchmark's demo shops, generated once and cached under <work dir>/data (outside git): a rerun of the
// bench never regenerates. A dataset is named by its history (days) and its daily volume, so the history-scaling
// table can hold the newest days' volume fixed while the history doubles, and by the generator's fingerprint, so a
// changed generator is never measured on data an older one wrote.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { quoteString } from "../functions/adapters/warehouse/duckdb/dialect/nodes.ts";
import { quoteIdentifier, tableName } from "../functions/adapters/warehouse/duckdb/statements.ts";
import { DuckDbWarehouse } from "../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../functions/demo/generate.ts";
import { growthFactor } from "../functions/demo/seasonality.ts";
import { addDays } from "../functions/lib/calendar.ts";
import { parseScale } from "./bench-report.ts";

/** The newest day of every bench dataset: the warm run's date; the cold run builds the day before. */
export const BENCH_END = "2026-11-21";

export interface BenchDataset {
  /** Days of history, ending on BENCH_END. */
  days: number;
  /** The generator's ordersPerDay (an average over the whole history, growth included). */
  ordersPerDay: number;
}

/** A dataset of about `orders` orders over `days` days (the scale table: 730 days). */
export function datasetForOrders(orders: number, days = 730): BenchDataset {
  return { days, ordersPerDay: orders / days };
}

/**
 * A dataset whose newest days carry `recentPerDay` orders a day whatever its history: the generator grows a shop
 * 35 % a year and scales the counts to an average, so the average is the recent volume divided by the newest
 * day's growth over the mean growth.
 */
export function datasetForRecentVolume(recentPerDay: number, days: number): BenchDataset {
  let sum = 0;
  for (let index = 0; index < days; index++) sum += growthFactor(index);
  const newestOverMean = growthFactor(days - 1) / (sum / days);
  return { days, ordersPerDay: recentPerDay / newestOverMean };
}

/** The orders a day on a dataset's newest days (datasetForRecentVolume the other way round). */
export function recentVolume(dataset: BenchDataset): number {
  return dataset.ordersPerDay / datasetForRecentVolume(1, dataset.days).ordersPerDay;
}

/**
 * The history-scaling datasets: `multiples` of a year of history, each with the newest days of `base` (its
 * recent orders per day); `base` itself where it has that many days.
 */
export function historyDatasets(
  base: BenchDataset,
  multiples: readonly number[],
): { multiple: number; days: number; dataset: BenchDataset }[] {
  const recent = recentVolume(base);
  return multiples.map((multiple) => {
    const days = Math.round(365 * multiple);
    return { multiple, days, dataset: days === base.days ? base : datasetForRecentVolume(recent, days) };
  });
}

/**
 * The generator's fingerprint: a hash of the demo generator's source files. A cached dataset written by another
 * version of the generator (rows in another order, other columns) is never reused: its file has another name.
 */
export function generatorFingerprint(
  demoDir = join(dirname(fileURLToPath(import.meta.url)), "..", "functions", "demo"),
): string {
  // The cached file's layout as this module leaves it (writeCompacted): a file cached before it was compacted is
  // not measured in its place.
  const hash = createHash("sha256").update("row groups compacted\u0000");
  for (const file of readdirSync(demoDir)
    .filter((name) => /\.[jt]s$/.test(name))
    .sort()) {
    hash
      .update(file)
      .update("\u0000")
      .update(readFileSync(join(demoDir, file)))
      .update("\u0000");
  }
  return hash.digest("hex").slice(0, 8);
}

/**
 * The daily volume is named exactly, as JavaScript prints the number. Rounded, the 100k scale (136.986… a day)
 * shared its file with a dataset generated for 137 a day, which holds other orders: the bench measured that one and
 * its check counted 27,834 product-day rows where the scale's own data has 27,859.
 */
export function datasetFile(
  cacheDir: string,
  dataset: BenchDataset,
  generator = generatorFingerprint(),
): string {
  return join(cacheDir, `raw-${dataset.days}d-${String(dataset.ordersPerDay)}pd-${generator}.duckdb`);
}

/**
 * Copies every table of `schema` into a new database file at `target`, one thread in insertion order, so that each
 * table's row groups are full (122,880 rows) but its last. The generator's appenders flush every 200,000 rows, and a
 * flush ends a row group: its raw tables hold row groups of 77,120 rows and less beside full ones. DuckDB merges such
 * row groups of a table on disk at the next checkpoint that has anything to write: left as generated, that was the
 * first checkpoint of every measured cold build, which then spent 0.86–0.89 s (of ~20 s at 1M orders; 11 ms from
 * the compacted file) rewriting raw.shopify_customers, a table the build only reads. A warehouse loaded day by day
 * has full row groups (each day's rows join the last one), as the copy has.
 */
export async function writeCompacted(
  connection: DuckDbWarehouse["rawConnection"],
  schema: string,
  target: string,
): Promise<void> {
  const reader = await connection.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $schema ORDER BY table_name",
    { schema },
  );
  const tables = reader.getRowObjectsJS().map((row) => String(row.table_name));
  const settings = await connection.runAndReadAll(
    "SELECT current_setting('threads') AS threads, current_setting('preserve_insertion_order') AS ordered",
  );
  const before = settings.getRowObjectsJS()[0] ?? {};
  await connection.run(`ATTACH ${quoteString(target)} AS pulse_compacted`);
  try {
    await connection.run("SET threads = 1");
    await connection.run("SET preserve_insertion_order = true");
    await connection.run(`CREATE SCHEMA pulse_compacted.${quoteIdentifier(schema)}`);
    for (const table of tables) {
      const name = tableName(schema, table);
      await connection.run(`CREATE TABLE pulse_compacted.${name} AS SELECT * FROM ${name}`);
    }
  } finally {
    // As they were: the warehouse's connections insert unordered (statements.ts UNORDERED_INSERTS).
    await connection.run(`SET threads = ${Number(before.threads)}`);
    await connection.run(`SET preserve_insertion_order = ${String(before.ordered) === "true"}`);
    await connection.run("DETACH pulse_compacted");
  }
}

/** The cached raw DuckDB file of `dataset`, generated first when missing; `seconds` is null on a cache hit. */
export async function cachedDataset(
  cacheDir: string,
  dataset: BenchDataset,
  log: (line: string) => void,
): Promise<{ path: string; seconds: number | null }> {
  const path = datasetFile(cacheDir, dataset);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) return { path, seconds: null };
  await mkdir(cacheDir, { recursive: true });
  await rm(`${path}.tmp`, { force: true });
  const warehouse = await DuckDbWarehouse.open(`${path}.tmp`);
  log(
    `  generating ${dataset.days} days × ${Math.round(dataset.ordersPerDay)} orders/day (cached for next time) …`,
  );
  const manifest = await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(BENCH_END),
    startDate: addDays(BENCH_END, -(dataset.days - 1)),
    ordersPerDay: dataset.ordersPerDay,
  });
  await rm(`${path}.compacted`, { force: true });
  await writeCompacted(warehouse.rawConnection, "raw", `${path}.compacted`);
  await warehouse.close();
  await rename(`${path}.compacted`, path);
  await rm(`${path}.tmp`, { force: true });
  return { path, seconds: manifest.seconds };
}

// `tsx tools/bench-data.ts <scale> [days]`: generate ahead of a bench run the dataset a `--scales` entry names
// (100k, 1M…: the same orders over the same days, 730 unless told, so the same file).
if (process.argv[1]?.endsWith("bench-data.ts")) {
  const [scale = "100k", days = "730"] = process.argv.slice(2);
  if (!/^[1-9]\d*$/.test(days)) throw new Error(`not a number of days: "${days}" (use e.g. 730)`);
  const started = performance.now();
  const result = await cachedDataset(
    join(process.cwd(), ".pulse/bench/data"),
    datasetForOrders(parseScale(scale), Number(days)),
    (line) => process.stdout.write(`${line}\n`),
  );
  process.stdout.write(`${result.path} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
