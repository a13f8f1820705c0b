// When is an event-driven run over? Nobody returns from a publish: the answer is in the bucket (the ledger and
// the email markers), and in the function servers going quiet.
import { emailMarkersPrefix } from "../../functions/lib/bucket-layout.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { isStepName, type StepName } from "../../functions/shared/pipeline.ts";
import type { Bucket } from "../../functions/shared/ports.ts";
import type { FunctionServers } from "./function-servers.ts";
import { MAX_RETRY_BACKOFF_SECONDS } from "./topology.ts";

export type RunEnd =
  | { outcome: "succeeded" }
  | { outcome: "failed"; step: StepName; error: string }
  /** Deliveries stopped without this run id reaching notify: every step was already done, or a message was dropped. */
  | { outcome: "settled" };

export interface WaitForRunOptions {
  timeoutMs: number;
  pollMs?: number;
  /**
   * How long the servers must be quiet before a run that never reached notify counts as over. Longer than the
   * longest pause the subscriptions allow between retries of a failing push (MAX_RETRY_BACKOFF_SECONDS), so a
   * retrying step is not mistaken for the end: the emulator's own pauses (about 3 s) stretched past the 5 s this
   * was on a loaded machine, and a dead-lettered run was reported as settled.
   */
  settleMs?: number;
}

export class RunTimeoutError extends Error {
  override name = "RunTimeoutError";
}

interface FailureMarker {
  status?: string;
  failure?: { step?: string; error?: string };
}

async function failureFor(bucket: Bucket, runDate: string, runId: string): Promise<RunEnd | undefined> {
  const paths = await bucket.list(emailMarkersPrefix(runDate));
  for (const path of paths.filter((candidate) => candidate.endsWith(`-${runId}.json`))) {
    if (!path.slice(path.lastIndexOf("/") + 1).startsWith("failure-")) continue;
    const body = await bucket.read(path);
    const marker = JSON.parse(body?.toString("utf8") ?? "{}") as FailureMarker;
    const step = marker.failure?.step ?? "";
    if (marker.status === "sent" && isStepName(step)) {
      return { outcome: "failed", step, error: marker.failure?.error ?? "" };
    }
  }
  return undefined;
}

/** Polls until the run's notify step succeeded, its failure email went out, or the chain went quiet. */
export async function waitForRunEnd(
  bucket: Bucket,
  servers: FunctionServers,
  run: { runDate: string; runId: string },
  options: WaitForRunOptions,
): Promise<RunEnd> {
  const ledger = new Ledger(bucket);
  const deadline = Date.now() + options.timeoutMs;
  const deliveriesBefore = servers.deliveries.length;
  const settleMs = options.settleMs ?? (MAX_RETRY_BACKOFF_SECONDS + 2) * 1000;
  for (;;) {
    const notify = await ledger.read(run.runDate, "notify");
    if (notify?.runId === run.runId && notify.status === "succeeded") return { outcome: "succeeded" };
    const failed = await failureFor(bucket, run.runDate, run.runId);
    if (failed) return failed;

    if (servers.deliveries.length > deliveriesBefore && servers.idleMs() >= settleMs) {
      return { outcome: "settled" };
    }
    if (Date.now() > deadline) {
      throw new RunTimeoutError(
        `the run for ${run.runDate} (${run.runId}) did not finish within ${Math.round(options.timeoutMs / 1000)} s ` +
          `(${servers.deliveries.length - deliveriesBefore} deliveries so far, ${servers.inFlight()} running)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}
