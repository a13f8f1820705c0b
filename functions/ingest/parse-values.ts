// The explicit rules by which file-drop cells become numbers, dates and instants. Pure functions: every rule is
// pinned by a unit test, and none of them guesses silently — a value that fits no rule is an error naming why.

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export type DecimalSeparator = "." | ",";
export type DateFormat =
  "yyyy-mm-dd" | "dd/mm/yyyy" | "mm/dd/yyyy" | "dd.mm.yyyy" | "yyyy/mm/dd" | "dd-mm-yyyy";

export const DATE_FORMATS: readonly DateFormat[] = [
  "yyyy-mm-dd",
  "dd/mm/yyyy",
  "mm/dd/yyyy",
  "dd.mm.yyyy",
  "yyyy/mm/dd",
  "dd-mm-yyyy",
];

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

// Spreadsheet exports mark "no value" in several ways; Google Ads writes " --".
const PLACEHOLDERS = new Set(["", "-", "--", "—", "n/a", "N/A", "(not set)"]);

/** Ordinary, no-break (U+00A0) and narrow no-break (U+202F) spaces, and the thin space some locales use. */
const SPACE_GROUPING = /[ \u00a0\u202f\u2009]/g;

/**
 * Excel and Shopify prefix a cell with an apostrophe to keep it text ('02134 keeps its leading zero);
 * the apostrophe is not part of the value.
 */
