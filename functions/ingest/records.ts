// Bytes to records, streaming: a decode stream (iconv-lite) into a CSV parser (csv-parse), or the XLSX streaming
// reader (exceljs). Nothing here holds more than a record and the parsers' small buffers (and a workbook's last
// megabytes, zip-hold-back.ts), whatever the file size.
import { PassThrough, Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import iconv from "iconv-lite";
import type { DateFormat, DecimalSeparator } from "./parse-values.ts";
import { checkSheetRow } from "./xlsx-limits.ts";
import { withHoldBackPart } from "./zip-hold-back.ts";
import { type Delimiter, type EncodingGuess, isZip, sniffDelimiter, sniffEncoding } from "./sniff.ts";

/** One record of the file as read: its cells and the physical line (or sheet row) it starts on. */
export interface SourceRecord {
  cells: string[];
  line: number;
}

/** A problem that makes the whole file unreadable; the message says what and where. */
export class FileError extends Error {
  override name = "FileError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

export interface TextReadOptions {
  /** Known from the whole-file check; sniffed from the first bytes otherwise. */
  encoding?: EncodingGuess;
  delimiter?: Delimiter;
  /** A record larger than this is an error (an unterminated quote would otherwise swallow the file). */
  maxRecordBytes?: number;
}

export interface SheetReadOptions {
  /** How numbers and dates of typed cells are written back as text, so one set of value rules reads both. */
  decimal: DecimalSeparator;
  dateFormat: DateFormat;
  sheet?: string;
}

export interface OpenedFile {
  container: "text" | "xlsx";
  encoding?: EncodingGuess;
  delimiter?: Delimiter;
  records: AsyncIterable<SourceRecord>;
}

const HEAD_BYTES = 64 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

interface Peeked {
  head: Uint8Array;
  rest: AsyncIterable<Uint8Array>;
}

/** Reads the first bytes of a stream without losing them or closing the stream. */
async function peek(source: AsyncIterable<Uint8Array>, bytes: number): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A reader that stops early (format detection, the decimal sniff) ends the source too: a file's stream
      // closes its handle now, not when the garbage collector finds it (Node warned on a 49 MB export).
      if (!done) await iterator.return?.();
    }
  }
  return { head, rest: rest() };
}

/** Line breaks inside a record's cells, to find the line a multi-line record starts on. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (cell.length === 0) continue;
    const matches = cell.match(/\r\n|\n|\r/g);
    if (matches) count += matches.length;
  }
  return count;
}

async function* csvRecords(
  bytes: AsyncIterable<Uint8Array>,
  encoding: EncodingGuess,
  delimiter: Delimiter,
  maxRecordBytes: number,
): AsyncGenerator<SourceRecord> {
  const decoder = iconv.decodeStream(encoding.encoding, { stripBOM: true });
  // The line the next record starts on: where an over-long record began, for the message.
  let nextRecordLine = 1;
  const parser = parse({
    delimiter,
    // Exports mix CRLF records with LF inside quoted cells; any of the three ends a record.
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
    max_record_size: maxRecordBytes,
    // Noted as the parser completes each record, before a later one fails: a failed stream drops the records it
    // had parsed but not yet handed on, so the consumer's count would be behind.
    on_record: (record, context) => {
      nextRecordLine = context.lines + 1;
      return record;
    },
  });
  const input = Readable.from(bytes, { objectMode: false });
  input.on("error", (error) => parser.destroy(error));
  decoder.on("error", (error) => parser.destroy(error));
  input.pipe(decoder).pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = item.record;
      const line = item.info.lines - lineBreaks(cells);
      if (encoding.encoding === "windows-1252") refuseUndefinedBytes(cells, line);
      yield { cells, line };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const { lines, column } = error as CsvError & { lines?: number; column?: number };
      throw csvFileError(error.code, error.message, nextRecordLine, lines, column, maxRecordBytes);
    }
    throw error;
  } finally {
    input.destroy();
  }
}

/**
 * Windows-1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), which the decoder turns into U+FFFD: a
 * file holding one is in another encoding (Mac Roman's Å is 0x81), and would load with its letters lost.
 */
function refuseUndefinedBytes(cells: readonly string[], line: number): void {
  const column = cells.findIndex((cell) => cell.includes("\uFFFD"));
  if (column < 0) return;
  throw new FileError(
    `column ${column + 1} holds a byte that Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90 or 0x9D), so ` +
      `the file is in another encoding and would load with letters lost; export it again as UTF-8 and drop that`,
    line,
  );
}

/**
 * What a CSV parse error means for the shop. A record over the size limit that runs over many lines is an
 * unterminated quote swallowing the rest of the file (the usual cause); on one line it is a field or a header
 * that long, which no export writes: the message names its line and field, not a quote that is not there.
 */
function csvFileError(
  code: string,
  message: string,
  startLine: number,
  lines: number | undefined,
  column: number | undefined,
  maxRecordBytes: number,
): FileError {
  const detail = code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? "" : ` (${code})`;
  const unterminated =
    "a quoted field is never closed (unterminated quote), so the rest of the file cannot be split into rows";
  if (code === "CSV_QUOTE_NOT_CLOSED") return new FileError(`${unterminated}${detail}`, lines);
  if (code === "CSV_MAX_RECORD_SIZE") {
    const limit = `${Math.round(maxRecordBytes / 2 ** 20)} MiB`;
    if (lines !== undefined && lines > startLine + 1) {
      return new FileError(
        `a quoted field in this row is never closed (unterminated quote): the rest of the file reads as one ` +
          `row, past the ${limit} a row may hold${detail}`,
        startLine,
      );
    }
    const field = column === undefined ? "" : ` (at field ${(column + 1).toLocaleString("en-US")})`;
    return new FileError(
      `the row is longer than the ${limit} a row may hold${field}: a field or a header this long is not an ` +
        `export's${detail}`,
      startLine,
    );
  }
  return new FileError(`${message.replace(/ at line \d+.*$/s, "")}${detail}`, lines);
}

