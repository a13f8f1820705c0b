// The declared raw tables, created empty when a source has not landed anything yet: a shop with only a Shopify
// orders export still has (empty) customers and ad tables for the models to read. Through the Warehouse port's
// load (which creates a missing table with the declared columns), so DuckDB and BigQuery do the same. A table an
// earlier version made gets the columns declared since (addColumns), so that the models can read them.
import { rawSchemaGaps } from "../lib/raw-columns.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";
import { type ColumnSchema, RAW_PARTITIONING, type RawTableSchema } from "../shared/raw-schemas.ts";

const loadColumns = (columns: readonly ColumnSchema[]) =>
  columns.map((column) => ({ name: column.name, type: column.type }));

/**
 * Creates the tables of `schemas` that do not exist in the raw dataset, and adds to those that do the declared
 * columns they lack (a table made by an earlier version, before its source's columns grew; its rows so far get
 * NULL there). Returns the tables it created and the columns it added, by table. What is lacking is what the
 * transform names when a model fails on it (functions/lib/raw-columns.ts).
 */
export async function ensureRawTables(
  warehouse: Warehouse,
  schemas: readonly RawTableSchema[],
): Promise<{ created: string[]; extended: Record<string, string[]> }> {
  const gaps = rawSchemaGaps(await warehouse.listTables(DATASETS.raw), schemas);
  const extended: Record<string, string[]> = {};
  for (const { table, columns } of gaps.tablesWithoutColumns) {
    await warehouse.addColumns(DATASETS.raw, table.name, loadColumns(columns));
    extended[table.name] = columns.map((column) => column.name);
  }
  for (const table of gaps.absentTables) {
    await warehouse.load({
      dataset: DATASETS.raw,
      table: table.name,
      columns: loadColumns(table.columns),
      rows: [],
      // As infra/bigquery.tf makes them: by day of extraction, refusing a query without a filter on it.
      timePartition: RAW_PARTITIONING,
    });
  }
  return { created: gaps.absentTables.map((table) => table.name), extended };
}

/** Whether raw.<table> exists yet (a source with nothing landed has none until ingest declares it). */
export async function rawTableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  return (await warehouse.listTables(DATASETS.raw)).some((info) => info.name === table);
}
