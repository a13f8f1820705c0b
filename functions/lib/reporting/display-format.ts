// Formatting of the numbers and dates the deck and the emails show, in the shop's currency and locale.
// Missing values are always shown as "n/a": a 0 in an executive summary reads as a fact, not as a gap.
import { localDate, monthEnd, monthStart } from "../calendar.ts";

export const NOT_AVAILABLE = "n/a";

export interface NumberLocale {
  currency: string;
  locale: string;
}

type Maybe = number | null | undefined;

const isNumber = (value: Maybe): value is number => typeof value === "number" && Number.isFinite(value);

// Intl formatters are costly to build and a deck formats thousands of values: keep one per kind, locale and
// option set. Built per call, the date formatters took 50 ms of a 1M-order warm run's report step.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let format = formatters.get(key) as T | undefined;
  if (!format) {
    format = build();
    formatters.set(key, format);
  }
  return format;
}

const numberFormat = (locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat =>
  formatter(`number|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

// Every figure is summed by Gregorian day and month (the run date, the marts, the extracts), so a date is named in
// the Gregorian calendar, in the locale's language and digits. The locale's own default calendar would name
// another month: fa-IR's Persian "آبان ۱۴۰۵" runs 23 Oct – 21 Nov 2026, not the November whose rows it labels;
// th-TH's Buddhist year 2569 and a `-u-ca-japanese` era would disagree with the run date and the file names.
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  formatter(
    `date|${locale}|${JSON.stringify(options)}`,
    () => new Intl.DateTimeFormat(locale, { ...options, calendar: "gregory" }),
  );

// A figure of a right-to-left locale sits in left-to-right English too (a sentence, a comparison, a table cell of
// an LTR page or slide). ICU writes an Arabic amount between right-to-left marks and a percentage between Arabic
// letter marks, and Arabic-Indic digits go with the right-to-left text around them: two figures with only spaces
// or brackets between them ran together into one right-to-left run and swapped places, an ar-KW shop's email
// showing "vs Fri 4 Dec: ▲ (٣٩٬٠١٩ د.ك.) ٪٢٢+", the amount before its change. A left-to-right mark after the
// figure hands the direction back to the English, as after a date (asRightToLeft, below).
const RIGHT_TO_LEFT_FIGURE = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f]/u;
function figure(text: string): string {
  return RIGHT_TO_LEFT_FIGURE.test(text) ? `${text}\u200e` : text;
}

/** How many decimals the currency has (2 for USD, 0 for JPY). */
function currencyDigits(fmt: NumberLocale): number {
  return numberFormat(fmt.locale, { style: "currency", currency: fmt.currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

/**
 * `$1,234` (whole units) or, `inMinorUnits`, to the currency's own decimals: `$54.32`, `KWD 54.321` (the dinar has
 * three), `¥54` (the yen none).
 */
export function formatMoney(value: Maybe, fmt: NumberLocale, inMinorUnits = false): string {
  if (!isNumber(value)) return NOT_AVAILABLE;
  const digits = inMinorUnits ? currencyDigits(fmt) : 0;
  return figure(
    numberFormat(fmt.locale, {
      style: "currency",
      currency: fmt.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value),
  );
}

/**
 * `$12.4k`, `$1.2M`; amounts under a thousand stay whole (`$950`), and so does an amount that the locale has no
 * short word for: German abbreviates no thousands and Japanese none under 万, where a compact format would
 * print the amount itself with a decimal and no grouping (`6643,6 €`, `￥6643.6`) instead of `6.644 €`, `￥6,644`.
 */
export function formatMoneyCompact(value: Maybe, fmt: NumberLocale): string {
  if (!isNumber(value)) return NOT_AVAILABLE;
  if (Math.abs(value) < 1000) return formatMoney(value, fmt);
  const parts = numberFormat(fmt.locale, {
    style: "currency",
    currency: fmt.currency,
    notation: "compact",
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).formatToParts(value);
  if (!parts.some((part) => part.type === "compact")) return formatMoney(value, fmt);
  const text = parts.map((part) => part.value).join("");
  // en-US spells thousands "K" where the house style (and en-GB) says "k".
  return figure(text.replace(/(\d)K(?![A-Za-z])/, "$1k"));
}

/** `1,234`; with `decimals`, up to that many. */
export function formatNumber(value: Maybe, locale: string, decimals = 0): string {
  if (!isNumber(value)) return NOT_AVAILABLE;
  return figure(
    numberFormat(locale, { maximumFractionDigits: decimals, minimumFractionDigits: 0 }).format(value),
  );
}

/** A ratio such as ROAS or MER: `3.10` (fixed decimals so columns line up); `suffix` e.g. "×". */
export function formatRatio(value: Maybe, locale: string, decimals = 2, suffix = ""): string {
  if (!isNumber(value)) return NOT_AVAILABLE;
  const text = numberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
  return figure(`${text}${suffix}`);
}

/** A share such as CTR, given as a fraction: 0.0123 → `1.23%`. */
export function formatPercent(fraction: Maybe, locale: string, decimals = 1): string {
  if (!isNumber(fraction)) return NOT_AVAILABLE;
  return figure(
    numberFormat(locale, {
      style: "percent",
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    }).format(fraction),
  );
}

/** A change given as a ratio: 0.08 → `+8%`, -0.25 → `-25%`, a change that rounds to nothing → `0%`. */
export function formatChange(change: Maybe, locale: string): string {
  if (!isNumber(change)) return NOT_AVAILABLE;
  return figure(
    numberFormat(locale, {
      style: "percent",
      signDisplay: "exceptZero",
      maximumFractionDigits: 0,
    }).format(change),
  );
}

/**
 * A change of a rate in percentage points: 0.037 → `+3.7 pts`, -0.004 → `-0.4 pts`, nothing → `0.0 pts`. A no-break
 * space keeps the unit with its number: in a narrow column of a dinar shop's deck, "▼ ٢١٫٦- pts" put "pts" alone
 * on a second line.
 */
export function formatPointsChange(change: Maybe, locale: string): string {
  if (!isNumber(change)) return NOT_AVAILABLE;
  const points = numberFormat(locale, {
    signDisplay: "exceptZero",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(Math.abs(change) < 0.0005 ? 0 : change * 100);
  return `${figure(points)}\u00a0pts`;
}

/** A comparison's change as it reads: percentage points for a rate, else a relative change. */
export function formatMetricChange(
  change: { change: Maybe; unit?: "relative" | "points" },
  locale: string,
): string {
  return change.unit === "points"
    ? formatPointsChange(change.change, locale)
    : formatChange(change.change, locale);
}

// Dates are civil days ("YYYY-MM-DD"): formatting them in UTC keeps the day the string names.
const civilDate = (date: string) => new Date(`${date}T00:00:00Z`);

function dateParts(date: string, locale: string, withYear: boolean) {
  const parts = dateFormat(locale, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" } : {}),
  }).formatToParts(civilDate(date));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  // The house order keeps the day's ordinal dot where the locale writes one (de "21. Nov.", da and nb "21. nov.",
  // hr "21. stu"): without it a German reader sees "Sa. 21 Nov.", which is not how German writes a date.
  const afterDay = parts[parts.findIndex((p) => p.type === "day") + 1];
  const ordinalDot = afterDay?.type === "literal" && afterDay.value.startsWith(".") ? "." : "";
  return {
    weekday: part("weekday"),
    day: part("day") + ordinalDot,
    month: part("month"),
    year: part("year"),
  };
}

/**
 * Whether the locale writes a month as a number with its own marks (ja, zh: "11月9日"; ko: "11월 9일"). Its dates
 * then keep the locale's order and marks: the house order below would print "月 9 11" for Monday 9 November.
 */
const numericMonthLocales = new Map<string, boolean>();
function numericMonth(locale: string): boolean {
  let numeric = numericMonthLocales.get(locale);
  if (numeric === undefined) {
    numeric = /\d/.test(dateParts("2026-11-09", locale, false).month);
    numericMonthLocales.set(locale, numeric);
  }
  return numeric;
}

// A date in a right-to-left script sits in left-to-right English (a title, a sentence, a table cell of an LTR page or
// slide). Left alone, its leading day number takes the sentence's direction and is set apart from its month: fa-IR
// "۱–۲۹ نوامبر ۲۰۲۶" and he-IL "1–29 נוב׳ 2026" showed as "۱–۲۹ ۲۰۲۶ نوامبر", read right to left as
// "November 2026 1–29". A right-to-left mark before it makes the whole date one right-to-left run, and a
// left-to-right mark after it hands the direction back to the English, so a number that follows ("(10 days)") is
// not pulled into the date. Marks, not the newer isolates, because PowerPoint and mail clients all know them.
const RIGHT_TO_LEFT_SCRIPT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/u;
function asRightToLeft(text: string): string {
  return RIGHT_TO_LEFT_SCRIPT.test(text) ? `\u200f${text}\u200e` : text;
}

/** `Sat 21 Nov`: names from the locale, one fixed order so every label in the deck reads alike. */
export function formatWeekdayDate(date: string | null | undefined, locale: string): string {
  if (!date) return NOT_AVAILABLE;
  if (numericMonth(locale))
    return dateFormat(locale, { timeZone: "UTC", weekday: "short", day: "numeric", month: "long" }).format(
      civilDate(date),
    );
  const { weekday, day, month } = dateParts(date, locale, false);
  return asRightToLeft(`${weekday} ${day} ${month}`);
}

/** `Sat 21 Nov 2026`. */
export function formatLongDate(date: string | null | undefined, locale: string): string {
  if (!date) return NOT_AVAILABLE;
  if (numericMonth(locale))
    return dateFormat(locale, {
      timeZone: "UTC",
      weekday: "short",
      day: "numeric",
      month: "long",
      year: "numeric",
    }).format(civilDate(date));
  const { weekday, day, month, year } = dateParts(date, locale, true);
  return asRightToLeft(`${weekday} ${day} ${month} ${year}`);
}

/**
 * `Sun 22 Nov 2026 4:14 AM EST`: an instant (an ISO timestamp, as the ledger and the run messages keep it) as the
 * shop's clock showed it: its day in the shop's time zone as formatLongDate writes a day, then the time and the
 * zone as the locale writes them (de-DE `So. 22. Nov. 2026 04:14 GMT-5`). A reader of "2026-11-22T09:14:03.120Z"
 * had to work out the shop's day and hour from UTC; the seconds tell them nothing more. Text that is not an
 * instant is returned as it is.
 */
export function formatShopTime(instant: string, locale: string, timeZone: string): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const time = dateFormat(locale, { timeZone, hour: "numeric", minute: "2-digit", timeZoneName: "short" });
  return `${formatLongDate(localDate(at, timeZone), locale)} ${asRightToLeft(time.format(at))}`;
}

/** `21 Nov`: short enough for 28 chart categories. */
export function formatDayMonth(date: string, locale: string): string {
  if (numericMonth(locale))
    return dateFormat(locale, { timeZone: "UTC", day: "numeric", month: "long" }).format(civilDate(date));
  const { day, month } = dateParts(date, locale, false);
  return asRightToLeft(`${day} ${month}`);
}

// Languages that may break a line between any two characters write a day and month with their marks ("10月25日"),
// too wide for one of a 28-day chart's categories: LibreOffice wrapped it as "10月" over "25日". Their numeric
// form ("10/25"), as their calendars and forms write it, fits.
const AXIS_NUMERIC_DAY_LANGUAGES = new Set(["ja", "zh"]);

/** `21 Nov`, or `11/21` in Japanese and Chinese: the day that names its month on a daily chart's axis. */
export function formatAxisDayMonth(date: string, locale: string): string {
  if (!AXIS_NUMERIC_DAY_LANGUAGES.has(new Intl.Locale(locale).language)) return formatDayMonth(date, locale);
  return dateFormat(locale, { timeZone: "UTC", month: "numeric", day: "numeric" }).format(civilDate(date));
}

/** `Sat`. */
export function formatWeekday(date: string, locale: string): string {
  return dateParts(date, locale, false).weekday;
}

/**
 * What joins the two dates of a range in Japanese and Chinese prose, from CLDR's interval pattern for a date with
 * its month (`yMMMd`): ja "y年M月d日～d日", zh "y年M月d日至d日". ICU's formatRange does not use those patterns for
 * these languages whatever month width is asked for: it writes both dates in full and numeric, "2026/11/01～2026/11/30"
 * (ja) and "2026/11/1 – 2026/11/30" (zh-CN), a form for a form's field, not for a sentence or a title. Korean's
 * ranges come out as Korean writes them ("2026년 11월 1일~30일") and stay ICU's.
 */
const PROSE_RANGE_SEPARATORS = new Map([
  ["ja", "\uff5e"],
  ["zh", "至"],
]);

/** `1–21 Nov 2026`, or `28 Oct – 3 Nov 2026` across months, or with both years across years. */
export function formatDateRange(from: string, to: string, locale: string): string {
  if (numericMonth(locale)) {
    const format = dateFormat(locale, { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
    if (from === to) return format.format(civilDate(to));
    const separator = PROSE_RANGE_SEPARATORS.get(new Intl.Locale(locale).language);
    if (separator === undefined) return format.formatRange(civilDate(from), civilDate(to));
    // The later date drops the year, or the year and month, it shares with the first: "2026年11月1日～30日",
    // "2026年10月28日～11月3日", "2025年12月28日～2026年1月3日".
    const firstField =
      from.slice(0, 7) === to.slice(0, 7) ? "day" : from.slice(0, 4) === to.slice(0, 4) ? "month" : "year";
    const later = format.formatToParts(civilDate(to));
    const kept = later.slice(
      Math.max(
        later.findIndex((part) => part.type === firstField),
        0,
      ),
    );
    return `${format.format(civilDate(from))}${separator}${kept.map((part) => part.value).join("")}`;
  }
  const a = dateParts(from, locale, true);
  const b = dateParts(to, locale, true);
  const text =
    from === to
      ? `${b.day} ${b.month} ${b.year}`
      : a.year === b.year && a.month === b.month
        ? `${a.day}–${b.day} ${b.month} ${b.year}`
        : a.year === b.year
          ? `${a.day} ${a.month} – ${b.day} ${b.month} ${b.year}`
          : `${a.day} ${a.month} ${a.year} – ${b.day} ${b.month} ${b.year}`;
  return asRightToLeft(text);
}

/** The currency's symbol in the locale and whether it comes before the number (`$`, before) or after (`€`). */
export function currencySymbol(fmt: NumberLocale): { symbol: string; position: "before" | "after" } {
  const parts = numberFormat(fmt.locale, { style: "currency", currency: fmt.currency }).formatToParts(1);
  const symbolIndex = parts.findIndex((part) => part.type === "currency");
  const numberIndex = parts.findIndex((part) => part.type === "integer");
  return {
    symbol: parts[symbolIndex]?.value ?? fmt.currency,
    position: symbolIndex < numberIndex ? "before" : "after",
  };
}

/** `November 2026`. */
export function formatMonthYear(date: string, locale: string): string {
  return asRightToLeft(
    dateFormat(locale, { timeZone: "UTC", month: "long", year: "numeric" }).format(
      civilDate(monthStart(date)),
    ),
  );
}

/** `Nov 2026`: short enough for 13 chart categories. */
export function formatMonthShort(date: string, locale: string): string {
  return asRightToLeft(
    dateFormat(locale, { timeZone: "UTC", month: "short", year: "numeric" }).format(
      civilDate(monthStart(date)),
    ),
  );
}

/**
 * A month's label, counted up to `lastDay`: the month's name when that is its last day (`Nov 2026`), else the days
 * counted (`1–20 Nov 2026`), so that a short bar is not read as a bad month. Written as the locale writes a range
 * (`۱–۲۰ نوامبر ۲۰۲۶`, `2026년 11월 1일~20일`), never as a bare day number in Latin digits after the month.
 */
export function formatMonthUpTo(month: string, lastDay: string, locale: string): string {
  return lastDay >= monthEnd(month)
    ? formatMonthShort(month, locale)
    : formatDateRange(monthStart(month), lastDay, locale);
}

/** `21`: a day of the month alone, in the locale's digits and marks (`۲۱`, `21日`), for a chart's day axis. */
export function formatDayOfMonth(date: string, locale: string): string {
  return dateFormat(locale, { timeZone: "UTC", day: "numeric" }).format(civilDate(date));
}

// The checks write their findings' dates as ISO dates ("last day 2026-11-16", "for 2026-11-06..2026-11-19"): a
// finding is kept (ops.findings, anomalies.json, the ledger) and compared from run to run, so what is stored stays
// the same in every locale. Shown to a reader, each date is written as the rest of the output writes it. An English
// weekday the check put before a date ("on Saturday 2026-11-21") gives way to the locale's; a date inside a path or
// a file name ("quarantine/dt=2026-11-21/…", "summary-2026-11-21.eml") is left as it is.
const ENGLISH_WEEKDAY = "(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const ISO_DATE = "\\d{4}-\\d{2}-\\d{2}";
const FINDING_DATES = new RegExp(
  `(?:\\b${ENGLISH_WEEKDAY} )?(?<![\\w=/.-])(${ISO_DATE})(?:(?:\\.\\.| to )(${ISO_DATE}))?(?![\\w/-]|\\.\\w)`,
  "g",
);

/**
 * A finding's text with its ISO dates in the reader's locale: `2026-11-21` → `Sat 21 Nov 2026` (fr-FR
 * `sam. 21 nov. 2026`, ja-JP `2026年11月21日(土)`), and a range `2026-11-06..2026-11-19` or `… to …` → `6–19 Nov 2026`.
 */
export function formatFindingText(text: string, locale: string): string {
  return text.replace(FINDING_DATES, (_match, from: string, to: string | undefined) =>
    to === undefined ? formatLongDate(from, locale) : formatDateRange(from, to, locale),
  );
}
