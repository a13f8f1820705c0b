// The declared raw tables, created empty when a source has not landed anything yet: a shop with only a Shopify
// orders export still has (empty) customers and ad tables for the models to read. Through the Warehouse port's
// load (which creates a missing table with the declared columns), so DuckDB and BigQuery do the same.
import { DATASETS } from "../shared/pipeline.ts";
import type { Warehouse } from "../shared/ports.ts";
import type { RawTableSchema } from "../shared/raw-schemas.ts";

/** Creates the tables of `schemas` that do not exist in the raw dataset; returns the names it created. */
export async function ensureRawTables(
  warehouse: Warehouse,
  schemas: readonly RawTableSchema[],
): Promise<string[]> {
  const present = new Set((await warehouse.listTables(DATASETS.raw)).map((table) => table.name));
  const created: string[] = [];
  for (const schema of schemas) {
    if (present.has(schema.name)) continue;
    await warehouse.load({
      dataset: DATASETS.raw,
      table: schema.name,
      columns: schema.columns.map((column) => ({ name: column.name, type: column.type })),
      rows: [],
    });
    created.push(schema.name);
  }
  return created;
}

/** Whether raw.<table> exists yet (a source with nothing landed has none until ingest declares it). */
export async function rawTableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  return (await warehouse.listTables(DATASETS.raw)).some((info) => info.name === table);
}
