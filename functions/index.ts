// Cloud Function (2nd gen) entry points: one per step, named in functions/shared/pipeline.json, each a
// Pub/Sub-triggered CloudEvent function; plus the dead-letter entry that emails a step's final failure.

import type { CloudEventFunction } from "@google-cloud/functions-framework";
import * as functions from "@google-cloud/functions-framework";
import { notifyFailure } from "./notify/step.ts";
import { functionRuntime } from "./runtime/function-runtime.ts";
import {
  createDeadLetterHandler,
  createStepEventHandler,
  DEFAULT_MAX_EVENT_AGE_MS,
} from "./shared/handler.ts";
import { STEPS } from "./shared/pipeline.ts";
import { STEP_FUNCTIONS } from "./steps.ts";

export const DEAD_LETTER_ENTRY_POINT = "deadLetter";

for (const step of STEPS) {
  const handler = createStepEventHandler(step.name, STEP_FUNCTIONS[step.name], functionRuntime, {
    maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS,
    onFailure: step.name === "notify" ? notifyFailure : undefined,
  });
  const entryPoint: CloudEventFunction<unknown> = async (event) => {
    await handler(event);
  };
  functions.cloudEvent(step.entryPoint, entryPoint);
}

functions.cloudEvent(
  DEAD_LETTER_ENTRY_POINT,
  createDeadLetterHandler(
    functionRuntime,
    notifyFailure,
    (topic) => STEPS.find((step) => topic.endsWith(step.topic))?.name,
  ),
);
