// A daily run's writes into a table DuckDB already holds: a partitioned model's window, or a keyed model's changed
// records. Each is one transaction; the SQL is in statements.ts.
import type { DateWindow, MaterializeResult } from "../../../shared/ports.ts";
import type { DuckDBConnection, DuckDBValue } from "./node-api.ts";
import { toDuckDbParams } from "./params.ts";
import {
  BEGIN_TRANSACTION,
  COMMIT,
  deleteWindow,
  insertWindow,
  keyedMerge,
  keyedWindowReplace,
  ROLLBACK,
  ROW_GROUP_ROWS,
  windowReplace,
} from "./statements.ts";

/** Runs one statement, counting its time as the engine's (DuckDbWarehouse.timed). */
export type Timed = <T>(work: () => Promise<T>) => Promise<T>;

/** What every write needs: the connection, the table, the model's SQL and parameters, and its relabel (if any). */
export interface IncrementalWrite {
  connection: DuckDBConnection;
  timed: Timed;
  target: string;
  select: string;
  params: Record<string, DuckDBValue>;
  /** COMMENT ON TABLE with the model's fingerprint, said inside the transaction; undefined when unchanged. */
  relabel: string | undefined;
}

/** The statements, in one transaction: committed when all ran, rolled back when one fails. */
async function inTransaction<T>(write: IncrementalWrite, statements: () => Promise<T>): Promise<T> {
  const { connection, timed } = write;
  await timed(() => connection.run(BEGIN_TRANSACTION));
  try {
    const result = await statements();
    if (write.relabel) {
      const relabel = write.relabel;
      await timed(() => connection.run(relabel));
    }
    await timed(() => connection.run(COMMIT));
    return result;
  } catch (error) {
    await connection.run(ROLLBACK);
    throw error;
  }
}

/**
 * Only the window's partitions are replaced, exactly as a BigQuery partition overwrite would. A table of more than a
 * row group has only the rows that changed deleted and inserted (windowReplace says why), found by the model's key
 * when the request has one (keyedWindowReplace), else by whole rows; a smaller one sits in one row group, which a
 * checkpoint rewrites cheaply, and has its window deleted and inserted whole: two statements instead of five.
 */
export function replaceWindow(
  write: IncrementalWrite,
  dates: DateWindow,
  partitionColumn: string,
  storedRows: number,
  key: readonly string[] = [],
): Promise<MaterializeResult> {
  const { connection, timed, target, select, params } = write;
  const window = toDuckDbParams({ window_start: dates.start, window_end: dates.end });
  if (storedRows <= ROW_GROUP_ROWS) {
    return inTransaction(write, async () => {
      await timed(() => connection.run(deleteWindow(target, partitionColumn), window));
      const inserted = await timed(() =>
        connection.run(insertWindow(target, select, partitionColumn), { ...params, ...window }),
      );
      return { rowsWritten: Number(inserted.rowsChanged), mode: "incremental" };
    });
  }
  if (key.length > 0) return replaceChangedKeys(write, window, partitionColumn, key);
  return inTransaction(write, async () => {
    await timed(() => connection.run(windowReplace.stage(target)));
    const staged = await timed(() =>
      connection.run(windowReplace.fill(select, partitionColumn), { ...params, ...window }),
    );
    const deleted = await timed(() =>
      connection.run(windowReplace.deleteStale(target, partitionColumn), window),
    );
    const inserted = await timed(() =>
      connection.run(windowReplace.insertNew(target, partitionColumn), window),
    );
    await timed(() => connection.run(windowReplace.drop));
    return {
      rowsWritten: Number(staged.rowsChanged),
      rowsChanged: { deleted: Number(deleted.rowsChanged), inserted: Number(inserted.rowsChanged) },
      mode: "incremental",
    };
  });
}

/** The window's rows whose key changed are replaced (keyedWindowReplace says how, and why by key). */
function replaceChangedKeys(
  write: IncrementalWrite,
  window: Record<string, DuckDBValue>,
  partitionColumn: string,
  key: readonly string[],
): Promise<MaterializeResult> {
  const { connection, timed, target, select, params } = write;
  return inTransaction(write, async () => {
    await timed(() => connection.run(windowReplace.stage(target)));
    const staged = await timed(() =>
      connection.run(windowReplace.fill(select, partitionColumn), { ...params, ...window }),
    );
    await timed(() => connection.run(keyedWindowReplace.markChanged(target, partitionColumn, key), window));
    const deleted = await timed(() =>
      connection.run(keyedWindowReplace.deleteChanged(target, partitionColumn, key), window),
    );
    const inserted = await timed(() => connection.run(keyedWindowReplace.insertChanged(target, key)));
    for (const drop of keyedWindowReplace.drop) await timed(() => connection.run(drop));
    return {
      rowsWritten: Number(staged.rowsChanged),
      rowsChanged: { deleted: Number(deleted.rowsChanged), inserted: Number(inserted.rowsChanged) },
      mode: "incremental",
    };
  });
}

/** The changed records replace the rows with the same key. */
export function mergeByKey(write: IncrementalWrite, uniqueKey: string): Promise<MaterializeResult> {
  const { connection, timed, target, select, params } = write;
  return inTransaction(write, async () => {
    await timed(() => connection.run(keyedMerge.stage(select), params));
    await timed(() => connection.run(keyedMerge.deleteReplaced(target, uniqueKey)));
    const inserted = await timed(() => connection.run(keyedMerge.insert(target)));
    await timed(() => connection.run(keyedMerge.drop));
    return { rowsWritten: Number(inserted.rowsChanged), mode: "incremental" };
  });
}
