// Proves every file in sql/ is valid BigQuery without a BigQuery project (the models, the extracts, the audits
// written and generated from the model headers, and the steps' queries under sql/queries/): the ZetaSQL
// analyzer (BigQuery's own front end) resolves each one against the raw schemas and, in build order, against
// the output columns of the models before it. DuckDB runs the same files locally through a dialect layer, so
// the local pipeline passing says nothing about BigQuery; this is the check that does.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, describe, it, type TestContext } from "node:test";
import { auditBatchSql, loadAudits } from "../../functions/check-quality/audits.ts";
import { profileBatchSql, profiledColumns } from "../../functions/check-quality/profiles.ts";
import { PROFILE_TARGETS, profileSql } from "../../functions/check-quality/profiles.ts";
import { modelAudits } from "../../functions/lib/sql/model-audits.ts";
import { adCurrencyDays, fillQuery, querySlots, readQuery } from "../../functions/lib/sql/queries.ts";
import { AD_STAGING_MODELS, warehouseSideQuery } from "../../functions/check-sources/reconciliation.ts";
import { exportAccountOf } from "../../functions/lib/ad-export-accounts.ts";
import { extractSchema } from "../../functions/shared/extract-schemas.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { SOURCES } from "../../functions/shared/sources.ts";
import { readSql, sqlPath } from "../../functions/lib/sql/sql-files.ts";
import { type ModelDefinition, MODELS, modelPath } from "../../functions/lib/sql/models.ts";
import { HISTORY_SETTING_COLUMNS, HISTORY_SETTINGS_TABLE } from "../../functions/lib/history-settings.ts";
import {
  CATALOGUE_CHANGE_COLUMNS,
  CATALOGUE_CHANGES_TABLE,
  COVERAGE_CHANGE_COLUMNS,
  COVERAGE_CHANGES_TABLE,
  WATERMARK_COLUMNS,
  WATERMARKS_TABLE,
} from "../../functions/transform/changes.ts";
import { CATALOGUE_MODEL } from "../../functions/transform/step.ts";
import { FILE_DROP_COLUMNS } from "../../functions/ingest/file-drop.ts";
import { OWED_HISTORY_COLUMNS } from "../../functions/ingest/connectors/ad-range.ts";
import { CONNECTOR_HISTORY_OWED_TABLE, FILE_DROPS_TABLE } from "../../functions/shared/pipeline.ts";
import { translateToDuckDb } from "../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import {
  RECONCILIATION_COLUMNS,
  RECONCILIATION_TABLE,
} from "../../functions/lib/quality/reconciliation-table.ts";
import {
  type AnalysisResult,
  type CatalogColumn,
  type SourceRange,
  simpleType,
  typeName,
  ZetaSqlCatalog,
  ZetaSqlServer,
} from "../support/zetasql.ts";

/**
 * Files with a known BigQuery error, by path under sql/, with the reason. Their tests run as `todo`, so the
 * analyzer's message stays visible in the output without failing the suite while the SQL owner fixes them.
 * Remove an entry as soon as its file is fixed, or a later regression in that file would go unnoticed.
 */
const KNOWN_BIGQUERY_ERRORS: ReadonlyMap<string, string> = new Map<string, string>([]);

