// npx tsx tools/infra/raw-tables.ts: writes infra/raw-tables.json, the raw tables' BigQuery schemas, from the one
// declaration (functions/shared/raw-schemas.ts). Terraform reads the JSON (infra/bigquery.tf) because it cannot
// read TypeScript; test/infra/terraform.test.ts fails when the file is out of date.
import { writeFile } from "node:fs/promises";
import { RAW_PARTITIONING, RAW_TABLES, type RawTableSchema } from "../../functions/shared/raw-schemas.ts";

/** The partition column of every raw table: Airbyte's extraction time, which incremental staging filters on. */
export const RAW_PARTITION_COLUMN = RAW_PARTITIONING.column;

export interface RawTableJson {
  name: string;
  source: string;
  description: string;
  partitionColumn: string;
  schema: { name: string; type: string; mode: "NULLABLE"; description?: string }[];
}

export function rawTablesJson(tables: readonly RawTableSchema[] = RAW_TABLES): { tables: RawTableJson[] } {
  return {
    tables: tables.map((table) => ({
      name: table.name,
      source: table.source,
      description:
        table.source === "exchange_rates"
          ? `DTC Pulse raw: ${table.name}, the euro reference exchange rates ingest fetches from the ECB or a file drop lands.`
          : `DTC Pulse raw: ${table.source} ${table.name}, as Airbyte (destination-bigquery v2) or a file drop lands it.`,
      partitionColumn: RAW_PARTITION_COLUMN,
      schema: table.columns.map((column) => ({
        name: column.name,
        type: column.type,
        mode: "NULLABLE" as const,
        ...(column.description ? { description: column.description } : {}),
      })),
    })),
  };
}

export const RAW_TABLES_JSON_PATH = new URL("../../infra/raw-tables.json", import.meta.url);

if (process.argv[1]?.endsWith("tools/infra/raw-tables.ts")) {
  await writeFile(RAW_TABLES_JSON_PATH, `${JSON.stringify(rawTablesJson(), null, 2)}\n`);
  process.stdout.write("infra/raw-tables.json: regenerated from functions/shared/raw-schemas.ts\n");
}