function formatCellDate(date: Date, format: DateFormat): string {
  const y = String(date.getUTCFullYear()).padStart(4, "0");
  const m = String(date.getUTCMonth() + 1).padStart(2, "0");
  const d = String(date.getUTCDate()).padStart(2, "0");
  switch (format) {
    case "yyyy-mm-dd":
      return `${y}-${m}-${d}`;
    case "yyyy/mm/dd":
      return `${y}/${m}/${d}`;
    case "dd/mm/yyyy":
      return `${d}/${m}/${y}`;
    case "mm/dd/yyyy":
      return `${m}/${d}/${y}`;
    case "dd.mm.yyyy":
      return `${d}.${m}.${y}`;
    case "dd-mm-yyyy":
      return `${d}-${m}-${y}`;
  }
}

/** An XLSX cell as the text a CSV export of it would hold. */
export function sheetCellText(value: unknown, options: SheetReadOptions): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    const text = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(9)));
    return options.decimal === "," ? text.replace(".", ",") : text;
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return formatCellDate(value, options.dateFormat);
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    const cell = value as { result?: unknown; text?: unknown; richText?: { text: string }[]; error?: string };
    if (cell.richText) return cell.richText.map((part) => part.text).join("");
    if ("result" in cell) return sheetCellText(cell.result, options);
    if (typeof cell.text === "string") return cell.text;
    if (cell.error) return cell.error;
  }
  return String(value);
}

/** Resolves when `stream` wants more, or is closed (destroyed); its listeners removed either way. */
function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

async function* sheetRecords(
  bytes: AsyncIterable<Uint8Array>,
  options: SheetReadOptions,
): AsyncGenerator<SourceRecord> {
  // Loaded here, not at the top: exceljs takes half a second to load, and most days have no workbook to read.
  const { default: ExcelJS } = await import("exceljs");
  // The bytes are pumped into a stream of our own, with a part added after the zip's last one: without it the
  // streaming reader may lose the workbook's last parts (zip-hold-back.ts). exceljs listens for no error of the
  // stream it reads: a read that fails (a download cut short) ends it instead, and the failure is rethrown here, as
  // it is, rather than left to crash the process as an unhandled 'error' event.
  const input = new PassThrough();
  let sourceFailure: { error: unknown } | undefined;
  // Set when the reader stops early (a format detection reads the header alone): the pump then ends the bytes'
  // source too, so that a dropped file's handle is closed at once (test/ingest/records-close.test.ts).
  let stopped = false;
  const pumped = (async () => {
    try {
      for await (const piece of withHoldBackPart(bytes)) {
        if (stopped) break;
        if (!input.write(piece)) await drainedOrClosed(input);
        if (stopped) break;
      }
    } catch (error) {
      sourceFailure = { error };
    } finally {
      input.end();
    }
  })();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    worksheets: "emit",
    hyperlinks: "ignore",
    styles: "cache",
    entries: "emit",
  });
  let found = false;
  let readFailure: { error: unknown } | undefined;
  try {
    yield* worksheetRecords(reader, options, () => {
      found = true;
    });
  } catch (error) {
    readFailure = { error };
  } finally {
    // Read whole, failed, or stopped early: the pump stops waiting on the stream and ends the source.
    stopped = true;
    input.destroy();
  }
  await pumped;
  if (sourceFailure) throw sourceFailure.error;
  if (readFailure) {
    const { error } = readFailure;
    if (error instanceof FileError) throw error;
    throw new FileError(
      `the XLSX workbook cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!found) throw new FileError("the XLSX workbook has no worksheet to read");
}

/** The rows of the workbook's first worksheet (or the one `options.sheet` names), as records. */
async function* worksheetRecords(
  reader: AsyncIterable<unknown>,
  options: SheetReadOptions,
  onFound: () => void,
): AsyncGenerator<SourceRecord> {
  let found = false;
  for await (const worksheet of reader) {
    const sheet = worksheet as AsyncIterable<{ number: number; values: unknown[] }> & { name?: string };
    // Worksheet names arrive with the workbook part; when a sheet is named, only that one is read.
    if (found || (options.sheet && sheet.name !== undefined && sheet.name !== options.sheet)) {
      for await (const _row of sheet) void _row;
      continue;
    }
    found = true;
    onFound();
    for await (const row of sheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      const cells = Array.from(values, (value) => sheetCellText(value, options));
      checkSheetRow(row.number, cells);
      if (cells.every((cell) => cell.trim() === "")) continue;
      yield { cells, line: row.number };
    }
  }
}

/**
 * Opens a dropped file for reading: XLSX when its bytes are a zip, delimited text otherwise, with the encoding
 * and delimiter given or sniffed from the first 64 KiB.
 */
export async function openRecords(
  source: AsyncIterable<Uint8Array>,
  text: TextReadOptions = {},
  sheet: SheetReadOptions = { decimal: ".", dateFormat: "yyyy-mm-dd" },
): Promise<OpenedFile> {
  const { head, rest } = await peek(source, HEAD_BYTES);
  if (head.length === 0) throw new FileError("the file is empty");
  if (isZip(head)) return { container: "xlsx", records: sheetRecords(rest, sheet) };
  const encoding = text.encoding ?? sniffEncoding(head);
  const delimiter = text.delimiter ?? sniffDelimiter(iconv.decode(Buffer.from(head), encoding.encoding));
  return {
    container: "text",
    encoding,
    delimiter,
    records: csvRecords(rest, encoding, delimiter, text.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES),
  };
}
