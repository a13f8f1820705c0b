// Rewrites of the date and timestamp functions: where BigQuery and DuckDB differ most (day-of-week numbering,
// DATE_TRUNC return types, week starts, part boundaries, zones).
import { type Call, type Rewrite, scalarOnly } from "../call.ts";
import { type DatePart, weekStartOf } from "../date-parts.ts";
import { nodePos, paren, splitOnWord } from "../nodes.ts";
import type { Node } from "../tokenizer.ts";
import type { Translator } from "../translator.ts";

export const DATE_FUNCTIONS: Record<string, Rewrite> = {
  // ---- dates and timestamps
  EXTRACT: scalarOnly((call, t) => extract(call, t)),
  DATE: scalarOnly((call, t) => {
    const args = t.args(call, 1, 3);
    if (args.length === 3) return `make_date(${args.join(", ")})`;
    // DATE(ts, tz) is the calendar day of the instant in that zone; timezone() gives its local wall time.
    if (args.length === 2) return `CAST(timezone(${args[1]}, CAST(${args[0]} AS TIMESTAMPTZ)) AS DATE)`;
    return `CAST(${args[0]} AS DATE)`;
  }),
  DATETIME: scalarOnly((call, t) => {
    const args = t.args(call, 1, 6);
    if (args.length === 6) return `make_timestamp(${args.join(", ")})`;
    if (args.length === 2) return `timezone(${args[1]}, CAST(${args[0]} AS TIMESTAMPTZ))`;
    if (args.length !== 1) t.fail("DATETIME() takes 1, 2 (timestamp, zone) or 6 arguments", call.pos);
    return `CAST(${args[0]} AS TIMESTAMP)`;
  }),
  TIMESTAMP: scalarOnly((call, t) => {
    const [value, zone] = t.args(call, 1, 2);
    // Without a zone BigQuery reads civil values as UTC, which a TIMESTAMPTZ cast does in a UTC session.
    return zone === undefined
      ? `CAST(${value} AS TIMESTAMPTZ)`
      : `timezone(${zone}, CAST(${value} AS TIMESTAMP))`;
  }),
  CURRENT_DATE: scalarOnly((call, t) => {
    const [zone] = t.args(call, 0, 1);
    return zone === undefined ? "current_date" : `CAST(timezone(${zone}, current_timestamp) AS DATE)`;
  }),
  // DuckDB has no current_timestamp() with parentheses.
  CURRENT_TIMESTAMP: scalarOnly((call, t) => {
    t.args(call, 0, 0);
    return "current_timestamp";
  }),
  CURRENT_DATETIME: scalarOnly((call, t) => {
    const [zone] = t.args(call, 0, 1);
    return `timezone(${zone ?? "'UTC'"}, current_timestamp)`;
  }),
  DATE_TRUNC: scalarOnly((call, t) => {
    const [value] = t.args(call, 2, 2, [1]);
    return dateTrunc(`CAST(${value} AS DATE)`, t.datePart(call.args[1] as Node[]), t);
  }),
  TIMESTAMP_TRUNC: scalarOnly((call, t) => {
    const [value, , zone] = t.args(call, 2, 3, [1]);
    const part = t.datePart(call.args[1] as Node[]);
    const instant = `CAST(${value} AS TIMESTAMPTZ)`;
    if (zone === undefined) return timestampTrunc(instant, part, t);
    // Truncate the local wall time in the zone, then read that wall time back as an instant in the zone.
    return `timezone(${zone}, ${timestampTrunc(`timezone(${zone}, ${instant})`, part, t)})`;
  }),
  DATE_ADD: scalarOnly((call, t) => dateAdd(call, t, "+")),
  DATE_SUB: scalarOnly((call, t) => dateAdd(call, t, "-")),
  TIMESTAMP_ADD: scalarOnly((call, t) => timestampAdd(call, t, "+")),
  TIMESTAMP_SUB: scalarOnly((call, t) => timestampAdd(call, t, "-")),
  DATE_DIFF: scalarOnly((call, t) => dateDiff(call, t)),
  TIMESTAMP_DIFF: scalarOnly((call, t) => {
    const [a, b] = t.args(call, 3, 3, [2]);
    const part = t.datePart(call.args[2] as Node[]);
    const micros: Record<string, number> = {
      MICROSECOND: 1,
      MILLISECOND: 1e3,
      SECOND: 1e6,
      MINUTE: 6e7,
      HOUR: 3.6e9,
      DAY: 8.64e10,
    };
    const unit = micros[part.part];
    if (unit === undefined) t.fail(`TIMESTAMP_DIFF() does not support ${part.part}`, part.pos);
    // BigQuery counts whole elapsed units (truncating); DuckDB's date_diff counts boundaries crossed.
    const diff = `(epoch_us(CAST(${a} AS TIMESTAMPTZ)) - epoch_us(CAST(${b} AS TIMESTAMPTZ)))`;
    return unit === 1 ? diff : `(${diff} // ${unit})`;
  }),
  LAST_DAY: scalarOnly((call, t) => {
    const [value] = t.args(call, 1, 2, [1]);
    const date = `CAST(${value} AS DATE)`;
    const part = call.args[1] ? t.datePart(call.args[1]) : { part: "MONTH", weekStart: 0, pos: call.pos };
    switch (part.part) {
      case "MONTH":
        return `last_day(${date})`;
      case "QUARTER":
        return `CAST(date_trunc('quarter', ${date}) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE)`;
      case "YEAR":
        return `make_date(year(${date}), 12, 31)`;
      case "WEEK":
      case "ISOWEEK":
        return `(${weekStartOf(date, part.weekStart)} + 6)`;
      default:
        return t.fail(`LAST_DAY() does not support ${part.part}`, part.pos);
    }
  }),
  FORMAT_DATE: scalarOnly((call, t) => {
    const [, value] = t.args(call, 2, 2);
    return t.format(call.args[0] as Node[], `CAST(${value} AS DATE)`);
  }),
  FORMAT_DATETIME: scalarOnly((call, t) => {
    const [, value] = t.args(call, 2, 2);
    return t.format(call.args[0] as Node[], `CAST(${value} AS TIMESTAMP)`);
  }),
  FORMAT_TIMESTAMP: scalarOnly((call, t) => {
    const [, value, zone] = t.args(call, 2, 3);
    const instant = `CAST(${value} AS TIMESTAMPTZ)`;
    return t.format(call.args[0] as Node[], zone === undefined ? instant : `timezone(${zone}, ${instant})`);
  }),
  PARSE_DATE: scalarOnly((call, t) => parseDate(call, t, "strptime")),
  "SAFE.PARSE_DATE": scalarOnly((call, t) => parseDate(call, t, "try_strptime")),
  PARSE_TIMESTAMP: scalarOnly((call, t) => parseTimestamp(call, t, "strptime")),
  "SAFE.PARSE_TIMESTAMP": scalarOnly((call, t) => parseTimestamp(call, t, "try_strptime")),
  TIMESTAMP_SECONDS: scalarOnly((call, t) => `to_timestamp(${t.args(call, 1, 1)[0]})`),
  TIMESTAMP_MILLIS: scalarOnly(
    (call, t) => `make_timestamptz(${paren(t.args(call, 1, 1)[0] as string)} * 1000)`,
  ),
  TIMESTAMP_MICROS: scalarOnly((call, t) => `make_timestamptz(${t.args(call, 1, 1)[0]})`),
  // BigQuery's UNIX_* round down; integer division alone would round negative instants up.
  UNIX_SECONDS: scalarOnly(
    (call, t) => `CAST(floor(epoch_us(${t.args(call, 1, 1)[0]}) / 1000000) AS BIGINT)`,
  ),
  UNIX_MILLIS: scalarOnly((call, t) => `CAST(floor(epoch_us(${t.args(call, 1, 1)[0]}) / 1000) AS BIGINT)`),
  UNIX_MICROS: scalarOnly((call, t) => `epoch_us(${t.args(call, 1, 1)[0]})`),
  UNIX_DATE: scalarOnly((call, t) => `(CAST(${t.args(call, 1, 1)[0]} AS DATE) - DATE '1970-01-01')`),
};

