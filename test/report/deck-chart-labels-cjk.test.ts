// The category axes of a Japanese shop's deck as LibreOffice draws them: a label wider than its category wraps, and
// Japanese may wrap between any two characters, so "2025年11月" under 13 monthly points came out as "2025" / "年" /
// "11" / "月", and a 28-day chart's "10月25日" as "10月" over "25日". The report fixture's Saturday 21 Nov 2026
// (test/report/report-data-fixture.ts) for a yen shop in ja-JP; every expected label is written out by hand.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { type DrawnWord, drawnRuns, type RenderedPage, renderDeckPages } from "../support/rendered-deck.ts";
import { buildReportData, TOKYO_SHOP } from "./report-data-fixture.ts";

// A label wrapped inside its category is drawn as a column of short lines, centred: "2025" over "年" over "11" over
// "月". Its year's mark then stands above its month's (or its month's above its day's), at the same place across.
// A whole label puts them side by side, on one line or on a slant. Positions in points, from pdftotext's boxes.
const FOLLOWS: Record<string, string> = { 年: "月", 月: "日" };
function stackedMarks(page: RenderedPage): string[] {
  const words = page.lines.flatMap((line) => line.words);
  const centre = (word: DrawnWord) => (word.xMin + word.xMax) / 2;
  return words.flatMap((upper) => {
    const next = FOLLOWS[upper.text];
    if (!next) return [];
    return words
      .filter(
        (lower) =>
          lower.text === next &&
          Math.abs(centre(lower) - centre(upper)) < 4 &&
          lower.yMin - upper.yMin > 3 &&
          lower.yMin - upper.yMin < 40,
      )
      .map((lower) => `${upper.text} above ${lower.text} at x ${Math.round(centre(upper))}`);
  });
}

// 25 Oct – 21 Nov 2026: the month named on the first bar and on the 1st, the other days by number.
const DAILY_LABELS = [
  "10/25",
  ...Array.from({ length: 6 }, (_, index) => `${26 + index}日`),
  "11/1",
  ...Array.from({ length: 20 }, (_, index) => `${2 + index}日`),
];

describe("a Japanese shop's chart axes in LibreOffice", { timeout: 180_000 }, () => {
  let pages: RenderedPage[];
  before(async () => {
    const data: ReportData = { ...buildReportData(), shop: TOKYO_SHOP };
    pages = await renderDeckPages(await renderDeck(buildDeckContent(data)));
  });
  const slide = (title: string) => {
    const page = pages.find((one) => one.text.split("\n")[1]?.startsWith(title));
    assert.ok(page, `a slide titled ${title}`);
    return page;
  };

  // The 13 months beside a table, the 28 days, and the PPC index's 6 months. (The 13 months of "Revenue and orders
  // trend", LibreOffice slants of itself; two slanted labels side by side can put one's mark above the other's.)
  for (const title of ["Marketing efficiency and contribution", "Revenue and ad spend", "Monthly PPC index"])
    it(`draws no label of "${title}" as a column of its parts`, () => {
      assert.deepEqual(stackedMarks(slide(title)), []);
    });

  it("draws each of the 28 days' labels on one line, the month's first days as 10/25 and 11/1", () => {
    const runs = drawnRuns(slide("Revenue and ad spend"));
    assert.deepEqual(
      DAILY_LABELS.filter((label) => !runs.includes(label)),
      [],
    );
  });
});
