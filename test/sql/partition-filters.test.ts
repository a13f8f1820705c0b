// BigQuery bills the bytes a query scans: every read of a partitioned model table must carry a filter on its
// partition column, so that a daily run prunes to the run window. The few reads of all history are declared
// here with the reason, and any new one fails this test until it is.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { MODELS, modelPath } from "../../functions/lib/sql/models.ts";
import { type TableRead, tableReads } from "../support/table-reads.ts";

/** Deliberate scans beyond the window, as "<model> ← <table>": each needs all of history by definition. */
const FULL_HISTORY_READS: Record<string, string> = {
  "unified.shopify_unified ← staging.stg_shopify_orders":
    "first orders need each customer's whole history (four fixed-width columns: test/sql/history-columns.test.ts)",
  "marts.ltv_cohorts ← unified.customer_cohort_activity":
    "cohorts span all history: one row per cohort and order month (hundreds of rows), up to the run date",
  "marts.marketing_unified_with_explanations ← unified.marketing_unified":
    "rebuilt whole every run, so that old days' reasons follow what is known now: one row per day and channel",
  "marts.marketing_unified_with_explanations ← unified.shop_order_days":
    "MIN(date): the shop's first order day, from a table of one row per order day",
  "unified.source_coverage ← unified.shop_order_days":
    "MIN(date): the shop's first order day, from a table of one row per order day",
  "marts.executive_summary_monthly ← unified.shop_order_days":
    "MIN(date): the shop's first order day, from a table of one row per order day",
  "marts.marketing_daily_channel ← unified.shop_order_days":
    "whether the shop has had any order yet, before a paid channel's gap row: one row per order day",
  "marts.marketing_unified_with_explanations ← unified.ad_performance":
    "MAX(date) per channel: each platform's newest day, reads the partition and channel columns only",
  "marts.campaign_performance_daily ← unified.ad_performance":
    "a UTM may name a campaign that spent before the window: campaign ids and names, up to the window's end",
};

/** Each read of a partitioned model table that reaches all of its history (no filter on its partition column). */
function historyReads(sql: string): TableRead[] {
  return tableReads(sql).filter(
    (read) => read.reach === "history" && read.partitionColumn && !read.table.startsWith("raw."),
  );
}

describe("partition filters in the models", () => {
  for (const model of MODELS) {
    const name = `${model.layer}.${model.name}`;
    it(`${name} reads partitioned tables only through their partition column`, () => {
      for (const read of historyReads(readSql(modelPath(model)))) {
        const column = read.partitionColumn ?? "";
        assert.ok(
          FULL_HISTORY_READS[`${name} ← ${read.table}`],
          `${name} reads ${read.table} without a filter on ${column}: add "WHERE ${column} BETWEEN @window_start AND @window_end" or declare why it needs all history`,
        );
      }
    });
  }

  it("declares no exception that no longer exists", () => {
    const found = new Set<string>();
    for (const model of MODELS) {
      for (const read of historyReads(readSql(modelPath(model))))
        found.add(`${model.layer}.${model.name} ← ${read.table}`);
    }
    for (const exception of Object.keys(FULL_HISTORY_READS)) assert.ok(found.has(exception), exception);
  });

  it("has the nine exceptions the README counts (first orders, cohorts, first order day three times, …)", () => {
    // README, "How it works" → SQL: "every read of a partitioned table filters its partition column except nine".
    assert.equal(Object.keys(FULL_HISTORY_READS).length, 9);
  });
});

/**
 * The daily run's other reads, before, around and after the models: ingest's (file drops, connectors),
 * check-sources', the transform's own, check-quality's and its audits, the extracts export writes and the report's.
 * A raw table is partitioned by extraction time, so each raw read bounds `_airbyte_extracted_at`; the reads that
 * need more are declared with the reason, as "<query> ← <table>" (a query named by its folder under sql/, without
 * "queries/").
 */
