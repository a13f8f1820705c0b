// When a step that asks the platforms' APIs must stop waiting for them: its Cloud Function's timeout, counted from
// the step's start, less what the step keeps to finish (land what it pulled, write its findings and its ledger
// record, publish the next step). Past the timeout the function is killed mid-run, with no finding and no record
// of why; a wait that would end after the deadline is not begun (http.ts sleepBeforeDeadline, requestLimit).
import { stepDefinition, type StepName } from "../../shared/pipeline.ts";
import type { StepContext } from "../../shared/step.ts";
import type { ApiIo } from "./http.ts";

/**
 * The instant, on io's clock, by which `step`'s API calls must have ended: its timeout counted from the step's
 * start (time already spent, on the ports' clock, is taken off), less `wrapUpMs`.
 */
export function stepDeadline(step: StepName, context: StepContext, io: ApiIo, wrapUpMs: number): Date {
  const spentMs = context.startedAt
    ? Math.max(0, context.ports.clock.now().getTime() - context.startedAt.getTime())
    : 0;
  const budgetMs = stepDefinition(step).timeoutSeconds * 1000 - wrapUpMs - spentMs;
  return new Date(io.now().getTime() + budgetMs);
}
