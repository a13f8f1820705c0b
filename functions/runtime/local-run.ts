// One whole run on this machine: every step's handler subscribed to the in-process bus (the same envelope
// Pub/Sub pushes), the run message published to the first selected step, and the bus drained to the end.
import { InProcessBus } from "../adapters/bus/in-process-bus.ts";
import type { DuckDbWarehouse } from "../adapters/warehouse/duckdb/warehouse.ts";
import type { PulseConfig } from "../shared/config.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import { Ledger, type StepRecord } from "../shared/ledger.ts";
import { DEAD_LETTER_TOPIC, STEP_NAMES, type StepName, STEPS, stepDefinition } from "../shared/pipeline.ts";
import type { Clock, Logger, Secrets, WarehouseStats } from "../shared/ports.ts";
import { isStepSelected, type RunMessage } from "../shared/run-message.ts";
import { StepInProgressError } from "../shared/run-step.ts";
import type { Ports } from "../shared/step.ts";
import { createLocalPorts } from "./local-ports.ts";
import { lifecycleRules } from "../lib/bucket-lifecycle.ts";
import { createStepHandlers, loadStepModules, type StepFunctionOverrides } from "./step-handlers.ts";

/**
 * The last step that writes to the warehouse: export, report and notify only read it
 * (test/integration/local-run.test.ts holds them to that). Once it has succeeded, DuckDB writes the run's changes
 * from its log into the database file on its own threads while they run, most of it beside the report's
 * JavaScript. Warm runs at 1M orders: 2.52–2.59 s against 2.67–2.80 s with the checkpoints inside the transform
 * and at close (4 runs each, interleaved).
 */
const LAST_WAREHOUSE_WRITER: StepName = "check-quality";

export interface LocalRunOptions {
  log: Logger;
  /** The PII key and SMTP URL, read by the steps that need them (runtime/local-ports.ts's localSecrets). */
  secrets: Secrets;
  clock?: Clock;
  /** An already open warehouse (the CLI opens it to generate demo data first). */
  warehouse?: DuckDbWarehouse;
  /** Replace step functions, e.g. to make one fail in a test. */
  overrides?: StepFunctionOverrides;
  /** Wrap the ports, e.g. a bucket that fails on a chosen write (the fault-injection tests). */
  wrapPorts?: (ports: Ports) => Ports;
}

export interface LocalRunReport {
  message: RunMessage;
  records: StepRecord[];
  /** Steps of this run id that failed or blocked. */
  failures: StepRecord[];
  /**
   * Selected steps that this run did not see succeed (or find already succeeded), with why: another live
   * delivery held them, the chain stopped before them, or their delivery kept failing. Any entry: exit non-zero.
   */
  notDone: { step: StepName; reason: string }[];
  ports: Ports;
  warehouseStats: WarehouseStats;
  /** Why each failure email of this run could not be sent (every delivery of its dead letter failed). */
  failureEmailsNotSent: string[];
  /** Objects the bucket's lifecycle rules expired at the end of the run (old dated extracts, quarantined rows). */
  expired: { path: string; rule: string }[];
  wallMs: number;
}

export async function runLocally(
  config: PulseConfig,
  message: RunMessage,
  options: LocalRunOptions,
): Promise<LocalRunReport> {
  const started = performance.now();
  const bus = new InProcessBus({ maxDeliveryAttempts: 3, deadLetterTopic: DEAD_LETTER_TOPIC });
  const localPorts = await createLocalPorts(config, bus, {
    clock: options.clock,
    warehouse: options.warehouse,
    secrets: options.secrets,
  });
  const ports = options.wrapPorts
    ? { ...options.wrapPorts(localPorts), warehouse: localPorts.warehouse }
    : localPorts;
  const runtime: HandlerRuntime = { config, ports, log: options.log };
  const handlers = createStepHandlers(async () => runtime, options.overrides);
  await loadStepModules();
  // What each step's last delivery in this run came to: the exit status rests on these, not on the ledger
  // alone (a ledger record may be an older run's).
  const outcomes = new Map<StepName, string>();
  for (const step of STEPS) {
    const handler = handlers.steps[step.name];
    bus.subscribe(step.topic, async (event) => {
      try {
        const outcome = await handler(event);
        outcomes.set(step.name, outcome);
        if (step.name === LAST_WAREHOUSE_WRITER && outcome === "succeeded") {
          void localPorts.warehouse.checkpointInBackground();
        }
      } catch (error) {
        outcomes.set(step.name, error instanceof Error ? error.message : String(error));
        if (error instanceof StepInProgressError) return; // another process runs it: retrying here cannot help
        throw error;
      }
    });
  }
  bus.subscribe(DEAD_LETTER_TOPIC, handlers.deadLetter);

  const first = STEP_NAMES.find((step) => isStepSelected(step, message.options)) ?? "ingest";
  await bus.publish(stepDefinition(first).topic, {
    data: message,
    attributes: { runDate: message.runDate, runId: message.runId },
  });
  await bus.drain();

  // What Cloud Storage's lifecycle rules do in the cloud, on the real time (the files' times are real).
  const expired = await localPorts.bucket.expire(
    lifecycleRules(config.local.extractRetentionDays),
    new Date(),
  );

  const records = await new Ledger(ports.bucket).readAll(message.runDate);
  records.sort((a, b) => STEP_NAMES.indexOf(a.step) - STEP_NAMES.indexOf(b.step));
  const failures = records.filter(
    (record) => record.runId === message.runId && (record.status === "failed" || record.status === "blocked"),
  );
  const notDone = STEP_NAMES.filter((step) => isStepSelected(step, message.options)).flatMap((step) => {
    const outcome = outcomes.get(step);
    if (outcome === "succeeded" || outcome === "duplicate") return [];
    if (outcome === "failure-notified")
      return [{ step, reason: "not run: a failure email went out instead" }];
    return [{ step, reason: outcome === undefined ? "not reached: the run stopped before it" : outcome }];
  });
  return {
    message,
    records,
    failures,
    notDone,
    failureEmailsNotSent: bus.undelivered.map((dead) => dead.reason),
    ports,
    warehouseStats: ports.warehouse.stats(),
    expired,
    wallMs: performance.now() - started,
  };
}
