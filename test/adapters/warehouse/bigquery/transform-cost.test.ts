// What a daily transform costs on BigQuery, measured with the real adapter against a recording fake: how many
// jobs (and dry runs) it sends, and how many bytes its jobs scan. The fake bills a query the way BigQuery prunes
// (./billing.ts): a table read with a filter on its partition column costs the partitions of the window; read
// without one, every partition of its history.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type {
  BigQueryJobHandle,
  JobMetadata,
  JobRequest,
} from "../../../../functions/adapters/warehouse/bigquery/client.ts";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { silentLogger } from "../../../../functions/lib/logger.ts";
import { modelFingerprint } from "../../../../functions/adapters/warehouse/bigquery/table-writes.ts";
import {
  downstreamOf,
  type ModelDefinition,
  modelId,
  MODELS,
  modelPath,
} from "../../../../functions/lib/sql/models.ts";
import { readSql } from "../../../../functions/lib/sql/sql-files.ts";
import { modelParams, piiKeyPads } from "../../../../functions/transform/step.ts";
import { runWindow } from "../../../../functions/lib/run-window.ts";
import { loadConfig, type PulseConfig } from "../../../../functions/shared/config.ts";
import type { Ledger } from "../../../../functions/shared/ledger.ts";
import { WATERMARKS_TABLE } from "../../../../functions/lib/warehouse-state.ts";
import type { Ports } from "../../../../functions/shared/step.ts";
import { parseRunMessage } from "../../../../functions/shared/run-message.ts";
import { runTransform } from "../../../../functions/transform/step.ts";
import { fixedSecrets } from "../../../support/secrets.ts";
import { tableReads } from "../../../support/table-reads.ts";
import { daysRead, PARTITION_BYTES, scanBytes } from "./billing.ts";
import { FakeBigQuery, type Outcome, SETTINGS } from "./fake-client.ts";

const RUN_DATE = "2026-11-21";

/** The fake, with dry runs answered as BigQuery estimates them: the raw partitions the filters select. */
class PruningFake extends FakeBigQuery {
  constructor(
    respond: (request: JobRequest) => Outcome,
    private readonly historyDays: number,
    private readonly windowDays: number,
  ) {
    super(respond);
  }

  /** Model scripts being sent at once, and the most there were: independent models build in parallel. */
  readonly scripts = { running: 0, most: 0 };
  /** "start <dataset>.<table>" and "end <dataset>.<table>" of each model script, in the order they happened. */
  readonly scriptEvents: string[] = [];

  override async createJob(request: JobRequest): Promise<[BigQueryJobHandle, JobMetadata?]> {
    if (request.configuration.query.query.includes("rows_written")) {
      const table = /`shop-analytics\.(\w+)\.(\w+)`/.exec(request.configuration.query.query);
      const model = table ? `${table[1]}.${table[2]}` : "?";
      // A job's latency, as a few event-loop turns: scripts sent together overlap here.
      this.scripts.running += 1;
      this.scripts.most = Math.max(this.scripts.most, this.scripts.running);
      this.scriptEvents.push(`start ${model}`);
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      this.scriptEvents.push(`end ${model}`);
      this.scripts.running -= 1;
    }
    const answer = await super.createJob(request);
    if (!request.configuration.dryRun) return answer;
    const bytes = scanBytes(request.configuration.query.query, this.historyDays, this.windowDays);
    return [
      answer[0],
      { status: { state: "DONE" }, statistics: { query: { totalBytesProcessed: String(bytes) } } },
    ];
  }
}

function fingerprint(model: ModelDefinition): string {
  return modelFingerprint({
    dataset: model.layer,
    table: model.name,
    sql: readSql(modelPath(model)),
    params: {},
    partitionColumn: model.partitionColumn,
    clusterBy: model.clusterBy,
    uniqueKey: model.uniqueKey,
  });
}

let lastFake: FakeBigQuery | undefined;

/**
 * A day before the run window on which a late change landed (Airbyte lands an old order again when it is refunded
 * or cancelled), and a later day whose first-order numbering that change made stale: what a daily run meets most
 * mornings once a shop has history.
 */
