// The daily run event-driven, as in the cloud: the Pub/Sub emulator pushes each step's message to that step's
// Cloud Function, served by functions-framework. It makes what the in-process run makes; duplicate and
// out-of-order deliveries change nothing; a failing step emails its failure, a re-run from it completes the run,
// and a step that keeps failing goes through the dead-letter topic. Needs gcloud and Java (CI has them).
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import JSZip from "jszip";
import PostalMime from "postal-mime";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { type EmulatedPipeline, startEmulatedPipeline } from "../../tools/emulate/emulated-pipeline.ts";
import { sessionMembers } from "../../tools/emulate/process-group.ts";
import { checkEmulatorPrerequisites } from "../../tools/emulate/pubsub-emulator.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../tools/emulate/topology.ts";
import { waitForRunEnd } from "../../tools/emulate/wait-for-run.ts";
import { createFunctionRuntime } from "../../functions/runtime/function-runtime.ts";
import { deckPath, extractPath, INBOX_PREFIX, latestExtractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays, yesterdayIn } from "../../functions/lib/calendar.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { Ledger, type StepRecord } from "../../functions/shared/ledger.ts";
import { createLogger, silentLogger } from "../../functions/lib/logger.ts";
import {
  DEAD_LETTER_TOPIC,
  EXTRACT_NAMES,
  FILE_DROP_TOPIC,
  STEP_NAMES,
  STEPS,
  stepDefinition,
} from "../../functions/shared/pipeline.ts";
import type { Bucket } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { PermanentStepError } from "../../functions/shared/step.ts";
import { englishLongDate } from "../support/reader-dates.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const FAILING_DATE = "2026-11-20";
const DEAD_LETTER_DATE = "2026-11-19";
const HELD_DATE = "2026-11-18";
const PROJECT = "pulse-emulator-test";
const PII_KEY = "e".repeat(40);
const SHOP_ENV = { PULSE_SHOP_NAME: "Maison Test", PULSE_PII_HASH_KEY: PII_KEY };

interface Shop {
  workDir: string;
  config: PulseConfig;
  warehouse: DuckDbWarehouse;
}

/** The same small demo shop (same seed) in its own work dir. */
async function makeShop(prefix: string): Promise<Shop> {
  const workDir = await mkdtemp(join(tmpdir(), prefix));
  const config = loadConfig({ env: { ...SHOP_ENV, PULSE_WORK_DIR: workDir }, cwd: workDir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath);
  await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(RUN_DATE),
    startDate: addDays(RUN_DATE, -74),
    ordersPerDay: 30,
  });
  return { workDir, config, warehouse };
}

interface Fault {
  prefix: string;
  error: () => Error;
}

/** The bucket, failing writes under one prefix while `fault()` says so: how the tests break one step. */
function faultyBucket(bucket: Bucket, fault: () => Fault | undefined): Bucket {
  const check = (path: string) => {
    const active = fault();
    if (active && path.startsWith(active.prefix)) throw active.error();
  };
  return {
    location: bucket.location,
    scope: bucket.scope,
    write: async (path, data, options) => {
      check(path);
      return bucket.write(path, data, options);
    },
    writeStream: async (path, chunks, options) => {
      check(path);
      return bucket.writeStream(path, chunks, options);
    },
    createIfAbsent: (path, data, options) => bucket.createIfAbsent(path, data, options),
    read: (path) => bucket.read(path),
    readVersioned: (path) => bucket.readVersioned(path),
    readRange: (path, start, end, generation) => bucket.readRange(path, start, end, generation),
    readStream: (path) => bucket.readStream(path),
    replaceIfGeneration: (path, data, generation, options) =>
      bucket.replaceIfGeneration(path, data, generation, options),
    deleteIfGeneration: (path, generation) => bucket.deleteIfGeneration(path, generation),
    exists: (path) => bucket.exists(path),
    list: (prefix) => bucket.list(prefix),
    copy: (from, to) => bucket.copy(from, to),
    compose: async (sources, destination, options) => {
      check(destination);
      return bucket.compose(sources, destination, options);
    },
    delete: (path) => bucket.delete(path),
    linkFor: (path) => bucket.linkFor(path),
  };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The deck's parts, without the ones that carry the time they were written, and with chart numbers taken out:
 * pptxgenjs numbers charts per process, and the in-process deck was made first in this one.
 */
async function deckParts(path: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(await readFile(path));
  const unnumbered = (text: string) =>
    text.replace(/chart\d+/g, "chart#").replace(/Worksheet\d+/g, "Worksheet#");
  const parts: string[] = [];
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || name === "docProps/core.xml" || name.endsWith(".xlsx")) continue;
    parts.push(unnumbered(`${name}\n${await entry.async("string")}`));
  }
  return parts.sort();
}

