// Every step's event handler and the dead-letter handler, built in one place for the Cloud Function entry points
// (functions/index.ts, which the emulator serves) and the local run: which function runs each step, and that
// notify also sends the failure email, are decided here and nowhere else.
import { runCheckQuality } from "../check-quality/step.ts";
import { runCheckSources } from "../check-sources/step.ts";
import { runExport } from "../export/step.ts";
import { runIngest } from "../ingest/step.ts";
import { notifyFailure, runNotify } from "../notify/step.ts";
import { runReport } from "../report/step.ts";
import {
  createDeadLetterHandler,
  createStepEventHandler,
  DEFAULT_MAX_EVENT_AGE_MS,
  type HandlerRuntime,
  type StepEventHandler,
} from "../shared/handler.ts";
import { STEPS, type StepName } from "../shared/pipeline.ts";
import type { StepFunction } from "../shared/step.ts";
import { runTransform } from "../transform/step.ts";

const STEP_FUNCTIONS: Record<StepName, StepFunction> = {
  ingest: runIngest,
  "check-sources": runCheckSources,
  transform: runTransform,
  "check-quality": runCheckQuality,
  export: runExport,
  report: runReport,
  notify: runNotify,
};

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
  return { steps, deadLetter: createDeadLetterHandler(runtime, notifyFailure, stepOfTopic) };
}
