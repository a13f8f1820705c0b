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
});

/**
 * The daily run's other reads, before and around the models: ingest's (file drops, connectors), check-sources'
 * and the transform's own queries. A raw table is partitioned by extraction time, so each raw read bounds
 * `_airbyte_extracted_at`; the reads that need more are declared with the reason, as "<query> ← <table>".
 */
const DAILY_QUERY_DIRS = ["ingest", "check-sources", "transform"];
const DAILY_FULL_HISTORY_READS: Record<string, string> = {
  "check-sources/freshness_all_history ← {{table}}":
    "only for a source with nothing landed since the volume history began (recent_rows.sql found nothing recent)",
  "transform/renumbered_days ← staging.stg_shopify_orders":
    "only after late changes: the whole history of the late days' customers, as first-order numbering needs",
  "transform/renumbered_days ← unified.shopify_unified":
    "only after late changes: the late days' customers and their orders on any day",
  "transform/last_watermark ← ops.transform_watermarks": "one row per run date, not partitioned",
  "transform/history_settings ← ops.transform_settings": "one row per setting, not partitioned",
  "transform/stale_coverage_days ← unified.source_coverage":
    "one row per day and source: whether each older day's coverage still holds (a platform back, new settings)",
  "transform/recatalogued_days ← staging.stg_shopify_line_items":
    "only when the catalogue changes (a product renamed, re-categorised or new): the days its products sold",
};

function dailyQueries(): { name: string; sql: string }[] {
  return DAILY_QUERY_DIRS.flatMap((dir) =>
    readdirSync(join("sql", "queries", dir))
      .filter((file) => file.endsWith(".sql"))
      .map((file) => {
        const name = `${dir}/${file.replace(/\.sql$/, "")}`;
        return { name, sql: readSql(`queries/${name}.sql`) };
      }),
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
});
