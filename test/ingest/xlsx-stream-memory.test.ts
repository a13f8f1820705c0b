// A Meta workbook of many rows, written to disk with exceljs's streaming writer and read back as the ingest
// does (XLSX reader → detect → map → load in chunks): the live heap while reading must not grow with the row
// count. Live heap = heap after a forced collection, sampled every few thousand records; a 4× larger workbook
// may not hold measurably more.
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import ExcelJS from "exceljs";
import { BUILTIN_FORMATS } from "../../functions/ingest/builtin-formats.ts";
import { detectFormat, mapRecords } from "../../functions/ingest/map-records.ts";
import { openRecords, type SourceRecord } from "../../functions/ingest/records.ts";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const HEADER = [
  "Reporting starts",
  "Reporting ends",
  "Campaign name",
  "Ad set name",
  "Ad name",
  "Day",
  "Reach",
  "Impressions",
  "Amount spent (USD)",
  "Link clicks",
  "Purchases",
  "Purchases conversion value",
];

/** Writes `rows` Meta rows (a breakdown: several rows per ad and day); returns what a reader must find. */
async function writeWorkbook(path: string, rows: number): Promise<{ adDays: number; spendCents: number }> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = writer.addWorksheet("Sheet1");
  sheet.addRow(HEADER).commit();
  const adDays = new Set<string>();
  let spendCents = 0;
  for (let index = 0; index < rows; index++) {
    const day = `2026-11-${String(1 + (index % 21)).padStart(2, "0")}`;
    const ad = `Ad ${index % 101}`;
    adDays.add(`${day}|${index % 7}|${index % 13}|${ad}`);
    const cents = index % 997;
    spendCents += cents;
    sheet
      .addRow([
        day,
        day,
        `Campaign ${index % 7}`,
        `Set ${index % 13}`,
        ad,
        day,
        100,
        1000,
        cents / 100,
        10,
        1,
        50,
      ])
      .commit();
  }
  sheet.commit();
  await writer.commit();
  return { adDays: adDays.size, spendCents };
}

/** Ingests the workbook; returns the peak live heap growth while reading, in MiB, and what was loaded. */
async function ingest(path: string) {
  collect();
  const baseline = process.memoryUsage().heapUsed;
  let peakLive = baseline;
  let seen = 0;
  const opened = await openRecords(createReadStream(path));
  assert.equal(opened.container, "xlsx");
  async function* sampled(): AsyncGenerator<SourceRecord> {
    for await (const record of opened.records) {
      if (++seen % 10_000 === 0) {
        collect();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }
      yield record;
    }
  }
  const detected = await detectFormat(sampled(), BUILTIN_FORMATS);
  assert.equal(detected.format.kind, "meta_ads_export");
  let landed = 0;
  let spendCents = 0;
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
        landed += rows.length;
        for (const row of rows) spendCents += Math.round(Number(row.spend) * 100);
      },
      quarantine: () => {
        throw new Error("no row of the generated workbook should be rejected");
      },
    },
    { chunkSize: 2_000, stamp: (row) => row },
  );
  return { liveMib: (peakLive - baseline) / 1024 / 1024, summary, landed, spendCents };
}

describe("file drops: streaming a large workbook", () => {
  // A safety net, not a speed target: 200k rows written and read with forced collections take about a minute on a
  // quiet 2-core machine, and a fresh-clone test run beside other work timed out here at two minutes.
  it("reads 40k and 160k-row XLSX exports with the same live heap", { timeout: 360_000 }, async (t) => {
    const folder = await mkdtemp(join(tmpdir(), "pulse-xlsx-memory-"));
    try {
      const results = [];
      for (const rows of [40_000, 160_000]) {
        const path = join(folder, `meta-${rows}.xlsx`);
        const expected = await writeWorkbook(path, rows);
        const outcome = await ingest(path);
        assert.equal(outcome.summary.rowsRead, rows);
        assert.equal(outcome.summary.rowsLoaded, rows);
        assert.equal(outcome.landed, expected.adDays);
        assert.equal(outcome.spendCents, expected.spendCents);
        t.diagnostic(`${rows} rows: peak live heap growth ${outcome.liveMib.toFixed(1)} MiB`);
        results.push(outcome.liveMib);
        await rm(path);
      }
      const [small, large] = results as [number, number];
      // The pending ad-days (the same 27,573 in both) and the reader's buffers: tens of MiB, whatever the rows.
      assert.ok(large < 96, `peak live heap growth ${large.toFixed(1)} MiB for 160k rows`);
      assert.ok(
        large - small < 16,
        `live heap grew with the rows: ${small.toFixed(1)} MiB at 40k, ${large.toFixed(1)} MiB at 160k`,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
