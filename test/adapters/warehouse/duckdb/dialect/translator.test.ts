// Parity tests for the BigQuery → DuckDB dialect layer: each BigQuery construct the models use is translated,
// run on an in-memory DuckDB set up like the adapter's session, and compared with the result BigQuery documents
// for the same expression (the expected literals; "docs" marks examples taken from the BigQuery reference).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, listValue } from "@duckdb/node-api";
import { SUPPORTED_FUNCTIONS } from "../../../../../functions/adapters/warehouse/duckdb/dialect/function-map.ts";
import {
  DialectError,
  translateToDuckDb,
} from "../../../../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import { DUCKDB_SESSION_SETUP } from "../../../../../functions/adapters/warehouse/duckdb/statements.ts";
import { blobValue, dateValue } from "@duckdb/node-api";
const duckDbBytes = (b: Uint8Array) => blobValue(b);
const duckDbDate = (d: string) => {
  const [y, m, dd] = d.split("-").map(Number);
  if (!dd) throw new Error("YYYY-MM-DD");
  return dateValue({ year: y!, month: m!, day: dd });
};

type Params = Record<string, DuckDBValue>;

let instance: DuckDBInstance;
let connection: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  for (const statement of DUCKDB_SESSION_SETUP) await connection.run(statement);
});

after(() => {
  connection.closeSync();
  instance.closeSync();
});

/** Translates and runs a BigQuery query; rows as JSON-friendly objects (BIGINT and DECIMAL as strings). */
async function rows(bigQuerySql: string, params?: Params): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(translateToDuckDb(bigQuerySql), params);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** The value of one BigQuery expression. */
async function value(expression: string, params?: Params): Promise<unknown> {
  const [row] = await rows(`SELECT ${expression} AS v`, params);
  return row?.v;
}

/** The value of one BigQuery expression as a JS number (DuckDB BIGINT/HUGEINT/DECIMAL come back as strings). */
async function number(expression: string, params?: Params): Promise<number> {
  return Number(await value(expression, params));
}

/** The DuckDB type of one translated expression (JSON, not its VARCHAR storage). */
async function duckType(expression: string, params?: Params): Promise<string> {
  const reader = await connection.runAndReadAll(translateToDuckDb(`SELECT ${expression} AS v`), params);
  // JSON is an alias of VARCHAR in DuckDB: the logical type keeps the alias.
  return reader.columnLogicalType(0).alias ?? String(reader.columnType(0));
}

describe("lexical: literals, identifiers, parameters, comments", () => {
  it("turns double-quoted BigQuery strings into single-quoted DuckDB strings, escaping quotes", async () => {
    assert.equal(await value(`"it's"`), "it's");
    assert.equal(translateToDuckDb(`SELECT "it's"`), "SELECT 'it''s'");
  });

  it("decodes BigQuery escapes and triple-quoted strings", async () => {
    assert.equal(await value(`'a\\nb'`), "a\nb");
    assert.equal(await value(`'caf\\u00e9'`), "café");
    assert.equal(await value(`'\\x41\\101'`), "AA");
    assert.equal(await value(`'''it's "x"'''`), `it's "x"`);
    assert.equal(await value(`"""two\nlines"""`), "two\nlines");
  });

  it("keeps raw strings verbatim (r'\\d+' is the regex \\d+)", async () => {
    assert.equal(translateToDuckDb(String.raw`SELECT r'\d+', R"a\'b"`), String.raw`SELECT '\d+', 'a\''b'`);
    // docs: REGEXP_CONTAINS with a raw pattern
    assert.equal(await value(String.raw`REGEXP_CONTAINS('abc123', r'\d+$')`), true);
  });

  it("turns bytes literals into BLOBs", async () => {
    assert.equal(await value(String.raw`TO_HEX(b'\x00\xffA\'')`), "00ff4127");
    assert.equal(await value(String.raw`BYTE_LENGTH(b'\xc3\xa9')`), "2");
  });

  it("splits backtick paths into double-quoted identifiers", async () => {
    assert.equal(
      translateToDuckDb("SELECT `col` FROM `dataset.table`"),
      'SELECT "col" FROM "dataset"."table"',
    );
    await connection.run(
      'CREATE SCHEMA IF NOT EXISTS lexical; CREATE OR REPLACE TABLE lexical.t AS SELECT 1 AS "order"',
    );
    assert.deepEqual(await rows("SELECT t.`order` FROM `lexical.t` AS t"), [{ order: 1 }]);
    assert.deepEqual(await rows("SELECT `order` FROM `lexical`.`t`"), [{ order: 1 }]);
  });

  it("turns @params into $params, but never inside strings or comments", async () => {
    const sql = "SELECT @run_date, '@run_date', \"@x\" -- @y\n/* @z */ # @w\n";
    assert.equal(translateToDuckDb(sql), "SELECT $run_date, '@run_date', '@x' -- @y\n/* @z */ -- @w\n");
  });

  it("binds named parameters with @duckdb/node-api (DATE via duckDbDate/dateValue, reused names)", async () => {
    const result = await rows(
      "SELECT DATE_ADD(@run_date, INTERVAL 1 DAY) AS next_day, @run_date = DATE '2024-03-01' AS same",
      {
        run_date: duckDbDate("2024-03-01"),
      },
    );
    assert.deepEqual(result, [{ next_day: "2024-03-02", same: true }]);
    assert.equal(await duckType("@d", { d: duckDbDate("2024-03-01") }), "DATE");
    assert.equal(await value("@n * 2", { n: 21 }), "42"); // INT64 arithmetic
    // prepare + bind works the same way
    const prepared = await connection.prepare(translateToDuckDb("SELECT UPPER(@name) AS v"));
    prepared.bind({ name: "ada" });
    assert.deepEqual((await prepared.runAndReadAll()).getRowObjectsJson(), [{ v: "ADA" }]);
    assert.throws(() => duckDbDate("01/03/2024"), /YYYY-MM-DD/);
  });

  it("turns hex integer literals into decimals", async () => {
    assert.equal(await value("0xFF"), 255);
  });

  it("turns TIMESTAMP/DATETIME/NUMERIC/JSON typed literals into DuckDB types", async () => {
    assert.equal(await duckType("TIMESTAMP '2008-12-25 15:30:00+00'"), "TIMESTAMP WITH TIME ZONE");
    // docs: a TIMESTAMP literal without a zone is UTC
    assert.equal(await value("TIMESTAMP '2008-12-25 15:30:00'"), "2008-12-25 15:30:00+00");
    assert.equal(await value("DATETIME '2008-12-25 15:30:00'"), "2008-12-25 15:30:00");
    assert.equal(await value("NUMERIC '1.25'"), "1.250000000");
    assert.equal(await value(`JSON_VALUE(JSON '{"a": 1}', '$.a')`), "1");
    assert.equal(await value("DATE '2008-12-25'"), "2008-12-25");
  });
});

describe("casts", () => {
  it("maps BigQuery types in CAST", async () => {
    assert.equal(await duckType("CAST('1' AS INT64)"), "BIGINT");
    assert.equal(await duckType("CAST(1 AS FLOAT64)"), "DOUBLE");
    assert.equal(await duckType("CAST('1.5' AS NUMERIC)"), "DECIMAL(38,9)");
    assert.equal(await duckType("CAST('1.5' AS BIGNUMERIC)"), "DECIMAL(38,9)");
    assert.equal(await duckType("CAST('1.5' AS NUMERIC(10, 2))"), "DECIMAL(10,2)");
    assert.equal(await duckType("CAST(1 AS STRING)"), "VARCHAR");
    assert.equal(await duckType("CAST('true' AS BOOL)"), "BOOLEAN");
    assert.equal(await duckType("CAST('x' AS BYTES)"), "BLOB");
    assert.equal(await duckType("CAST('2024-01-01' AS DATE)"), "DATE");
    assert.equal(await duckType("CAST('2024-01-01 00:00:00+00' AS TIMESTAMP)"), "TIMESTAMP WITH TIME ZONE");
    assert.equal(await duckType("CAST('2024-01-01 00:00:00' AS DATETIME)"), "TIMESTAMP");
    assert.equal(await duckType(`CAST('{"a":1}' AS JSON)`), "JSON");
    assert.equal(await duckType("CAST(['1'] AS ARRAY<INT64>)"), "BIGINT[]");
  });

  it("casts values as BigQuery does", async () => {
    assert.equal(await value("CAST('42' AS INT64)"), "42");
    assert.equal(await value("CAST(1.25 AS STRING)"), "1.25");
    assert.equal(await value("CAST(TRUE AS STRING)"), "true");
    assert.equal(await value("CAST('2008-12-25' AS DATE)"), "2008-12-25");
    assert.equal(await value("CAST('2008-12-25 15:30:00+00' AS TIMESTAMP)"), "2008-12-25 15:30:00+00");
  });

  it("rounds floats half away from zero when casting to INT64 (DuckDB rounds half to even)", async () => {
    // docs: "Casting from a floating point type to an integer rounds half away from zero"
    assert.equal(await value("CAST(CAST(2.5 AS FLOAT64) AS INT64)"), "3");
    assert.equal(await value("CAST(CAST(-2.5 AS FLOAT64) AS INT64)"), "-3");
    assert.equal(await value("CAST(CAST(0.5 AS FLOAT64) AS INT64)"), "1");
    assert.equal(await value("SAFE_CAST(CAST(1.5 AS FLOAT64) AS INT64)"), "2");
  });

  it("turns SAFE_CAST into TRY_CAST (NULL instead of an error)", async () => {
    assert.equal(await value("SAFE_CAST('apple' AS INT64)"), null);
    assert.equal(await value("SAFE_CAST('2024-13-01' AS DATE)"), null);
    assert.equal(await value("SAFE_CAST('12' AS INT64)"), "12");
    await assert.rejects(value("CAST('apple' AS INT64)"));
  });

  it("casts a STRING to its UTF-8 BYTES", async () => {
    assert.equal(await value("TO_HEX(CAST('é' AS BYTES))"), "c3a9");
    // DuckDB's own VARCHAR→BLOB cast would decode this escape; BigQuery keeps the four characters.
    assert.equal(await value(String.raw`BYTE_LENGTH(CAST(r'\x41' AS BYTES))`), "4");
  });
});

