// Reading an extract from its first row on or after a day gives exactly the rows a whole parse filtered by that
// day gives, including when a quoted cell holds a line that looks like a row, and when no row is that recent;
// read from the bucket, only the extract's header and last bytes are read, as many for eight years as for one.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import type { Bucket } from "../../functions/shared/ports.ts";
import {
  FIRST_TAIL_BYTES,
  HEAD_BYTES,
  parseExtract,
  readExtractSince,
} from "../../functions/report/dashboard-page.ts";
import { extractRowsSince } from "../../functions/report/dashboard-rows.ts";
import { extractSchema } from "../../functions/shared/extract-schemas.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";

/** The reference: every row parsed, then kept by its date. */
function wholeThenFiltered(text: string, since: string): Record<string, string>[] {
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.filter((row) => (row.date ?? "") >= since);
}

const CSV = [
  "date,campaign_name,spend",
  "2026-10-30,Autumn,1.00",
  '2026-10-31,"Two lines\n2026-11-02,fake,9.99",2.00',
  "2026-11-01,Spring,3.00",
  '2026-11-02,"Comma, inside",4.00',
  "2026-11-02,Plain,5.00",
  "",
].join("\n");

describe("parseExtract from a day", () => {
  it("keeps the rows on or after the day, as a whole parse does", () => {
    for (const since of ["2026-10-01", "2026-10-31", "2026-11-01", "2026-11-02"]) {
      assert.deepEqual(parseExtract(CSV, { column: "date", since }), wholeThenFiltered(CSV, since), since);
    }
  });

  it("shows a cell as the shop wrote it, without the apostrophe the export put before a formula start", () => {
    const extract = `date,product_title\n2026-11-02,"'=HYPERLINK(""http://x"",""y"")"\n2026-11-03,'-2+3\n`;
    assert.deepEqual(
      parseExtract(extract).map((row) => row.product_title),
      ['=HYPERLINK("http://x","y")', "-2+3"],
    );
  });

  it("returns no row when none is that recent, and reads a BOM header", () => {
    assert.deepEqual(parseExtract(CSV, { column: "date", since: "2026-12-01" }), []);
    assert.deepEqual(
      parseExtract(`\uFEFF${CSV}`, { column: "date", since: "2026-11-02" }).map((row) => row.spend),
      ["4.00", "5.00"],
    );
  });

  it("reads a whole extract, or one kept by another column, as csv-parse's own records give them", () => {
    const reference = parse(`\uFEFF${CSV}`, { columns: true, bom: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(parseExtract(`\uFEFF${CSV}`), reference);
    // Kept by a column that is not the first: parsed whole, then filtered.
    assert.deepEqual(
      parseExtract(CSV, { column: "spend", since: "3" }),
      reference.filter((row) => (row.spend ?? "") >= "3"),
    );
    assert.deepEqual(parseExtract("date,spend\n"), []);
    assert.throws(() => parseExtract("date,spend\n2026-11-01\n"), /Invalid Record Length|INCONSISTENT/i);
  });

  it("is used only on extracts whose first column is that day and whose rows are sorted by it", () => {
    // The text search starts at the first line on or after the day: it relies on this order.
    for (const [name, keep] of Object.entries(extractRowsSince("2026-11-29"))) {
      assert.equal(extractSchema(name).columns[0]?.name, keep.column, `${name}: first column`);
      const sql = readSql(`extracts/${name}.sql`);
      const orderBy = /ORDER BY\s+([\w.]+)/gi;
      const last = [...sql.matchAll(orderBy)].at(-1)?.[1] ?? "";
      assert.equal(last.split(".").at(-1), keep.column, `${name}: sorted by ${keep.column} first`);
    }
  });
});

/** A campaign-day extract of `days` days ending 2026-11-29: five rows a day, names with commas, accents, quotes. */
function campaignDays(days: number, name: (day: string, index: number) => string): string {
  const rows: string[][] = [["date", "platform", "campaign_name", "spend"]];
  for (let day = addDays("2026-11-29", -(days - 1)); day <= "2026-11-29"; day = addDays(day, 1)) {
    for (let index = 0; index < 5; index++) rows.push([day, "meta", name(day, index), `${index}.25`]);
  }
  return stringify(rows);
}

/** The bucket, counting the bytes each kind of read returned. */
function counting(bucket: Bucket): { bucket: Bucket; bytes: { range: number; whole: number } } {
  const bytes = { range: 0, whole: 0 };
  return {
    bytes,
    bucket: Object.assign(Object.create(bucket) as Bucket, {
      readRange: async (path: string, start: number, end: number, generation?: string) => {
        const part = await bucket.readRange(path, start, end, generation);
        bytes.range += part?.data.length ?? 0;
        return part;
      },
      read: async (path: string) => {
        const data = await bucket.read(path);
        bytes.whole += data?.length ?? 0;
        return data;
      },
    }),
  };
}

describe("readExtractSince from the bucket", () => {
  let root: string;
  let bucket: FolderBucket;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-extract-tail-"));
    bucket = new FolderBucket(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const plainName = (day: string, index: number) => `Ünïcode, "quoted" ${index} ${day}`;

  it("gives the data-quality page this run's findings only, of an extract holding every run date's", async () => {
    // Three run dates of findings, as the findings extract accumulates them (sorted by run date).
    const rows = [
      [
        "run_date",
        "step",
        "check_name",
        "subject",
        "severity",
        "blocking",
        "observed",
        "expected",
        "message",
      ],
    ];
    for (const day of ["2026-10-20", "2026-11-28", "2026-11-29"])
      for (const severity of ["critical", "warning"])
        rows.push([
          day,
          "check-sources",
          "freshness",
          "meta",
          severity,
          "false",
          "1",
          "0",
          `${severity} of ${day}`,
        ]);
    await bucket.write("extracts/findings.csv", stringify(rows));
    const keep = extractRowsSince("2026-11-29").findings;
    assert.ok(keep, "the findings extract is read from its end");
    const shown = await readExtractSince(bucket, "extracts/findings.csv", keep);
    assert.deepEqual(
      shown?.map((row) => row.message),
      ["critical of 2026-11-29", "warning of 2026-11-29"],
    );
  });

  it("gives the rows a whole parse filtered by the day gives, for a recent day and one years back", async () => {
    const text = campaignDays(5000, plainName);
    assert.ok(text.length > HEAD_BYTES + 4 * FIRST_TAIL_BYTES, "long enough for several reads from the end");
    await bucket.write("extracts/campaign_daily.csv", text);
    for (const since of [
      "2026-11-29",
      "2026-11-02",
      "2026-01-01",
      "2021-01-01",
      "2014-01-01",
      "2027-01-01",
    ]) {
      const { bucket: watched, bytes } = counting(bucket);
      const rows = await readExtractSince(watched, "extracts/campaign_daily.csv", { column: "date", since });
      assert.deepEqual(rows, wholeThenFiltered(text, since), since);
      assert.equal(bytes.whole, 0, `${since}: never read whole`);
    }
    assert.equal(
      await readExtractSince(bucket, "extracts/missing.csv", { column: "date", since: "2026-11-02" }),
      undefined,
    );
  });

  it("reads as many bytes for eight years of history as for one", async () => {
    const read: Record<string, number> = {};
    for (const years of [1, 8]) {
      const path = `extracts/years-${years}.csv`;
      // Wide rows: a year is more than the first reads take, so both files are read from their end.
      const text = campaignDays(365 * years, (day, index) => `${plainName(day, index)} ${"x".repeat(150)}`);
      assert.ok(text.length > HEAD_BYTES + FIRST_TAIL_BYTES);
      await bucket.write(path, text);
      const { bucket: watched, bytes } = counting(bucket);
      const rows = await readExtractSince(watched, path, { column: "date", since: "2026-11-02" });
      assert.deepEqual(rows, wholeThenFiltered(text, "2026-11-02"));
      assert.equal(rows?.length, 28 * 5);
      assert.equal(bytes.whole, 0);
      read[years] = bytes.range;
    }
    assert.equal(read[8], read[1], "the same bytes, whatever the history");
    assert.equal(read[1], HEAD_BYTES + FIRST_TAIL_BYTES, "the header's part and one part from the end");
  });

  it("gives the same rows when quoted lines look like rows, and reads whole a file replaced between reads", async () => {
    // Every name holds a line that starts like a row, old or recent: wherever a read from the end starts, it may
    // land on one; the rows must still be those of a whole parse.
    for (const fake of ["2000-01-01,fake", "2026-11-10,fake"]) {
      const tricky = campaignDays(3000, (day, index) => `Line one\n${fake} ${index} ${day}`);
      await bucket.write("extracts/tricky.csv", tricky);
      for (const since of ["2026-11-02", "2025-06-01"]) {
        const rows = await readExtractSince(bucket, "extracts/tricky.csv", { column: "date", since });
        assert.deepEqual(rows, wholeThenFiltered(tricky, since), `${fake}, ${since}`);
      }
    }

    const before = campaignDays(3000, plainName);
    const replaced = campaignDays(3000, (day, index) => `Replaced ${index} ${day}`);
    await bucket.write("extracts/replaced.csv", before);
    let reads = 0;
    const racing = Object.assign(Object.create(bucket) as Bucket, {
      readRange: async (path: string, start: number, end: number, generation?: string) => {
        const part = await bucket.readRange(path, start, end, generation);
        // Export writes the file again right after the header was read.
        if ((reads += 1) === 1) await bucket.write(path, replaced);
        return part;
      },
    });
    const { bucket: watched, bytes } = counting(racing);
    const rows = await readExtractSince(watched, "extracts/replaced.csv", {
      column: "date",
      since: "2026-11-02",
    });
    assert.deepEqual(rows, wholeThenFiltered(replaced, "2026-11-02"));
    assert.equal(bytes.whole, Buffer.byteLength(replaced), "the new version, read whole");
  });
});
