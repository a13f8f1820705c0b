// What the raw dataset lacks of the declared raw tables (functions/shared/raw-schemas.ts): a table, or columns
// declared after an earlier version made the table. Ingest makes up the difference (ensureRawTables); the
// transform, which may only read the raw dataset, names it when a model fails. One comparison for both, so that
// what the transform reports missing is exactly what ingest adds.
import type { TableInfo } from "../shared/ports.ts";
import type { ColumnSchema, RawTableSchema } from "../shared/raw-schemas.ts";

export interface RawTableWithoutColumns {
  table: RawTableSchema;
  /** The declared columns the table lacks, in their declared order. */
  columns: ColumnSchema[];
}

export interface RawSchemaGaps {
  /** Declared tables the dataset does not have. */
  absentTables: RawTableSchema[];
  /** Declared tables the dataset has without some of their declared columns. */
  tablesWithoutColumns: RawTableWithoutColumns[];
}

/**
 * Pure: the declared tables of `schemas` that `present` (the raw dataset's listTables) lacks, and the declared
 * columns lacking from those it has. Column names compare case aside, as BigQuery's do. Columns present but not
 * declared are no gap: a connector may land more than the models read.
 */
export function rawSchemaGaps(
  present: readonly TableInfo[],
  schemas: readonly RawTableSchema[],
): RawSchemaGaps {
  const tables = new Map(present.map((table) => [table.name, table]));
  const gaps: RawSchemaGaps = { absentTables: [], tablesWithoutColumns: [] };
  for (const schema of schemas) {
    const table = tables.get(schema.name);
    if (!table) {
      gaps.absentTables.push(schema);
      continue;
    }
    const has = new Set(table.columns.map((column) => column.name.toLowerCase()));
    const columns = schema.columns.filter((column) => !has.has(column.name.toLowerCase()));
    if (columns.length) gaps.tablesWithoutColumns.push({ table: schema, columns });
  }
  return gaps;
}

/** Whether the raw dataset lacks anything declared. */
export function hasRawSchemaGaps(gaps: RawSchemaGaps): boolean {
  return gaps.absentTables.length > 0 || gaps.tablesWithoutColumns.length > 0;
}
