// BigQuery Standard SQL → DuckDB SQL, for running the one copy of the models (sql/) on the local warehouse.
//
// The layer is token-level on purpose: a tokenizer that knows BigQuery's strings, comments, backtick identifiers
// and @params; a tree of bracket groups so calls can be rewritten with their arguments split at top-level commas
// (nested calls just work); then re-emission. A construct this layer does not know is an error naming the
// construct and its position, never a guess: wrong-but-running SQL is the one failure a parity suite cannot see.
//
// The DuckDB session must run DUCKDB_SESSION_SETUP first (UTC clock, BigQuery's NULL ordering) and have the
// built-in icu and json extensions loaded. Raw BigQuery TIMESTAMP columns are TIMESTAMPTZ in DuckDB.
//
// Binding parameters with @duckdb/node-api (named, `connection.run(sql, { name: value })`):
//   DATE   → dateValue({ year, month, day }) or duckDbDate("2024-03-01")  (a plain string binds as VARCHAR)
//   BYTES  → blobValue(uint8Array) or duckDbBytes(buffer)                 (a Buffer is not accepted as is)
//   STRING → string; INT64 → number or bigint; FLOAT64 → number; BOOL → boolean.
import { blobValue, type DuckDBBlobValue, type DuckDBDateValue, dateValue } from "@duckdb/node-api";

/** Statements to run once per DuckDB connection before any translated SQL. */
export const DUCKDB_SESSION_SETUP: readonly string[] = [
  // BigQuery evaluates dates, DATE(ts) and EXTRACT in UTC unless told otherwise.
  "SET TimeZone = 'UTC'",
  // BigQuery sorts NULLs first ascending and last descending; DuckDB's default is NULLs last both ways.
  "SET default_null_order = 'nulls_first_on_asc_last_on_desc'",
];

/** A BYTES parameter, e.g. an HMAC key block: DuckDB binds it as BLOB. */
export function duckDbBytes(bytes: Uint8Array): DuckDBBlobValue {
  return blobValue(bytes);
}

/** A DATE parameter from "YYYY-MM-DD": a plain string would bind as VARCHAR, not DATE. */
export function duckDbDate(isoDate: string): DuckDBDateValue {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error(`expected a date as YYYY-MM-DD, got "${isoDate}"`);
  return dateValue({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
}

export class DialectError extends Error {
  override name = "DialectError";
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens and bracket groups

type TokenKind = "ws" | "comment" | "string" | "bytes" | "ident" | "quoted" | "param" | "number" | "op";

interface Token {
  kind: TokenKind;
  /** Source text (comments, whitespace, operators, identifiers, numbers). */
  text: string;
  /** Decoded value: string contents, backtick identifier contents, parameter name. */
  value: string;
  bytes?: Uint8Array;
  pos: number;
}

interface Group {
  kind: "group";
  open: "(" | "[";
  items: Node[];
  pos: number;
}

type Node = Token | Group;

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "?": "?",
  '"': '"',
  "'": "'",
  "`": "`",
};

function tokenize(sql: string, fail: (message: string, pos: number) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, value = "", bytes?: Uint8Array): void => {
    const token: Token = { kind, text: sql.slice(start, i), value, pos: start };
    if (bytes) token.bytes = bytes;
    tokens.push(token);
  };
  while (i < sql.length) {
    const start = i;
    const ch = sql[i] as string;
    const next = sql[i + 1] ?? "";
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i] as string)) i++;
      push("ws", start);
    } else if ((ch === "-" && next === "-") || ch === "#") {
      while (i < sql.length && sql[i] !== "\n") i++;
      push("comment", start);
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated /* comment", start);
      i = end + 2;
      push("comment", start);
    } else if (/[A-Za-z_]/.test(ch)) {
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i] as string)) i++;
      const word = sql.slice(start, i);
      const quote = sql[i];
      // A prefix glued to a quote makes a raw (r), bytes (b) or raw-bytes string literal.
      if ((quote === "'" || quote === '"') && /^(r|b|rb|br)$/i.test(word)) {
        const raw = /r/i.test(word);
        const isBytes = /b/i.test(word);
        const literal = readString(sql, i, raw, isBytes, fail);
        i = literal.end;
        if (isBytes) push("bytes", start, "", literal.bytes);
        else push("string", start, literal.value);
      } else {
        push("ident", start, word);
      }
    } else if (ch === "'" || ch === '"') {
      const literal = readString(sql, i, false, false, fail);
      i = literal.end;
      push("string", start, literal.value);
    } else if (ch === "`") {
      let value = "";
      i++;
      while (i < sql.length && sql[i] !== "`") {
        if (sql[i] === "\\" && i + 1 < sql.length) i++;
        value += sql[i];
        i++;
      }
      if (i >= sql.length) fail("unterminated `identifier`", start);
      i++;
      push("quoted", start, value);
    } else if (ch === "@") {
      if (next === "@") fail("@@system variables are not supported", start);
      i++;
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i] as string)) i++;
      if (i === start + 1) fail("'@' must start a parameter name", start);
      push("param", start, sql.slice(start + 1, i));
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(next))) {
      if (ch === "0" && /[xX]/.test(next)) {
        i += 2;
        while (i < sql.length && /[0-9A-Fa-f]/.test(sql[i] as string)) i++;
      } else {
        while (i < sql.length && /[0-9.]/.test(sql[i] as string)) i++;
        if (/[eE]/.test(sql[i] ?? "")) {
          i++;
          if (/[+-]/.test(sql[i] ?? "")) i++;
          while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
        }
      }
      push("number", start);
    } else {
      const two = sql.slice(i, i + 2);
      i += ["||", "<=", ">=", "<>", "!=", "<<", ">>", "=>"].includes(two) ? 2 : 1;
      push("op", start);
    }
  }
  return tokens;
}

function readString(
  sql: string,
  quoteAt: number,
  raw: boolean,
  isBytes: boolean,
  fail: (message: string, pos: number) => never,
): { value: string; bytes: Uint8Array; end: number } {
  const quoteChar = sql[quoteAt] as string;
  const triple = sql.startsWith(quoteChar.repeat(3), quoteAt);
  const close = triple ? quoteChar.repeat(3) : quoteChar;
  let i = quoteAt + close.length;
  // Bytes literals may spell raw bytes (\xFF) that are not UTF-8, so they are collected as bytes.
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const addText = (text: string): void => {
    for (const byte of encoder.encode(text)) bytes.push(byte);
  };
  while (true) {
    if (i >= sql.length) fail("unterminated string literal", quoteAt);
    if (sql.startsWith(close, i))
      return {
        value: new TextDecoder().decode(new Uint8Array(bytes)),
        bytes: new Uint8Array(bytes),
        end: i + close.length,
      };
    const ch = sql[i] as string;
    if (!triple && ch === "\n") fail("newline inside a single-quoted string literal", quoteAt);
    if (ch !== "\\") {
      const codePoint = sql.codePointAt(i) as number;
      const text = String.fromCodePoint(codePoint);
      addText(text);
      i += text.length;
      continue;
    }
    const esc = sql[i + 1] ?? "";
    if (raw) {
      // Raw strings keep the backslash; it only stops the next character from closing the literal.
      addText(`\\${esc}`);
      i += 2;
      continue;
    }
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      addText(simple);
      i += 2;
    } else if (/[0-7]/.test(esc)) {
      const digits = sql.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) fail("octal escapes need three digits", i);
      if (isBytes) bytes.push(Number.parseInt(digits, 8));
      else addText(String.fromCodePoint(Number.parseInt(digits, 8)));
      i += 4;
    } else if (esc === "x" || esc === "X") {
      const digits = sql.slice(i + 2, i + 4);
      if (!/^[0-9A-Fa-f]{2}$/.test(digits)) fail("\\x escapes need two hex digits", i);
      if (isBytes) bytes.push(Number.parseInt(digits, 16));
      else addText(String.fromCodePoint(Number.parseInt(digits, 16)));
      i += 4;
    } else if (esc === "u" || esc === "U") {
      const length = esc === "u" ? 4 : 8;
      const digits = sql.slice(i + 2, i + 2 + length);
      if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits))
        fail(`\\${esc} escapes need ${length} hex digits`, i);
      addText(String.fromCodePoint(Number.parseInt(digits, 16)));
      i += 2 + length;
    } else {
      fail(`unknown escape \\${esc} in string literal`, i);
    }
  }
}

function buildTree(tokens: Token[], fail: (message: string, pos: number) => never): Node[] {
  const root: Node[] = [];
  const stack: { group: Group | null; items: Node[] }[] = [{ group: null, items: root }];
  for (const token of tokens) {
    const top = stack[stack.length - 1] as { group: Group | null; items: Node[] };
    if (token.kind === "op" && (token.text === "(" || token.text === "[")) {
      const group: Group = { kind: "group", open: token.text, items: [], pos: token.pos };
      top.items.push(group);
      stack.push({ group, items: group.items });
    } else if (token.kind === "op" && (token.text === ")" || token.text === "]")) {
      const expected = top.group?.open === "(" ? ")" : "]";
      if (!top.group || token.text !== expected) fail(`unbalanced '${token.text}'`, token.pos);
      stack.pop();
    } else {
      top.items.push(token);
    }
  }
  const unclosed = stack[stack.length - 1]?.group;
  if (unclosed) fail(`unclosed '${unclosed.open}'`, unclosed.pos);
  return root;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers over nodes

const isToken = (node: Node | undefined): node is Token => node !== undefined && node.kind !== "group";
const isGroup = (node: Node | undefined, open: "(" | "[" = "("): node is Group =>
  node !== undefined && node.kind === "group" && node.open === open;
const isTrivia = (node: Node | undefined): boolean =>
  isToken(node) && (node.kind === "ws" || node.kind === "comment");
const isWord = (node: Node | undefined, ...words: string[]): node is Token =>
  isToken(node) && node.kind === "ident" && (words.length === 0 || words.includes(node.text.toUpperCase()));
const isOp = (node: Node | undefined, op: string): node is Token =>
  isToken(node) && node.kind === "op" && node.text === op;

function nextSig(nodes: Node[], from: number): number {
  let i = from;
  while (i < nodes.length && isTrivia(nodes[i])) i++;
  return i;
}

function prevSig(nodes: Node[], from: number): number {
  let i = from;
  while (i >= 0 && isTrivia(nodes[i])) i--;
  return i;
}

const significant = (nodes: Node[]): Node[] => nodes.filter((node) => !isTrivia(node));

function trimNodes(nodes: Node[]): Node[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && isTrivia(nodes[start])) start++;
  while (end > start && isTrivia(nodes[end - 1])) end--;
  return nodes.slice(start, end);
}

/** Splits on the first top-level occurrence of a keyword; `null` when it is absent. */
function splitOnWord(nodes: Node[], word: string, last = false): [Node[], Node[]] | null {
  let at = -1;
  nodes.forEach((node, index) => {
    if (isWord(node, word) && (last || at < 0)) at = index;
  });
  return at < 0 ? null : [trimNodes(nodes.slice(0, at)), trimNodes(nodes.slice(at + 1))];
}

const nodePos = (nodes: Node[], fallback: number): number => nodes[0]?.pos ?? fallback;

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Parenthesises an emitted expression unless it is obviously atomic (arity is checked before, hence `?? ""`). */
function paren(emitted: string | undefined): string {
  const sql = emitted ?? "";
  return /^(?:[A-Za-z_][\w.]*|\$\w+|\d+(?:\.\d+)?|'(?:[^']|'')*'|"(?:[^"]|"")*"(?:\."(?:[^"]|"")*")*)$/.test(
    sql,
  )
    ? sql
    : `(${sql})`;
}

