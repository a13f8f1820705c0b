// A header's cells are looked up case- and space-insensitively, each name normalised once per header: the answer is
// the same on every record, and a name one header has is not found in another's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Columns } from "../../functions/ingest/format-spec.ts";

describe("Columns.cell", () => {
  it("finds a column however the name is spaced or cased, on every record", () => {
    const header = new Columns(["\ufeffName", "Lineitem  quantity", "Email"]);
    const records = [
      { cells: ["#1001", "2", "a@example.com"], line: 2 },
      { cells: ["#1002", "5"], line: 3 },
    ];
    for (const name of ["lineitem quantity", " LINEITEM QUANTITY ", "Lineitem  quantity"]) {
      assert.deepEqual(
        records.map((record) => header.cell(record, name)),
        ["2", "5"],
        name,
      );
    }
    assert.equal(header.cell(records[0]!, "name"), "#1001");
    // A short record has no cell for the last column; a name the header lacks, none anywhere.
    assert.equal(header.cell(records[1]!, "Email"), "");
    assert.equal(header.cell(records[0]!, "Phone"), "");
    assert.equal(header.cell(records[0]!, undefined), "");
  });

  it("keeps each header's columns to itself", () => {
    const orders = new Columns(["Name", "Total"]);
    const other = new Columns(["Total", "Name"]);
    const record = { cells: ["first", "second"], line: 2 };
    assert.equal(orders.cell(record, "Total"), "second");
    assert.equal(other.cell(record, "Total"), "first");
    assert.equal(orders.cell(record, "Total"), "second");
  });
});
