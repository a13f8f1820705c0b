// A ~200 MB export generated on the fly and consumed as a stream: the decode → parse → map → load path must not
// hold the file, so the heap's peak growth stays far below the file's size.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { BUILTIN_FORMATS } from "../../functions/ingest/builtin-formats.ts";
import { detectFormat, mapRecords } from "../../functions/ingest/map-records.ts";
import { openRecords } from "../../functions/ingest/records.ts";

const TARGET_BYTES = 200 * 1024 * 1024;
const HEADER =
  '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Reach","Impressions","Amount spent (USD)","Link clicks","Purchases","Purchases conversion value"\n';

/** Meta rows, 64 KiB at a time, until the target size: never more than one chunk exists at once. */
function generatedExport(): {
  stream: Readable;
  rows: () => number;
  bytes: () => number;
  adDays: () => number;
} {
  let bytes = 0;
  let rows = 0;
  // Rows of the same ad and day (the pattern repeats) are one ad-day, summed by the ingest.
  const adDays = new Set<string>();
  const padding = "x".repeat(180);
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(HEADER);
    bytes += HEADER.length;
    while (bytes < TARGET_BYTES) {
      let text = "";
      while (text.length < 64 * 1024) {
        const day = `2026-11-${String(1 + (rows % 21)).padStart(2, "0")}`;
        adDays.add(`${day}|${rows % 7}|${rows % 13}|${rows % 101}`);
        text += `${day},${day},Campaign ${rows % 7},Set ${rows % 13},"Ad ${rows % 101} ${padding}",${day},100,1000,${(rows % 997) / 10},10,1,50.00\n`;
        rows++;
      }
      bytes += text.length;
      yield Buffer.from(text);
    }
  }
  return { stream: Readable.from(chunks()), rows: () => rows, bytes: () => bytes, adDays: () => adDays.size };
}

describe("file drops: streaming a large file", () => {
  it("ingests a ~200 MB export with bounded memory", { timeout: 300_000 }, async (t) => {
    const generated = generatedExport();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let loaded = 0;
    let calls = 0;
    const opened = await openRecords(generated.stream);
    const detected = await detectFormat(opened.records, BUILTIN_FORMATS);
    assert.equal(detected.format.kind, "meta_ads_export");
    const summary = await mapRecords(
      detected,
      {
        sha256: "0".repeat(64),
        ingestedAt: "2026-11-22T12:00:00.000Z",
        latestEventDate: "2026-11-23",
        shopTimezone: "America/New_York",
        shopCurrency: "USD",
        preamble: [],
      },
      {
        load: async (rows) => {
          loaded += rows.length;
          if (++calls % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
        },
        quarantine: () => {
          throw new Error("no row of the generated file should be rejected");
        },
      },
      { chunkSize: 2_000, stamp: (row) => row },
    );
    const growthMb = (peak - baseline) / 1024 / 1024;
    const fileMb = generated.bytes() / 1024 / 1024;
    assert.ok(fileMb >= 199, `generated ${fileMb.toFixed(0)} MB`);
    assert.equal(summary.rowsRead, generated.rows());
    assert.equal(summary.rowsLoaded, generated.rows());
    assert.equal(loaded, generated.adDays());
    t.diagnostic(
      `${generated.rows()} rows, ${fileMb.toFixed(0)} MB streamed; peak heap growth ${growthMb.toFixed(1)} MB`,
    );
    assert.ok(
      growthMb < 128,
      `peak heap growth ${growthMb.toFixed(1)} MB for a ${fileMb.toFixed(0)} MB file`,
    );
  });
});