function blobLiteral(bytes: Uint8Array): string {
  let body = "";
  for (const byte of bytes) {
    // DuckDB's VARCHAR→BLOB cast reads \xHH escapes, so the backslash itself must be escaped too.
    body +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, "0").toUpperCase()}`;
  }
  return `CAST('${body}' AS BLOB)`;
}

// Typed literals whose DuckDB spelling differs: BigQuery's TIMESTAMP '…' is an instant, DATETIME '…' a civil time.
const TYPED_LITERALS: Record<string, string> = {
  TIMESTAMP: "TIMESTAMPTZ",
  DATETIME: "TIMESTAMP",
  NUMERIC: "DECIMAL(38, 9)",
  BIGNUMERIC: "DECIMAL(38, 9)",
  JSON: "JSON",
};

// Keywords that can be followed by "(" without being a function call.
const NOT_CALLS = new Set(
  (
    "ALL AND ANY ARRAY AS ASC BETWEEN BY CASE CROSS CUBE CURRENT DELETE DESC DISTINCT ELSE END ESCAPE EXCEPT EXISTS " +
    "FOLLOWING FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN LATERAL LIKE LIMIT " +
    "MATCHED MERGE NOT NULLS OFFSET ON OR ORDER OUTER OVER PARTITION PRECEDING QUALIFY RANGE RECURSIVE RETURNS ROLLUP " +
    "ROW ROWS SELECT SET SETS SOME TABLE THEN UNBOUNDED UNION UPDATE USING VALUES VIEW WHEN WHERE WINDOW WITH"
  ).split(" "),
);

// Words after which a "[...]" is an array literal rather than a subscript.
const VALUE_WORDS_NOT = new Set([...NOT_CALLS, "RETURN"]);

const ARITHMETIC = new Set(["*", "+", "-", "/", "%"]);

/** Whether the literal at `i` is an operand of a binary arithmetic operator (not a unary minus). */
function inArithmetic(nodes: Node[], i: number): boolean {
  const next = nodes[nextSig(nodes, i + 1)];
  if (isToken(next) && next.kind === "op" && ARITHMETIC.has(next.text)) return true;
  const prevAt = prevSig(nodes, i - 1);
  const prev = nodes[prevAt];
  if (!isToken(prev) || prev.kind !== "op" || !ARITHMETIC.has(prev.text)) return false;
  const operand = nodes[prevSig(nodes, prevAt - 1)];
  if (operand === undefined) return false;
  if (operand.kind === "group") return true;
  return operand.kind !== "op" && !(operand.kind === "ident" && NOT_CALLS.has(operand.text.toUpperCase()));
}

// ---------------------------------------------------------------------------------------------------------------
// Types

const SCALAR_TYPES: Record<string, string> = {
  INT64: "BIGINT",
  INT: "BIGINT",
  INTEGER: "BIGINT",
  SMALLINT: "BIGINT",
  BIGINT: "BIGINT",
  TINYINT: "BIGINT",
  BYTEINT: "BIGINT",
  FLOAT64: "DOUBLE",
  NUMERIC: "DECIMAL(38, 9)",
  DECIMAL: "DECIMAL(38, 9)",
  // DuckDB's widest decimal is 38 digits: BIGNUMERIC values beyond DECIMAL(38, 9) do not fit locally.
  BIGNUMERIC: "DECIMAL(38, 9)",
  BIGDECIMAL: "DECIMAL(38, 9)",
  STRING: "VARCHAR",
  BOOL: "BOOLEAN",
  BOOLEAN: "BOOLEAN",
  BYTES: "BLOB",
  DATE: "DATE",
  // BigQuery DATETIME is a civil date-time (no zone) and TIMESTAMP an instant.
  DATETIME: "TIMESTAMP",
  TIMESTAMP: "TIMESTAMPTZ",
  TIME: "TIME",
  JSON: "JSON",
  INTERVAL: "INTERVAL",
};

// ---------------------------------------------------------------------------------------------------------------
// Date parts and format strings

const WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

interface DatePart {
  part: string;
  /** First day of the week for WEEK(<weekday>) (0 = Sunday, BigQuery's default for WEEK). */
  weekStart: number;
  pos: number;
}

/** `d` minus the days since the last `weekStart` weekday: the first day of its week. */
function weekStartOf(date: string, weekStart: number): string {
  return `(${date} - CAST((dayofweek(${date}) + ${7 - weekStart}) % 7 AS INTEGER))`;
}

// BigQuery format elements that DuckDB's strftime spells the same way.
const SAME_FORMAT_ELEMENTS = new Set("YmdbhaABjUWuwVGHIpMSTy%".split(""));
// Format elements DuckDB lacks or spells differently, as strftime fragments.
const FORMAT_ALIASES: Record<string, string> = {
  F: "%Y-%m-%d",
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  R: "%H:%M",
  n: "\n",
  t: "\t",
};
// Format elements DuckDB's strftime cannot express at all, as SQL over the value.
const FORMAT_EXPRESSIONS: Record<string, (value: string) => string> = {
  // %e is the day of month padded with a space; DuckDB has no %e.
  e: (value) => `lpad(CAST(day(${value}) AS VARCHAR), 2, ' ')`,
  Q: (value) => `CAST(quarter(${value}) AS VARCHAR)`,
  C: (value) => `lpad(CAST(year(${value}) // 100 AS VARCHAR), 2, '0')`,
  // DuckDB's %g is milliseconds; BigQuery's is the ISO year without century.
  g: (value) => `lpad(CAST(isoyear(${value}) % 100 AS VARCHAR), 2, '0')`,
  k: (value) => `lpad(CAST(hour(${value}) AS VARCHAR), 2, ' ')`,
  l: (value) => `lpad(CAST((hour(${value}) + 11) % 12 + 1 AS VARCHAR), 2, ' ')`,
  s: (value) => `CAST(epoch_us(${value}) // 1000000 AS VARCHAR)`,
};

type FormatPiece = { strftime: string } | { expression: (value: string) => string };

function parseFormat(format: string, forParsing: boolean, fail: (message: string) => never): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let current = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== "%") {
      current += ch;
      continue;
    }
    const element = format[i + 1] ?? "";
    i++;
    if (SAME_FORMAT_ELEMENTS.has(element)) current += `%${element}`;
    else if (FORMAT_ALIASES[element] !== undefined) current += FORMAT_ALIASES[element];
    else if (forParsing && (element === "e" || element === "k")) current += element === "e" ? "%d" : "%H";
    else if (!forParsing && FORMAT_EXPRESSIONS[element]) {
      if (current) pieces.push({ strftime: current });
      current = "";
      pieces.push({ expression: FORMAT_EXPRESSIONS[element] });
    } else fail(`format element %${element} is not supported`);
  }
  if (current || pieces.length === 0) pieces.push({ strftime: current });
  return pieces;
}

