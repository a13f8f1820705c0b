// The deck of a run whose Shopify data is critically stale says so at the top of the executive summary, as the
// email does, before any KPI card; a run with Shopify fresh has no such line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import type { ContentSlide } from "../../functions/report/deck-model.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { buildReportData } from "./report-data-fixture.ts";
import { openDeck, paragraphs, slideWithTitle, texts } from "./pptx-reader.ts";

const BANNER = "Shopify data is stale: no orders since Wed 18 Nov.";

describe("deck: Shopify critically stale", { timeout: 60_000 }, () => {
  it("opens the executive summary with the stale-Shopify banner, above the KPI cards", async () => {
    const data = buildReportData();
    const shopify = data.sources.find((source) => source.source === "shopify");
    assert.ok(shopify);
    Object.assign(shopify, { lastEventDate: "2026-11-18", lagDays: 3, status: "critical" });
    for (const row of data.daily) if (row.date > "2026-11-18") row.missing_sources = "shopify";
    const content = buildDeckContent(data);
    const summary = content.slides.find((slide) => slide.kind === "summary") as ContentSlide | undefined;
    assert.ok(summary);
    const first = summary.blocks[0]?.block;
    assert.equal(first?.type, "text");
    assert.ok(first?.type === "text");
    assert.ok(first.lines[0]?.text.startsWith(BANNER), first.lines[0]?.text);
    assert.equal(first.lines[0]?.emphasis, "bad");
    assert.equal(summary.blocks[1]?.block.type, "kpis");

    const deck = await openDeck(await renderDeck(content));
    const { xml } = slideWithTitle(deck, "Executive summary");
    const all = texts(xml).join(" ");
    assert.ok(all.includes(BANNER), "the rendered slide carries the banner");
    assert.ok(paragraphs(xml).some((line) => line.startsWith(BANNER)));
    // The banner pushes the cards down but every shape stays on the 10 × 5.625 in slide.
    const [width, height] = [10 * 914_400, 5.625 * 914_400];
    for (const match of xml.matchAll(/<a:off x="(-?\d+)" y="(-?\d+)"\/><a:ext cx="(\d+)" cy="(\d+)"\/>/g)) {
      const [x, y, cx, cy] = [match[1], match[2], match[3], match[4]].map(Number) as [
        number,
        number,
        number,
        number,
      ];
      assert.ok(x >= 0 && y >= 0 && x + cx <= width + 1 && y + cy <= height + 1, "a shape off the slide");
    }
  });

  it("opens the executive summary with a line saying the day comes before the shop's data, when no day has any", () => {
    // A run for 21 Nov of a shop whose first order is later: Shopify is fresh, and the report has no day.
    const content = buildDeckContent({ ...buildReportData(), daily: [] });
    const summary = content.slides.find((slide) => slide.kind === "summary") as ContentSlide | undefined;
    assert.ok(summary);
    const first = summary.blocks[0]?.block;
    assert.ok(first?.type === "text");
    assert.equal(
      first.lines[0]?.text,
      "No orders or ad spend on or before Sat 21 Nov: this day comes before the shop's data begins, so every figure below is n/a. Run a later date.",
    );
  });

  it("has no banner while Shopify is fresh (only a stale ad platform)", () => {
    const content = buildDeckContent(buildReportData());
    const summary = content.slides.find((slide) => slide.kind === "summary") as ContentSlide | undefined;
    assert.ok(summary);
    assert.equal(summary.blocks[0]?.block.type, "kpis");
    assert.ok(!JSON.stringify(summary).includes("Shopify data is stale"));
  });
});