describe("arithmetic and math", () => {
  it("SAFE_DIVIDE is NULL for a zero or NULL divisor", async () => {
    assert.equal(await value("SAFE_DIVIDE(10, 4)"), 2.5);
    assert.equal(await value("SAFE_DIVIDE(10, 0)"), null);
    assert.equal(await value("SAFE_DIVIDE(10, NULL)"), null);
    assert.equal(await value("SAFE_DIVIDE(0, 0)"), null);
  });

  it("DIV truncates toward zero (INT64 and NUMERIC)", async () => {
    // docs: DIV(20, 4) = 5, DIV(12, -7) = -1, DIV(20, 3) = 6
    assert.equal(await number("DIV(20, 4)"), 5);
    assert.equal(await number("DIV(12, -7)"), -1);
    assert.equal(await number("DIV(20, 3)"), 6);
    assert.equal(await number("DIV(-7, 2)"), -3);
    assert.equal(await number("DIV(CAST(-7.5 AS NUMERIC), 2)"), -3);
    assert.equal(await number("DIV(CAST(0.3 AS NUMERIC), CAST(0.1 AS NUMERIC))"), 3);
  });

  it("integer literals are INT64: literal arithmetic does not overflow 32 bits", async () => {
    assert.equal(await number("60 * 60 * 24 * 1000 * 1000"), 86_400_000_000);
    assert.equal(await number("2147483647 + 1"), 2_147_483_648);
    assert.equal(
      translateToDuckDb("SELECT -1, x - 1 FROM t ORDER BY 1"),
      "SELECT -1, x - CAST(1 AS BIGINT) FROM t ORDER BY 1",
    );
  });

  it("/ is float division even for integers", async () => {
    assert.equal(await value("7 / 2"), 3.5);
    assert.equal(await duckType("7 / 2"), "DOUBLE");
  });

  it("ROUND rounds half away from zero for FLOAT64 and NUMERIC", async () => {
    // docs: ROUND(2.5) = 3.0, ROUND(-2.5) = -3.0, ROUND(2.25, 1) = 2.3, ROUND(123.7, -1) = 120
    assert.equal(await number("ROUND(CAST(2.5 AS FLOAT64))"), 3);
    assert.equal(await number("ROUND(CAST(-2.5 AS FLOAT64))"), -3);
    assert.equal(await number("ROUND(CAST(2.5 AS NUMERIC))"), 3);
    assert.equal(await number("ROUND(CAST(-2.5 AS NUMERIC))"), -3);
    assert.equal(await number("ROUND(2.25, 1)"), 2.3);
    assert.equal(await number("ROUND(123.7, -1)"), 120);
  });

  it("MOD keeps the dividend's sign", async () => {
    // docs: MOD(25, 12) = 1, MOD(-25, 12) = -1
    assert.equal(await number("MOD(25, 12)"), 1);
    assert.equal(await number("MOD(-25, 12)"), -1);
  });

  it("GREATEST and LEAST return NULL when any argument is NULL", async () => {
    assert.equal(await value("GREATEST(3, 5, 1)"), 5);
    assert.equal(await value("LEAST(3, 5, 1)"), 1);
    assert.equal(await value("GREATEST(1, NULL, 3)"), null);
    assert.equal(await value("LEAST(1, NULL)"), null);
  });

  it("ABS, SIGN, POW, SQRT, EXP, LN, LOG, LOG10, CEIL, FLOOR, TRUNC", async () => {
    assert.equal(await number("ABS(-5)"), 5);
    assert.equal(await number("SIGN(-5)"), -1);
    assert.equal(await number("POW(2, 10)"), 1024);
    assert.equal(await number("POWER(2, 3)"), 8);
    assert.equal(await number("SQRT(25)"), 5);
    assert.equal(await number("LN(EXP(2))"), 2);
    // docs: LOG(X) is the natural logarithm; LOG(100, 10) = 2
    assert.equal(await number("LOG(EXP(1))"), 1);
    assert.equal(await number("LOG(100, 10)"), 2);
    assert.equal(await number("LOG10(100)"), 2);
    assert.equal(await number("CEIL(2.1)"), 3);
    assert.equal(await number("CEILING(-2.1)"), -2);
    assert.equal(await number("FLOOR(-2.1)"), -3);
    assert.equal(await number("TRUNC(2.567, 1)"), 2.5);
  });
});

describe("conditionals", () => {
  it("IF, IFNULL, COALESCE, NULLIF, CASE", async () => {
    assert.equal(await value("IF(1 > 0, 'yes', 'no')"), "yes");
    assert.equal(await value("IF(NULL, 'yes', 'no')"), "no");
    assert.equal(await value("IFNULL(NULL, 0)"), 0);
    assert.equal(await value("COALESCE(NULL, 'b', 'c')"), "b");
    assert.equal(await value("NULLIF(0, 0)"), null);
    assert.equal(
      await value("CASE WHEN 1 IN (1, 2) AND 3 BETWEEN 1 AND 5 AND 'abc' LIKE 'a%' THEN 'ok' END"),
      "ok",
    );
  });
});

describe("aggregates and window functions", () => {
  it("COUNTIF counts TRUE rows as INT64, also as an analytic function", async () => {
    // docs: COUNTIF(x < 0) over [5, -2, 3, 6, -10, -7, 4, 0] = 3
    const [row] = await rows(
      "SELECT COUNTIF(x < 0) AS negative, COUNTIF(x >= 0) AS other FROM UNNEST([5, -2, 3, 6, -10, -7, 4, 0]) AS x",
    );
    assert.deepEqual(row, { negative: "3", other: "5" });
    const windowed = await rows(
      "SELECT x, COUNTIF(x < 0) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c FROM UNNEST([1, -1, -2]) AS x ORDER BY x",
    );
    assert.deepEqual(windowed, [
      { x: -2, c: "1" },
      { x: -1, c: "2" },
      { x: 1, c: "2" },
    ]);
  });

  it("LOGICAL_OR, LOGICAL_AND, ANY_VALUE", async () => {
    // docs: LOGICAL_AND(x < 3) over [1, 2, 4] = false
    const [row] = await rows(
      "SELECT LOGICAL_AND(x < 3) AS all_small, LOGICAL_OR(x < 3) AS any_small, ANY_VALUE(IF(x = 4, NULL, 7)) AS some FROM UNNEST([1, 2, 4]) AS x",
    );
    assert.deepEqual(row, { all_small: false, any_small: true, some: 7 });
  });

  it("SUM, AVG, MIN, MAX, COUNT, COUNT(DISTINCT)", async () => {
    const [row] = await rows(
      "SELECT SUM(x) AS s, AVG(x) AS a, MIN(x) AS lo, MAX(x) AS hi, COUNT(*) AS n, COUNT(DISTINCT x) AS d FROM UNNEST([1, 4, 4, 5]) AS x",
    );
    assert.deepEqual({ ...row, s: Number(row?.s) }, { s: 14, a: 3.5, lo: 1, hi: 5, n: "4", d: "3" });
  });

  it("STRING_AGG with a separator, DISTINCT, ORDER BY and LIMIT", async () => {
    const fruits = `UNNEST(["apple", NULL, "pear", "banana", "pear"]) AS fruit`;
    // docs: STRING_AGG(fruit, " & " ORDER BY LENGTH(fruit)) = "pear & pear & apple & banana"
    assert.deepEqual(
      await rows(`SELECT STRING_AGG(fruit, " & " ORDER BY LENGTH(fruit), fruit) AS s FROM ${fruits}`),
      [{ s: "pear & pear & apple & banana" }],
    );
    assert.deepEqual(
      await rows(`SELECT STRING_AGG(DISTINCT fruit, " & " ORDER BY fruit) AS s FROM ${fruits}`),
      [{ s: "apple & banana & pear" }],
    );
    assert.deepEqual(
      await rows(`SELECT STRING_AGG(fruit, ", " ORDER BY fruit DESC LIMIT 2) AS s FROM ${fruits}`),
      [{ s: "pear, pear" }],
    );
    assert.deepEqual(await rows(`SELECT STRING_AGG(fruit ORDER BY fruit) AS s FROM ${fruits}`), [
      { s: "apple,banana,pear,pear" },
    ]);
  });

  it("ARRAY_AGG with ORDER BY, LIMIT, DISTINCT and IGNORE NULLS", async () => {
    const xs = "UNNEST([2, 1, -2, 3, -5, 1]) AS x WITH OFFSET AS pos";
    assert.deepEqual(await rows(`SELECT ARRAY_AGG(x ORDER BY pos LIMIT 3) AS a FROM ${xs}`), [
      { a: [2, 1, -2] },
    ]);
    assert.deepEqual(await rows(`SELECT ARRAY_AGG(x ORDER BY ABS(x) DESC LIMIT 2) AS a FROM ${xs}`), [
      { a: [-5, 3] },
    ]);
    // docs: ARRAY_AGG(DISTINCT x ORDER BY x) = [-2, 1, 2, 3]
    assert.deepEqual(
      await rows("SELECT ARRAY_AGG(DISTINCT x ORDER BY x) AS a FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x"),
      [{ a: [-2, 1, 2, 3] }],
    );
    // docs: ARRAY_AGG(x IGNORE NULLS) over [NULL, 1, -2, 3, -2, 1, NULL] = [1, -2, 3, -2, 1]
    assert.deepEqual(
      await rows(
        "SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY o) AS a FROM UNNEST([NULL, 1, -2, 3, -2, 1, NULL]) AS x WITH OFFSET AS o",
      ),
      [{ a: [1, -2, 3, -2, 1] }],
    );
    assert.deepEqual(
      await rows(
        "SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY x DESC LIMIT 2) AS a FROM UNNEST([NULL, 1, 3, 2]) AS x",
      ),
      [{ a: [3, 2] }],
    );
  });

  it("PERCENTILE_CONT and PERCENTILE_DISC as analytic functions", async () => {
    // docs: over [0, 3, NULL, 1, 2]: PERCENTILE_CONT(x, 0) = 0, (x, 0.5) = 1.5, (x, 1) = 3
    const result = await rows(
      "SELECT PERCENTILE_CONT(x, 0) OVER () AS lo, PERCENTILE_CONT(x, 0.5) OVER () AS median, PERCENTILE_CONT(x, 1) OVER () AS hi FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1",
    );
    assert.deepEqual(result, [{ lo: 0, median: 1.5, hi: 3 }]);
    // docs: PERCENTILE_DISC(x, 0.5) over ['c', NULL, 'b', 'a'] = 'b'
    assert.deepEqual(
      await rows(
        "SELECT PERCENTILE_DISC(x, 0.5) OVER () AS median FROM UNNEST(['c', NULL, 'b', 'a']) AS x LIMIT 1",
      ),
      [{ median: "b" }],
    );
    const partitioned = await rows(
      "SELECT r.g, PERCENTILE_CONT(r.v, 0.5) OVER (PARTITION BY r.g) AS m FROM UNNEST([STRUCT('a' AS g, 1 AS v), STRUCT('a' AS g, 4 AS v), STRUCT('b' AS g, 10 AS v)]) AS r WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY r.g ORDER BY r.v) = 1 ORDER BY r.g",
    );
    assert.deepEqual(partitioned, [
      { g: "a", m: 2.5 },
      { g: "b", m: 10 },
    ]);
  });

  it("APPROX_QUANTILES(x, n)[OFFSET(i)]", async () => {
    // docs: APPROX_QUANTILES(x, 2) over [1, 1, 1, 4, 5, 6, 7, 8, 9, 10] = [1, 5, 10]
    const xs = "UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x";
    assert.deepEqual(await rows(`SELECT APPROX_QUANTILES(x, 2) AS q FROM ${xs}`), [{ q: [1, 5, 10] }]);
    assert.deepEqual(await rows(`SELECT APPROX_QUANTILES(x, 2)[OFFSET(1)] AS median FROM ${xs}`), [
      { median: 5 },
    ]);
  });

  it("ROW_NUMBER, RANK, LAG, window frames with ROWS BETWEEN, QUALIFY", async () => {
    const result = await rows(`
      SELECT x,
        ROW_NUMBER() OVER (ORDER BY x) AS rn,
        RANK() OVER (ORDER BY DIV(x, 10)) AS rk,
        LAG(x) OVER (ORDER BY x) AS prev,
        SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair
      FROM UNNEST([10, 20, 25]) AS x
      WHERE TRUE
      QUALIFY ROW_NUMBER() OVER (ORDER BY x) <= 3
      ORDER BY x`);
    assert.deepEqual(
      result.map((row) => ({ ...row, pair: Number(row.pair) })),
      [
        { x: 10, rn: "1", rk: "1", prev: null, pair: 10 },
        { x: 20, rn: "2", rk: "2", prev: 10, pair: 30 },
        { x: 25, rn: "3", rk: "2", prev: 20, pair: 45 },
      ],
    );
  });

  it("sorts NULLs first ascending and last descending, as BigQuery does (session setup)", async () => {
    const asc = await rows("SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x");
    assert.deepEqual(
      asc.map((row) => row.x),
      [null, 1, 2],
    );
    const desc = await rows("SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC");
    assert.deepEqual(
      desc.map((row) => row.x),
      [2, 1, null],
    );
    const explicit = await rows("SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x NULLS LAST LIMIT 1");
    assert.deepEqual(explicit, [{ x: 1 }]);
  });
});