function formatValue(format: string, value: string, fail: (message: string) => never): string {
  const pieces = parseFormat(format, false, fail).map((piece) =>
    "strftime" in piece ? `strftime(${value}, ${quoteString(piece.strftime)})` : piece.expression(value),
  );
  return pieces.length === 1 ? (pieces[0] as string) : `(${pieces.join(" || ")})`;
}

/** Counts the capture groups of a regular expression (RE2 syntax). */
function captureGroups(pattern: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") i++;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") inClass = true;
    else if (
      ch === "(" &&
      (pattern[i + 1] !== "?" || pattern.startsWith("(?P<", i) || pattern.startsWith("(?<", i))
    )
      count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------------
// Calls and the rewrite table

interface Call {
  name: string;
  /** Arguments before any ORDER BY / LIMIT / IGNORE NULLS tail, trimmed, untranslated. */
  args: Node[][];
  /** Aggregate modifiers (ORDER BY …, LIMIT n, IGNORE|RESPECT NULLS), untranslated. */
  tail: Node[];
  /** The translated " OVER (…)" clause that followed the call, or "". */
  over: string;
  pos: number;
}

type Rewrite = (call: Call, t: Translator) => string;

/** Same semantics under another (or the same) name; keeps DISTINCT, ORDER BY tails and OVER clauses. */
const rename =
  (duckName: string): Rewrite =>
  (call, t) => {
    const args = call.args.map((arg) => t.expr(arg)).join(", ");
    const tail = call.tail.length > 0 ? ` ${t.expr(call.tail)}` : "";
    return `${duckName}(${args}${tail})${call.over}`;
  };

const scalarOnly =
  (rewrite: Rewrite): Rewrite =>
  (call, t) => {
    if (call.over) t.fail(`${call.name}() is not an analytic function`, call.pos);
    return rewrite(call, t);
  };

const IDENTICAL = (
  "ABS SIGN ROUND CEIL CEILING FLOOR SQRT POW POWER EXP LN LOG10 TRUNC SUM AVG MIN MAX COUNT ANY_VALUE " +
  "COALESCE IFNULL NULLIF LOWER UPPER TRIM LTRIM RTRIM REPLACE STARTS_WITH ENDS_WITH STRPOS LENGTH REVERSE " +
  "LEFT RIGHT REPEAT ROW_NUMBER RANK DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE " +
  "NTH_VALUE STDDEV STDDEV_SAMP STDDEV_POP VARIANCE VAR_SAMP VAR_POP CORR COVAR_POP COVAR_SAMP MAX_BY MIN_BY " +
  "ARRAY_TO_STRING TO_BASE64 FROM_BASE64 APPROX_COUNT_DISTINCT"
).split(" ");