export function stripTextPrefix(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

export function cleanCell(text: string | undefined): string {
  return stripTextPrefix((text ?? "").trim()).trim();
}

export function isPlaceholder(text: string | undefined): boolean {
  return PLACEHOLDERS.has((text ?? "").trim());
}

const MAX_INTEGER_DIGITS = 29;

/**
 * A decimal as a canonical string ("-1234.5"), so NUMERIC columns stay exact.
 * With "." as the decimal separator, "," may group thousands in threes ("1,234.56"); with ",", a space of any
 * kind or "." may (" 1 234,56", "1.234,56"). Accounting negatives "(12.50)", a leading or trailing currency
 * symbol and a trailing % are accepted; anything else is an error. Placeholders are null.
 */
export function parseDecimal(
  text: string | undefined,
  decimal: DecimalSeparator = ".",
): Parsed<string | null> {
  const raw = cleanCell(text);
  if (isPlaceholder(raw)) return ok(null);
  let body = raw.replace(/^[$€£¥]\s*|\s*[$€£¥]$|\s*(?:USD|EUR|GBP|CAD|AUD)$/g, "");
  let negative = false;
  const accounting = /^\((.*)\)$/.exec(body);
  if (accounting) {
    negative = true;
    body = accounting[1] ?? "";
  }
  if (body.startsWith("-")) {
    negative = !negative;
    body = body.slice(1);
  } else if (body.startsWith("+")) body = body.slice(1);
  body = body.replace(/^[$€£¥]\s*/, "");
  let integer: string;
  let fraction: string;
  if (decimal === ".") {
    const match = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/.exec(body);
    if (!match || (match[1] === undefined && match[2] === undefined)) {
      return fail(`"${raw}" is not a number (expected digits with "." for decimals, e.g. 1,234.56)`);
    }
    integer = (match[1] ?? "0").replace(/,/g, "");
    fraction = match[2] ?? "";
  } else {
    const spaced = body.replace(SPACE_GROUPING, " ");
    const match = /^(\d{1,3}(?:[ .]\d{3})+|\d+)?(?:,(\d+))?$/.exec(spaced);
    if (!match || (match[1] === undefined && match[2] === undefined)) {
      return fail(`"${raw}" is not a number (expected digits with "," for decimals, e.g. 1 234,56)`);
    }
    const grouping = match[1] ?? "0";
    // One separator style per number: "1.234 567" mixes two and is refused rather than guessed.
    if (grouping.includes(" ") && grouping.includes(".")) return fail(`"${raw}" mixes digit-grouping styles`);
    integer = grouping.replace(/[ .]/g, "");
    fraction = match[2] ?? "";
  }
  integer = integer.replace(/^0+(?=\d)/, "");
  fraction = fraction.replace(/0+$/, "");
  // BigQuery's NUMERIC holds 29 digits before the point: a longer amount fails its row here, not the transform.
  if (integer.length > MAX_INTEGER_DIGITS) {
    return fail(
      `"${raw}" is too large for an amount (at most ${MAX_INTEGER_DIGITS} digits before the decimal point)`,
    );
  }
  const canonical = fraction ? `${integer}.${fraction}` : integer;
  const isZero = /^0(\.0*)?$/.test(canonical);
  return ok(negative && !isZero ? `-${canonical}` : canonical);
}

/** A decimal as a JS number (FLOAT64 columns, counts of fractional conversions). */
export function parseNumber(
  text: string | undefined,
  decimal: DecimalSeparator = ".",
): Parsed<number | null> {
  const parsed = parseDecimal(text, decimal);
  if (!parsed.ok) return parsed;
  return ok(parsed.value === null ? null : Number(parsed.value));
}

/** A whole number; "1,234" groups thousands. A fractional value is an error, not a rounding. */
export function parseInteger(
  text: string | undefined,
  decimal: DecimalSeparator = ".",
): Parsed<number | null> {
  const parsed = parseDecimal(text, decimal);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return ok(null);
  if (parsed.value.includes(".")) return fail(`"${cleanCell(text)}" is not a whole number`);
  const value = Number(parsed.value);
  if (!Number.isSafeInteger(value)) return fail(`"${cleanCell(text)}" is too large`);
  return ok(value);
}

function civilDate(year: number, month: number, day: number, raw: string): Parsed<string> {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1900 ||
    year > 2999 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return fail(`"${raw}" is not a valid calendar date`);
  }
  return ok(
    `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
  );
}

const DATE_PATTERNS: Record<DateFormat, { pattern: RegExp; order: [number, number, number] }> = {
  // order = positions of year, month, day among the captured groups
  "yyyy-mm-dd": { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: [1, 2, 3] },
  "yyyy/mm/dd": { pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, order: [1, 2, 3] },
  "dd/mm/yyyy": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 2, 1] },
  "mm/dd/yyyy": { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 1, 2] },
  "dd.mm.yyyy": { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: [3, 2, 1] },
  "dd-mm-yyyy": { pattern: /^(\d{1,2})-(\d{1,2})-(\d{4})$/, order: [3, 2, 1] },
};

/**
 * A calendar date in one declared format. A time after the date ("2026-11-21 00:00:00") is allowed and ignored,
 * because ad platforms stamp days as midnight. Never guesses between dd/mm and mm/dd: the format decides.
 */
export function parseDate(
  text: string | undefined,
  format: DateFormat = "yyyy-mm-dd",
): Parsed<string | null> {
  const raw = cleanCell(text);
  if (isPlaceholder(raw)) return ok(null);
  const datePart = raw.replace(
    /[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC))?$/,
    "",
  );
  const spec = DATE_PATTERNS[format];
  const match = spec.pattern.exec(datePart);
  if (!match) return fail(`"${raw}" is not a date in the format ${format}`);
  const [y, m, d] = spec.order.map((index) => Number(match[index]));
  return civilDate(y ?? 0, m ?? 0, d ?? 0, raw);
}

/**
 * The months as an English, French, German or Spanish interface names them, in full and abbreviated, written
 * without their accents (février, März, août and déc. are looked up as fevrier, marz, aout and dec). Every English
 * month's first three letters are among them.
 */
const MONTH_NAMES: Record<string, number> = Object.fromEntries(
  (
    [
      [1, "january janvier janv januar jan enero ene"],
      [2, "february fevrier fevr februar feb febrero"],
      [3, "march mars marz mar marzo"],
      [4, "avril avr april apr abril abr"],
      [5, "mai mayo may"],
      [6, "june juin juni jun junio"],
      [7, "july juillet juil juli jul julio"],
      [8, "aout august aug agosto ago"],
      [9, "septembre sept september sep septiembre setiembre"],
      [10, "october octobre oct oktober okt octubre"],
      [11, "novembre nov november noviembre"],
      [12, "december decembre dec dezember dez diciembre dic"],
    ] as const
  ).flatMap(([month, names]) => names.split(" ").map((name) => [name, month])),
);

const withoutAccents = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "");

/**
 * The dates ad platforms print in their UI exports: ISO ("2026-11-21"), English month names ("Nov 21, 2026",
 * "Fri, Nov 21, 2026", "November 21, 2026"), or the day first before a month's name, as a French, German or Spanish
 * interface writes a report's date range ("21 novembre 2026", "21 nov. 2026", "21. November 2026",
 * "21 de noviembre de 2026"; "21 November 2026" in British English): a named month leaves no day-or-month doubt.
 */
export function parseReportDate(text: string | undefined): Parsed<string | null> {
  const raw = cleanCell(text);
  if (isPlaceholder(raw)) return ok(null);
  const iso = parseDate(raw, "yyyy-mm-dd");
  if (iso.ok) return iso;
  const named = /^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(raw);
  const month = named ? MONTH_NAMES[(named[1] ?? "").slice(0, 3).toLowerCase()] : undefined;
  if (named && month !== undefined) return civilDate(Number(named[3]), month, Number(named[2]), raw);
  const dayFirst = /^(\d{1,2})\.?\s+(?:de\s+)?(\p{L}{3,10})\.?\s+(?:de\s+)?(\d{4})$/u.exec(raw);
  const localMonth = dayFirst ? MONTH_NAMES[withoutAccents(dayFirst[2] ?? "").toLowerCase()] : undefined;
  if (dayFirst && localMonth !== undefined) {
    return civilDate(Number(dayFirst[3]), localMonth, Number(dayFirst[1]), raw);
  }
  return fail(`"${raw}" is not a date (expected YYYY-MM-DD or e.g. Nov 21, 2026)`);
}

/** "November 1, 2026 - November 21, 2026" (the date-range line of a Google Ads report) as two dates. */
export function parseDateRange(text: string): { start: string; end: string } | null {
  const parts = text.replace(/^"|"$/g, "").split(/\s+[-–]\s+/);
  if (parts.length !== 2) return null;
  const start = parseReportDate(parts[0]);
  const end = parseReportDate(parts[1]);
  if (!start.ok || !end.ok || !start.value || !end.value) return null;
  return { start: start.value, end: end.value };
}

/**
 * An instant with an explicit offset, as Shopify exports write them ("2026-11-21 18:04:11 -0500") or as
 * ISO-8601 ("2026-11-21T18:04:11-05:00", "…Z"). Returned as an ISO string in UTC. A timestamp without an
 * offset is refused: which day it falls on depends on a zone the file does not state.
 */
export function parseInstant(text: string | undefined): Parsed<string | null> {
  const raw = cleanCell(text);
  if (isPlaceholder(raw)) return ok(null);
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})$/.exec(
      raw,
    );
  if (!match) return fail(`"${raw}" is not a timestamp with a UTC offset (e.g. 2026-11-21 18:04:11 -0500)`);
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const date = civilDate(Number(y), Number(mo), Number(d), raw);
  if (!date.ok) return date;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return fail(`"${raw}" is not a valid time`);
  let offsetMinutes = 0;
  if (zone && zone !== "Z" && zone !== "UTC") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) +
    Math.round(Number(`0.${frac ?? "0"}`) * 1000) -
    offsetMinutes * 60_000;
  return ok(new Date(ms).toISOString());
}

/** Shopify's yes/no and true/false cells. */
export function parseBoolean(text: string | undefined): Parsed<boolean | null> {
  const raw = cleanCell(text).toLowerCase();
  if (isPlaceholder(raw)) return ok(null);
  if (["yes", "true", "1", "y", "subscribed", "oui"].includes(raw)) return ok(true);
  if (["no", "false", "0", "n", "not_subscribed", "unsubscribed", "non"].includes(raw)) return ok(false);
  return fail(`"${raw}" is not yes/no`);
}

/** Decimal strings added without floating-point drift (amounts have at most 9 decimals in NUMERIC). */
export function addDecimals(a: string, b: string): string {
  const scale = 9;
  const toUnits = (value: string): bigint => {
    const negative = value.startsWith("-");
    const [int = "0", frac = ""] = value.replace("-", "").split(".");
    const units = BigInt(int) * 10n ** BigInt(scale) + BigInt((frac + "0".repeat(scale)).slice(0, scale));
    return negative ? -units : units;
  };
  const sum = toUnits(a) + toUnits(b);
  const negative = sum < 0n;
  const abs = negative ? -sum : sum;
  const int = abs / 10n ** BigInt(scale);
  const frac = (abs % 10n ** BigInt(scale)).toString().padStart(scale, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

export function subtractDecimals(a: string, b: string): string {
  return addDecimals(a, b.startsWith("-") ? b.slice(1) : `-${b}`);
}

export function isNegativeDecimal(value: string | null): boolean {
  return value !== null && value.startsWith("-");
}

/**
 * The decimal separator of a file, from a sample of its amount cells: "," when some amounts are written
 * "1234,56" / "1.234,56" and none "1234.56"; else ".". A sample that shows both is left to "." (and its
 * comma amounts are refused row by row, named in the quarantine) rather than guessed.
 */
export function decideDecimalSeparator(cells: Iterable<string>): DecimalSeparator {
  let comma = 0;
  let dot = 0;
  for (const cell of cells) {
    const text = cleanCell(cell).replace(/^[-+(]|\)$/g, "");
    if (/^\d+,\d{1,2}$/.test(text) || /^\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+,\d+$/.test(text)) comma++;
    else if (/^(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$/.test(text)) dot++;
  }
  return comma > 0 && dot === 0 ? "," : ".";
}
