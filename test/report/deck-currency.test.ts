// A shop that does not sell in US dollars reads its whole deck in its own currency: the fixture's marts with the
// shop of a Tokyo brand (JPY, ja-JP), and every word the deck prints (slides, speaker notes, chart number
// formats) searched for a dollar sign or "USD", which only a hard-coded US assumption could have put there.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildReportData, FINDINGS, TOKYO_SHOP } from "./report-data-fixture.ts";
import { decode, type OpenedDeck, openDeck, slideTitle, texts } from "./pptx-reader.ts";

describe("the deck of a shop selling in yen", () => {
  let deck: OpenedDeck;
  let notes: string[];
  let chartFormats: string[];

  before(async () => {
    const fixture = buildReportData({
      // check-quality words its messages in the shop's currency: the fixture's one message in dollars says yen.
      findings: FINDINGS.map((finding) => ({ ...finding, message: finding.message.replace(/\$/g, "￥") })),
    });
    const data: ReportData = { ...fixture, shop: TOKYO_SHOP };
    deck = await openDeck(await renderDeck(buildDeckContent(data)));
    const parts = Object.keys(deck.zip.files);
    const read = (pattern: RegExp) =>
      Promise.all(
        parts.filter((name) => pattern.test(name)).map((name) => deck.zip.file(name)!.async("string")),
      );
    notes = (await read(/^ppt\/notesSlides\/notesSlide\d+\.xml$/)).flatMap(texts);
    chartFormats = (await read(/^ppt\/charts\/chart\d+\.xml$/)).flatMap((xml) =>
      [...xml.matchAll(/formatCode="([^"]*)"|<c:formatCode>([^<]*)<\/c:formatCode>/g)].map((match) =>
        decode(match[1] ?? match[2] ?? ""),
      ),
    );
  });

  it("says its money is in yen", () => {
    assert.ok(
      texts(deck.slides[0]!).some((text) => text.includes("all money in JPY")),
      texts(deck.slides[0]!).join(" | "),
    );
    assert.ok(
      chartFormats.some((format) => format.includes('"￥"')),
      chartFormats.join(" | "),
    );
  });

  it("prints no dollar sign and no USD on any slide, in any speaker note or chart format", () => {
    const dollars = (text: string) => /\$|\bUSD\b/.test(text);
    const onSlides = deck.slides.flatMap((xml) =>
      texts(xml)
        .filter(dollars)
        .map((text) => `${slideTitle(xml)}: ${text}`),
    );
    assert.deepEqual(onSlides, []);
    assert.ok(notes.length > 0, "the deck has speaker notes");
    assert.deepEqual(notes.filter(dollars), []);
    assert.deepEqual(chartFormats.filter(dollars), []);
  });
});
