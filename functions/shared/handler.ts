// The thin Cloud Function handler: decode and validate the Pub/Sub message, run the step with its ports,
// let runStep publish the next message. Permanent problems are logged and acknowledged (returning normally);
// transient ones throw so that Pub/Sub retries, up to the dead-letter topic.
import type { PulseConfig } from "./config.ts";
import { isIsoDate, yesterdayIn } from "../lib/calendar.ts";
import { type DeadFileDrop, deadFileDrop } from "./dead-letter-drop.ts";
import { Ledger } from "./ledger.ts";
import { isStepName, STEP_NAMES, type StepName } from "./pipeline.ts";
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
      // A start message's run date (and run id) come from when it was published, not from when this delivery
      // came: a redelivery after the shop's midnight still runs the day the scheduler asked for, under one run id.
      const published = decoded.publishTime ? new Date(decoded.publishTime) : undefined;
      message =
        step === STEP_NAMES[0]
          ? resolveStartMessage(
              decoded.data,
              published && !Number.isNaN(published.getTime()) ? published : context.ports.clock.now(),
              context.config.shop.timezone,
            )
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

/** Sends what a dead-lettered file drop's email says (notify's notifyDeadFileDrop). */
export type FileDropNotifier = (
  message: RunMessage,
  drop: DeadFileDrop,
  reason: string,
  runtime: HandlerRuntime,
) => Promise<void>;

/**
 * Why a dead letter's deliveries failed: Pub/Sub's reason if it gave one, and the error the ledger recorded for this
 * run's last try of the step, when it recorded one.
 */
async function deadLetterReason(
  ledger: Ledger,
  message: RunMessage,
  step: StepName,
  attributes: Record<string, string>,
): Promise<string> {
  const reason = attributes.deadLetterReason ?? "the step kept failing after every retry";
  const record = await ledger.read(message.runDate, step).catch(() => undefined);
  return record?.status === "failed" && record.runId === message.runId && record.error
    ? `${reason}; its last error: ${record.error}`
    : reason;
}

/** A run id from a dead letter's own id: stable across its redeliveries, so its email goes out once. */
function deadLetterRunId(prefix: string, id: string | undefined): string {
  return `${prefix}-${(id ?? "unknown").replace(/[^A-Za-z0-9._:-]/g, "-")}`.slice(0, 120);
}

/**
 * Messages that exhausted their deliveries land on the dead-letter topic; this handler turns each into the
 * failure email of the step whose topic it came from. A message it cannot read as a run message (Scheduler's
 * `{"trigger":"scheduler"}`, garbage) still produces one: the email says what arrived. A dead letter for a step
 * that has succeeded since, or that a live delivery is running right now, sends nothing: it was not a failure.
 * A file drop's (the Cloud Storage notification, or the start message the file-drop subscription made of it) is
 * about the file, not a step: `onFileDrop` says what became of the file.
 */
export function createDeadLetterHandler(
  runtime: () => Promise<HandlerRuntime>,
  onFailure: (message: RunMessage, runtime: HandlerRuntime) => Promise<void>,
  topicToStep: (topic: string) => StepName | undefined,
  onFileDrop: FileDropNotifier,
): (event: unknown) => Promise<void> {
  return async (event) => {
    const context = await runtime();
    const now = context.ports.clock.now();
    const timeZone = context.config.shop.timezone;
    const envelope = (
      event as { data?: { message?: { attributes?: Record<string, string>; messageId?: string } } }
    )?.data?.message;
    const attributes = envelope?.attributes ?? {};
    const step =
      topicToStep(attributes.sourceTopic ?? "") ??
      topicToStep(sourceTopicOfSubscription(attributes.CloudPubSubDeadLetterSourceSubscription)) ??
      (isStepName(attributes.step ?? "") ? (attributes.step as StepName) : undefined) ??
      STEP_NAMES[0];
    const ledger = new Ledger(context.ports.bucket);
    let message: RunMessage;
    let unreadable: string | undefined;
    try {
      const decoded = decodePubSubData(event);
      // When the message was published, not when its dead letter came: Pub/Sub forwards a dead letter as a new
      // message and keeps the original's publish time in CloudPubSubDeadLetterSourceTopicPublishTime. A start
      // message then resolves to the run date and run id its step's deliveries had (resolveStartMessage), whose
      // ledger record holds the last error. Both times are stable across the dead letter's redeliveries.
      const originallyPublished =
        attributes.CloudPubSubDeadLetterSourceTopicPublishTime ?? decoded.publishTime;
      const published = originallyPublished ? new Date(originallyPublished) : now;
      const when = Number.isNaN(published.getTime()) ? now : published;
      const drop = deadFileDrop(decoded.data, attributes);
      if (drop) {
        const dropMessage = parseRunMessage({
          // The day the drop's run re-ran: the last complete one when it was dropped (infra/file-drop-start.js).
          runDate: yesterdayIn(drop.droppedAt ? new Date(drop.droppedAt) : when, timeZone),
          runId: drop.generation
            ? deadLetterRunId("file-drop", drop.generation)
            : deadLetterRunId("dead-letter", envelope?.messageId),
          trigger: "file-drop",
          options: { force: true },
        });
        const reason = await deadLetterReason(ledger, dropMessage, STEP_NAMES[0], attributes);
        await onFileDrop(dropMessage, drop, reason, context);
        return;
      }
      // The first step also accepts Scheduler's start message, so its dead letters may be one.
      message =
        step === STEP_NAMES[0]
          ? resolveStartMessage(decoded.data, when, timeZone)
          : parseRunMessage(decoded.data);
    } catch (error) {
      if (!(error instanceof UndecodableMessageError || error instanceof InvalidMessageError)) throw error;
      unreadable = error.message;
      context.log.error("dead-lettered message cannot be read; sending the failure email anyway", {
        error: unreadable,
        attributes,
      });
      message = parseRunMessage({
        runDate:
          attributes.runDate && isIsoDate(attributes.runDate)
            ? attributes.runDate
            : yesterdayIn(now, timeZone),
        // Stable across redeliveries of this dead letter, so the failure email goes out once.
        runId: deadLetterRunId("dead-letter", envelope?.messageId),
        trigger: "retry",
      });
    }
    if (!message.failure && !unreadable) {
      if ((await ledger.read(message.runDate, step))?.status === "succeeded") {
        context.log.info("dead letter for a step that has succeeded since; no failure email", { step });
        return;
      }
      const holder = await ledger.liveClaim(message.runDate, step, now);
      if (holder) {
        context.log.warn("dead letter for a step that a live delivery is running; no failure email", {
          step,
          holder: holder.runId,
        });
        return;
      }
    }
    await onFailure(
      {
        ...message,
        failure: message.failure ?? {
          step,
          error: unreadable
            ? `a message for ${step} could not be read and was dead-lettered: ${unreadable}`
            : await deadLetterReason(ledger, message, step, attributes),
          at: now.toISOString(),
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
