// The summary email shows what the run's deck was built from: the report step keeps its report data in the bucket
// (runs/dt=<date>/report-data.json) and notify of the same run reads it instead of querying the warehouse again.
// Through the local pipeline on a small demo shop: the kept data equals what the warehouse answers; a retry of the
// same run's notify ignores a warehouse changed since; another run's notify, or an unreadable file, queries again.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import PostalMime from "postal-mime";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { reportDataPath, summaryEmailMarkerPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadReportData } from "../../functions/lib/reporting/load-report-data.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { parseRunMessage, type RunOptions } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const secrets = fixedSecrets();

describe(
  "the summary email reads the report data its run's deck was built from",
  { timeout: 180_000 },
  () => {
    let workDir: string;
    let config: PulseConfig;
    let warehouse: DuckDbWarehouse;
    let bucket: FolderBucket;
    let firstEmail: string;

    /** Runs the pipeline (or part of it) as `runId`; the summary email's plain text and notify's metrics. */
    async function run(runId: string, options: Partial<RunOptions> = {}) {
      const report = await runLocally(
        config,
        parseRunMessage({ runDate: RUN_DATE, runId, trigger: "manual", options }),
        { log: silentLogger(), warehouse, secrets },
      );
      assert.deepEqual(report.failures, [], runId);
      const notify = report.records.find((record) => record.step === "notify" && record.runId === runId);
      const eml = await readFile(join(config.local.outboxDir, `summary-${RUN_DATE}_dtc-pulse.eml`));
      return { text: (await PostalMime.parse(eml)).text ?? "", metrics: notify?.metrics ?? {} };
    }

    /** Notify alone, as `runId`, after taking away the marker that says the date's email went out. */
    async function notifyAgain(runId: string) {
      await bucket.delete(summaryEmailMarkerPath(RUN_DATE));
      return run(runId, { from: "notify", force: true });
    }

    before(async () => {
      workDir = await mkdtemp(join(tmpdir(), "pulse-report-snapshot-"));
      config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
      warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
      bucket = new FolderBucket(config.local.bucketDir);
      await generateDemoData(warehouse.rawConnection, "raw", {
        ...defaultDemoOptions(RUN_DATE),
        startDate: addDays(RUN_DATE, -59),
        ordersPerDay: 20,
      });
      const first = await run("run-1");
      firstEmail = first.text;
      assert.equal(first.metrics.report_data_queried, 0, "the first run's email used its report's data");
    });
    after(async () => {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it("keeps, for its run, the report data the warehouse answers", async () => {
      const kept = JSON.parse(String(await bucket.read(reportDataPath(RUN_DATE)))) as {
        runId: string;
        runDate: string;
        data: Record<string, unknown>;
      };
      assert.equal(kept.runId, "run-1");
      assert.equal(kept.runDate, RUN_DATE);
      const { links, ...asked } = await loadReportData(
        {
          ports: { warehouse, bucket } as never,
          config,
          message: parseRunMessage({ runDate: RUN_DATE, runId: "asked", trigger: "manual" }),
          ledger: new Ledger(bucket),
        },
        {},
      );
      assert.deepEqual(links, {});
      assert.ok(asked.daily.length > 50 && asked.findings.length > 0, "a report with history and findings");
      assert.deepEqual(kept.data, JSON.parse(JSON.stringify(asked)));
    });

    it("shows the deck's numbers on a retry of the same run, and the warehouse's on another run", async () => {
      const [day] = (
        await warehouse.rawConnection.runAndReadAll(
          `SELECT orders FROM marts.daily_kpis WHERE date = DATE '${RUN_DATE}'`,
        )
      ).getRowObjectsJS();
      const orders = Number(day?.orders);
      assert.ok(orders > 0);
      // The warehouse changes after the report: a day's orders as no run of this date saw them.
      await warehouse.rawConnection.run(
        `UPDATE marts.daily_kpis SET orders = orders + 5000 WHERE date = DATE '${RUN_DATE}'`,
      );
      const changed = (orders + 5000).toLocaleString("en-US");
      assert.ok(!firstEmail.includes(changed));

      const retried = await notifyAgain("run-1");
      assert.equal(retried.metrics.report_data_queried, 0);
      assert.equal(retried.text, firstEmail);

      const another = await notifyAgain("run-2");
      assert.equal(another.metrics.report_data_queried, 1);
      assert.ok(another.text.includes(changed), `the re-queried email shows ${changed} orders`);
    });

    it("queries again when the kept data is unreadable, and sets the file aside", async () => {
      // Torn mid-write, as a crash could leave it: the run it names is this one, its data unreadable.
      await writeFile(join(config.local.bucketDir, reportDataPath(RUN_DATE)), '{"runId": "run-3", "da');
      const retried = await notifyAgain("run-3");
      assert.equal(retried.metrics.report_data_queried, 1);
      const setAside = (await bucket.list(reportDataPath(RUN_DATE))).filter((path) =>
        path.includes(".corrupt-"),
      );
      assert.equal(setAside.length, 1, "the unreadable file is kept aside for a look");
    });
  },
);
