// exceljs's streaming reader and unzipper, as the ingest reads a workbook (functions/ingest/zip-hold-back.ts): a
// reader that waits on one part (as exceljs does writing a worksheet to a temporary file) loses the parts after it,
// the workbook's sheet names among them, unless a part too large to buffer follows the last one.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import { openRecords } from "../../functions/ingest/records.ts";
import { HOLD_BACK_PART, withHoldBackPart } from "../../functions/ingest/zip-hold-back.ts";

/** `zip` in chunks of `chunkBytes`, as a download arrives. */
function chunked(zip: Buffer, chunkBytes: number): Buffer[] {
  return Array.from({ length: Math.ceil(zip.length / chunkBytes) }, (_, index) =>
    zip.subarray(index * chunkBytes, (index + 1) * chunkBytes),
  );
}

/** The bytes as the ingest hands them to exceljs, the source in chunks of `chunkBytes`. */
async function heldBack(zip: Buffer, chunkBytes = zip.length): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const part of withHoldBackPart(Readable.from(chunked(zip, chunkBytes)))) out.push(part);
  return out;
}

interface ZipEntry {
  path: string;
  autodrain(): unknown;
  buffer(): Promise<Buffer>;
}
// The libraries exceljs reads with, as it loads them: unzipper's Parse, and its own loop over the entries, which
// stops at the stream's 'end'. Neither ships types.
const require = createRequire(import.meta.url);
const unzipper = require("unzipper") as {
  Parse(options: { forceStream: boolean }): NodeJS.ReadWriteStream;
  Open: { buffer(zip: Buffer): Promise<{ files: { path: string; buffer(): Promise<Buffer> }[] }> };
};
const iterateStream = require("exceljs/lib/utils/iterate-stream") as (
  stream: NodeJS.ReadableStream,
) => AsyncIterable<ZipEntry>;

/** A workbook with a header and `ads` rows (names that do not repeat, so the zip grows with them). */
async function workbook(ads = 1): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Export");
  sheet.addRow(["Campaign name", "Ad name", "Amount spent (USD)"]);
  sheet.addRow(["Prospecting", "Video", 5]);
  for (let ad = 2; ad <= ads; ad += 1)
    sheet.addRow([`Campaign ${ad * 7919}`, `Ad ${ad * 104_729}`, ad / 100]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The zip's part names from its central directory, in their order (what a reader should be handed). */
function directoryNames(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let entry = 0; entry < entries; entry += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString("utf8"));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

/** The parts exceljs's loop is handed, waiting `waitMs` on the third as exceljs may on a worksheet. */
async function partsHandedOut(bytes: readonly Buffer[], waitMs: number): Promise<Map<string, Buffer>> {
  const zip = unzipper.Parse({ forceStream: true });
  Readable.from(bytes).pipe(zip);
  const parts = new Map<string, Buffer>();
  for await (const entry of iterateStream(zip)) {
    if (parts.size === 2) await sleep(waitMs);
    parts.set(entry.path, await entry.buffer());
  }
  return parts;
}

describe("reading a workbook's zip as a stream", () => {
  it("loses the parts after a wait without the added part, and hands out every part with it", async () => {
    const zip = await workbook();
    const names = directoryNames(zip);
    assert.equal(names.at(-1), "xl/workbook.xml", "exceljs writes the sheet names last");
    const without = await partsHandedOut([zip], 50);
    assert.ok(without.size < names.length, `${without.size} of ${names.length} parts handed out`);
    assert.ok(!without.has("xl/workbook.xml"));

    const held = await partsHandedOut(await heldBack(zip), 50);
    assert.deepEqual([...held.keys()], [...names, HOLD_BACK_PART]);
    // Each part is the original's, byte for byte (read from the original through its directory).
    for (const file of (await unzipper.Open.buffer(zip)).files)
      assert.deepEqual(held.get(file.path), await file.buffer(), file.path);
  });

  it("keeps a valid zip: the parts at their offsets, the directory listing the added part after them", async () => {
    const zip = await workbook();
    const held = Buffer.concat(await heldBack(zip));
    assert.deepEqual(directoryNames(held), [...directoryNames(zip), HOLD_BACK_PART]);
    assert.deepEqual(held.subarray(0, 4), zip.subarray(0, 4));
    // exceljs's own (non-streaming) reader, which reads the directory, finds the same sheet and cells.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(held.buffer.slice(held.byteOffset, held.byteOffset + held.byteLength));
    const row = book.getWorksheet("Export")?.getRow(2);
    assert.deepEqual(
      [1, 2, 3].map((column) => row?.getCell(column).value),
      ["Prospecting", "Video", 5],
    );
  });

  it("passes a workbook of several megabytes through in the chunks it came in, holding back only its end", async () => {
    const zip = await workbook(150_000);
    assert.ok(zip.length > 3 * 1024 * 1024, `${zip.length} bytes`);
    const held = await heldBack(zip, 64 * 1024);
    // Passed on in the chunks it came in, but for the last MiB and a chunk at most (the six last pieces: those bytes
    // up to the directory, the added part's header and zeros, the directory, its new record and end).
    const passedOn = held.slice(0, -6);
    assert.ok(passedOn.every((piece) => piece.length === 64 * 1024));
    const keptBack = held.at(-6)?.length ?? 0;
    assert.ok(keptBack <= 1024 * 1024 + 64 * 1024, `${keptBack} bytes held back`);
    // Those bytes are the original's up to its directory, byte for byte.
    const directoryOffset = zip.readUInt32LE(zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 16);
    assert.ok(Buffer.concat(held.slice(0, -5)).equals(zip.subarray(0, directoryOffset)));
    const whole = Buffer.concat(held);
    assert.deepEqual(directoryNames(whole), [...directoryNames(zip), HOLD_BACK_PART]);
    const opened = await openRecords(Readable.from(chunked(zip, 64 * 1024)));
    let rows = 0;
    let cents = 0;
    for await (const record of opened.records) {
      rows += 1;
      if (rows > 1) cents += Math.round(Number(record.cells[2]) * 100);
    }
    // Every row, and the spend the rows were written with: 5.00 and 2/100 … 150000/100.
    assert.equal(rows, 150_001);
    assert.equal(cents, 500 + (150_000 * 150_001) / 2 - 1);
  });

  it("reads the workbook's rows through the ingest's reader", async () => {
    const zip = await workbook();
    const opened = await openRecords(Readable.from([zip]));
    const rows: string[][] = [];
    for await (const record of opened.records) rows.push(record.cells);
    assert.deepEqual(rows, [
      ["Campaign name", "Ad name", "Amount spent (USD)"],
      ["Prospecting", "Video", "5"],
    ]);
  });
});
