// How a dropped file's bytes are read (docs/file-drops.md, "Reading"): the encoding from a BOM, else UTF-8 when
// every byte of the whole file is valid UTF-8, else Windows-1252, never leaving U+FFFD; the delimiter sniffed; an
// XLSX known by its zip signature; a file recognised by its header, never its name. Each case is a hand-made Meta
// export through the real file-drop edge (folder bucket, DuckDB), its text compared with what was written.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { createHarness, type Harness, mapping } from "./harness.ts";

const HEADER = [
  "Reporting starts",
  "Reporting ends",
  "Campaign name",
  "Ad set name",
  "Ad name",
  "Day",
  "Impressions",
  "Amount spent (USD)",
];
const row = (campaign: string, ad: string, spend: string) => [
  "2026-11-21",
  "2026-11-21",
  campaign,
  "Broad",
  ad,
  "2026-11-21",
  "1000",
  spend,
];
/** A Meta export's text: rows of cells joined by the delimiter (no cell here needs quoting). */
const exportText = (rows: string[][], delimiter = ",") =>
  `${[HEADER, ...rows].map((cells) => cells.join(delimiter)).join("\r\n")}\r\n`;

interface Landed {
  campaign_name: string;
  ad_name: string;
  spend: string;
}

describe("file drops: reading a file's bytes", () => {
  let harness: Harness;
  before(async () => {
    harness = await createHarness();
  });
  after(async () => {
    await harness.close();
  });

  /** The rows one file landed, by its hash. */
  const landed = (sha256: string) =>
    harness.rows<Landed>(
      `SELECT campaign_name, ad_name, CAST(spend AS VARCHAR) AS spend FROM raw.facebook_ads_insights
       WHERE _airbyte_raw_id LIKE 'file:${sha256}:%' ORDER BY ad_name`,
    );

  it("drops a UTF-8 BOM: the first column is still recognised, and the text lands as written", async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(exportText([row("Noël", "Café crème", "10.00")]), "utf8"),
    ]);
    const { manifest } = await harness.ingest("bom.csv", bytes);
    assert.equal(manifest.status, "loaded", manifest.error ?? "");
    assert.equal(manifest.encoding, "utf-8");
    assert.deepEqual(await landed(manifest.sha256), [
      { campaign_name: "Noël", ad_name: "Café crème", spend: "10.0" },
    ]);
  });

  for (const encoding of ["utf-16le", "utf-16be"] as const) {
    it(`decodes ${encoding.toUpperCase()} with its BOM (Excel's "Unicode text", tab-separated)`, async () => {
      const bom = encoding === "utf-16le" ? [0xff, 0xfe] : [0xfe, 0xff];
      const text = exportText([row("Über", "Ελληνικά 🧺", "3.50")], "\t");
      const bytes = Buffer.concat([Buffer.from(bom), iconv.encode(text, encoding)]);
      const { manifest } = await harness.ingest(`unicode-${encoding}.txt`, bytes);
      assert.equal(manifest.status, "loaded", manifest.error ?? "");
      assert.equal(manifest.encoding, encoding);
      assert.equal(manifest.delimiter, "\t");
      assert.deepEqual(await landed(manifest.sha256), [
        { campaign_name: "Über", ad_name: "Ελληνικά 🧺", spend: "3.5" },
      ]);
    });
  }

  it("reads a file that is not UTF-8 as Windows-1252, its own characters (€ ’ – “ ”) included", async () => {
    // 0x80 €, 0x92 ’, 0x96 –, 0x93 “, 0x94 ”: Windows-1252's, where Latin-1 has invisible control characters.
    const text = exportText([row("Black Friday – 20 € off", "Shopper’s “pick”", "12.00")]);
    const bytes = iconv.encode(text, "windows-1252");
    assert.ok(bytes.includes(0x80) && bytes.includes(0x92), "the file holds Windows-1252's own bytes");
    const { manifest } = await harness.ingest("cp1252.csv", bytes);
    assert.equal(manifest.status, "loaded", manifest.error ?? "");
    assert.equal(manifest.encoding, "windows-1252");
    assert.deepEqual(await landed(manifest.sha256), [
      { campaign_name: "Black Friday – 20 € off", ad_name: "Shopper’s “pick”", spend: "12.0" },
    ]);
  });

  it("decides the encoding over the whole file: one Windows-1252 byte past the first 64 KiB makes it so", async () => {
    // 120 ASCII rows of ~600 bytes (72 KB: past the 64 KiB a sample would judge), then "Café" with é as 0xE9.
    const filler = Array.from({ length: 120 }, (_, index) =>
      row("Plain", `Ad ${String(index).padStart(3, "0")} ${"x".repeat(560)}`, "1.00"),
    );
    const text = exportText([...filler, row("Plain", "Café late", "2.00")]);
    const bytes = iconv.encode(text, "windows-1252");
    assert.ok(bytes.indexOf(0xe9) > 64 * 1024, "the only non-ASCII byte is past the first 64 KiB");
    const { manifest } = await harness.ingest("late-accent.csv", bytes);
    assert.equal(manifest.status, "loaded", manifest.error ?? "");
    assert.equal(manifest.encoding, "windows-1252");
    assert.equal(manifest.rowsLoaded, 121);
    const rows = await landed(manifest.sha256);
    assert.deepEqual(
      rows.filter((landedRow) => !landedRow.ad_name.startsWith("Ad ")),
      [{ campaign_name: "Plain", ad_name: "Café late", spend: "2.0" }],
    );
  });

  it("refuses a byte Windows-1252 leaves undefined rather than land U+FFFD, naming the line and column", async () => {
    // A Mac Roman export: "Å" is 0x81 there, a byte Windows-1252 does not define (nor 0x8D, 0x8F, 0x90, 0x9D).
    const bytes = Buffer.concat([
      Buffer.from(exportText([row("Nordic", "Plain", "1.00")]), "latin1"),
      Buffer.from("2026-11-21,2026-11-21,Nordic,Broad,", "latin1"),
      Buffer.from([0x81]),
      Buffer.from("lesund,2026-11-21,1000,2.00\r\n", "latin1"),
    ]);
    const { manifest } = await harness.ingest("mac-roman.csv", bytes);
    assert.equal(manifest.status, "failed");
    assert.equal(manifest.rowsLoaded, 0);
    assert.match(
      manifest.error ?? "",
      /^mac-roman\.csv: line 3: column 5 holds a byte that Windows-1252 does not define \(0x81, /,
    );
    assert.deepEqual(await landed(manifest.sha256), [], "nothing of the file loads");
    const [fffd] = await harness.rows<{ n: bigint }>(
      "SELECT count(*) AS n FROM raw.facebook_ads_insights WHERE ad_name LIKE '%\uFFFD%'",
    );
    assert.equal(fffd?.n, 0n, "no U+FFFD anywhere");
  });

  it("refuses a Windows-1252 file whose mapping declares UTF-8, rather than decode it with U+FFFD", async () => {
    const declared = mapping({
      name: "cave-utf8",
      encoding: "utf-8",
      delimiter: ";",
      decimalSeparator: ",",
      dateFormat: "dd/mm/yyyy",
      currency: "EUR",
      columns: { orderId: "Facture", date: "Date", amount: "Montant", productTitle: "Produit" },
    });
    const bytes = iconv.encode(
      "Facture;Date;Produit;Montant\r\nF1;21/11/2026;Crémant d'Alsace;12,50\r\n",
      "windows-1252",
    );
    const { manifest } = await harness.ingest("cave.csv", bytes, { mappings: [declared] });
    assert.equal(manifest.status, "failed");
    assert.match(
      manifest.error ?? "",
      /^cave\.csv: the sales export "cave-utf8" \(declared mapping\) declares UTF-8, but the file is not valid UTF-8/,
    );
    assert.equal(manifest.rowsLoaded, 0);
    // Refused before any row was read: raw.shopify_orders was not even created.
    const [table] = await harness.rows<{ n: bigint }>(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'shopify_orders'",
    );
    assert.equal(table?.n, 0n);
  });

  it("sniffs a '|'-separated file", async () => {
    // A comma inside a cell is data, not a delimiter.
    const text = exportText([row("Pipes", "A", "1,234.56"), row("Pipes", "B", "0.44")], "|");
    const { manifest } = await harness.ingest("pipes.txt", text);
    assert.equal(manifest.status, "loaded", manifest.error ?? "");
    assert.equal(manifest.delimiter, "|");
    assert.deepEqual(await landed(manifest.sha256), [
      { campaign_name: "Pipes", ad_name: "A", spend: "1234.56" },
      { campaign_name: "Pipes", ad_name: "B", spend: "0.44" },
    ]);
  });

  it("knows a workbook by its zip signature and a CSV by its text, whatever their names say", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Export");
    sheet.addRow(HEADER);
    sheet.addRow(row("Workbook", "In a .csv name", "5.00"));
    const workbook = new Uint8Array(await book.xlsx.writeBuffer());
    const asCsv = await harness.ingest("meta-export.csv", workbook);
    assert.equal(asCsv.manifest.status, "loaded", asCsv.manifest.error ?? "");
    assert.equal(asCsv.manifest.container, "xlsx");
    assert.deepEqual(await landed(asCsv.manifest.sha256), [
      { campaign_name: "Workbook", ad_name: "In a .csv name", spend: "5.0" },
    ]);

    const asXlsx = await harness.ingest(
      "meta-export.xlsx",
      exportText([row("Text", "In an .xlsx name", "6.00")]),
    );
    assert.equal(asXlsx.manifest.status, "loaded", asXlsx.manifest.error ?? "");
    assert.equal(asXlsx.manifest.container, "text");
    assert.deepEqual(await landed(asXlsx.manifest.sha256), [
      { campaign_name: "Text", ad_name: "In an .xlsx name", spend: "6.0" },
    ]);
  });
});
