// Parity tests for the BigQuery → DuckDB dialect layer: every row of the parity table (parity-cases.ts) is
// translated and run on an in-memory DuckDB set up like the adapter's session, and its result compared with the
// one BigQuery documents. What a row cannot say (the translated text itself, parameter binding, values that
// change per run, whole models over fixture tables) is tested on its own below.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type DuckDBConnection, type DuckDBValue, listValue } from "@duckdb/node-api";
import {
  REWRITES,
  SUPPORTED_FUNCTIONS,
} from "../../../../../functions/adapters/warehouse/duckdb/dialect/function-map.ts";
import { tokenize } from "../../../../../functions/adapters/warehouse/duckdb/dialect/tokenizer.ts";
import {
  DialectError,
  translateToDuckDb,
} from "../../../../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import { toDuckDbParams, usedParams } from "../../../../../functions/adapters/warehouse/duckdb/params.ts";
import { MODELS, modelPath } from "../../../../../functions/lib/sql/models.ts";
import { readSql } from "../../../../../functions/lib/sql/sql-files.ts";
import type { SqlParams } from "../../../../../functions/shared/ports.ts";
import { openSessionConnection, type SessionConnection } from "../../../../support/duckdb-session.ts";
import { FIXTURES, PARITY, type ParityCase, REFUSED } from "./parity-cases.ts";

let session: SessionConnection;
let connection: DuckDBConnection;

before(async () => {
  session = await openSessionConnection();
  connection = session.connection;
  await connection.run(FIXTURES);
});

after(() => session.close());

