// The bus in process: the same envelope Pub/Sub pushes (a CloudEvent whose data is
// { message: { data: base64, attributes, messageId, publishTime }, subscription }), delivered to the
// subscribed handlers one message at a time, with Pub/Sub's retry-then-dead-letter behaviour.
import type { Bus, BusMessage } from "../../shared/ports.ts";
import { type PubSubCloudEvent, toPubSubCloudEvent } from "../../shared/pubsub-envelope.ts";

export type EventHandler = (event: PubSubCloudEvent) => Promise<void>;

interface Pending {
  topic: string;
  event: PubSubCloudEvent;
  attempt: number;
}

export interface InProcessBusOptions {
  /** Deliveries per message before it goes to the dead-letter topic (Pub/Sub's max_delivery_attempts). */
  maxDeliveryAttempts: number;
  deadLetterTopic: string;
}

export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, EventHandler[]>();
  private readonly queue: Pending[] = [];
  private sequence = 0;
  readonly published: { topic: string; messageId: string; data: unknown }[] = [];
  /**
   * Dead letters whose every delivery failed (the failure email could not be sent), with the last error. They are
   * not dead-lettered again: the cloud's dead-letter subscription has no dead-letter policy (infra/pubsub.tf), and
   * here a dead letter sent back to its own topic made drain() deliver it without end.
   */
  readonly undelivered: { topic: string; messageId: string; reason: string }[] = [];

  constructor(private readonly options: InProcessBusOptions) {}

  subscribe(topic: string, handler: EventHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async publish(topic: string, message: BusMessage): Promise<string> {
    this.sequence += 1;
    const messageId = `local-${this.sequence}`;
    this.published.push({ topic, messageId, data: message.data });
    this.queue.push({ topic, event: toPubSubCloudEvent(topic, messageId, message, new Date()), attempt: 1 });
    return messageId;
  }

  /** Delivers queued messages until none is left (each handler may publish more). */
  async drain(): Promise<void> {
    for (let pending = this.queue.shift(); pending; pending = this.queue.shift()) {
      const handlers = this.handlers.get(pending.topic) ?? [];
      for (const handler of handlers) {
        try {
          await handler(pending.event);
        } catch (error) {
          await this.redeliverOrDeadLetter(pending, error);
        }
      }
    }
  }

  private async redeliverOrDeadLetter(pending: Pending, error: unknown): Promise<void> {
    if (pending.attempt < this.options.maxDeliveryAttempts) {
      this.queue.unshift({ ...pending, attempt: pending.attempt + 1 });
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    const original = pending.event.data.message;
    if (pending.topic === this.options.deadLetterTopic) {
      this.undelivered.push({ topic: pending.topic, messageId: original.messageId, reason });
      return;
    }
    await this.publish(this.options.deadLetterTopic, {
      data: JSON.parse(Buffer.from(original.data, "base64").toString("utf8")),
      attributes: { ...original.attributes, deadLetterReason: reason, sourceTopic: pending.topic },
    });
  }
}
