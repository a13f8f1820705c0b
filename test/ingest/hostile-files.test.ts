// Hostile files in the inbox (issue 14's part of the bad-file corpus): every one fails one row or one file, never
// the step. Each case: the file is handled (loaded, or failed in a manifest that names it), rows read = loaded +
// quarantined, it leaves the inbox, and the original is kept in raw/received or named in the failed manifest.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import yazl from "yazl";
import type { DropOutcome } from "../../functions/ingest/file-drop.ts";
import {
  checkZipDirectory,
  MAX_XLSX_CELL_CHARS,
  MAX_XLSX_ENTRIES,
  MAX_XLSX_ROWS,
} from "../../functions/ingest/xlsx-limits.ts";
import { dropFindings, runIngest } from "../../functions/ingest/step.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { Bus, Mailer, Secrets } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { CLOCK, createHarness, type Harness, RUN_DATE } from "./harness.ts";

const META_HEADER =
  '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Reach","Impressions","Amount spent (USD)","Link clicks","Purchases","Purchases conversion value"';
const metaRow = (ad: string, spend: string, campaign = "Prospecting") =>
  `2026-11-21,2026-11-21,"${campaign}",Broad,"${ad}",2026-11-21,100,1000,${spend},10,1,50.00`;
const meta = (...rows: string[]) => `${[META_HEADER, ...rows].join("\n")}\n`;