describe("dates and timestamps", () => {
  it("DATE_TRUNC returns a DATE; WEEK starts on Sunday", async () => {
    // docs: DATE_TRUNC(DATE '2008-12-25', MONTH) = 2008-12-01
    assert.equal(await value("DATE_TRUNC(DATE '2008-12-25', MONTH)"), "2008-12-01");
    assert.equal(await duckType("DATE_TRUNC(DATE '2008-12-25', MONTH)"), "DATE");
    assert.equal(await value("DATE_TRUNC(DATE '2008-12-25', DAY)"), "2008-12-25");
    // 2008-12-25 is a Thursday: its Sunday-based week starts 2008-12-21
    assert.equal(await value("DATE_TRUNC(DATE '2008-12-25', WEEK)"), "2008-12-21");
    assert.equal(await value("DATE_TRUNC(DATE '2008-12-21', WEEK)"), "2008-12-21");
    // docs: DATE_TRUNC(DATE '2017-11-05', WEEK(MONDAY)) = 2017-10-30 (2017-11-05 is a Sunday)
    assert.equal(await value("DATE_TRUNC(DATE '2017-11-05', WEEK(MONDAY))"), "2017-10-30");
    assert.equal(await value("DATE_TRUNC(DATE '2017-11-05', ISOWEEK)"), "2017-10-30");
    assert.equal(await value("DATE_TRUNC(DATE '2008-11-25', QUARTER)"), "2008-10-01");
    assert.equal(await value("DATE_TRUNC(DATE '2008-11-25', YEAR)"), "2008-01-01");
    assert.equal(await value("DATE_TRUNC('2008-11-25', YEAR)"), "2008-01-01");
  });

  it("DATE_ADD and DATE_SUB return DATEs and clamp to the month end", async () => {
    // docs: DATE_ADD(DATE '2008-12-25', INTERVAL 5 DAY) = 2008-12-30; DATE_SUB(..., INTERVAL 5 DAY) = 2008-12-20
    assert.equal(await value("DATE_ADD(DATE '2008-12-25', INTERVAL 5 DAY)"), "2008-12-30");
    assert.equal(await value("DATE_SUB(DATE '2008-12-25', INTERVAL 5 DAY)"), "2008-12-20");
    assert.equal(await duckType("DATE_SUB(DATE '2008-12-25', INTERVAL 1 MONTH)"), "DATE");
    assert.equal(await value("DATE_ADD(DATE '2008-12-25', INTERVAL 2 WEEK)"), "2009-01-08");
    // docs: a day past the end of the resulting month gives that month's last day
    assert.equal(await value("DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH)"), "2024-02-29");
    assert.equal(await value("DATE_SUB(DATE '2024-03-31', INTERVAL 1 MONTH)"), "2024-02-29");
    assert.equal(await value("DATE_ADD(DATE '2024-02-29', INTERVAL 1 YEAR)"), "2025-02-28");
    assert.equal(await value("DATE_ADD(DATE '2024-01-31', INTERVAL 1 QUARTER)"), "2024-04-30");
    assert.equal(
      await value("DATE_SUB(@d, INTERVAL @n DAY)", { d: duckDbDate("2024-03-01"), n: 1 }),
      "2024-02-29",
    );
  });

  it("DATE_DIFF counts part boundaries, a − b", async () => {
    // docs: DATE_DIFF(DATE '2010-07-07', DATE '2008-12-25', DAY) = 559
    assert.equal(await number("DATE_DIFF(DATE '2010-07-07', DATE '2008-12-25', DAY)"), 559);
    assert.equal(await number("DATE_DIFF(DATE '2008-12-25', DATE '2010-07-07', DAY)"), -559);
    // docs: DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', DAY) = 1 and WEEK = 1 (a Sunday is crossed)
    assert.equal(await number("DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', WEEK)"), 1);
    // docs: 2017-12-18 (Monday) vs 2017-12-17 (Sunday): WEEK = 0, WEEK(MONDAY) = 1, ISOWEEK = 1
    assert.equal(await number("DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', WEEK)"), 0);
    assert.equal(await number("DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', WEEK(MONDAY))"), 1);
    assert.equal(await number("DATE_DIFF(DATE '2017-12-18', DATE '2017-12-17', ISOWEEK)"), 1);
    // docs: DATE_DIFF('2017-12-30', '2014-12-30', YEAR) = 3, ISOYEAR = 2
    assert.equal(await number("DATE_DIFF(DATE '2017-12-30', DATE '2014-12-30', YEAR)"), 3);
    assert.equal(await number("DATE_DIFF(DATE '2017-12-30', DATE '2014-12-30', ISOYEAR)"), 2);
    assert.equal(await number("DATE_DIFF(DATE '2024-02-01', DATE '2024-01-31', MONTH)"), 1);
    assert.equal(await number("DATE_DIFF(DATE '2024-01-01', DATE '2023-12-31', YEAR)"), 1);
    assert.equal(await number("DATE_DIFF(DATE '2024-04-01', DATE '2024-03-31', QUARTER)"), 1);
  });

  it("DATE(ts, zone) is the local calendar day of the instant, across DST", async () => {
    // 03:00 UTC on Jan 15 is still Jan 14 (22:00 EST) in New York
    assert.equal(await value("DATE(TIMESTAMP '2024-01-15 03:00:00+00', 'America/New_York')"), "2024-01-14");
    assert.equal(
      await value("DATE(TIMESTAMP '2024-01-15 05:00:00+00', @tz)", { tz: "America/New_York" }),
      "2024-01-15",
    );
    // Clocks go forward at 07:00 UTC on 2024-03-10: 04:30 UTC is 23:30 EST on the 9th, 07:30 UTC is 03:30 EDT
    assert.equal(await value("DATE(TIMESTAMP '2024-03-10 04:30:00+00', 'America/New_York')"), "2024-03-09");
    assert.equal(await value("DATE(TIMESTAMP '2024-03-10 07:30:00+00', 'America/New_York')"), "2024-03-10");
    // 2024-11-03 04:30 UTC is 00:30 EDT (a fixed -05:00 offset would say Nov 2)
    assert.equal(await value("DATE(TIMESTAMP '2024-11-03 04:30:00+00', 'America/New_York')"), "2024-11-03");
    // docs: DATE(TIMESTAMP '2016-12-25 05:30:00+07', 'America/Los_Angeles') = 2016-12-24
    assert.equal(
      await value("DATE(TIMESTAMP '2016-12-25 05:30:00+07', 'America/Los_Angeles')"),
      "2016-12-24",
    );
  });

  it("DATE(ts) is the UTC day; DATE(y, m, d) builds a date", async () => {
    assert.equal(await value("DATE(TIMESTAMP '2024-01-15 03:00:00+00')"), "2024-01-15");
    assert.equal(await value("DATE(TIMESTAMP '2024-01-14 23:30:00-05')"), "2024-01-15");
    // docs: DATE(2016, 12, 25) = 2016-12-25
    assert.equal(await value("DATE(2016, 12, 25)"), "2016-12-25");
  });

  it("DATETIME(ts, zone), TIMESTAMP(d), TIMESTAMP(civil, zone)", async () => {
    // docs: DATETIME(TIMESTAMP '2008-12-25 05:30:00+00', 'America/Los_Angeles') = 2008-12-24T21:30:00
    assert.equal(
      await value("DATETIME(TIMESTAMP '2008-12-25 05:30:00+00', 'America/Los_Angeles')"),
      "2008-12-24 21:30:00",
    );
    assert.equal(await value("DATETIME(TIMESTAMP '2008-12-25 05:30:00+00')"), "2008-12-25 05:30:00");
    // docs: TIMESTAMP(DATE '2008-12-25') = 2008-12-25 00:00:00+00
    assert.equal(await value("TIMESTAMP(DATE '2008-12-25')"), "2008-12-25 00:00:00+00");
    // docs: TIMESTAMP('2008-12-25 15:30:00', 'America/Los_Angeles') = 2008-12-25 23:30:00+00
    assert.equal(
      await value("TIMESTAMP('2008-12-25 15:30:00', 'America/Los_Angeles')"),
      "2008-12-25 23:30:00+00",
    );
    assert.equal(await value("TIMESTAMP('2008-12-25 15:30:00')"), "2008-12-25 15:30:00+00");
  });

  it("TIMESTAMP_DIFF counts whole elapsed units", async () => {
    // docs: TIMESTAMP_DIFF('2010-07-07 10:20:00+00', '2008-12-25 15:30:00+00', HOUR) = 13410
    assert.equal(
      await number(
        "TIMESTAMP_DIFF(TIMESTAMP '2010-07-07 10:20:00+00', TIMESTAMP '2008-12-25 15:30:00+00', HOUR)",
      ),
      13410,
    );
    // docs: TIMESTAMP_DIFF('2018-08-14', '2018-10-14', DAY) = -61
    assert.equal(await number("TIMESTAMP_DIFF(TIMESTAMP '2018-08-14', TIMESTAMP '2018-10-14', DAY)"), -61);
    // docs: TIMESTAMP_DIFF('2001-02-01 01:00:00', '2001-02-01 00:00:01', HOUR) = 0
    assert.equal(
      await number("TIMESTAMP_DIFF(TIMESTAMP '2001-02-01 01:00:00', TIMESTAMP '2001-02-01 00:00:01', HOUR)"),
      0,
    );
    assert.equal(
      await number("TIMESTAMP_DIFF(TIMESTAMP '2001-02-01 00:00:01', TIMESTAMP '2001-02-01 01:00:00', HOUR)"),
      0,
    );
    assert.equal(
      await number(
        "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:01:30', TIMESTAMP '2024-01-01 00:00:00', SECOND)",
      ),
      90,
    );
    assert.equal(
      await number(
        "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:01:30', TIMESTAMP '2024-01-01 00:00:00', MINUTE)",
      ),
      1,
    );
  });

  it("TIMESTAMP_ADD and TIMESTAMP_SUB", async () => {
    // docs: TIMESTAMP_ADD(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE) = 2008-12-25 15:40:00+00
    assert.equal(
      await value("TIMESTAMP_ADD(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE)"),
      "2008-12-25 15:40:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_SUB(TIMESTAMP '2008-12-25 15:30:00+00', INTERVAL 10 MINUTE)"),
      "2008-12-25 15:20:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_ADD(TIMESTAMP '2024-03-09 12:00:00+00', INTERVAL 1 DAY)"),
      "2024-03-10 12:00:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_SUB(TIMESTAMP '2024-01-01 00:00:00+00', INTERVAL 36 HOUR)"),
      "2023-12-30 12:00:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_ADD(TIMESTAMP '2024-01-01 00:00:00+00', INTERVAL 1500 MILLISECOND)"),
      "2024-01-01 00:00:01.5+00",
    );
  });

  it("TIMESTAMP_TRUNC, in UTC and in a zone", async () => {
    assert.equal(
      await value("TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', HOUR)"),
      "2008-12-25 15:00:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', DAY)"),
      "2008-12-25 00:00:00+00",
    );
    // docs: TIMESTAMP_TRUNC('2008-12-25 15:30:00+00', DAY, 'America/Los_Angeles') = 2008-12-25 08:00:00+00
    assert.equal(
      await value("TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', DAY, 'America/Los_Angeles')"),
      "2008-12-25 08:00:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', WEEK)"),
      "2008-12-21 00:00:00+00",
    );
    assert.equal(
      await value("TIMESTAMP_TRUNC(TIMESTAMP '2008-12-25 15:30:00+00', MONTH)"),
      "2008-12-01 00:00:00+00",
    );
  });

  it("CURRENT_DATE() and CURRENT_TIMESTAMP()", async () => {
    const before = Date.now();
    const [row] = await rows(
      "SELECT CURRENT_DATE() AS d, CURRENT_TIMESTAMP() AS ts, CURRENT_DATE AS bare, CURRENT_DATE('UTC') AS utc",
    );
    const today = new Date(before).toISOString().slice(0, 10);
    assert.equal(row?.d, today);
    assert.equal(row?.bare, today);
    assert.equal(row?.utc, today);
    const ts = Date.parse(String(row?.ts).replace(" ", "T").replace(/\+00$/, "Z"));
    assert.ok(Math.abs(ts - before) < 60_000, `CURRENT_TIMESTAMP ${String(row?.ts)} is now`);
    assert.equal(await duckType("CURRENT_TIMESTAMP()"), "TIMESTAMP WITH TIME ZONE");
  });

  it("EXTRACT: DAYOFWEEK is 1 (Sunday) to 7 (Saturday)", async () => {
    assert.equal(await number("EXTRACT(DAYOFWEEK FROM DATE '2024-01-07')"), 1);
    assert.equal(await number("EXTRACT(DAYOFWEEK FROM DATE '2024-01-06')"), 7);
    assert.equal(await number("EXTRACT(DAYOFWEEK FROM DATE '2024-01-08')"), 2);
  });

  it("EXTRACT: YEAR, MONTH, DAY, DAYOFYEAR, QUARTER, WEEK, ISOWEEK, ISOYEAR", async () => {
    // docs table: date, ISOYEAR, ISOWEEK, YEAR, WEEK
    const expected: [string, number, number, number, number][] = [
      ["2005-01-03", 2005, 1, 2005, 1],
      ["2007-12-31", 2008, 1, 2007, 52],
      ["2009-01-01", 2009, 1, 2009, 0],
      ["2009-12-31", 2009, 53, 2009, 52],
      ["2017-01-02", 2017, 1, 2017, 1],
      ["2017-05-26", 2017, 21, 2017, 21],
    ];
    for (const [date, isoyear, isoweek, year, week] of expected) {
      const [row] = await rows(
        `SELECT EXTRACT(ISOYEAR FROM DATE '${date}') AS isoyear, EXTRACT(ISOWEEK FROM DATE '${date}') AS isoweek, EXTRACT(YEAR FROM DATE '${date}') AS year, EXTRACT(WEEK FROM DATE '${date}') AS week`,
      );
      assert.deepEqual(
        Object.fromEntries(Object.entries(row ?? {}).map(([key, v]) => [key, Number(v)])),
        { isoyear, isoweek, year, week },
        date,
      );
    }
    // docs: EXTRACT(WEEK(SUNDAY) FROM DATE '2017-11-05') = 45, WEEK(MONDAY) = 44
    assert.equal(await number("EXTRACT(WEEK(SUNDAY) FROM DATE '2017-11-05')"), 45);
    assert.equal(await number("EXTRACT(WEEK(MONDAY) FROM DATE '2017-11-05')"), 44);
    // docs: EXTRACT(DAY FROM DATE '2013-12-25') = 25
    assert.equal(await number("EXTRACT(DAY FROM DATE '2013-12-25')"), 25);
    assert.equal(await number("EXTRACT(MONTH FROM DATE '2013-12-25')"), 12);
    assert.equal(await number("EXTRACT(QUARTER FROM DATE '2013-12-25')"), 4);
    assert.equal(await number("EXTRACT(DAYOFYEAR FROM DATE '2024-12-31')"), 366);
  });

  it("EXTRACT from TIMESTAMP is in UTC unless AT TIME ZONE says otherwise", async () => {
    assert.equal(await number("EXTRACT(HOUR FROM TIMESTAMP '2024-01-01 03:00:00+00')"), 3);
    assert.equal(
      await number("EXTRACT(HOUR FROM TIMESTAMP '2024-01-01 03:00:00+00' AT TIME ZONE 'America/New_York')"),
      22,
    );
    assert.equal(await number("EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 03:00:05.123+00')"), 123);
    assert.equal(await value("EXTRACT(DATE FROM TIMESTAMP '2024-01-01 03:00:05+00')"), "2024-01-01");
  });

  it("FORMAT_DATE: elements DuckDB shares and the ones it lacks (%e, %F, %x, %Q)", async () => {
    // docs: FORMAT_DATE('%x', DATE '2008-12-25') = '12/25/08'; '%b-%d-%Y' = 'Dec-25-2008'; '%b %Y' = 'Dec 2008'
    assert.equal(await value("FORMAT_DATE('%x', DATE '2008-12-25')"), "12/25/08");
    assert.equal(await value("FORMAT_DATE('%b-%d-%Y', DATE '2008-12-25')"), "Dec-25-2008");
    assert.equal(await value("FORMAT_DATE('%b %Y', DATE '2008-12-25')"), "Dec 2008");
    assert.equal(await value("FORMAT_DATE('%Y%m%d', DATE '2008-12-05')"), "20081205");
    assert.equal(await value("FORMAT_DATE('%F', DATE '2008-12-05')"), "2008-12-05");
    assert.equal(await value("FORMAT_DATE('%e', DATE '2008-12-05')"), " 5");
    assert.equal(
      await value("FORMAT_DATE('%a %A %B %y %j', DATE '2008-12-25')"),
      "Thu Thursday December 08 360",
    );
    assert.equal(await value("FORMAT_DATE('%U %W %V %u', DATE '2008-12-25')"), "51 51 52 4");
    assert.equal(await value("FORMAT_DATE('Q%Q %Y', DATE '2008-12-25')"), "Q4 2008");
    assert.equal(await value("FORMAT_DATE('%D 100%%', DATE '2008-12-25')"), "12/25/08 100%");
  });

  it("FORMAT_TIMESTAMP in UTC and in a zone", async () => {
    // docs: FORMAT_TIMESTAMP('%b-%d-%Y', TIMESTAMP '2008-12-25 15:30:00+00') = 'Dec-25-2008'
    assert.equal(
      await value("FORMAT_TIMESTAMP('%b-%d-%Y', TIMESTAMP '2008-12-25 15:30:00+00')"),
      "Dec-25-2008",
    );
    assert.equal(
      await value("FORMAT_TIMESTAMP('%F %T', TIMESTAMP '2008-12-25 15:30:00+00', 'America/Los_Angeles')"),
      "2008-12-25 07:30:00",
    );
    assert.equal(await value("FORMAT_TIMESTAMP('%H:%M', TIMESTAMP '2008-12-25 15:30:00+00')"), "15:30");
  });

  it("PARSE_DATE with %Y-%m-%d, %d/%m/%Y and %F", async () => {
    assert.equal(await value("PARSE_DATE('%Y-%m-%d', '2008-12-25')"), "2008-12-25");
    assert.equal(await value("PARSE_DATE('%d/%m/%Y', '25/12/2008')"), "2008-12-25");
    assert.equal(await value("PARSE_DATE('%d/%m/%Y', '5/3/2024')"), "2024-03-05");
    assert.equal(await value("PARSE_DATE('%F', '2000-12-30')"), "2000-12-30");
    // docs: PARSE_DATE('%A %b %e %Y', 'Thursday Dec 25 2008') = 2008-12-25
    assert.equal(await value("PARSE_DATE('%A %b %e %Y', 'Thursday Dec 25 2008')"), "2008-12-25");
    assert.equal(await duckType("PARSE_DATE('%Y-%m-%d', '2008-12-25')"), "DATE");
    await assert.rejects(value("PARSE_DATE('%Y-%m-%d', '2008-13-25')"));
    assert.equal(await value("SAFE.PARSE_DATE('%Y-%m-%d', '2008-13-25')"), null);
  });

  it("PARSE_TIMESTAMP reads the civil time in UTC or the given zone", async () => {
    assert.equal(
      await value("PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2008-12-25 15:30:00')"),
      "2008-12-25 15:30:00+00",
    );
    assert.equal(
      await value("PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2008-12-25 07:30:00', 'America/Los_Angeles')"),
      "2008-12-25 15:30:00+00",
    );
  });

  it("LAST_DAY by MONTH (default), QUARTER, YEAR and WEEK", async () => {
    // docs: LAST_DAY(DATE '2008-11-25') = 2008-11-30; (..., YEAR) = 2008-12-31
    assert.equal(await value("LAST_DAY(DATE '2008-11-25')"), "2008-11-30");
    assert.equal(await value("LAST_DAY(DATE '2008-11-25', MONTH)"), "2008-11-30");
    assert.equal(await value("LAST_DAY(DATE '2024-02-10', MONTH)"), "2024-02-29");
    assert.equal(await value("LAST_DAY(DATE '2008-11-25', QUARTER)"), "2008-12-31");
    assert.equal(await value("LAST_DAY(DATE '2008-11-25', YEAR)"), "2008-12-31");
    // docs: LAST_DAY(DATE '2008-11-10', WEEK) = 2008-11-15; WEEK(MONDAY) = 2008-11-16
    assert.equal(await value("LAST_DAY(DATE '2008-11-10', WEEK)"), "2008-11-15");
    assert.equal(await value("LAST_DAY(DATE '2008-11-10', WEEK(MONDAY))"), "2008-11-16");
    assert.equal(await duckType("LAST_DAY(DATE '2008-11-10', WEEK)"), "DATE");
  });

  it("GENERATE_DATE_ARRAY returns DATEs, also unnested as rows", async () => {
    // docs: GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08') = [2016-10-05, 2016-10-06, 2016-10-07, 2016-10-08]
    assert.deepEqual(await value("GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08')"), [
      "2016-10-05",
      "2016-10-06",
      "2016-10-07",
      "2016-10-08",
    ]);
    // docs: with INTERVAL 2 DAY = [2016-10-05, 2016-10-07]
    assert.deepEqual(await value("GENERATE_DATE_ARRAY('2016-10-05', '2016-10-09', INTERVAL 2 DAY)"), [
      "2016-10-05",
      "2016-10-07",
      "2016-10-09",
    ]);
    // docs: GENERATE_DATE_ARRAY('2016-01-01', '2016-12-31', INTERVAL 2 MONTH)
    assert.deepEqual(await value("GENERATE_DATE_ARRAY('2016-01-01', '2016-12-31', INTERVAL 2 MONTH)"), [
      "2016-01-01",
      "2016-03-01",
      "2016-05-01",
      "2016-07-01",
      "2016-09-01",
      "2016-11-01",
    ]);
    // docs: an end before the start gives an empty array
    assert.deepEqual(await value("GENERATE_DATE_ARRAY('2016-10-05', '2016-10-01', INTERVAL 1 DAY)"), []);
    assert.equal(await duckType("GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08')"), "DATE[]");
    const days = await rows(
      "SELECT day FROM UNNEST(GENERATE_DATE_ARRAY(DATE_SUB(@run_date, INTERVAL 2 DAY), @run_date)) AS day ORDER BY day",
      { run_date: duckDbDate("2024-03-01") },
    );
    assert.deepEqual(days, [{ day: "2024-02-28" }, { day: "2024-02-29" }, { day: "2024-03-01" }]);
  });

  it("TIMESTAMP_SECONDS/MILLIS/MICROS and UNIX_SECONDS/MILLIS/MICROS/DATE", async () => {
    // docs: TIMESTAMP_SECONDS(1230219000) = 2008-12-25 15:30:00+00; UNIX_DATE(DATE '2008-12-25') = 14238
    assert.equal(await value("TIMESTAMP_SECONDS(1230219000)"), "2008-12-25 15:30:00+00");
    assert.equal(await value("TIMESTAMP_MILLIS(1230219000000)"), "2008-12-25 15:30:00+00");
    assert.equal(await value("TIMESTAMP_MICROS(1230219000000000)"), "2008-12-25 15:30:00+00");
    assert.equal(await number("UNIX_SECONDS(TIMESTAMP '2008-12-25 15:30:00+00')"), 1230219000);
    assert.equal(await number("UNIX_MILLIS(TIMESTAMP '2008-12-25 15:30:00+00')"), 1230219000000);
    assert.equal(await number("UNIX_MICROS(TIMESTAMP '2008-12-25 15:30:00+00')"), 1230219000000000);
    assert.equal(await number("UNIX_DATE(DATE '2008-12-25')"), 14238);
  });
});

