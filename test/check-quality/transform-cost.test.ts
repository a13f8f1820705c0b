// The transform's cost jump: the rule over plain numbers, and over the ledger records run-step.ts writes with the
// real BigQuery adapter (its jobs billed through the recording fake), so the metric the rule reads is the one kept.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { BigQueryWarehouse } from "../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { formatBytes } from "../../functions/lib/bytes.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { transformCosts } from "../../functions/check-quality/step.ts";
import { type TransformCost, transformCostFinding } from "../../functions/check-quality/rules.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { Bus, Mailer, Secrets } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { runStep } from "../../functions/shared/run-step.ts";
import { FakeBigQuery, SETTINGS } from "../adapters/warehouse/bigquery/fake-client.ts";

const GiB = 2 ** 30;
const LIMITS = { minRuns: 7, factor: 2, minExcessBytes: GiB };
const day = (runDate: string, bytesBilled: number, fullBuild = false): TransformCost => ({
  runDate,
  bytesBilled,
  fullBuild,
});
/** Ten daily runs of 2, 3 and 4 GiB: their median is 3 GiB. */
const TEN_DAYS = Array.from({ length: 10 }, (_, index) =>
  day(`2026-11-${10 + index}`, (2 + (index % 3)) * GiB),
);

describe("the transform's cost jump (rule)", () => {
  it("warns when a daily run bills more than twice the median of the days before, by more than a GiB", () => {
    const finding = transformCostFinding(day("2026-11-21", 9 * GiB), TEN_DAYS, LIMITS, formatBytes);
    assert.equal(finding?.check, "transform_cost_jump");
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.blocking, false);
    assert.equal(finding?.observed, 9 * GiB);
    assert.equal(
      finding?.message,
      "The transform billed 9.0 GiB on BigQuery, 3.0× the median of its last 10 daily runs (3.0 GiB): a model may " +
        'have stopped pruning and reads all history every morning ("npm start -- plan --cloud" gives each ' +
        "model's bytes from a dry run).",
    );
  });

  it("says nothing at twice the median or less, for a jump under a GiB, on a full build, or without a week of runs", () => {
    assert.equal(transformCostFinding(day("2026-11-21", 6 * GiB), TEN_DAYS, LIMITS, formatBytes), undefined);
    const small = TEN_DAYS.map((run) => ({ ...run, bytesBilled: 100 * 2 ** 20 }));
    assert.equal(
      transformCostFinding(day("2026-11-21", 900 * 2 ** 20), small, LIMITS, formatBytes),
      undefined,
      "9× of 100 MiB is 800 MiB more: under the GiB",
    );
    assert.equal(
      transformCostFinding(day("2026-11-21", 90 * GiB, true), TEN_DAYS, LIMITS, formatBytes),
      undefined,
    );
    assert.equal(
      transformCostFinding(day("2026-11-21", 90 * GiB), TEN_DAYS.slice(0, 6), LIMITS, formatBytes),
      undefined,
    );
    assert.equal(
      transformCostFinding(day("2026-11-21", 0), TEN_DAYS, LIMITS, formatBytes),
      undefined,
      "DuckDB",
    );
  });

  it("leaves full builds out of the median", () => {
    const withRebuilds = [
      ...TEN_DAYS,
      day("2026-11-20", 500 * GiB, true),
      day("2026-11-19", 400 * GiB, true),
    ];
    const finding = transformCostFinding(day("2026-11-21", 9 * GiB), withRebuilds, LIMITS, formatBytes);
    assert.match(finding?.message ?? "", /3\.0× the median of its last 10 daily runs \(3\.0 GiB\)/);
  });
});

describe("the transform's cost jump (ledger records run-step writes)", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-transform-cost-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("reads each day's bytes billed from the transform's ledger record, full builds and rebuilds after changed columns marked", async () => {
    const bucket = new FolderBucket(root);
    // Each job bills what the test sets before the day's transform runs.
    let billed = 0;
    const fake = new FakeBigQuery(() => ({
      fields: [],
      rows: [],
      statistics: {
        startTime: "0",
        endTime: "100",
        totalSlotMs: "10",
        query: { totalBytesProcessed: String(billed), totalBytesBilled: String(billed) },
      },
    }));
    const runtime = {
      config: loadConfig({ env: {}, cwd: root }),
      log: silentLogger(),
      ports: {
        bucket,
        bus: { publish: async () => "1" } as Bus,
        warehouse: new BigQueryWarehouse(fake, SETTINGS),
        mailer: {} as Mailer,
        secrets: {} as Secrets,
        clock: { now: () => new Date("2026-11-22T07:00:00Z") },
      },
    };
    const runDate = "2026-11-21";
    // Two weeks of daily runs of two jobs at 1.5 GiB each, one of them a full build of 250 GiB and one a run that
    // rebuilt 12 models whole after an upgrade changed a model's columns (60 GiB); then 20 GiB.
    for (let back = 14; back >= 0; back -= 1) {
      const date = addDays(runDate, -back);
      const fullBuild = back === 9;
      const columnsChanged = back === 5;
      billed = back === 0 ? 10 * GiB : fullBuild ? 125 * GiB : columnsChanged ? 30 * GiB : 1.5 * GiB;
      const message = parseRunMessage({ runDate: date, runId: `scheduler-${date}`, trigger: "scheduler" });
      const outcome = await runStep(
        "transform",
        async (context) => {
          await context.ports.warehouse.execute("SELECT 1", {}, { label: "one" });
          await context.ports.warehouse.execute("SELECT 2", {}, { label: "two" });
          return {
            metrics: {
              models: 30,
              fullBuilds: fullBuild ? 30 : columnsChanged ? 12 : 3,
              columnsChangedModels: columnsChanged ? 1 : 0,
            },
          };
        },
        message,
        runtime,
      );
      assert.equal(outcome, "succeeded");
    }
    const { today, earlier } = await transformCosts(new Ledger(bucket), runDate, 14);
    assert.deepEqual(today, { runDate, bytesBilled: 20 * GiB, fullBuild: false });
    assert.equal(earlier.length, 14);
    assert.deepEqual(
      earlier.filter((cost) => cost.fullBuild),
      [
        { runDate: addDays(runDate, -5), bytesBilled: 60 * GiB, fullBuild: true },
        { runDate: addDays(runDate, -9), bytesBilled: 250 * GiB, fullBuild: true },
      ],
    );
    const finding = transformCostFinding(today, earlier, LIMITS, formatBytes);
    assert.match(
      finding?.message ?? "",
      /billed 20\.0 GiB on BigQuery, 6\.7× the median of its last 12 daily runs \(3\.0 GiB\)/,
    );
  });
});