const LATE_DAY = "2026-06-15";
const RENUMBERED_DAY = "2026-07-02";

/** What each raw table held of the rows extracted in the 24 hours before its mark, as the last transform read it. */
const LANDED_ROWS = {
  shopify_orders: { rows: 1800, digest: "123456789" },
  facebook_ads_insights: { rows: 0, digest: "0" },
  tiktok_ads_reports_daily: { rows: 0, digest: "0" },
  google_ads_campaign_stats: { rows: 0, digest: "0" },
  google_ads_asset_group_stats: { rows: 0, digest: "0" },
  google_ads_campaign_totals: { rows: 0, digest: "0" },
  fx_rates: { rows: 0, digest: "0" },
};
const LAST_WATERMARK = JSON.stringify({
  shopify_orders: "2026-11-21 06:00:00.000000+00",
  facebook_ads_insights: "1970-01-01 00:00:00+00",
  tiktok_ads_reports_daily: "1970-01-01 00:00:00+00",
  google_ads_campaign_stats: "2026-11-21 04:00:00.000000+00",
  google_ads_asset_group_stats: "2026-11-21 04:00:00.000000+00",
  google_ads_campaign_totals: "2026-11-21 04:00:00.000000+00",
  fx_rates: "1970-01-01 00:00:00+00",
  landed: { hours: 24, tables: LANDED_ROWS },
});

/**
 * The fake BigQuery of a shop whose every model is built and whose last transform saved a watermark: its answers to
 * the transform's own queries (watermarks, changed and renumbered days; a late change when `lateChanges`), and to
 * each job, the bytes `scanBytes` bills it.
 */
