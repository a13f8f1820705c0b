// Control characters in the shop's names (NUL, VT, FF, ESC) never reach the deck's XML: the report data is
// stripped on load, so every slide stays well-formed XML 1.0 and the text reads as the name without them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stripControlCharactersDeep } from "../../functions/lib/text-safety.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import { openDeck, texts } from "./pptx-reader.ts";
import { buildReportData } from "./report-data-fixture.ts";

// Characters XML 1.0 forbids (tab, LF and CR are allowed).
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/; // eslint-disable-line no-control-regex

describe("deck text with control characters", () => {
  it("renders a shop name holding NUL, VT, ESC and FF as well-formed slides", async () => {
    const hostile = "Serum\u0000 Gold\u000b\u001b[2J\u000c";
    const data = buildReportData({ shopName: hostile });
    const deck = await openDeck(await renderDeck(buildDeckContent(stripControlCharactersDeep(data))));
    const all = deck.slides.join("\n");
    assert.doesNotMatch(all, XML_FORBIDDEN);
    assert.ok(deck.slides.some((slide) => texts(slide).some((text) => text.includes("Serum Gold[2J"))));
  });
});