const REWRITES: Record<string, Rewrite> = {
  ...Object.fromEntries(IDENTICAL.map((name) => [name, rename(name.toLowerCase())])),
  CHAR_LENGTH: rename("length"),
  CHARACTER_LENGTH: rename("length"),
  // BigQuery LOG(x) is the natural log and LOG(x, b) takes the base second; DuckDB's log is base 10.
  LOG: scalarOnly((call, t) => {
    const [x, base] = t.args(call, 1, 2);
    return base === undefined ? `ln(${x})` : `(ln(${x}) / ln(${base}))`;
  }),
  // MOD keeps the dividend's sign in both engines; DuckDB spells it %.
  MOD: scalarOnly((call, t) => {
    const [a, b] = t.args(call, 2, 2);
    return `(${paren(a)} % ${paren(b)})`;
  }),
  // DuckDB's // is plain division for DECIMAL; subtracting the remainder first gives BigQuery's truncation for both.
  DIV: scalarOnly((call, t) => {
    const [a, b] = t.args(call, 2, 2);
    return `CAST((${paren(a)} - ${paren(a)} % ${paren(b)}) / ${paren(b)} AS BIGINT)`;
  }),
  // DuckDB returns Infinity for x / 0; BigQuery's SAFE_DIVIDE returns NULL.
  SAFE_DIVIDE: scalarOnly((call, t) => {
    const [a, b] = t.args(call, 2, 2);
    return `CASE WHEN ${paren(b)} = 0 THEN NULL ELSE ${paren(a)} / ${paren(b)} END`;
  }),
  // DuckDB's greatest/least skip NULLs; BigQuery's return NULL when any argument is NULL.
  GREATEST: scalarOnly((call, t) =>
    nullIfAnyNull(t.args(call, 1, Infinity), (args) => `greatest(${args.join(", ")})`),
  ),
  LEAST: scalarOnly((call, t) =>
    nullIfAnyNull(t.args(call, 1, Infinity), (args) => `least(${args.join(", ")})`),
  ),
  RAND: rename("random"),

  IF: scalarOnly((call, t) => {
    const [condition, then, otherwise] = t.args(call, 3, 3);
    return `CASE WHEN ${condition} THEN ${then} ELSE ${otherwise} END`;
  }),
  // count_if returns HUGEINT in DuckDB; counting a CASE keeps BigQuery's INT64 (and works under OVER).
  COUNTIF: (call, t) => {
    const [condition] = t.args(call, 1, 1);
    return `count(CASE WHEN ${condition} THEN 1 END)${call.over}`;
  },
  LOGICAL_OR: rename("bool_or"),
  LOGICAL_AND: rename("bool_and"),
  STRING_AGG: (call, t) => aggregateWithLimit(call, t, "string_agg"),
  ARRAY_AGG: (call, t) => aggregateWithLimit(call, t, "array_agg"),
  // BigQuery has PERCENTILE_CONT/DISC only as analytic functions; DuckDB names them quantile_*.
  PERCENTILE_CONT: (call, t) => percentile(call, t, "quantile_cont"),
  PERCENTILE_DISC: (call, t) => percentile(call, t, "quantile_disc"),
  // APPROX_QUANTILES(x, n) is n+1 boundaries; an exact quantile_disc over the same fractions is a faithful stand-in.
  APPROX_QUANTILES: (call, t) => {
    const [x] = t.args(call, 2, 2);
    const n = t.integerLiteral(
      call.args[1] as Node[],
      "APPROX_QUANTILES() needs a literal number of quantiles",
    );
    if (n < 1 || n > 1000) t.fail("APPROX_QUANTILES() needs between 1 and 1000 quantiles", call.pos);
    if (call.tail.length > 0 && !/^IGNORE\s+NULLS$/i.test(t.expr(call.tail)))
      t.fail("APPROX_QUANTILES() modifiers are not supported", call.pos);
    const fractions = Array.from({ length: n + 1 }, (_, i) => String(i / n));
    return `quantile_disc(${x}, [${fractions.join(", ")}])${call.over}`;
  },

  ARRAY_LENGTH: scalarOnly((call, t) => `len(${t.args(call, 1, 1)[0]})`),
  // DuckDB's list_concat skips a NULL list; BigQuery's ARRAY_CONCAT returns NULL, as || does.
  ARRAY_CONCAT: scalarOnly((call, t) => `(${t.args(call, 1, Infinity).map(paren).join(" || ")})`),
  ARRAY_REVERSE: scalarOnly((call, t) => `list_reverse(${t.args(call, 1, 1)[0]})`),
  // generate_series is inclusive of both ends, as GENERATE_ARRAY is.
  GENERATE_ARRAY: scalarOnly((call, t) => `generate_series(${t.args(call, 2, 3).join(", ")})`),
  GENERATE_DATE_ARRAY: scalarOnly((call, t) => {
    const [from, to] = t.args(call, 2, 3, [2]);
    const step = call.args[2]
      ? t.interval(call.args[2], ["DAY", "WEEK", "MONTH", "QUARTER", "YEAR"])
      : "to_days(1)";
    // generate_series over dates yields TIMESTAMPs; BigQuery yields DATEs.
    return `list_transform(generate_series(CAST(${from} AS DATE), CAST(${to} AS DATE), ${step}), lambda __d: CAST(__d AS DATE))`;
  }),
  STRUCT: scalarOnly((call, t) => {
    if (call.args.length === 0) t.fail("STRUCT() needs at least one field", call.pos);
    const fields = call.args.map((arg) => {
      const split = splitOnWord(arg, "AS", true);
      const [valueNodes, nameNodes] = split ?? [arg, arg.slice(-1)];
      const nameToken = nameNodes.length === 1 ? nameNodes[0] : undefined;
      if (!isToken(nameToken) || (nameToken.kind !== "ident" && nameToken.kind !== "quoted"))
        return t.fail("STRUCT() fields need a name (expr AS name)", nodePos(arg, call.pos));
      const name = nameToken.kind === "quoted" ? nameToken.value : nameToken.text;
      return `${quoteString(name)}: ${t.expr(valueNodes)}`;
    });
    return `{${fields.join(", ")}}`;
  }),

  // ---- strings
  // DuckDB's concat skips NULLs and turns BYTES into text; BigQuery's CONCAT is NULL if any argument is, like ||.
  CONCAT: scalarOnly((call, t) => `(${t.args(call, 1, Infinity).map(paren).join(" || ")})`),
  // BigQuery treats position 0 as 1 and clamps a negative position past the start to 1; DuckDB does neither.
  SUBSTR: scalarOnly((call, t) => substr(call, t)),
  SUBSTRING: scalarOnly((call, t) => substr(call, t)),
  SPLIT: scalarOnly((call, t) => {
    const [value, delimiter] = t.args(call, 1, 2);
    return `string_split(${value}, ${delimiter ?? "','"})`;
  }),
  // BigQuery pads with spaces by default; DuckDB's lpad/rpad require the pad argument.
  LPAD: scalarOnly((call, t) => {
    const [value, length, pad] = t.args(call, 2, 3);
    return `lpad(${value}, ${length}, ${pad ?? "' '"})`;
  }),
  RPAD: scalarOnly((call, t) => {
    const [value, length, pad] = t.args(call, 2, 3);
    return `rpad(${value}, ${length}, ${pad ?? "' '"})`;
  }),
  REGEXP_CONTAINS: scalarOnly((call, t) => `regexp_matches(${t.args(call, 2, 2).join(", ")})`),
  // BigQuery returns the first capture group (or the whole match) and NULL on no match; DuckDB returns ''.
  REGEXP_EXTRACT: scalarOnly((call, t) => regexpExtract(call, t)),
  REGEXP_SUBSTR: scalarOnly((call, t) => regexpExtract(call, t)),
  REGEXP_EXTRACT_ALL: scalarOnly((call, t) => {
    const [value, pattern] = t.args(call, 2, 2);
    const groups = captureGroups(
      t.stringLiteral(call.args[1] as Node[], "REGEXP_EXTRACT_ALL() needs a literal pattern"),
    );
    if (groups > 1) t.fail("REGEXP_EXTRACT_ALL() allows at most one capture group", call.pos);
    return `regexp_extract_all(${value}, ${pattern}, ${groups})`;
  }),
  // BigQuery replaces every match; DuckDB only the first unless given 'g'. Both use RE2 \1 back-references.
  REGEXP_REPLACE: scalarOnly((call, t) => `regexp_replace(${t.args(call, 3, 3).join(", ")}, 'g')`),
  FORMAT: scalarOnly((call, t) => formatCall(call, t)),
  GENERATE_UUID: scalarOnly((call, t) => {
    t.args(call, 0, 0);
    return "CAST(uuid() AS VARCHAR)";
  }),

  // ---- bytes and hashing: BigQuery hashes return BYTES, DuckDB's return lowercase hex text.
  SHA256: scalarOnly((call, t) => `unhex(sha256(${t.args(call, 1, 1)[0]}))`),
  SHA1: scalarOnly((call, t) => `unhex(sha1(${t.args(call, 1, 1)[0]}))`),
  MD5: scalarOnly((call, t) => `unhex(md5(${t.args(call, 1, 1)[0]}))`),
  // DuckDB's hex is uppercase; BigQuery's TO_HEX is lowercase.
  TO_HEX: scalarOnly((call, t) => `lower(hex(${t.args(call, 1, 1)[0]}))`),
  FROM_HEX: scalarOnly((call, t) => `unhex(${t.args(call, 1, 1)[0]})`),
  // BYTE_LENGTH takes STRING (UTF-8 bytes) or BYTES; DuckDB needs a different function for each.
  BYTE_LENGTH: scalarOnly((call, t) => {
    const [value] = t.args(call, 1, 1);
    return `CASE WHEN typeof(${value}) = 'BLOB' THEN octet_length(TRY_CAST(${value} AS BLOB)) ELSE strlen(TRY_CAST(${value} AS VARCHAR)) END`;
  }),

  // ---- casts
  CAST: scalarOnly((call, t) => cast(call, t, "CAST")),
  SAFE_CAST: scalarOnly((call, t) => cast(call, t, "TRY_CAST")),

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

  // ---- JSON
  // DuckDB's json_value returns the JSON text ("x" with quotes); BigQuery returns the scalar as a string and
  // NULL for objects, arrays and JSON null. json_value already gives NULL for non-scalars; unwrap the rest.
  JSON_VALUE: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    return `json_extract_string(json_value(${json}, ${path ?? "'$'"}), '$')`;
  }),
  JSON_EXTRACT_SCALAR: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    return `json_extract_string(json_value(${json}, ${path ?? "'$'"}), '$')`;
  }),
  JSON_QUERY: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    return `json_extract(${json}, ${path ?? "'$'"})`;
  }),
  // NULL, not an error or an empty list, when the path does not hold an array.
  JSON_QUERY_ARRAY: scalarOnly((call, t) => jsonArray(call, t, false)),
  JSON_EXTRACT_ARRAY: scalarOnly((call, t) => jsonArray(call, t, false)),
  JSON_VALUE_ARRAY: scalarOnly((call, t) => jsonArray(call, t, true)),
  JSON_EXTRACT_STRING_ARRAY: scalarOnly((call, t) => jsonArray(call, t, true)),
  // json() validates and normalises, as PARSE_JSON does; an invalid document is an error in both.
  PARSE_JSON: scalarOnly((call, t) => `json(${t.args(call, 1, 1)[0]})`),
  // BigQuery serialises a SQL NULL as JSON null; DuckDB's to_json returns SQL NULL.
  TO_JSON: scalarOnly((call, t) => `coalesce(to_json(${t.args(call, 1, 1)[0]}), CAST('null' AS JSON))`),
  TO_JSON_STRING: scalarOnly(
    (call, t) => `coalesce(CAST(to_json(${t.args(call, 1, 1)[0]}) AS VARCHAR), 'null')`,
  ),
};

