// A file drop's own rows in its raw table: what attempts at the same bytes landed (every attempt lands its rows
// at its own time, after writing its manifest), removed before a retry loads them again and when the file fails.
import { DATASETS } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";
import { queryTemplate } from "../lib/sql/queries.ts";
import type { FileManifest } from "./file-drop.ts";
import { rawTableExists } from "./raw-tables.ts";

/**
 * Removes the rows attempts at the same bytes landed (an earlier, interrupted one, or this one when the file
 * fails), so a retry loads them once. None landed before `landedSince`, the first attempt's time.
 */
export async function removeOwnRows(
  warehouse: Warehouse,
  table: string,
  sha256: string,
  landedSince: string,
): Promise<void> {
  if (!(await rawTableExists(warehouse, table))) return;
  await warehouse.execute(
    queryTemplate("ingest/delete_file_drop_rows", { table: `${DATASETS.raw}.${table}` }),
    { sha256, landed_since: landedSince },
    { label: `file drop ${sha256.slice(0, 12)}: clear earlier attempt` },
  );
}

/**
 * When the first attempt at these bytes began: every attempt writes its manifest (with the time it began) before it
 * lands a row, so rows of these bytes were landed at or after the earliest time the manifest names. Without a
 * manifest no attempt landed anything (this one's time is the bound); with one that does not parse, any row of
 * the table may be one (the epoch).
 */
export function firstAttemptAt(previous: FileManifest | undefined, corrupt: boolean, now: string): string {
  if (corrupt) return new Date(0).toISOString();
  const times = [now, previous?.receivedAt, ...(previous?.drops ?? []).map((drop) => drop.at)];
  return times.filter((time): time is string => typeof time === "string" && time !== "").sort()[0] ?? now;
}
