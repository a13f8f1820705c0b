// Runs one step for one message: skip rules, de-duplication on (run date, step), the ledger record, and the
// next message. Cloud Function handlers and the local runner both come through here.
import type { PulseConfig } from "./config.ts";
import { Ledger, type StepRecord } from "./ledger.ts";
import { nextStep, type StepName, stepDefinition } from "./pipeline.ts";
import type { Logger, Warehouse, WarehouseStats } from "./ports.ts";
import { describeCorrupt } from "./state-file.ts";
import { isAfterLastStep, isStepSelected, type RunMessage } from "./run-message.ts";
import {
  isTransient,
  PermanentStepError,
  type Ports,
  type RerunAdvice,
  type StepFunction,
  type StepResult,
} from "./step.ts";

export type StepOutcome = "succeeded" | "blocked" | "failed" | "skipped" | "duplicate";

/**
 * Another live delivery holds (run date, step). Transient: in the cloud the delivery is answered non-2xx and
 * Pub/Sub retries it later; the CLI reports the step as not run and exits non-zero.
 */
export class StepInProgressError extends Error {
  override name = "StepInProgressError";
  readonly transient = true;
  readonly status = 409;
  constructor(
    readonly step: StepName,
    readonly runDate: string,
    readonly holder: string,
  ) {
    super(`step ${step} for ${runDate} is being run by another delivery (${holder}); not run here`);
  }
}

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
  rerun?: RerunAdvice,
): Promise<void> {
  const failed: RunMessage = {
    ...message,
    failure: { step, error, at: runtime.ports.clock.now().toISOString(), ...(rerun ? { rerun } : {}) },
  };
  await runtime.ports.bus.publish(stepDefinition("notify").topic, {
    data: failed,
    attributes: { runDate: message.runDate, runId: message.runId, step: "notify", failedStep: step },
  });
}

/**
 * Pure: what a step's warehouse jobs used, from its warehouse's stats before and after it ran: each count the
 * stats carry (queries and engine time; on BigQuery also bytes processed and billed, slot time and re-attached
 * jobs), as the difference. Kept in the step's ledger record (as `warehouse.<count>` metrics) and logged with its
 * end, where infra/monitoring.tf's log-based metric charts the bytes each step billed, day by day.
 */
export function warehouseUsage(before: WarehouseStats, after: WarehouseStats): Record<string, number> {
  const used: Record<string, number> = {};
  const earlier = before as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(after)) {
    if (typeof value !== "number") continue;
    const start = earlier[name];
    // Whole numbers: counts, bytes and milliseconds (the local engine's time is measured to fractions of one).
    used[name] = Math.round(value - (typeof start === "number" ? start : 0));
  }
  return used;
}

/** The usage as ledger metrics: `warehouse.bytesBilled` and so on. */
function usageMetrics(used: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(used).map(([name, value]) => [`warehouse.${name}`, value]));
}

export async function runStep(
  step: StepName,
  run: StepFunction,
  message: RunMessage,
  runtime: StepRuntime,
): Promise<StepOutcome> {
  const { ports } = runtime;
  const log = runtime.log.child({ step, runDate: message.runDate, runId: message.runId });
  const ledger = new Ledger(ports.bucket, (corrupt) =>
    log.error(describeCorrupt(corrupt), { event: "state.corrupt", ...corrupt }),
  );
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

  if (!message.options.force) {
    // A step already done for the date is acknowledged at once, claim or no claim: a duplicate delivery never
    // waits for (or is retried because of) another duplicate that is checking the same thing.
    const done = await ledger.read(message.runDate, step);
    if (done?.status === "succeeded") return duplicate(step, message, runtime, log, done);
  }
  const claim = await ledger.claim(
    message.runDate,
    step,
    message.runId,
    () => ports.clock.now(),
    (reason) => log.error(`lost the claim on this step: ${reason}`, { event: "step.claim-lost" }),
  );
  if (!claim.acquired) {
    // Not success, and not to be acknowledged: the bus retries later, when the holder has finished (then this
    // delivery finds the step done) or has died (then its claim is taken over).
    log.warn("another delivery of this step is running; retrying later", {
      event: "step.in-progress",
      holder: claim.reason,
    });
    throw new StepInProgressError(step, message.runDate, claim.reason);
  }
  const lease = claim.lease;
  lease.startRenewing();
  try {
    return await runClaimedStep(step, run, message, runtime, ledger, log);
  } finally {
    // A claim left behind by a failed release is not held by any live lease, so the next delivery takes it over.
    await lease.release().catch((error: unknown) => {
      log.warn("could not release the claim; the next delivery takes it over", { error });
    });
  }
}

