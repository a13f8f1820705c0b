// A corpus of bad (and awkward) inputs, each with its expected outcome: loaded, rows quarantined with a reason,
// or the file failed with a message. Every case goes through the real file-drop edge (folder bucket, DuckDB).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import type { DropOutcome } from "../../functions/ingest/file-drop.ts";
import { dropFindings } from "../../functions/ingest/step.ts";
import { createHarness, fixture, type Harness, type mapping, SALES_MAPPING, salesExport } from "./harness.ts";

const META_HEADER =
  '"Reporting starts","Reporting ends","Campaign name","Ad set name","Ad name","Day","Reach","Impressions","Amount spent (USD)","Link clicks","Purchases","Purchases conversion value"';
const metaRow = (day: string, ad: string, spend: string, campaign = "Prospecting") =>
  `${day},${day},${campaign},Broad,${ad},${day},100,1000,${spend},10,1,50.00`;
const meta = (...rows: string[]) => `${[META_HEADER, ...rows].join("\n")}\n`;

const sales = salesExport;

interface Expectation {
  status: "loaded" | "failed";
  loaded?: number;
  quarantined?: number;
  /** Every quarantine reason matches. */
  reason?: RegExp;
  /** The file's error matches. */
  error?: RegExp;
  check?: (harness: Harness, outcome: DropOutcome) => Promise<void>;
}

interface Case {
  name: string;
  file: string;
  data: () => Promise<string | Uint8Array> | string | Uint8Array;
  mappings?: ReturnType<typeof mapping>[];
  expect: Expectation;
}

async function shopifyOrders(): Promise<string> {
  return (await fixture("shopify-orders.csv")).toString("utf8");
}

/** The text with `suffix` added at the end of physical line `line` (1-based). */
function withLineEnding(text: string, line: number, suffix: string): string {
  const lines = text.split("\n");
  lines[line - 1] = `${lines[line - 1] ?? ""}${suffix}`;
  return lines.join("\n");
}

async function quarantineReasons(harness: Harness, outcome: DropOutcome): Promise<string[]> {
  if (!outcome.quarantinePath) return [];
  const text = String(await harness.bucket.read(outcome.quarantinePath));
  const { parse } = await import("csv-parse/sync");
  const rows: string[][] = parse(text, { relax_column_count: true });
  return rows.slice(1).map((row) => row[1] ?? "");
}

