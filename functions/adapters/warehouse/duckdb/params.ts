// Port values as DuckDB values, for named parameters of translated SQL and for loaded rows.
//
// With @duckdb/node-api (named, `connection.run(sql, { name: value })`) a plain string binds as VARCHAR and a
// Buffer is not accepted as is, so DATE parameters become dateValue(...) and BYTES become blobValue(...).
import { blobValue, type DuckDBValue, dateValue } from "./node-api.ts";
import type { SqlParams } from "../../../shared/ports.ts";
import type { BigQueryType } from "../../../shared/raw-schemas.ts";
import { isDateParamName } from "../date-params.ts";

/**
 * DuckDB refuses values for parameters a statement does not use, while callers pass one parameter set to
 * many models; bind only the names the translated statement mentions.
 */
export function usedParams(translatedSql: string, params: SqlParams): SqlParams {
  const used: SqlParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`\\$${name}\\b`).test(translatedSql)) used[name] = value;
  }
  return used;
}

export function toDuckDbParams(params: SqlParams): Record<string, DuckDBValue> {
  const bound: Record<string, DuckDBValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value instanceof Uint8Array) bound[name] = blobValue(value);
    else if (typeof value === "string" && isDateParamName(name)) {
      const [year, month, day] = value.split("-").map(Number);
      if (!year || !month || !day)
        throw new Error(`parameter @${name} must be a date as YYYY-MM-DD, got "${value}"`);
      bound[name] = dateValue({ year, month, day });
    } else bound[name] = value;
  }
  return bound;
}

/** A loaded cell as DuckDB casts it into its column's type (text for exact decimals, dates and timestamps). */
export function toLoadValue(value: unknown, type: BigQueryType): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (type === "JSON") return typeof value === "string" ? value : JSON.stringify(value);
  if (value instanceof Uint8Array) return blobValue(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
    return type === "NUMERIC" || type === "DATE" || type === "TIMESTAMP" ? String(value) : value;
  }
  return String(value);
}
