// The warehouse's state as the newest saved transform left it: ops.transform_watermarks' newest row (its run date
// and the newest raw extraction time it had read of each event table). Transform reads it to find the rows landed
// since, and names the state it starts from and the one it leaves; the export step's incremental extracts are
// valid for one state.
import { createHash } from "node:crypto";
import { readQuery } from "./sql/queries.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";

export const WATERMARKS_TABLE = "transform_watermarks";

export interface Watermark {
  runDate: string;
  watermark: string;
}

/**
 * A state's name: `<run date>@<watermark>`, the watermark's per-table times (a JSON object) by 12 hex digits of
 * their SHA-256, so that the name stays short in logs and messages.
 */
export function warehouseState(watermark: Watermark): string {
  const text = watermark.watermark.startsWith("{")
    ? createHash("sha256").update(watermark.watermark).digest("hex").slice(0, 12)
    : watermark.watermark;
  return `${watermark.runDate}@${text}`;
}

/** The newest saved transform's watermark, or null before the first one; `opsTables`: the ops tables, if listed. */
export async function lastWatermark(
  warehouse: Warehouse,
  opsTables?: readonly string[],
): Promise<Watermark | null> {
  const tables = opsTables ?? (await warehouse.listTables(DATASETS.ops)).map((table) => table.name);
  if (!tables.includes(WATERMARKS_TABLE)) return null;
  const [row] = await warehouse.query<{ run_date: string; watermark: string | null }>(
    readQuery("transform/last_watermark"),
    {},
    { label: "last transform watermark" },
  );
  return row?.watermark ? { runDate: row.run_date, watermark: row.watermark } : null;
}

/** The warehouse's current state's name, or null before the first transform. */
export async function currentWarehouseState(warehouse: Warehouse): Promise<string | null> {
  const watermark = await lastWatermark(warehouse);
  return watermark ? warehouseState(watermark) : null;
}
