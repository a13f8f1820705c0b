// The heart of a file drop, free of I/O: records in (from records.ts), the format recognised by its header, rows
// mapped, dated and counted, and handed to two sinks — chunks to load and rejected rows to quarantine.
import type { Row } from "../shared/ports.ts";
import { Columns, type DataRecord, type FormatSpec, type MapContext, type MapOutput } from "./format-spec.ts";
import { FileError, type SourceRecord } from "./records.ts";

export interface QuarantineEntry {
  line: number;
  reason: string;
  cells: readonly string[];
}

export interface IngestSinks {
  /** Rows of the format's raw table, at most chunkSize at a time, _airbyte_* columns included. */
  load(rows: Row[]): Promise<void>;
  quarantine(entry: QuarantineEntry): Promise<void> | void;
}

export interface DetectedFormat {
  format: FormatSpec;
  header: Columns;
  headerLine: number;
  /** Lines above the header, cell text joined. */
  preamble: string[];
  /** The records after the header; the iterator that detection started. */
  rest: AsyncIterator<SourceRecord>;
}

export interface MapSummary {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  /** Raw-table rows written (an order of three line rows is one). */
  rowsLanded: number;
  /** Summary rows ("Total: …") left out; they are not data. */
  summaryRows: number;
  periodStart: string | null;
  periodEnd: string | null;
}

const MAX_PREAMBLE_RECORDS = 30;

/**
 * Reads records until one is a known header. Lines before it are the preamble (report titles, a date range);
 * a file with no known header in its first rows is not a supported export.
 */
export async function detectFormat(
  records: AsyncIterable<SourceRecord>,
  formats: readonly FormatSpec[],
): Promise<DetectedFormat> {
  const rest = records[Symbol.asyncIterator]();
  const preamble: string[] = [];
  let firstFields = 0;
  for (let index = 0; index < MAX_PREAMBLE_RECORDS; index++) {
    const next = await rest.next();
    if (next.done) break;
    const header = new Columns(next.value.cells);
    const format = formats.find((candidate) => candidate.matches(header));
    if (format) {
      const missing = format.required(header);
      if (missing.length > 0) {
        throw new FileError(
          `the header looks like a ${format.label} but lacks the required column${missing.length > 1 ? "s" : ""} ${missing.map((name) => `"${name}"`).join(", ")}`,
          next.value.line,
        );
      }
      return { format, header, headerLine: next.value.line, preamble, rest };
    }
    if (index === 0) firstFields = next.value.cells.length;
    preamble.push(next.value.cells.join(" ").trim());
  }
  if (preamble.length === 0) throw new FileError("the file has no rows");
  // The first line's values are not quoted back: a file without a header may start with customer data.
  throw new FileError(
    `no known export header in the first ${Math.min(preamble.length, MAX_PREAMBLE_RECORDS)} rows (the first row has ${firstFields} field${firstFields === 1 ? "" : "s"}); supported: ${formats.map((format) => format.label).join(", ")}; an ad platform's export is read with its columns named in English (Meta's in French or Spanish too, Google Ads' in French or German): set the platform's language to English and export again; any other sales export needs a declared mapping (mappings/<name>.json)`,
  );
}

export interface MapOptions {
  chunkSize: number;
  /** Adds the _airbyte_* columns to a mapped row. */
  stamp(row: Row, firstLine: number): Row;
}

/**
 * Maps every record after the header, loading rows in chunks and quarantining what cannot be mapped.
 * Every data record ends up loaded or quarantined: rows read = rows loaded + rows quarantined, checked at the end.
 */
export async function mapRecords(
  detected: DetectedFormat,
  context: MapContext,
  sinks: IngestSinks,
  options: MapOptions,
): Promise<MapSummary> {
  const { format, header } = detected;
  const mapper = format.createMapper(header, { ...context, preamble: detected.preamble });
  const summary: MapSummary = {
    rowsRead: 0,
    rowsLoaded: 0,
    rowsQuarantined: 0,
    rowsLanded: 0,
    summaryRows: 0,
    periodStart: null,
    periodEnd: null,
  };
  let chunk: Row[] = [];

  const quarantine = async (records: readonly DataRecord[], reason: string) => {
    for (const record of records) {
      await sinks.quarantine({ line: record.line, reason, cells: record.cells });
      summary.rowsQuarantined++;
    }
  };

  const handle = async (outputs: MapOutput[]) => {
    for (const output of outputs) {
      if (output.type === "reject") {
        await quarantine(output.records, output.reason);
        continue;
      }
      const { eventDate } = output;
      if (eventDate !== null && eventDate > context.latestEventDate) {
        await quarantine(output.records, `dated ${eventDate}, after today: future-dated rows are not loaded`);
        continue;
      }
      if (eventDate !== null) {
        if (summary.periodStart === null || eventDate < summary.periodStart) summary.periodStart = eventDate;
        if (summary.periodEnd === null || eventDate > summary.periodEnd) summary.periodEnd = eventDate;
      }
      const firstLine = output.records[0]?.line ?? 0;
      chunk.push(options.stamp(output.row, firstLine));
      summary.rowsLoaded += output.count ?? output.records.length;
      summary.rowsLanded++;
      if (chunk.length >= options.chunkSize) {
        const full = chunk;
        chunk = [];
        await sinks.load(full);
      }
    }
  };

  for (;;) {
    const next = await detected.rest.next();
    if (next.done) break;
    const { cells, line } = next.value;
    if (format.isSummary?.(cells)) {
      summary.summaryRows++;
      continue;
    }
    summary.rowsRead++;
    const record: DataRecord = { cells, line };
    if (header.isHeaderRepeat(cells)) {
      await quarantine([record], "repeats the header row (two exports pasted together?)");
      continue;
    }
    const misaligned =
      cells.length < header.size
        ? `has ${cells.length} of the header's ${header.size} fields (a truncated or mis-split row)`
        : cells.length > header.size && cells.slice(header.size).some((cell) => cell.trim() !== "")
          ? `has ${cells.length} fields where the header has ${header.size} (an unquoted delimiter in a value?)`
          : undefined;
    if (misaligned !== undefined) {
      // Through the mapper, which knows the record's group: an order is quarantined whole, never loaded short.
      if (mapper.refuse) await handle(mapper.refuse(record, misaligned));
      else await quarantine([record], misaligned);
      continue;
    }
    await handle(mapper.push(record));
  }
  await handle(mapper.finish());
  if (chunk.length > 0) await sinks.load(chunk);

  if (summary.rowsRead !== summary.rowsLoaded + summary.rowsQuarantined) {
    throw new Error(
      `ingest bookkeeping is off: ${summary.rowsRead} rows read but ${summary.rowsLoaded} loaded + ${summary.rowsQuarantined} quarantined`,
    );
  }
  return summary;
}
