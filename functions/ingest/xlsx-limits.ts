// Limits that keep a hostile workbook from exhausting memory. An XLSX is a zip of XML: a 1 MB file can expand
// to gigabytes (an "expansion bomb"), and one shared string can be hundreds of megabytes. Before a workbook is
// parsed, its zip directory (read from the tail kept while the file was hashed) is checked against these caps;
// while it is read, rows and cells are held to Excel's own limits, so a workbook that lies in its directory
// still stops with a clear reason.
import { FileError } from "./records.ts";

/** Uncompressed bytes of all the workbook's parts together. */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
/** Uncompressed bytes of the shared strings part, which the reader holds in memory. */
export const MAX_XLSX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024;
/** Parts in the zip. */
export const MAX_XLSX_ENTRIES = 10_000;
/** Excel's own limits: no workbook Excel wrote has more rows, or a longer cell. */
export const MAX_XLSX_ROWS = 1_048_576;
export const MAX_XLSX_CELL_CHARS = 32_767;
/** How much of a file's end is kept while hashing it, to read a zip's directory without a second pass. */
export const ZIP_TAIL_BYTES = 1024 * 1024;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/**
 * Where a zip's end of central directory record starts in `bytes` (its last bytes, or all of it), -1 when it is not
 * there: the record's 22 bytes, then a comment of up to 64 KiB.
 */
export function endOfCentralDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1) {
    if (bytes.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}

/**
 * Checks a zip's central directory, given the file's last bytes and its total size; throws a FileError with
 * the reason when the workbook is over a cap or its directory cannot be read.
 */
export function checkZipDirectory(tail: Buffer, totalSize: number): void {
  const eocd = endOfCentralDirectory(tail);
  if (eocd < 0) throw new FileError("the XLSX workbook is not a complete zip (no end of central directory)");
  const entries = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new FileError("the XLSX workbook is a ZIP64 archive: too large to read safely");
  }
  if (entries > MAX_XLSX_ENTRIES) {
    throw new FileError(`the XLSX workbook has ${entries} parts; at most ${MAX_XLSX_ENTRIES} are read`);
  }
  const tailStart = totalSize - tail.length;
  let at = directoryOffset - tailStart;
  if (at < 0 || at + directorySize > tail.length) {
    throw new FileError("the XLSX workbook's zip directory is out of place or too large to check");
  }
  let total = 0;
  for (let entry = 0; entry < entries; entry += 1) {
    if (at + 46 > tail.length || tail.readUInt32LE(at) !== CENTRAL) {
      throw new FileError("the XLSX workbook's zip directory is damaged");
    }
    const uncompressed = tail.readUInt32LE(at + 24);
    const nameLength = tail.readUInt16LE(at + 28);
    const name = tail.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    if (uncompressed === 0xffffffff) throw new FileError(`the XLSX part ${name} is a ZIP64 entry: too large`);
    if (/sharedStrings\.xml$/i.test(name) && uncompressed > MAX_XLSX_SHARED_STRINGS_BYTES) {
      throw new FileError(
        `the XLSX workbook's shared strings expand to ${mib(uncompressed)}; at most ${mib(MAX_XLSX_SHARED_STRINGS_BYTES)} are read (an expansion bomb, or export it as CSV)`,
      );
    }
    total += uncompressed;
    if (total > MAX_XLSX_UNCOMPRESSED_BYTES) {
      throw new FileError(
        `the XLSX workbook expands to more than ${mib(MAX_XLSX_UNCOMPRESSED_BYTES)} of XML; refused as an expansion bomb (export it as CSV instead)`,
      );
    }
    at += 46 + nameLength + tail.readUInt16LE(at + 30) + tail.readUInt16LE(at + 32);
  }
}

/** Throws when a row read from a workbook is beyond Excel's limits (a crafted file). */
export function checkSheetRow(rowNumber: number, cells: readonly string[]): void {
  if (rowNumber > MAX_XLSX_ROWS) {
    throw new FileError(`the XLSX sheet goes past row ${MAX_XLSX_ROWS}, Excel's own limit; refused`);
  }
  for (const [index, cell] of cells.entries()) {
    if (cell.length > MAX_XLSX_CELL_CHARS) {
      throw new FileError(
        `row ${rowNumber}, column ${index + 1}: a cell of ${cell.length} characters, past Excel's limit of ${MAX_XLSX_CELL_CHARS}; refused`,
      );
    }
  }
}