function fakeFor(
  historyDays: number,
  windowDays: number,
  options: { failing?: string; lateChanges?: boolean } = {},
): PruningFake {
  const { failing, lateChanges = false } = options;
  return (lastFake = new PruningFake(
    (request: JobRequest): Outcome => {
      const sql = request.configuration.query.query;
      if (failing && sql.includes(`.${failing}\``) && sql.includes("rows_written")) {
        return { error: { reason: "invalidQuery", message: `Syntax error in ${failing}` } };
      }
      const dataset = /\.(\w+)`\.(?:INFORMATION_SCHEMA|__TABLES__)/.exec(sql)?.[1] ?? "";
      const tables = [
        ...MODELS.filter((model) => model.layer === dataset).map((model) => ({
          name: model.name,
          label: fingerprint(model),
        })),
        ...(dataset === "ops" && lateChanges ? [{ name: WATERMARKS_TABLE, label: "" }] : []),
      ];
      const statistics = (bytes: number) => ({
        startTime: "0",
        endTime: "10",
        query: { totalBytesProcessed: String(bytes), totalBytesBilled: String(Math.max(bytes, 10_485_760)) },
      });
      const answer = (fields: string[], rows: unknown[][]): Outcome => ({
        fields: fields.map((name) => ({ name })),
        rows,
        statistics: statistics(scanBytes(sql, historyDays, windowDays)),
      });
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        // Every model's table exists, built by the model's current SQL (its fingerprint label).
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: tables.map((table) => [
            table.name,
            "id",
            "STRING",
            `[STRUCT("pulse_model", "${table.label}")]`,
          ]),
          statistics: statistics(0),
        };
      }
      if (sql.includes("__TABLES__")) {
        return {
          fields: [{ name: "table_id" }, { name: "row_count" }],
          rows: tables.map((table) => [table.name, "10"]),
          statistics: statistics(0),
        };
      }
      switch (request.configuration.labels.label) {
        case "last_transform_watermark":
          return answer(["run_date", "watermark"], [["2026-11-20", LAST_WATERMARK]]);
        case "rows_landed_before_the_marks":
          // The same rows as the last transform kept: nothing landed behind its marks.
          return answer(
            ["raw_table", "landed_rows", "raw_id_digest"],
            Object.entries(LANDED_ROWS).map(([table, rows]) => [table, String(rows.rows), rows.digest]),
          );
        case "newest_raw_extraction":
          return answer(
            ["raw_table", "extracted_at"],
            [
              ["shopify_orders", "2026-11-22 06:00:00.000000+00"],
              ["facebook_ads_insights", null],
              ["tiktok_ads_reports_daily", null],
              ["google_ads_campaign_stats", "2026-11-22 04:00:00.000000+00"],
              ["google_ads_asset_group_stats", "2026-11-22 04:00:00.000000+00"],
              ["google_ads_campaign_totals", null],
              ["fx_rates", null],
            ],
          );
        case "days_changed_since_the_watermark":
          return answer(["day"], [[LATE_DAY], [RUN_DATE]]);
        case "days_whose_first-order_numbering_changed":
          return answer(["day"], [[RENUMBERED_DAY]]);
        case "products_the_catalogue_merge_changes":
          // The catalogue did not change: no product's days are read (test/sql/catalogue-changes.test.ts).
          return answer(["product_id", "sku"], []);
        case "days_whose_source_coverage_is_out_of_date":
          // Every source's coverage still holds (test/sql/source-coverage.test.ts rebuilds days that do not).
          return answer(["day"], []);
      }
      return answer(["rows_written"], [["5"]]);
    },
    historyDays,
    windowDays,
  ));
}

describe("the fake's billing (what BigQuery bills a read)", () => {
  it("bills the window for a filter on _airbyte_extracted_at, all history for one on the event date", () => {
    const day = PARTITION_BYTES;
    assert.equal(
      scanBytes(
        "SELECT * FROM raw.shopify_orders WHERE DATE(created_at) BETWEEN @window_start AND @window_end",
        700,
        8,
      ),
      700 * day,
    );
    assert.equal(
      scanBytes(
        "SELECT * FROM raw.shopify_orders AS o WHERE o._airbyte_extracted_at >= TIMESTAMP(@since)",
        700,
        8,
      ),
      8 * day,
    );
    assert.equal(
      scanBytes("SELECT * FROM raw.shopify_orders WHERE TIMESTAMP(@since) <= _airbyte_extracted_at", 700, 8),
      8 * day,
    );
    assert.equal(
      scanBytes(
        "WITH a AS (SELECT * FROM raw.facebook_ads_insights WHERE _airbyte_extracted_at >= @since), b AS (SELECT * FROM raw.shopify_orders) SELECT 1 FROM a JOIN b ON TRUE",
        700,
        8,
      ),
      8 * day + 700 * day,
      "each reference by its own filter",
    );
  });

  it("bills a model table by its own partition column; write targets, comments and a COUNT(*) read nothing", () => {
    const reaches = (sql: string) => tableReads(sql).map(({ table, reach }) => ({ table, reach }));
    const target = "`shop-analytics.staging.stg_shopify_orders`";
    const script = [
      "-- reads staging.stg_shopify_refunds in a comment",
      `DELETE FROM ${target} WHERE \`order_date\` BETWEEN @window_start AND @window_end;`,
      `INSERT INTO ${target} (order_id) SELECT order_id FROM (SELECT order_id, order_date FROM raw.shopify_orders WHERE _airbyte_extracted_at >= @since) AS model WHERE order_date BETWEEN @window_start AND @window_end;`,
      `ALTER TABLE ${target} SET OPTIONS (labels = []);`,
      `SELECT COUNT(*) AS rows_written FROM ${target};`,
    ].join("\n");
    assert.deepEqual(reaches(script), [
      { table: "staging.stg_shopify_orders", reach: "window" },
      { table: "raw.shopify_orders", reach: "window" },
    ]);
    const cases: { sql: string; reads: ReturnType<typeof reaches>; why: string }[] = [
      {
        sql: "SELECT MAX(date) FROM unified.ad_performance WHERE date <= @window_end; SELECT 1 FROM marts.geographic_sales WHERE month >= @window_start",
        reads: [
          { table: "unified.ad_performance", reach: "history" },
          { table: "marts.geographic_sales", reach: "window" },
        ],
        why: "only a lower bound prunes the past",
      },
      {
        sql: "DELETE FROM staging.stg_shopify_customers WHERE `customer_id` IN (SELECT `customer_id` FROM changed); SELECT * FROM staging.channels",
        reads: [
          { table: "staging.stg_shopify_customers", reach: "history" },
          { table: "staging.channels", reach: "fixed" },
        ],
        why: "a keyed delete reads every customer's key; the channel list is a fixed reference table",
      },
    ];
    for (const { sql, reads, why } of cases) assert.deepEqual(reaches(sql), reads, why);
  });
});

