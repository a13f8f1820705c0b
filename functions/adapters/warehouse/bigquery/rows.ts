// Query results in the REST f/v form as the port's plain values (see Row in shared/ports.ts).
import type { Row, TableColumn } from "../../../shared/ports.ts";
import type { QueryResultsPage, RawCell, RawRow, SchemaField } from "./client.ts";

/** A REST int64/float string (or nothing) as a number, 0 when absent. */
export function numberOf(value: string | undefined): number {
  const parsed = Number(value ?? 0);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** REST f/v cells to the port's plain values (see Row in ports.ts). */
export function decodeValue(value: unknown, field: SchemaField): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === "REPEATED") {
    const items = Array.isArray(value) ? (value as RawCell[]) : [];
    return items.map((item) => decodeValue(item?.v, { ...field, mode: "NULLABLE" }));
  }
  const type = (field.type ?? "STRING").toUpperCase();
  if (type === "RECORD" || type === "STRUCT") {
    const cells = (value as RawRow).f ?? [];
    const record: Row = {};
    (field.fields ?? []).forEach((child, index) => {
      record[child.name ?? `f${index}`] = decodeValue(cells[index]?.v, child);
    });
    return record;
  }
  const text = String(value);
  switch (type) {
    case "INTEGER":
    case "INT64":
    case "FLOAT":
    case "FLOAT64":
    case "NUMERIC":
    case "BIGNUMERIC":
      return Number(text);
    case "BOOLEAN":
    case "BOOL":
      return text === "true";
    case "TIMESTAMP":
      // Integer microseconds (formatOptions.useInt64Timestamp, the client's default) or float seconds.
      return new Date(
        /^-?\d+$/.test(text) ? Number(BigInt(text) / 1000n) : Number(text) * 1000,
      ).toISOString();
    case "JSON":
      return JSON.parse(text);
    case "BYTES":
      return Buffer.from(text, "base64");
    default:
      return text;
  }
}

export function decodeRows(page: QueryResultsPage): { columns: TableColumn[]; rows: Row[] } {
  const fields = page.schema?.fields ?? [];
  const columns = fields.map((field) => ({ name: field.name ?? "", type: field.type ?? "STRING" }));
  const rows = (page.rows ?? []).map((row) => {
    const decoded: Row = {};
    fields.forEach((field, index) => {
      decoded[field.name ?? `f${index}`] = decodeValue(row.f?.[index]?.v, field);
    });
    return decoded;
  });
  return { columns, rows };
}
