// Reading an extract from its first row on or after a day gives exactly the rows a whole parse filtered by that
// day gives, including when a quoted cell holds a line that looks like a row, and when no row is that recent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { parseExtract } from "../../functions/report/dashboard-page.ts";
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
