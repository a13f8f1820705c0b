// The retail calendar of a shop's market: the sales events and holidays that explain spikes (Black Friday weekend,
// Christmas, Mother's Day…), computed for any year from their rules, so the anomaly checks can compare an event
// day with the same day of the same event last year, and the deck can name the month's events.
import { addDays, daysBetween } from "./calendar.ts";

export type RetailEventKind = "sales-event" | "holiday";

export interface RetailEvent {
  /** Stable across years: the same key names the same event every year ("bfcm", "christmas"…). */
  key: string;
  name: string;
  kind: RetailEventKind;
  /** First and last calendar day (inclusive). */
  start: string;
  end: string;
}

/** Countries whose calendar is declared below; other countries get the events every market shares. */
export const CALENDAR_COUNTRIES = ["US", "CA", "GB", "IE", "AU", "NZ", "DE", "FR", "NL", "ES", "IT"] as const;

type EventRule = {
  key: string;
  name: string;
  kind: RetailEventKind;
  /** ISO country codes the event applies to; "*" for every market. */
  countries: readonly string[] | "*";
  /** The event's days in `year`: [start, end]. */
  days: (year: number) => [string, string];
};

const iso = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

/** ISO weekday of a civil date: 1 = Monday … 7 = Sunday. */
function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The n-th (1-based) `weekday` (1 = Monday … 7 = Sunday) of a month; n = -1 for the last one. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = iso(year, month, 1);
    const offset = (weekday - isoWeekday(first) + 7) % 7;
    return addDays(first, offset + 7 * (n - 1));
  }
  const nextMonth = month === 12 ? iso(year + 1, 1, 1) : iso(year, month + 1, 1);
  const last = addDays(nextMonth, -1);
  const back = (isoWeekday(last) - weekday + 7) % 7;
  return addDays(last, -back);
}

/** Western Easter Sunday (the anonymous Gregorian algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** US Thanksgiving: the fourth Thursday of November; Black Friday follows it in every market that adopted it. */
const thanksgiving = (year: number) => nthWeekday(year, 11, 4, 4);
const single = (date: string): [string, string] => [date, date];

const RULES: readonly EventRule[] = [
  {
    key: "bfcm",
    name: "Black Friday – Cyber Monday weekend",
    kind: "sales-event",
    countries: "*",
    // Thanksgiving Thursday through Cyber Monday: the weekend's days are compared with the same days last year.
    days: (year) => [thanksgiving(year), addDays(thanksgiving(year), 4)],
  },
  {
    key: "singles-day",
    name: "Singles' Day",
    kind: "sales-event",
    countries: "*",
    days: (y) => single(iso(y, 11, 11)),
  },
  {
    key: "valentines",
    name: "Valentine's Day",
    kind: "sales-event",
    countries: "*",
    days: (y) => single(iso(y, 2, 14)),
  },
  {
    key: "halloween",
    name: "Halloween",
    kind: "sales-event",
    countries: ["US", "CA", "GB", "IE"],
    days: (y) => single(iso(y, 10, 31)),
  },
  {
    key: "christmas-shopping",
    name: "Christmas shopping peak",
    kind: "sales-event",
    countries: "*",
    days: (year) => [iso(year, 12, 14), iso(year, 12, 23)],
  },
  {
    key: "christmas",
    name: "Christmas",
    kind: "holiday",
    countries: "*",
    days: (y) => [iso(y, 12, 24), iso(y, 12, 25)],
  },
  {
    key: "boxing-day",
    name: "Boxing Day sales",
    kind: "sales-event",
    countries: ["GB", "IE", "CA", "AU", "NZ"],
    days: (y) => single(iso(y, 12, 26)),
  },
  {
    key: "new-year",
    name: "New Year's Day",
    kind: "holiday",
    countries: "*",
    days: (y) => single(iso(y, 1, 1)),
  },
  {
    key: "easter",
    name: "Easter weekend",
    kind: "holiday",
    countries: "*",
    days: (y) => [addDays(easterSunday(y), -2), addDays(easterSunday(y), 1)],
  },
  {
    key: "mothers-day",
    name: "Mother's Day",
    kind: "sales-event",
    countries: ["US", "CA", "AU", "NZ", "DE", "NL", "IT"],
    days: (y) => single(nthWeekday(y, 5, 7, 2)),
  },
  {
    key: "mothers-day",
    name: "Mothering Sunday",
    kind: "sales-event",
    countries: ["GB", "IE"],
    days: (y) => single(addDays(easterSunday(y), -21)),
  },
  {
    key: "mothers-day",
    name: "Fête des mères",
    kind: "sales-event",
    countries: ["FR"],
    // Last Sunday of May, moved to the first Sunday of June when it falls on Pentecost (Easter + 49).
    days: (y) => {
      const lastSunday = nthWeekday(y, 5, 7, -1);
      return single(lastSunday === addDays(easterSunday(y), 49) ? addDays(lastSunday, 7) : lastSunday);
    },
  },
  {
    key: "fathers-day",
    name: "Father's Day",
    kind: "sales-event",
    countries: ["US", "CA", "GB", "IE", "FR", "NL"],
    days: (y) => single(nthWeekday(y, 6, 7, 3)),
  },
  {
    key: "memorial-day",
    name: "Memorial Day",
    kind: "holiday",
    countries: ["US"],
    days: (y) => single(nthWeekday(y, 5, 1, -1)),
  },
  {
    key: "independence-day",
    name: "Independence Day",
    kind: "holiday",
    countries: ["US"],
    days: (y) => single(iso(y, 7, 4)),
  },
  {
    key: "labor-day",
    name: "Labor Day",
    kind: "holiday",
    countries: ["US", "CA"],
    days: (y) => single(nthWeekday(y, 9, 1, 1)),
  },
  {
    key: "canada-day",
    name: "Canada Day",
    kind: "holiday",
    countries: ["CA"],
    days: (y) => single(iso(y, 7, 1)),
  },
  {
    key: "thanksgiving-ca",
    name: "Thanksgiving",
    kind: "holiday",
    countries: ["CA"],
    days: (y) => single(nthWeekday(y, 10, 1, 2)),
  },
  {
    key: "summer-bank-holiday",
    name: "Summer bank holiday",
    kind: "holiday",
    countries: ["GB"],
    days: (y) => single(nthWeekday(y, 8, 1, -1)),
  },
];