async function parsedEmail(shop: Shop, name: string) {
  const email = await PostalMime.parse(await readFile(join(shop.config.local.outboxDir, name)));
  // The deck link is a path into each run's own work dir.
  const local = (text: string | undefined) => (text ?? "").replaceAll(shop.workDir, "<work-dir>");
  return { subject: email.subject, text: local(email.text), html: local(email.html) };
}

const outbox = async (shop: Shop) => (await readdir(shop.config.local.outboxDir).catch(() => [])).sort();

describe("the daily run through the Pub/Sub emulator and functions-framework", { timeout: 300_000 }, () => {
  let reference: Shop;
  let emulated: Shop;
  let pipeline: EmulatedPipeline;
  let fault: Fault | undefined;
  const logs: Record<string, unknown>[] = [];
  const bucketFile = (shop: Shop, path: string) => join(shop.config.local.bucketDir, path);
  const ledger = () => new Ledger(pipeline.runtime.ports.bucket);
  const publishTo = (step: (typeof STEP_NAMES)[number], data: Record<string, unknown>) =>
    pipeline.publish(stepDefinition(step).topic, data, {
      runDate: String(data.runDate ?? ""),
      runId: String(data.runId ?? ""),
      step,
    });

  before(async () => {
    // Fails here, with what to install, when gcloud or Java is missing.
    await checkEmulatorPrerequisites();
    [reference, emulated] = await Promise.all([makeShop("pulse-reference-"), makeShop("pulse-emulated-")]);
    pipeline = await startEmulatedPipeline({
      projectId: PROJECT,
      createRuntime: async () => {
        const runtime = await createFunctionRuntime(
          { ...SHOP_ENV, PULSE_WORK_DIR: emulated.workDir, PULSE_PROJECT_ID: PROJECT },
          {
            cwd: emulated.workDir,
            warehouse: emulated.warehouse,
            log: createLogger({
              format: "json",
              write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
            }),
          },
        );
        return {
          ...runtime,
          ports: { ...runtime.ports, bucket: faultyBucket(runtime.ports.bucket, () => fault) },
        };
      },
    });
  });

  after(async () => {
    await pipeline?.stop();
    await Promise.all([reference?.warehouse.close(), emulated?.warehouse.close()]);
    await Promise.all(
      [reference, emulated].map((shop) => shop && rm(shop.workDir, { recursive: true, force: true })),
    );
  });

  it("runs the chain from the scheduler's message and makes the same extracts, deck and email as in process", async () => {
    const inProcess = await runLocally(
      reference.config,
      parseRunMessage({ runDate: RUN_DATE, runId: "in-process", trigger: "manual" }),
      { log: silentLogger(), warehouse: reference.warehouse, secrets: fixedSecrets({ piiHashKey: PII_KEY }) },
    );
    assert.deepEqual(inProcess.failures, []);

    // Exactly what Cloud Scheduler publishes (the run date made explicit); ingest picks the run id.
    await pipeline.publish(STEPS[0]?.topic ?? "", { trigger: "scheduler", runDate: RUN_DATE });
    const runId = await until(
      async () => (await ledger().read(RUN_DATE, "ingest"))?.runId,
      "the ingest step's ledger record",
    );
    assert.match(runId, /^scheduler-/);
    const end = await waitForRunEnd(
      pipeline.runtime.ports.bucket,
      pipeline.servers,
      { runDate: RUN_DATE, runId },
      {
        timeoutMs: 60_000,
      },
    );
    assert.deepEqual(end, { outcome: "succeeded" });
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });

    // One push per step, on the path Eventarc uses, each acknowledged.
    assert.deepEqual(
      pipeline.servers.deliveries.map((delivery) => `${delivery.path} ${delivery.status}`),
      STEPS.map((step) => `/projects/${PROJECT}/topics/${step.topic} 204`),
    );
    const records = await ledger().readAll(RUN_DATE);
    records.sort((a, b) => STEP_NAMES.indexOf(a.step) - STEP_NAMES.indexOf(b.step));
    assert.deepEqual(
      records.map((record) => `${record.step}:${record.status}:${record.runId}`),
      STEP_NAMES.map((step) => `${step}:succeeded:${runId}`),
    );
    assert.deepEqual(
      records.map((record) => record.rows),
      inProcess.records.map((record) => record.rows),
      "every step counted the same rows",
    );

    for (const name of EXTRACT_NAMES) {
      for (const path of [latestExtractPath(name), extractPath(name, RUN_DATE)]) {
        assert.ok(
          (await readFile(bucketFile(emulated, path))).equals(await readFile(bucketFile(reference, path))),
          `${path} is byte-identical`,
        );
      }
    }
    assert.deepEqual(
      await deckParts(bucketFile(emulated, deckPath(RUN_DATE))),
      await deckParts(bucketFile(reference, deckPath(RUN_DATE))),
      "the same slides and charts",
    );
    const summary = "summary-2026-11-21_dtc-pulse.eml";
    assert.deepEqual(
      (await outbox(emulated)).filter((name) => name.endsWith(".eml")),
      [summary],
    );
    assert.deepEqual(await parsedEmail(emulated, summary), await parsedEmail(reference, summary));

    // The functions log JSON for Cloud Logging, each step's lines carrying the step, run date and run id.
    const started = logs.find((entry) => entry.event === "step.started" && entry.step === "transform");
    assert.equal(started?.severity, "INFO");
    assert.equal(started?.runDate, RUN_DATE);
    assert.equal(started?.runId, runId);
  });

  it("delivers every message twice and out of order, and does nothing twice", async (t) => {
    const before = await ledger().readAll(RUN_DATE);
    const extractsBefore = await Promise.all(
      EXTRACT_NAMES.map((name) => readFile(bucketFile(emulated, latestExtractPath(name)))),
    );
    const deliveriesBefore = pipeline.servers.deliveries.length;
    const runId = before[0]?.runId ?? "";
    // The message each step received, published again twice, last step first.
    for (const step of [...STEP_NAMES].reverse()) {
      const message = { runDate: RUN_DATE, runId, trigger: "scheduler", options: { skip: [] } };
      await Promise.all([publishTo(step, message), publishTo(step, message)]);
    }
    await pipeline.servers.waitForIdle({ quietMs: 1500, timeoutMs: 60_000 });

    const deliveries = pipeline.servers.deliveries.slice(deliveriesBefore);
    // Each copy is passed on by every later step (harmless: the next step de-duplicates too).
    t.diagnostic(`${deliveries.length} deliveries for ${2 * STEP_NAMES.length} duplicate publishes`);
    assert.ok(deliveries.length >= 2 * STEP_NAMES.length, `${deliveries.length} deliveries`);
    assert.ok(
      deliveries.every((delivery) => delivery.status === 204),
      "every duplicate acknowledged",
    );
    const sortRecords = (records: StepRecord[]) => [...records].sort((a, b) => a.step.localeCompare(b.step));
    assert.deepEqual(sortRecords(await ledger().readAll(RUN_DATE)), sortRecords(before), "ledger untouched");
    for (const [index, name] of EXTRACT_NAMES.entries()) {
      assert.ok(
        (await readFile(bucketFile(emulated, latestExtractPath(name)))).equals(
          extractsBefore[index] ?? Buffer.alloc(0),
        ),
        `${name} unchanged`,
      );
    }
    const keys: [string, string][] = [
      ["marts.daily_kpis", "date"],
      ["marts.marketing_daily_channel", "date, channel"],
      ["marts.product_daily_sales", "date, product_id"],
      ["ops.findings", "run_date, step, check_name, subject"],
    ];
    for (const [table, key] of keys) {
      const copies = await emulated.warehouse.query(
        `SELECT ${key}, COUNT(*) AS copies FROM ${table} GROUP BY ${key} HAVING COUNT(*) > 1`,
      );
      assert.deepEqual(copies, [], `no duplicate ${key} in ${table}`);
    }
    assert.deepEqual(
      (await outbox(emulated)).filter((name) => name.startsWith("summary-") && name.endsWith(".eml")),
      ["summary-2026-11-21_dtc-pulse.eml"],
      "exactly one summary email",
    );
  });

  it("acknowledges a message without data (functions-framework cannot read it) instead of retrying it", async () => {
    const deliveriesBefore = pipeline.servers.deliveries.length;
    const response = await fetch(
      `http://${pipeline.emulator.host}/v1/projects/${PROJECT}/topics/${stepDefinition("transform").topic}:publish`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ attributes: { note: "no data" } }] }),
      },
    );
    assert.equal(response.status, 200);
    await until(async () => pipeline.servers.deliveries[deliveriesBefore], "the push");
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
    assert.deepEqual(
      pipeline.servers.deliveries.slice(deliveriesBefore).map((delivery) => delivery.status),
      [204],
    );
    assert.ok(logs.some((entry) => entry.message === "message rejected" && entry.step === "transform"));
  });

  it("emails a step's permanent failure, and a re-run from that step completes the run", async () => {
    fault = { prefix: "extracts/", error: () => new PermanentStepError("bucket refused the write") };
    const deliveriesBefore = pipeline.servers.deliveries.length;
    await publishTo("ingest", { trigger: "scheduler", runDate: FAILING_DATE, runId: "broken-run" });
    const end = await waitForRunEnd(
      pipeline.runtime.ports.bucket,
      pipeline.servers,
      { runDate: FAILING_DATE, runId: "broken-run" },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(end, { outcome: "failed", step: "export", error: "bucket refused the write" });
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
    fault = undefined;

    // The permanent-failure route: acknowledged (no retry), straight to notify.
    assert.deepEqual(
      pipeline.servers.deliveries
        .slice(deliveriesBefore)
        .map((delivery) => `${delivery.entryPoint} ${delivery.status}`),
      ["ingest", "checkSources", "transform", "checkQuality", "export", "notify"].map(
        (entry) => `${entry} 204`,
      ),
    );
    const records = await ledger().readAll(FAILING_DATE);
    assert.deepEqual(records.map((record) => `${record.step}:${record.status}`).sort(), [
      "check-quality:succeeded",
      "check-sources:succeeded",
      "export:failed",
      "ingest:succeeded",
      "transform:succeeded",
    ]);
    const failureEmail = (await outbox(emulated)).find(
      (name) => name.startsWith("failure-2026-11-20-export") && name.endsWith(".eml"),
    );
    assert.ok(failureEmail, "failure email in the outbox");
    const email = await parsedEmail(emulated, failureEmail);
    assert.match(email.subject ?? "", /FAILED at export/);
    assert.match(email.text, /bucket refused the write/);
    assert.match(email.text, /npm start -- --date 2026-11-20 --from export/);
    assert.ok(
      !(await outbox(emulated)).includes("summary-2026-11-20_dtc-pulse.eml"),
      "no summary for a failed day",
    );

    // The re-run goes in where every run does; the steps before export pass it on untouched.
    await publishTo("ingest", {
      trigger: "manual",
      runDate: FAILING_DATE,
      runId: "resumed",
      options: { from: "export" },
    });
    const resumed = await waitForRunEnd(
      pipeline.runtime.ports.bucket,
      pipeline.servers,
      { runDate: FAILING_DATE, runId: "resumed" },
      { timeoutMs: 60_000 },
    );
    assert.deepEqual(resumed, { outcome: "succeeded" });
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
    const after = await ledger().readAll(FAILING_DATE);
    assert.deepEqual(after.map((record) => `${record.step}:${record.status}:${record.runId}`).sort(), [
      "check-quality:succeeded:broken-run",
      "check-sources:succeeded:broken-run",
      "export:succeeded:resumed",
      "ingest:succeeded:broken-run",
      "notify:succeeded:resumed",
      "report:succeeded:resumed",
      "transform:succeeded:broken-run",
    ]);
    assert.ok(await readFile(bucketFile(emulated, extractPath("daily_kpis", FAILING_DATE))));
    assert.ok((await outbox(emulated)).includes("summary-2026-11-20_dtc-pulse.eml"));
  });

  it("dead-letters a step that keeps failing, and the dead-letter function emails the failure", async () => {
    fault = {
      prefix: "reports/",
      error: () => Object.assign(new Error("storage answered 503"), { code: 503 }),
    };
    const deliveriesBefore = pipeline.servers.deliveries.length;
    await publishTo("ingest", { trigger: "scheduler", runDate: DEAD_LETTER_DATE, runId: "flaky-run" });
    const end = await waitForRunEnd(
      pipeline.runtime.ports.bucket,
      pipeline.servers,
      { runDate: DEAD_LETTER_DATE, runId: "flaky-run" },
      { timeoutMs: 90_000 },
    );
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
    fault = undefined;
    assert.deepEqual(end, {
      outcome: "failed",
      step: "report",
      // The dead-letter email names the last error the step's ledger recorded for this run.
      error: "the step kept failing after every retry; its last error: storage answered 503",
    });

    const deliveries = pipeline.servers.deliveries.slice(deliveriesBefore);
    assert.deepEqual(
      deliveries.filter((delivery) => delivery.entryPoint === "report").map((delivery) => delivery.status),
      Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => 500),
      "report retried until the dead-letter policy gave up",
    );
    assert.deepEqual(
      deliveries.filter((delivery) => delivery.entryPoint === "deadLetter").map((delivery) => delivery.path),
      [`/projects/${PROJECT}/topics/${DEAD_LETTER_TOPIC}`],
    );
    const report = await ledger().read(DEAD_LETTER_DATE, "report");
    assert.equal(report?.status, "failed");
    assert.equal(report?.attempt, MAX_DELIVERY_ATTEMPTS);
    const failureEmail = (await outbox(emulated)).find(
      (name) => name.startsWith("failure-2026-11-19-report") && name.endsWith(".eml"),
    );
    assert.ok(failureEmail, "failure email in the outbox");
    assert.match((await parsedEmail(emulated, failureEmail)).subject ?? "", /FAILED at report/);
  });

  it("dead-letters a file drop whose run keeps failing, and emails that the file waits in the inbox unread", async () => {
    // The bucket fails every write of a file's manifest (raw/manifest/), as Cloud Storage does in an outage:
    // ingest keeps the dropped file in the inbox and throws, so Pub/Sub retries the drop until its dead-letter
    // policy gives up.
    fault = {
      prefix: "raw/manifest/",
      error: () => Object.assign(new Error("storage answered 503"), { code: 503 }),
    };
    const inboxPath = `${INBOX_PREFIX}orders_export.csv`;
    const csv = await readFile(join(import.meta.dirname, "..", "ingest", "fixtures", "shopify-orders.csv"));
    await pipeline.runtime.ports.bucket.write(inboxPath, csv, { contentType: "text/csv" });
    const dropped = new Date();
    // A generation is the object's creation time in microseconds.
    const generation = `${dropped.getTime()}000`;
    // The day a drop re-runs: the last complete one in the shop's time zone when it was dropped.
    const runDate = yesterdayIn(dropped, emulated.config.shop.timezone);
    const deliveriesBefore = pipeline.servers.deliveries.length;
    const outboxBefore = new Set(await outbox(emulated));
    const messageId = await pipeline.announceFile({
      bucket: "pulse-emulated",
      name: inboxPath,
      generation,
      size: csv.length,
      timeCreated: dropped.toISOString(),
    });
    assert.ok(messageId, "the message transform turns a file in raw/inbox/ into a start message");
    const email = await until(
      async () =>
        (await outbox(emulated)).find(
          (name) =>
            !outboxBefore.has(name) && name.startsWith(`failure-${runDate}-ingest`) && name.endsWith(".eml"),
        ),
      "the dead-letter function's email",
      90_000,
    );
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
    fault = undefined;

    const deliveries = pipeline.servers.deliveries.slice(deliveriesBefore);
    assert.deepEqual(
      deliveries
        .filter((delivery) => delivery.entryPoint === "ingest")
        .map((delivery) => [delivery.path, delivery.status]),
      Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => [
        `/projects/${PROJECT}/topics/${FILE_DROP_TOPIC}`,
        500,
      ]),
      "the drop's start message went to ingest, which failed it until the dead-letter policy gave up",
    );
    assert.deepEqual(
      deliveries
        .filter((delivery) => delivery.entryPoint === "deadLetter")
        .map((delivery) => [delivery.path, (delivery.status ?? 0) < 300]),
      [[`/projects/${PROJECT}/topics/${DEAD_LETTER_TOPIC}`, true]],
    );
    // The run the drop started is the one the email names: its ledger record holds the error it failed with.
    const ingest = await ledger().read(runDate, "ingest");
    assert.equal(ingest?.runId, `file-drop-${generation}`);
    assert.equal(ingest?.status, "failed");
    const parsed = await parsedEmail(emulated, email);
    // The subject names the day as the en-US shop reads it; the command to run again keeps the ISO date it takes.
    assert.equal(
      parsed.subject,
      `Maison Test · file drop not read yet · orders_export.csv · ${englishLongDate(runDate)}`,
    );
    assert.match(parsed.text, /storage answered 503/);
    assert.match(parsed.text, new RegExp(`npm start -- --date ${runDate} --from ingest --force`));
    // Nothing lost: the file still waits in the inbox for the next run, and ingest recorded nothing of it.
    assert.deepEqual(await pipeline.runtime.ports.bucket.read(inboxPath), csv);
    assert.deepEqual(await pipeline.runtime.ports.bucket.list("raw/manifest/"), []);
  });

  it("answers a delivery that finds another delivery's live claim with an error, and runs it once released", async () => {
    const held = await ledger().claim(HELD_DATE, "check-sources", "holder-run", () => new Date());
    assert.ok(held.acquired);
    const deliveriesBefore = pipeline.servers.deliveries.length;
    await publishTo("check-sources", {
      trigger: "scheduler",
      runDate: HELD_DATE,
      runId: "waiting-run",
      options: { skip: [], to: "check-sources" },
    });
    await until(async () => {
      const refused = pipeline.servers.deliveries
        .slice(deliveriesBefore)
        .filter((delivery) => delivery.entryPoint === "checkSources" && (delivery.status ?? 0) >= 300);
      return refused.length > 0 ? refused : undefined;
    }, "a delivery refused while the claim is held");
    assert.equal(await ledger().read(HELD_DATE, "check-sources"), undefined, "not run while held");
    await held.lease.release();
    const record = await until(async () => {
      const found = await ledger().read(HELD_DATE, "check-sources");
      return found?.status === "succeeded" ? found : undefined;
    }, "the retried delivery to run the step");
    assert.equal(record.runId, "waiting-run");
    await pipeline.servers.waitForIdle({ quietMs: 500, timeoutMs: 10_000 });
  });

  it("stops the emulator (gcloud and Java) and every function server", async (t) => {
    t.diagnostic(
      `emulator up in ${Math.round(pipeline.timings.emulatorMs)} ms; emulator, servers and topology in ${Math.round(pipeline.timings.setupMs)} ms`,
    );
    const { sid } = pipeline.emulator;
    const url = pipeline.servers.urls.ingest ?? "";
    await pipeline.stop();
    assert.deepEqual(sessionMembers(sid), [], "no emulator process left");
    await assert.rejects(fetch(url), "the servers are closed");
  });
});
