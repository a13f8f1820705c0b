// The parity table of the BigQuery → DuckDB dialect layer: each row is a BigQuery expression (run as
// `SELECT <expr> AS v`) or a whole query, with its parameters, and the RESULT DuckDB returns after translation —
// the value BigQuery documents for it ("docs" marks examples taken from the BigQuery reference). Values are in
// DuckDB's JSON form: BIGINT, HUGEINT and DECIMAL come back as strings, so `is: "3"` also pins an INT64 result.
import type { SqlParams } from "../../../../../functions/shared/ports.ts";

interface Parameters {
  /** Port values, bound as the DuckDB adapter binds them (`*_date` names as DATE). */
  params?: SqlParams;
}

/** An expression and what `SELECT <expr> AS v` gives. */
type ExpressionCase = Parameters & { expr: string } & (
    { is: unknown } | { isNumber: number } | { hasType: string } | { fails: true }
  );

/** A whole query and every row it returns. */
type QueryCase = Parameters & { query: string; returns: Record<string, unknown>[] };

export type ParityCase = ExpressionCase | QueryCase;

/** DuckDB SQL run once before the table: the tables some queries read. */
export const FIXTURES = `
  CREATE SCHEMA IF NOT EXISTS unnest_test;
  CREATE OR REPLACE TABLE unnest_test.baskets AS
    SELECT * FROM (VALUES (1, ['a', 'b']), (2, []), (3, NULL)) AS t(id, items);
  CREATE OR REPLACE TABLE unnest_test.orders AS
    SELECT * FROM (VALUES
      (10, '[{"id": 1, "refunds": [{"amount": "5.00"}, {"amount": "1.25"}]}, {"id": 2, "refunds": []}]'::JSON),
      (11, '[]'::JSON), (12, NULL::JSON), (13, '{"not": "an array"}'::JSON),
      (14, '[{"id": 3, "refunds": [{"amount": "1234567890123.5"}]}]'::JSON)
    ) AS t(order_id, lines);
  CREATE OR REPLACE TABLE unnest_test.awkward AS
    SELECT * FROM (VALUES
      (1, '[{"sku": "A", "qty": 2, "price": 1.50, "meta": {"tag": "x", "deep": {"n": 3}}},
            {"SKU": "lower-case key only", "qty": "4"},
            {"sku": null, "qty": [1], "meta": {"tag": ["not", "a", "scalar"]}},
            7, "text", null, [1, 2],
            {"sku": "first", "sku": "second", "meta": null}]'::JSON),
      (2, '{"sku": "an object, not an array"}'::JSON), (3, '[]'::JSON), (4, NULL::JSON)
    ) AS t(id, doc)`;

const FRUITS = `UNNEST(["apple", NULL, "pear", "banana", "pear"]) AS fruit`;
const NUMBERS_WITH_OFFSET = "UNNEST([2, 1, -2, 3, -5, 1]) AS x WITH OFFSET AS pos";
const TEN_NUMBERS = "UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x";
const JSON_DOC = `JSON '{"name": "Jakob", "age": "6", "n": 1.5, "nothing": null, "a.b": {"c": "world"}, "a-b": 7, "fruits": ["apple", "pear"], "items": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]}'`;

