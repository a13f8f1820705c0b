// A shop whose locale is not English reads its deck's dates in its own words and digits, in the Gregorian calendar
// the figures are summed by: the fixture's marts (run date Sat 21 Nov 2026) with a Tehran shop (fa-IR), whose
// locale's default calendar is the Persian one. Every expected label is written out by hand.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { buildDeckContent } from "../../functions/report/deck-content.ts";
import { renderDeck } from "../../functions/report/deck-render.ts";
import type { ReportData } from "../../functions/lib/reporting/report-data.ts";
import { buildReportData } from "./report-data-fixture.ts";
import { chartOnSlide, type OpenedDeck, openDeck, slideWithTitle, tableRows, texts } from "./pptx-reader.ts";

const TEHRAN_SHOP: ReportData["shop"] = {
  name: "Tehran Test Shop",
  currency: "IRR",
  locale: "fa-IR",
  timezone: "Asia/Tehran",
  country: "IR",
};

// The Persian calendar's months: none may name a Gregorian month's figures.
const PERSIAN_CALENDAR_MONTHS = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split(
  " ",
);
// A date in a right-to-left script comes between a right-to-left and a left-to-right mark, so that it reads as one
// right-to-left run inside the deck's English.
const rtl = (text: string) => `\u200f${text}\u200e`;

describe("the deck of a fa-IR shop", () => {
  let deck: OpenedDeck;

  before(async () => {
    const data: ReportData = { ...buildReportData(), shop: TEHRAN_SHOP };
    deck = await openDeck(await renderDeck(buildDeckContent(data)));
  });

  it("labels the month in progress as the days it has, in Persian words and digits", async () => {
    const rows = tableRows(slideWithTitle(deck, "Sitewide overview").xml, "sitewide-monthly");
    assert.equal(rows[1]?.[0], rtl("۱–۲۱ نوامبر ۲۰۲۶")); // 1–21 November 2026
    assert.equal(rows[2]?.[0], rtl("اکتبر ۲۰۲۶")); // October 2026
    const { number } = slideWithTitle(deck, "Revenue and orders trend");
    const [revenue] = await chartOnSlide(deck, number, "revenue-monthly");
    assert.deepEqual(revenue?.categories.slice(-2), [rtl("اکتبر ۲۰۲۶"), rtl("۱–۲۱ نوامبر ۲۰۲۶")]);
  });

  it("numbers the daily chart's days in Persian digits, as the month names beside them", async () => {
    const { number } = slideWithTitle(deck, "Revenue and ad spend");
    const [revenue] = await chartOnSlide(deck, number, "revenue-spend-trend");
    // 25 Oct – 21 Nov 2026: the month named on the first bar and on each 1st, the other days by number alone.
    const persian = (n: number) => String(n).replace(/\d/g, (d) => String.fromCodePoint(0x06f0 + Number(d)));
    const october = Array.from({ length: 7 }, (_, i) =>
      i === 0 ? rtl(`${persian(25)} اکتبر`) : persian(25 + i),
    );
    const november = Array.from({ length: 21 }, (_, i) =>
      i === 0 ? rtl(`${persian(1)} نوامبر`) : persian(1 + i),
    );
    assert.deepEqual(revenue?.categories, [...october, ...november]);
  });

  it("names no Persian-calendar month and no Persian-calendar year (1405) anywhere on its slides", () => {
    const persianDates = deck.slides.flatMap((xml) =>
      texts(xml).filter(
        (text) =>
          PERSIAN_CALENDAR_MONTHS.some((month) =>
            new RegExp(`(^|\\P{L})${month}($|\\P{L})`, "u").test(text),
          ) || text.includes("۱۴۰۵"),
      ),
    );
    assert.deepEqual(persianDates, []);
  });
});