/** The BigQuery functions this layer translates (upper case; SAFE.-prefixed where only that form is supported). */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(REWRITES).sort();

function nullIfAnyNull(args: string[], build: (args: string[]) => string): string {
  return `CASE WHEN ${args.map((arg) => `${paren(arg)} IS NULL`).join(" OR ")} THEN NULL ELSE ${build(args)} END`;
}

function aggregateWithLimit(call: Call, t: Translator, duckName: "string_agg" | "array_agg"): string {
  const args = t.args(call, 1, duckName === "string_agg" ? 2 : 1);
  const first = call.args[0] as Node[];
  const distinct = isWord(first[0], "DISTINCT");
  const value = distinct ? t.expr(first.slice(1)) : (args[0] as string);
  const separator = args[1] ?? "','";
  let ignoreNulls = duckName === "string_agg";
  let orderBy = "";
  let limit: string | undefined;
  const tail = call.tail;
  for (let i = 0; i < tail.length;) {
    const node = tail[i];
    if (isWord(node, "IGNORE", "RESPECT") && isWord(tail[nextSig(tail, i + 1)], "NULLS")) {
      ignoreNulls = node.text.toUpperCase() === "IGNORE";
      i = nextSig(tail, i + 1) + 1;
    } else if (isWord(node, "ORDER")) {
      const end = tail.findIndex((n, index) => index > i && isWord(n, "LIMIT"));
      orderBy = ` ${t.expr(tail.slice(i, end < 0 ? tail.length : end))}`;
      i = end < 0 ? tail.length : end;
    } else if (isWord(node, "LIMIT")) {
      limit = t.expr(tail.slice(i + 1));
      i = tail.length;
    } else if (isTrivia(node)) {
      i++;
    } else {
      return t.fail(`unexpected ${t.expr([node as Node])} in ${call.name}()`, node?.pos ?? call.pos);
    }
  }
  const distinctSql = distinct ? "DISTINCT " : "";
  if (limit === undefined) {
    if (duckName === "string_agg")
      return `string_agg(${distinctSql}${value}, ${separator}${orderBy})${call.over}`;
    const filter = ignoreNulls ? ` FILTER (WHERE ${paren(value)} IS NOT NULL)` : "";
    return `array_agg(${distinctSql}${value}${orderBy})${filter}${call.over}`;
  }
  // DuckDB aggregates take no LIMIT: aggregate the ordered list, then keep its first n elements.
  const filter = ignoreNulls ? ` FILTER (WHERE ${paren(value)} IS NOT NULL)` : "";
  const list = `list_slice(array_agg(${distinctSql}${value}${orderBy})${filter}${call.over}, 1, ${limit})`;
  return duckName === "string_agg" ? `array_to_string(${list}, ${separator})` : list;
}

