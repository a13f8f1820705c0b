import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { createLogger, silentLogger } from "../../functions/lib/logger.ts";
import { BigQueryWarehouse } from "../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { FakeBigQuery, SETTINGS } from "../adapters/warehouse/bigquery/fake-client.ts";
import type { Bus, BusMessage, Mailer, Secrets, Warehouse } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { runStep, StepInProgressError, type StepRuntime } from "../../functions/shared/run-step.ts";
import { isTransient, PermanentStepError, type StepFunction } from "../../functions/shared/step.ts";

class RecordingBus implements Bus {
  readonly messages: { topic: string; message: BusMessage }[] = [];
  async publish(topic: string, message: BusMessage): Promise<string> {
    this.messages.push({ topic, message });
    return String(this.messages.length);
  }
}

describe("runStep", () => {
  let root: string;
  let bus: RecordingBus;
  let runtime: StepRuntime;
  const message = parseRunMessage({ runDate: "2026-11-21", runId: "test-1", trigger: "manual" });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "pulse-run-step-"));
    bus = new RecordingBus();
    const config = loadConfig({ env: {}, cwd: root });
    runtime = {
      config,
      log: silentLogger(),
      ports: {
        bucket: new FolderBucket(root),
        bus,
        // The steps under test here never query the warehouse (runStep reads its stats), the mailer or the secrets.
        warehouse: { stats: () => ({ queries: 0, engineMs: 0 }) } as unknown as Warehouse,
        mailer: {} as Mailer,
        secrets: {} as Secrets,
        clock: { now: () => new Date("2026-11-22T07:00:00Z") },
      },
    };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("runs the step, records it in the ledger and publishes the next step's message", async () => {
    let calls = 0;
    const step: StepFunction = async () => {
      calls += 1;
      return { rows: { "marts.daily_kpis": 3 }, summary: "built" };
    };
    assert.equal(await runStep("transform", step, message, runtime), "succeeded");
    const record = await new Ledger(runtime.ports.bucket).read("2026-11-21", "transform");
    assert.equal(record?.status, "succeeded");
    assert.deepEqual(record?.rows, { "marts.daily_kpis": 3 });
    assert.equal(record?.attempt, 1);
    assert.deepEqual(
      bus.messages.map((item) => item.topic),
      ["pulse-check-quality"],
    );
    assert.deepEqual(bus.messages[0]?.message.data, message);

    // A duplicate delivery does not run the step again.
    assert.equal(await runStep("transform", step, { ...message, runId: "test-2" }, runtime), "duplicate");
    assert.equal(calls, 1);
    // --force runs it again and counts the attempt.
    assert.equal(
      await runStep("transform", step, { ...message, options: { ...message.options, force: true } }, runtime),
      "succeeded",
    );
    assert.equal(calls, 2);
    assert.equal((await new Ledger(runtime.ports.bucket).read("2026-11-21", "transform"))?.attempt, 2);
  });

  it("adds what a step passes on (transform's rebuilt days) to the next step's message, which parses", async () => {
    const rebuilt = {
      fromState: "2026-11-20@2026-11-21 06:00:00+00",
      toState: "2026-11-21@2026-11-22 06:00:00+00",
      days: [{ start: "2026-11-14", end: "2026-11-21" }],
    };
    const step: StepFunction = async () => ({ summary: "built", next: { rebuilt } });
    assert.equal(await runStep("transform", step, message, runtime), "succeeded");
    const sent = bus.messages[0]?.message.data;
    assert.deepEqual(sent, { ...message, rebuilt });
    // The next hop validates it like any message, and it travels on unchanged through check-quality.
    const next = parseRunMessage(sent);
    assert.equal(await runStep("check-quality", async () => ({ summary: "ok" }), next, runtime), "succeeded");
    assert.deepEqual(bus.messages[1]?.message.data, { ...message, rebuilt });
  });

  it("answers a delivery that finds a live claim of another delivery with a retryable error", async () => {
    const ledger = new Ledger(runtime.ports.bucket);
    const held = await ledger.claim("2026-11-21", "export", "other-run", () => new Date());
    assert.equal(held.acquired, true);
    await assert.rejects(
      runStep("export", async () => ({}), message, runtime),
      (error: unknown) => error instanceof StepInProgressError && isTransient(error),
    );
    assert.equal(bus.messages.length, 0);
    if (held.acquired) await held.lease.release();
    assert.equal(await runStep("export", async () => ({}), message, runtime), "succeeded");
  });

  const claimPath = "runs/dt=2026-11-21/claims/export.json";
  const writeClaim = (claim: Record<string, unknown>) =>
    runtime.ports.bucket.write(claimPath, JSON.stringify(claim));
  const liveLease = { claimedAt: "2026-11-22T06:59:00Z", expiresAt: "2026-11-22T07:59:00Z" };

  it("takes over at once a claim whose holder process is dead", async () => {
    const child = spawnSync(process.execPath, ["-e", "process.exit(0)"]);
    await writeClaim({
      runId: "killed",
      token: "t-dead",
      holder: { host: hostname(), pid: child.pid },
      ...liveLease,
    });
    assert.equal(await runStep("export", async () => ({}), message, runtime), "succeeded");
    assert.equal(await runtime.ports.bucket.exists(claimPath), false, "the claim is released after the step");
  });

  it("takes over a claim this process abandoned, an expired lease and an unreadable claim", async () => {
    await writeClaim({
      runId: "thrown",
      token: "t-gone",
      holder: { host: hostname(), pid: process.pid },
      ...liveLease,
    });
    assert.equal(await runStep("export", async () => ({}), message, runtime), "succeeded");
    await writeClaim({
      runId: "elsewhere",
      token: "t-old",
      holder: { host: "another-machine", pid: 1 },
      claimedAt: "2026-11-22T06:00:00Z",
      expiresAt: "2026-11-22T06:01:00Z",
    });
    assert.equal(
      await runStep(
        "export",
        async () => ({}),
        { ...message, options: { ...message.options, force: true } },
        runtime,
      ),
      "succeeded",
    );
    await runtime.ports.bucket.write(claimPath, "");
    assert.equal(
      await runStep(
        "export",
        async () => ({}),
        { ...message, options: { ...message.options, force: true } },
        runtime,
      ),
      "succeeded",
    );
  });

  it("leaves a live claim on another machine alone until its lease expires", async () => {
    await writeClaim({
      runId: "elsewhere",
      token: "t-live",
      holder: { host: "another-machine", pid: 1 },
      ...liveLease,
    });
    await assert.rejects(
      runStep("export", async () => ({}), message, runtime),
      StepInProgressError,
    );
  });

  it("releases the claim when a ledger write throws outside the step, so the redelivery runs", async () => {
    const bucket = runtime.ports.bucket;
    let failNext = true;
    const faulty = Object.create(bucket) as typeof bucket;
    faulty.write = async (path, data, options) => {
      if (failNext && path.includes("/steps/")) {
        failNext = false;
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      return bucket.write(path, data, options);
    };
    const faultyRuntime = { ...runtime, ports: { ...runtime.ports, bucket: faulty } };
    await assert.rejects(
      runStep("export", async () => ({}), message, faultyRuntime),
      /ENOSPC/,
    );
    assert.equal(await bucket.exists(claimPath), false);
    assert.equal(await runStep("export", async () => ({}), message, faultyRuntime), "succeeded");
  });

  it("reports a permanent failure once, to notify, without retrying", async () => {
    const failing: StepFunction = async () => {
      throw new PermanentStepError("table raw.shopify_orders not found");
    };
    assert.equal(await runStep("transform", failing, message, runtime), "failed");
    const record = await new Ledger(runtime.ports.bucket).read("2026-11-21", "transform");
    assert.equal(record?.status, "failed");
    assert.match(record?.error ?? "", /raw.shopify_orders/);
    assert.equal(bus.messages[0]?.topic, "pulse-notify");
    const failed = bus.messages[0]?.message.data as { failure: { step: string; error: string } };
    assert.equal(failed.failure.step, "transform");
  });

  it("keeps and logs what the step's own warehouse jobs used, on success and on failure", async () => {
    // The real BigQuery adapter over the recording fake: each job 2,048 bytes processed, 10 MiB billed.
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    const lines: string[] = [];
    const logged = { ...runtime, log: createLogger({ format: "json", write: (line) => lines.push(line) }) };
    const bigQueryRuntime = { ...logged, ports: { ...runtime.ports, warehouse } };
    const twoQueries: StepFunction = async (context) => {
      await context.ports.warehouse.execute("SELECT 1", {}, { label: "one" });
      // Another delivery's job on the same function instance, meanwhile: not this step's.
      await warehouse.forRun({ runDate: "2026-11-21", step: "report", runId: "other" }).execute("SELECT 9");
      await context.ports.warehouse.execute("SELECT 2", {}, { label: "two" });
      return { metrics: { models: 2 } };
    };
    assert.equal(await runStep("transform", twoQueries, message, bigQueryRuntime), "succeeded");
    const record = await new Ledger(runtime.ports.bucket).read("2026-11-21", "transform");
    assert.equal(record?.metrics.models, 2, "the step's own metrics stay");
    assert.equal(record?.metrics["warehouse.queries"], 2);
    assert.equal(record?.metrics["warehouse.bytesProcessed"], 2 * 2048);
    assert.equal(record?.metrics["warehouse.bytesBilled"], 2 * 10_485_760);
    assert.equal(record?.metrics["warehouse.slotMs"], 2 * 40);
    const succeeded = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.event === "step.succeeded");
    assert.equal(succeeded?.severity, "INFO");
    assert.equal(succeeded?.step, "transform");
    assert.deepEqual(succeeded?.warehouse, {
      queries: 2,
      engineMs: 500,
      slotMs: 80,
      bytesProcessed: 4096,
      bytesBilled: 20_971_520,
      reattached: 0,
    });

    const failing: StepFunction = async (context) => {
      await context.ports.warehouse.execute("SELECT 3", {}, { label: "three" });
      throw new PermanentStepError("a model failed");
    };
    assert.equal(await runStep("check-quality", failing, message, bigQueryRuntime), "failed");
    const failed = await new Ledger(runtime.ports.bucket).read("2026-11-21", "check-quality");
    assert.equal(failed?.metrics["warehouse.bytesBilled"], 10_485_760, "a failed try is billed too");
    const failure = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.event === "step.failed");
    assert.equal(failure?.severity, "ERROR");
    assert.equal((failure?.warehouse as { queries?: number }).queries, 1);
  });

  it("throws a transient failure so that the bus retries it", async () => {
    const flaky: StepFunction = async () => {
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    };
    await assert.rejects(runStep("export", flaky, message, runtime), /socket hang up/);
    assert.equal(bus.messages.length, 0);
    // The claim is released, so the redelivery can run.
    assert.equal(await runStep("export", async () => ({}), message, runtime), "succeeded");
  });

  it("stops the chain on a blocking finding and sends it to notify", async () => {
    const blocking: StepFunction = async () => ({ blocked: true, summary: "duplicate order ids" });
    assert.equal(await runStep("check-quality", blocking, message, runtime), "blocked");
    assert.deepEqual(
      bus.messages.map((item) => item.topic),
      ["pulse-notify"],
    );
  });

  it("skips unselected steps and ends the chain after --to", async () => {
    const options = { skip: ["export" as const], to: "report" as const, force: false, fullRefresh: false };
    assert.equal(await runStep("export", async () => ({}), { ...message, options }, runtime), "skipped");
    assert.equal((await new Ledger(runtime.ports.bucket).read("2026-11-21", "export"))?.status, "skipped");
    assert.equal(await runStep("report", async () => ({}), { ...message, options }, runtime), "succeeded");
    assert.deepEqual(
      bus.messages.map((item) => item.topic),
      ["pulse-report"],
    );
  });
});
