// What every step function receives and returns. Steps are plain async functions of these values.
import type { PulseConfig } from "./config.ts";
import type { Finding } from "./findings.ts";
import type { Ledger } from "./ledger.ts";
import type { StepName } from "./pipeline.ts";
import type { Bucket, Bus, Chat, Clock, Logger, Mailer, Secrets, Warehouse } from "./ports.ts";
import type { RunMessage } from "./run-message.ts";

export interface Ports {
  warehouse: Warehouse;
  bucket: Bucket;
  bus: Bus;
  mailer: Mailer;
  secrets: Secrets;
  clock: Clock;
  /** Chat alerts; absent when no chat is configured (chat.kind unset). */
  chat?: Chat;
}

export interface StepContext {
  step: StepName;
  message: RunMessage;
  config: PulseConfig;
  ports: Ports;
  ledger: Ledger;
  log: Logger;
  /**
   * When this delivery started the step (the ports' clock): its function's timeout counts from then. Absent from
   * contexts built by hand, which count from when they are read.
   */
  startedAt?: Date;
}

export interface StepResult {
  rows?: Record<string, number>;
  outputs?: string[];
  findings?: Finding[];
  metrics?: Record<string, number>;
  /** One line for the CLI's progress and the ledger. */
  summary?: string;
  /** A blocking finding: the chain stops here and the failure email goes out. */
  blocked?: boolean;
  /** Added to the message the next step receives (transform's record of what it rebuilt). */
  next?: Pick<RunMessage, "rebuilt">;
}

export type StepFunction = (context: StepContext) => Promise<StepResult>;

/**
 * Where to run the day again from after a failure, when that is not the failed step itself: a transform that
 * needs ingest to run first (test/transform/raw-columns-upgrade.test.ts).
 */
export interface RerunAdvice {
  from: StepName;
  /** Whether the command forces: that step already succeeded for the date, and would be skipped as done. */
  force: boolean;
}

/** An error that no retry will fix (bad input, bad SQL, a missing table): reported once, never retried. */
export class PermanentStepError extends Error {
  override name = "PermanentStepError";
  /** Where the re-run starts, when not at the failed step; the ledger, the failure email and the CLI say it. */
  readonly rerun: RerunAdvice | undefined;

  constructor(message: string, options: ErrorOptions & { rerun?: RerunAdvice } = {}) {
    super(message, options);
    this.rerun = options.rerun;
  }
}

const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN", "EPIPE"]);
const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);

/** Whether a retry could succeed: network blips, rate limits and server-side errors. */
export function isTransient(error: unknown): boolean {
  if (error instanceof PermanentStepError) return false;
  const candidate = error as { code?: unknown; status?: unknown; transient?: unknown } | undefined;
  if (candidate?.transient === true) return true;
  if (typeof candidate?.code === "string" && TRANSIENT_CODES.has(candidate.code)) return true;
  const status = typeof candidate?.code === "number" ? candidate.code : candidate?.status;
  return typeof status === "number" && TRANSIENT_HTTP.has(status);
}