function percentile(call: Call, t: Translator, duckName: string): string {
  const [value, fraction] = t.args(call, 2, 2);
  if (!call.over)
    t.fail(`${call.name}() is only an analytic function in BigQuery and needs OVER (...)`, call.pos);
  if (call.tail.length > 0 && !/^IGNORE\s+NULLS$/i.test(t.expr(call.tail)))
    t.fail(`${call.name}() with RESPECT NULLS is not supported`, call.pos);
  return `${duckName}(${value}, ${fraction})${call.over}`;
}

function substr(call: Call, t: Translator): string {
  const [value, position, length] = t.args(call, 2, 3);
  const lengthSql = length === undefined ? "" : `, ${length}`;
  if (/^[1-9]\d*$/.test(position as string)) return `substr(${value}, ${position}${lengthSql})`;
  const p = paren(position as string);
  const v = paren(value as string);
  const start = `CASE WHEN ${p} > 0 THEN ${p} WHEN ${p} = 0 OR ${p} < -length(${v}) THEN 1 ELSE length(${v}) + ${p} + 1 END`;
  return `substr(${value}, ${start}${lengthSql})`;
}

function regexpExtract(call: Call, t: Translator): string {
  const [value, pattern] = t.args(call, 2, 2);
  const groups = captureGroups(
    t.stringLiteral(call.args[1] as Node[], `${call.name}() needs a literal pattern`),
  );
  if (groups > 1) t.fail(`${call.name}() allows at most one capture group`, call.pos);
  return `CASE WHEN regexp_matches(${value}, ${pattern}) THEN regexp_extract(${value}, ${pattern}, ${groups}) END`;
}

function formatCall(call: Call, t: Translator): string {
  const [, ...values] = t.args(call, 1, Infinity);
  const format = t.stringLiteral(call.args[0] as Node[], "FORMAT() needs a literal format string");
  const specs = [...format.matchAll(/%(%|[-0]?\d*(?:\.\d+)?([dsfi]))/g)];
  const stray = format.replaceAll(/%(%|[-0]?\d*(?:\.\d+)?[dsfi])/g, "");
  if (stray.includes("%"))
    t.fail("FORMAT() supports only %d, %i, %s, %f (with width/precision) and %%", call.pos);
  const converted = specs.filter((spec) => spec[1] !== "%");
  if (converted.length !== values.length)
    t.fail("FORMAT() has a different number of values and specifiers", call.pos);
  // DuckDB's printf refuses %s for numbers; BigQuery formats any value as its STRING cast.
  const args = values.map((value, i) => (converted[i]?.[2] === "s" ? `CAST(${value} AS VARCHAR)` : value));
  return `printf(${quoteString(format.replaceAll("%i", "%d"))}${args.map((arg) => `, ${arg}`).join("")})`;
}

function cast(call: Call, t: Translator, castName: "CAST" | "TRY_CAST"): string {
  const arg = call.args[0];
  if (call.args.length !== 1 || !arg)
    return t.fail(`${call.name}() takes one "expr AS type" argument`, call.pos);
  const split = splitOnWord(arg, "AS", true);
  if (!split) return t.fail(`${call.name}() needs "expr AS type"`, nodePos(arg, call.pos));
  const [valueNodes, typeNodes] = split;
  if (splitOnWord(typeNodes, "FORMAT"))
    t.fail(`${call.name}(... FORMAT ...) is not supported`, nodePos(typeNodes, call.pos));
  const value = t.expr(valueNodes);
  const type = t.type(typeNodes);
  // DuckDB's VARCHAR→BLOB cast decodes \x escapes; BigQuery casts a STRING to its UTF-8 bytes.
  if (type === "BLOB") return `encode(${value})`;
  // BigQuery rounds floats half away from zero when casting to INT64; DuckDB rounds half to even.
  if (type === "BIGINT" && !/^(-?\d+|'(?:[^']|'')*')$/.test(value))
    return `CASE WHEN typeof(${value}) IN ('DOUBLE', 'FLOAT') THEN ${castName}(round(TRY_CAST(${value} AS DOUBLE)) AS BIGINT) ELSE ${castName}(${value} AS BIGINT) END`;
  return `${castName}(${value} AS ${type})`;
}

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

function jsonArray(call: Call, t: Translator, scalars: boolean): string {
  const [json, pathArg] = t.args(call, 1, 2);
  const path = pathArg ?? "'$'";
  const list = `CAST(json_extract(${json}, ${path}) AS JSON[])`;
  const items = scalars
    ? `list_transform(${list}, lambda __e: json_extract_string(json_value(__e, '$'), '$'))`
    : list;
  return `CASE WHEN json_type(${json}, ${path}) = 'ARRAY' THEN ${items} END`;
}

// ---------------------------------------------------------------------------------------------------------------
// The translator

class Translator {
  constructor(private readonly sql: string) {}

  fail(message: string, pos: number): never {
    const before = this.sql.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    throw new DialectError(`BigQuery→DuckDB: ${message} (line ${line}, column ${column})`);
  }

  /** Translates a node list and trims it: one expression. */
  expr(nodes: Node[]): string {
    return this.seq(trimNodes(nodes)).trim();
  }

  /** Translated arguments, checking the count; `raw` positions (date parts such as WEEK(MONDAY)) are left as "". */
  args(call: Call, min: number, max: number, raw: number[] = []): string[] {
    if (call.args.length < min || call.args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(
        `${call.name}() takes ${expected} argument${max === 1 ? "" : "s"}, got ${call.args.length}`,
        call.pos,
      );
    }
    if (
      call.tail.length > 0 &&
      !["STRING_AGG", "ARRAY_AGG", "PERCENTILE_CONT", "PERCENTILE_DISC", "APPROX_QUANTILES"].includes(
        call.name,
      ) &&
      !IDENTICAL.includes(call.name)
    )
      this.fail(
        `${call.name}() does not take ORDER BY / LIMIT / NULLS modifiers`,
        nodePos(call.tail, call.pos),
      );
    return call.args.map((arg, index) => (raw.includes(index) ? "" : this.expr(arg)));
  }

  stringLiteral(nodes: Node[], message: string): string {
    const sig = significant(nodes);
    const token = sig[0];
    if (sig.length !== 1 || !isToken(token) || token.kind !== "string")
      return this.fail(message, nodePos(nodes, 0));
    return token.value;
  }

  integerLiteral(nodes: Node[], message: string): number {
    const sig = significant(nodes);
    const token = sig[0];
    if (sig.length !== 1 || !isToken(token) || token.kind !== "number" || !/^\d+$/.test(token.text))
      return this.fail(message, nodePos(nodes, 0));
    return Number(token.text);
  }

  type(nodes: Node[]): string {
    const sig = significant(nodes);
    const head = sig[0];
    if (!isWord(head)) return this.fail("expected a type name", nodePos(nodes, 0));
    const name = head.text.toUpperCase();
    if (name === "ARRAY") {
      if (!isOp(sig[1], "<") || !isOp(sig[sig.length - 1], ">")) this.fail("expected ARRAY<type>", head.pos);
      return `${this.type(sig.slice(2, -1))}[]`;
    }
    const mapped = SCALAR_TYPES[name];
    if (mapped === undefined) return this.fail(`type ${name} is not supported`, head.pos);
    const params = sig[1];
    if (sig.length > 2 || (params && !isGroup(params)))
      this.fail(`unexpected tokens after type ${name}`, head.pos);
    if (isGroup(params) && (name === "NUMERIC" || name === "DECIMAL"))
      return `DECIMAL(${this.expr(params.items)})`;
    return mapped;
  }

