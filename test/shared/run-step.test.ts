import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import type { Bus, BusMessage, Mailer, Warehouse } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { runStep, type StepRuntime } from "../../functions/shared/run-step.ts";
import { PermanentStepError, type StepFunction } from "../../functions/shared/step.ts";

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
    const config = loadConfig({}, { cwd: root, piiHashKey: "k".repeat(32) });
    runtime = {
      config,
      log: silentLogger(),
      ports: {
        bucket: new FolderBucket(root),
        bus,
        // The steps under test here never touch the warehouse or the mailer.
        warehouse: {} as Warehouse,
        mailer: {} as Mailer,
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

  it("leaves a step that another delivery is running alone", async () => {
    const ledger = new Ledger(runtime.ports.bucket);
    assert.equal(
      await ledger.claim("2026-11-21", "export", "other-run", new Date("2026-11-22T06:59:00Z"), 60_000 * 10),
      true,
    );
    assert.equal(await runStep("export", async () => ({}), message, runtime), "in-progress");
    assert.equal(bus.messages.length, 0);
  });

  it("takes over a claim left by a crashed execution", async () => {
    const ledger = new Ledger(runtime.ports.bucket);
    await ledger.claim("2026-11-21", "export", "crashed", new Date("2026-11-21T07:00:00Z"), 1);
    assert.equal(await runStep("export", async () => ({}), message, runtime), "succeeded");
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