// Types of the named parameters as the warehouse adapters bind them (see SqlValue in functions/shared/ports.ts):
// the window and `*_date` strings as DATE, the HMAC key pads as BYTES, other strings as STRING, whole numbers
// as INT64.
const PARAMETERS: ReadonlyMap<string, CatalogColumn["type"]> = new Map([
  ["window_start", simpleType("DATE")],
  ["window_end", simpleType("DATE")],
  ["run_date", simpleType("DATE")],
  ["shop_timezone", simpleType("STRING")],
  ["pii_inner_key", simpleType("BYTES")],
  ["pii_outer_key", simpleType("BYTES")],
  ["channels", simpleType("STRING")],
  ["expected_sources", simpleType("STRING")],
  ["export_gaps", simpleType("STRING")],
  ["owed_from_date", simpleType("DATE")],
  ["currency_places", simpleType("INT64")],
  ["shop_currency", simpleType("STRING")],
  ["unnamed_meta_account", simpleType("STRING")],
  ["unnamed_google_customer", simpleType("STRING")],
  ["unnamed_tiktok_advertiser", simpleType("STRING")],
  ["ad_tables", simpleType("STRING")],
  ["product_ids", simpleType("STRING")],
  ["skus", simpleType("STRING")],
  ["line_names", simpleType("STRING")],
  ["since_shopify_orders", simpleType("STRING")],
  ["since_facebook_ads_insights", simpleType("STRING")],
  ["since_tiktok_ads_reports_daily", simpleType("STRING")],
  ["since_google_ads_campaign_stats", simpleType("STRING")],
  ["since_google_ads_asset_group_stats", simpleType("STRING")],
  ["since_google_ads_campaign_totals", simpleType("STRING")],
  ["since_fx_rates", simpleType("STRING")],
  ...[
    "shopify_orders",
    "facebook_ads_insights",
    "tiktok_ads_reports_daily",
    "google_ads_campaign_stats",
    "google_ads_asset_group_stats",
    "google_ads_campaign_totals",
    "fx_rates",
  ].flatMap((table): [string, CatalogColumn["type"]][] => [
    [`through_${table}`, simpleType("STRING")],
    [`reread_hours_${table}`, simpleType("INT64")],
  ]),
  ["landing_hours", simpleType("INT64")],
  ["kind", simpleType("STRING")],
  ["unnamed_account", simpleType("STRING")],
  ["sha256", simpleType("STRING")],
  ["landed_within_hours", simpleType("INT64")],
  ["top_products", simpleType("INT64")],
  ["top_regions", simpleType("INT64")],
  ["top_campaigns", simpleType("INT64")],
  ["cohort_months", simpleType("INT64")],
  ["account_id", simpleType("STRING")],
  ["updated_since", simpleType("STRING")],
  ["pull_id", simpleType("STRING")],
  ["landed_at", simpleType("STRING")],
  ["landed_since", simpleType("STRING")],
  ["rates_landed_since", simpleType("STRING")],
  ["ad_days", simpleType("STRING")],
  ["meta", simpleType("STRING")],
  ["is_demo", simpleType("BOOL")],
  ["file_name", simpleType("STRING")],
  ["dropped_at", simpleType("STRING")],
  ["size_bytes", simpleType("INT64")],
]);

// ops.findings as functions/lib/quality/findings-store.ts writes it (its column list is not exported).
const OPS_FINDINGS: readonly CatalogColumn[] = [
  { name: "run_date", type: simpleType("DATE") },
  { name: "step", type: simpleType("STRING") },
  { name: "check_name", type: simpleType("STRING") },
  { name: "subject", type: simpleType("STRING") },
  { name: "severity", type: simpleType("STRING") },
  { name: "blocking", type: simpleType("BOOL") },
  { name: "observed", type: simpleType("STRING") },
  { name: "expected", type: simpleType("STRING") },
  { name: "message", type: simpleType("STRING") },
];

// BigQuery clusters only on these top-level types (not FLOAT64, JSON, ARRAY or STRUCT), on at most 4 columns.
const CLUSTERABLE_TYPES = new Set([
  "INT64",
  "STRING",
  "DATE",
  "TIMESTAMP",
  "DATETIME",
  "BOOL",
  "NUMERIC",
  "BIGNUMERIC",
  "GEOGRAPHY",
]);
const MAX_CLUSTER_COLUMNS = 4;

/** The .sql files under sql/<folder>/, at any depth, as paths under sql/. */
function sqlFiles(folder: string): string[] {
  return readdirSync(sqlPath(folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".sql"))
    .map((name) => `${folder}/${name}`)
    .sort();
}

