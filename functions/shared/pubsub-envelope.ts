// Pub/Sub's message as Cloud Functions (2nd gen) receive it, through Eventarc, as a CloudEvent.
import type { BusMessage } from "./ports.ts";

export interface PubSubMessage {
  data: string;
  attributes?: Record<string, string>;
  messageId: string;
  publishTime: string;
}

export interface PubSubCloudEvent {
  id: string;
  source: string;
  type: string;
  specversion: string;
  data: { message: PubSubMessage; subscription?: string };
}

export function toPubSubCloudEvent(
  topic: string,
  messageId: string,
  message: BusMessage,
  publishTime: Date,
): PubSubCloudEvent {
  return {
    id: messageId,
    source: `//pubsub.googleapis.com/projects/local/topics/${topic}`,
    type: "google.cloud.pubsub.topic.v1.messagePublished",
    specversion: "1.0",
    data: {
      message: {
        data: Buffer.from(JSON.stringify(message.data)).toString("base64"),
        attributes: message.attributes ?? {},
        messageId,
        publishTime: publishTime.toISOString(),
      },
      subscription: `projects/local/subscriptions/${topic}`,
    },
  };
}

export class UndecodableMessageError extends Error {
  override name = "UndecodableMessageError";
}

/** The JSON payload of a Pub/Sub CloudEvent; throws a clear error for anything else. */
export function decodePubSubData(event: unknown): { data: unknown; messageId: string; publishTime?: string } {
  const message = (event as { data?: { message?: Partial<PubSubMessage> } })?.data?.message;
  if (!message || typeof message.data !== "string" || message.data.length === 0) {
    throw new UndecodableMessageError("event carries no Pub/Sub message data");
  }
  const text = Buffer.from(message.data, "base64").toString("utf8");
  try {
    return {
      data: JSON.parse(text),
      messageId: message.messageId ?? "unknown",
      publishTime: message.publishTime,
    };
  } catch {
    throw new UndecodableMessageError(`Pub/Sub message data is not JSON: ${text.slice(0, 80)}`);
  }
}