/** Translates and runs a BigQuery query, binding port values as the adapter does; rows in DuckDB's JSON form. */
async function rows(bigQuerySql: string, params: SqlParams = {}): Promise<Record<string, unknown>[]> {
  const translated = translateToDuckDb(bigQuerySql);
  const reader = await connection.runAndReadAll(translated, toDuckDbParams(usedParams(translated, params)));
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** Runs already-bound DuckDB values (lists, which port values cannot express). */
async function rowsBound(bigQuerySql: string, params: Record<string, DuckDBValue>) {
  const reader = await connection.runAndReadAll(translateToDuckDb(bigQuerySql), params);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** The value of one BigQuery expression. */
async function value(expression: string, params?: SqlParams): Promise<unknown> {
  const [row] = await rows(`SELECT ${expression} AS v`, params);
  return row?.v;
}

/** The DuckDB type of one translated expression (JSON, not its VARCHAR storage). */
async function duckType(expression: string, params: SqlParams = {}): Promise<string> {
  const translated = translateToDuckDb(`SELECT ${expression} AS v`);
  const reader = await connection.runAndReadAll(translated, toDuckDbParams(usedParams(translated, params)));
  // JSON is an alias of VARCHAR in DuckDB: the logical type keeps the alias.
  return reader.columnLogicalType(0).alias ?? String(reader.columnType(0));
}

function caseName(row: ParityCase): string {
  const params = row.params ? ` with ${JSON.stringify(row.params)}` : "";
  if ("query" in row) return `${row.query.trim().replaceAll(/\s+/g, " ")}${params}`;
  const expected =
    "is" in row
      ? JSON.stringify(row.is)
      : "isNumber" in row
        ? String(row.isNumber)
        : "hasType" in row
          ? `type ${row.hasType}`
          : "an error";
  return `${row.expr}${params} → ${expected}`;
}

async function check(row: ParityCase): Promise<void> {
  if ("query" in row) assert.deepEqual(await rows(row.query, row.params), row.returns);
  else if ("is" in row) assert.deepEqual(await value(row.expr, row.params), row.is);
  // BIGINT, HUGEINT and DECIMAL come back as strings; these rows pin the number only.
  else if ("isNumber" in row) assert.equal(Number(await value(row.expr, row.params)), row.isNumber);
  else if ("hasType" in row) assert.equal(await duckType(row.expr, row.params), row.hasType);
  else if ("fails" in row) await assert.rejects(value(row.expr, row.params));
  else assert.fail("a row says what DuckDB returns: is, isNumber, hasType, fails or returns");
}

for (const { title, cases } of PARITY) {
  describe(title, () => {
    for (const row of cases) it(caseName(row), () => check(row));
  });
}

describe("unsupported constructs fail loudly, naming the construct and its position", () => {
  for (const [sql, message] of REFUSED) {
    it(sql, () =>
      assert.throws(
        () => translateToDuckDb(sql),
        (error: unknown) => error instanceof DialectError && message.test(error.message),
      ),
    );
  }
});

describe("the translated text", () => {
  it("turns double-quoted BigQuery strings into single-quoted DuckDB strings, escaping quotes", async () => {
    assert.equal(await value(`"it's"`), "it's");
    assert.equal(translateToDuckDb(`SELECT "it's"`), "SELECT 'it''s'");
  });

  it("keeps raw strings verbatim (r'\\d+' is the regex \\d+)", async () => {
    assert.equal(translateToDuckDb(String.raw`SELECT r'\d+', R"a\'b"`), String.raw`SELECT '\d+', 'a\''b'`);
    // docs: REGEXP_CONTAINS with a raw pattern
    assert.equal(await value(String.raw`REGEXP_CONTAINS('abc123', r'\d+$')`), true);
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

  it("casts integer literals in arithmetic to BIGINT, but not a unary minus or an ORDER BY position", () => {
    assert.equal(
      translateToDuckDb("SELECT -1, x - 1 FROM t ORDER BY 1"),
      "SELECT -1, x - CAST(1 AS BIGINT) FROM t ORDER BY 1",
    );
  });
});

describe("CROSS JOIN UNNEST as a select-list unnest", () => {
  it("puts the unnest in the select list of a derived table with the source's alias (no lateral join)", () => {
    assert.equal(
      translateToDuckDb("SELECT item FROM t AS a CROSS JOIN UNNEST(a.xs) AS item WITH OFFSET AS pos"),
      "SELECT item FROM (SELECT a.*, unnest(a.xs) AS item, generate_subscripts(a.xs, 1) - 1 AS pos FROM t AS a) AS a",
    );
  });

  it("keeps the lateral form for LEFT JOIN UNNEST and when the query selects a.*", () => {
    assert.match(
      translateToDuckDb("SELECT a.*, x FROM t AS a CROSS JOIN UNNEST(a.xs) AS x"),
      /UNNEST\(a\.xs\) AS "x__unnest"/,
    );
    assert.match(
      translateToDuckDb("SELECT x FROM t AS a LEFT JOIN UNNEST(a.xs) AS x ON TRUE"),
      /LEFT JOIN UNNEST\(a\.xs\) AS "x__unnest"/,
    );
  });
});

describe("REGEXP_EXTRACT", () => {
  it("runs the regex once when the group captures at least one character, twice when it may capture ''", () => {
    assert.equal(
      translateToDuckDb("SELECT REGEXP_EXTRACT(s, r'utm=([^&]+)') FROM t"),
      "SELECT nullif(regexp_extract(s, 'utm=([^&]+)', 1), '') FROM t",
    );
    for (const pattern of ["utm=([^&]*)", "utm=([^&]+)?", "(ab+)"])
      assert.match(
        translateToDuckDb(`SELECT REGEXP_EXTRACT(s, r'${pattern}') FROM t`),
        /regexp_matches/,
        pattern,
      );
  });
});

describe("UNNEST(JSON_QUERY_ARRAY(doc)) read by field: one parse per document", () => {
  it("parses the document once into records whose fields the JSON functions read", () => {
    const sql = translateToDuckDb(
      "SELECT JSON_VALUE(item, '$.sku') AS sku, JSON_VALUE(item, '$.meta.tag') AS tag FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc, '$.items')) AS item",
    );
    assert.match(
      sql,
      /unnest\(from_json\(json_extract\(a\.doc, '\$\.items'\), '\[\{"sku":"JSON","meta":"JSON"\}\]'\)\) AS item/,
    );
    assert.match(sql, /json_value\(struct_extract\(item, 'meta'\), '\$\.tag'\)/);
  });

  it("reads a whole field as JSON_VALUE does, for every kind of JSON value", async () => {
    // Element i's field `v` holds one kind of value; the plain translation parses it call by call.
    const values = [
      '"plain"',
      '""',
      '"say \\"hi\\""',
      '"tab\\tand\\\\slash"',
      '"caf\\u00e9 \\ud83d\\udc4d"',
      '"naïve 👍"',
      "42",
      "-0.5",
      "12345678901234567890",
      "true",
      "false",
      "null",
      '{"a": 1}',
      "[1, 2]",
    ];
    const doc = `[${values.map((v, i) => `{"i": ${i}, "v": ${v}}`).join(", ")}, {"i": ${values.length}}]`;
    const query = (plain: boolean) =>
      translateToDuckDb(
        `SELECT JSON_VALUE(item, '$.v') AS v FROM (SELECT @doc AS doc) AS a
         CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item
         ORDER BY CAST(JSON_VALUE(item, '$.i') AS INT64)`,
        { plain },
      );
    assert.match(query(false), /starts_with\(struct_extract\(item, 'v'\)/);
    assert.doesNotMatch(query(true), /struct_extract/);
    const read = async (plain: boolean) =>
      (await connection.runAndReadAll(query(plain), toDuckDbParams({ doc }))).getRowObjectsJson();
    const fast = await read(false);
    assert.deepEqual(fast, await read(true));
    // What BigQuery's JSON_VALUE documents: strings unescaped, other scalars as text, NULL for the rest.
    assert.deepEqual(
      fast.map((row) => row.v),
      [
        "plain",
        "",
        'say "hi"',
        "tab\tand\\slash",
        "café 👍",
        "naïve 👍",
        "42",
        "-0.5",
        "12345678901234567890",
        "true",
        "false",
        null,
        null,
        null,
        null,
      ],
    );
  });

  it("parses a field read only under SAFE_CAST to a number, BOOL, DATE or TIMESTAMP as text, with the same values", async () => {
    // Every kind of JSON value a shop's export or an API may put where a number is expected.
    const values = [
      "42",
      "-0",
      "-0.5",
      "1.50",
      "0.1",
      "1e3",
      "1.0E+2",
      "12345678901234567890",
      "-9223372036854775808",
      "123456789012345678901234567890.123456789",
      "3.0000000001",
      '"12"',
      '" 7 "',
      '"1e3"',
      '"19.99"',
      '"1\\u0032"',
      '"abc"',
      '""',
      "true",
      "false",
      '"true"',
      '"2024-03-01"',
      '"2024-03-01T10:00:00-05:00"',
      '"2024-03-01 10:00:00+00"',
      "null",
      '{"amount": 3}',
      "[3]",
      '"{\\"a\\": 1}"',
      "{}",
      "[]",
    ];
    const doc = `[${values.map((v, i) => `{"i": ${i}, "v": ${v}}`).join(", ")}, {"i": ${values.length}}]`;
    for (const type of ["INT64", "NUMERIC", "BIGNUMERIC", "FLOAT64", "BOOL", "DATE", "TIMESTAMP"]) {
      const query = (plain: boolean) =>
        translateToDuckDb(
          `SELECT CAST(SAFE_CAST(JSON_VALUE(item, '$.v') AS ${type}) AS STRING) AS v FROM (SELECT @doc AS doc) AS a
           CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item
           ORDER BY SAFE_CAST(JSON_VALUE(item, '$.i') AS INT64)`,
          { plain },
        );
      assert.match(query(false), /'\[\{"v":"VARCHAR","i":"VARCHAR"\}\]'/, type);
      assert.doesNotMatch(query(false), /starts_with/, type);
      const read = async (plain: boolean) =>
        (await connection.runAndReadAll(query(plain), toDuckDbParams({ doc }))).getRowObjectsJson();
      const fast = await read(false);
      assert.equal(fast.length, values.length + 1, type);
      assert.deepEqual(fast, await read(true), type);
      // Objects, arrays, null and a missing key cast to nothing, as JSON_VALUE's NULL does.
      for (const at of [24, 25, 26, 28, 29, 30]) assert.equal(fast[at]?.v, null, `${type} ${values[at]}`);
    }
    // Spot values that do not depend on the plain translation: what BigQuery's SAFE_CAST of JSON_VALUE gives.
    const cast = async (type: string) =>
      (
        await connection.runAndReadAll(
          translateToDuckDb(
            `SELECT SAFE_CAST(JSON_VALUE(item, '$.v') AS ${type}) AS v FROM (SELECT @doc AS doc) AS a
             CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item ORDER BY SAFE_CAST(JSON_VALUE(item, '$.i') AS INT64)`,
          ),
          toDuckDbParams({ doc }),
        )
      )
        .getRowObjectsJson()
        .map((row) => row.v);
    const ints = await cast("INT64");
    assert.deepEqual(
      [ints[0], ints[11], ints[12], ints[15], ints[16], ints[7]],
      ["42", "12", "7", "12", null, null],
    );
    const numerics = await cast("NUMERIC");
    assert.deepEqual(
      [numerics[3], numerics[14], numerics[26], numerics[27]],
      ["1.500000000", "19.990000000", null, null],
    );
  });

  it("keeps a field as JSON when one of its reads is not such a SAFE_CAST", () => {
    for (const [select, spec] of [
      ["SAFE_CAST(JSON_VALUE(item, '$.v') AS INT64) AS n, JSON_VALUE(item, '$.v') AS s", '"v":"JSON"'],
      ["CAST(JSON_VALUE(item, '$.v') AS INT64) AS n", '"v":"JSON"'],
      ["SAFE_CAST(JSON_VALUE(item, '$.v') AS STRING) AS s", '"v":"JSON"'],
      ["SAFE_CAST(JSON_VALUE(item, '$.v.w') AS INT64) AS n", '"v":"JSON"'],
      ["SAFE_CAST(JSON_VALUE(item, '$.v') AS NUMERIC) + 1 AS n", '"v":"VARCHAR"'],
    ] as const) {
      const sql = translateToDuckDb(
        `SELECT ${select} FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item`,
      );
      assert.ok(sql.includes(spec), `${select}: ${sql}`);
    }
  });

  it("keeps the call-by-call translation when the element is used otherwise or the level has a set operation", () => {
    for (const query of [
      "SELECT TO_JSON_STRING(item) AS whole FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item",
      "SELECT JSON_QUERY(item, '$.meta') AS meta FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item",
      "SELECT JSON_VALUE(item, '$[0]') AS first FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item",
      "SELECT JSON_VALUE(item, '$.a') AS x FROM t AS a CROSS JOIN UNNEST(JSON_QUERY_ARRAY(a.doc)) AS item UNION ALL SELECT 'b'",
    ]) {
      assert.doesNotMatch(translateToDuckDb(query), /from_json/, query);
    }
  });
});

describe("parameters bound as the DuckDB adapter binds them", () => {
  it("binds DATE parameters by name, reused names, and prepared statements", async () => {
    const result = await rows(
      "SELECT DATE_ADD(@run_date, INTERVAL 1 DAY) AS next_day, @run_date = DATE '2024-03-01' AS same",
      { run_date: "2024-03-01" },
    );
    assert.deepEqual(result, [{ next_day: "2024-03-02", same: true }]);
    assert.equal(await duckType("@run_date", { run_date: "2024-03-01" }), "DATE");
    assert.equal(await value("@n * 2", { n: 21 }), "42"); // INT64 arithmetic
    // prepare + bind works the same way
    const prepared = await connection.prepare(translateToDuckDb("SELECT UPPER(@name) AS v"));
    prepared.bind({ name: "ada" });
    assert.deepEqual((await prepared.runAndReadAll()).getRowObjectsJson(), [{ v: "ADA" }]);
    assert.throws(() => toDuckDbParams({ run_date: "01/03/2024" }), /YYYY-MM-DD/);
  });

  it("binds BYTES parameters as BLOB", async () => {
    const bytes = new Uint8Array([0, 255, 0x41]);
    assert.equal(await value("TO_HEX(@b)", { b: bytes }), "00ff41");
    assert.equal(await duckType("@b", { b: Buffer.from("é") }), "BLOB");
  });

  it("the subquery form, EXISTS, ARRAY(SELECT ...) and x IN UNNEST(...)", async () => {
    const result = await rowsBound(
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
        hmac_outer_key: outer,
        hmac_inner_key: inner,
        value: input,
      });
      assert.equal(row?.h, createHmac("sha256", key).update(input, "utf8").digest("hex"), input);
    }
  });
});

describe("values that change per run", () => {
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

  it("GENERATE_UUID gives a UUID string", async () => {
    assert.match(
      String(await value("GENERATE_UUID()")),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it("RAND() is in [0, 1)", async () => {
    const random = Number(await value("RAND()"));
    assert.ok(random >= 0 && random < 1);
  });
});

describe("whole queries", () => {
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
      run_date: "2024-03-02",
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

  it("BIT_AND, BIT_OR and BIT_XOR over INT64, 60-bit values and negatives included", async () => {
    const [row] = await rows(`
      SELECT BIT_AND(x) AS all_bits, BIT_OR(x) AS any_bit, BIT_XOR(x) AS odd_bits,
        (SELECT BIT_XOR(y) FROM UNNEST([1152921504606846975, -1, 1]) AS y) AS digest,
        (SELECT BIT_XOR(z) FROM UNNEST([CAST(NULL AS INT64)]) AS z) AS nothing
      FROM UNNEST([13, 7, 5]) AS x`);
    // 1101 & 0111 & 0101, 1101 | 0111 | 0101, 1101 ^ 0111 ^ 0101.
    assert.equal(Number(row?.all_bits), 5);
    assert.equal(Number(row?.any_bit), 15);
    assert.equal(Number(row?.odd_bits), 15);
    // (2^60 − 1) ^ −1 is −2^60 (all bits above the 60th); ^ 1 sets the lowest.
    assert.equal(BigInt(String(row?.digest)), -(2n ** 60n) + 1n);
    assert.equal(row?.nothing, null);
  });
});

it("every function in the rewrite table is exercised by the parity table or this file", () => {
  const source =
    readFileSync(new URL(import.meta.url), "utf8") +
    readFileSync(new URL("./parity-cases.ts", import.meta.url), "utf8");
  const missing = SUPPORTED_FUNCTIONS.filter((name) => !source.includes(`${name}(`));
  assert.deepEqual(missing, []);
});

/** The BigQuery functions a piece of SQL calls (names followed by "(", dotted ones joined), upper case. */
function calledFunctions(sql: string): Set<string> {
  const tokens = tokenize(sql, (message) => assert.fail(message)).filter(
    (token) => token.kind !== "ws" && token.kind !== "comment",
  );
  const called = new Set<string>();
  for (let index = 0; index < tokens.length; index += 1) {
    if (tokens[index]?.kind !== "ident") continue;
    let name = tokens[index]?.text ?? "";
    let end = index;
    while (tokens[end + 1]?.text === "." && tokens[end + 2]?.kind === "ident") {
      name += `.${tokens[end + 2]?.text ?? ""}`;
      end += 2;
    }
    if (tokens[end + 1]?.text === "(" && REWRITES[name.toUpperCase()]) called.add(name.toUpperCase());
  }
  return called;
}

it("every function the models call is called in a parity row with an expected value (compared with ZetaSQL too)", () => {
  const pinned = new Set(
    PARITY.flatMap(({ cases }) =>
      cases.flatMap((row) =>
        "hasType" in row ? [] : [...calledFunctions("query" in row ? row.query : row.expr)],
      ),
    ),
  );
  const used = new Map<string, string>();
  for (const model of MODELS) {
    for (const name of calledFunctions(readSql(modelPath(model)))) used.set(name, modelPath(model));
  }
  // The models call dozens of functions, SAFE_DIVIDE and JSON_VALUE among them: the scan does find calls.
  assert.ok(used.size > 30 && used.has("SAFE_DIVIDE") && used.has("JSON_VALUE"), [...used.keys()].join(" "));
  const missing = [...used].filter(([name]) => !pinned.has(name)).map(([name, path]) => `${name} (${path})`);
  assert.deepEqual(missing, []);
});
