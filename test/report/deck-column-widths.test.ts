// How the deck sizes a table's columns before any renderer measures text (pptxgenjs does not): a column is as wide
// as its longest word, and as wide as the whole of a label marked `whole` (a month, "1–21 Nov 2026"), taken from
// the columns that can spare it. The rendered deck is measured in a browser by deck-table-fit.test.ts; these are
// the estimator's own rules, independent of the machine's fonts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { columnWidths } from "../../functions/report/deck-blocks.ts";
import type { TableSpec } from "../../functions/report/deck-model.ts";

const FONT_PT = 9;
const BOLD_EM = 0.64;
const CELL_MARGINS = 0.121;

function monthTable(whole: boolean): TableSpec {
  return {
    id: "months",
    columns: [
      { header: "Month", width: 1, align: "left" },
      { header: "Orders", width: 3, align: "right" },
      { header: "Revenue", width: 3, align: "right" },
    ],
    rows: [
      [
        { text: "١–٢١ نوفمبر ٢٠٢٦", bold: true, ...(whole ? { whole } : {}) },
        { text: "1,234" },
        { text: "$56,789" },
      ],
    ],
  };
}

describe("the deck's column widths", () => {
  it("gives a whole label its width on one line, from the columns that can spare it", () => {
    // 16 visible characters, bold, at 9 pt: the estimator's em per character, plus the cell's margins.
    const needed = CELL_MARGINS + (16 * FONT_PT * BOLD_EM) / 72;
    const widths = columnWidths(monthTable(true), 7, FONT_PT);
    assert.ok(widths[0]! >= needed - 1e-9, `${widths[0]} < ${needed}`);
    assert.ok(Math.abs(widths.reduce((sum, one) => sum + one, 0) - 7) < 1e-9, "the table keeps its width");
    assert.ok(widths[1]! < 3 && widths[2]! < 3, "the room comes from the other columns");
  });

  it("sizes an unmarked label for its longest word only, so it may wrap at its spaces", () => {
    const widths = columnWidths(monthTable(false), 7, FONT_PT);
    assert.equal(widths[0], 1, "the column keeps its weight's share: its longest word (6 characters) fits");
  });

  it("leaves the weights when the other columns cannot spare enough", () => {
    const widths = columnWidths(monthTable(true), 1.5, FONT_PT);
    assert.deepEqual(
      widths.map((one) => one.toFixed(4)),
      [1.5 / 7, 4.5 / 7, 4.5 / 7].map((one) => one.toFixed(4)),
    );
  });
});