describe("a daily transform on BigQuery (recording fake)", { timeout: 60_000 }, () => {
  let workDir: string;
  let config: PulseConfig;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-transform-cost-"));
    config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
  });
  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  async function dailyRun(historyDays: number, options: { failing?: string; lateChanges?: boolean } = {}) {
    const fake = fakeFor(historyDays, config.lookbackDays + 1, options);
    const warehouse = new BigQueryWarehouse(fake, SETTINGS).forRun({
      runDate: RUN_DATE,
      step: "transform",
      runId: "scheduler-test",
    });
    const message = parseRunMessage({ runDate: RUN_DATE, runId: "scheduler-test", trigger: "scheduler" });
    const result = await runTransform({
      step: "transform",
      message,
      config,
      ports: { warehouse, secrets: fixedSecrets() } as unknown as Ports,
      ledger: {} as Ledger,
      log: silentLogger(),
    });
    const dryRuns = fake.requests.filter((request) => request.configuration.dryRun).length;
    return { fake, result, jobs: fake.executions, dryRuns, bytes: warehouse.stats().bytesProcessed };
  }

  it("sends one job per model after one metadata read per layer, and no per-model dry run or existence query", async () => {
    const { jobs, dryRuns, result, fake } = await dailyRun(365);
    const metadataJobs = fake
      .queries()
      .filter((sql) => sql.includes("INFORMATION_SCHEMA") || sql.includes("__TABLES__")).length;
    process.stdout.write(
      `# transform on BigQuery: ${MODELS.length} models, ${jobs} jobs (${metadataJobs} metadata), ${dryRuns} dry runs\n`,
    );
    assert.equal(result.metrics?.models, MODELS.length);
    assert.equal(
      result.metrics?.fullBuilds,
      MODELS.filter((model) => model.materialization === "full").length,
      "only the models materialized whole (small reference tables) are rebuilt on a daily run",
    );
    // Before (main at 419ac7a, 24 models): 51 jobs (6 listTables + 21 existence queries + 24 scripts) and 21 dry
    // runs.
    // listTables of staging, unified and marts (and ops, for the watermark): their columns, once each. Until
    // 2026-12-03 each listing also counted rows, which the transform does not use: 8 metadata jobs, 40 in all.
    assert.ok(metadataJobs <= 4, `${metadataJobs} metadata jobs`);
    assert.ok(!fake.queries().some((sql) => sql.includes("__TABLES__")), "no row counts");
    const modelScripts = fake.queries().filter((sql) => sql.includes("rows_written")).length;
    assert.equal(modelScripts, MODELS.length, "one script per model");
    // Independent models were sent together, up to parallelWrites (8); each model after the models it reads ended.
    assert.ok(fake.scripts.most > 1 && fake.scripts.most <= 8, `${fake.scripts.most} model scripts at once`);
    for (const model of MODELS) {
      const started = fake.scriptEvents.indexOf(`start ${modelId(model)}`);
      assert.ok(started >= 0, `${modelId(model)} was built`);
      for (const dependency of model.dependencies)
        assert.ok(
          fake.scriptEvents.indexOf(`end ${dependency}`) < started,
          `${modelId(model)} started after ${dependency} ended`,
        );
    }
    // Anything else is the transform's own bookkeeping (e.g. its watermark), a handful of small queries.
    assert.ok(jobs - modelScripts - metadataJobs <= 4, `${jobs - modelScripts - metadataJobs} other jobs`);
    assert.equal(dryRuns, 0);
  });

  it("checks for late-landed batches in two more small jobs, pruned to the hours before the marks", async () => {
    // docs/late-data.md, "Late changes": "On BigQuery these are two more small jobs a run, pruned to those hours' partitions":
    // the last transform's span asked again, and this run's span kept with its marks.
    const landedJobs = async (historyDays: number) => {
      const { fake } = await dailyRun(historyDays, { lateChanges: true });
      return fake.requests
        .filter((request) => request.configuration.labels.label === "rows_landed_before_the_marks")
        .map((request) => scanBytes(request.configuration.query.query, historyDays, config.lookbackDays + 1));
    };
    const [month, twoYears] = [await landedJobs(30), await landedJobs(730)];
    assert.equal(month.length, 2);
    assert.ok(
      month.every((bytes) => bytes > 0),
      "they read the raw tables",
    );
    assert.deepEqual(twoYears, month, "their bytes do not grow with history");
  });

  it("stops starting models after one fails, waits for the running ones, and fails the step", async () => {
    const failing = MODELS.find((model) => model.layer === "staging" && model.name === "stg_shopify_orders");
    assert.ok(failing);
    const later = new Set(
      [...downstreamOf([modelId(failing)])]
        .filter((id) => id !== modelId(failing))
        .map((id) => id.split(".")[1]),
    );
    let fake: FakeBigQuery | undefined;
    await assert.rejects(
      (async () => {
        try {
          await dailyRun(30, { failing: failing.name });
        } finally {
          fake = lastFake;
        }
      })(),
      new RegExp(`Syntax error in ${failing.name}`),
    );
    const started = (fake?.queries() ?? []).filter((sql) => sql.includes("rows_written"));
    assert.ok(started.length > 0);
    for (const sql of started) {
      const table = /`shop-analytics\.\w+\.(\w+)`/.exec(sql)?.[1] ?? "";
      assert.ok(!later.has(table), `${table} (built from the failing model) never started`);
    }
  });

  it("scans the same bytes whatever the length of history (staging filters raw on _airbyte_extracted_at)", async () => {
    // Which staging models read a raw table without isolating its partition column in their filter.
    const growing = MODELS.filter((model) => model.layer === "staging").flatMap((model) => {
      const sql = readSql(modelPath(model));
      const raw = tableReads(sql).filter((read) => read.table.startsWith("raw."));
      return raw.some((read) => read.reach === "history") ? [model.name] : [];
    });
    process.stdout.write(
      `# staging models whose raw reads grow with history: ${growing.join(", ") || "none"}\n`,
    );
    assert.deepEqual(growing, [], "every staging model prunes the raw tables it reads");
    // Each staging model's dry run, as the fake estimates it.
    const dryRunBytes = async (historyDays: number) => {
      const fake = fakeFor(historyDays, config.lookbackDays + 1);
      const warehouse = new BigQueryWarehouse(fake, SETTINGS);
      const message = parseRunMessage({ runDate: RUN_DATE, runId: "scheduler-test", trigger: "scheduler" });
      const params = modelParams(
        { message, config },
        runWindow(RUN_DATE, config.lookbackDays),
        { ...(await piiKeyPads(fixedSecrets())) },
        "[]",
      );
      let total = 0;
      for (const model of MODELS.filter((candidate) => candidate.layer === "staging")) {
        total += await warehouse.estimateBytes(readSql(modelPath(model)), params, { label: model.name });
      }
      assert.ok(fake.requests.every((request) => request.configuration.dryRun));
      return total;
    };
    const [dryMonth, dryTwoYears] = [await dryRunBytes(30), await dryRunBytes(730)];
    process.stdout.write(
      `# staging dry runs: ${dryMonth} bytes with 30 days of history, ${dryTwoYears} with 730\n`,
    );
    assert.ok(dryMonth > 0, "the staging models read the raw tables");
    assert.equal(dryTwoYears, dryMonth, "a daily run's staging dry-run bytes do not grow with history");
  });

  it("reads history only where a daily run must: first-order numbering, keyed merges, narrow look-ups", async () => {
    // A daily run the morning after a late change (an old order refunded): the run window, the late day, and the
    // days whose first-order numbering it changed are rebuilt.
    const runs = {
      month: await dailyRun(30, { lateChanges: true }),
      twoYears: await dailyRun(730, { lateChanges: true }),
    };
    const labels = runs.twoYears.fake.requests.map((request) => request.configuration.labels.label ?? "");
    assert.ok(
      labels.some((label) => label.includes("late_changes")),
      "the late day was rebuilt",
    );
    assert.ok(
      labels.some((label) => label.includes("renumbered_orders")),
      "the renumbered day was rebuilt",
    );
    // Every job's reads: the ones that reach the whole history by job (its model, or its label) and table, and the
    // days of data all the others read.
    const jobName = (label: string) =>
      MODELS.map((model) => `${model.layer}.${model.name}`)
        .filter((name) => label.startsWith(name.replace(".", "_")))
        .sort((a, b) => b.length - a.length)[0] ?? label;
    const readsOf = (fake: FakeBigQuery, historyDays: number) => {
      const whole = new Set<string>();
      let boundedDays = 0;
      for (const request of fake.requests) {
        for (const read of tableReads(request.configuration.query.query)) {
          if (read.reach === "history") {
            whole.add(`${jobName(request.configuration.labels.label ?? "")} ← ${read.table}`);
          } else {
            boundedDays += daysRead(read, historyDays, config.lookbackDays + 1);
          }
        }
      }
      return { whole: [...whole].sort(), boundedDays };
    };
    const month = readsOf(runs.month.fake, 30);
    const twoYears = readsOf(runs.twoYears.fake, 730);
    process.stdout.write(
      `# a daily run with a late change: ${twoYears.whole.length} reads of the whole history:\n` +
        twoYears.whole.map((read) => `#   ${read}\n`).join("") +
        `# and days of data read by all its other reads: ${month.boundedDays} with 30 days of history, ` +
        `${twoYears.boundedDays} with 730\n`,
    );
    assert.ok(month.boundedDays > 0);
    assert.equal(twoYears.boundedDays, month.boundedDays, "every other read is pruned to the days it needs");
    // Each has its reason; a read that is not here makes every morning's bill grow with the shop's age.
    assert.deepEqual(
      twoYears.whole,
      [
        // A window order's number needs its customer's earlier orders however old (order id, time, cancelled
        // flag and customer fingerprint).
        "unified.shopify_unified ← staging.stg_shopify_orders",
        // The same numbering, compared for the late day's customers.
        "days_whose_first-order_numbering_changed ← staging.stg_shopify_orders",
        "days_whose_first-order_numbering_changed ← unified.shopify_unified",
        // A keyed merge finds the changed customers among all of them (the key column).
        "staging.stg_shopify_customers ← staging.stg_shopify_customers",
        // A UTM may name a campaign that last spent before the window (platform, campaign id and name, date).
        "marts.campaign_performance_daily ← unified.ad_performance",
        // Each platform's newest day of data (date and channel).
        "marts.marketing_unified_with_explanations ← unified.ad_performance",
        // The explanations, rebuilt whole so that old days' reasons follow what is known now: a row a day and channel.
        "marts.marketing_unified_with_explanations ← unified.marketing_unified",
        // The shop's first order day: one date a day of history, not one an order.
        "marts.marketing_unified_with_explanations ← unified.shop_order_days",
        "unified.source_coverage ← unified.shop_order_days",
        // Whether the shop has had an order yet, before any gap row for a paid channel's day.
        "marts.marketing_daily_channel ← unified.shop_order_days",
        // Whether last year's days are covered from their first day (a day without a row there is a zero day).
        "marts.executive_summary_monthly ← unified.shop_order_days",
        // Cohorts are rebuilt from one row per cohort and order month: months², a few hundred rows.
        "marts.ltv_cohorts ← unified.customer_cohort_activity",
        // Whether each older day's source coverage still holds: a row a day and source.
        "days_whose_source_coverage_is_out_of_date ← unified.source_coverage",
        // The newest watermark: one row per run date.
        "last_transform_watermark ← ops.transform_watermarks",
      ].sort(),
    );
  });
});
