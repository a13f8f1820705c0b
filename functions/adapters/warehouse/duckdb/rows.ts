// DuckDB result rows as the port's plain values (see Row in shared/ports.ts).
import { type DuckDBType, DuckDBTypeId } from "./node-api.ts";
import type { Row } from "../../../shared/ports.ts";

function plainValue(value: unknown, type: DuckDBType | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) {
    return type?.typeId === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (type?.alias === "JSON" && typeof value === "string") return JSON.parse(value);
  if (Array.isArray(value)) return value.map((item) => plainValue(item, undefined));
  return value;
}

export function plainRows(rows: Record<string, unknown>[], names: string[], types: DuckDBType[]): Row[] {
  return rows.map((row) => {
    const converted: Row = {};
    names.forEach((name, index) => {
      converted[name] = plainValue(row[name], types[index]);
    });
    return converted;
  });
}
