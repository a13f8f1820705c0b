// Real data or the demo shop: the demo runs only when asked for (`pulse demo`), or by default in a work dir that
// has nothing of a shop's own (no settings, no dropped files, no raw data), and never mixes with a shop's files.
import { readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import { INBOX_PREFIX } from "../lib/bucket-layout.ts";
import type { PulseConfig } from "../shared/config.ts";
import { DATASETS } from "../shared/pipeline.ts";
import { demoManifestPath } from "./demo-data.ts";

/** What the work dir holds, as far as choosing between the demo and the shop's own data goes. */
export interface WorkDirState {
  /** A settings file was read, or PULSE_SETTINGS was given. */
  hasSettings: boolean;
  /** The demo shop was generated into this work dir. */
  hasDemoData: boolean;
  /** Files waiting in the inbox. */
  inboxFiles: number;
  /** raw.shopify_orders exists. */
  hasRawOrders: boolean;
}

export type DataMode =
  { kind: "demo"; generate: boolean } | { kind: "real" } | { kind: "refused"; reason: string };

/** Pure: which data a command runs on. */
export function decideDataMode(
  command: "run" | "plan" | "demo",
  state: WorkDirState,
  options: { regenerate: boolean },
): DataMode {
  const freshDir = "use a fresh work dir for your shop (`npm start -- init --work-dir DIR …`)";
  if (command === "demo") {
    if (!state.hasDemoData && (state.hasRawOrders || state.inboxFiles > 0))
      return {
        kind: "refused",
        reason: `this work dir holds a shop's own data; the demo would mix with it. Run the demo in another work dir (--work-dir DIR).`,
      };
    return { kind: "demo", generate: options.regenerate || !state.hasRawOrders };
  }
  if (state.hasDemoData) {
    if (state.inboxFiles > 0)
      return {
        kind: "refused",
        reason: `this work dir holds the generated demo shop, and files dropped in its inbox would be mixed into it: ${freshDir}.`,
      };
    return { kind: "demo", generate: options.regenerate };
  }
  if (options.regenerate)
    return {
      kind: "refused",
      reason:
        "--regenerate is for the demo shop, and this work dir holds no demo data (`npm start -- demo` runs it).",
    };
  if (!state.hasSettings && state.inboxFiles === 0 && !state.hasRawOrders)
    return { kind: "demo", generate: true };
  return { kind: "real" };
}

/** Reads the work dir's state (the settings, the demo manifest, the local inbox and the raw tables). */
export async function readWorkDirState(
  warehouse: DuckDbWarehouse,
  config: PulseConfig,
  env: Record<string, string | undefined>,
): Promise<WorkDirState> {
  const inbox = join(config.local.bucketDir, INBOX_PREFIX);
  const inboxFiles = await readdir(inbox, { recursive: true, withFileTypes: true }).then(
    (entries) => entries.filter((entry) => entry.isFile()).length,
    () => 0,
  );
  const rawTables = await warehouse.listTables(DATASETS.raw);
  return {
    hasSettings: config.settingsFile !== undefined || Boolean(env.PULSE_SETTINGS),
    hasDemoData: existsSync(demoManifestPath(config)),
    inboxFiles,
    hasRawOrders: rawTables.some((table) => table.name === "shopify_orders"),
  };
}