  datePart(nodes: Node[]): DatePart {
    const sig = significant(nodes);
    const head = sig[0];
    if (!isWord(head)) return this.fail("expected a date part such as DAY or MONTH", nodePos(nodes, 0));
    const part = head.text.toUpperCase();
    const weekday = sig[1];
    if (part === "WEEK" && isGroup(weekday) && sig.length === 2) {
      const day = significant(weekday.items)[0];
      const index = isWord(day) ? WEEKDAYS.indexOf(day.text.toUpperCase()) : -1;
      if (index < 0) this.fail("WEEK(<weekday>) needs a weekday name such as MONDAY", weekday.pos);
      return { part, weekStart: index, pos: head.pos };
    }
    if (sig.length !== 1) this.fail(`unexpected tokens after date part ${part}`, head.pos);
    return { part, weekStart: part === "ISOWEEK" ? 1 : 0, pos: head.pos };
  }

  intervalParts(nodes: Node[], allowed: string[]): { amount: string; part: string } {
    const sig = significant(nodes);
    const head = sig[0];
    const last = sig[sig.length - 1];
    if (!isWord(head, "INTERVAL") || !isWord(last) || sig.length < 3)
      return this.fail("expected INTERVAL <n> <part>", nodePos(nodes, 0));
    const part = last.text.toUpperCase();
    if (!allowed.includes(part))
      this.fail(`INTERVAL ... ${part} is not supported here (use ${allowed.join(", ")})`, last.pos);
    const amountNodes = trimNodes(nodes.slice(nodes.indexOf(head) + 1, nodes.indexOf(last)));
    return { amount: paren(this.expr(amountNodes)), part };
  }

  interval(nodes: Node[], allowed: string[]): string {
    const { amount, part } = this.intervalParts(nodes, allowed);
    const fn: Record<string, string> = {
      DAY: "to_days",
      WEEK: "to_weeks",
      MONTH: "to_months",
      QUARTER: "to_months",
      YEAR: "to_years",
    };
    const scaled = part === "QUARTER" ? `${amount} * 3` : amount;
    return `${fn[part]}(CAST(${scaled} AS INTEGER))`;
  }

  format(nodes: Node[], value: string): string {
    const format = this.stringLiteral(nodes, "the format must be a string literal");
    return formatValue(format, value, (message) => this.fail(message, nodePos(nodes, 0)));
  }

  parseFormat(nodes: Node[]): string {
    const format = this.stringLiteral(nodes, "the format must be a string literal");
    const pieces = parseFormat(format, true, (message) => this.fail(message, nodePos(nodes, 0)));
    const piece = pieces[0];
    if (pieces.length !== 1 || !piece || !("strftime" in piece))
      return this.fail("unsupported parse format", nodePos(nodes, 0));
    return quoteString(piece.strftime);
  }

  /** Translates a node sequence, keeping whitespace and comments. */
  seq(nodes: Node[]): string {
    let out = "";
    let i = 0;
    while (i < nodes.length) {
      const node = nodes[i] as Node;
      if (node.kind === "group") {
        out += node.open === "[" ? this.bracket(nodes, i) : `(${this.seq(node.items)})`;
        i++;
        continue;
      }
      switch (node.kind) {
        case "ws":
          out += node.text;
          i++;
          break;
        case "comment":
          // BigQuery also accepts # comments; DuckDB only -- and /* */.
          out += node.text.startsWith("#") ? `--${node.text.slice(1)}` : node.text;
          i++;
          break;
        case "string":
          // BigQuery escapes were decoded by the tokenizer; DuckDB strings only escape the quote.
          if (node.value.includes("\0")) this.fail("NUL characters in strings are not supported", node.pos);
          out += quoteString(node.value);
          i++;
          break;
        case "bytes":
          out += blobLiteral(node.bytes ?? new Uint8Array());
          i++;
          break;
        case "quoted":
          // `project.dataset.table` is one backtick identifier in BigQuery but a path of names in DuckDB.
          out += node.value.split(".").map(quoteIdent).join(".");
          i++;
          break;
        case "param":
          out += `$${node.value}`;
          i++;
          break;
        case "number": {
          const literal = /^0[xX]/.test(node.text) ? BigInt(node.text).toString() : node.text;
          // BigQuery integer literals are INT64; DuckDB's are INTEGER, so 1000 * 1000 * 86400 overflows.
          out += /^\d+$/.test(literal) && inArithmetic(nodes, i) ? `CAST(${literal} AS BIGINT)` : literal;
          i++;
          break;
        }
        case "op":
          out += node.text;
          i++;
          break;
        case "ident": {
          const result = this.ident(nodes, i);
          out += result.sql;
          i = result.next;
          break;
        }
      }
    }
    return out;
  }

  private ident(nodes: Node[], i: number): { sql: string; next: number } {
    const token = nodes[i] as Token;
    const word = token.text.toUpperCase();
    const prev = nodes[prevSig(nodes, i - 1)];
    if (isOp(prev, ".")) return { sql: token.text, next: i + 1 };

    // A dotted name followed by "(" is a qualified function such as SAFE.PARSE_DATE or NET.HOST.
    const names = [token.text];
    let end = i;
    while (isOp(nodes[end + 1], ".") && isWord(nodes[end + 2])) {
      names.push((nodes[end + 2] as Token).text);
      end += 2;
    }
    const groupAt = nextSig(nodes, end + 1);
    const group = nodes[groupAt];

    if (names.length === 1 && ["PIVOT", "UNPIVOT", "TABLESAMPLE"].includes(word))
      this.fail(`${word} is not supported`, token.pos);
    if (isGroup(group)) {
      const name = names.join(".").toUpperCase();
      if (names.length === 1 && (NOT_CALLS.has(word) || isWord(prev, "INTO", "TABLE", "VIEW", "FUNCTION"))) {
        // `SELECT * EXCEPT (a, b)` is DuckDB's `* EXCLUDE (a, b)`; EXCEPT DISTINCT stays a set operation.
        if (word === "EXCEPT" && isOp(prev, "*")) return { sql: "EXCLUDE", next: i + 1 };
        return { sql: token.text, next: i + 1 };
      }
      if (word === "REPLACE" && isOp(prev, "*")) return { sql: token.text, next: i + 1 };
      if (word === "UNNEST" && names.length === 1) return this.unnest(nodes, i, groupAt, group);
      const rewrite = REWRITES[name];
      if (!rewrite) {
        const kind = names.length > 1 ? "function (or UDF)" : "function";
        return this.fail(`unsupported BigQuery ${kind} ${names.join(".")}()`, token.pos);
      }
      const call = this.call(name, token.pos, group);
      let next = groupAt + 1;
      const overAt = nextSig(nodes, next);
      if (isWord(nodes[overAt], "OVER")) {
        const windowAt = nextSig(nodes, overAt + 1);
        const window = nodes[windowAt];
        if (isGroup(window)) call.over = ` OVER (${this.seq(window.items)})`;
        else if (isWord(window)) call.over = ` OVER ${window.text}`;
        else this.fail("expected a window after OVER", nodes[overAt]?.pos ?? token.pos);
        next = windowAt + 1;
      }
      return { sql: rewrite(call, this), next };
    }

    if (names.length === 1) {
      const following = nodes[nextSig(nodes, i + 1)];
      if (isToken(following) && following.kind === "string") {
        const literalType = TYPED_LITERALS[word];
        if (literalType)
          return {
            sql: `CAST(${quoteString(following.value)} AS ${literalType})`,
            next: nextSig(nodes, i + 1) + 1,
          };
      }
      if (word === "AS" && isWord(prev, "SELECT") && isWord(following, "STRUCT", "VALUE"))
        this.fail(`SELECT AS ${following.text.toUpperCase()} is not supported`, token.pos);
      if (word === "ARRAY" && isOp(following, "<"))
        this.fail(
          "typed array literals ARRAY<T>[...] are not supported; use CAST([...] AS ARRAY<T>)",
          token.pos,
        );
      if (word === "STRUCT" && isOp(following, "<"))
        this.fail("typed STRUCT<...> is not supported", token.pos);
      if (word === "FOR" && isWord(following, "SYSTEM_TIME"))
        this.fail("FOR SYSTEM_TIME AS OF is not supported", token.pos);
    }
    return { sql: token.text, next: i + 1 };
  }