export const PARITY: { title: string; cases: ParityCase[] }[] = [
  // ---- lexical: literals, identifiers, parameters, comments
  {
    title: "decodes BigQuery escapes and triple-quoted strings",
    cases: [
      { expr: `'a\\nb'`, is: "a\nb" },
      { expr: `'caf\\u00e9'`, is: "café" },
      { expr: `'\\x41\\101'`, is: "AA" },
      { expr: `'''it's "x"'''`, is: `it's "x"` },
      { expr: `"""two\nlines"""`, is: "two\nlines" },
    ],
  },
  {
    title: "turns bytes literals into BLOBs",
    cases: [
      { expr: String.raw`TO_HEX(b'\x00\xffA\'')`, is: "00ff4127" },
      { expr: String.raw`BYTE_LENGTH(b'\xc3\xa9')`, is: "2" },
    ],
  },
  {
    title: "turns hex integer literals into decimals",
    cases: [{ expr: "0xFF", is: 255 }],
  },
  {
    title: "turns TIMESTAMP/DATETIME/NUMERIC/JSON typed literals into DuckDB types",
    cases: [
      { expr: "TIMESTAMP '2008-12-25 15:30:00+00'", hasType: "TIMESTAMP WITH TIME ZONE" },
      // docs: a TIMESTAMP literal without a zone is UTC
      { expr: "TIMESTAMP '2008-12-25 15:30:00'", is: "2008-12-25 15:30:00+00" },
      { expr: "DATETIME '2008-12-25 15:30:00'", is: "2008-12-25 15:30:00" },
      { expr: "NUMERIC '1.25'", is: "1.250000000" },
      { expr: `JSON_VALUE(JSON '{"a": 1}', '$.a')`, is: "1" },
      { expr: "DATE '2008-12-25'", is: "2008-12-25" },
    ],
  },

  // ---- casts
  {
    title: "maps BigQuery types in CAST",
    cases: [
      { expr: "CAST('1' AS INT64)", hasType: "BIGINT" },
      { expr: "CAST(1 AS FLOAT64)", hasType: "DOUBLE" },
      { expr: "CAST('1.5' AS NUMERIC)", hasType: "DECIMAL(38,9)" },
      { expr: "CAST('1.5' AS BIGNUMERIC)", hasType: "DECIMAL(38,9)" },
      { expr: "CAST('1.5' AS NUMERIC(10, 2))", hasType: "DECIMAL(10,2)" },
      { expr: "CAST(1 AS STRING)", hasType: "VARCHAR" },
      { expr: "CAST('true' AS BOOL)", hasType: "BOOLEAN" },
      { expr: "CAST('x' AS BYTES)", hasType: "BLOB" },
      { expr: "CAST('2024-01-01' AS DATE)", hasType: "DATE" },
      { expr: "CAST('2024-01-01 00:00:00+00' AS TIMESTAMP)", hasType: "TIMESTAMP WITH TIME ZONE" },
      { expr: "CAST('2024-01-01 00:00:00' AS DATETIME)", hasType: "TIMESTAMP" },
      { expr: `CAST('{"a":1}' AS JSON)`, hasType: "JSON" },
      { expr: "CAST(['1'] AS ARRAY<INT64>)", hasType: "BIGINT[]" },
    ],
  },
  {
    title: "casts values as BigQuery does",
    cases: [
      { expr: "CAST('42' AS INT64)", is: "42" },
      { expr: "CAST(1.25 AS STRING)", is: "1.25" },
      { expr: "CAST(TRUE AS STRING)", is: "true" },
      { expr: "CAST('2008-12-25' AS DATE)", is: "2008-12-25" },
      { expr: "CAST('2008-12-25 15:30:00+00' AS TIMESTAMP)", is: "2008-12-25 15:30:00+00" },
    ],
  },
  {
    title: "rounds floats half away from zero when casting to INT64 (DuckDB rounds half to even)",
    cases: [
      // docs: "Casting from a floating point type to an integer rounds half away from zero"
      { expr: "CAST(CAST(2.5 AS FLOAT64) AS INT64)", is: "3" },
      { expr: "CAST(CAST(-2.5 AS FLOAT64) AS INT64)", is: "-3" },
      { expr: "CAST(CAST(0.5 AS FLOAT64) AS INT64)", is: "1" },
      { expr: "SAFE_CAST(CAST(1.5 AS FLOAT64) AS INT64)", is: "2" },
    ],
  },
  {
    title: "turns SAFE_CAST into TRY_CAST (NULL instead of an error)",
    cases: [
      { expr: "SAFE_CAST('apple' AS INT64)", is: null },
      { expr: "SAFE_CAST('2024-13-01' AS DATE)", is: null },
      { expr: "SAFE_CAST('12' AS INT64)", is: "12" },
      { expr: "CAST('apple' AS INT64)", fails: true },
    ],
  },
  {
    title: "casts a STRING to its UTF-8 BYTES",
    cases: [
      { expr: "TO_HEX(CAST('é' AS BYTES))", is: "c3a9" },
      // DuckDB's own VARCHAR→BLOB cast would decode this escape; BigQuery keeps the four characters.
      { expr: String.raw`BYTE_LENGTH(CAST(r'\x41' AS BYTES))`, is: "4" },
    ],
  },

  // ---- arithmetic and math
  {
    title: "SAFE_DIVIDE is NULL for a zero or NULL divisor",
    cases: [
      { expr: "SAFE_DIVIDE(10, 4)", is: 2.5 },
      { expr: "SAFE_DIVIDE(10, 0)", is: null },
      { expr: "SAFE_DIVIDE(10, NULL)", is: null },
      { expr: "SAFE_DIVIDE(0, 0)", is: null },
    ],
  },
  {
    title: "DIV truncates toward zero (INT64 and NUMERIC)",
    cases: [
      // docs: DIV(20, 4) = 5, DIV(12, -7) = -1, DIV(20, 3) = 6
      { expr: "DIV(20, 4)", isNumber: 5 },
      { expr: "DIV(12, -7)", isNumber: -1 },
      { expr: "DIV(20, 3)", isNumber: 6 },
      { expr: "DIV(-7, 2)", isNumber: -3 },
      { expr: "DIV(CAST(-7.5 AS NUMERIC), 2)", isNumber: -3 },
      { expr: "DIV(CAST(0.3 AS NUMERIC), CAST(0.1 AS NUMERIC))", isNumber: 3 },
    ],
  },
  {
    title: "integer literals are INT64: literal arithmetic does not overflow 32 bits",
    cases: [
      { expr: "60 * 60 * 24 * 1000 * 1000", isNumber: 86_400_000_000 },
      { expr: "2147483647 + 1", isNumber: 2_147_483_648 },
    ],
  },
  {
    title: "/ is float division even for integers",
    cases: [
      { expr: "7 / 2", is: 3.5 },
      { expr: "7 / 2", hasType: "DOUBLE" },
    ],
  },
  {
    title: "ROUND rounds half away from zero for FLOAT64 and NUMERIC",
    cases: [
      // docs: ROUND(2.5) = 3.0, ROUND(-2.5) = -3.0, ROUND(2.25, 1) = 2.3, ROUND(123.7, -1) = 120
      { expr: "ROUND(CAST(2.5 AS FLOAT64))", isNumber: 3 },
      { expr: "ROUND(CAST(-2.5 AS FLOAT64))", isNumber: -3 },
      { expr: "ROUND(CAST(2.5 AS NUMERIC))", isNumber: 3 },
      { expr: "ROUND(CAST(-2.5 AS NUMERIC))", isNumber: -3 },
      { expr: "ROUND(2.25, 1)", isNumber: 2.3 },
      { expr: "ROUND(123.7, -1)", isNumber: 120 },
    ],
  },
  {
    title: "MOD keeps the dividend's sign",
    cases: [
      // docs: MOD(25, 12) = 1, MOD(-25, 12) = -1
      { expr: "MOD(25, 12)", isNumber: 1 },
      { expr: "MOD(-25, 12)", isNumber: -1 },
    ],
  },
  {
    title: "GREATEST and LEAST return NULL when any argument is NULL",
    cases: [
      { expr: "GREATEST(3, 5, 1)", is: 5 },
      { expr: "LEAST(3, 5, 1)", is: 1 },
      { expr: "GREATEST(1, NULL, 3)", is: null },
      { expr: "LEAST(1, NULL)", is: null },
    ],
  },
  {
    title: "ABS, SIGN, POW, SQRT, EXP, LN, LOG, LOG10, CEIL, FLOOR, TRUNC",
    cases: [
      { expr: "ABS(-5)", isNumber: 5 },
      { expr: "SIGN(-5)", isNumber: -1 },
      { expr: "POW(2, 10)", isNumber: 1024 },
      { expr: "POWER(2, 3)", isNumber: 8 },
      { expr: "SQRT(25)", isNumber: 5 },
      { expr: "LN(EXP(2))", isNumber: 2 },
      // docs: LOG(X) is the natural logarithm; LOG(100, 10) = 2
      { expr: "LOG(EXP(1))", isNumber: 1 },
      { expr: "LOG(100, 10)", isNumber: 2 },
      { expr: "LOG10(100)", isNumber: 2 },
      { expr: "CEIL(2.1)", isNumber: 3 },
      { expr: "CEILING(-2.1)", isNumber: -2 },
      { expr: "FLOOR(-2.1)", isNumber: -3 },
      { expr: "TRUNC(2.567, 1)", isNumber: 2.5 },
    ],
  },

  // ---- conditionals
  {
    title: "IF, IFNULL, COALESCE, NULLIF, CASE",
    cases: [
      { expr: "IF(1 > 0, 'yes', 'no')", is: "yes" },
      { expr: "IF(NULL, 'yes', 'no')", is: "no" },
      { expr: "IFNULL(NULL, 0)", is: 0 },
      { expr: "COALESCE(NULL, 'b', 'c')", is: "b" },
      { expr: "NULLIF(0, 0)", is: null },
      { expr: "CASE WHEN 1 IN (1, 2) AND 3 BETWEEN 1 AND 5 AND 'abc' LIKE 'a%' THEN 'ok' END", is: "ok" },
    ],
  },

  // ---- aggregates and window functions
  {
    title: "COUNTIF counts TRUE rows as INT64, also as an analytic function",
    cases: [
      // docs: COUNTIF(x < 0) over [5, -2, 3, 6, -10, -7, 4, 0] = 3
      {
        query:
          "SELECT COUNTIF(x < 0) AS negative, COUNTIF(x >= 0) AS other FROM UNNEST([5, -2, 3, 6, -10, -7, 4, 0]) AS x",
        returns: [{ negative: "3", other: "5" }],
      },
      {
        query:
          "SELECT x, COUNTIF(x < 0) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c FROM UNNEST([1, -1, -2]) AS x ORDER BY x",
        returns: [
          { x: -2, c: "1" },
          { x: -1, c: "2" },
          { x: 1, c: "2" },
        ],
      },
    ],
  },
  {
    title: "LOGICAL_OR, LOGICAL_AND, ANY_VALUE",
    cases: [
      // docs: LOGICAL_AND(x < 3) over [1, 2, 4] = false
      {
        query:
          "SELECT LOGICAL_AND(x < 3) AS all_small, LOGICAL_OR(x < 3) AS any_small, ANY_VALUE(IF(x = 4, NULL, 7)) AS any_seven FROM UNNEST([1, 2, 4]) AS x",
        returns: [{ all_small: false, any_small: true, any_seven: 7 }],
      },
    ],
  },
  {
    title: "SUM, AVG, MIN, MAX, COUNT, COUNT(DISTINCT)",
    cases: [
      {
        query:
          "SELECT SUM(x) AS s, AVG(x) AS a, MIN(x) AS lo, MAX(x) AS hi, COUNT(*) AS n, COUNT(DISTINCT x) AS d FROM UNNEST([1, 4, 4, 5]) AS x",
        returns: [{ s: "14", a: 3.5, lo: 1, hi: 5, n: "4", d: "3" }],
      },
    ],
  },
  {
    title: "STRING_AGG with a separator, DISTINCT, ORDER BY and LIMIT",
    cases: [
      // docs: STRING_AGG(fruit, " & " ORDER BY LENGTH(fruit)) = "pear & pear & apple & banana"
      {
        query: `SELECT STRING_AGG(fruit, " & " ORDER BY LENGTH(fruit), fruit) AS s FROM ${FRUITS}`,
        returns: [{ s: "pear & pear & apple & banana" }],
      },
      {
        query: `SELECT STRING_AGG(DISTINCT fruit, " & " ORDER BY fruit) AS s FROM ${FRUITS}`,
        returns: [{ s: "apple & banana & pear" }],
      },
      {
        query: `SELECT STRING_AGG(fruit, ", " ORDER BY fruit DESC LIMIT 2) AS s FROM ${FRUITS}`,
        returns: [{ s: "pear, pear" }],
      },
      {
        query: `SELECT STRING_AGG(fruit ORDER BY fruit) AS s FROM ${FRUITS}`,
        returns: [{ s: "apple,banana,pear,pear" }],
      },
    ],
  },
  {
    title: "ARRAY_AGG with ORDER BY, LIMIT, DISTINCT and IGNORE NULLS",
    cases: [
      {
        query: `SELECT ARRAY_AGG(x ORDER BY pos LIMIT 3) AS a FROM ${NUMBERS_WITH_OFFSET}`,
        returns: [{ a: [2, 1, -2] }],
      },
      {
        query: `SELECT ARRAY_AGG(x ORDER BY ABS(x) DESC LIMIT 2) AS a FROM ${NUMBERS_WITH_OFFSET}`,
        returns: [{ a: [-5, 3] }],
      },
      // docs: ARRAY_AGG(DISTINCT x ORDER BY x) = [-2, 1, 2, 3]
      {
        query: "SELECT ARRAY_AGG(DISTINCT x ORDER BY x) AS a FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x",
        returns: [{ a: [-2, 1, 2, 3] }],
      },
      // docs: ARRAY_AGG(x IGNORE NULLS) over [NULL, 1, -2, 3, -2, 1, NULL] = [1, -2, 3, -2, 1]
      {
        query:
          "SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY o) AS a FROM UNNEST([NULL, 1, -2, 3, -2, 1, NULL]) AS x WITH OFFSET AS o",
        returns: [{ a: [1, -2, 3, -2, 1] }],
      },
      {
        query:
          "SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY x DESC LIMIT 2) AS a FROM UNNEST([NULL, 1, 3, 2]) AS x",
        returns: [{ a: [3, 2] }],
      },
    ],
  },
  {
    title: "PERCENTILE_CONT and PERCENTILE_DISC as analytic functions",
    cases: [
      // docs: over [0, 3, NULL, 1, 2]: PERCENTILE_CONT(x, 0) = 0, (x, 0.5) = 1.5, (x, 1) = 3
      {
        query:
          "SELECT PERCENTILE_CONT(x, 0) OVER () AS lo, PERCENTILE_CONT(x, 0.5) OVER () AS median, PERCENTILE_CONT(x, 1) OVER () AS hi FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1",
        returns: [{ lo: 0, median: 1.5, hi: 3 }],
      },
      // docs: PERCENTILE_DISC(x, 0.5) over ['c', NULL, 'b', 'a'] = 'b'
      {
        query:
          "SELECT PERCENTILE_DISC(x, 0.5) OVER () AS median FROM UNNEST(['c', NULL, 'b', 'a']) AS x LIMIT 1",
        returns: [{ median: "b" }],
      },
      {
        query:
          "SELECT r.g, PERCENTILE_CONT(r.v, 0.5) OVER (PARTITION BY r.g) AS m FROM UNNEST([STRUCT('a' AS g, 1 AS v), STRUCT('a' AS g, 4 AS v), STRUCT('b' AS g, 10 AS v)]) AS r WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY r.g ORDER BY r.v) = 1 ORDER BY r.g",
        returns: [
          { g: "a", m: 2.5 },
          { g: "b", m: 10 },
        ],
      },
    ],
  },
  {
    title: "APPROX_QUANTILES(x, n)[OFFSET(i)]",
    cases: [
      // docs: APPROX_QUANTILES(x, 2) over [1, 1, 1, 4, 5, 6, 7, 8, 9, 10] = [1, 5, 10]
      { query: `SELECT APPROX_QUANTILES(x, 2) AS q FROM ${TEN_NUMBERS}`, returns: [{ q: [1, 5, 10] }] },
      {
        query: `SELECT APPROX_QUANTILES(x, 2)[OFFSET(1)] AS median FROM ${TEN_NUMBERS}`,
        returns: [{ median: 5 }],
      },
    ],
  },
  {
    title: "ROW_NUMBER, RANK, LAG, window frames with ROWS BETWEEN, QUALIFY",
    cases: [
      {
        query: `
      SELECT x,
        ROW_NUMBER() OVER (ORDER BY x) AS rn,
        RANK() OVER (ORDER BY DIV(x, 10)) AS rk,
        LAG(x) OVER (ORDER BY x) AS prev,
        SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair
      FROM UNNEST([10, 20, 25]) AS x
      WHERE TRUE
      QUALIFY ROW_NUMBER() OVER (ORDER BY x) <= 3
      ORDER BY x`,
        returns: [
          { x: 10, rn: "1", rk: "1", prev: null, pair: "10" },
          { x: 20, rn: "2", rk: "2", prev: 10, pair: "30" },
          { x: 25, rn: "3", rk: "2", prev: 20, pair: "45" },
        ],
      },
    ],
  },
  {
    title: "sorts NULLs first ascending and last descending, as BigQuery does (session setup)",
    cases: [
      {
        query: "SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x",
        returns: [{ x: null }, { x: 1 }, { x: 2 }],
      },
      {
        query: "SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC",
        returns: [{ x: 2 }, { x: 1 }, { x: null }],
      },
      { query: "SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x NULLS LAST LIMIT 1", returns: [{ x: 1 }] },
    ],
  },

  // ---- dates and timestamps
  {
    title: "DATE_TRUNC returns a DATE; WEEK starts on Sunday",
    cases: [
      // docs: DATE_TRUNC(DATE '2008-12-25', MONTH) = 2008-12-01
      { expr: "DATE_TRUNC(DATE '2008-12-25', MONTH)", is: "2008-12-01" },
      { expr: "DATE_TRUNC(DATE '2008-12-25', MONTH)", hasType: "DATE" },
      { expr: "DATE_TRUNC(DATE '2008-12-25', DAY)", is: "2008-12-25" },
      // 2008-12-25 is a Thursday: its Sunday-based week starts 2008-12-21
      { expr: "DATE_TRUNC(DATE '2008-12-25', WEEK)", is: "2008-12-21" },
      { expr: "DATE_TRUNC(DATE '2008-12-21', WEEK)", is: "2008-12-21" },
      // docs: DATE_TRUNC(DATE '2017-11-05', WEEK(MONDAY)) = 2017-10-30 (2017-11-05 is a Sunday)
      { expr: "DATE_TRUNC(DATE '2017-11-05', WEEK(MONDAY))", is: "2017-10-30" },
      { expr: "DATE_TRUNC(DATE '2017-11-05', ISOWEEK)", is: "2017-10-30" },
      { expr: "DATE_TRUNC(DATE '2008-11-25', QUARTER)", is: "2008-10-01" },
      { expr: "DATE_TRUNC(DATE '2008-11-25', YEAR)", is: "2008-01-01" },
      { expr: "DATE_TRUNC('2008-11-25', YEAR)", is: "2008-01-01" },
    ],
  },
  {
    title: "DATE_ADD and DATE_SUB return DATEs and clamp to the month end",
    cases: [
      // docs: DATE_ADD(DATE '2008-12-25', INTERVAL 5 DAY) = 2008-12-30; DATE_SUB(..., INTERVAL 5 DAY) = 2008-12-20
      { expr: "DATE_ADD(DATE '2008-12-25', INTERVAL 5 DAY)", is: "2008-12-30" },
      { expr: "DATE_SUB(DATE '2008-12-25', INTERVAL 5 DAY)", is: "2008-12-20" },
      { expr: "DATE_SUB(DATE '2008-12-25', INTERVAL 1 MONTH)", hasType: "DATE" },
      { expr: "DATE_ADD(DATE '2008-12-25', INTERVAL 2 WEEK)", is: "2009-01-08" },
      // docs: a day past the end of the resulting month gives that month's last day
      { expr: "DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH)", is: "2024-02-29" },
      { expr: "DATE_SUB(DATE '2024-03-31', INTERVAL 1 MONTH)", is: "2024-02-29" },
      { expr: "DATE_ADD(DATE '2024-02-29', INTERVAL 1 YEAR)", is: "2025-02-28" },
      { expr: "DATE_ADD(DATE '2024-01-31', INTERVAL 1 QUARTER)", is: "2024-04-30" },
      {
        expr: "DATE_SUB(@run_date, INTERVAL @n DAY)",
        params: { run_date: "2024-03-01", n: 1 },
        is: "2024-02-29",
      },
    ],
  },
  {
    title: "DATE_DIFF counts part boundaries, a − b",
    cases: [
      // docs: DATE_DIFF(DATE '2010-07-07', DATE '2008-12-25', DAY) = 559
      { expr: "DATE_DIFF(DATE '2010-07-07', DATE '2008-12-25', DAY)", isNumber: 559 },
      { expr: "DATE_DIFF(DATE '2008-12-25', DATE '2010-07-07', DAY)", isNumber: -559 },
      // docs: DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', DAY) = 1 and WEEK = 1 (a Sunday is crossed)
      { expr: "DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', WEEK)", isNumber: 1 },
      // docs: 2017-12-18 (Monday) vs 2017-12-17 (Sunday): WEEK = 0, WEEK(MONDAY) = 1, ISOWEEK = 1
      { expr: "DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', WEEK)", isNumber: 0 },
      { expr: "DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', WEEK(MONDAY))", isNumber: 1 },
      { expr: "DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', ISOWEEK)", isNumber: 1 },
      // docs: DATE_DIFF('2017-12-30', '2014-12-30', YEAR) = 3, ISOYEAR = 2
      { expr: "DATE_DIFF(DATE '2017-12-30', DATE '2014-12-30', YEAR)", isNumber: 3 },
      { expr: "DATE_DIFF(DATE '2017-12-30', DATE '2014-12-30', ISOYEAR)", isNumber: 2 },
      { expr: "DATE_DIFF(DATE '2024-02-01', DATE '2024-01-31', MONTH)", isNumber: 1 },
      { expr: "DATE_DIFF(DATE '2024-01-01', DATE '2023-12-31', YEAR)", isNumber: 1 },
      { expr: "DATE_DIFF(DATE '2024-04-01', DATE '2024-03-31', QUARTER)", isNumber: 1 },
    ],
  },
  {
    title: "DATE(ts, zone) is the local calendar day of the instant, across DST",
    cases: [
      // 03:00 UTC on Jan 15 is still Jan 14 (22:00 EST) in New York
      { expr: "DATE(TIMESTAMP '2024-01-15 03:00:00+00', 'America/New_York')", is: "2024-01-14" },
      {
        expr: "DATE(TIMESTAMP '2024-01-15 05:00:00+00', @tz)",
        params: { tz: "America/New_York" },
        is: "2024-01-15",
      },
      // Clocks go forward at 07:00 UTC on 2024-03-10: 04:30 UTC is 23:30 EST on the 9th, 07:30 UTC is 03:30 EDT
      { expr: "DATE(TIMESTAMP '2024-03-10 04:30:00+00', 'America/New_York')", is: "2024-03-09" },
      { expr: "DATE(TIMESTAMP '2024-03-10 07:30:00+00', 'America/New_York')", is: "2024-03-10" },
      // 2024-11-03 04:30 UTC is 00:30 EDT (a fixed -05:00 offset would say Nov 2)
      { expr: "DATE(TIMESTAMP '2024-11-03 04:30:00+00', 'America/New_York')", is: "2024-11-03" },
      // docs: DATE(TIMESTAMP '2016-12-25 05:30:00+07', 'America/Los_Angeles') = 2016-12-24
      { expr: "DATE(TIMESTAMP '2016-12-25 05:30:00+07', 'America/Los_Angeles')", is: "2016-12-24" },
    ],
  },
  {
    title: "DATE(ts) is the UTC day; DATE(y, m, d) builds a date",
    cases: [
      { expr: "DATE(TIMESTAMP '2024-01-15 03:00:00+00')", is: "2024-01-15" },
      { expr: "DATE(TIMESTAMP '2024-01-14 23:30:00-05')", is: "2024-01-15" },
      // docs: DATE(2016, 12, 25) = 2016-12-25
      { expr: "DATE(2016, 12, 25)", is: "2016-12-25" },
    ],
  },
  {
    title: "DATETIME(ts, zone), TIMESTAMP(d), TIMESTAMP(civil, zone)",
    cases: [
      // docs: DATETIME(TIMESTAMP '2008-12-25 05:30:00+00', 'America/Los_Angeles') = 2008-12-24T21:30:00
      {
        expr: "DATETIME(TIMESTAMP '2008-12-25 05:30:00+00', 'America/Los_Angeles')",
        is: "2008-12-24 21:30:00",
      },
      { expr: "DATETIME(TIMESTAMP '2008-12-25 05:30:00+00')", is: "2008-12-25 05:30:00" },
      // docs: TIMESTAMP(DATE '2008-12-25') = 2008-12-25 00:00:00+00
      { expr: "TIMESTAMP(DATE '2008-12-25')", is: "2008-12-25 00:00:00+00" },
      // docs: TIMESTAMP('2008-12-25 15:30:00', 'America/Los_Angeles') = 2008-12-25 23:30:00+00
      { expr: "TIMESTAMP('2008-12-25 15:30:00', 'America/Los_Angeles')", is: "2008-12-25 23:30:00+00" },
      { expr: "TIMESTAMP('2008-12-25 15:30:00')", is: "2008-12-25 15:30:00+00" },
    ],
  },
  {
    title: "TIMESTAMP_DIFF counts whole elapsed units",
    cases: [
      // docs: TIMESTAMP_DIFF('2010-07-07 10:20:00+00', '2008-12-25 15:30:00+00', HOUR) = 13410
      {
        expr: "TIMESTAMP_DIFF(TIMESTAMP '2010-07-07 10:20:00+00', TIMESTAMP '2008-12-25 15:30:00+00', HOUR)",
        isNumber: 13410,
      },
      // docs: TIMESTAMP_DIFF('2018-08-14', '2018-10-14', DAY) = -61
      { expr: "TIMESTAMP_DIFF(TIMESTAMP '2018-08-14', TIMESTAMP '2018-10-14', DAY)", isNumber: -61 },
      // docs: TIMESTAMP_DIFF('2001-02-01 01:00:00', '2001-02-01 00:00:01', HOUR) = 0
      {
        expr: "TIMESTAMP_DIFF(TIMESTAMP '2001-02-01 01:00:00', TIMESTAMP '2001-02-01 00:00:01', HOUR)",
        isNumber: 0,
      },
      {
        expr: "TIMESTAMP_DIFF(TIMESTAMP '2001-02-01 00:00:01', TIMESTAMP '2001-02-01 01:00:00', HOUR)",
        isNumber: 0,
      },
      {
        expr: "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:01:30', TIMESTAMP '2024-01-01 00:00:00', SECOND)",
        isNumber: 90,
      },
      {
        expr: "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:01:30', TIMESTAMP '2024-01-01 00:00:00', MINUTE)",
        isNumber: 1,
      },
    ],
  },
  {
    title: "TIMESTAMP_ADD and TIMESTAMP_SUB",
    cases: [
      // docs: TIMESTAMP_ADD(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE) = 2008-12-25 15:40:00+00
      {
        expr: "TIMESTAMP_ADD(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE)",
        is: "2008-12-25 15:40:00+00",
      },
      {
        expr: "TIMESTAMP_SUB(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE)",
        is: "2008-12-25 15:20:00+00",
      },
      {
        expr: "TIMESTAMP_ADD(TIMESTAMP '2024-03-09 12:00:00+00', INTERVAL 1 DAY)",
        is: "2024-03-10 12:00:00+00",
      },
      {
        expr: "TIMESTAMP_SUB(TIMESTAMP '2024-01-01 00:00:00+00', INTERVAL 36 HOUR)",
        is: "2023-12-30 12:00:00+00",
      },
      {
        expr: "TIMESTAMP_ADD(TIMESTAMP '2024-01-01 00:00:00+00', INTERVAL 1500 MILLISECOND)",
        is: "2024-01-01 00:00:01.5+00",
      },
    ],
  },
  {
    title: "TIMESTAMP_TRUNC, in UTC and in a zone",
    cases: [
      { expr: "TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', HOUR)", is: "2008-12-25 15:00:00+00" },
      { expr: "TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', DAY)", is: "2008-12-25 00:00:00+00" },
      // docs: TIMESTAMP_TRUNC('2008-12-25 15:30:00+00', DAY, 'America/Los_Angeles') = 2008-12-25 08:00:00+00
      {
        expr: "TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', DAY, 'America/Los_Angeles')",
        is: "2008-12-25 08:00:00+00",
      },
      { expr: "TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', WEEK)", is: "2008-12-21 00:00:00+00" },
      { expr: "TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', MONTH)", is: "2008-12-01 00:00:00+00" },
    ],
  },
  {
    title: "EXTRACT: DAYOFWEEK is 1 (Sunday) to 7 (Saturday)",
    cases: [
      { expr: "EXTRACT(DAYOFWEEK FROM DATE '2024-01-07')", isNumber: 1 },
      { expr: "EXTRACT(DAYOFWEEK FROM DATE '2024-01-06')", isNumber: 7 },
      { expr: "EXTRACT(DAYOFWEEK FROM DATE '2024-01-08')", isNumber: 2 },
    ],
  },
  {
    title: "EXTRACT: YEAR, MONTH, DAY, DAYOFYEAR, QUARTER, WEEK, ISOWEEK, ISOYEAR",
    cases: [
      // docs table: date, ISOYEAR, ISOWEEK, YEAR, WEEK
      ...(
        [
          ["2005-01-03", 2005, 1, 2005, 1],
          ["2007-12-31", 2008, 1, 2007, 52],
          ["2009-01-01", 2009, 1, 2009, 0],
          ["2009-12-31", 2009, 53, 2009, 52],
          ["2017-01-02", 2017, 1, 2017, 1],
          ["2017-05-26", 2017, 21, 2017, 21],
        ] as const
      ).flatMap(([date, isoyear, isoweek, year, week]) => [
        { expr: `EXTRACT(ISOYEAR FROM DATE '${date}')`, isNumber: isoyear },
        { expr: `EXTRACT(ISOWEEK FROM DATE '${date}')`, isNumber: isoweek },
        { expr: `EXTRACT(YEAR FROM DATE '${date}')`, isNumber: year },
        { expr: `EXTRACT(WEEK FROM DATE '${date}')`, isNumber: week },
      ]),
      // docs: EXTRACT(WEEK(SUNDAY) FROM DATE '2017-11-05') = 45, WEEK(MONDAY) = 44
      { expr: "EXTRACT(WEEK(SUNDAY) FROM DATE '2017-11-05')", isNumber: 45 },
      { expr: "EXTRACT(WEEK(MONDAY) FROM DATE '2017-11-05')", isNumber: 44 },
      // docs: EXTRACT(DAY FROM DATE '2013-12-25') = 25
      { expr: "EXTRACT(DAY FROM DATE '2013-12-25')", isNumber: 25 },
      { expr: "EXTRACT(MONTH FROM DATE '2013-12-25')", isNumber: 12 },
      { expr: "EXTRACT(QUARTER FROM DATE '2013-12-25')", isNumber: 4 },
      { expr: "EXTRACT(DAYOFYEAR FROM DATE '2024-12-31')", isNumber: 366 },
    ],
  },
  {
    title: "EXTRACT from TIMESTAMP is in UTC unless AT TIME ZONE says otherwise",
    cases: [
      { expr: "EXTRACT(HOUR FROM TIMESTAMP '2024-01-01 03:00:00+00')", isNumber: 3 },
      {
        expr: "EXTRACT(HOUR FROM TIMESTAMP '2024-01-01 03:00:00+00' AT TIME ZONE 'America/New_York')",
        isNumber: 22,
      },
      { expr: "EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 03:00:05.123+00')", isNumber: 123 },
      { expr: "EXTRACT(DATE FROM TIMESTAMP '2024-01-01 03:00:05+00')", is: "2024-01-01" },
    ],
  },
  {
    title: "FORMAT_DATE: elements DuckDB shares and the ones it lacks (%e, %F, %x, %Q)",
    cases: [
      // docs: FORMAT_DATE('%x', DATE '2008-12-25') = '12/25/08'; '%b-%d-%Y' = 'Dec-25-2008'; '%b %Y' = 'Dec 2008'
      { expr: "FORMAT_DATE('%x', DATE '2008-12-25')", is: "12/25/08" },
      { expr: "FORMAT_DATE('%b-%d-%Y', DATE '2008-12-25')", is: "Dec-25-2008" },
      { expr: "FORMAT_DATE('%b %Y', DATE '2008-12-25')", is: "Dec 2008" },
      { expr: "FORMAT_DATE('%Y%m%d', DATE '2008-12-05')", is: "20081205" },
      { expr: "FORMAT_DATE('%F', DATE '2008-12-05')", is: "2008-12-05" },
      { expr: "FORMAT_DATE('%e', DATE '2008-12-05')", is: " 5" },
      { expr: "FORMAT_DATE('%a %A %B %y %j', DATE '2008-12-25')", is: "Thu Thursday December 08 360" },
      { expr: "FORMAT_DATE('%U %W %V %u', DATE '2008-12-25')", is: "51 51 52 4" },
      { expr: "FORMAT_DATE('Q%Q %Y', DATE '2008-12-25')", is: "Q4 2008" },
      { expr: "FORMAT_DATE('%D 100%%', DATE '2008-12-25')", is: "12/25/08 100%" },
    ],
  },
  {
    title: "FORMAT_TIMESTAMP in UTC and in a zone",
    cases: [
      // docs: FORMAT_TIMESTAMP('%b-%d-%Y', TIMESTAMP '2008-12-25 15:30:00+00') = 'Dec-25-2008'
      { expr: "FORMAT_TIMESTAMP('%b-%d-%Y', TIMESTAMP '2008-12-25 15:30:00+00')", is: "Dec-25-2008" },
      {
        expr: "FORMAT_TIMESTAMP('%F %T', TIMESTAMP '2008-12-25 15:30:00+00', 'America/Los_Angeles')",
        is: "2008-12-25 07:30:00",
      },
      { expr: "FORMAT_TIMESTAMP('%H:%M', TIMESTAMP '2008-12-25 15:30:00+00')", is: "15:30" },
    ],
  },
  {
    title: "PARSE_DATE with %Y-%m-%d, %d/%m/%Y and %F",
    cases: [
      { expr: "PARSE_DATE('%Y-%m-%d', '2008-12-25')", is: "2008-12-25" },
      { expr: "PARSE_DATE('%d/%m/%Y', '25/12/2008')", is: "2008-12-25" },
      { expr: "PARSE_DATE('%d/%m/%Y', '5/3/2024')", is: "2024-03-05" },
      { expr: "PARSE_DATE('%F', '2000-12-30')", is: "2000-12-30" },
      // docs: PARSE_DATE('%A %b %e %Y', 'Thursday Dec 25 2008') = 2008-12-25
      { expr: "PARSE_DATE('%A %b %e %Y', 'Thursday Dec 25 2008')", is: "2008-12-25" },
      { expr: "PARSE_DATE('%Y-%m-%d', '2008-12-25')", hasType: "DATE" },
      { expr: "PARSE_DATE('%Y-%m-%d', '2008-13-25')", fails: true },
      { expr: "SAFE.PARSE_DATE('%Y-%m-%d', '2008-13-25')", is: null },
    ],
  },
  {
    title: "PARSE_TIMESTAMP reads the civil time in UTC or the given zone",
    cases: [
      { expr: "PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2008-12-25 15:30:00')", is: "2008-12-25 15:30:00+00" },
      {
        expr: "PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2008-12-25 07:30:00', 'America/Los_Angeles')",
        is: "2008-12-25 15:30:00+00",
      },
    ],
  },
  {
    title: "LAST_DAY by MONTH (default), QUARTER, YEAR and WEEK",
    cases: [
      // docs: LAST_DAY(DATE '2008-11-25') = 2008-11-30; (..., YEAR) = 2008-12-31
      { expr: "LAST_DAY(DATE '2008-11-25')", is: "2008-11-30" },
      { expr: "LAST_DAY(DATE '2008-11-25', MONTH)", is: "2008-11-30" },
      { expr: "LAST_DAY(DATE '2024-02-10', MONTH)", is: "2024-02-29" },
      { expr: "LAST_DAY(DATE '2008-11-25', QUARTER)", is: "2008-12-31" },
      { expr: "LAST_DAY(DATE '2008-11-25', YEAR)", is: "2008-12-31" },
      // docs: LAST_DAY(DATE '2008-11-10', WEEK) = 2008-11-15; WEEK(MONDAY) = 2008-11-16
      { expr: "LAST_DAY(DATE '2008-11-10', WEEK)", is: "2008-11-15" },
      { expr: "LAST_DAY(DATE '2008-11-10', WEEK(MONDAY))", is: "2008-11-16" },
      { expr: "LAST_DAY(DATE '2008-11-10', WEEK)", hasType: "DATE" },
    ],
  },
  {
    title: "GENERATE_DATE_ARRAY returns DATEs, also unnested as rows",
    cases: [
      // docs: GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08') = [2016-10-05, 2016-10-06, 2016-10-07, 2016-10-08]
      {
        expr: "GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08')",
        is: ["2016-10-05", "2016-10-06", "2016-10-07", "2016-10-08"],
      },
      // docs: with INTERVAL 2 DAY = [2016-10-05, 2016-10-07]
      {
        expr: "GENERATE_DATE_ARRAY('2016-10-05', '2016-10-09', INTERVAL 2 DAY)",
        is: ["2016-10-05", "2016-10-07", "2016-10-09"],
      },
      // docs: GENERATE_DATE_ARRAY('2016-01-01', '2016-12-31', INTERVAL 2 MONTH)
      {
        expr: "GENERATE_DATE_ARRAY('2016-01-01', '2016-12-31', INTERVAL 2 MONTH)",
        is: ["2016-01-01", "2016-03-01", "2016-05-01", "2016-07-01", "2016-09-01", "2016-11-01"],
      },
      // docs: an end before the start gives an empty array
      { expr: "GENERATE_DATE_ARRAY('2016-10-05', '2016-10-01', INTERVAL 1 DAY)", is: [] },
      { expr: "GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08')", hasType: "DATE[]" },
      {
        query:
          "SELECT day FROM UNNEST(GENERATE_DATE_ARRAY(DATE_SUB(@run_date, INTERVAL 2 DAY), @run_date)) AS day ORDER BY day",
        params: { run_date: "2024-03-01" },
        returns: [{ day: "2024-02-28" }, { day: "2024-02-29" }, { day: "2024-03-01" }],
      },
    ],
  },
  {
    title: "TIMESTAMP_SECONDS/MILLIS/MICROS and UNIX_SECONDS/MILLIS/MICROS/DATE",
    cases: [
      // docs: TIMESTAMP_SECONDS(1230219000) = 2008-12-25 15:30:00+00; UNIX_DATE(DATE '2008-12-25') = 14238
      { expr: "TIMESTAMP_SECONDS(1230219000)", is: "2008-12-25 15:30:00+00" },
      { expr: "TIMESTAMP_MILLIS(1230219000000)", is: "2008-12-25 15:30:00+00" },
      { expr: "TIMESTAMP_MICROS(1230219000000000)", is: "2008-12-25 15:30:00+00" },
      { expr: "UNIX_SECONDS(TIMESTAMP '2008-12-25 15:30:00+00')", isNumber: 1230219000 },
      { expr: "UNIX_MILLIS(TIMESTAMP '2008-12-25 15:30:00+00')", isNumber: 1230219000000 },
      { expr: "UNIX_MICROS(TIMESTAMP '2008-12-25 15:30:00+00')", isNumber: 1230219000000000 },
      { expr: "UNIX_DATE(DATE '2008-12-25')", isNumber: 14238 },
    ],
  },

  // ---- JSON
  {
    title: "JSON_VALUE returns scalars as STRING and NULL for objects, arrays and JSON null",
    cases: [
      // docs: JSON_VALUE(JSON '{"name": "Jakob", "age": "6"}', '$.age') = '6'
      { expr: `JSON_VALUE(${JSON_DOC}, '$.age')`, is: "6" },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.name')`, is: "Jakob" },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.n')`, is: "1.5" },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.nothing')`, is: null },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.fruits')`, is: null },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.items[0]')`, is: null },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.missing')`, is: null },
      { expr: `JSON_VALUE(${JSON_DOC}, '$.items[1].sku')`, is: "B" },
      // docs: JSON_VALUE(JSON '{"a.b": {"c": "world"}}', '$."a.b".c') = 'world'
      { expr: `JSON_VALUE(${JSON_DOC}, '$."a.b".c')`, is: "world" },
      { expr: `JSON_VALUE(${JSON_DOC}, '$."a-b"')`, is: "7" },
      { expr: `JSON_VALUE('{"s": "it\\'s \\\\"q\\\\""}', '$.s')`, is: `it's "q"` },
      { expr: `JSON_VALUE(JSON '"plain"')`, is: "plain" },
      { expr: `JSON_EXTRACT_SCALAR('{"a": 1}', '$.a')`, is: "1" },
    ],
  },
  {
    title: "JSON_QUERY returns JSON",
    cases: [
      // docs: JSON_QUERY(JSON '{"class": {"students": [{"name": "Jane"}]}}', '$.class') = {"students":[{"name":"Jane"}]}
      {
        expr: `JSON_QUERY(JSON '{"class": {"students": [{"name": "Jane"}]}}', '$.class')`,
        is: `{"students":[{"name":"Jane"}]}`,
      },
      { expr: `JSON_QUERY(${JSON_DOC}, '$.items')`, hasType: "JSON" },
    ],
  },
  {
    title: "JSON_QUERY_ARRAY returns an array of JSON (NULL for a non-array) and JSON_VALUE_ARRAY of strings",
    cases: [
      // docs: JSON_QUERY_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') = ["apples", ...] as JSON
      {
        expr: `JSON_QUERY_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits')`,
        is: ['"apples"', '"oranges"', '"grapes"'],
      },
      { expr: "JSON_QUERY_ARRAY('[1, 2, 3]')", is: ["1", "2", "3"] },
      { expr: `JSON_QUERY_ARRAY(${JSON_DOC}, '$.name')`, is: null },
      { expr: `JSON_QUERY_ARRAY(${JSON_DOC}, '$.missing')`, is: null },
      // docs: JSON_VALUE_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') = [apples, oranges, grapes]
      {
        expr: `JSON_VALUE_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits')`,
        is: ["apples", "oranges", "grapes"],
      },
    ],
  },
  {
    title: "UNNEST(JSON_QUERY_ARRAY(...)) gives one row per element",
    cases: [
      {
        query: `SELECT JSON_VALUE(item, '$.sku') AS sku, CAST(JSON_VALUE(item, '$.qty') AS INT64) AS qty, pos FROM UNNEST(JSON_QUERY_ARRAY(${JSON_DOC}, '$.items')) AS item WITH OFFSET AS pos ORDER BY pos`,
        returns: [
          { sku: "A", qty: "2", pos: "0" },
          { sku: "B", qty: "1", pos: "1" },
        ],
      },
    ],
  },
  {
    title:
      "CROSS JOIN UNNEST(JSON_QUERY_ARRAY(doc)) read by field (parsed once into records locally): missing keys, JSON null, non-objects, keys by case, duplicate keys",
    cases: [
      {
        query: `SELECT a.id, pos, JSON_VALUE(item, '$.sku') AS sku, JSON_VALUE(item, '$.qty') AS qty,
                  JSON_VALUE(item, '$.price') AS price, JSON_VALUE(item, '$.meta.tag') AS tag,
                  JSON_VALUE(item, '$.meta.deep.n') AS deep_n, ARRAY_LENGTH(JSON_QUERY_ARRAY(item, '$.qty')) AS qty_items
                FROM unnest_test.awkward AS a
                CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item WITH OFFSET AS pos
                ORDER BY a.id, pos`,
        returns: [
          { id: 1, pos: "0", sku: "A", qty: "2", price: "1.5", tag: "x", deep_n: "3", qty_items: null },
          { id: 1, pos: "1", sku: null, qty: "4", price: null, tag: null, deep_n: null, qty_items: null },
          { id: 1, pos: "2", sku: null, qty: null, price: null, tag: null, deep_n: null, qty_items: "1" },
          { id: 1, pos: "3", sku: null, qty: null, price: null, tag: null, deep_n: null, qty_items: null },
          { id: 1, pos: "4", sku: null, qty: null, price: null, tag: null, deep_n: null, qty_items: null },
          { id: 1, pos: "5", sku: null, qty: null, price: null, tag: null, deep_n: null, qty_items: null },
          { id: 1, pos: "6", sku: null, qty: null, price: null, tag: null, deep_n: null, qty_items: null },
          { id: 1, pos: "7", sku: "first", qty: null, price: null, tag: null, deep_n: null, qty_items: null },
        ],
      },
      {
        query: `SELECT a.id, COUNT(*) AS n, STRING_AGG(JSON_VALUE(item, '$.sku'), ',' ORDER BY JSON_VALUE(item, '$.sku')) AS skus
                FROM unnest_test.awkward AS a, UNNEST(JSON_QUERY_ARRAY(a.doc)) item
                GROUP BY a.id ORDER BY a.id`,
        returns: [{ id: 1, n: "8", skus: "A,first" }],
      },
      {
        // A path into the document, and an element read whole: the general translation, the same rows.
        query: `SELECT TO_JSON_STRING(item) AS whole, JSON_VALUE(item, '$.tag') AS tag
                FROM unnest_test.awkward AS a
                CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc, '$[2].qty')) AS item
                ORDER BY a.id`,
        returns: [{ whole: "1", tag: null }],
      },
    ],
  },
  {
    title: "PARSE_JSON, TO_JSON_STRING",
    cases: [
      // docs: TO_JSON_STRING(STRUCT(1 AS id, [10, 20] AS coordinates)) = '{"id":1,"coordinates":[10,20]}'
      {
        expr: "TO_JSON_STRING(STRUCT(1 AS id, [10, 20] AS coordinates))",
        is: `{"id":1,"coordinates":[10,20]}`,
      },
      {
        expr: `TO_JSON_STRING(PARSE_JSON('{"coordinates": [10, 20], "id": 1}'))`,
        is: `{"coordinates":[10,20],"id":1}`,
      },
      { expr: `PARSE_JSON('{"a": 1}')`, hasType: "JSON" },
      { expr: "TO_JSON_STRING('x')", is: `"x"` },
      // docs: TO_JSON_STRING(NULL) = 'null'
      { expr: "TO_JSON_STRING(NULL)", is: "null" },
      { expr: "TO_JSON_STRING(TO_JSON(NULL))", is: "null" },
      { expr: `JSON_VALUE(TO_JSON(STRUCT('a' AS k)), '$.k')`, is: "a" },
      { expr: "PARSE_JSON('{bad')", fails: true },
    ],
  },

  // ---- UNNEST
  {
    title: "CROSS JOIN UNNEST(...) AS item names the element value",
    cases: [
      {
        query:
          "SELECT b.id, item FROM `unnest_test.baskets` AS b CROSS JOIN UNNEST(b.items) AS item ORDER BY b.id, item",
        returns: [
          { id: 1, item: "a" },
          { id: 1, item: "b" },
        ],
      },
    ],
  },
  {
    title:
      "chained CROSS JOIN UNNEST of JSON arrays (a select-list unnest locally): NULL, empty and non-arrays give no rows",
    cases: [
      {
        query: `SELECT o.order_id, SAFE_CAST(JSON_VALUE(line, '$.id') AS INT64) AS line_id,
                  CAST(JSON_VALUE(refund, '$.amount') AS NUMERIC) AS amount, pos
                FROM unnest_test.orders AS o
                CROSS JOIN UNNEST(JSON_QUERY_ARRAY(o.lines)) AS line
                CROSS JOIN UNNEST(JSON_QUERY_ARRAY(line, '$.refunds')) AS refund WITH OFFSET AS pos
                ORDER BY o.order_id, line_id, pos`,
        returns: [
          { order_id: 10, line_id: "1", amount: "5.000000000", pos: "0" },
          { order_id: 10, line_id: "1", amount: "1.250000000", pos: "1" },
          { order_id: 14, line_id: "3", amount: "1234567890123.500000000", pos: "0" },
        ],
      },
      {
        query:
          "SELECT order_id, COUNT(*) AS n FROM unnest_test.orders, UNNEST(JSON_QUERY_ARRAY(lines)) line GROUP BY order_id ORDER BY order_id",
        returns: [
          { order_id: 10, n: "2" },
          { order_id: 14, n: "1" },
        ],
      },
      {
        query:
          "SELECT s.id, item FROM (SELECT id, items FROM unnest_test.baskets WHERE id < 3) AS s CROSS JOIN UNNEST(s.items) AS item ORDER BY item",
        returns: [
          { id: 1, item: "a" },
          { id: 1, item: "b" },
        ],
      },
      {
        query:
          "SELECT b.*, item FROM unnest_test.baskets AS b CROSS JOIN UNNEST(b.items) AS item ORDER BY item",
        returns: [
          { id: 1, items: ["a", "b"], item: "a" },
          { id: 1, items: ["a", "b"], item: "b" },
        ],
      },
    ],
  },
  {
    title:
      "SAFE_DIVIDE of NUMERIC casts is exact, so ROUND breaks half-cent ties away from zero as BigQuery does",
    cases: [
      // 1312.86 / 12 = 109.405 exactly: BigQuery's NUMERIC rounds it to 109.41 (DOUBLE would give 109.40).
      { expr: "ROUND(SAFE_DIVIDE(CAST('1312.86' AS NUMERIC), CAST(12 AS NUMERIC)), 2)", is: "109.41" },
      {
        expr: "ROUND(SAFE_DIVIDE(CAST('-1312.86' AS NUMERIC), CAST(12 AS NUMERIC)), 2)",
        is: "-109.41",
      },
      { expr: "ROUND(SAFE_DIVIDE(CAST('10.5' AS NUMERIC), CAST(-4 AS NUMERIC)), 2)", is: "-2.63" },
      { expr: "ROUND(SAFE_DIVIDE(CAST('0.05' AS NUMERIC), CAST(8 AS NUMERIC)), 2)", is: "0.01" },
      { expr: "ROUND(SAFE_DIVIDE(CAST('2.01' AS NUMERIC), CAST(2 AS NUMERIC)), 2)", is: "1.01" },
      // The quotient itself keeps 9 decimals, rounded half away from zero.
      { expr: "SAFE_DIVIDE(CAST(2 AS NUMERIC), CAST(3 AS NUMERIC))", is: "0.666666667" },
      { expr: "SAFE_DIVIDE(CAST(-1 AS NUMERIC), CAST(3 AS NUMERIC))", is: "-0.333333333" },
      { expr: "SAFE_DIVIDE(CAST(1 AS NUMERIC), CAST(0 AS NUMERIC))", is: null },
      { expr: "SAFE_DIVIDE(CAST(NULL AS NUMERIC), CAST(4 AS NUMERIC))", is: null },
      { expr: "SAFE_DIVIDE(CAST(1 AS NUMERIC), CAST(4 AS NUMERIC))", hasType: "DECIMAL(38,9)" },
      // Ties on the 9th decimal itself go away from zero too: 0.000000003 / 2 = 0.0000000015.
      { expr: "SAFE_DIVIDE(CAST('0.000000003' AS NUMERIC), CAST(2 AS NUMERIC))", is: "0.000000002" },
      { expr: "SAFE_DIVIDE(CAST('0.000000003' AS NUMERIC), CAST(-2 AS NUMERIC))", is: "-0.000000002" },
      // Quotients beyond a DOUBLE's 16 digits stay exact (the translation takes dividends up to about 10²⁰).
      {
        expr: "SAFE_DIVIDE(CAST('-9999999999999999999' AS NUMERIC), CAST(7 AS NUMERIC))",
        is: "-1428571428571428571.285714286",
      },
      {
        expr: "SAFE_DIVIDE(CAST('12345678901234567890.123456789' AS NUMERIC), CAST(7 AS NUMERIC))",
        is: "1763668414462081127.160493827",
      },
      { expr: "SAFE_DIVIDE(CAST(1 AS NUMERIC), CAST('0.000000003' AS NUMERIC))", is: "333333333.333333333" },
      { expr: "SAFE_DIVIDE(CAST(2 AS NUMERIC), CAST('0.000000003' AS NUMERIC))", is: "666666666.666666667" },
    ],
  },
  {
    title: "TO_HEX of a hash is the lowercase hex digest",
    cases: [
      // FIPS 180-2 test vector: SHA-256("abc"); RFC 1321: MD5("").
      {
        expr: "TO_HEX(SHA256('abc'))",
        is: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      },
      { expr: "TO_HEX(MD5(''))", is: "d41d8cd98f00b204e9800998ecf8427e" },
      {
        expr: "TO_HEX(CONCAT(MD5(''), MD5('')))",
        is: "d41d8cd98f00b204e9800998ecf8427ed41d8cd98f00b204e9800998ecf8427e",
      },
    ],
  },
  {
    title: "casts of JSON_VALUE text to INT64 and NUMERIC",
    cases: [
      { expr: `SAFE_CAST(JSON_VALUE('{"q": "12"}', '$.q') AS INT64)`, is: "12" },
      { expr: `SAFE_CAST(JSON_VALUE('{"q": 7}', '$.q') AS INT64)`, is: "7" },
      { expr: `SAFE_CAST(JSON_VALUE('{"q": "x"}', '$.q') AS INT64)`, is: null },
      { expr: `SAFE_CAST(JSON_VALUE('{"p": "29.00"}', '$.p') AS NUMERIC)`, isNumber: 29 },
      { expr: `SAFE_CAST(JSON_VALUE('{"p": "-0.000000001"}', '$.p') AS NUMERIC)`, isNumber: -1e-9 },
      // Past DECIMAL(18, 9)'s nine integer digits: still exact.
      {
        expr: `CAST(JSON_VALUE('{"p": "99999999999999999999.5"}', '$.p') AS NUMERIC)`,
        is: "99999999999999999999.500000000",
      },
      { expr: `SAFE_CAST(JSON_VALUE('{"p": "abc"}', '$.p') AS NUMERIC)`, is: null },
      { expr: `SAFE_CAST(JSON_VALUE('{"p": {"a": 1}}', '$.p') AS NUMERIC)`, is: null },
      { expr: `CAST(JSON_VALUE('{"p": "abc"}', '$.p') AS NUMERIC)`, fails: true },
      { expr: `CAST(JSON_VALUE('{"p": "1.5x"}', '$.p') AS INT64)`, fails: true },
    ],
  },
  {
    title: "the comma form and an alias without AS",
    cases: [
      {
        query: "SELECT b.id, item FROM unnest_test.baskets b, UNNEST(b.items) item ORDER BY b.id, item",
        returns: [
          { id: 1, item: "a" },
          { id: 1, item: "b" },
        ],
      },
    ],
  },
  {
    title: "LEFT JOIN UNNEST(...) ON TRUE keeps rows with empty or NULL arrays",
    cases: [
      {
        query:
          "SELECT b.id, item FROM unnest_test.baskets AS b LEFT JOIN UNNEST(b.items) AS item ON TRUE ORDER BY b.id, item",
        returns: [
          { id: 1, item: "a" },
          { id: 1, item: "b" },
          { id: 2, item: null },
          { id: 3, item: null },
        ],
      },
    ],
  },
  {
    title: "WITH OFFSET AS pos is 0-based, also under LEFT JOIN",
    cases: [
      {
        query:
          "SELECT b.id, item, pos FROM unnest_test.baskets AS b LEFT JOIN UNNEST(b.items) AS item WITH OFFSET AS pos ON TRUE ORDER BY b.id, pos",
        returns: [
          { id: 1, item: "a", pos: "0" },
          { id: 1, item: "b", pos: "1" },
          { id: 2, item: null, pos: null },
          { id: 3, item: null, pos: null },
        ],
      },
      // docs: SELECT * FROM UNNEST(['foo', 'bar', 'baz']) AS element WITH OFFSET AS offset
      {
        query:
          "SELECT element, `offset` FROM UNNEST(['foo', 'bar', 'baz']) AS element WITH OFFSET AS `offset` ORDER BY `offset`",
        returns: [
          { element: "foo", offset: "0" },
          { element: "bar", offset: "1" },
          { element: "baz", offset: "2" },
        ],
      },
    ],
  },
  {
    title: "struct elements keep their fields",
    cases: [
      {
        query:
          "SELECT s.sku, s.qty FROM UNNEST([STRUCT('A' AS sku, 2 AS qty), STRUCT('B' AS sku, 1 AS qty)]) AS s ORDER BY s.sku",
        returns: [
          { sku: "A", qty: 2 },
          { sku: "B", qty: 1 },
        ],
      },
    ],
  },

  // ---- strings
  {
    title: "LOWER, UPPER, TRIM, LTRIM, RTRIM, REPLACE, LENGTH, REVERSE",
    cases: [
      { expr: "LOWER('ÀB')", is: "àb" },
      // ICU's full mapping, as BigQuery: İ (U+0130) lower-cases to i and a combining dot above.
      { expr: "LOWER('İLKER@Example.com')", is: "i\u0307lker@example.com" },
      { expr: "LOWER(CAST(NULL AS STRING))", is: null },
      {
        query:
          "SELECT LOWER(email) AS plain, LOWER(TRIM(email)) AS trimmed FROM UNNEST(['İpek@X.com ', 'ANN@x.com']) AS email",
        returns: [
          { plain: "i\u0307pek@x.com ", trimmed: "i\u0307pek@x.com" },
          { plain: "ann@x.com", trimmed: "ann@x.com" },
        ],
      },
      { expr: "UPPER('àb')", is: "ÀB" },
      { expr: "TRIM('  a  ')", is: "a" },
      // docs: TRIM('***apple***', '*') = 'apple'
      { expr: "TRIM('***apple***', '*')", is: "apple" },
      { expr: "LTRIM('  a  ')", is: "a  " },
      { expr: "RTRIM('  a  ')", is: "  a" },
      // docs: REPLACE('apple pie', 'pie', 'cobbler') = 'apple cobbler'
      { expr: "REPLACE('apple pie', 'pie', 'cobbler')", is: "apple cobbler" },
      // docs: LENGTH('абвгд') = 5, BYTE_LENGTH('абвгд') = 10
      { expr: "LENGTH('абвгд')", isNumber: 5 },
      { expr: "BYTE_LENGTH('абвгд')", isNumber: 10 },
      { expr: "CHAR_LENGTH('é')", isNumber: 1 },
      { expr: "REVERSE('abc')", is: "cba" },
    ],
  },
  {
    // BigQuery (googlesql's TrimSpacesUtf8) removes the code points with Unicode's White_Space property; DuckDB's
    // own trim only the space separators, and would keep the tab, line breaks, NEL and line separator below.
    title: "TRIM, LTRIM and RTRIM without characters remove Unicode white space",
    cases: [
      { expr: "TRIM('\\ta@b.com\\r\\n')", is: "a@b.com" },
      { expr: "TRIM('\\u00a0\\u0085a\\u2028\\u3000\\x0b\\f')", is: "a" },
      { expr: "TRIM('\\u2000\\u200a\\u202f\\u205f\\u1680a\\u2029')", is: "a" },
      // Every White_Space code point, each on both sides; a multi-byte one inside stays.
      {
        expr:
          "TRIM('\\t\\n\\x0b\\f\\r \\u0085\\u00a0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008" +
          "\\u2009\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000a\\u3000b\\u3000\\u205f\\u202f\\u2029\\u2028\\u200a\\u2009\\u2008\\u2007" +
          "\\u2006\\u2005\\u2004\\u2003\\u2002\\u2001\\u2000\\u1680\\u00a0\\u0085 \\r\\f\\x0b\\n\\t')",
        is: "a\u3000b",
      },
      // Characters next to white space that are not: é and the ideographic full stop stay.
      { expr: "TRIM('\\u3000é\\u3002\\u3000')", is: "é\u3002" },
      // Not white space: the zero-width space and the byte-order mark stay.
      { expr: "TRIM('\\u200ba\\ufeff')", is: "\u200ba\ufeff" },
      { expr: "TRIM(' a \\t b ')", is: "a \t b" },
      { expr: "TRIM('\\t \\n')", is: "" },
      { expr: "TRIM(CAST(NULL AS STRING))", is: null },
      { expr: "LTRIM('\\t a \\n')", is: "a \n" },
      { expr: "RTRIM('\\t a \\n')", is: "\t a" },
      { expr: "LOWER(TRIM(CONCAT('  Jane@Example.COM', '\\n')))", is: "jane@example.com" },
    ],
  },
  {
    title: "CONCAT and || return NULL when any argument is NULL",
    cases: [
      // docs: CONCAT('T.P.', ' ', 'Bar') = 'T.P. Bar'
      { expr: "CONCAT('T.P.', ' ', 'Bar')", is: "T.P. Bar" },
      { expr: "CONCAT('a', NULL, 'b')", is: null },
      { expr: "'a' || 'b'", is: "ab" },
      { expr: "'a' || NULL", is: null },
      { expr: "CONCAT('n=', CAST(5 AS STRING))", is: "n=5" },
    ],
  },
  {
    title: "SUBSTR with positive, zero, negative and out-of-range positions",
    cases: [
      // docs: SUBSTR('apple', 2) = 'pple', SUBSTR('apple', 2, 2) = 'pp', SUBSTR('apple', -2) = 'le',
      //       SUBSTR('apple', 1, 123) = 'apple', SUBSTR('apple', 123) = ''
      { expr: "SUBSTR('apple', 2)", is: "pple" },
      { expr: "SUBSTR('apple', 2, 2)", is: "pp" },
      { expr: "SUBSTR('apple', -2)", is: "le" },
      { expr: "SUBSTR('apple', 1, 123)", is: "apple" },
      { expr: "SUBSTR('apple', 123)", is: "" },
      // position 0 or before the start counts from 1
      { expr: "SUBSTR('apple', 0, 2)", is: "ap" },
      { expr: "SUBSTR('apple', -10, 2)", is: "ap" },
      { expr: "SUBSTR('apple', -3, 2)", is: "pl" },
      { expr: "SUBSTRING('apple', @p, 3)", params: { p: 2 }, is: "ppl" },
    ],
  },
  {
    title: "SPLIT, STRPOS, STARTS_WITH, ENDS_WITH, LEFT, RIGHT, REPEAT",
    cases: [
      // docs: SPLIT('b,c,d', ',') = [b, c, d]; splitting an empty string gives [""]
      { expr: "SPLIT('b,c,d', ',')", is: ["b", "c", "d"] },
      { expr: "SPLIT('b,c,d')", is: ["b", "c", "d"] },
      { expr: "SPLIT('', ',')", is: [""] },
      { expr: "SPLIT('a b', ' ')[SAFE_OFFSET(1)]", is: "b" },
      // docs: STRPOS('foo@example.com', '@') = 4
      { expr: "STRPOS('foo@example.com', '@')", isNumber: 4 },
      { expr: "STRPOS('foo', 'z')", isNumber: 0 },
      { expr: "STARTS_WITH('foo', 'b')", is: false },
      { expr: "ENDS_WITH('apple', 'e')", is: true },
      { expr: "LEFT('apple', 3)", is: "app" },
      { expr: "RIGHT('apple', 3)", is: "ple" },
      { expr: "REPEAT('ab', 2)", is: "abab" },
    ],
  },
  {
    title: "LPAD and RPAD pad with spaces by default and truncate",
    cases: [
      // docs: LPAD('c', 5) = '    c'; LPAD('b', 5, 'a') = 'aaaab'; RPAD('c', 5, '-') = 'c----'
      { expr: "LPAD('c', 5)", is: "    c" },
      { expr: "LPAD('b', 5, 'a')", is: "aaaab" },
      { expr: "LPAD('abcdef', 3)", is: "abc" },
      { expr: "RPAD('c', 5, '-')", is: "c----" },
      { expr: "RPAD('c', 3)", is: "c  " },
      { expr: "LPAD(CAST(7 AS STRING), 3, '0')", is: "007" },
    ],
  },
  {
    title: "REGEXP_CONTAINS, REGEXP_EXTRACT (group, whole match, NULL on no match), REGEXP_EXTRACT_ALL",
    cases: [
      // docs: REGEXP_CONTAINS('foo@example.com', r'@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+') = true
      { expr: String.raw`REGEXP_CONTAINS('foo@example.com', r'@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+')`, is: true },
      { expr: String.raw`REGEXP_CONTAINS('foo', r'\d')`, is: false },
      // docs: REGEXP_EXTRACT('foo@example.com', r'^[a-zA-Z0-9_.+-]+') = 'foo'; with a group r'^([a-zA-Z0-9_.+-]+)@' = 'foo'
      { expr: "REGEXP_EXTRACT('foo@example.com', r'^[a-zA-Z0-9_.+-]+')", is: "foo" },
      { expr: "REGEXP_EXTRACT('foo@example.com', r'^([a-zA-Z0-9_.+-]+)@')", is: "foo" },
      { expr: String.raw`REGEXP_EXTRACT('order #1234', r'#(\d+)')`, is: "1234" },
      { expr: String.raw`REGEXP_EXTRACT('order #1234', r'(?:#)(\d+)')`, is: "1234" },
      { expr: String.raw`REGEXP_EXTRACT('no digits', r'\d+')`, is: null },
      { expr: String.raw`REGEXP_EXTRACT('no digits', '[(](\\d+)')`, is: null },
      // A group of one or more characters (one regex run locally) and one that may capture '' (two).
      { expr: "REGEXP_EXTRACT('/?utm_source=meta&x=1', r'[?&]utm_source=([^&#]+)')", is: "meta" },
      { expr: "REGEXP_EXTRACT('/?utm_medium=cpc', r'[?&]utm_source=([^&#]+)')", is: null },
      { expr: "REGEXP_EXTRACT(CAST(NULL AS STRING), r'[?&]utm_source=([^&#]+)')", is: null },
      { expr: "REGEXP_EXTRACT('/?utm_source=&x=1', r'[?&]utm_source=([^&#]*)')", is: "" },
      { expr: "REGEXP_EXTRACT('/?x=1', r'[?&]utm_source=([^&#]*)')", is: null },
      // docs: REGEXP_EXTRACT_ALL('Try `func(x)` or `func(y)`', '`(.+?)`') = [func(x), func(y)]
      { expr: "REGEXP_EXTRACT_ALL('Try `func(x)` or `func(y)`', '`(.+?)`')", is: ["func(x)", "func(y)"] },
      { expr: String.raw`REGEXP_EXTRACT_ALL('a1b22', r'\d+')`, is: ["1", "22"] },
    ],
  },
  {
    title: "REGEXP_REPLACE replaces every match and supports \\1",
    cases: [
      { expr: String.raw`REGEXP_REPLACE('a1b22c', r'\d', '#')`, is: "a#b##c" },
      // docs: REGEXP_REPLACE('# Heading', r'^# ([a-zA-Z0-9\s]+$)', '<h1>\\1</h1>') = '<h1>Heading</h1>'
      {
        expr: String.raw`REGEXP_REPLACE('# Heading', r'^# ([a-zA-Z0-9\s]+$)', '<h1>\\1</h1>')`,
        is: "<h1>Heading</h1>",
      },
      { expr: String.raw`REGEXP_REPLACE('john smith', r'(\w+) (\w+)', r'\2 \1')`, is: "smith john" },
    ],
  },
  {
    title: "FORMAT with %d, %s and %.2f",
    cases: [
      { expr: "FORMAT('%d items', 10)", is: "10 items" },
      { expr: "FORMAT('-%s-', 'abc')", is: "-abc-" },
      { expr: "FORMAT('%s', CAST(1.5 AS FLOAT64))", is: "1.5" },
      { expr: "FORMAT('%.2f%%', CAST(12.345 AS FLOAT64))", is: "12.35%" },
    ],
  },

  // ---- bytes and hashing
  {
    title: "SHA256, SHA1 and MD5 return BYTES; TO_HEX is lowercase",
    cases: [
      {
        expr: 'TO_HEX(SHA256("Hello World"))',
        is: "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e",
      },
      { expr: 'TO_HEX(SHA1("Hello World"))', is: "0a4d55a8d778e5022fab701977c5d840bbc486d0" },
      { expr: 'TO_HEX(MD5("Hello World"))', is: "b10a8db164e0754105b7a99be72e3fe5" },
      { expr: "SHA256('x')", hasType: "BLOB" },
      { expr: "BYTE_LENGTH(SHA256('x'))", isNumber: 32 },
    ],
  },
  {
    title: "FROM_HEX and TO_HEX round-trip; odd lengths get a leading 0",
    cases: [
      // docs: TO_HEX(b'\x00\x01\x02\x03\xAA\xEE\xEF\xFF') = '00010203aaeeefff'; FROM_HEX('0AF') = b'\x00\xaf'
      { expr: String.raw`TO_HEX(b'\x00\x01\x02\x03\xAA\xEE\xEF\xFF')`, is: "00010203aaeeefff" },
      { expr: "TO_HEX(FROM_HEX('00010203AAEEEFFF'))", is: "00010203aaeeefff" },
      { expr: "TO_HEX(FROM_HEX('0AF'))", is: "00af" },
    ],
  },
  {
    // BigQuery writes U+FFFD for an invalid sequence, which DuckDB cannot: NULL there instead, and a model that
    // decodes untrusted bytes checks the round trip, which fails on both engines for invalid UTF-8.
    title: "SAFE_CONVERT_BYTES_TO_STRING decodes valid UTF-8; a round trip tells invalid bytes apart",
    cases: [
      // docs: SAFE_CONVERT_BYTES_TO_STRING(b'\xc2') is '�' (invalid)
      { expr: "SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX('c389e282ac'))", is: "É€" },
      { expr: "CAST(SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX('c3a9')) AS BYTES) = FROM_HEX('c3a9')", is: true },
      {
        expr: "COALESCE(CAST(SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX('c3')) AS BYTES) = FROM_HEX('c3'), FALSE)",
        is: false,
      },
      {
        expr: "COALESCE(CAST(SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX('c0af')) AS BYTES) = FROM_HEX('c0af'), FALSE)",
        is: false,
      },
    ],
  },
  {
    title: "CONCAT of BYTES stays BYTES; BYTE_LENGTH counts UTF-8 bytes",
    cases: [
      { expr: "TO_HEX(CONCAT(FROM_HEX('00ff'), CAST('A' AS BYTES)))", is: "00ff41" },
      { expr: "CONCAT(FROM_HEX('00'), FROM_HEX('01'))", hasType: "BLOB" },
      { expr: "BYTE_LENGTH('é')", isNumber: 2 },
      { expr: "BYTE_LENGTH(CAST('😀' AS BYTES))", isNumber: 4 },
    ],
  },

  // ---- arrays
  {
    title: "OFFSET is 0-based, ORDINAL 1-based; SAFE_ variants give NULL out of range",
    cases: [
      // docs: ['coffee', 'tea', 'milk'][OFFSET(1)] = 'tea'; [ORDINAL(1)] = 'coffee'; [SAFE_OFFSET(6)] = NULL
      { expr: "['coffee', 'tea', 'milk'][OFFSET(1)]", is: "tea" },
      { expr: "['coffee', 'tea', 'milk'][ORDINAL(1)]", is: "coffee" },
      { expr: "['coffee', 'tea', 'milk'][SAFE_OFFSET(6)]", is: null },
      { expr: "['coffee', 'tea', 'milk'][SAFE_ORDINAL(0)]", is: null },
      // DuckDB would read a negative index from the end; BigQuery's SAFE_OFFSET(-1) is NULL
      { expr: "['coffee', 'tea', 'milk'][SAFE_OFFSET(@i)]", params: { i: -1 }, is: null },
      { expr: "['coffee', 'tea', 'milk'][SAFE_OFFSET(@i)]", params: { i: 2 }, is: "milk" },
      { expr: "['coffee', 'tea', 'milk'][SAFE_ORDINAL(@i)]", params: { i: 2 }, is: "tea" },
    ],
  },
  {
    title: "ARRAY_LENGTH, ARRAY_TO_STRING, ARRAY_CONCAT, ARRAY_REVERSE, GENERATE_ARRAY",
    cases: [
      { expr: "ARRAY_LENGTH([1, 2, 3])", isNumber: 3 },
      { expr: "ARRAY_LENGTH([])", isNumber: 0 },
      // docs: ARRAY_TO_STRING(['coffee', 'tea'], '--') = 'coffee--tea'
      { expr: "ARRAY_TO_STRING(['coffee', 'tea'], '--')", is: "coffee--tea" },
      // docs: ARRAY_CONCAT([1, 2], [3, 4], [5, 6]) = [1, 2, 3, 4, 5, 6]
      { expr: "ARRAY_CONCAT([1, 2], [3, 4], [5, 6])", is: [1, 2, 3, 4, 5, 6] },
      { expr: "ARRAY_REVERSE([1, 2, 3])", is: [3, 2, 1] },
      // docs: GENERATE_ARRAY(1, 5) = [1, 2, 3, 4, 5]; GENERATE_ARRAY(0, 10, 3) = [0, 3, 6, 9]
      { expr: "GENERATE_ARRAY(1, 5)", is: ["1", "2", "3", "4", "5"] },
      // INT64 elements
      { expr: "GENERATE_ARRAY(0, 10, 3)", is: ["0", "3", "6", "9"] },
      { expr: "ARRAY[1, 2]", is: [1, 2] },
    ],
  },

  // ---- query shapes
  {
    title: "SELECT * EXCEPT (...) and SELECT * REPLACE (...)",
    cases: [
      { query: "SELECT * EXCEPT (b, c) FROM (SELECT 1 AS a, 2 AS b, 3 AS c)", returns: [{ a: 1 }] },
      { query: "SELECT t.* EXCEPT (b) FROM (SELECT 1 AS a, 2 AS b) AS t", returns: [{ a: 1 }] },
      { query: "SELECT * REPLACE (a + 1 AS a) FROM (SELECT 1 AS a, 2 AS b)", returns: [{ a: "2", b: 2 }] },
    ],
  },
  {
    title: "UNION ALL, UNION DISTINCT, EXCEPT DISTINCT, INTERSECT DISTINCT",
    cases: [
      { query: "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 1) ORDER BY x", returns: [{ x: 1 }, { x: 1 }] },
      { query: "SELECT x FROM (SELECT 1 AS x UNION DISTINCT SELECT 1) ORDER BY x", returns: [{ x: 1 }] },
      {
        query: "SELECT x FROM (SELECT x FROM UNNEST([1, 2, 2]) AS x EXCEPT DISTINCT SELECT 1) ORDER BY x",
        returns: [{ x: 2 }],
      },
      {
        query: "SELECT x FROM (SELECT x FROM UNNEST([1, 2]) AS x INTERSECT DISTINCT SELECT 2) ORDER BY x",
        returns: [{ x: 2 }],
      },
    ],
  },
  {
    title: "passes CTEs, CASE, LIKE, IN, LIMIT and ORDER BY ... NULLS LAST through",
    cases: [
      {
        query: `
      WITH base AS (SELECT x FROM UNNEST([3, 1, NULL, 2]) AS x),
           labelled AS (SELECT x, CASE WHEN x >= 2 THEN 'big' ELSE 'small' END AS size FROM base)
      SELECT x, size FROM labelled WHERE size LIKE '%i%' OR x IN (1) ORDER BY x DESC NULLS LAST LIMIT 3`,
        returns: [
          { x: 3, size: "big" },
          { x: 2, size: "big" },
          { x: 1, size: "small" },
        ],
      },
    ],
  },
  {
    title: "STRUCT(...) literals with named fields",
    cases: [
      { expr: "STRUCT(1 AS a, 'x' AS b)", is: { a: 1, b: "x" } },
      {
        query: "SELECT STRUCT(x, x * 2 AS doubled).doubled AS d FROM UNNEST([2]) AS x",
        returns: [{ d: "4" }],
      },
    ],
  },

  // ---- functions that behave the same in both engines
  {
    title: "TO_BASE64, FROM_BASE64, CHARACTER_LENGTH",
    cases: [
      // docs: TO_BASE64(b'\377\340') = '/+A='
      { expr: String.raw`TO_BASE64(b'\377\340')`, is: "/+A=" },
      { expr: "TO_HEX(FROM_BASE64('/+A='))", is: "ffe0" },
      { expr: "CHARACTER_LENGTH('абв')", isNumber: 3 },
    ],
  },
  {
    title: "DATETIME(y, m, d, h, mi, s), CURRENT_DATETIME(), FORMAT_DATETIME, SAFE.PARSE_TIMESTAMP",
    cases: [
      // docs: DATETIME(2008, 12, 25, 05, 30, 00) = 2008-12-25T05:30:00
      { expr: "DATETIME(2008, 12, 25, 05, 30, 00)", is: "2008-12-25 05:30:00" },
      { expr: "CURRENT_DATETIME()", hasType: "TIMESTAMP" },
      { expr: "CURRENT_DATETIME('America/New_York')", hasType: "TIMESTAMP" },
      // docs: FORMAT_DATETIME('%b-%d-%Y', DATETIME '2008-12-25 15:30:00') = 'Dec-25-2008'
      { expr: "FORMAT_DATETIME('%b-%d-%Y', DATETIME '2008-12-25 15:30:00')", is: "Dec-25-2008" },
      { expr: "FORMAT_DATETIME('%F %H:%M', DATETIME '2008-12-25 15:30:00')", is: "2008-12-25 15:30" },
      { expr: "SAFE.PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', 'not a time')", is: null },
    ],
  },
  {
    title: "EXTRACT(ISODAYOFWEEK|MICROSECOND ...), REGEXP_SUBSTR, legacy JSON_EXTRACT_* names",
    cases: [
      { expr: "EXTRACT(ISODAYOFWEEK FROM DATE '2024-01-07')", isNumber: 7 },
      { expr: "EXTRACT(MICROSECOND FROM TIMESTAMP '2024-01-01 00:00:05.000123+00')", isNumber: 123 },
      { expr: String.raw`REGEXP_SUBSTR('order #1234', r'\d+')`, is: "1234" },
      { expr: `JSON_EXTRACT_ARRAY('{"a": [1, "x"]}', '$.a')`, is: ["1", '"x"'] },
      { expr: `JSON_EXTRACT_STRING_ARRAY('{"a": [1, "x"]}', '$.a')`, is: ["1", "x"] },
    ],
  },
];