/**
 * A query template (functions/lib/sql/queries.ts) as the code fills it: once per declared value of its slots
 * (every profiled column, every source, an audit), keyed by a label for the test name. Plain SQL is itself.
 */
function templateInstances(sql: string): Map<string, string> {
  const slots = querySlots(sql);
  if (slots.length === 0) return new Map([["", sql]]);
  const instances = new Map<string, string>();
  if (slots.includes("event_date")) {
    for (const source of SOURCES) {
      const table = `raw.${source.freshnessTable}`;
      // A file drop's replacement also names its table's account column (functions/ingest/ads.ts).
      const column = exportAccountOf(source.freshnessTable).column;
      instances.set(` (${source.name})`, fillQuery(sql, { table, event_date: source.eventDateSql, column }));
    }
  } else if (slots.includes("column")) {
    for (const target of PROFILE_TARGETS) {
      for (const column of target.columns) {
        if (
          profileSql(target, column) !==
          fillQuery(sql, { table: target.table, date_column: target.dateColumn, column: column.name })
        )
          continue;
        instances.set(` (${target.table}.${column.name})`, profileSql(target, column));
      }
    }
  } else if (slots.includes("model") && sql === readQuery("check-sources/reconciliation_ad_platform")) {
    // The reconciliation's warehouse side embeds each ad platform's staging model, as check-sources fills it.
    for (const source of Object.keys(AD_STAGING_MODELS) as (keyof typeof AD_STAGING_MODELS)[])
      instances.set(` (${source})`, warehouseSideQuery(source));
  } else if (slots.includes("model")) {
    // The catalogue, whose landed products the transform compares with the staged.
    const catalogue = MODELS.find((model) => `${model.layer}.${model.name}` === CATALOGUE_MODEL);
    if (catalogue)
      instances.set(` (${CATALOGUE_MODEL})`, fillQuery(sql, { model: readSql(modelPath(catalogue)) }));
  } else if (slots.length === 1 && slots[0] === "table") {
    // A statement on the raw table of a file drop or a pull: every source's.
    for (const source of SOURCES)
      instances.set(` (${source.name})`, fillQuery(sql, { table: `raw.${source.freshnessTable}` }));
  } else if (slots.includes("ad_days")) {
    instances.set("", fillQuery(sql, { ad_days: adCurrencyDays() }));
  } else if (slots.includes("audit")) {
    for (const audit of loadAudits()) instances.set(` (${audit.name})`, fillQuery(sql, { audit: audit.sql }));
  }
  assert.ok(instances.size > 0, `no declared values fill the slots ${slots.join(", ")}`);
  return instances;
}

/**
 * The analyzer is held to queries (BIGQUERY_LANGUAGE_OPTIONS): the few DML statements under sql/queries (a file
 * drop's replacements) are analyzed as the query of the rows they change, with the values an UPDATE sets.
 */
function asQuery(sql: string): string {
  const statement = sql.replace(/^(?:\s*--[^\n]*\n)*\s*/, "");
  const deletion = /^DELETE\s+FROM\s+(\S+)\s+(WHERE[\s\S]*)$/i.exec(statement);
  if (deletion) return `SELECT COUNT(*) AS row_count FROM ${deletion[1]} ${deletion[2]}`;
  const update = /^UPDATE\s+(\S+)\s+SET\s+(\w+)\s*=\s*([\s\S]*?)\s+(WHERE[\s\S]*)$/i.exec(statement);
  if (update) return `SELECT ${update[3]} AS ${update[2]} FROM ${update[1]} ${update[4]}`;
  return sql;
}

function parametersFor(sql: string): Map<string, CatalogColumn["type"]> {
  const parameters = new Map(PARAMETERS);
  for (const match of sql.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1];
    if (name?.endsWith("_date") && !parameters.has(name)) parameters.set(name, simpleType("DATE"));
  }
  return parameters;
}