function extract(call: Call, t: Translator): string {
  const arg = call.args[0];
  if (call.args.length !== 1 || !arg)
    return t.fail('EXTRACT() takes one "part FROM value" argument', call.pos);
  const split = splitOnWord(arg, "FROM");
  if (!split) return t.fail('EXTRACT() needs "part FROM value"', nodePos(arg, call.pos));
  const part = t.datePart(split[0]);
  const value = t.expr(split[1]);
  switch (part.part) {
    // BigQuery numbers days 1 (Sunday) to 7 (Saturday); DuckDB's dayofweek is 0 (Sunday) to 6.
    case "DAYOFWEEK":
      return `(dayofweek(${value}) + 1)`;
    case "ISODAYOFWEEK":
      return `isodow(${value})`;
    // BigQuery WEEK counts weeks starting on the given weekday (Sunday by default); days before the first one are week 0.
    case "WEEK":
      return `((dayofyear(${value}) + 6 - (dayofweek(${value}) + ${7 - part.weekStart}) % 7) // 7)`;
    case "ISOWEEK":
      return `week(${value})`;
    // DuckDB's millisecond/microsecond include the seconds; BigQuery's are only the sub-second part.
    case "MILLISECOND":
      return `(millisecond(${value}) % 1000)`;
    case "MICROSECOND":
      return `(microsecond(${value}) % 1000000)`;
    case "DATE":
      return `CAST(${value} AS DATE)`;
    case "YEAR":
    case "ISOYEAR":
    case "QUARTER":
    case "MONTH":
    case "DAY":
    case "DAYOFYEAR":
    case "HOUR":
    case "MINUTE":
    case "SECOND":
      return `extract(${part.part.toLowerCase()} FROM ${value})`;
    default:
      return t.fail(`EXTRACT(${part.part} FROM ...) is not supported`, part.pos);
  }
}