const DAILY_QUERY_DIRS = [
  "queries/ingest",
  "queries/check-sources",
  "queries/transform",
  "queries/check-quality",
  "audits",
  "extracts",
  "queries/reporting",
];
const DAILY_FULL_HISTORY_READS: Record<string, string> = {
  "check-sources/freshness_all_history ← {{table}}":
    "only for a source with nothing landed since the volume history began (recent_rows.sql found nothing recent)",
  "transform/renumbered_days ← staging.stg_shopify_orders":
    "only after late changes: the whole history of the late days' customers, as first-order numbering needs",
  "transform/renumbered_days ← unified.shopify_unified":
    "only after late changes: the late days' customers and their orders on any day",
  "transform/last_watermark ← ops.transform_watermarks": "one row per run date, not partitioned",
  "transform/stale_coverage_days ← unified.source_coverage":
    "one row per day and source: whether each older day's coverage still holds (a platform back, new settings)",
  "transform/recatalogued_days ← staging.stg_shopify_line_items":
    "only when the catalogue changes (a product renamed, re-categorised or new, or a line name a gift card's or " +
    "no longer): the days its products, SKUs or line names sold",
  "check-quality/profile_column ← {{table}}":
    "its table slot is a model (PROFILE_TARGETS), not a raw table: bounded on the model's partition column, the " +
    "{{date_column}} slot, from @history_start_date (the profiles' lookback)",
  "check-quality/profile_measure ← {{table}}":
    "its table slot is a model (PROFILE_TARGETS), not a raw table: bounded on the model's partition column, the " +
    "{{date_column}} slot, from @history_start_date (the profiles' lookback)",
  "extracts/executive_summary_monthly ← marts.executive_summary_monthly":
    "written whole every run: one row per month of history",
  "extracts/executive_summary_monthly ← marts.daily_kpis":
    "each month's orders with a value over its days to date, a year earlier too: one row a day",
};

function dailyQueries(): { name: string; sql: string }[] {
  return DAILY_QUERY_DIRS.flatMap((dir) =>
    readdirSync(join("sql", dir))
      .filter((file) => file.endsWith(".sql"))
      .map((file) => ({
        name: `${dir.replace(/^queries\//, "")}/${file.replace(/\.sql$/, "")}`,
        sql: readSql(`${dir}/${file}`),
      })),
  );
}

describe("partition filters in the daily run's queries", () => {
  for (const { name, sql } of dailyQueries()) {
    it(`${name} prunes every table it reads`, () => {
      for (const read of tableReads(sql)) {
        if (read.reach !== "history") continue;
        assert.ok(
          DAILY_FULL_HISTORY_READS[`${name} ← ${read.table}`],
          `${name} reads ${read.table} without a filter on ${read.partitionColumn ?? "its partition column"}: bound it or declare why`,
        );
      }
    });
  }

  it("declares no exception that no longer exists", () => {
    const found = new Set(
      dailyQueries().flatMap(({ name, sql }) =>
        tableReads(sql)
          .filter((read) => read.reach === "history")
          .map((read) => `${name} ← ${read.table}`),
      ),
    );
    for (const exception of Object.keys(DAILY_FULL_HISTORY_READS)) assert.ok(found.has(exception), exception);
  });
});

describe("the read parser these checks stand on", () => {
  const reach = (sql: string) => tableReads(sql).map((read) => `${read.table}:${read.reach}`);

  it("counts a filtered COUNT(*) as a read, and an unfiltered one as free (table metadata)", () => {
    assert.deepEqual(reach("SELECT COUNT(*) AS n FROM raw.shopify_orders WHERE id = @id"), [
      "raw.shopify_orders:history",
    ]);
    assert.deepEqual(reach("SELECT COUNT(*) AS n FROM raw.shopify_orders"), []);
  });

  it("takes a WHERE after joins through the table's alias, and ignores table names in string literals", () => {
    const joined = `SELECT 'staging.stg_shopify_orders' AS source, COUNT(*) AS n
FROM staging.stg_shopify_line_items AS line_items
LEFT JOIN staging.stg_shopify_products AS products ON products.product_id = line_items.product_id
WHERE line_items.order_date BETWEEN @window_start AND @window_end`;
    assert.deepEqual(reach(joined), [
      "staging.stg_shopify_line_items:window",
      "staging.stg_shopify_products:fixed",
    ]);
    // The other side's filter does not bound it.
    assert.deepEqual(reach(joined.replace("line_items.order_date", "products.order_date")), [
      "staging.stg_shopify_line_items:history",
      "staging.stg_shopify_products:fixed",
    ]);
    // An upper bound alone keeps all of the past.
    assert.deepEqual(reach("SELECT * FROM marts.daily_kpis WHERE date <= @run_date"), [
      "marts.daily_kpis:history",
    ]);
  });
});