/** Rewrites the analyzer's "... [at 12:5]" into "sql/x.sql:12:5: ...", which editors and CI annotate. */
function located(file: string, message: string): string {
  const [first = "", ...rest] = message.split("\n");
  const position = /\s*\[at (\d+):(\d+)\]\s*$/.exec(first);
  const head = position
    ? `${file}:${position[1]}:${position[2]}: ${first.slice(0, position.index)}`
    : `${file}: ${first}`;
  return [head, ...rest.map((line) => `    ${line}`)].join("\n");
}

/** A query result written to a table or a CSV needs a name for every column, each name used once. */
function assertNamedUniqueColumns(label: string, columns: readonly CatalogColumn[]): void {
  const anonymous = columns.filter((column) => column.name.startsWith("$")).map((column) => column.name);
  assert.deepEqual(
    anonymous,
    [],
    `${label}: every output column needs an alias (BigQuery would invent f0_ names)`,
  );
  const seen = new Set<string>();
  const duplicates = columns
    .map((column) => column.name.toLowerCase())
    .filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
  assert.deepEqual(
    duplicates,
    [],
    `${label}: duplicate output column names (BigQuery names are case-insensitive)`,
  );
}

/** The partitioning and clustering models.ts asks of the table must fit the columns the SQL produces. */
function assertTableLayout(label: string, model: ModelDefinition, columns: readonly CatalogColumn[]): void {
  const types = new Map(columns.map((column) => [column.name.toLowerCase(), typeName(column.type)]));
  if (model.partitionColumn !== undefined) {
    assert.equal(
      types.get(model.partitionColumn.toLowerCase()),
      "DATE",
      `${label}: partition column ${model.partitionColumn} must be a DATE output column (the run window is dates)`,
    );
  }
  const clusterBy = model.clusterBy ?? [];
  assert.ok(
    clusterBy.length <= MAX_CLUSTER_COLUMNS,
    `${label}: BigQuery clusters on at most ${MAX_CLUSTER_COLUMNS} columns`,
  );
  for (const column of clusterBy) {
    const type = types.get(column.toLowerCase());
    assert.ok(type !== undefined, `${label}: cluster column ${column} is not an output column`);
    assert.ok(
      CLUSTERABLE_TYPES.has(type),
      `${label}: cluster column ${column} is ${type}, which BigQuery cannot cluster on`,
    );
  }
}

/**
 * Fails the test with the analyzer's message at its file position. A failure that is only the table of an
 * upstream model that failed above is marked todo: the root cause is already red, and repeating it for every
 * dependant would bury it.
 */
function failAnalysis(
  t: TestContext,
  label: string,
  path: string,
  message: string,
  failedModels: ReadonlySet<string>,
): never {
  const missing = /^Table not found: ([\w.]+)/.exec(message)?.[1];
  if (missing !== undefined && failedModels.has(missing))
    t.todo(`blocked: upstream ${missing} does not analyse`);
  assert.fail(`${label} is not valid BigQuery:\n${located(`sql/${path}`, message)}`);
}

it("analyses every .sql file under sql/: the models, extracts, audits and queries", () => {
  const all = readdirSync(sqlPath("."), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".sql"))
    .sort();
  const analysed = [
    ...MODELS.map((model) => modelPath(model)),
    ...["extracts", "audits", "queries"].flatMap((folder) => sqlFiles(folder)),
  ].sort();
  assert.ok(all.length > 100, `${all.length} files`);
  assert.deepEqual(all, analysed);
});

const start = await ZetaSqlServer.start();

if ("unavailable" in start) {
  // A test rather than a skipped suite, so the reason is counted and printed in every reporter's summary.
  it("BigQuery validity of sql/ (ZetaSQL analyzer, offline)", { skip: start.unavailable }, () => {});
} else {
  defineSuite(start.server);
}

