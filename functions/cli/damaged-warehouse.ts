// What the command line says when DuckDB cannot read the warehouse file: which file, what DuckDB said, that the
// raw data behind it is not lost, and the commands that rebuild it from the bucket.
import { join } from "node:path";
import type { WarehouseFileDamagedError } from "../adapters/warehouse/duckdb/damaged-file.ts";
import type { PulseConfig } from "../shared/config.ts";
import { terminalSafe } from "../lib/text-safety.ts";

/**
 * The lines printed instead of a run. The bucket keeps every dropped file as received (raw/received/) and
 * the connectors' cursors (state/connectors/); `reland` (reland.ts) copies the loaded files back into the inbox in
 * the order they were loaded and puts their manifests aside, or they would count as loaded already.
 */
export function damagedWarehouseAdvice(
  error: WarehouseFileDamagedError,
  config: PulseConfig,
  found: "opening" | "running",
): string[] {
  const file = shellWord(error.path);
  const bucket = config.local.bucketDir;
  const inBucket = (...parts: string[]) => shellWord(join(bucket, ...parts));
  return [
    `The warehouse file ${file} is damaged: DuckDB cannot read it.`,
    `  DuckDB: ${terminalSafe(error.reason)}`,
    "A process killed while DuckDB was writing the file (an out-of-memory kill, kill -9, a power cut) can leave it so.",
    found === "opening"
      ? "No step ran; every run stops here until the warehouse is rebuilt."
      : "Every run fails on it until the warehouse is rebuilt.",
    `Its raw data can be landed again: every file dropped in the inbox is kept as received in ${inBucket("raw", "received")},`,
    "and the connectors fetch theirs from the platforms again. To rebuild the warehouse from them:",
    `  mv ${file} ${shellWord(`${error.path}.damaged`)}   (and ${shellWord(`${error.path}.wal`)}, if there is one)`,
    "  npm start -- reland   (puts the loaded files back in the inbox, in the order they were loaded)",
    `  rm -f ${inBucket("state", "connectors")}/*.json   (the connectors then pull as on a first run)`,
    "  npm start -- --full-refresh --force",
    "A first run's pull reaches Shopify's initialDays back, and each ads connector's initialDays over its first runs",
    "(90 days a range): older days come back from an export of them dropped in the inbox.",
    "On the demo shop, the first mv and npm start -- demo --regenerate --full-refresh --force are enough.",
  ];
}

/** A path as one word of a POSIX shell command (quoted unless plain), shown safely on a terminal. */
function shellWord(path: string): string {
  const safe = terminalSafe(path);
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(safe) ? safe : `'${safe.replaceAll("'", "'\\''")}'`;
}
