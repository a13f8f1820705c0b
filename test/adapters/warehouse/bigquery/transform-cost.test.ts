// What a daily transform costs on BigQuery, measured with the real adapter against a recording fake: how many
// jobs (and dry runs) it sends, and how many bytes its jobs scan when the raw tables are partitioned by day on
// _airbyte_extracted_at. The fake bills a query the way BigQuery prunes: a raw table read with a filter on its
// partition column costs the partitions of the window; read without one, every partition of its history.
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
import { type ModelDefinition, MODELS, modelPath } from "../../../../functions/lib/sql/models.ts";
import { readSql } from "../../../../functions/lib/sql/sql-files.ts";
import { buildWaves, modelParams, piiKeyParams } from "../../../../functions/transform/step.ts";
import { runWindow } from "../../../../functions/lib/run-window.ts";
import { loadConfig, type PulseConfig } from "../../../../functions/shared/config.ts";
import type { Ledger } from "../../../../functions/shared/ledger.ts";
import type { Ports } from "../../../../functions/shared/step.ts";
import { parseRunMessage } from "../../../../functions/shared/run-message.ts";
import { runTransform } from "../../../../functions/transform/step.ts";
import { fixedSecrets } from "../../../support/secrets.ts";
import { FakeBigQuery, type Outcome, SETTINGS } from "./fake-client.ts";

const PARTITION_BYTES = 1_000_000;
const RUN_DATE = "2026-11-21";

/**
 * What BigQuery would bill a statement for its raw-table reads: each `raw.<table>` reference costs the partitions
 * its own filter selects. A reference whose query block (up to the next FROM or JOIN) compares
 * _airbyte_extracted_at, the partition column, with a parameter reads the partitions since the last run
 * (`windowDays`); any other reads every partition of the table's history.
 */
