// Every step's event handler and the dead-letter handler, built in one place for the Cloud Function entry points
// (functions/index.ts, which the emulator serves) and the local run: which function runs each step, and that
// notify also sends the failure email, are decided here and nowhere else.
//
// Each step's module is imported on its first event, not with this file: every deployed function loads the one
// entry module, and a function runs one step, so it loads that step's libraries only (transform never loads the
// deck's or the email's).
import {
  createDeadLetterHandler,
  createStepEventHandler,
  DEFAULT_MAX_EVENT_AGE_MS,
  type FileDropNotifier,
  type HandlerRuntime,
  type StepEventHandler,
} from "../shared/handler.ts";
import { STEPS, type StepName } from "../shared/pipeline.ts";
import type { RunMessage } from "../shared/run-message.ts";
import type { StepFunction } from "../shared/step.ts";

/** Each step's function, from its module. */
const STEP_MODULES: Record<StepName, () => Promise<StepFunction>> = {
  ingest: async () => (await import("../ingest/step.ts")).runIngest,
  "check-sources": async () => (await import("../check-sources/step.ts")).runCheckSources,
  transform: async () => (await import("../transform/step.ts")).runTransform,
  "check-quality": async () => (await import("../check-quality/step.ts")).runCheckQuality,
  export: async () => (await import("../export/step.ts")).runExport,
  report: async () => (await import("../report/step.ts")).runReport,
  notify: async () => (await import("../notify/step.ts")).runNotify,
};

/** A step function whose module is imported when it first runs. */
function onFirstRun(load: () => Promise<StepFunction>): StepFunction {
  return async (context) => (await load())(context);
}

/** Each step's own function; a test wraps one to see what its step touches (test/infra/function-access.test.ts). */
export const STEP_FUNCTIONS = Object.fromEntries(
  STEPS.map((step) => [step.name, onFirstRun(STEP_MODULES[step.name])]),
) as Record<StepName, StepFunction>;

/**
 * Imports every step's module at once: a local run runs them all. Imported one by one as each step came, the
 * imports counted in the steps' own times (the bench's warm ingest went from 0.04 to 0.07 s, its report from 0.37 to
 * 0.41 s at 1M orders); together up front they take what the static imports took (~100 ms of ~280).
 */
export async function loadStepModules(): Promise<void> {
  await Promise.all(STEPS.map((step) => STEP_MODULES[step.name]()));
}

/** A dead-lettered file drop's email (notify's), imported when one first comes. */
const notifyDeadFileDrop: FileDropNotifier = async (message, drop, reason, runtime) => {
  await (await import("../notify/dead-file-drop.ts")).notifyDeadFileDrop(message, drop, reason, runtime);
};

/** The failure email (notify's), imported when a step first fails for good. */
async function notifyFailure(message: RunMessage, runtime: HandlerRuntime): Promise<void> {
  await (await import("../notify/step.ts")).notifyFailure(message, runtime);
}

export type StepFunctionOverrides = Partial<Record<StepName, StepFunction>>;

export interface StepHandlers {
  steps: Record<StepName, StepEventHandler>;
  /** Turns a message that exhausted its deliveries into the failure email of the step it came from. */
  deadLetter: (event: unknown) => Promise<void>;
}

/** The step a topic belongs to: a bare topic name, or a full resource name ending with it. */
function stepOfTopic(topic: string): StepName | undefined {
  return STEPS.find((step) => topic.endsWith(step.topic))?.name;
}

/**
 * @param runtime created on first use, so that a cold start pays for it once.
 * @param overrides replace step functions, e.g. to make one fail in a test.
 */
export function createStepHandlers(
  runtime: () => Promise<HandlerRuntime>,
  overrides: StepFunctionOverrides = {},
): StepHandlers {
  const steps = Object.fromEntries(
    STEPS.map((step) => [
      step.name,
      createStepEventHandler(step.name, overrides[step.name] ?? STEP_FUNCTIONS[step.name], runtime, {
        maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS,
        onFailure: step.name === "notify" ? notifyFailure : undefined,
      }),
    ]),
  ) as Record<StepName, StepEventHandler>;
  return {
    steps,
    deadLetter: createDeadLetterHandler(runtime, notifyFailure, stepOfTopic, notifyDeadFileDrop),
  };
}
