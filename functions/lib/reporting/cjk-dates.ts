// Japanese and Chinese break a line between any two characters, inside a date too: a phone showed a ja-JP shop's
// "no data since 11月" over "30日(月)", and LibreOffice a deck's "2026年11" over "月13日(金)". A date, with its year
// and the weekday after it ("2026年11月30日(月)", "12月1日周二"), is kept on one line, in the email and on the
// dashboard page (an HTML span, html.ts) and on the deck's slides (below); a line still breaks between the two
// dates of a range. Pure.

/** A Japanese or Chinese date: month and day with their marks, the year and weekday with them when there. */
export const CJK_DATE = /(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\([^()<>&]{1,2}\)|[周週][一二三四五六日])?/gu;

// Between two characters, a zero-width character across which no line breaks (Unicode's line breaking class WJ,
// UAX #14 rule LB11). Its newer form, the word joiner U+2060, LibreOffice 7 does not honour between a Japanese mark
// and a digit: a slide still broke "2026年" from "11月13日" with it; the zero-width no-break space U+FEFF, of the
// same class, it does (test/report/deck-cjk-dates.test.ts).
const NO_BREAK = "\ufeff";

// On a slide, the "～" of a Japanese range goes with the date before it: LibreOffice starts no line with it (a
// closing mark, in the Japanese rules of what may not begin a line), and kept from it, took the date's last
// character along instead, "2026年11月13" over "日～16日". A range's later date, "16日" alone, is kept whole too.
const SLIDE_DATE = new RegExp(`(?:${CJK_DATE.source})[～〜]?|(?<=[～〜至])\\d{1,2}日`, "gu");

/** A slide's text with each Japanese or Chinese date's characters joined, so that no line breaks inside it. */
export function joinDateCharacters(text: string): string {
  return text.replace(SLIDE_DATE, (date) => [...date].join(NO_BREAK));
}
