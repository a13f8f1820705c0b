// pulse rerun: re-starts a cloud run from a step, by publishing the run message to that step's topic through the
// same Pub/Sub adapter the functions use (or the emulator, when PUBSUB_EMULATOR_HOST is set). The functions then
// carry the chain on exactly as after a scheduled start.
import { parseArgs } from "node:util";
import { isIsoDate } from "../lib/calendar.ts";
import { isStepName, STEP_NAMES, type StepName, stepDefinition } from "../shared/pipeline.ts";
import type { Bus } from "../shared/ports.ts";
import {
  InvalidMessageError,
  isStepSelected,
  newRunId,
  parseRunMessage,
  type RunMessage,
} from "../shared/run-message.ts";

export const RERUN_HELP = `Usage
  npm start -- rerun --from STEP --date YYYY-MM-DD [--to STEP] [--skip STEP] [--force] [--full-refresh]
                     [--project PROJECT]

Publishes the run message for that date to STEP's Pub/Sub topic: the cloud run resumes from STEP. Without
--force, steps already recorded as succeeded for that date are not run again. The project is --project, else
PULSE_PROJECT_ID or GOOGLE_CLOUD_PROJECT; credentials are gcloud's application-default ones.`;

export class RerunUsageError extends Error {}

export interface RerunRequest {
  message: RunMessage;
  topic: string;
  projectId: string;
}

function step(value: string | undefined, flag: string): StepName | undefined {
  if (value === undefined) return undefined;
  if (!isStepName(value))
    throw new RerunUsageError(`${flag} must be one of ${STEP_NAMES.join(", ")}; got "${value}"`);
  return value;
}

/** The message and topic a rerun publishes, from its arguments; a usage error says what is wrong. */
export function planRerun(argv: string[], env: Record<string, string | undefined>, now: Date): RerunRequest {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      skip: { type: "string", multiple: true },
      date: { type: "string" },
      force: { type: "boolean" },
      "full-refresh": { type: "boolean" },
      project: { type: "string" },
    },
  });
  const from = step(values.from, "--from");
  if (!from) throw new RerunUsageError("--from STEP is required (the step the run resumes at)");
  if (!values.date || !isIsoDate(values.date)) {
    throw new RerunUsageError(`--date must be a real date as YYYY-MM-DD; got "${values.date ?? ""}"`);
  }
  const projectId = values.project ?? (env.PULSE_PROJECT_ID || env.GOOGLE_CLOUD_PROJECT);
  if (!projectId) throw new RerunUsageError("no project: pass --project or set PULSE_PROJECT_ID");
  try {
    const message = parseRunMessage({
      runDate: values.date,
      runId: newRunId("manual", now),
      trigger: "manual",
      options: {
        from,
        to: step(values.to, "--to"),
        skip: (values.skip ?? [])
          .flatMap((item) => item.split(","))
          .map((item) => step(item.trim(), "--skip")),
        force: Boolean(values.force),
        fullRefresh: Boolean(values["full-refresh"]),
      },
    });
    return { message, topic: stepDefinition(from).topic, projectId };
  } catch (error) {
    if (error instanceof InvalidMessageError) throw new RerunUsageError(error.message);
    throw error;
  }
}

/**
 * Pure: a rerun that rebuilds all history without ingest (--full-refresh from transform on, or with ingest skipped)
 * fetches no exchange rate, so ad days spent in another currency than the shop's that have none count 0 in the
 * rebuilt history. A local run's summary names those days (cli/summary.ts); a rerun only publishes, and nothing
 * reads the warehouse here, so it says what may be missing and the rerun that fetches it (a --full-refresh's ingest
 * asks from the oldest ad day) when it publishes. Null for any other rerun.
 */
export function unfetchedRatesCaution(request: RerunRequest): string | null {
  const { options, runDate } = request.message;
  if (!options.fullRefresh || isStepSelected("ingest", options) || !isStepSelected("transform", options))
    return null;
  return (
    "Exchange rates: ingest does not run in this rerun, so none is fetched: older ad days spent in another " +
    "currency than the shop's that have no rate count 0 in the rebuilt history. To fetch their rates too: " +
    `npm start -- rerun --from ingest --date ${runDate} --full-refresh --force --project ${request.projectId}`
  );
}

/** Runs `pulse rerun`: 0 when published, 2 on bad usage. `bus` replaces Pub/Sub (tests). */
export async function rerun(
  argv: string[],
  env: Record<string, string | undefined>,
  options: { bus?: Bus; write?: (line: string) => void; now?: Date } = {},
): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let request: RerunRequest;
  try {
    request = planRerun(argv, env, options.now ?? new Date());
  } catch (error) {
    if (!(error instanceof RerunUsageError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${error.message}\n\n${RERUN_HELP}\n`);
    return 2;
  }
  // The Pub/Sub client is loaded here, for a rerun alone: importing it takes ~0.45 s, which every local run and
  // --help paid while the CLI imported it at its start.
  const pubsub = options.bus
    ? undefined
    : new (await import("../adapters/bus/pubsub-bus.ts")).PubSubBus(request.projectId);
  const bus = options.bus ?? (pubsub as Bus);
  try {
    const id = await bus.publish(request.topic, {
      data: request.message,
      attributes: {
        runDate: request.message.runDate,
        runId: request.message.runId,
        step: request.message.options.from ?? "",
      },
    });
    write(
      `published run ${request.message.runId} for ${request.message.runDate} to ${request.topic} (project ${request.projectId}, message ${id})`,
    );
    const rates = unfetchedRatesCaution(request);
    if (rates) write(rates);
    return 0;
  } finally {
    await pubsub?.close();
  }
}
