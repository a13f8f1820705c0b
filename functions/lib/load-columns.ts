// A table the pipeline loads rows into (ops.reconciliation, say) whose declared columns grew since an earlier version
// made it: the load of the new columns needs them there first. The raw tables have their own, which also creates
// them (functions/ingest/raw-tables.ts).
import type { LoadColumn, Warehouse } from "../shared/ports.ts";

/** Adds to dataset.table, when it exists, the declared columns it lacks; its rows so far get NULL there. */
export async function ensureLoadColumns(
  warehouse: Warehouse,
  dataset: string,
  table: string,
  columns: readonly LoadColumn[],
): Promise<void> {
  const existing = (await warehouse.listTables(dataset)).find((info) => info.name === table);
  if (!existing) return;
  const has = new Set(existing.columns.map((column) => column.name));
  const missing = columns.filter((column) => !has.has(column.name));
  if (missing.length) await warehouse.addColumns(dataset, table, missing);
}