async function xlsx(rows: (string | number | Date)[][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Ventes");
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const CASES: Case[] = [
  {
    name: "truncated file: the last row is cut mid-way",
    file: "orders-truncated.csv",
    data: async () => {
      const text = await shopifyOrders();
      const lastLine = text.trimEnd().lastIndexOf("\n");
      return text.slice(0, lastLine + 60);
    },
    expect: { status: "loaded", loaded: 7, quarantined: 1, reason: /has \d+ of the header's 79 fields/ },
  },
  // Issue 14's hostile cases (more in hostile-files.test.ts: symlinks, FIFOs, XLSX bombs, a whole hostile inbox).
  {
    name: "a 30-digit amount fails its row (past BigQuery's NUMERIC), not the file or the transform",
    file: "meta-30-digits.csv",
    data: () =>
      meta(
        metaRow("2026-11-21", "Huge", "123456789012345678901234567890"),
        metaRow("2026-11-21", "Ok", "1.00"),
      ),
    expect: { status: "loaded", loaded: 1, quarantined: 1, reason: /too large for an amount/ },
  },
  {
    name: "a backslash and dots in the name: stored under a safe name, the original kept in the manifest",
    file: "..\\..\\meta.csv",
    data: () => meta(metaRow("2026-11-21", "A", "1.00")),
    expect: {
      status: "loaded",
      loaded: 1,
      check: async (_harness, outcome) => {
        assert.equal(outcome.manifest.fileName, "..\\..\\meta.csv");
        assert.match(outcome.manifest.receivedPath, /\/_\.\._meta\.csv$/);
      },
    },
  },
  {
    name: "a 240-character name: its quarantine file stays within file-name limits",
    file: `${"x".repeat(236)}.csv`,
    data: () => meta(metaRow("2026-11-21", "A", "1.00"), metaRow("2026-11-21", "B", "n/a money")),
    expect: { status: "loaded", loaded: 1, quarantined: 1 },
  },
  {
    name: "wrong encoding: a Windows-1252 Meta export is read as such, never as mojibake",
    file: "meta-cp1252.csv",
    data: () => iconv.encode(meta(metaRow("2026-11-21", "Café crème", "10.00", "Noël")), "windows-1252"),
    expect: {
      status: "loaded",
      loaded: 1,
      check: async (harness) => {
        const [row] = await harness.rows<{ ad_name: string; campaign_name: string }>(
          "SELECT ad_name, campaign_name FROM raw.facebook_ads_insights WHERE ad_name LIKE 'Caf%'",
        );
        assert.equal(row?.ad_name, "Café crème");
        assert.equal(row?.campaign_name, "Noël");
      },
    },
  },
  {
    name: "UTF-16LE with BOM (Excel's Unicode text) is decoded",
    file: "meta-utf16.csv",
    data: () =>
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        iconv.encode(meta(metaRow("2026-11-21", "Über ad", "3.00")).replace(/,/g, "\t"), "utf-16le"),
      ]),
    expect: { status: "loaded", loaded: 1 },
  },
  {
    name: "header only: nothing to load, nothing failed",
    file: "meta-empty-day.csv",
    data: () => meta(),
    expect: { status: "loaded", loaded: 0, quarantined: 0 },
  },
  {
    name: "duplicated header row in the middle",
    file: "meta-two-pasted.csv",
    data: () => meta(metaRow("2026-11-21", "A", "1.00"), META_HEADER, metaRow("2026-11-21", "B", "2.00")),
    expect: { status: "loaded", loaded: 2, quarantined: 1, reason: /repeats the header row/ },
  },
  {
    name: "missing required column (Meta without its spend column)",
    file: "meta-no-spend.csv",
    data: () => '"Reporting starts","Reporting ends","Ad name"\n2026-11-21,2026-11-21,A\n',
    expect: { status: "failed", error: /line 1: .*Meta Ads Manager export.*"Amount spent \(<currency>\)"/ },
  },
  {
    name: "missing required column (Shopify orders without Total)",
    file: "orders-no-total.csv",
    data: async () => {
      const text = await shopifyOrders();
      return text.replace(",Total,", ",Grand Total,");
    },
    expect: { status: "failed", error: /Shopify orders export but lacks the required column "Total"/ },
  },
  {
    name: "extra, unknown columns are ignored",
    file: "meta-extra.csv",
    data: () =>
      meta(metaRow("2026-11-21", "A", "1.00"))
        .replace(META_HEADER, `${META_HEADER},"Custom note"`)
        .replace("50.00\n", "50.00,hello\n"),
    expect: { status: "loaded", loaded: 1 },
  },
  {
    name: "blank lines between rows; line numbers stay the file's own",
    file: "meta-blank-lines.csv",
    data: () =>
      `${META_HEADER}\n\n${metaRow("2026-11-21", "A", "1.00")}\n\n\n${metaRow("2026-11-21", "B", "2.00")}\n\n`,
    expect: {
      status: "loaded",
      loaded: 2,
      check: async (harness, outcome) => {
        const ids = await harness.rows<{ id: string }>(
          `SELECT _airbyte_raw_id AS id FROM raw.facebook_ads_insights WHERE _airbyte_raw_id LIKE 'file:${outcome.manifest.sha256}:%' ORDER BY 1`,
        );
        assert.deepEqual(
          ids.map((row) => row.id.split(":")[2]),
          ["3", "6"],
        );
      },
    },
  },
  {
    name: "unterminated quote fails the file, with its line",
    file: "meta-open-quote.csv",
    data: () => meta(metaRow("2026-11-21", "A", "1.00"), '2026-11-21,2026-11-21,"Broken,Set,B'),
    expect: { status: "failed", error: /line \d+: a quoted field is never closed/ },
  },
  {
    // Past the 1 MiB a row may hold, an unterminated quote is told from a row that is simply that long.
    name: "an unterminated quote that swallows more than a row may hold fails the file at the row it opened in",
    file: "meta-open-quote-long.csv",
    data: () =>
      meta(
        metaRow("2026-11-21", "A", "1.00"),
        '2026-11-21,2026-11-21,"Broken,Set,B',
        ...Array.from({ length: 30_000 }, (_, index) => metaRow("2026-11-21", `Ad ${index}`, "1.00")),
      ),
    expect: {
      status: "failed",
      error: /line 3: a quoted field in this row is never closed .*\(CSV_MAX_RECORD_SIZE\)/,
    },
  },
  {
    name: "a field longer than a row may hold fails the file naming its line and field, not a quote",
    file: "meta-huge-field.csv",
    data: () =>
      meta(metaRow("2026-11-21", "A", "1.00"), metaRow("2026-11-21", "x".repeat(1_100_000), "1.00")),
    expect: {
      status: "failed",
      error:
        /line 3: the row is longer than the 1 MiB a row may hold \(at field 5\): a field or a header this long/,
    },
  },
  {
    name: "negative spend is quarantined",
    file: "meta-negative.csv",
    data: () => meta(metaRow("2026-11-21", "A", "-5.00"), metaRow("2026-11-21", "B", "5.00")),
    expect: { status: "loaded", loaded: 1, quarantined: 1, reason: /"Amount spent \(USD\)" is negative/ },
  },
  {
    name: "future dates are quarantined",
    file: "meta-future.csv",
    data: () => meta(metaRow("2027-01-05", "A", "5.00"), metaRow("2026-11-21", "B", "5.00")),
    expect: { status: "loaded", loaded: 1, quarantined: 1, reason: /dated 2027-01-05, after today/ },
  },
  {
    name: "non-numeric amounts are quarantined, naming the column",
    file: "meta-text-spend.csv",
    data: () => meta(metaRow("2026-11-21", "A", "twelve"), metaRow("2026-11-21", "B", "5.00")),
    expect: {
      status: "loaded",
      loaded: 1,
      quarantined: 1,
      reason: /column "Amount spent \(USD\)": "twelve" is not a number/,
    },
  },
  {
    name: "formula-looking text is landed as text, unchanged",
    file: "meta-formula.csv",
    data: () =>
      meta(
        metaRow("2026-11-21", '"=HYPERLINK(""http://evil"",""x"")"', "1.00"),
        metaRow("2026-11-21", "+cmd", "1.00"),
      ),
    expect: {
      status: "loaded",
      loaded: 2,
      check: async (harness) => {
        const rows = await harness.rows<{ ad_name: string }>(
          "SELECT ad_name FROM raw.facebook_ads_insights WHERE ad_name LIKE '=%' OR ad_name LIKE '+%' ORDER BY 1",
        );
        assert.deepEqual(
          rows.map((row) => row.ad_name),
          ["+cmd", '=HYPERLINK("http://evil","x")'],
        );
      },
    },
  },
  {
    name: "HTML in product names is kept as text",
    file: "products-html.csv",
    data: async () =>
      (await fixture("shopify-products.csv"))
        .toString("utf8")
        .replace("Linen Apron,", "<b>Linen</b> Apron &amp; Co,"),
    expect: {
      status: "loaded",
      loaded: 4,
      check: async (harness) => {
        const [row] = await harness.rows<{ title: string }>(
          "SELECT title FROM raw.shopify_products WHERE title LIKE '<b>%'",
        );
        assert.equal(row?.title, "<b>Linen</b> Apron &amp; Co");
      },
    },
  },
  {
    name: "emoji survive (4-byte UTF-8)",
    file: "tiktok-emoji.csv",
    data: async () =>
      (await fixture("tiktok-ads.csv"))
        .toString("utf8")
        .replace("Spark 01,2026-11-20", "Spark 🔥🧺,2026-11-20"),
    expect: {
      status: "loaded",
      loaded: 3,
      check: async (harness) => {
        const [row] = await harness.rows<{ name: string }>(
          "SELECT json_extract_string(metrics, '$.ad_name') AS name FROM raw.tiktok_ads_reports_daily WHERE json_extract_string(metrics, '$.ad_name') LIKE 'Spark 🔥%'",
        );
        assert.equal(row?.name, "Spark 🔥🧺");
      },
    },
  },
  {
    name: "CRLF line endings",
    file: "orders-crlf.csv",
    data: async () => (await shopifyOrders()).replace(/\n(?=#)/g, "\r\n").replace(/,Id,/, ",Id,"),
    expect: { status: "loaded", loaded: 8, quarantined: 0 },
  },
  {
    name: "LF line endings with CRLF inside quoted fields",
    file: "orders-mixed-eol.csv",
    data: async () => (await shopifyOrders()).replace("Leave at the door.\n", "Leave at the door.\r\n"),
    expect: { status: "loaded", loaded: 8, quarantined: 0 },
  },
  {
    name: "UTF-8 BOM before the header",
    file: "orders-bom.csv",
    data: async () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await fixture("shopify-orders.csv")]),
    expect: { status: "loaded", loaded: 8 },
  },
  {
    name: "Latin-1 accents in a mapped sales export (encoding auto-detected)",
    file: "cave-latin1.csv",
    mappings: [SALES_MAPPING],
    data: () => iconv.encode(sales("F1;21/11/2026;Crémant d'Alsace;12,50"), "latin1"),
    expect: {
      status: "loaded",
      loaded: 1,
      check: async (harness) => {
        const [row] = await harness.rows<{ title: string }>(
          "SELECT json_extract_string(line_items, '$[0].title') AS title FROM raw.shopify_orders WHERE source_name = 'cave'",
        );
        assert.equal(row?.title, "Crémant d'Alsace");
      },
    },
  },
  {
    name: "semicolons, decimal commas, no-break and narrow no-break thousand spaces",
    file: "cave-utf8.csv",
    mappings: [SALES_MAPPING],
    data: () =>
      sales("F2;21/11/2026;A;1\u00a0234,56", "F3;21/11/2026;B;2\u202f001,00", "F4;21/11/2026;C;1 000 000,5"),
    expect: {
      status: "loaded",
      loaded: 3,
      check: async (harness) => {
        const rows = await harness.rows<{ name: string; total: string }>(
          "SELECT name, CAST(total_price AS VARCHAR) AS total FROM raw.shopify_orders WHERE name IN ('F2','F3','F4') ORDER BY name",
        );
        assert.deepEqual(
          rows.map((row) => [row.name, Number(row.total)]),
          [
            ["F2", 1234.56],
            ["F3", 2001],
            ["F4", 1000000.5],
          ],
        );
      },
    },
  },
  {
    name: "dd/mm/yyyy is never read as mm/dd: 31/11 is no date",
    file: "cave-bad-date.csv",
    mappings: [SALES_MAPPING],
    data: () => sales("F5;31/11/2026;A;10,00", "F6;12/11/2026;B;10,00"),
    expect: {
      status: "loaded",
      loaded: 1,
      quarantined: 1,
      reason: /"31\/11\/2026" is not a valid calendar date/,
    },
  },
  {
    // A declared mapping groups an invoice's rows by its order column the same way.
    name: "a mapped sales export's invoice with a truncated row is quarantined whole",
    file: "cave-truncated-line.csv",
    mappings: [SALES_MAPPING],
    data: () => sales("F7;21/11/2026;A;10,00", "F7;21/11/2026", "F8;21/11/2026;B;5,00"),
    expect: {
      status: "loaded",
      loaded: 1,
      quarantined: 2,
      reason: /^order F7: line 3 has 2 of the header's 4 fields .*all 2 of its rows are quarantined/,
    },
  },
  {
    name: "credit notes (negative amounts) are not sales",
    file: "cave-credit.csv",
    mappings: [SALES_MAPPING],
    data: () => sales("A1;21/11/2026;Avoir;-10,00"),
    expect: {
      status: "loaded",
      loaded: 0,
      quarantined: 1,
      reason: /negative \(credit notes are not sales\)/,
    },
  },
  {
    name: "a mapped XLSX workbook (typed numbers and dates)",
    file: "cave.xlsx",
    mappings: [SALES_MAPPING],
    data: () =>
      xlsx([
        ["Facture", "Date", "Produit", "Montant"],
        ["X1", new Date(Date.UTC(2026, 10, 21)), "Brut", 1234.5],
        ["X2", "21/11/2026", "Rosé", "99,90"],
      ]),
    expect: {
      status: "loaded",
      loaded: 2,
      check: async (harness) => {
        const rows = await harness.rows<{ name: string; total: string }>(
          "SELECT name, CAST(total_price AS VARCHAR) AS total FROM raw.shopify_orders WHERE name IN ('X1','X2') ORDER BY name",
        );
        assert.deepEqual(
          rows.map((row) => [row.name, Number(row.total)]),
          [
            ["X1", 1234.5],
            ["X2", 99.9],
          ],
        );
      },
    },
  },
  {
    name: "a corrupt XLSX (zip signature, garbage after) fails the file",
    file: "broken.xlsx",
    data: () => Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.from("not really a zip".repeat(50))]),
    expect: { status: "failed", error: /XLSX|worksheet/ },
  },
  {
    name: "an empty file fails with a clear message",
    file: "empty.csv",
    data: () => "",
    expect: { status: "failed", error: /the file is empty/ },
  },
  {
    name: "an ad export in a language it does not read (German Ads Manager) fails, saying to export in English",
    file: "meta-de.csv",
    data: () =>
      'Berichtsbeginn,Berichtsende,Kampagnenname,Ausgegebener Betrag (EUR)\n2026-11-20,2026-11-20,Sale,"12,50"\n',
    expect: {
      status: "failed",
      error:
        /no known export header.*columns named in English \(Meta's in French or Spanish too, Google Ads' in French or German\): set the platform's language to English/,
    },
  },
  {
    name: "an unknown export fails, without quoting its (possibly personal) first row",
    file: "mystery.csv",
    data: () => "jane.doe@example.com,Jane,Doe,555-0100\nx@example.com,X,Y,555-0101\n",
    expect: {
      status: "failed",
      error: /no known export header in the first 2 rows \(the first row has 4 fields\)/,
      check: async (_harness, outcome) => {
        assert.doesNotMatch(outcome.manifest.error ?? "", /jane|555/i);
      },
    },
  },
  {
    name: "binary garbage fails the file",
    file: "image.csv",
    data: () => Buffer.from(Array.from({ length: 3000 }, (_, index) => (index * 7919) % 256)),
    expect: { status: "failed" },
  },
  {
    name: "Google Ads: title lines, Total rows, -- placeholders, quoted thousands",
    file: "google.csv",
    data: () => fixture("google-ads-report.csv"),
    expect: {
      status: "loaded",
      loaded: 4,
      quarantined: 0,
      check: async (_harness, outcome) => {
        assert.equal(outcome.manifest.summaryRows, 2);
        assert.equal(outcome.manifest.headerLine, 3);
      },
    },
  },
  {
    name: "Google Ads over a range without a Day column cannot be dated",
    file: "google-aggregated.csv",
    data: () =>
      'Campaign report\n"November 1, 2026 - November 21, 2026"\nCampaign,Currency code,Cost,Impr.,Clicks\nBrand,USD,"1,000.00",100,10\nTotal: Account,,"1,000.00",100,10\n',
    // Refused whole, so the manifest never says "loaded" for a file of which nothing could be dated.
    expect: {
      status: "failed",
      error: /covers 2026-11-01 to 2026-11-21 without a "Day" column; export it again/,
    },
  },
  {
    name: "Google Ads malformed thousands are not guessed",
    file: "google-bad-number.csv",
    data: () => 'Campaign,Day,Currency code,Cost,Impr.,Clicks\nBrand,2026-11-21,USD,"1,23,4.00",100,10\n',
    expect: { status: "loaded", loaded: 0, quarantined: 1, reason: /"1,23,4.00" is not a number/ },
  },
  {
    name: "Meta aggregated over several days is quarantined (spend would land on the wrong day)",
    file: "meta-aggregated.csv",
    data: () =>
      '"Reporting starts","Reporting ends","Campaign name","Amount spent (EUR)",Impressions\n2026-11-01,2026-11-21,Prospecting,"1,000.00",10000\n2026-11-21,2026-11-21,Retargeting,12.00,400\n',
    expect: {
      status: "loaded",
      loaded: 1,
      quarantined: 1,
      reason: /covers 2026-11-01 to 2026-11-21; .*daily breakdown/,
      check: async (harness) => {
        const [row] = await harness.rows<{ currency: string }>(
          "SELECT account_currency AS currency FROM raw.facebook_ads_insights WHERE campaign_name = 'Retargeting' AND spend = 12",
        );
        assert.equal(row?.currency, "EUR", "currency from the column name");
      },
    },
  },
  {
    name: "an order's rows split apart are refused, not half-loaded",
    file: "orders-split.csv",
    data: async () => {
      const [header, ...rest] = (await shopifyOrders()).split(/\n(?=#)/);
      const continuation = rest.findIndex((row) => row.startsWith("#1001,") && !row.includes(",paid,"));
      const moved = rest.splice(continuation, 1);
      return [header, ...rest, ...moved].join("\n");
    },
    expect: {
      status: "loaded",
      loaded: 7,
      quarantined: 1,
      reason: /order #1001 appears again after other rows/,
    },
  },
  {
    name: "a timestamp without its UTC offset is refused",
    file: "orders-no-offset.csv",
    data: async () => (await shopifyOrders()).replace("2026-11-21 09:14:59 -0500", "2026-11-21 09:14:59"),
    expect: { status: "loaded", loaded: 7, quarantined: 1, reason: /"Created at".*UTC offset/ },
  },
  {
    name: "a bad line item quarantines its whole order (all its rows), naming the line",
    file: "orders-bad-quantity.csv",
    data: async () =>
      (await shopifyOrders()).replace(",1,Olive Wood Board,40.00,", ",1.5,Olive Wood Board,40.00,"),
    expect: {
      status: "loaded",
      loaded: 6,
      quarantined: 2,
      reason: /line item on line \d+: column "Lineitem quantity": "1.5" is not a whole number/,
    },
  },
  {
    // A mis-split row is refused before its cells are read, but its order is still known by its first column:
    // the order's other rows go with it, never loaded short of that line's units and revenue.
    name: "a line of an order with a field too many quarantines its whole order, naming the line",
    file: "orders-line-extra-field.csv",
    data: async () => withLineEnding(await shopifyOrders(), 6, ",stray"),
    expect: {
      status: "loaded",
      loaded: 6,
      quarantined: 2,
      reason:
        /^order #1001: line 6 has 80 fields where the header has 79 .*; all 2 of its rows are quarantined, as the order must not load without that line$/,
    },
  },
  {
    // The order's first row (its totals) refused: its two other rows were quarantined as "column Id is empty",
    // which hid the cause; now the three go together under the first row's reason.
    name: "an order whose first row is mis-split is quarantined whole, under that row's reason",
    file: "orders-first-row-extra-field.csv",
    data: async () => withLineEnding(await shopifyOrders(), 9, ",stray"),
    expect: {
      status: "loaded",
      loaded: 5,
      quarantined: 3,
      reason:
        /^order #1003: line 8 has 80 fields where the header has 79 .*all 3 of its rows are quarantined/,
    },
  },
  {
    name: "quarantine reasons never carry personal data; the original row is kept in quarantine",
    file: "orders-bad-total.csv",
    data: async () => (await shopifyOrders()).replace(",47.81,WELCOME10,", ",forty,WELCOME10,"),
    expect: {
      status: "loaded",
      loaded: 7,
      quarantined: 1,
      reason: /^column "Total": "forty" is not a number/,
      check: async (harness, outcome) => {
        const text = String(await harness.bucket.read(outcome.quarantinePath ?? ""));
        assert.match(text, /^line,reason,Name,Email,/);
        assert.match(text, /bo\.example@example\.com/, "the original row is kept");
        for (const reason of await quarantineReasons(harness, outcome)) assert.doesNotMatch(reason, /@/);
      },
    },
  },
  {
    name: "a row with more fields than the header (an unquoted delimiter) is quarantined",
    file: "tiktok-extra-field.csv",
    data: async () =>
      `${(await fixture("tiktok-ads.csv")).toString("utf8")}BF Spark Ads,Interest, Home,Spark 03,2026-11-21,USD,1.00,10,1,0,0,0\n`,
    expect: { status: "loaded", loaded: 3, quarantined: 1, reason: /has 12 fields where the header has 11/ },
  },
  {
    name: "tab-delimited TikTok export",
    file: "tiktok.tsv",
    data: async () => (await fixture("tiktok-ads.csv")).toString("utf8").replace(/,/g, "\t"),
    expect: { status: "loaded", loaded: 3 },
  },
  {
    name: "legacy customers export without ids gets stable ids from the email",
    file: "customers-legacy.csv",
    data: () => fixture("shopify-customers-legacy.csv"),
    expect: {
      status: "loaded",
      loaded: 2,
      check: async (harness) => {
        const rows = await harness.rows<{ id: bigint }>(
          "SELECT id FROM raw.shopify_customers WHERE email LIKE '%brule%'",
        );
        assert.ok(rows[0] && rows[0].id > 0n);
      },
    },
  },
];

describe("file drops: the bad-input corpus", () => {
  let harness: Harness;
  before(async () => {
    harness = await createHarness();
  });
  after(async () => {
    await harness.close();
  });

  it("has at least 30 cases", () => {
    assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  });

  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const outcome = await harness.ingest(testCase.file, await testCase.data(), {
        mappings: testCase.mappings,
      });
      const { manifest } = outcome;
      const { expect } = testCase;
      assert.equal(manifest.status, expect.status, `status (error: ${manifest.error})`);
      assert.equal(
        manifest.rowsRead,
        manifest.rowsLoaded + manifest.rowsQuarantined,
        "read = loaded + quarantined",
      );
      if (expect.loaded !== undefined) assert.equal(manifest.rowsLoaded, expect.loaded, "rows loaded");
      if (expect.quarantined !== undefined) {
        assert.equal(manifest.rowsQuarantined, expect.quarantined, "rows quarantined");
      }
      if (expect.reason) {
        const reasons = await quarantineReasons(harness, outcome);
        assert.ok(reasons.length > 0, "a quarantine file with reasons");
        for (const reason of reasons) assert.match(reason, expect.reason);
      }
      if (expect.status === "failed") {
        assert.ok(manifest.error?.startsWith(`${testCase.file}: `), "the error names the file");
        if (expect.error) assert.match(manifest.error ?? "", expect.error);
        assert.ok(await harness.bucket.exists(manifest.receivedPath), "the original stays in raw/");
        const [landed] = await harness.rows<{ n: bigint }>(
          `SELECT count(*) AS n FROM ops.file_drops WHERE sha256 = '${manifest.sha256}' AND status = 'failed'`,
        );
        assert.equal(landed?.n, 1n, "recorded in ops.file_drops");
      }
      await expect.check?.(harness, outcome);
    });
  }

  it("a reject rate above 5% is a warning finding; at or below, information; none without rejects", () => {
    const base = {
      status: "loaded" as const,
      rowsRead: 100,
      fileName: "x.csv",
      format: "Meta Ads Manager export",
      rawTable: "facebook_ads_insights",
      quarantinePath: "quarantine/dt=2026-11-21/x.csv",
    };
    const over = dropFindings({ manifest: { ...base, rowsQuarantined: 6 } as never });
    assert.equal(over.length, 1);
    assert.equal(over[0]?.severity, "warning");
    assert.equal(over[0]?.step, "ingest");
    const under = dropFindings({ manifest: { ...base, rowsQuarantined: 1 } as never });
    assert.deepEqual(
      under.map((finding) => [finding.severity, finding.check, finding.message]),
      [
        [
          "info",
          "file_drop_rejects",
          "1 of the 100 rows of x.csv (Meta Ads Manager export) was not loaded (1.0%), so its numbers are missing from the figures; it is in quarantine/dt=2026-11-21/x.csv with its line and reason: correct the file and drop it again.",
        ],
      ],
    );
    assert.equal(dropFindings({ manifest: { ...base, rowsQuarantined: 5 } as never })[0]?.severity, "info");
    assert.equal(dropFindings({ manifest: { ...base, rowsQuarantined: 0 } as never }).length, 0);
  });
});
