// The declared raw tables, created empty when a source has not landed anything yet: a shop with only a Shopify
// orders export still has (empty) customers and ad tables for the models to read. Through the Warehouse port's
// load (which creates a missing table with the declared columns), so DuckDB and BigQuery do the same. A table an
// earlier version made gets the columns declared since (addColumns), so that the models can read them.
import { DATASETS } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";
import type { RawTableSchema } from "../shared/raw-schemas.ts";

/**
 * Creates the tables of `schemas` that do not exist in the raw dataset, and adds to those that do the declared
 * columns they lack (a table made by an earlier version, before its source's columns grew; its rows so far get
 * NULL there). Returns the tables it created and the columns it added, by table.
 */
export async function ensureRawTables(
  warehouse: Warehouse,
  schemas: readonly RawTableSchema[],
): Promise<{ created: string[]; extended: Record<string, string[]> }> {
  const present = new Map((await warehouse.listTables(DATASETS.raw)).map((table) => [table.name, table]));
  const created: string[] = [];
  const extended: Record<string, string[]> = {};
  for (const schema of schemas) {
    const columns = schema.columns.map((column) => ({ name: column.name, type: column.type }));
    const table = present.get(schema.name);
    if (table) {
      const has = new Set(table.columns.map((column) => column.name.toLowerCase()));
      const missing = columns.filter((column) => !has.has(column.name.toLowerCase()));
      if (missing.length === 0) continue;
      await warehouse.addColumns(DATASETS.raw, schema.name, missing);
      extended[schema.name] = missing.map((column) => column.name);
      continue;
    }
    await warehouse.load({ dataset: DATASETS.raw, table: schema.name, columns, rows: [] });
    created.push(schema.name);
  }
  return { created, extended };
}

/** Whether raw.<table> exists yet (a source with nothing landed has none until ingest declares it). */
export async function rawTableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  return (await warehouse.listTables(DATASETS.raw)).some((info) => info.name === table);
}
