import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { csvCell, csvChunks } from "../../functions/export/csv.ts";
import { neutraliseFormula, shownAsWritten } from "../../functions/lib/csv-formulas.ts";
import type { StreamBatch } from "../../functions/shared/ports.ts";

describe("CSV extracts", () => {
  it("neutralises text that a spreadsheet would run as a formula", () => {
    for (const hostile of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      assert.equal(neutraliseFormula(hostile), `'${hostile}`);
    }
    assert.equal(neutraliseFormula("Face cream"), "Face cream");
  });

  it("is read back as written by a page (the dashboard), which runs no formula", () => {
    for (const text of [
      '=HYPERLINK("http://x")',
      "-2+3",
      "@SUM(A1)",
      "\uff1dHYPERLINK(1)",
      "Face cream",
      "'90s Tee",
    ]) {
      assert.equal(shownAsWritten(neutraliseFormula(text)), text);
    }
  });

  it("neutralises full-width formula starts and strips control characters before looking", () => {
    for (const hostile of ["\uff1dHYPERLINK(1)", "\uff0b1", "\uff0d2", "\uff20SUM(A1)"]) {
      assert.equal(neutraliseFormula(hostile), `'${hostile}`);
    }
    assert.equal(neutraliseFormula("\u0000=cmd"), "'=cmd", "a NUL cannot hide a formula start");
    assert.equal(neutraliseFormula("Face\u0000 \u000bcream\u001b[31m\u000c"), "Face cream[31m");
    assert.equal(
      neutraliseFormula("two\nlines\tand tab"),
      "two\nlines\tand tab",
      "CSV quoting handles these",
    );
    const cell = String(csvCell({ title: "a\u0000\u001bb" }));
    assert.ok(![...cell].some((char) => char.charCodeAt(0) < 0x20), cell);
  });

  it("leaves numbers numeric, negative ones included, and writes NULL as an empty cell", () => {
    assert.equal(csvCell(-12.5), -12.5);
    assert.equal(csvCell(null), null);
    assert.equal(csvCell(true), "true");
    assert.equal(csvCell(Number.NaN), null);
  });

  it("streams batches into one header and quoted rows", async () => {
    const columns = [
      { name: "date", type: "DATE" },
      { name: "product_title", type: "VARCHAR" },
      { name: "revenue", type: "DECIMAL" },
    ];
    async function* batches(): AsyncIterable<StreamBatch> {
      yield {
        columns,
        rows: [{ date: "2026-11-21", product_title: 'Serum, "Gold"\nedition', revenue: 10.5 }],
      };
      yield { columns, rows: [{ date: "2026-11-21", product_title: "=cmd|' /C calc'!A0", revenue: -3 }] };
    }
    const counter = { rows: 0 };
    let text = "";
    for await (const chunk of csvChunks(batches(), counter)) text += chunk;
    assert.equal(counter.rows, 2);
    const records = parse(text) as string[][];
    assert.deepEqual(records, [
      ["date", "product_title", "revenue"],
      ["2026-11-21", 'Serum, "Gold"\nedition', "10.5"],
      ["2026-11-21", "'=cmd|' /C calc'!A0", "-3"],
    ]);
  });

  it("writes a header-only CSV for a result with no rows (the first, empty batch carries the columns)", async () => {
    async function* empty(): AsyncIterable<StreamBatch> {
      yield {
        columns: [
          { name: "run_date", type: "DATE" },
          { name: "message", type: "VARCHAR" },
        ],
        rows: [],
      };
    }
    const counter = { rows: 0 };
    let text = "";
    for await (const chunk of csvChunks(empty(), counter)) text += chunk;
    assert.equal(text, "run_date,message\n");
    assert.equal(counter.rows, 0);
  });
});