function appliesTo(rule: EventRule, country: string): boolean {
  return rule.countries === "*" || rule.countries.includes(country.toUpperCase());
}

/** Every event of `country`'s calendar in `year`, by start date. */
export function retailEvents(country: string, year: number): RetailEvent[] {
  return RULES.filter((rule) => appliesTo(rule, country))
    .map((rule) => {
      const [start, end] = rule.days(year);
      return { key: rule.key, name: rule.name, kind: rule.kind, start, end };
    })
    .sort((left, right) => left.start.localeCompare(right.start) || left.key.localeCompare(right.key));
}

/** The events that overlap the days from `from` to `to` (inclusive). */
export function eventsBetween(country: string, from: string, to: string): RetailEvent[] {
  const years = new Set<number>();
  for (let year = Number(from.slice(0, 4)) - 1; year <= Number(to.slice(0, 4)); year += 1) years.add(year);
  return [...years]
    .flatMap((year) => retailEvents(country, year))
    .filter((event) => event.start <= to && event.end >= from);
}

/** The events a day falls in. */
export function eventsOn(country: string, date: string): RetailEvent[] {
  return eventsBetween(country, date, date);
}

/** The same event a year earlier (same key), or undefined when the market had no such event then. */
export function sameEventLastYear(country: string, event: RetailEvent): RetailEvent | undefined {
  const year = Number(event.start.slice(0, 4)) - 1;
  return retailEvents(country, year).find((candidate) => candidate.key === event.key);
}

/**
 * The day last year that plays the same part as `date`: the same day of the same event when `date` is in one
 * (the Sunday of Black Friday weekend ↔ last year's Sunday of that weekend), else the same weekday 52 weeks
 * earlier (364 days), which keeps the weekly rhythm.
 */
export function comparableDayLastYear(country: string, date: string): { date: string; event?: RetailEvent } {
  for (const event of eventsOn(country, date)) {
    const previous = sameEventLastYear(country, event);
    if (!previous) continue;
    const offset = daysBetween(event.start, date);
    if (offset <= daysBetween(previous.start, previous.end))
      return { date: addDays(previous.start, offset), event };
  }
  return { date: addDays(date, -364) };
}
