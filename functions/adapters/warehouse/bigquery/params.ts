// Port values as BigQuery named query parameters: one per value a statement uses, and the rows of a load as one
// ARRAY<STRUCT> parameter.
import type { LoadColumn, Row, SqlParams, SqlValue } from "../../../shared/ports.ts";
import { isDateParamName } from "../date-params.ts";
import type { QueryParameter, QueryParameterValue } from "./client.ts";
import { IDENTIFIER } from "./names.ts";

/** Binds only what the statement mentions, so one parameter set can serve many models (and ids stay stable). */
export function usedParams(sql: string, params: SqlParams): SqlParams {
  const used: SqlParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`@${name}\\b`).test(sql)) used[name] = value;
  }
  return used;
}

export function queryParameter(name: string, value: SqlValue): QueryParameter {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid query parameter name "${name}"`);
  const typed = (type: string, parameterValue: QueryParameterValue): QueryParameter => ({
    name,
    parameterType: { type },
    parameterValue,
  });
  // A NULL still needs a type; DATE names keep theirs, anything else is a STRING NULL.
  if (value === null) return typed(isDateParamName(name) ? "DATE" : "STRING", {});
  if (value instanceof Uint8Array) return typed("BYTES", { value: Buffer.from(value).toString("base64") });
  if (typeof value === "boolean") return typed("BOOL", { value: String(value) });
  if (typeof value === "number") {
    return typed(Number.isInteger(value) ? "INT64" : "FLOAT64", { value: String(value) });
  }
  if (isDateParamName(name)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new Error(`parameter @${name} must be a date as YYYY-MM-DD, got "${value}"`);
    }
    return typed("DATE", { value });
  }
  return typed("STRING", { value });
}

export function parameterTypeOf(type: LoadColumn["type"]): string {
  return type === "JSON" ? "STRING" : type;
}

export function loadValue(value: unknown, type: LoadColumn["type"]): QueryParameterValue {
  if (value === null || value === undefined) return {};
  if (type === "JSON") return { value: typeof value === "string" ? value : JSON.stringify(value) };
  if (value instanceof Date)
    return { value: type === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString() };
  if (value instanceof Uint8Array) return { value: Buffer.from(value).toString("base64") };
  if (typeof value === "object") return { value: JSON.stringify(value) };
  return { value: String(value) };
}

export function rowsParameter(columns: readonly LoadColumn[], rows: readonly Row[]): QueryParameter {
  return {
    name: "rows",
    parameterType: {
      type: "ARRAY",
      arrayType: {
        type: "STRUCT",
        structTypes: columns.map((column) => ({
          name: column.name,
          type: { type: parameterTypeOf(column.type) },
        })),
      },
    },
    parameterValue: {
      arrayValues: rows.map((row) => ({
        structValues: Object.fromEntries(
          columns.map((column) => [column.name, loadValue(row[column.name], column.type)]),
        ),
      })),
    },
  };
}
