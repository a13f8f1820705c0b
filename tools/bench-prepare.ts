// How each measured run of the benchmark is set up (tools/bench.ts): the copy of the database it runs on, and
// DuckDB's memory limit at its scale.
import { cp, open, readdir } from "node:fs/promises";
import { join } from "node:path";

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