  private call(name: string, pos: number, group: Group): Call {
    const args: Node[][] = [];
    let current: Node[] = [];
    let tail: Node[] = [];
    group.items.forEach((node, index) => {
      if (tail.length > 0) return;
      const after = group.items[nextSig(group.items, index + 1)];
      const startsTail =
        (isWord(node, "ORDER") && isWord(after, "BY")) ||
        isWord(node, "LIMIT") ||
        (isWord(node, "IGNORE", "RESPECT") && isWord(after, "NULLS"));
      if (startsTail) tail = group.items.slice(index);
      else if (isOp(node, ",")) {
        args.push(trimNodes(current));
        current = [];
      } else current.push(node);
    });
    const last = trimNodes(current);
    if (last.length > 0 || args.length > 0) args.push(last);
    args.forEach((arg) => {
      if (arg.length === 0) this.fail(`empty argument in ${name}()`, group.pos);
    });
    return { name, args, tail: trimNodes(tail), over: "", pos };
  }

  private unnest(nodes: Node[], i: number, groupAt: number, group: Group): { sql: string; next: number } {
    const token = nodes[i] as Token;
    const call = this.call("UNNEST", token.pos, group);
    const [array] = this.args(call, 1, 1);
    // `x IN UNNEST(arr)` is membership; DuckDB takes the same meaning from a one-column subquery.
    if (isWord(nodes[prevSig(nodes, i - 1)], "IN"))
      return { sql: `(SELECT unnest(${array}))`, next: groupAt + 1 };

    // In FROM, BigQuery's alias names the element VALUE; DuckDB's alias names the table, so name both.
    let at = nextSig(nodes, groupAt + 1);
    if (isWord(nodes[at], "AS")) at = nextSig(nodes, at + 1);
    const aliasToken = nodes[at];
    const isAlias =
      isToken(aliasToken) &&
      (aliasToken.kind === "quoted" ||
        (aliasToken.kind === "ident" &&
          !NOT_CALLS.has(aliasToken.text.toUpperCase()) &&
          !isWord(aliasToken, "LEFT", "RIGHT", "CROSS", "INNER", "FULL", "JOIN")));
    if (!isAlias)
      return this.fail("UNNEST(...) in FROM needs an alias for its element (UNNEST(x) AS item)", token.pos);
    const aliasName = aliasToken.kind === "quoted" ? aliasToken.value : aliasToken.text;
    const alias = aliasToken.kind === "quoted" ? quoteIdent(aliasName) : aliasName;
    const table = quoteIdent(`${aliasName}__unnest`);
    let next = at + 1;

    const withAt = nextSig(nodes, next);
    const offsetAt = nextSig(nodes, withAt + 1);
    if (isWord(nodes[withAt], "WITH") && isWord(nodes[offsetAt], "OFFSET")) {
      let posAt = nextSig(nodes, offsetAt + 1);
      if (isWord(nodes[posAt], "AS")) posAt = nextSig(nodes, posAt + 1);
      const posToken = nodes[posAt];
      let position = "offset";
      if (
        isToken(posToken) &&
        (posToken.kind === "quoted" ||
          (posToken.kind === "ident" && !NOT_CALLS.has(posToken.text.toUpperCase())))
      ) {
        position = posToken.kind === "quoted" ? quoteIdent(posToken.value) : posToken.text;
        next = posAt + 1;
      } else {
        next = offsetAt + 1;
      }
      // WITH ORDINALITY counts from 1; BigQuery's OFFSET counts from 0.
      const sql = `(SELECT __u.${alias}, __u.__ordinal - 1 AS ${position} FROM UNNEST(${array}) WITH ORDINALITY AS __u(${alias}, __ordinal)) AS ${table}`;
      return { sql, next };
    }
    return { sql: `UNNEST(${array}) AS ${table}(${alias})`, next };
  }

  private bracket(nodes: Node[], i: number): string {
    const group = nodes[i] as Group;
    const sig = significant(group.items);
    const head = sig[0];
    const inner = sig[1];
    if (
      sig.length === 2 &&
      isWord(head, "OFFSET", "SAFE_OFFSET", "ORDINAL", "SAFE_ORDINAL") &&
      isGroup(inner)
    ) {
      // BigQuery arrays are indexed from 0 (OFFSET) or 1 (ORDINAL); DuckDB lists from 1 and read negatives from the end.
      const zeroBased = /OFFSET/.test(head.text.toUpperCase());
      const index = this.expr(inner.items);
      if (/^\d+$/.test(index)) return `[${Number(index) + (zeroBased ? 1 : 0)}]`;
      return zeroBased
        ? `[CASE WHEN ${paren(index)} >= 0 THEN ${paren(index)} + 1 END]`
        : `[CASE WHEN ${paren(index)} >= 1 THEN ${index} END]`;
    }
    const prev = nodes[prevSig(nodes, i - 1)];
    const isSubscript =
      prev !== undefined &&
      (prev.kind === "group" ||
        (isToken(prev) &&
          (prev.kind === "quoted" ||
            prev.kind === "param" ||
            (prev.kind === "ident" && !VALUE_WORDS_NOT.has(prev.text.toUpperCase())))));
    if (isSubscript)
      this.fail("array subscripts need OFFSET(i), SAFE_OFFSET(i), ORDINAL(i) or SAFE_ORDINAL(i)", group.pos);
    return `[${this.seq(group.items)}]`;
  }
}

/** Translates one BigQuery Standard SQL statement (or script of statements) into DuckDB SQL. */
export function translateToDuckDb(bigQuerySql: string): string {
  const translator = new Translator(bigQuerySql);
  const fail = (message: string, pos: number): never => translator.fail(message, pos);
  return translator.seq(buildTree(tokenize(bigQuerySql, fail), fail));
}
