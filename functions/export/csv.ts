// CSV for Looker Studio: UTF-8, comma-separated, a header row, numbers left numeric, and text protected from
// spreadsheet formula injection.
import { stringify } from "csv-stringify/sync";
import { neutraliseFormula } from "../lib/csv-formulas.ts";
import type { Row, StreamBatch } from "../shared/ports.ts";

export function csvCell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return neutraliseFormula(value);
  return neutraliseFormula(JSON.stringify(value));
}

function toRecords(rows: readonly Row[], columns: readonly string[]): (string | number | null)[][] {
  return rows.map((row) => columns.map((column) => csvCell(row[column])));
}

/** The header line. */
export function csvHeader(columns: readonly string[]): string {
  return stringify([columns]);
}

/** Rows as CSV lines, each ending in a newline: lines of any rows concatenate into the lines of all of them. */
export function csvLines(rows: readonly Row[], columns: readonly string[]): string {
  return stringify(toRecords(rows, columns));
}

/**
 * Turns a stream of row batches into CSV text chunks (header first), holding one batch at a time. A result with
 * no rows is a header-only CSV: its columns come from the first batch, which the warehouse yields even when empty.
 */
export async function* csvChunks(
  batches: AsyncIterable<StreamBatch>,
  counter: { rows: number },
): AsyncIterable<string> {
  let columns: string[] | undefined;
  for await (const batch of batches) {
    if (!columns) {
      columns = batch.columns.map((column) => column.name);
      yield csvHeader(columns);
    }
    counter.rows += batch.rows.length;
    if (batch.rows.length > 0) yield csvLines(batch.rows, columns);
  }
  // The warehouse ports always yield a first batch with the columns; no batch at all is a broken adapter.
  if (!columns) throw new Error("the extract query returned no columns (not even an empty first batch)");
}
