// An upgrade that declares a new raw column (raw.shopify_orders.test), run from transform before any ingest of
// the new version: the transform may not add the column (in the cloud it only reads raw), so it fails for good
// with what is missing and the ingest run that adds it, not the engine's bare "no column named test"; that run
// then builds the models.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { printSummary } from "../../functions/cli/summary.ts";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import type { StepName } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { EVERY_SOURCE_FIXTURES, fixture, RUN_DATE, TIMEZONE } from "../ingest/harness.ts";
import { fixedSecrets } from "../support/secrets.ts";

const INGEST_COMMAND = `npm start -- --date ${RUN_DATE} --from ingest --force`;

describe(
  "a transform run before ingest, after an upgrade that declares a raw column",
  { timeout: 120_000 },
  () => {
    let workDir: string;
    let config: PulseConfig;
    let warehouse: DuckDbWarehouse;
    let runs = 0;
    const run = (options: { from: StepName; to: StepName; force?: boolean }) =>
      runLocally(
        config,
        parseRunMessage({
          runDate: RUN_DATE,
          runId: `run-${(runs += 1)}`,
          trigger: "manual",
          options: { skip: [], ...options },
        }),
        {
          log: silentLogger(),
          warehouse,
          clock: { now: () => new Date("2026-11-22T12:00:00Z") },
          secrets: fixedSecrets(),
        },
      );
    const ordersColumns = async () =>
      (await warehouse.listTables("raw"))
        .find((table) => table.name === "shopify_orders")
        ?.columns.map((column) => column.name) ?? [];

    before(async () => {
      workDir = await mkdtemp(join(tmpdir(), "pulse-raw-columns-"));
      config = loadConfig({ env: { PULSE_WORK_DIR: workDir, PULSE_TIMEZONE: TIMEZONE }, cwd: workDir });
      warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
      const bucket = new FolderBucket(config.local.bucketDir);
      for (const name of EVERY_SOURCE_FIXTURES) {
        await bucket.write(`raw/inbox/${name}`, await fixture(name));
      }
      const ingested = await run({ from: "ingest", to: "ingest" });
      assert.deepEqual(ingested.failures, []);
      // The orders table as the version before `test` left it: every other declared column, its orders landed.
      await warehouse.rawConnection.run("ALTER TABLE raw.shopify_orders DROP COLUMN test");
    });
    after(async () => {
      await warehouse.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it("fails for good, naming the table, its missing column and the ingest run that adds it", async () => {
      const report = await run({ from: "transform", to: "transform" });
      const transform = report.records.find((record) => record.step === "transform");
      assert.equal(transform?.status, "failed");
      // Permanent: one attempt, answered "failed" (a transient error is thrown, for the bus to retry).
      assert.equal(transform?.attempt, 1);
      assert.deepEqual(report.notDone, [{ step: "transform", reason: "failed" }]);
      const error = transform?.error ?? "";
      const [first = ""] = error.split("\n");
      assert.match(
        first,
        /^raw\.shopify_orders lacks the column test, which this version declares: run ingest first/,
      );
      assert.ok(first.endsWith(`: ${INGEST_COMMAND}`), first);
      assert.match(error, /--force because ingest has already succeeded for this date/);
      // The engine's own error stays in the message, for whoever needs it.
      assert.match(error, /The model's error: model staging\.stg_shopify_orders failed on DuckDB: .*"test"/);
      // Nothing else is reported missing, and the transform left the raw table as it was.
      assert.doesNotMatch(error, /there is no raw\./);
      assert.ok(!(await ordersColumns()).includes("test"));
      // The failure email carries it as the error.
      const outbox = await readdir(config.local.outboxDir);
      const page = outbox.find((name) => name.endsWith(".html"));
      assert.ok(page, outbox.join(", "));
      const html = await readFile(join(config.local.outboxDir, page), "utf8");
      assert.ok(html.includes("raw.shopify_orders lacks the column test, which this version declares"));
      assert.ok(html.includes(INGEST_COMMAND));
      // Its re-run block starts where the error says, from ingest, forced; not from the failed transform.
      assert.deepEqual(transform?.rerun, { from: "ingest", force: true });
      const text = await readFile(
        join(config.local.outboxDir, page.replace(/\.html$/, ".txt")),
        "utf8",
      ).catch(() => "");
      const rerunBlock = (text || html).split(/Re-run/).at(-1) ?? "";
      assert.ok(rerunBlock.includes(INGEST_COMMAND), rerunBlock.slice(0, 400));
      assert.doesNotMatch(rerunBlock, /--from transform/);
      assert.match(html, /Re-run the day from ingest, which this step needs to run first/);
      assert.doesNotMatch(html, /re-run from the failed step/);
      // And so does the command line's summary.
      const lines: string[] = [];
      await printSummary(report, config, (line) => lines.push(line));
      const summary = lines.join("\n");
      assert.ok(summary.includes(`re-run from ingest: ${INGEST_COMMAND}`), summary);
      assert.doesNotMatch(summary, /--from transform/);
    });

    it("builds once the ingest run it names has added the column", async () => {
      const report = await run({ from: "ingest", to: "transform", force: true });
      assert.deepEqual(report.failures, []);
      assert.equal(report.records.find((record) => record.step === "transform")?.status, "succeeded");
      assert.ok((await ordersColumns()).includes("test"));
      const orders = await warehouse.query<{ orders: number }>(
        "SELECT COUNT(*) AS orders FROM staging.stg_shopify_orders",
        {},
        { label: "fixture" },
      );
      assert.ok((orders[0]?.orders ?? 0) > 0);
    });
  },
);
