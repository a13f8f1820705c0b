// A model's table built whole on DuckDB: in partition (or key) order, sorted while built or after, or kept in the
// order its query reads a table already in that order. The SQL is in statements.ts.
import type { MaterializeRequest, MaterializeResult } from "../../../shared/ports.ts";
import type { Timed } from "./incremental-writes.ts";
import type { DuckDBConnection, DuckDBValue } from "./node-api.ts";
import {
  fullBuild,
  newestMonthRowGroups,
  ORDERED_INSERTS,
  ROW_GROUP_ROWS,
  sortInPlace,
  UNORDERED_INSERTS,
} from "./statements.ts";

/** What a whole build needs: the connection, the table, and the model's SQL and parameters. */
export interface WholeBuild {
  connection: DuckDBConnection;
  timed: Timed;
  target: string;
  select: string;
  params: Record<string, DuckDBValue>;
}

/**
 * How many row groups beyond the fewest possible a kept build's newest month may sit in (buildInInputOrder). A
 * daily run deletes and rewrites that month's newest days, and its checkpoint rewrites the row groups they were in.
 * A build DuckDB writes in parallel scatters its rows a little: DuckDB 1.5.6 writes a query with a hash join without
 * keeping its order (a run of rows per thread). unified.shopify_unified, keeping the order of the sorted
 * staging.stg_shopify_orders, put its newest month in 4 row groups at 3M orders where 2 would do (3 builds,
 * 2026-12-07); keeping the orders' landing order, which that model then kept the same scattered way, in 8 to 10, and
 * a 3M cold build sorted it after (+20 s). A table spread over all 9 row groups of 1M orders still gets sorted: the
 * checkpoint after a daily run took 730–1,280 ms there, against 540–870 ms after a sorted build (2026-12-02).
 */
const SPREAD_ROW_GROUPS_KEPT = 6;

/**
 * A whole table, in partition order; a keyed table (merged by key every day), in key order. Sorting while
 * building is the fastest, but the sort and the model's joins then hold memory together: at 10M orders
 * shopify_unified ran out of 1.2 GB that way. Out of memory, the table is built unsorted and then sorted alone
 * (each fits; 63 s against a failure at 10M).
 *
 * A keyed table is sorted for its row groups more than its order: built in parallel, DuckDB leaves a partly
 * filled row group inside it, and the first daily merge's deletes (all over the table) then let the checkpoint
 * combine it with its neighbours, rewriting them (README, Performance: 1.4 s against 0.5 s at 4 years).
 */
export async function buildWhole(
  build: WholeBuild,
  request: Pick<MaterializeRequest, "partitionColumn" | "inputInPartitionOrder" | "uniqueKey">,
): Promise<MaterializeResult["rowOrder"]> {
  const { connection, timed, target, select, params } = build;
  const { partitionColumn } = request;
  const sortColumn = partitionColumn ?? request.uniqueKey;
  if (!sortColumn) {
    await timed(() => connection.run(fullBuild(target, select), params));
    return undefined;
  }
  if (partitionColumn && request.inputInPartitionOrder) return buildInInputOrder(build, partitionColumn);
  try {
    await timed(() => connection.run(fullBuild(target, select, sortColumn), params));
    return "sorted";
  } catch (error) {
    if (!/out of memory/i.test(String(error))) throw error;
    await timed(() => connection.run(fullBuild(target, select), params));
    await timed(() => connection.run(sortInPlace(target, sortColumn)));
    return "sorted after";
  }
}

/**
 * A whole table whose query reads a table already in partition order and keeps it (the model's `row order`):
 * written as it comes, without the sort (shopify_unified in the bench of 2026-12-01 23:50, cold: 2.9–3.3 s
 * against 3.5–3.9 s at 1M orders, 11.0–12.2 s against 13.3–14.0 s at 3M). DuckDB keeps a query's order only
 * where its joins fit in memory: at 10M orders they spill, and the newest month came out spread over 81 of 82
 * row groups. So the result is checked, and sorted after when its newest month sits in more than
 * SPREAD_ROW_GROUPS_KEPT row groups beyond the fewest it could (at 10M: 137 s, against 168 s for the code that
 * sorted in the build first).
 */
async function buildInInputOrder(
  build: WholeBuild,
  partitionColumn: string,
): Promise<MaterializeResult["rowOrder"]> {
  const { connection, timed, target, select, params } = build;
  await timed(() => connection.run(ORDERED_INSERTS));
  try {
    await timed(() => connection.run(fullBuild(target, select), params));
  } finally {
    await timed(() => connection.run(UNORDERED_INSERTS));
  }
  const reader = await timed(() => connection.runAndReadAll(newestMonthRowGroups(target, partitionColumn)));
  const spread = reader.getRowObjectsJS()[0] ?? {};
  const fewest = Math.ceil(Number(spread.row_count ?? 0) / ROW_GROUP_ROWS);
  if (Number(spread.row_groups ?? 0) <= fewest + SPREAD_ROW_GROUPS_KEPT) return "kept";
  await timed(() => connection.run(sortInPlace(target, partitionColumn)));
  return "sorted after";
}