describe("JSON", () => {
  const doc = `JSON '{"name": "Jakob", "age": "6", "n": 1.5, "nothing": null, "a.b": {"c": "world"}, "a-b": 7, "fruits": ["apple", "pear"], "items": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]}'`;

  it("JSON_VALUE returns scalars as STRING and NULL for objects, arrays and JSON null", async () => {
    // docs: JSON_VALUE(JSON '{"name": "Jakob", "age": "6"}', '$.age') = '6'
    assert.equal(await value(`JSON_VALUE(${doc}, '$.age')`), "6");
    assert.equal(await value(`JSON_VALUE(${doc}, '$.name')`), "Jakob");
    assert.equal(await value(`JSON_VALUE(${doc}, '$.n')`), "1.5");
    assert.equal(await value(`JSON_VALUE(${doc}, '$.nothing')`), null);
    assert.equal(await value(`JSON_VALUE(${doc}, '$.fruits')`), null);
    assert.equal(await value(`JSON_VALUE(${doc}, '$.items[0]')`), null);
    assert.equal(await value(`JSON_VALUE(${doc}, '$.missing')`), null);
    assert.equal(await value(`JSON_VALUE(${doc}, '$.items[1].sku')`), "B");
    // docs: JSON_VALUE(JSON '{"a.b": {"c": "world"}}', '$."a.b".c') = 'world'
    assert.equal(await value(`JSON_VALUE(${doc}, '$."a.b".c')`), "world");
    assert.equal(await value(`JSON_VALUE(${doc}, '$."a-b"')`), "7");
    assert.equal(await value(`JSON_VALUE('{"s": "it\\'s \\\\"q\\\\""}', '$.s')`), `it's "q"`);
    assert.equal(await value(`JSON_VALUE(JSON '"plain"')`), "plain");
    assert.equal(await value(`JSON_EXTRACT_SCALAR('{"a": 1}', '$.a')`), "1");
  });

  it("JSON_QUERY returns JSON", async () => {
    // docs: JSON_QUERY(JSON '{"class": {"students": [{"name": "Jane"}]}}', '$.class') = {"students":[{"name":"Jane"}]}
    assert.equal(
      await value(`JSON_QUERY(JSON '{"class": {"students": [{"name": "Jane"}]}}', '$.class')`),
      `{"students":[{"name":"Jane"}]}`,
    );
    assert.equal(await duckType(`JSON_QUERY(${doc}, '$.items')`), "JSON");
  });

  it("JSON_QUERY_ARRAY returns an array of JSON (NULL for a non-array) and JSON_VALUE_ARRAY of strings", async () => {
    // docs: JSON_QUERY_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') = ["apples", ...] as JSON
    assert.deepEqual(
      await value(`JSON_QUERY_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits')`),
      ['"apples"', '"oranges"', '"grapes"'],
    );
    assert.deepEqual(await value("JSON_QUERY_ARRAY('[1, 2, 3]')"), ["1", "2", "3"]);
    assert.equal(await value(`JSON_QUERY_ARRAY(${doc}, '$.name')`), null);
    assert.equal(await value(`JSON_QUERY_ARRAY(${doc}, '$.missing')`), null);
    // docs: JSON_VALUE_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') = [apples, oranges, grapes]
    assert.deepEqual(
      await value(`JSON_VALUE_ARRAY(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits')`),
      ["apples", "oranges", "grapes"],
    );
  });

  it("UNNEST(JSON_QUERY_ARRAY(...)) gives one row per element", async () => {
    const result = await rows(
      `SELECT JSON_VALUE(item, '$.sku') AS sku, CAST(JSON_VALUE(item, '$.qty') AS INT64) AS qty, pos FROM UNNEST(JSON_QUERY_ARRAY(${doc}, '$.items')) AS item WITH OFFSET AS pos ORDER BY pos`,
    );
    assert.deepEqual(result, [
      { sku: "A", qty: "2", pos: "0" },
      { sku: "B", qty: "1", pos: "1" },
    ]);
  });

  it("PARSE_JSON, TO_JSON_STRING", async () => {
    // docs: TO_JSON_STRING(STRUCT(1 AS id, [10, 20] AS coordinates)) = '{"id":1,"coordinates":[10,20]}'
    assert.equal(
      await value("TO_JSON_STRING(STRUCT(1 AS id, [10, 20] AS coordinates))"),
      `{"id":1,"coordinates":[10,20]}`,
    );
    assert.equal(
      await value(`TO_JSON_STRING(PARSE_JSON('{"coordinates": [10, 20], "id": 1}'))`),
      `{"coordinates":[10,20],"id":1}`,
    );
    assert.equal(await duckType(`PARSE_JSON('{"a": 1}')`), "JSON");
    assert.equal(await value("TO_JSON_STRING('x')"), `"x"`);
    // docs: TO_JSON_STRING(NULL) = 'null'
    assert.equal(await value("TO_JSON_STRING(NULL)"), "null");
    assert.equal(await value("TO_JSON_STRING(TO_JSON(NULL))"), "null");
    assert.equal(await value(`JSON_VALUE(TO_JSON(STRUCT('a' AS k)), '$.k')`), "a");
    await assert.rejects(value("PARSE_JSON('{bad')"));
  });
});

