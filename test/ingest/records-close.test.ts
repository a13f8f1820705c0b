// A reader that stops early (format detection, the decimal sniff) ends the file's byte stream too, so a dropped
// file's handle is closed at once, not left for the garbage collector (Node warned "Closing file descriptor … on
// garbage collection" after a 49 MB export).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import { FileError, openRecords } from "../../functions/ingest/records.ts";

/** 200,000 CSV lines (2.6 MB) in 1 KiB chunks, saying whether the stream was ended (its `finally` ran). */
function trackedCsv(): {
  stream: AsyncIterable<Uint8Array>;
  state: { ended: boolean; chunksRead: number };
  chunks: number;
} {
  const state = { ended: false, chunksRead: 0 };
  const text = ["id,amount", ...Array.from({ length: 200_000 }, (_, i) => `${i},${i}.50`)].join("\n");
  const bytes = Buffer.from(text);
  async function* stream(): AsyncGenerator<Uint8Array> {
    try {
      for (let offset = 0; offset < bytes.length; offset += 1024) {
        state.chunksRead += 1;
        yield bytes.subarray(offset, offset + 1024);
      }
    } finally {
      state.ended = true;
    }
  }
  return { stream: stream(), state, chunks: Math.ceil(bytes.length / 1024) };
}

describe("records read in part", () => {
  it("end the byte stream when the reader stops", async () => {
    const { stream, state, chunks } = trackedCsv();
    const opened = await openRecords(stream);
    const iterator = opened.records[Symbol.asyncIterator]();
    const header = await iterator.next();
    assert.deepEqual(header.value?.cells, ["id", "amount"]);
    await iterator.return?.();
    // The stream is ended, and was not read to its end to get there.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(state.ended, true);
    assert.ok(state.chunksRead < chunks / 2, `read ${state.chunksRead} of ${chunks} chunks`);
  });

  it("end it once when read whole", async () => {
    const { stream, state } = trackedCsv();
    const opened = await openRecords(stream);
    let records = 0;
    for await (const _record of opened.records) records += 1;
    assert.equal(records, 200_001);
    assert.equal(state.ended, true);
  });
});

/** A workbook of 20,000 rows in 1 KiB chunks, failing after `failAfter` chunks if given, saying whether it ended. */
async function trackedWorkbook(failAfter?: number): Promise<{
  stream: AsyncIterable<Uint8Array>;
  state: { ended: boolean; chunksRead: number };
  chunks: number;
}> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Export");
  sheet.addRow(["id", "amount"]);
  for (let row = 0; row < 20_000; row += 1) sheet.addRow([row, row + 0.5]);
  const bytes = Buffer.from(await book.xlsx.writeBuffer());
  const state = { ended: false, chunksRead: 0 };
  async function* stream(): AsyncGenerator<Uint8Array> {
    try {
      for (let offset = 0; offset < bytes.length; offset += 1024) {
        if (state.chunksRead === failAfter) throw new Error("the download was cut short");
        state.chunksRead += 1;
        yield bytes.subarray(offset, offset + 1024);
      }
    } finally {
      state.ended = true;
    }
  }
  return { stream: stream(), state, chunks: Math.ceil(bytes.length / 1024) };
}

describe("a workbook read in part", () => {
  it("ends the byte stream when the reader stops", async () => {
    const { stream, state } = await trackedWorkbook();
    const opened = await openRecords(stream);
    assert.equal(opened.container, "xlsx");
    const iterator = opened.records[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value?.cells, ["id", "amount"]);
    await iterator.return?.();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(state.ended, true);
  });

  it("fails with the download's own error when its bytes stop coming, not as an unreadable workbook", async () => {
    // Past the first 64 KiB, which the reader reads to tell a workbook from a text file.
    const { stream, state, chunks } = await trackedWorkbook(80);
    assert.ok(chunks > 80, `${chunks} chunks`);
    const opened = await openRecords(stream);
    await assert.rejects(
      async () => {
        for await (const _record of opened.records) void _record;
      },
      (error: unknown) => !(error instanceof FileError) && /the download was cut short/.test(String(error)),
    );
    assert.equal(state.ended, true);
  });
});
