// Which run date extracts/latest/ shows (what Looker Studio reads): written by the export step, read by it and by
// the command line's summary, which must not present latest/ as this run's when an older date ran.
import { LATEST_EXTRACTS_STATE_PATH } from "./bucket-layout.ts";
import type { Bucket } from "../shared/ports.ts";

/** The run date latest/ currently shows, or null before the first export. */
export async function latestExtractsRunDate(bucket: Bucket): Promise<string | null> {
  const body = await bucket.read(LATEST_EXTRACTS_STATE_PATH);
  if (!body) return null;
  const state = JSON.parse(body.toString("utf8")) as { runDate?: unknown };
  return typeof state.runDate === "string" ? state.runDate : null;
}