describe("UNNEST", () => {
  before(async () => {
    await connection.run(`
      CREATE SCHEMA IF NOT EXISTS unnest_test;
      CREATE OR REPLACE TABLE unnest_test.baskets AS
        SELECT * FROM (VALUES (1, ['a', 'b']), (2, []), (3, NULL)) AS t(id, items)`);
  });

  it("CROSS JOIN UNNEST(...) AS item names the element value", async () => {
    const result = await rows(
      "SELECT b.id, item FROM `unnest_test.baskets` AS b CROSS JOIN UNNEST(b.items) AS item ORDER BY b.id, item",
    );
    assert.deepEqual(result, [
      { id: 1, item: "a" },
      { id: 1, item: "b" },
    ]);
  });

  it("the comma form and an alias without AS", async () => {
    const result = await rows(
      "SELECT b.id, item FROM unnest_test.baskets b, UNNEST(b.items) item ORDER BY b.id, item",
    );
    assert.deepEqual(result, [
      { id: 1, item: "a" },
      { id: 1, item: "b" },
    ]);
  });

  it("LEFT JOIN UNNEST(...) ON TRUE keeps rows with empty or NULL arrays", async () => {
    const result = await rows(
      "SELECT b.id, item FROM unnest_test.baskets AS b LEFT JOIN UNNEST(b.items) AS item ON TRUE ORDER BY b.id, item",
    );
    assert.deepEqual(result, [
      { id: 1, item: "a" },
      { id: 1, item: "b" },
      { id: 2, item: null },
      { id: 3, item: null },
    ]);
  });

  it("WITH OFFSET AS pos is 0-based, also under LEFT JOIN", async () => {
    const result = await rows(
      "SELECT b.id, item, pos FROM unnest_test.baskets AS b LEFT JOIN UNNEST(b.items) AS item WITH OFFSET AS pos ON TRUE ORDER BY b.id, pos",
    );
    assert.deepEqual(result, [
      { id: 1, item: "a", pos: "0" },
      { id: 1, item: "b", pos: "1" },
      { id: 2, item: null, pos: null },
      { id: 3, item: null, pos: null },
    ]);
    // docs: SELECT * FROM UNNEST(['foo', 'bar', 'baz']) AS element WITH OFFSET AS offset
    assert.deepEqual(
      await rows(
        "SELECT element, `offset` FROM UNNEST(['foo', 'bar', 'baz']) AS element WITH OFFSET AS `offset` ORDER BY `offset`",
      ),
      [
        { element: "foo", offset: "0" },
        { element: "bar", offset: "1" },
        { element: "baz", offset: "2" },
      ],
    );
  });

  it("struct elements keep their fields", async () => {
    const result = await rows(
      "SELECT s.sku, s.qty FROM UNNEST([STRUCT('A' AS sku, 2 AS qty), STRUCT('B' AS sku, 1 AS qty)]) AS s ORDER BY s.sku",
    );
    assert.deepEqual(result, [
      { sku: "A", qty: 2 },
      { sku: "B", qty: 1 },
    ]);
  });

  it("the subquery form, EXISTS, ARRAY(SELECT ...) and x IN UNNEST(...)", async () => {
    const result = await rows(
      `
      SELECT b.id,
        (SELECT COUNT(*) FROM UNNEST(b.items) AS e) AS n,
        EXISTS (SELECT 1 FROM UNNEST(b.items) AS e WHERE e = 'b') AS has_b,
        ARRAY(SELECT UPPER(e) FROM UNNEST(b.items) AS e ORDER BY e DESC) AS upper_desc,
        'a' IN UNNEST(b.items) AS has_a
      FROM unnest_test.baskets AS b
      WHERE b.id IN UNNEST(@ids)
      ORDER BY b.id`,
      { ids: listValue([1, 2]) },
    );
    assert.deepEqual(result, [
      { id: 1, n: "2", has_b: true, upper_desc: ["B", "A"], has_a: true },
      { id: 2, n: "0", has_b: false, upper_desc: [], has_a: false },
    ]);
  });
});