/** A zip written by hand (stored sizes in the directory as given), for workbooks no spreadsheet would write. */
function zipOf(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const compressed = deflateRawSync(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A zip written by yazl, in ZIP64 format for the whole archive or for its entries only. */
async function zip64Of(names: string[], zip64: { archive: boolean; entries: boolean }): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const name of names) {
    zip.addBuffer(Buffer.from(`<${name.replace(/\W/g, "")}/>`), name, { forceZip64Format: zip64.entries });
  }
  zip.end({ forceZip64Format: zip64.archive, comment: "" });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A Meta export as a workbook: the header on row 1 and one row on `lastRow` (Excel's rows are 1-based). */
async function workbookEndingOnRow(lastRow: number): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  sheet.getRow(1).values = [...SALES_HEADER, "Impressions", "Amount spent (USD)"];
  sheet.getRow(lastRow).values = ["2026-11-21", "2026-11-21", "Far", "Down", "Row", "2026-11-21", 10, 1.25];
  return new Uint8Array(await book.xlsx.writeBuffer());
}

async function workbook(rows: (string | number)[][]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

const SALES_HEADER = ["Reporting starts", "Reporting ends", "Campaign name", "Ad set name", "Ad name", "Day"];

describe("file drops: hostile files never block the shop", () => {
  let harness: Harness;
  const tried: string[] = [];
  const handled: string[] = [];
  before(async () => {
    harness = await createHarness();
  });
  after(async () => {
    process.stdout.write(`# hostile files: ${handled.length} handled of ${tried.length} tried\n`);
    await harness.close();
  });

  /** The invariants every case shares. */
  async function assertHandled(label: string, outcome: DropOutcome, inboxPath: string): Promise<void> {
    tried.push(label);
    const { manifest } = outcome;
    assert.equal(
      manifest.rowsRead,
      manifest.rowsLoaded + manifest.rowsQuarantined,
      "read = loaded + quarantined",
    );
    assert.equal(await harness.bucket.exists(inboxPath), false, "out of the inbox");
    assert.deepEqual(await harness.bucket.list(inboxPath), [], "nothing left under its inbox name");
    if (manifest.status === "failed") {
      assert.ok(manifest.error?.includes(manifest.fileName), "the failed manifest names the file");
      const stored = await harness.bucket.read(`raw/manifest/${manifest.sha256}.json`);
      assert.ok(stored, "a failed manifest is stored");
    } else {
      assert.ok(await harness.bucket.exists(manifest.receivedPath), "the original is kept in raw/received");
    }
    handled.push(label);
  }

  it("a 30-digit amount fails its row, not the file or the step", async () => {
    const name = "meta-huge-amount.csv";
    const outcome = await harness.ingest(
      name,
      meta(metaRow("Huge", "123456789012345678901234567890"), metaRow("Fine", "12.50")),
    );
    assert.equal(outcome.manifest.status, "loaded");
    assert.equal(outcome.manifest.rowsLoaded, 1);
    assert.equal(outcome.manifest.rowsQuarantined, 1);
    const quarantine = String(await harness.bucket.read(outcome.quarantinePath ?? ""));
    assert.match(quarantine, /too large for an amount/);
    await assertHandled("30-digit amount", outcome, `${INBOX_PREFIX}${name}`);
  });

  for (const name of [
    "meta\\nov.csv",
    "..\\..\\pulse.key.csv",
    "...csv",
    ".hidden meta.csv",
    "ord\u0085er\u009b31m.csv",
    "rtl\u202evsc.csv",
    "$(touch pwned)`id`;x&y!.csv",
  ]) {
    it(`a hostile name (${JSON.stringify(name)}) is stored under a safe name and kept as it was in the manifest`, async () => {
      const outcome = await harness.ingest(name, meta(metaRow(`ad ${name}`, "3.00")));
      assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
      assert.equal(outcome.manifest.fileName, name);
      const stored = outcome.manifest.receivedPath.split("/").pop() ?? "";
      assert.doesNotMatch(stored, /[\\/]|^\./, `stored as ${stored}`);
      // No C1 control, bidi override or character a shell acts on inside a word reaches the stored name.
      assert.doesNotMatch(
        stored,
        /[\u0080-\u009f\u202a-\u202e\u2066-\u2069$`;&!'"*?<>|]/,
        `stored as ${stored}`,
      );
      await assertHandled(`name ${name}`, outcome, `${INBOX_PREFIX}${name}`);
    });
  }

  it("a 240-character name keeps its quarantine file within file-name limits", async () => {
    const name = `${"q".repeat(236)}.csv`;
    const outcome = await harness.ingest(name, meta(metaRow("A", "1.00"), metaRow("B", "not money")));
    assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
    assert.equal(outcome.manifest.rowsQuarantined, 1);
    assert.ok(outcome.quarantinePath && (await harness.bucket.exists(outcome.quarantinePath)));
    for (const path of [outcome.quarantinePath ?? "", outcome.manifest.receivedPath]) {
      assert.ok(Buffer.byteLength(path.split("/").pop() ?? "") <= 140, path);
    }
    await assertHandled("240-character name", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("a symlink in the inbox is refused, not followed: the file it points at never reaches the bucket", async () => {
    const secret = join(harness.dir, "pulse.key");
    await writeFile(secret, "SECRET-PII-KEY-0123456789abcdef0123456789abcdef");
    const inbox = join(harness.bucket.location, "raw/inbox");
    await mkdir(inbox, { recursive: true });
    await symlink(secret, join(inbox, "orders.csv"));
    const outcome = await harness.ingestExisting(`${INBOX_PREFIX}orders.csv`);
    assert.equal(outcome.manifest.status, "failed");
    assert.match(outcome.manifest.error ?? "", /symbolic link; refused/);
    // Its finding says nothing was kept (it had said "the file is kept in ." with no path).
    const [finding] = dropFindings({ manifest: outcome.manifest });
    assert.match(
      finding?.message ?? "",
      /nothing from it was loaded, and nothing was kept: drop the file itself\.$/,
    );
    const everything = await harness.bucket.list("");
    for (const path of everything) {
      assert.doesNotMatch(String(await harness.bucket.read(path)), /SECRET-PII-KEY/, `${path} holds the key`);
    }
    await assertHandled("symlink", outcome, `${INBOX_PREFIX}orders.csv`);
  });

  it("a FIFO in the inbox is refused without being opened for a blocking read", async () => {
    const inbox = join(harness.bucket.location, "raw/inbox");
    await mkdir(inbox, { recursive: true });
    execFileSync("mkfifo", [join(inbox, "ads.csv")]);
    const started = Date.now();
    const outcome = await harness.ingestExisting(`${INBOX_PREFIX}ads.csv`);
    assert.ok(Date.now() - started < 5_000, "no hang");
    assert.equal(outcome.manifest.status, "failed");
    assert.match(outcome.manifest.error ?? "", /FIFO/);
    await assertHandled("FIFO", outcome, `${INBOX_PREFIX}ads.csv`);
  });

  it("an XLSX whose shared strings expand past the cap is refused before it is parsed", async () => {
    const name = "bomb-shared-strings.xlsx";
    const huge = Buffer.alloc(70 * 1024 * 1024, "a");
    const outcome = await harness.ingest(
      name,
      zipOf([
        { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
        { name: "xl/sharedStrings.xml", data: huge },
      ]),
    );
    assert.equal(outcome.manifest.status, "failed");
    assert.match(outcome.manifest.error ?? "", /shared strings expand to 70 MiB; at most 64 MiB/);
    await assertHandled("XLSX shared-strings bomb", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("an XLSX whose parts together expand past the cap is refused (a 1 MB file holding 600 MiB of XML)", async () => {
    const name = "bomb-total.xlsx";
    const part = Buffer.alloc(150 * 1024 * 1024, " ");
    const outcome = await harness.ingest(
      name,
      zipOf([1, 2, 3, 4].map((n) => ({ name: `xl/worksheets/sheet${n}.xml`, data: part }))),
    );
    assert.equal(outcome.manifest.status, "failed");
    assert.match(
      outcome.manifest.error ?? "",
      /expands to more than 512 MiB of XML; refused as an expansion bomb/,
    );
    assert.ok(outcome.manifest.sizeBytes < 2 * 1024 * 1024, `${outcome.manifest.sizeBytes} bytes on disk`);
    await assertHandled("XLSX total-size bomb", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("an XLSX cell longer than Excel's limit fails the file with its row and column", async () => {
    const name = "giant-cell.xlsx";
    const data = await workbook([
      [
        ...SALES_HEADER,
        "Reach",
        "Impressions",
        "Amount spent (USD)",
        "Link clicks",
        "Purchases",
        "Purchases conversion value",
      ],
      [
        "2026-11-21",
        "2026-11-21",
        "x".repeat(MAX_XLSX_CELL_CHARS + 10),
        "B",
        "A",
        "2026-11-21",
        1,
        2,
        3,
        1,
        0,
        0,
      ],
    ]);
    const outcome = await harness.ingest(name, data);
    assert.equal(outcome.manifest.status, "failed");
    assert.match(
      outcome.manifest.error ?? "",
      /row 2, column 3: a cell of 32777 characters, past Excel's limit/,
    );
    await assertHandled("XLSX giant cell", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("an XLSX of more than 10,000 parts is refused before it is parsed; 10,000 pass the check", async () => {
    const parts = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ name: `xl/p${index}.xml`, data: Buffer.from("<a/>") }));
    const atCap = zipOf(parts(MAX_XLSX_ENTRIES));
    assert.doesNotThrow(() => checkZipDirectory(atCap, atCap.length), "10,000 parts are within the cap");
    const name = "many-parts.xlsx";
    const outcome = await harness.ingest(name, zipOf(parts(MAX_XLSX_ENTRIES + 1)));
    assert.equal(outcome.manifest.status, "failed");
    assert.equal(
      outcome.manifest.error,
      `${name}: the XLSX workbook has 10001 parts; at most 10000 are read`,
    );
    await assertHandled("XLSX of 10,001 parts", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("a ZIP64 workbook is refused before it is parsed, as an archive or in one of its entries", async () => {
    const parts = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"];
    const archive = await harness.ingest(
      "zip64-archive.xlsx",
      await zip64Of(parts, { archive: true, entries: false }),
    );
    assert.equal(archive.manifest.status, "failed");
    assert.equal(
      archive.manifest.error,
      "zip64-archive.xlsx: the XLSX workbook is a ZIP64 archive: too large to read safely",
    );
    await assertHandled("ZIP64 archive", archive, `${INBOX_PREFIX}zip64-archive.xlsx`);

    const entry = await harness.ingest(
      "zip64-entry.xlsx",
      await zip64Of(parts, { archive: false, entries: true }),
    );
    assert.equal(entry.manifest.status, "failed");
    assert.equal(
      entry.manifest.error,
      "zip64-entry.xlsx: the XLSX part [Content_Types].xml is a ZIP64 entry: too large",
    );
    await assertHandled("ZIP64 entry", entry, `${INBOX_PREFIX}zip64-entry.xlsx`);
  });

  it("an XLSX row past Excel's last row (1,048,576) fails the file; a row on it loads", async () => {
    const last = await harness.ingest("last-row.xlsx", await workbookEndingOnRow(MAX_XLSX_ROWS));
    assert.equal(last.manifest.status, "loaded", last.manifest.error ?? "");
    assert.equal(last.manifest.rowsLoaded, 1);
    await assertHandled("XLSX row 1,048,576", last, `${INBOX_PREFIX}last-row.xlsx`);

    const name = "past-last-row.xlsx";
    const past = await harness.ingest(name, await workbookEndingOnRow(MAX_XLSX_ROWS + 1));
    assert.equal(past.manifest.status, "failed");
    assert.equal(past.manifest.rowsLoaded, 0);
    assert.equal(
      past.manifest.error,
      `${name}: the XLSX sheet goes past row 1048576, Excel's own limit; refused`,
    );
    const [landed] = await harness.rows<{ n: bigint }>(
      `SELECT count(*) AS n FROM raw.facebook_ads_insights WHERE _airbyte_raw_id LIKE 'file:${past.manifest.sha256}:%'`,
    );
    assert.equal(landed?.n, 0n, "nothing of the file stays loaded");
    await assertHandled("XLSX row 1,048,577", past, `${INBOX_PREFIX}${name}`);
  });

  it("a truncated XLSX (not a complete zip) fails the file, named", async () => {
    const name = "cut.xlsx";
    const data = await workbook([
      ["a", "b"],
      [1, 2],
    ]);
    const outcome = await harness.ingest(name, data.subarray(0, Math.floor(data.length / 2)));
    assert.equal(outcome.manifest.status, "failed");
    assert.match(outcome.manifest.error ?? "", /cut\.xlsx: the XLSX workbook is not a complete zip/);
    await assertHandled("truncated XLSX", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("control characters in names are loaded as data (they are stripped on the way out)", async () => {
    const name = "meta-control.csv";
    const outcome = await harness.ingest(name, meta(metaRow("A\u0000B\u000bC\u001bD\u000cE", "2.00")));
    assert.equal(outcome.manifest.status, "loaded");
    await assertHandled("control characters", outcome, `${INBOX_PREFIX}${name}`);
  });

  it("the ingest step goes on past every hostile file in one inbox, and loads the good one", async () => {
    const bench = await createHarness();
    try {
      const inbox = join(bench.bucket.location, "raw/inbox");
      await mkdir(inbox, { recursive: true });
      await bench.bucket.write(`${INBOX_PREFIX}good.csv`, meta(metaRow("Good", "4.00")));
      await bench.bucket.write(`${INBOX_PREFIX}huge\\amount.csv`, meta(metaRow("Huge", "9".repeat(30))));
      await bench.bucket.write(`${INBOX_PREFIX}${"n".repeat(236)}.csv`, meta(metaRow("Long", "1.00")));
      await bench.bucket.write(`${INBOX_PREFIX}empty.csv`, "");
      await symlink(join(bench.dir, "nowhere"), join(inbox, "dangling.csv"));
      execFileSync("mkfifo", [join(inbox, "pipe.csv")]);
      const config = loadConfig({ env: {}, cwd: bench.dir });
      const result = await runIngest({
        step: "ingest",
        message: parseRunMessage({ runDate: RUN_DATE, runId: "hostile", trigger: "manual" }),
        config,
        ports: {
          warehouse: bench.warehouse,
          bucket: bench.bucket,
          clock: CLOCK,
          bus: {} as Bus,
          mailer: {} as Mailer,
          secrets: {} as Secrets,
        },
        ledger: new Ledger(bench.bucket),
        log: silentLogger(),
      });
      assert.deepEqual(await bench.bucket.list(INBOX_PREFIX), [], "the inbox is empty");
      assert.deepEqual(await readdir(inbox), [], "no entry is left, symlink and FIFO included");
      assert.equal(result.metrics?.filesInInbox, 6);
      assert.equal(result.metrics?.filesLoaded, 3);
      assert.equal(result.metrics?.filesFailed, 3);
      assert.equal(result.metrics?.fileRowsLoaded, 2);
      assert.equal(result.metrics?.fileRowsQuarantined, 1);
      tried.push("one inbox of hostile files");
      handled.push("one inbox of hostile files");
    } finally {
      await bench.close();
    }
  });
});
