// The deck of a yen shop in Japanese as LibreOffice lays it out: Japanese breaks a line between any two characters,
// and a date broken across lines ("2026年11" over "月13日(金)") reads as two things. The bad morning of
// test/notify/bad-day-fixture.ts, plus findings about ten Meta accounts whose ids grow by a digit each, so that
// wherever a line of the findings table (and of the actions slide's reviews) ends, some date falls there. Every
// date on those slides, in their tables and text boxes, stays on one line.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { buildBadDay } from "../notify/bad-day-fixture.ts";
import { japaneseDates, type RenderedPage, renderDeckPages } from "../support/rendered-deck.ts";
import { TOKYO_SHOP } from "./report-data-fixture.ts";

// A check the actions slide has no sentence of its own for: it asks to review the finding's message.
const ACCOUNTS: Finding[] = Array.from({ length: 10 }, (_, index) => ({
  check: "account_sync_paused",
  step: "check-sources",
  severity: "warning",
  blocking: false,
  subject: `facebook_ads:${"1234567890".slice(0, index + 1)}`,
  message: `Meta Ads account ${"1234567890".slice(0, index + 1)} paused its sync: spend, ROAS, MER and CAC leave out the days it did not send, from 2026-11-13 to 2026-11-16.`,
}));

describe("a Japanese shop's deck in LibreOffice", { timeout: 180_000 }, () => {
  let pages: RenderedPage[];
  before(async () => {
    const data = buildBadDay();
    const deck: ReportData = { ...data, shop: TOKYO_SHOP, findings: [...data.findings, ...ACCOUNTS] };
    pages = await renderDeckPages(await renderDeck(buildDeckContent(deck)));
  });

  it("keeps every date of the findings tables and the actions' text on one line", () => {
    const slides = pages.filter((page) => /^(Data quality|What to do)/m.test(page.text));
    assert.ok(slides.length >= 2, `${slides.length} slides of findings and actions`);
    const dates = slides.flatMap(japaneseDates);
    // Each account's days, 2026年11月13日～16日, in the findings table, and again in the reviews the actions slide
    // has room for.
    assert.ok(
      dates.filter((one) => one.date === "2026年11月13日").length >= 12,
      `${dates.length} dates shown`,
    );
    const broken = dates.filter((one) => one.broken).map((one) => one.date);
    assert.deepEqual(broken, [], `dates broken across lines: ${broken.join(", ")}`);
  });
});
