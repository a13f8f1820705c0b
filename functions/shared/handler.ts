// The thin Cloud Function handler: decode and validate the Pub/Sub message, run the step with its ports,
// let runStep publish the next message. Permanent problems are logged and acknowledged (returning normally);
// transient ones throw so that Pub/Sub retries, up to the dead-letter topic.
import type { PulseConfig } from "./config.ts";
import { STEP_NAMES, type StepName } from "./pipeline.ts";
import type { Logger } from "./ports.ts";
import { decodePubSubData, UndecodableMessageError } from "./pubsub-envelope.ts";
import {
  futureRunDateProblem,
  InvalidMessageError,
  parseRunMessage,
  type RunMessage,
  resolveStartMessage,
} from "./run-message.ts";
import { runStep, type StepOutcome } from "./run-step.ts";
import type { Ports, StepFunction } from "./step.ts";

export interface HandlerRuntime {
  config: PulseConfig;
  ports: Ports;
  log: Logger;
}

export interface HandlerOptions {
  /** Deliveries older than this are acknowledged without running (a backlog must not replay stale days). */
  maxEventAgeMs: number;
  /** The notify step's failure path, for messages that carry a failure. */
  onFailure?: (message: RunMessage, runtime: HandlerRuntime) => Promise<void>;
}

export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;

export type StepEventHandler = (
  event: unknown,
) => Promise<StepOutcome | "rejected" | "too-old" | "failure-notified">;

/** A handler for one step; `runtime` is created on first use so that a cold start pays for it once. */
export function createStepEventHandler(
  step: StepName,
  run: StepFunction,
  runtime: () => Promise<HandlerRuntime>,
  options: HandlerOptions = { maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS },
): StepEventHandler {
  return async (event) => {
    const context = await runtime();
    const log = context.log.child({ step });
    let message: RunMessage;
    try {
      const decoded = decodePubSubData(event);
      const age = decoded.publishTime
        ? context.ports.clock.now().getTime() - Date.parse(decoded.publishTime)
        : 0;
      if (age > options.maxEventAgeMs) {
        log.warn("event too old; acknowledged without running", { messageId: decoded.messageId, ageMs: age });
        return "too-old";
      }
      message =
        step === STEP_NAMES[0]
          ? resolveStartMessage(decoded.data, context.ports.clock.now(), context.config.shop.timezone)
          : parseRunMessage(decoded.data);
      const future = futureRunDateProblem(
        message.runDate,
        context.ports.clock.now(),
        context.config.shop.timezone,
      );
      if (future) throw new InvalidMessageError(future);
    } catch (error) {
      if (error instanceof UndecodableMessageError || error instanceof InvalidMessageError) {
        // Retrying a malformed message can never succeed: say what is wrong and acknowledge it.
        log.error("message rejected", { error: error.message });
        return "rejected";
      }
      throw error;
    }
    if (message.failure) {
      if (!options.onFailure) {
        log.error("a failure message reached a step that cannot report it", { failure: message.failure });
        return "rejected";
      }
      await options.onFailure(message, context);
      return "failure-notified";
    }
    return runStep(step, run, message, context);
  };
}

/**
 * Messages that exhausted their deliveries land on the dead-letter topic; this handler turns each into the
 * failure email of the step whose topic it came from.
 */
export function createDeadLetterHandler(
  runtime: () => Promise<HandlerRuntime>,
  onFailure: (message: RunMessage, runtime: HandlerRuntime) => Promise<void>,
  topicToStep: (topic: string) => StepName | undefined,
): (event: unknown) => Promise<void> {
  return async (event) => {
    const context = await runtime();
    const attributes =
      (event as { data?: { message?: { attributes?: Record<string, string> } } })?.data?.message
        ?.attributes ?? {};
    let message: RunMessage;
    try {
      message = parseRunMessage(decodePubSubData(event).data);
    } catch (error) {
      context.log.error("dead-lettered message cannot be read; dropping it", { error, attributes });
      return;
    }
    const step =
      topicToStep(attributes.sourceTopic ?? "") ??
      topicToStep(sourceTopicOfSubscription(attributes.CloudPubSubDeadLetterSourceSubscription)) ??
      (attributes.step as StepName | undefined) ??
      "ingest";
    await onFailure(
      {
        ...message,
        failure: message.failure ?? {
          step,
          error: attributes.deadLetterReason ?? "the step kept failing after every retry",
          at: context.ports.clock.now().toISOString(),
        },
      },
      context,
    );
  };
}

/**
 * Pub/Sub names the subscription a dead letter came from (CloudPubSubDeadLetterSourceSubscription), not its
 * topic; the push subscriptions are named <topic>-push (infra/pubsub.tf), so the topic is the name less that.
 */
export function sourceTopicOfSubscription(subscription: string | undefined): string {
  const name = subscription?.split("/").pop() ?? "";
  return name.replace(/-push$/, "");
}
