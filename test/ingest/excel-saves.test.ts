// Exports that went through Excel (hand-made in test/ingest/fixtures/shapes/): a decimal-comma save loads whole,
// ids Excel turned into scientific notation refuse the file, and a file mixing UTF-8 and Windows-1252 is
// refused rather than loaded garbled.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { decideDecimalSeparator } from "../../functions/ingest/parse-values.ts";
import { createHarness, fixture, FIXTURES, type Harness } from "./harness.ts";

const SHAPES = join(FIXTURES, "shapes");

describe("exports saved by Excel", () => {
  let harness: Harness;
  before(async () => {
    harness = await createHarness();
  });
  after(() => harness.close());

  it("decides the decimal separator from the amounts", () => {
    assert.equal(decideDecimalSeparator(["88,00", "6,95", "1.234,56", "0"]), ",");
    assert.equal(decideDecimalSeparator(["88.00", "1,234.56", "12"]), ".");
    assert.equal(decideDecimalSeparator(["1,234", "12"]), ".", "a thousands group is not a decimal comma");
    assert.equal(decideDecimalSeparator(["88,00", "6.95"]), ".", "a mix is not guessed");
  });

  it("loads a decimal-comma save (';', 1234,56) whole, with the amounts of the file", async () => {
    const bytes = await readFile(join(SHAPES, "shopify-orders-excel-decimal-comma.csv"));
    const outcome = await harness.ingest("orders-excel.csv", bytes);
    assert.equal(outcome.manifest.status, "loaded", outcome.manifest.error ?? "");
    assert.equal(outcome.manifest.delimiter, ";");
    assert.equal(outcome.manifest.decimalSeparator, ",");
    assert.equal(outcome.manifest.rowsQuarantined, 0);
    assert.equal(outcome.manifest.rowsRead, outcome.manifest.rowsLoaded + outcome.manifest.rowsQuarantined);
    const rows = parse(bytes, { columns: true, delimiter: ";", relax_column_count: true }) as Record<
      string,
      string
    >[];
    const expectedCents = rows
      .filter((row) => (row.Total ?? "") !== "")
      .reduce((sum, row) => sum + Math.round(Number((row.Total ?? "").replace(",", ".")) * 100), 0);
    const [loaded] = await harness.rows<{ cents: bigint }>(
      "SELECT CAST(round(sum(total_price) * 100) AS BIGINT) AS cents FROM raw.shopify_orders",
    );
    assert.equal(Number(loaded?.cents), expectedCents);
  });

  it("refuses a file whose order ids Excel turned into scientific notation, and says how to export", async () => {
    const outcome = await harness.ingest(
      "orders-sci.csv",
      await readFile(join(SHAPES, "shopify-orders-excel-scientific-ids.csv")),
    );
    assert.equal(outcome.manifest.status, "failed");
    assert.match(
      outcome.manifest.error ?? "",
      /column "Id" holds 5\.61235E\+12, an order id that Excel turned into scientific notation/,
    );
    assert.match(outcome.manifest.error ?? "", /without opening and saving it in Excel/);
    assert.equal(outcome.manifest.rowsLoaded, 0);
  });

  it("refuses a file that mixes UTF-8 and Windows-1252 lines, naming a line of each", async () => {
    const utf8 = await fixture("meta-ads-daily.csv");
    // A row re-typed in a Windows-1252 editor: "Crème" with é as the single byte 0xE9.
    const legacy = Buffer.from(
      '2026-11-20,2026-11-20,"Retargeting","Site visitors 30d","Cr\u00e8me",2026-11-20,active,"7-day click or 1-day view",0,,700,1300,,15.00,12,1.25,,,\n',
      "latin1",
    );
    const outcome = await harness.ingest("meta-mixed.csv", Buffer.concat([utf8, legacy]));
    assert.equal(outcome.manifest.status, "failed");
    assert.match(
      outcome.manifest.error ?? "",
      /mixes two text encodings: line 2 is written in UTF-8 and line 6 in Windows-1252/,
    );
  });
});