async function runClaimedStep(
  step: StepName,
  run: StepFunction,
  message: RunMessage,
  runtime: StepRuntime,
  ledger: Ledger,
  log: Logger,
): Promise<StepOutcome> {
  const { ports } = runtime;
  const startedAt = ports.clock.now();
  // Read the record only once the claim is held: a delivery that finished between an earlier read and this
  // claim is seen here, so a step is never run twice for the same run date.
  const current = await ledger.read(message.runDate, step);
  if (current?.status === "succeeded" && !message.options.force) {
    return duplicate(step, message, runtime, log, current);
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
  // The step's own warehouse: on BigQuery a runner scoped to this delivery, whose jobs carry its labels and whose
  // stats count its jobs alone.
  const warehouse: Warehouse =
    ports.warehouse.forRun?.({
      runDate: message.runDate,
      step,
      runId: message.runId,
      attempt: record.attempt,
    }) ?? ports.warehouse;
  const statsBefore = warehouse.stats();
  const used = () => warehouseUsage(statsBefore, warehouse.stats());
  try {
    result = await run({
      step,
      message,
      config: runtime.config,
      ports: warehouse === ports.warehouse ? ports : { ...ports, warehouse },
      ledger,
      log,
      startedAt,
    });
  } catch (error) {
    const finishedAt = ports.clock.now();
    const transient = isTransient(error);
    const rerun = error instanceof PermanentStepError ? error.rerun : undefined;
    // What the failed try used is billed all the same.
    const failedUsage = used();
    try {
      await ledger.write({
        ...record,
        status: "failed",
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        metrics: usageMetrics(failedUsage),
        error: errorMessage(error),
        ...(rerun ? { rerun } : {}),
      });
    } catch (writeError) {
      // The failure itself must still travel (retry or failure email) even when the ledger cannot record it.
      log.error("could not record the failure in the ledger", {
        event: "ledger.write-failed",
        error: writeError,
      });
    }
    log.error(transient ? "step failed; the bus will retry it" : "step failed permanently", {
      event: "step.failed",
      transient,
      error,
      warehouse: failedUsage,
    });
    if (transient) throw error;
    await publishFailure(step, message, errorMessage(error), runtime, rerun);
    return "failed";
  }

  const finishedAt = ports.clock.now();
  const usage = used();
  const finished: StepRecord = {
    ...record,
    status: result.blocked ? "blocked" : "succeeded",
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    rows: result.rows ?? {},
    outputs: result.outputs ?? [],
    findings: result.findings ?? [],
    metrics: { ...result.metrics, ...usageMetrics(usage) },
    summary: result.summary,
  };
  await ledger.write(finished);
  log.info(result.blocked ? "step blocked the run" : "step succeeded", {
    event: result.blocked ? "step.blocked" : "step.succeeded",
    durationMs: finished.durationMs,
    summary: result.summary,
    warehouse: usage,
  });
  if (result.blocked) {
    await publishFailure(step, message, result.summary ?? "a blocking check failed", runtime);
    return "blocked";
  }
  await publishNext(step, { ...message, ...result.next }, runtime);
  return "succeeded";
}

/**
 * A duplicate delivery or a re-run of a finished day: nothing is done twice. Passing the message on is harmless
 * (the next step de-duplicates too) and repairs a chain whose publish was lost.
 */
async function duplicate(
  step: StepName,
  message: RunMessage,
  runtime: StepRuntime,
  log: Logger,
  done: StepRecord,
): Promise<StepOutcome> {
  log.info("step already succeeded for this run date; not running it again", {
    event: "step.duplicate",
    firstRunId: done.runId,
  });
  await publishNext(step, message, runtime);
  return "duplicate";
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
