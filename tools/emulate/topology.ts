// The topics and push subscriptions of the chain, on the emulator: one topic per step pushing to that step's
// function, the file-drop topic pushing to the first step's (as infra/pubsub.tf sets it up, less its message
// transform, which the emulator lacks: see file-drop-transform.ts), and the dead-letter topic pushing to the
// dead-letter function.
import type { PubSub } from "@google-cloud/pubsub";
import { DEAD_LETTER_TOPIC, FILE_DROP_TOPIC, STEPS } from "../../functions/shared/pipeline.ts";

/** Pub/Sub's smallest allowed value; the emulator honours it (verified with emulator 0.8.x). */
export const MAX_DELIVERY_ATTEMPTS = 5;

export interface PushSubscription {
  name: string;
  topic: string;
  endpoint: string;
  entryPoint: string;
}

/**
 * The push path Eventarc uses. functions-framework reads the topic from it when it turns a plain Pub/Sub push
 * body into a CloudEvent, and logs a warning for any other path.
 */
export function pushEndpoint(baseUrl: string, projectId: string, topic: string): string {
  return `${baseUrl}/projects/${projectId}/topics/${topic}`;
}

export function subscriptionName(topic: string): string {
  return `${topic}-push`;
}

/** The longest pause the subscriptions ask for between two deliveries of a failing push. */
export const MAX_RETRY_BACKOFF_SECONDS = 10;

export async function createPushTopology(
  client: PubSub,
  projectId: string,
  urls: Readonly<Record<string, string>>,
  deadLetterEntryPoint: string,
): Promise<PushSubscription[]> {
  const baseUrl = (entryPoint: string) => {
    const url = urls[entryPoint];
    if (!url) throw new Error(`no server for the ${entryPoint} function`);
    return url;
  };
  const [deadLetterTopic] = await client.createTopic(DEAD_LETTER_TOPIC);
  const subscriptions: PushSubscription[] = [
    {
      name: subscriptionName(DEAD_LETTER_TOPIC),
      topic: DEAD_LETTER_TOPIC,
      endpoint: pushEndpoint(baseUrl(deadLetterEntryPoint), projectId, DEAD_LETTER_TOPIC),
      entryPoint: deadLetterEntryPoint,
    },
  ];
  await deadLetterTopic.createSubscription(subscriptionName(DEAD_LETTER_TOPIC), {
    pushConfig: { pushEndpoint: subscriptions[0]?.endpoint },
    ackDeadlineSeconds: 60,
  });

  const firstStep = STEPS[0];
  if (!firstStep) throw new Error("the pipeline has no steps");
  const routes = [
    ...STEPS.map((step) => ({ topic: step.topic, step })),
    // A file dropped in raw/inbox/ starts a run at the first step, with that step's deadlines and dead letters.
    { topic: FILE_DROP_TOPIC, step: firstStep },
  ];
  for (const { topic: topicName, step } of routes) {
    const [topic] = await client.createTopic(topicName);
    const subscription: PushSubscription = {
      name: subscriptionName(topicName),
      topic: topicName,
      endpoint: pushEndpoint(baseUrl(step.entryPoint), projectId, topicName),
      entryPoint: step.entryPoint,
    };
    await topic.createSubscription(subscription.name, {
      pushConfig: { pushEndpoint: subscription.endpoint },
      // A push that is not answered within the ack deadline is delivered again, in parallel with the one still
      // running: give every step its whole timeout (Pub/Sub's ceiling is 600 s).
      ackDeadlineSeconds: Math.min(600, step.timeoutSeconds + 30),
      deadLetterPolicy: {
        deadLetterTopic: `projects/${projectId}/topics/${DEAD_LETTER_TOPIC}`,
        maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS,
      },
      // What the deployment asks for; the emulator follows it its own way (about 1 s, then a few seconds, never more
      // than the maximum: test/tools/emulate/pubsub-emulator.test.ts).
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: MAX_RETRY_BACKOFF_SECONDS } },
    });
    subscriptions.push(subscription);
  }
  return subscriptions;
}
