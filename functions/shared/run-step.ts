// Runs one step for one message: skip rules, de-duplication on (run date, step), the ledger record, and the
// next message. Cloud Function handlers and the local runner both come through here.
import type { PulseConfig } from "./config.ts";
import { Ledger, type StepRecord } from "./ledger.ts";
import { nextStep, type StepName, stepDefinition } from "./pipeline.ts";
import type { Logger } from "./ports.ts";
import { isAfterLastStep, isStepSelected, type RunMessage } from "./run-message.ts";
import { isTransient, type Ports, type StepFunction, type StepResult } from "./step.ts";

export type StepOutcome = "succeeded" | "blocked" | "failed" | "skipped" | "duplicate" | "in-progress";

export interface StepRuntime {
  config: PulseConfig;
  ports: Ports;
  log: Logger;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Publishes the message for the step after `step`, or nothing when the chain ends here. */
async function publishNext(step: StepName, message: RunMessage, runtime: StepRuntime): Promise<void> {
  const next = nextStep(step);
  if (!next || isAfterLastStep(step, message.options)) return;
  await runtime.ports.bus.publish(stepDefinition(next).topic, {
    data: message,
    attributes: { runDate: message.runDate, runId: message.runId, step: next },
  });
}

/** Sends the chain straight to notify, which emails the failure. */
async function publishFailure(
  step: StepName,
  message: RunMessage,
  error: string,
  runtime: StepRuntime,
): Promise<void> {
  const failed: RunMessage = {
    ...message,
    failure: { step, error, at: runtime.ports.clock.now().toISOString() },
  };
  await runtime.ports.bus.publish(stepDefinition("notify").topic, {
    data: failed,
    attributes: { runDate: message.runDate, runId: message.runId, step: "notify", failedStep: step },
  });
}

export async function runStep(
  step: StepName,
  run: StepFunction,
  message: RunMessage,
  runtime: StepRuntime,
): Promise<StepOutcome> {
  const { ports } = runtime;
  const ledger = new Ledger(ports.bucket);
  const log = runtime.log.child({ step, runDate: message.runDate, runId: message.runId });
  if (!isStepSelected(step, message.options)) {
    const existing = await ledger.read(message.runDate, step);
    if (existing?.status !== "succeeded") {
      await ledger.write(
        skippedRecord(step, message, existing, "not selected by --from/--to/--skip", ports.clock.now()),
      );
    }
    log.info("step skipped (not selected)", { event: "step.skipped" });
    await publishNext(step, message, runtime);
    return "skipped";
  }

  const startedAt = ports.clock.now();
  const claimed = await ledger.claim(
    message.runDate,
    step,
    message.runId,
    startedAt,
    stepDefinition(step).timeoutSeconds * 1000,
  );
  if (!claimed) {
    log.info("another delivery of this step is running; leaving it to finish", { event: "step.in-progress" });
    return "in-progress";
  }
  // Read the record only once the claim is held: a delivery that finished between an earlier read and this
  // claim is seen here, so a step is never run twice for the same run date.
  const current = await ledger.read(message.runDate, step);
  if (current?.status === "succeeded" && !message.options.force) {
    // A duplicate delivery or a re-run of a finished day: nothing is done twice. Passing the message on is
    // harmless (the next step de-duplicates too) and repairs a chain whose publish was lost.
    log.info("step already succeeded for this run date; not running it again", {
      event: "step.duplicate",
      firstRunId: current.runId,
    });
    await ledger.release(message.runDate, step);
    await publishNext(step, message, runtime);
    return "duplicate";
  }

  const record: StepRecord = {
    runDate: message.runDate,
    step,
    runId: message.runId,
    status: "running",
    attempt: (current?.attempt ?? 0) + 1,
    startedAt: startedAt.toISOString(),
    rows: {},
    outputs: [],
    findings: [],
    metrics: {},
  };
  await ledger.write(record);
  log.info("step started", { event: "step.started", attempt: record.attempt });

  let result: StepResult;
  try {
    const scoped = ports.warehouse.forRun?.({
      runDate: message.runDate,
      step,
      runId: message.runId,
      attempt: record.attempt,
    });
    result = await run({
      step,
      message,
      config: runtime.config,
      ports: scoped ? { ...ports, warehouse: scoped } : ports,
      ledger,
      log,
    });
  } catch (error) {
    const finishedAt = ports.clock.now();
    const transient = isTransient(error);
    await ledger.write({
      ...record,
      status: "failed",
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      error: errorMessage(error),
    });
    await ledger.release(message.runDate, step);
    log.error(transient ? "step failed; the bus will retry it" : "step failed permanently", {
      event: "step.failed",
      transient,
      error,
    });
    if (transient) throw error;
    await publishFailure(step, message, errorMessage(error), runtime);
    return "failed";
  }

  const finishedAt = ports.clock.now();
  const finished: StepRecord = {
    ...record,
    status: result.blocked ? "blocked" : "succeeded",
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    rows: result.rows ?? {},
    outputs: result.outputs ?? [],
    findings: result.findings ?? [],
    metrics: result.metrics ?? {},
    summary: result.summary,
  };
  await ledger.write(finished);
  await ledger.release(message.runDate, step);
  log.info(result.blocked ? "step blocked the run" : "step succeeded", {
    event: result.blocked ? "step.blocked" : "step.succeeded",
    durationMs: finished.durationMs,
    summary: result.summary,
  });
  if (result.blocked) {
    await publishFailure(step, message, result.summary ?? "a blocking check failed", runtime);
    return "blocked";
  }
  await publishNext(step, message, runtime);
  return "succeeded";
}

function skippedRecord(
  step: StepName,
  message: RunMessage,
  existing: StepRecord | undefined,
  reason: string,
  now: Date,
): StepRecord {
  return {
    runDate: message.runDate,
    step,
    runId: message.runId,
    status: "skipped",
    attempt: existing?.attempt ?? 0,
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    durationMs: 0,
    rows: {},
    outputs: [],
    findings: existing?.findings ?? [],
    metrics: {},
    skipReason: reason,
  };
}