/** BigQuery the layer refuses, and the message naming the construct and its position. */
export const REFUSED: [bigQuery: string, message: RegExp][] = [
  [
    "SELECT\n  NET.HOST(url) FROM t",
    /unsupported BigQuery function \(or UDF\) NET\.HOST\(\) \(line 2, column 3\)/,
  ],
  ["SELECT FARM_FINGERPRINT(x) FROM t", /FARM_FINGERPRINT\(\).*line 1, column 8/],
  ["SELECT my_dataset.my_udf(x)", /my_dataset\.my_udf\(\)/],
  ["SELECT SAFE.SUBSTR('a', 1)", /SAFE\.SUBSTR\(\)/],
  ["SELECT AS STRUCT 1 AS a", /SELECT AS STRUCT/],
  ["SELECT x FROM UNNEST([1, 2])", /UNNEST\(\.\.\.\) in FROM needs an alias/],
  ["SELECT arr[0] FROM t", /array subscripts need OFFSET/],
  ["SELECT REGEXP_EXTRACT(s, @pattern) FROM t", /needs a literal pattern/],
  ["SELECT REGEXP_EXTRACT(s, r'(a)(b)') FROM t", /at most one capture group/],
  ["SELECT PERCENTILE_CONT(x, 0.5) FROM t", /analytic function.*OVER/],
  ["SELECT DATE_TRUNC(d, HOUR) FROM t", /DATE_TRUNC\(\) does not support HOUR/],
  ["SELECT DATE_ADD(d, INTERVAL 1 HOUR) FROM t", /INTERVAL \.\.\. HOUR is not supported here/],
  ["SELECT FORMAT_DATE('%Z', d) FROM t", /format element %Z/],
  ["SELECT FORMAT_DATE(@fmt, d) FROM t", /format must be a string literal/],
  ["SELECT CAST(x AS STRUCT<a INT64>) FROM t", /type STRUCT is not supported/],
  ["SELECT ARRAY<INT64>[1, 2]", /typed array literals/],
  ["SELECT @@project_id", /@@system variables/],
  ["SELECT * FROM t FOR SYSTEM_TIME AS OF ts", /FOR SYSTEM_TIME/],
  ["SELECT * FROM t PIVOT(SUM(x) FOR k IN ('a'))", /PIVOT is not supported/],
  ["SELECT IF(a, b) FROM t", /IF\(\) takes 3 arguments, got 2/],
  ["SELECT COUNTIF(x ORDER BY y) FROM t", /COUNTIF\(\) does not take ORDER BY/],
  ["SELECT 'abc", /unterminated string literal \(line 1, column 8\)/],
  ["SELECT (1", /unclosed '\('/],
  ["SELECT 1)", /unbalanced '\)'/],
  [String.raw`SELECT '\q'`, /unknown escape \\q/],
];
