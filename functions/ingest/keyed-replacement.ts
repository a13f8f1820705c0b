// Orders keyed by id across file drops: a newer export's version of an order replaces the earlier drops'
// versions of that order, and no drop removes an order it does not hold (overlapping and partial-day exports).
import { deleteOfCount, readQuery } from "../lib/sql/queries.ts";
import type { Warehouse } from "../shared/ports.ts";

/**
 * Orders are keyed by id: the earlier file drops' versions of the ids this drop holds are removed (the rows
 * sql/queries/ingest/superseded_file_drop_orders.sql counts), every other order is kept whatever its day.
 * `params` bind sha256, landed_at (when the drop's rows were landed) and period_start_date (its first order day).
 */
export async function replaceKeyedRows(
  warehouse: Warehouse,
  table: string,
  params: Record<string, string>,
): Promise<number> {
  if (table !== "shopify_orders") throw new Error(`no keyed replacement declared for raw.${table}`);
  const count = readQuery("ingest/superseded_file_drop_orders");
  const [row] = await warehouse.query<{ row_count: number }>(count, params, {
    label: `file drop orders superseded in ${table}`,
  });
  const superseded = row?.row_count ?? 0;
  if (superseded > 0) {
    await warehouse.execute(deleteOfCount(count), params, {
      label: `file drop ${params.sha256?.slice(0, 12)}: replace earlier versions of its orders`,
    });
  }
  return superseded;
}