/**
 * BigQuery divides NUMERIC by NUMERIC (or INT64) exactly, rounding the quotient half away from zero to nine
 * decimals; DuckDB divides DECIMALs as DOUBLE (1312.86 / 12 = 109.40499…), unless the dialect layer sees a
 * SAFE_DIVIDE of two CAST(… AS NUMERIC) operands, which it divides exactly. Every division the analyzer types
 * NUMERIC must be written that way, or a ratio rounded after it (ROAS to 4 places, a cost per order to the
 * cent) can differ between the local run and BigQuery on a tie.
 */
function assertExactNumericDivisions(label: string, sql: string, divisions: readonly SourceRange[]): void {
  const inexact = divisions
    .map((range) => sql.slice(range.start, range.end))
    .filter((text) => !/ AS HUGEINT\)/.test(translateToDuckDb(`SELECT ${text}`)))
    .map((text) => text.replaceAll(/\s+/g, " "));
  assert.deepEqual(
    inexact,
    [],
    `${label}: NUMERIC divisions DuckDB would compute as DOUBLE; write each as SAFE_DIVIDE(CAST(a AS NUMERIC), CAST(b AS NUMERIC))`,
  );
}

/**
 * A binary double on a decimal tie rounds differently on the two engines (3 ÷ 800 = 0.00375 as a double is a hair
 * under the tie: 0.0037 on BigQuery, 0.0038 on DuckDB). A NUMERIC rounds half away from zero on both, so every
 * ROUND in sql/ rounds a NUMERIC: a ratio of counts divides CAST(… AS NUMERIC) operands (exactly), and a column
 * that is FLOAT64 by contract is cast back after rounding.
 */
function assertNoFloatRounds(label: string, sql: string, rounds: readonly SourceRange[]): void {
  assert.deepEqual(
    rounds.map((range) => sql.slice(range.start, range.end).replaceAll(/\s+/g, " ")),
    [],
    `${label}: ROUND of a FLOAT64 (round a NUMERIC instead, e.g. ROUND(SAFE_DIVIDE(CAST(a AS NUMERIC), CAST(b AS NUMERIC)), 4))`,
  );
}

/** What keeps a file's arithmetic the same on both engines: its NUMERIC divisions exact, no FLOAT64 rounded. */
function assertSameArithmetic(label: string, sql: string, result: AnalysisResult): void {
  if (!result.ok) return;
  assertExactNumericDivisions(label, sql, result.numericDivisions);
  assertNoFloatRounds(label, sql, result.floatRounds);
}

