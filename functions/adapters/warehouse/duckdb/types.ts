import type { BigQueryType, RawTableSchema } from "../../../shared/raw-schemas.ts";

// BigQuery TIMESTAMP is an absolute instant; DuckDB's TIMESTAMPTZ (with the session in UTC) is its match.
// NUMERIC is BigQuery's DECIMAL(38, 9).
const DUCKDB_TYPES: Record<BigQueryType, string> = {
  STRING: "VARCHAR",
  INT64: "BIGINT",
  FLOAT64: "DOUBLE",
  NUMERIC: "DECIMAL(38, 9)",
  BOOL: "BOOLEAN",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMPTZ",
  JSON: "JSON",
};

export function duckDbType(type: BigQueryType): string {
  return DUCKDB_TYPES[type];
}

/** CREATE TABLE IF NOT EXISTS for a raw table in the given schema (dataset). */
export function duckDbCreateRawTable(dataset: string, table: RawTableSchema): string {
  const columns = table.columns.map((column) => `  "${column.name}" ${duckDbType(column.type)}`).join(",\n");
  return `CREATE TABLE IF NOT EXISTS "${dataset}"."${table.name}" (\n${columns}\n)`;
}
