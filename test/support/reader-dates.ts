// A civil date as an American, a German or a Japanese reader of the outputs reads it, computed here from Intl.DateTimeFormat
// alone, so that the tests of the anomalies file, the chat alerts and the email check the code's dates against
// the runtime's names and digits, not against the code's own formatter.

const civilDate = (date: string) => new Date(`${date}T00:00:00Z`);

/** The weekday, day, month and year that Intl names for a civil date in a locale. */
function longDateParts(date: string, locale: string) {
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  }).formatToParts(civilDate(date));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value;
  return { weekday: part("weekday"), day: part("day"), month: part("month"), year: part("year") };
}

/** `Sat 21 Nov 2026`: en-US's names in the outputs' one order, without Intl's "Sat, Nov 21, 2026" commas. */
export function englishLongDate(date: string): string {
  const { weekday, day, month, year } = longDateParts(date, "en-US");
  return `${weekday} ${day} ${month} ${year}`;
}

/**
 * `Sa. 21. Nov. 2026`: the weekday, day, month and year Intl names in de-DE, in the outputs' one order (weekday,
 * day, month, year) with the ordinal dot German writes after a day. Intl's own de-DE order puts a comma after the
 * weekday ("Sa., 21. Nov. 2026"); the outputs leave it out in every locale, as "Sat 21 Nov 2026" does.
 */
export function germanLongDate(date: string): string {
  const { weekday, day, month, year } = longDateParts(date, "de-DE");
  return `${weekday} ${day}. ${month} ${year}`;
}

/** `2026年11月21日(土)`: Japanese writes a date with its own marks and order, Intl's ja-JP form as it is. */
export function japaneseLongDate(date: string): string {
  return new Intl.DateTimeFormat("ja-JP", {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(civilDate(date));
}
