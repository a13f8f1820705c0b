// The raw tables are made with require_partition_filter (infra/bigquery.tf, and the adapter's CREATE when ingest
// makes one: functions/adapters/warehouse/bigquery/statements.ts): BigQuery refuses a query that reads one
// without a filter on _airbyte_extracted_at, the bare column compared with a constant or a parameter. So every
// read of a raw table in sql/ (models, queries, audits, extracts, tools) must carry one, or that query fails on
// BigQuery. A read pruned to the run's days is fine as it is; a read that truly needs all history says so with
// `_airbyte_extracted_at >= TIMESTAMP('2000-01-01')` (HISTORY_START: before any shop's first extraction) and is
// declared below with the reason.
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { HISTORY_START } from "../../functions/lib/run-window.ts";
import { type TableRead, tableReads } from "../support/table-reads.ts";

/** Reads of all of a raw table's history, as "<file under sql/, without .sql> ← <table>", with the reason. */
const WHOLE_HISTORY_RAW_READS: Record<string, string> = {
  "queries/check-sources/freshness_all_history ← {{table}}":
    "only for a source with nothing landed since the volume history began (recent_rows.sql found nothing recent)",
  "queries/cli/latest_order_day ← raw.shopify_orders":
    "the demo's default run date: the newest order day of the local demo data (DuckDB), whenever it was extracted",
  "queries/tools/raw_order_count ← raw.shopify_orders":
    "the benchmark's scale: every distinct order of the local demo data (DuckDB)",
  "queries/tools/demo_api_shopify_orders ← raw.shopify_orders":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
  "queries/tools/demo_api_shopify_customers ← raw.shopify_customers":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
  "queries/tools/demo_api_shopify_products ← raw.shopify_products":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
  "queries/tools/demo_api_facebook_ads_insights ← raw.facebook_ads_insights":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
  "queries/tools/demo_api_tiktok_ads_reports_daily ← raw.tiktok_ads_reports_daily":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
  "queries/tools/demo_api_google_ads_campaign_stats ← raw.google_ads_campaign_stats":
    "the demo APIs serve the newest version of each record, whenever it was extracted (local demo data, DuckDB)",
};

/** Templates whose {{table}} slot is a model, not a raw table: their bound is on the model's own partition column. */
const MODEL_TABLE_SLOTS: Record<string, string> = {
  "queries/check-quality/profile_column":
    "its slot is a PROFILE_TARGETS model (functions/check-quality/profiles.ts)",
  "queries/check-quality/profile_measure":
    "its slot is a PROFILE_TARGETS model (functions/check-quality/profiles.ts)",
};

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sqlFiles(path);
    return path.endsWith(".sql") ? [path] : [];
  });
}

/** Every SQL file under sql/, by its name there without ".sql", with its reads of raw tables. */
function rawReads(): { name: string; sql: string; reads: TableRead[] }[] {
  return sqlFiles("sql").map((path) => {
    const name = relative("sql", path).replace(/\.sql$/, "");
    const sql = readSql(`${name}.sql`);
    const reads = tableReads(sql).filter(
      (read) => read.table.startsWith("raw.") || (read.table === "{{table}}" && !MODEL_TABLE_SLOTS[name]),
    );
    return { name, sql, reads };
  });
}

describe("partition filters on the raw tables (require_partition_filter)", () => {
  it("finds the raw reads of the models, the daily run's queries and the tools", () => {
    const files = rawReads().filter(({ reads }) => reads.length > 0);
    const names = files.map(({ name }) => name);
    for (const expected of [
      "staging/stg_shopify_orders",
      "queries/transform/changed_days",
      "queries/check-sources/recent_rows",
      "queries/ingest/superseded_file_drop_rows",
      "queries/cli/latest_order_day",
      "queries/tools/raw_order_count",
    ])
      assert.ok(names.includes(expected), expected);
  });

  it("bounds _airbyte_extracted_at in every read of a raw table, as BigQuery demands of it", () => {
    const unbounded: string[] = [];
    const undeclared: string[] = [];
    for (const { name, reads } of rawReads()) {
      for (const read of reads) {
        if (read.reach === "window") continue;
        const key = `${name} ← ${read.table}`;
        if (!read.constantBound) unbounded.push(key);
        else if (!WHOLE_HISTORY_RAW_READS[key]) undeclared.push(key);
      }
    }
    assert.deepEqual(
      unbounded,
      [],
      "these reads name no bound on _airbyte_extracted_at, and BigQuery refuses them: bound them on a parameter, " +
        `or, for a read of all history, add "WHERE _airbyte_extracted_at >= TIMESTAMP('${HISTORY_START}')" and declare why`,
    );
    assert.deepEqual(undeclared, [], "these reads scan every partition: declare why they need all history");
  });

  it("bounds it as a condition of its own, never as one side of an OR (which selects every partition)", () => {
    const alternatives = rawReads().flatMap(({ name, reads }) =>
      reads.filter((read) => !read.conjunctBound).map((read) => `${name} ← ${read.table}`),
    );
    assert.deepEqual(alternatives, []);
  });

  it("bounds the reads of all history at HISTORY_START, before any data", () => {
    for (const { name, sql, reads } of rawReads()) {
      if (!reads.some((read) => read.constantBound)) continue;
      assert.match(sql, new RegExp(`_airbyte_extracted_at >= TIMESTAMP\\('${HISTORY_START}'\\)`), name);
    }
  });

  it("declares no exception that no longer exists", () => {
    const found = new Set(
      rawReads().flatMap(({ name, reads }) =>
        reads.filter((read) => read.constantBound).map((read) => `${name} ← ${read.table}`),
      ),
    );
    for (const exception of Object.keys(WHOLE_HISTORY_RAW_READS)) assert.ok(found.has(exception), exception);
    const names = new Set(rawReads().map(({ name }) => name));
    for (const template of Object.keys(MODEL_TABLE_SLOTS)) assert.ok(names.has(template), template);
  });

  it("takes the bare column against a constant as a bound, and the column inside a function or an OR as none", () => {
    const read = (sql: string) => {
      const [first] = tableReads(sql);
      return `${first?.reach}${first?.constantBound ? " constant" : ""}${first?.conjunctBound ? "" : " unbounded"}`;
    };
    assert.equal(read("SELECT id FROM raw.shopify_orders"), "history unbounded");
    assert.equal(
      read("SELECT id FROM raw.shopify_orders WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')"),
      "history constant",
    );
    assert.equal(
      read("SELECT id FROM raw.shopify_orders WHERE DATE(_airbyte_extracted_at) >= DATE('2000-01-01')"),
      "history unbounded",
    );
    assert.equal(
      read("SELECT id FROM raw.shopify_orders WHERE DATE(_airbyte_extracted_at) >= @window_start"),
      "history unbounded",
    );
    assert.equal(
      read("SELECT id FROM raw.shopify_orders WHERE _airbyte_extracted_at >= TIMESTAMP(@window_start)"),
      "window",
    );
    assert.equal(
      read(
        "SELECT id FROM raw.shopify_orders WHERE id = @id\n  OR _airbyte_extracted_at >= TIMESTAMP(@window_start)",
      ),
      "window unbounded",
    );
    assert.equal(
      read(
        "SELECT id FROM raw.shopify_orders WHERE id = @id AND _airbyte_extracted_at >= TIMESTAMP(@window_start)",
      ),
      "window",
    );
  });
});