function dateTrunc(date: string, part: DatePart, t: Translator): string {
  switch (part.part) {
    case "DAY":
      return date;
    // BigQuery's WEEK starts on Sunday (or the given weekday); DuckDB's 'week' is the ISO (Monday) week.
    case "WEEK":
    case "ISOWEEK":
      return weekStartOf(date, part.weekStart);
    // DuckDB's date_trunc returns a TIMESTAMP for a DATE; BigQuery keeps the DATE.
    case "MONTH":
    case "QUARTER":
    case "YEAR":
      return `CAST(date_trunc('${part.part.toLowerCase()}', ${date}) AS DATE)`;
    default:
      return t.fail(`DATE_TRUNC() does not support ${part.part}`, part.pos);
  }
}

function timestampTrunc(value: string, part: DatePart, t: Translator): string {
  switch (part.part) {
    case "MICROSECOND":
    case "MILLISECOND":
    case "SECOND":
    case "MINUTE":
    case "HOUR":
    case "DAY":
    case "MONTH":
    case "QUARTER":
    case "YEAR":
      return `date_trunc('${part.part.toLowerCase()}', ${value})`;
    case "WEEK":
    case "ISOWEEK":
      return `(date_trunc('day', ${value}) - to_days(CAST((dayofweek(${value}) + ${7 - part.weekStart}) % 7 AS INTEGER)))`;
    default:
      return t.fail(`TIMESTAMP_TRUNC() does not support ${part.part}`, part.pos);
  }
}

function dateAdd(call: Call, t: Translator, sign: "+" | "-"): string {
  const [value] = t.args(call, 2, 2);
  const { amount, part } = t.intervalParts(call.args[1] as Node[], [
    "DAY",
    "WEEK",
    "MONTH",
    "QUARTER",
    "YEAR",
  ]);
  const date = `CAST(${value} AS DATE)`;
  // DATE ± INTEGER stays a DATE in DuckDB; DATE ± INTERVAL becomes a TIMESTAMP, so month steps are cast back.
  if (part === "DAY") return `(${date} ${sign} CAST(${amount} AS INTEGER))`;
  if (part === "WEEK") return `(${date} ${sign} CAST(${amount} AS INTEGER) * 7)`;
  const months = part === "MONTH" ? amount : `${amount} * ${part === "QUARTER" ? 3 : 12}`;
  return `CAST(${date} ${sign} to_months(CAST(${months} AS INTEGER)) AS DATE)`;
}

const TIMESTAMP_INTERVALS: Record<string, string> = {
  MICROSECOND: "to_microseconds",
  MILLISECOND: "to_milliseconds",
  SECOND: "to_seconds",
  MINUTE: "to_minutes",
  HOUR: "to_hours",
  DAY: "to_days",
};

function timestampAdd(call: Call, t: Translator, sign: "+" | "-"): string {
  const [value] = t.args(call, 2, 2, [1]);
  const { amount, part } = t.intervalParts(call.args[1] as Node[], Object.keys(TIMESTAMP_INTERVALS));
  const cast = part === "DAY" ? "INTEGER" : "BIGINT";
  // In a UTC session DuckDB adds a day as 24 hours, as BigQuery does for TIMESTAMP.
  return `(CAST(${value} AS TIMESTAMPTZ) ${sign} ${TIMESTAMP_INTERVALS[part]}(CAST(${amount} AS ${cast})))`;
}

function dateDiff(call: Call, t: Translator): string {
  const [a, b] = t.args(call, 3, 3, [2]);
  const part = t.datePart(call.args[2] as Node[]);
  const da = `CAST(${a} AS DATE)`;
  const db = `CAST(${b} AS DATE)`;
  // BigQuery counts part boundaries crossed between b and a (a − b), so each part is a difference of part numbers.
  switch (part.part) {
    case "DAY":
      return `(${da} - ${db})`;
    case "WEEK":
    case "ISOWEEK":
      return `((${weekStartOf(da, part.weekStart)} - ${weekStartOf(db, part.weekStart)}) // 7)`;
    case "MONTH":
      return `((year(${da}) * 12 + month(${da})) - (year(${db}) * 12 + month(${db})))`;
    case "QUARTER":
      return `((year(${da}) * 4 + quarter(${da})) - (year(${db}) * 4 + quarter(${db})))`;
    case "YEAR":
      return `(year(${da}) - year(${db}))`;
    case "ISOYEAR":
      return `(isoyear(${da}) - isoyear(${db}))`;
    default:
      return t.fail(`DATE_DIFF() does not support ${part.part}`, part.pos);
  }
}

function parseDate(call: Call, t: Translator, fn: "strptime" | "try_strptime"): string {
  const [, value] = t.args(call, 2, 2);
  return `CAST(${fn}(${value}, ${t.parseFormat(call.args[0] as Node[])}) AS DATE)`;
}

function parseTimestamp(call: Call, t: Translator, fn: "strptime" | "try_strptime"): string {
  const [, value, zone] = t.args(call, 2, 3);
  // strptime yields a civil TIMESTAMP; BigQuery reads it in the given zone (UTC by default).
  return `timezone(${zone ?? "'UTC'"}, ${fn}(${value}, ${t.parseFormat(call.args[0] as Node[])}))`;
}