export function rawScanBytes(sql: string, historyDays: number, windowDays: number): number {
  const bound =
    /_airbyte_extracted_at\s*(?:>=|>|BETWEEN)[^;\n]*@\w+|@\w+[^;\n]*(?:<=|<)\s*(?:\w+\.)?_airbyte_extracted_at/i;
  let bytes = 0;
  for (const match of sql.matchAll(/\braw\.(\w+)/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const rest = sql.slice(start);
    const end = rest.search(/\b(?:FROM|JOIN)\b/i);
    const block = end < 0 ? rest : rest.slice(0, end);
    const pruned = /\bWHERE\b/i.test(block) && bound.test(block);
    bytes += PARTITION_BYTES * (pruned ? windowDays : historyDays);
  }
  return bytes;
}

/** The fake, with dry runs answered as BigQuery estimates them: the raw partitions the filters select. */
class PruningFake extends FakeBigQuery {
  constructor(
    respond: (request: JobRequest) => Outcome,
    private readonly historyDays: number,
    private readonly windowDays: number,
  ) {
    super(respond);
  }

  override async createJob(request: JobRequest): Promise<[BigQueryJobHandle, JobMetadata?]> {
    const answer = await super.createJob(request);
    if (!request.configuration.dryRun) return answer;
    const bytes = rawScanBytes(request.configuration.query.query, this.historyDays, this.windowDays);
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

function fakeFor(historyDays: number, windowDays: number, failing?: string): PruningFake {
  return (lastFake = new PruningFake(
    (request: JobRequest): Outcome => {
      const sql = request.configuration.query.query;
      if (failing && sql.includes(`.${failing}\``) && sql.includes("rows_written")) {
        return { error: { reason: "invalidQuery", message: `Syntax error in ${failing}` } };
      }
      const dataset = /\.(\w+)`\.(?:INFORMATION_SCHEMA|__TABLES__)/.exec(sql)?.[1] ?? "";
      const models = MODELS.filter((model) => model.layer === dataset);
      const statistics = (bytes: number) => ({
        startTime: "0",
        endTime: "10",
        query: { totalBytesProcessed: String(bytes), totalBytesBilled: String(Math.max(bytes, 10_485_760)) },
      });
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        // Every model's table exists, built by the model's current SQL (its fingerprint label).
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: models.map((model) => [
            model.name,
            "id",
            "STRING",
            `[STRUCT("pulse_model", "${fingerprint(model)}")]`,
          ]),
          statistics: statistics(0),
        };
      }
      if (sql.includes("__TABLES__")) {
        return {
          fields: [{ name: "table_id" }, { name: "row_count" }],
          rows: models.map((m) => [m.name, "10"]),
          statistics: statistics(0),
        };
      }
      return {
        fields: [{ name: "rows_written", type: "INT64" }],
        rows: [["5"]],
        statistics: statistics(rawScanBytes(sql, historyDays, windowDays)),
      };
    },
    historyDays,
    windowDays,
  ));
}

describe("the fake's partition pruning (what BigQuery bills a raw read)", () => {
  it("bills the window for a filter on _airbyte_extracted_at, all history for one on the event date", () => {
    const day = PARTITION_BYTES;
    assert.equal(
      rawScanBytes(
        "SELECT * FROM raw.shopify_orders WHERE DATE(created_at) BETWEEN @window_start AND @window_end",
        700,
        8,
      ),
      700 * day,
    );
    assert.equal(
      rawScanBytes(
        "SELECT * FROM raw.shopify_orders AS o WHERE o._airbyte_extracted_at >= TIMESTAMP(@since)",
        700,
        8,
      ),
      8 * day,
    );
    assert.equal(
      rawScanBytes(
        "SELECT * FROM raw.shopify_orders WHERE TIMESTAMP(@since) <= _airbyte_extracted_at",
        700,
        8,
      ),
      8 * day,
    );
    assert.equal(
      rawScanBytes(
        "WITH a AS (SELECT * FROM raw.facebook_ads_insights WHERE _airbyte_extracted_at >= @since), b AS (SELECT * FROM raw.shopify_orders) SELECT 1 FROM a JOIN b ON TRUE",
        700,
        8,
      ),
      8 * day + 700 * day,
      "each reference by its own filter",
    );
  });
});

describe("the transform's build waves", () => {
  it("puts every model after the models it reads, and runs the independent ones together", () => {
    const waves = buildWaves(MODELS);
    const waveOf = new Map(
      waves.flatMap((wave, index) => wave.map((model) => [`${model.layer}.${model.name}`, index])),
    );
    assert.equal(waveOf.size, MODELS.length, "every model once");
    for (const model of MODELS) {
      for (const dependency of model.dependencies) {
        if (!waveOf.has(dependency)) continue;
        assert.ok(
          (waveOf.get(dependency) ?? Infinity) < (waveOf.get(`${model.layer}.${model.name}`) ?? -1),
          `${model.layer}.${model.name} after ${dependency}`,
        );
      }
    }
    process.stdout.write(
      `# ${MODELS.length} models in ${waves.length} waves: ${waves.map((wave) => wave.length).join(", ")}\n`,
    );
    assert.ok(waves.length < MODELS.length, "some models build in parallel");
  });

  it("refuses a dependency cycle, naming the models in it", () => {
    const model = (name: string, dependencies: string[]): ModelDefinition => ({
      name,
      layer: "marts",
      grain: "one row per thing",
      key: [],
      notNull: [],
      materialization: "full",
      dependencies,
    });
    assert.throws(
      () => buildWaves([model("a", []), model("b", ["marts.c"]), model("c", ["marts.b"])]),
      /cycle among marts\.b, marts\.c/,
    );
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

  async function dailyRun(historyDays: number, failing?: string) {
    const fake = fakeFor(historyDays, config.lookbackDays + 1, failing);
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
    // listTables of staging, unified and marts (and ops, for the watermark): columns and row counts, once each.
    assert.ok(metadataJobs <= 8, `${metadataJobs} metadata jobs`);
    const modelScripts = fake.queries().filter((sql) => sql.includes("rows_written")).length;
    assert.equal(modelScripts, MODELS.length, "one script per model");
    // Anything else is the transform's own bookkeeping (e.g. its watermark), a handful of small queries.
    assert.ok(jobs - modelScripts - metadataJobs <= 4, `${jobs - modelScripts - metadataJobs} other jobs`);
    assert.equal(dryRuns, 0);
  });

  it("stops starting models after one fails, waits for the running ones, and fails the step", async () => {
    const waves = buildWaves(MODELS);
    const failing = waves[0]?.[0];
    assert.ok(failing);
    const later = new Set(
      waves
        .slice(1)
        .flat()
        .map((model) => model.name),
    );
    let fake: FakeBigQuery | undefined;
    await assert.rejects(
      (async () => {
        try {
          await dailyRun(30, failing.name);
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
      assert.ok(!later.has(table), `${table} (a later wave) never started`);
    }
  });

  it("scans the same bytes whatever the length of history (staging filters raw on _airbyte_extracted_at)", async () => {
    // Which staging models read a raw table without isolating its partition column in their filter.
    const growing = MODELS.filter((model) => model.layer === "staging").flatMap((model) => {
      const sql = readSql(modelPath(model));
      return rawScanBytes(sql, 730, 8) === rawScanBytes(sql, 30, 8) ? [] : [model.name];
    });
    process.stdout.write(
      `# staging models whose raw reads grow with history: ${growing.join(", ") || "none"}\n`,
    );
    assert.deepEqual(growing, [], "every staging model prunes the raw tables it reads");
    // The models' jobs, as the daily transform sends them…
    const month = await dailyRun(30);
    const twoYears = await dailyRun(730);
    process.stdout.write(
      `# bytes scanned by a daily transform: ${month.bytes} with 30 days of history, ${twoYears.bytes} with 730\n`,
    );
    assert.ok(month.bytes > 0, "the staging models read the raw tables");
    // …and each staging model's dry run, recorded by the fake.
    const dryRunBytes = async (historyDays: number) => {
      const fake = fakeFor(historyDays, config.lookbackDays + 1);
      const warehouse = new BigQueryWarehouse(fake, SETTINGS);
      const message = parseRunMessage({ runDate: RUN_DATE, runId: "scheduler-test", trigger: "scheduler" });
      const params = modelParams(
        { message, config },
        runWindow(RUN_DATE, config.lookbackDays),
        await piiKeyParams(fixedSecrets()),
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
    assert.equal(dryTwoYears, dryMonth, "a daily run's dry-run bytes do not grow with history");
    assert.equal(twoYears.bytes, month.bytes, "a daily run's billed bytes do not grow with history");
  });
});