describe("strings", () => {
  it("LOWER, UPPER, TRIM, LTRIM, RTRIM, REPLACE, LENGTH, REVERSE", async () => {
    assert.equal(await value("LOWER('ÀB')"), "àb");
    assert.equal(await value("UPPER('àb')"), "ÀB");
    assert.equal(await value("TRIM('  a  ')"), "a");
    // docs: TRIM('***apple***', '*') = 'apple'
    assert.equal(await value("TRIM('***apple***', '*')"), "apple");
    assert.equal(await value("LTRIM('  a  ')"), "a  ");
    assert.equal(await value("RTRIM('  a  ')"), "  a");
    // docs: REPLACE('apple pie', 'pie', 'cobbler') = 'apple cobbler'
    assert.equal(await value("REPLACE('apple pie', 'pie', 'cobbler')"), "apple cobbler");
    // docs: LENGTH('абвгд') = 5, BYTE_LENGTH('абвгд') = 10
    assert.equal(await number("LENGTH('абвгд')"), 5);
    assert.equal(await number("BYTE_LENGTH('абвгд')"), 10);
    assert.equal(await number("CHAR_LENGTH('é')"), 1);
    assert.equal(await value("REVERSE('abc')"), "cba");
  });

  it("CONCAT and || return NULL when any argument is NULL", async () => {
    // docs: CONCAT('T.P.', ' ', 'Bar') = 'T.P. Bar'
    assert.equal(await value("CONCAT('T.P.', ' ', 'Bar')"), "T.P. Bar");
    assert.equal(await value("CONCAT('a', NULL, 'b')"), null);
    assert.equal(await value("'a' || 'b'"), "ab");
    assert.equal(await value("'a' || NULL"), null);
    assert.equal(await value("CONCAT('n=', CAST(5 AS STRING))"), "n=5");
  });

  it("SUBSTR with positive, zero, negative and out-of-range positions", async () => {
    // docs: SUBSTR('apple', 2) = 'pple', SUBSTR('apple', 2, 2) = 'pp', SUBSTR('apple', -2) = 'le',
    //       SUBSTR('apple', 1, 123) = 'apple', SUBSTR('apple', 123) = ''
    assert.equal(await value("SUBSTR('apple', 2)"), "pple");
    assert.equal(await value("SUBSTR('apple', 2, 2)"), "pp");
    assert.equal(await value("SUBSTR('apple', -2)"), "le");
    assert.equal(await value("SUBSTR('apple', 1, 123)"), "apple");
    assert.equal(await value("SUBSTR('apple', 123)"), "");
    // position 0 or before the start counts from 1
    assert.equal(await value("SUBSTR('apple', 0, 2)"), "ap");
    assert.equal(await value("SUBSTR('apple', -10, 2)"), "ap");
    assert.equal(await value("SUBSTR('apple', -3, 2)"), "pl");
    assert.equal(await value("SUBSTRING('apple', @p, 3)", { p: 2 }), "ppl");
  });

  it("SPLIT, STRPOS, STARTS_WITH, ENDS_WITH, LEFT, RIGHT, REPEAT", async () => {
    // docs: SPLIT('b,c,d', ',') = [b, c, d]; splitting an empty string gives [""]
    assert.deepEqual(await value("SPLIT('b,c,d', ',')"), ["b", "c", "d"]);
    assert.deepEqual(await value("SPLIT('b,c,d')"), ["b", "c", "d"]);
    assert.deepEqual(await value("SPLIT('', ',')"), [""]);
    assert.deepEqual(await value("SPLIT('a b', ' ')[SAFE_OFFSET(1)]"), "b");
    // docs: STRPOS('foo@example.com', '@') = 4
    assert.equal(await number("STRPOS('foo@example.com', '@')"), 4);
    assert.equal(await number("STRPOS('foo', 'z')"), 0);
    assert.equal(await value("STARTS_WITH('foo', 'b')"), false);
    assert.equal(await value("ENDS_WITH('apple', 'e')"), true);
    assert.equal(await value("LEFT('apple', 3)"), "app");
    assert.equal(await value("RIGHT('apple', 3)"), "ple");
    assert.equal(await value("REPEAT('ab', 2)"), "abab");
  });

  it("LPAD and RPAD pad with spaces by default and truncate", async () => {
    // docs: LPAD('c', 5) = '    c'; LPAD('b', 5, 'a') = 'aaaab'; RPAD('c', 5, '-') = 'c----'
    assert.equal(await value("LPAD('c', 5)"), "    c");
    assert.equal(await value("LPAD('b', 5, 'a')"), "aaaab");
    assert.equal(await value("LPAD('abcdef', 3)"), "abc");
    assert.equal(await value("RPAD('c', 5, '-')"), "c----");
    assert.equal(await value("RPAD('c', 3)"), "c  ");
    assert.equal(await value("LPAD(CAST(7 AS STRING), 3, '0')"), "007");
  });

  it("REGEXP_CONTAINS, REGEXP_EXTRACT (group, whole match, NULL on no match), REGEXP_EXTRACT_ALL", async () => {
    // docs: REGEXP_CONTAINS('foo@example.com', r'@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+') = true
    assert.equal(
      await value(String.raw`REGEXP_CONTAINS('foo@example.com', r'@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+')`),
      true,
    );
    assert.equal(await value(String.raw`REGEXP_CONTAINS('foo', r'\d')`), false);
    // docs: REGEXP_EXTRACT('foo@example.com', r'^[a-zA-Z0-9_.+-]+') = 'foo'; with a group r'^([a-zA-Z0-9_.+-]+)@' = 'foo'
    assert.equal(await value("REGEXP_EXTRACT('foo@example.com', r'^[a-zA-Z0-9_.+-]+')"), "foo");
    assert.equal(await value("REGEXP_EXTRACT('foo@example.com', r'^([a-zA-Z0-9_.+-]+)@')"), "foo");
    assert.equal(await value(String.raw`REGEXP_EXTRACT('order #1234', r'#(\d+)')`), "1234");
    assert.equal(await value(String.raw`REGEXP_EXTRACT('order #1234', r'(?:#)(\d+)')`), "1234");
    assert.equal(await value(String.raw`REGEXP_EXTRACT('no digits', r'\d+')`), null);
    assert.equal(await value(String.raw`REGEXP_EXTRACT('no digits', '[(](\\d+)')`), null);
    // docs: REGEXP_EXTRACT_ALL('Try `func(x)` or `func(y)`', '`(.+?)`') = [func(x), func(y)]
    assert.deepEqual(await value("REGEXP_EXTRACT_ALL('Try `func(x)` or `func(y)`', '`(.+?)`')"), [
      "func(x)",
      "func(y)",
    ]);
    assert.deepEqual(await value(String.raw`REGEXP_EXTRACT_ALL('a1b22', r'\d+')`), ["1", "22"]);
  });

  it("REGEXP_REPLACE replaces every match and supports \\1", async () => {
    assert.equal(await value(String.raw`REGEXP_REPLACE('a1b22c', r'\d', '#')`), "a#b##c");
    // docs: REGEXP_REPLACE('# Heading', r'^# ([a-zA-Z0-9\s]+$)', '<h1>\\1</h1>') = '<h1>Heading</h1>'
    assert.equal(
      await value(String.raw`REGEXP_REPLACE('# Heading', r'^# ([a-zA-Z0-9\s]+$)', '<h1>\\1</h1>')`),
      "<h1>Heading</h1>",
    );
    assert.equal(
      await value(String.raw`REGEXP_REPLACE('john smith', r'(\w+) (\w+)', r'\2 \1')`),
      "smith john",
    );
  });

  it("FORMAT with %d, %s and %.2f", async () => {
    assert.equal(await value("FORMAT('%d items', 10)"), "10 items");
    assert.equal(await value("FORMAT('-%s-', 'abc')"), "-abc-");
    assert.equal(await value("FORMAT('%s', CAST(1.5 AS FLOAT64))"), "1.5");
    assert.equal(await value("FORMAT('%.2f%%', CAST(12.345 AS FLOAT64))"), "12.35%");
  });

  it("GENERATE_UUID gives a UUID string", async () => {
    assert.match(
      String(await value("GENERATE_UUID()")),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe("bytes and hashing", () => {
  it("SHA256, SHA1 and MD5 return BYTES; TO_HEX is lowercase", async () => {
    assert.equal(
      await value('TO_HEX(SHA256("Hello World"))'),
      "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e",
    );
    assert.equal(await value('TO_HEX(SHA1("Hello World"))'), "0a4d55a8d778e5022fab701977c5d840bbc486d0");
    assert.equal(await value('TO_HEX(MD5("Hello World"))'), "b10a8db164e0754105b7a99be72e3fe5");
    assert.equal(await duckType("SHA256('x')"), "BLOB");
    assert.equal(await number("BYTE_LENGTH(SHA256('x'))"), 32);
  });

  it("FROM_HEX and TO_HEX round-trip; odd lengths get a leading 0", async () => {
    // docs: TO_HEX(b'\x00\x01\x02\x03\xAA\xEE\xEF\xFF') = '00010203aaeeefff'; FROM_HEX('0AF') = b'\x00\xaf'
    assert.equal(await value(String.raw`TO_HEX(b'\x00\x01\x02\x03\xAA\xEE\xEF\xFF')`), "00010203aaeeefff");
    assert.equal(await value("TO_HEX(FROM_HEX('00010203AAEEEFFF'))"), "00010203aaeeefff");
    assert.equal(await value("TO_HEX(FROM_HEX('0AF'))"), "00af");
  });

  it("CONCAT of BYTES stays BYTES; BYTE_LENGTH counts UTF-8 bytes", async () => {
    assert.equal(await value("TO_HEX(CONCAT(FROM_HEX('00ff'), CAST('A' AS BYTES)))"), "00ff41");
    assert.equal(await duckType("CONCAT(FROM_HEX('00'), FROM_HEX('01'))"), "BLOB");
    assert.equal(await number("BYTE_LENGTH('é')"), 2);
    assert.equal(await number("BYTE_LENGTH(CAST('😀' AS BYTES))"), 4);
  });

  it("binds BYTES parameters with duckDbBytes (blobValue)", async () => {
    const bytes = new Uint8Array([0, 255, 0x41]);
    assert.equal(await value("TO_HEX(@b)", { b: duckDbBytes(bytes) }), "00ff41");
    assert.equal(await duckType("@b", { b: duckDbBytes(Buffer.from("é")) }), "BLOB");
  });

  it("computes HMAC-SHA256 in SQL exactly as node:crypto does", async () => {
    const sql =
      "SELECT TO_HEX(SHA256(CONCAT(@hmac_outer_key, SHA256(CONCAT(@hmac_inner_key, CAST(value AS BYTES)))))) AS h FROM UNNEST([@value]) AS value";
    const key = Buffer.from("a-pii-hashing-key-that-is-at-least-32-characters-long");
    const block = Buffer.alloc(64);
    key.copy(block); // keys up to 64 bytes are zero-padded (longer ones would be hashed first)
    const outer = Buffer.from(block.map((byte) => byte ^ 0x5c));
    const inner = Buffer.from(block.map((byte) => byte ^ 0x36));
    const inputs = [
      "ada@example.com",
      "",
      "José@exämple.com",
      "é",
      "👍🏽 emoji",
      "+1 (555) 010-9999",
      "it's \\x41",
    ];
    for (const input of inputs) {
      const [row] = await rows(sql, {
        hmac_outer_key: duckDbBytes(outer),
        hmac_inner_key: duckDbBytes(inner),
        value: input,
      });
      assert.equal(row?.h, createHmac("sha256", key).update(input, "utf8").digest("hex"), input);
    }
  });
});

describe("arrays", () => {
  it("OFFSET is 0-based, ORDINAL 1-based; SAFE_ variants give NULL out of range", async () => {
    // docs: ['coffee', 'tea', 'milk'][OFFSET(1)] = 'tea'; [ORDINAL(1)] = 'coffee'; [SAFE_OFFSET(6)] = NULL
    assert.equal(await value("['coffee', 'tea', 'milk'][OFFSET(1)]"), "tea");
    assert.equal(await value("['coffee', 'tea', 'milk'][ORDINAL(1)]"), "coffee");
    assert.equal(await value("['coffee', 'tea', 'milk'][SAFE_OFFSET(6)]"), null);
    assert.equal(await value("['coffee', 'tea', 'milk'][SAFE_ORDINAL(0)]"), null);
    // DuckDB would read a negative index from the end; BigQuery's SAFE_OFFSET(-1) is NULL
    assert.equal(await value("['coffee', 'tea', 'milk'][SAFE_OFFSET(@i)]", { i: -1 }), null);
    assert.equal(await value("['coffee', 'tea', 'milk'][SAFE_OFFSET(@i)]", { i: 2 }), "milk");
    assert.equal(await value("['coffee', 'tea', 'milk'][SAFE_ORDINAL(@i)]", { i: 2 }), "tea");
  });

  it("ARRAY_LENGTH, ARRAY_TO_STRING, ARRAY_CONCAT, ARRAY_REVERSE, GENERATE_ARRAY", async () => {
    assert.equal(await number("ARRAY_LENGTH([1, 2, 3])"), 3);
    assert.equal(await number("ARRAY_LENGTH([])"), 0);
    // docs: ARRAY_TO_STRING(['coffee', 'tea'], '--') = 'coffee--tea'
    assert.equal(await value("ARRAY_TO_STRING(['coffee', 'tea'], '--')"), "coffee--tea");
    // docs: ARRAY_CONCAT([1, 2], [3, 4], [5, 6]) = [1, 2, 3, 4, 5, 6]
    assert.deepEqual(await value("ARRAY_CONCAT([1, 2], [3, 4], [5, 6])"), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await value("ARRAY_REVERSE([1, 2, 3])"), [3, 2, 1]);
    // docs: GENERATE_ARRAY(1, 5) = [1, 2, 3, 4, 5]; GENERATE_ARRAY(0, 10, 3) = [0, 3, 6, 9]
    assert.deepEqual(await value("GENERATE_ARRAY(1, 5)"), ["1", "2", "3", "4", "5"]); // INT64 elements
    assert.deepEqual(await value("GENERATE_ARRAY(0, 10, 3)"), ["0", "3", "6", "9"]);
    assert.deepEqual(await value("ARRAY[1, 2]"), [1, 2]);
  });
});

describe("query shapes", () => {
  it("SELECT * EXCEPT (...) and SELECT * REPLACE (...)", async () => {
    assert.deepEqual(await rows("SELECT * EXCEPT (b, c) FROM (SELECT 1 AS a, 2 AS b, 3 AS c)"), [{ a: 1 }]);
    assert.deepEqual(await rows("SELECT t.* EXCEPT (b) FROM (SELECT 1 AS a, 2 AS b) AS t"), [{ a: 1 }]);
    assert.deepEqual(await rows("SELECT * REPLACE (a + 1 AS a) FROM (SELECT 1 AS a, 2 AS b)"), [
      { a: "2", b: 2 },
    ]);
  });

  it("UNION ALL, UNION DISTINCT, EXCEPT DISTINCT, INTERSECT DISTINCT", async () => {
    const xs = (sql: string) =>
      rows(`SELECT x FROM (${sql}) ORDER BY x`).then((result) => result.map((row) => row.x));
    assert.deepEqual(await xs("SELECT 1 AS x UNION ALL SELECT 1"), [1, 1]);
    assert.deepEqual(await xs("SELECT 1 AS x UNION DISTINCT SELECT 1"), [1]);
    assert.deepEqual(await xs("SELECT x FROM UNNEST([1, 2, 2]) AS x EXCEPT DISTINCT SELECT 1"), [2]);
    assert.deepEqual(await xs("SELECT x FROM UNNEST([1, 2]) AS x INTERSECT DISTINCT SELECT 2"), [2]);
  });

  it("passes CTEs, CASE, LIKE, IN, LIMIT and ORDER BY ... NULLS LAST through", async () => {
    const result = await rows(`
      WITH base AS (SELECT x FROM UNNEST([3, 1, NULL, 2]) AS x),
           labelled AS (SELECT x, CASE WHEN x >= 2 THEN 'big' ELSE 'small' END AS size FROM base)
      SELECT x, size FROM labelled WHERE size LIKE '%i%' OR x IN (1) ORDER BY x DESC NULLS LAST LIMIT 3`);
    assert.deepEqual(result, [
      { x: 3, size: "big" },
      { x: 2, size: "big" },
      { x: 1, size: "small" },
    ]);
  });

  it("STRUCT(...) literals with named fields", async () => {
    assert.deepEqual(await value("STRUCT(1 AS a, 'x' AS b)"), { a: 1, b: "x" });
    assert.deepEqual(await rows("SELECT STRUCT(x, x * 2 AS doubled).doubled AS d FROM UNNEST([2]) AS x"), [
      { d: "4" },
    ]);
  });

  it("a whole model: CTEs over raw JSON orders, UNNEST of line items, zone dates and parameters", async () => {
    await connection.run(`
      CREATE SCHEMA IF NOT EXISTS raw;
      CREATE OR REPLACE TABLE raw.shopify_orders (order_id VARCHAR, created_at TIMESTAMPTZ, payload JSON);
      INSERT INTO raw.shopify_orders VALUES
        ('o0', '2024-02-28 12:00:00+00', '{"customer": {}, "line_items": [{"sku": "OLD", "quantity": 1, "price": "1"}], "discount-codes": []}'),
        ('o1', '2024-03-01 04:30:00+00', '{"customer": {"email": "Ada@Example.com"}, "line_items": [{"sku": "TEE-1", "quantity": 2, "price": "19.50"}, {"sku": "CAP-1", "quantity": 1, "price": "12.00"}], "discount-codes": ["SPRING"]}'),
        ('o2', '2024-03-01 15:00:00+00', '{"customer": {"email": null}, "line_items": [{"sku": "TEE-1", "quantity": 1, "price": "19.50"}], "discount-codes": []}'),
        ('o3', '2024-03-02 06:00:00+00', '{"customer": {"email": "x@y.z"}, "line_items": [], "discount-codes": []}')`);
    const model = `
      -- line items per local order day, BigQuery dialect
      WITH orders AS (
        SELECT
          o.order_id,
          DATE(o.created_at, @shop_timezone) AS order_date,
          LOWER(JSON_VALUE(o.payload, '$.customer.email')) AS email,
          JSON_QUERY_ARRAY(o.payload, '$.line_items') AS line_items,
          ARRAY_LENGTH(JSON_QUERY_ARRAY(o.payload, '$."discount-codes"')) > 0 AS discounted
        FROM \`raw.shopify_orders\` AS o
        WHERE DATE(o.created_at, @shop_timezone) BETWEEN DATE_SUB(@run_date, INTERVAL @lookback_days DAY) AND @run_date
      ),
      lines AS (
        SELECT
          orders.order_date,
          orders.order_id,
          orders.discounted,
          JSON_VALUE(item, '$.sku') AS sku,
          SAFE_CAST(JSON_VALUE(item, '$.quantity') AS INT64) AS quantity,
          CAST(JSON_VALUE(item, '$.price') AS NUMERIC) AS unit_price,
          pos AS line_number
        FROM orders
        LEFT JOIN UNNEST(orders.line_items) AS item WITH OFFSET AS pos ON TRUE
      )
      SELECT
        order_date,
        COUNT(DISTINCT order_id) AS orders,
        SUM(quantity) AS units,
        ROUND(SUM(quantity * unit_price), 2) AS revenue,
        STRING_AGG(DISTINCT sku, "," ORDER BY sku) AS skus,
        COUNTIF(line_number IS NULL) AS orders_without_lines,
        LOGICAL_OR(discounted) AS any_discount,
        FORMAT_DATE('%a %e %b', order_date) AS label
      FROM lines
      GROUP BY order_date
      ORDER BY order_date`;
    const result = await rows(model, {
      shop_timezone: "America/New_York",
      run_date: duckDbDate("2024-03-02"),
      lookback_days: 2,
    });
    const toNumber = (v: unknown) => (v === null ? null : Number(v));
    assert.deepEqual(
      result.map((row) => ({ ...row, units: toNumber(row.units), revenue: toNumber(row.revenue) })),
      [
        // o1 at 04:30 UTC on Mar 1 is still Feb 29 in New York; o0 is before the lookback window
        {
          order_date: "2024-02-29",
          orders: "1",
          units: 3,
          revenue: 51,
          skus: "CAP-1,TEE-1",
          orders_without_lines: "0",
          any_discount: true,
          label: "Thu 29 Feb",
        },
        {
          order_date: "2024-03-01",
          orders: "1",
          units: 1,
          revenue: 19.5,
          skus: "TEE-1",
          orders_without_lines: "0",
          any_discount: false,
          label: "Fri  1 Mar",
        },
        // an order without line items survives the LEFT JOIN UNNEST with NULL lines
        {
          order_date: "2024-03-02",
          orders: "1",
          units: null,
          revenue: null,
          skus: null,
          orders_without_lines: "1",
          any_discount: false,
          label: "Sat  2 Mar",
        },
      ],
    );
  });
});

describe("functions that behave the same in both engines", () => {
  it("ranking and navigation window functions", async () => {
    const result = await rows(`
      SELECT x,
        DENSE_RANK() OVER w AS dense,
        PERCENT_RANK() OVER w AS pct,
        CUME_DIST() OVER w AS cume,
        NTILE(2) OVER w AS tile,
        LEAD(x) OVER w AS next_x,
        FIRST_VALUE(x) OVER all_rows AS first_x,
        LAST_VALUE(x) OVER all_rows AS last_x,
        NTH_VALUE(x, 2) OVER all_rows AS second_x,
        LAST_VALUE(IF(x = 30, NULL, x) IGNORE NULLS) OVER all_rows AS last_non_null
      FROM UNNEST([10, 20, 20, 30]) AS x WITH OFFSET AS pos
      WINDOW w AS (ORDER BY x, pos), all_rows AS (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
      ORDER BY x, pos`);
    assert.deepEqual(
      result.map((row) => [
        row.x,
        row.dense,
        row.pct,
        row.cume,
        row.tile,
        row.next_x,
        row.first_x,
        row.last_x,
        row.second_x,
        row.last_non_null,
      ]),
      [
        [10, "1", 0, 0.25, "1", 20, 10, 30, 20, 20],
        [20, "2", 1 / 3, 0.5, "1", 20, 10, 30, 20, 20],
        [20, "3", 2 / 3, 0.75, "2", 30, 10, 30, 20, 20],
        [30, "4", 1, 1, "2", null, 10, 30, 20, 20],
      ],
    );
  });

  it("statistical aggregates, MAX_BY/MIN_BY, APPROX_COUNT_DISTINCT", async () => {
    const [row] = await rows(`
      SELECT STDDEV_POP(x) AS sd_pop, VAR_POP(x) AS var_pop, VARIANCE(x) AS var_samp, VAR_SAMP(x) AS var_samp2,
        STDDEV(x) AS sd, STDDEV_SAMP(x) AS sd_samp, CORR(x, 2 * x) AS corr,
        COVAR_POP(x, x) AS cov_pop, COVAR_SAMP(x, x) AS cov_samp,
        MAX_BY(pos, x) AS pos_of_max, MIN_BY(pos, x) AS pos_of_min, APPROX_COUNT_DISTINCT(x) AS distinct_x
      FROM UNNEST([2, 4, 4, 4, 5, 5, 7, 9]) AS x WITH OFFSET AS pos`);
    assert.equal(row?.sd_pop, 2);
    assert.equal(row?.var_pop, 4);
    assert.equal(row?.cov_pop, 4);
    for (const key of ["var_samp", "var_samp2", "cov_samp"])
      assert.ok(Math.abs(Number(row?.[key]) - 32 / 7) < 1e-12, key);
    for (const key of ["sd", "sd_samp"])
      assert.ok(Math.abs(Number(row?.[key]) - Math.sqrt(32 / 7)) < 1e-12, key);
    assert.ok(Math.abs(Number(row?.corr) - 1) < 1e-12);
    assert.equal(row?.pos_of_max, "7");
    assert.equal(row?.pos_of_min, "0");
    assert.equal(Number(row?.distinct_x), 5);
  });

  it("TO_BASE64, FROM_BASE64, RAND, CHARACTER_LENGTH", async () => {
    // docs: TO_BASE64(b'\377\340') = '/+A='
    assert.equal(await value(String.raw`TO_BASE64(b'\377\340')`), "/+A=");
    assert.equal(await value("TO_HEX(FROM_BASE64('/+A='))"), "ffe0");
    const random = Number(await value("RAND()"));
    assert.ok(random >= 0 && random < 1);
    assert.equal(await number("CHARACTER_LENGTH('абв')"), 3);
  });

  it("DATETIME(y, m, d, h, mi, s), CURRENT_DATETIME(), FORMAT_DATETIME, SAFE.PARSE_TIMESTAMP", async () => {
    // docs: DATETIME(2008, 12, 25, 05, 30, 00) = 2008-12-25T05:30:00
    assert.equal(await value("DATETIME(2008, 12, 25, 05, 30, 00)"), "2008-12-25 05:30:00");
    assert.equal(await duckType("CURRENT_DATETIME()"), "TIMESTAMP");
    assert.equal(await duckType("CURRENT_DATETIME('America/New_York')"), "TIMESTAMP");
    // docs: FORMAT_DATETIME('%b-%d-%Y', DATETIME '2008-12-25 15:30:00') = 'Dec-25-2008'
    assert.equal(await value("FORMAT_DATETIME('%b-%d-%Y', DATETIME '2008-12-25 15:30:00')"), "Dec-25-2008");
    assert.equal(
      await value("FORMAT_DATETIME('%F %H:%M', DATETIME '2008-12-25 15:30:00')"),
      "2008-12-25 15:30",
    );
    assert.equal(await value("SAFE.PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', 'not a time')"), null);
  });

  it("EXTRACT(ISODAYOFWEEK|MICROSECOND ...), REGEXP_SUBSTR, legacy JSON_EXTRACT_* names", async () => {
    assert.equal(await number("EXTRACT(ISODAYOFWEEK FROM DATE '2024-01-07')"), 7);
    assert.equal(await number("EXTRACT(MICROSECOND FROM TIMESTAMP '2024-01-01 00:00:05.000123+00')"), 123);
    assert.equal(await value(String.raw`REGEXP_SUBSTR('order #1234', r'\d+')`), "1234");
    assert.deepEqual(await value(`JSON_EXTRACT_ARRAY('{"a": [1, "x"]}', '$.a')`), ["1", '"x"']);
    assert.deepEqual(await value(`JSON_EXTRACT_STRING_ARRAY('{"a": [1, "x"]}', '$.a')`), ["1", "x"]);
  });

  it("every function in the rewrite table is exercised by this file", () => {
    const source = readFileSync(new URL(import.meta.url), "utf8");
    const missing = SUPPORTED_FUNCTIONS.filter((name) => !source.includes(`${name}(`));
    assert.deepEqual(missing, []);
  });
});

describe("unsupported constructs fail loudly", () => {
  const fails = (sql: string, message: RegExp) =>
    assert.throws(
      () => translateToDuckDb(sql),
      (error: unknown) => error instanceof DialectError && message.test(error.message),
    );

  it("names the unknown function and its position", () => {
    fails(
      "SELECT\n  NET.HOST(url) FROM t",
      /unsupported BigQuery function \(or UDF\) NET\.HOST\(\) \(line 2, column 3\)/,
    );
    fails("SELECT FARM_FINGERPRINT(x) FROM t", /FARM_FINGERPRINT\(\).*line 1, column 8/);
    fails("SELECT my_dataset.my_udf(x)", /my_dataset\.my_udf\(\)/);
    fails("SELECT SAFE.SUBSTR('a', 1)", /SAFE\.SUBSTR\(\)/);
  });

  it("rejects constructs with no faithful DuckDB equivalent", () => {
    fails("SELECT AS STRUCT 1 AS a", /SELECT AS STRUCT/);
    fails("SELECT x FROM UNNEST([1, 2])", /UNNEST\(\.\.\.\) in FROM needs an alias/);
    fails("SELECT arr[0] FROM t", /array subscripts need OFFSET/);
    fails("SELECT REGEXP_EXTRACT(s, @pattern) FROM t", /needs a literal pattern/);
    fails("SELECT REGEXP_EXTRACT(s, r'(a)(b)') FROM t", /at most one capture group/);
    fails("SELECT PERCENTILE_CONT(x, 0.5) FROM t", /analytic function.*OVER/);
    fails("SELECT DATE_TRUNC(d, HOUR) FROM t", /DATE_TRUNC\(\) does not support HOUR/);
    fails("SELECT DATE_ADD(d, INTERVAL 1 HOUR) FROM t", /INTERVAL \.\.\. HOUR is not supported here/);
    fails("SELECT FORMAT_DATE('%Z', d) FROM t", /format element %Z/);
    fails("SELECT FORMAT_DATE(@fmt, d) FROM t", /format must be a string literal/);
    fails("SELECT CAST(x AS STRUCT<a INT64>) FROM t", /type STRUCT is not supported/);
    fails("SELECT ARRAY<INT64>[1, 2]", /typed array literals/);
    fails("SELECT @@project_id", /@@system variables/);
    fails("SELECT * FROM t FOR SYSTEM_TIME AS OF ts", /FOR SYSTEM_TIME/);
    fails("SELECT * FROM t PIVOT(SUM(x) FOR k IN ('a'))", /PIVOT is not supported/);
    fails("SELECT IF(a, b) FROM t", /IF\(\) takes 3 arguments, got 2/);
    fails("SELECT COUNTIF(x ORDER BY y) FROM t", /COUNTIF\(\) does not take ORDER BY/);
  });

  it("rejects malformed SQL with a position", () => {
    fails("SELECT 'abc", /unterminated string literal \(line 1, column 8\)/);
    fails("SELECT (1", /unclosed '\('/);
    fails("SELECT 1)", /unbalanced '\)'/);
    fails(String.raw`SELECT '\q'`, /unknown escape \\q/);
  });
});
