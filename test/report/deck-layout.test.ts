// What keeps board slides readable when rendered: KPI values sized to stay on one line in their tile, titles
// sized to fit the bar, text measured as it wraps (at spaces), money axes compact ($1.6M) while the data stays
// exact. Checked on the rendered .pptx where the size lands in the XML.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { valueFontSize, wrappedLines } from "../../functions/report/deck-blocks.ts";
import { compactMoneyFormat } from "../../functions/report/deck-charts.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck, titleFontSize } from "../../functions/report/deck-render.ts";
import { TITLE_W } from "../../functions/report/deck-style.ts";
import { openDeck, slideWithTitle } from "./pptx-reader.ts";
import { buildReportData } from "./report-data-fixture.ts";

describe("deck layout", () => {
  it("sizes a KPI value so that it stays on one line of its tile", () => {
    // A tile of 1.6 in: "$584,662" keeps the full 22 pt; "$12,345,678" must shrink to fit.
    assert.equal(valueFontSize("$584,662", 1.6), 22);
    const size = valueFontSize("$12,345,678", 1.6);
    assert.ok(size < 22);
    // At that size, 11 bold digits (~0.62 em each) take no more than the tile's width.
    assert.ok((11 * 0.62 * size) / 72 <= 1.6);
  });

  it("sets each title's size on its run, small enough to fit the title bar", async () => {
    const data = buildReportData();
    const deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const { xml } = slideWithTitle(deck, "LTV by cohort");
    const title = "LTV by cohort — cumulative revenue per customer";
    const size = titleFontSize(title);
    assert.ok(size < 20, "a long title is set smaller than the 20 pt default");
    assert.ok((title.length * 0.63 * size) / 72 <= TITLE_W);
    const run = xml.split("</a:r>").find((one) => one.includes(`<a:t>${title}</a:t>`));
    assert.match(run ?? "", new RegExp(`<a:rPr lang="en-US" sz="${size * 100}"`));
  });

  it("counts the lines a text wraps to at spaces, not by characters alone", () => {
    assert.equal(wrappedLines("Revenue share", 7), 2);
    assert.equal(wrappedLines("Revenue share", 13), 1);
    // 10 + 1 + 10 characters in lines of 15: the second word cannot share the first line.
    assert.equal(wrappedLines("aaaaaaaaaa bbbbbbbbbb", 15), 2);
    assert.equal(wrappedLines("Customers", 7), 2);
  });

  it("makes money axes compact with Excel's own conditional format, and leaves other formats alone", () => {
    assert.equal(compactMoneyFormat('"$"#,##0'), '[>=1000000]"$"0.0,,"M";[>=1000]"$"0,"k";"$"0');
    assert.equal(compactMoneyFormat('"$"#,##0', 1), '[>=1000000]"$"0.0,,"M";[>=1000]"$"0.0,"k";"$"0');
    assert.equal(compactMoneyFormat('#,##0 "€"'), '[>=1000000]0.0,,"M ""€";[>=1000]0,"k ""€";0 "€"');
    assert.equal(compactMoneyFormat("0.00"), "0.00");
    assert.equal(compactMoneyFormat("#,##0"), "#,##0");
  });
});