function defineSuite(server: ZetaSqlServer): void {
  describe("BigQuery validity of sql/ (ZetaSQL analyzer, offline)", () => {
    const catalog = new ZetaSqlCatalog();
    for (const table of RAW_TABLES) {
      catalog.addTable(
        "raw",
        table.name,
        table.columns.map((column) => ({ name: column.name, type: simpleType(column.type) })),
      );
    }
    catalog.addTable("ops", "findings", OPS_FINDINGS);
    catalog.addTable(
      "ops",
      RECONCILIATION_TABLE,
      RECONCILIATION_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      WATERMARKS_TABLE,
      WATERMARK_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      CATALOGUE_CHANGES_TABLE,
      CATALOGUE_CHANGE_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      HISTORY_SETTINGS_TABLE,
      HISTORY_SETTING_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      FILE_DROPS_TABLE,
      FILE_DROP_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      CONNECTOR_HISTORY_OWED_TABLE,
      OWED_HISTORY_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    catalog.addTable(
      "ops",
      COVERAGE_CHANGES_TABLE,
      COVERAGE_CHANGE_COLUMNS.map((column) => ({ name: column.name, type: simpleType(column.type) })),
    );
    const analyze = (sql: string) => server.analyze(sql, { catalog, parameters: parametersFor(sql) });
    // Models that did not analyse, so their dependants can tell "my upstream is broken" from "I am broken".
    const failedModels = new Set<string>();

    after(() => server.stop());

    describe("rejects what BigQuery rejects", () => {
      const rejections: readonly { what: string; sql: string; message: RegExp }[] = [
        {
          what: "an unknown column, with its line and column",
          sql: "SELECT id,\n  no_such_column\nFROM raw.shopify_orders",
          message: /^Unrecognized name: no_such_column.*\[at 2:3\]/,
        },
        {
          what: "a function called with the wrong number of arguments",
          sql: "SELECT SAFE_DIVIDE(total_price) FROM raw.shopify_orders",
          message: /^No matching signature for function SAFE_DIVIDE/,
        },
        {
          what: "DuckDB's strftime",
          sql: "SELECT strftime(created_at, '%Y-%m') FROM raw.shopify_orders",
          message: /^Function not found: strftime/,
        },
        {
          what: "DuckDB's :: cast",
          sql: "SELECT id::STRING FROM raw.shopify_orders",
          message: /^Syntax error/,
        },
        {
          what: "a type BigQuery does not have (INT32: the external product mode is on)",
          sql: "SELECT CAST(id AS INT32) FROM raw.shopify_orders",
          message: /^Type not found: INT32/,
        },
        {
          what: "a table that is not declared",
          sql: "SELECT * FROM raw.no_such_table",
          message: /^Table not found: raw\.no_such_table/,
        },
        {
          what: "a parameter the pipeline does not bind",
          sql: "SELECT * FROM raw.shopify_orders WHERE name = @order_name",
          message: /^Query parameter 'order_name' not found/,
        },
        {
          what: "a wrongly typed parameter use (DATE window against a TIMESTAMP column)",
          sql: "SELECT * FROM raw.shopify_orders WHERE created_at + @window_start > created_at",
          message: /^No matching signature for operator \+/,
        },
      ];
      for (const rejection of rejections) {
        it(`rejects ${rejection.what}`, async () => {
          const result = await analyze(rejection.sql);
          assert.equal(result.ok, false, `the analyzer accepted: ${rejection.sql}`);
          if (!result.ok) assert.match(result.message, rejection.message);
        });
      }

      it("accepts the BigQuery features the models rely on (QUALIFY, JSON, SAFE_CAST, UNNEST WITH OFFSET)", async () => {
        const result = await analyze(`
        SELECT id, SAFE_CAST(JSON_VALUE(item, '$.price') AS NUMERIC) AS price, position
        FROM raw.shopify_orders
        CROSS JOIN UNNEST(JSON_QUERY_ARRAY(line_items)) AS item WITH OFFSET AS position
        WHERE DATE(created_at, @shop_timezone) BETWEEN @window_start AND @window_end
        QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC) = 1`);
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.deepEqual(
          result.columns.map((column) => `${column.name} ${typeName(column.type)}`),
          ["id INT64", "price NUMERIC", "position INT64"],
        );
      });
    });

    describe("keeps the arithmetic the same on both engines", () => {
      it("flags a NUMERIC division DuckDB would compute as DOUBLE, and passes the exact form", async () => {
        const inexact = "SELECT CAST('100.05' AS NUMERIC) / 40 AS roas";
        const result = await analyze(inexact);
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.deepEqual(
          result.numericDivisions.map((range) => inexact.slice(range.start, range.end)),
          ["CAST('100.05' AS NUMERIC) / 40"],
        );
        assert.throws(() => assertSameArithmetic("inexact", inexact, result), /NUMERIC divisions DuckDB/);
        const exact = "SELECT SAFE_DIVIDE(CAST('100.05' AS NUMERIC), CAST(40 AS NUMERIC)) AS roas";
        const exactResult = await analyze(exact);
        assert.ok(
          exactResult.ok && exactResult.numericDivisions.length === 1,
          "the division is typed NUMERIC",
        );
        assertSameArithmetic("exact", exact, exactResult);
      });

      it("flags a ROUND of a FLOAT64, and passes a NUMERIC rounded then cast to FLOAT64", async () => {
        const float = "SELECT ROUND(SAFE_DIVIDE(3, 800), 4) AS refund_rate";
        const result = await analyze(float);
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.equal(result.floatRounds.length, 1);
        assert.throws(() => assertSameArithmetic("float", float, result), /ROUND of a FLOAT64/);
        const numeric =
          "SELECT CAST(ROUND(SAFE_DIVIDE(CAST(3 AS NUMERIC), CAST(800 AS NUMERIC)), 4) AS FLOAT64) AS refund_rate";
        const numericResult = await analyze(numeric);
        assert.ok(numericResult.ok && numericResult.floatRounds.length === 0, "no FLOAT64 rounded");
        assertSameArithmetic("numeric", numeric, numericResult);
      });
    });

    describe("models, in build order", () => {
      for (const model of MODELS) {
        const path = modelPath(model);
        const label = `${model.layer}.${model.name}`;
        it(`${label} (sql/${path})`, { todo: KNOWN_BIGQUERY_ERRORS.get(path) }, async (t) => {
          const result = await analyze(readSql(path));
          if (!result.ok) {
            failedModels.add(label);
            failAnalysis(t, label, path, result.message, failedModels);
          }
          catalog.addTable(model.layer, model.name, result.columns);
          assertNamedUniqueColumns(label, result.columns);
          assertSameArithmetic(label, readSql(path), result);
          assertTableLayout(label, model, result.columns);
        });
      }
    });

    for (const folder of ["extracts", "audits", "queries"] as const) {
      describe(folder, () => {
        for (const path of sqlFiles(folder)) {
          const instances = templateInstances(asQuery(readSql(path)));
          for (const [instance, sql] of instances) {
            it(`sql/${path}${instance}`, { todo: KNOWN_BIGQUERY_ERRORS.get(path) }, async (t) => {
              const result = await analyze(sql);
              if (!result.ok) failAnalysis(t, `sql/${path}`, path, result.message, failedModels);
              assertSameArithmetic(`sql/${path}`, sql, result);
              // An extract's columns are the CSV header contract; a query's are the rows the code reads.
              if (folder !== "audits") assertNamedUniqueColumns(path, result.columns);
              // An extract's BigQuery columns are exactly its declaration (functions/shared/extract-schemas.json).
              if (folder === "extracts" && result.ok) {
                const declared = extractSchema(path.replace(/^extracts\/|\.sql$/g, "")).columns;
                assert.deepEqual(
                  result.columns.map((column) => `${column.name} ${typeName(column.type)}`),
                  declared.map((column) => `${column.name} ${column.type}`),
                  `sql/${path}: its columns and BigQuery types are the declared ones`,
                );
              }
            });
          }
        }
      });
    }

    describe("audits generated from the model headers", () => {
      for (const audit of modelAudits(MODELS)) {
        it(audit.file, async (t) => {
          const result = await analyze(audit.sql);
          if (!result.ok) failAnalysis(t, audit.file, audit.file, result.message, failedModels);
        });
      }
    });

    it("every column profile in one query (check-quality's profileBatchSql): its columns and types", async (t) => {
      const result = await analyze(profileBatchSql(profiledColumns()));
      if (!result.ok) failAnalysis(t, "profile batch", "profile batch", result.message, failedModels);
      assert.deepEqual(
        result.columns.map((column) => `${column.name} ${typeName(column.type)}`),
        [
          "profile_index INT64",
          "day DATE",
          "row_count INT64",
          "null_count INT64",
          "zero_count INT64",
          "total FLOAT64",
        ],
      );
    });

    it("every audit's count in one query (check-quality's auditBatchSql): (audit_index, failing_rows)", async (t) => {
      const result = await analyze(auditBatchSql(loadAudits()));
      if (!result.ok) failAnalysis(t, "audit batch", "audit batch", result.message, failedModels);
      assert.deepEqual(
        result.columns.map((column) => `${column.name} ${typeName(column.type)}`),
        ["audit_index INT64", "failing_rows INT64"],
      );
    });
  });
}
