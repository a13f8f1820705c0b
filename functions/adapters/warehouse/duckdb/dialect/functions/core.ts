// Rewrites of the functions with the same meaning in both engines, math, conditionals, aggregates, arrays,
// STRUCT and casts.
import { type Call, rename, type Rewrite, scalarOnly } from "../call.ts";
import { isToken, isTrivia, isWord, nextSig, nodePos, paren, quoteString, splitOnWord } from "../nodes.ts";
import type { Node } from "../tokenizer.ts";
import type { Translator } from "../translator.ts";

export const IDENTICAL = (
  "ABS SIGN ROUND CEIL CEILING FLOOR SQRT POW POWER EXP LN LOG10 TRUNC SUM AVG MIN MAX COUNT ANY_VALUE " +
  "COALESCE IFNULL NULLIF UPPER REPLACE STARTS_WITH ENDS_WITH STRPOS LENGTH REVERSE " +
  "LEFT RIGHT REPEAT ROW_NUMBER RANK DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE " +
  "NTH_VALUE STDDEV STDDEV_SAMP STDDEV_POP VARIANCE VAR_SAMP VAR_POP CORR COVAR_POP COVAR_SAMP MAX_BY MIN_BY " +
  "ARRAY_TO_STRING TO_BASE64 FROM_BASE64 APPROX_COUNT_DISTINCT BIT_AND BIT_OR BIT_XOR"
).split(" ");

export const CORE_FUNCTIONS: Record<string, Rewrite> = {
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
    if (call.args.every(isNumericCast)) return exactNumericQuotient(a as string, b as string);
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

  // ---- casts
  CAST: scalarOnly((call, t) => cast(call, t, "CAST")),
  SAFE_CAST: scalarOnly((call, t) => cast(call, t, "TRY_CAST")),
};

/** `CAST(x AS NUMERIC)` or `SAFE_CAST(x AS NUMERIC)`: an operand the translation knows to be NUMERIC. */
function isNumericCast(nodes: Node[]): boolean {
  const sig = nodes.filter((node) => !isTrivia(node));
  const group = sig[1];
  if (sig.length !== 2 || !isWord(sig[0], "CAST", "SAFE_CAST") || group?.kind !== "group") return false;
  const inner = group.items.filter((node) => !isTrivia(node));
  return isWord(inner[inner.length - 1], "NUMERIC", "DECIMAL") && isWord(inner[inner.length - 2], "AS");
}

/**
 * NUMERIC ÷ NUMERIC as BigQuery computes it: the exact quotient rounded half away from zero to 9 decimals. DuckDB
 * divides DECIMALs as DOUBLE (1312.86 / 12 = 109.40499…, so ROUND(…, 2) gives 109.40 where BigQuery gives
 * 109.41); here both are scaled to integers of 10⁻⁹ and divided in 128-bit integers. NULL when b is 0: DuckDB's
 * integer division by zero is NULL (test/adapters/warehouse/duckdb/dialect/exact-quotient.test.ts has zero
 * divisors). No CASE around it: DuckDB shares a repeated subexpression (each operand's scaling, used three or
 * four times) only outside a CASE, and with one the quotient took twice as long (1.3–1.7 s against 0.66–0.89 s
 * for 150,000, measured 2026-12-03). DuckDB divides 128-bit integers bit by bit: still about 3 µs a quotient. A
 * DOUBLE estimate corrected by one exact DECIMAL step took 0.7 µs, but its SQL is seven times as long, and
 * binding it cost a mart 60–100 ms more than it saved on a daily run's few rows (measured 2026-12-03).
 */
function exactNumericQuotient(a: string, b: string): string {
  const units = (value: string) => `CAST(${paren(value)} * 1000000000 AS HUGEINT)`;
  const [ua, ub] = [units(a), units(b)];
  const rounded = `sign(${ua}) * sign(${ub}) * ((abs(${ua}) * 2000000000 + abs(${ub})) // (2 * abs(${ub})))`;
  return `CAST(${rounded} AS DECIMAL(38, 0)) * CAST(0.000000001 AS DECIMAL(38, 9))`;
}

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

/** Functions whose BigQuery result is always STRING, so that a cast of one is a cast of text. */
const STRING_RESULTS = ["JSON_VALUE", "JSON_EXTRACT_SCALAR", "REGEXP_EXTRACT"];

/** Whether the expression is one call of a STRING-returning function (its value is text in both engines). */
function returnsString(nodes: Node[]): boolean {
  const sig = nodes.filter((node) => !isTrivia(node));
  return sig.length === 2 && isWord(sig[0], ...STRING_RESULTS) && sig[1]?.kind === "group";
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
  const fromString = returnsString(valueNodes);
  // A text's cast to BIGINT needs no float check (below), which would evaluate the text three times.
  if (type === "BIGINT" && fromString) return `${castName}(${value} AS BIGINT)`;
  // DuckDB parses text into DECIMAL(38, 9) (128-bit) about ten times slower than into DECIMAL(18, 9); the same
  // digits fit both, so the 64-bit parse goes first and the wide one only takes what it cannot hold.
  if (type === "DECIMAL(38, 9)" && fromString)
    return `coalesce(TRY_CAST(${value} AS DECIMAL(18, 9)), ${castName}(${value} AS DECIMAL(38, 9)))`;
  // BigQuery rounds floats half away from zero when casting to INT64; DuckDB rounds half to even.
  if (type === "BIGINT" && !/^(-?\d+|'(?:[^']|'')*')$/.test(value))
    return `CASE WHEN typeof(${value}) IN ('DOUBLE', 'FLOAT') THEN ${castName}(round(TRY_CAST(${value} AS DOUBLE)) AS BIGINT) ELSE ${castName}(${value} AS BIGINT) END`;
  return `${castName}(${value} AS ${type})`;
}
