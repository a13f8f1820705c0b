// Cloud Function (2nd gen) entry points: one per step, named in functions/shared/pipeline.json, each a
// Pub/Sub-triggered CloudEvent function; plus the dead-letter entry that emails a step's final failure.

import type { CloudEventFunction } from "@google-cloud/functions-framework";
import * as functions from "@google-cloud/functions-framework";
import { functionRuntime } from "./runtime/function-runtime.ts";
import { createStepHandlers } from "./runtime/step-handlers.ts";
import { STEPS } from "./shared/pipeline.ts";

export const DEAD_LETTER_ENTRY_POINT = "deadLetter";

const handlers = createStepHandlers(functionRuntime);

for (const step of STEPS) {
  const handler = handlers.steps[step.name];
  const entryPoint: CloudEventFunction<unknown> = async (event) => {
    await handler(event);
  };
  functions.cloudEvent(step.entryPoint, entryPoint);
}

functions.cloudEvent(DEAD_LETTER_ENTRY_POINT, handlers.deadLetter);
