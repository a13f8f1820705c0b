// The bus on Pub/Sub (or its emulator, when PUBSUB_EMULATOR_HOST is set: the client library switches itself).
import { PubSub } from "@google-cloud/pubsub";
import type { Bus, BusMessage } from "../../shared/ports.ts";

export class PubSubBus implements Bus {
  private readonly client: PubSub;

  constructor(projectId: string) {
    this.client = new PubSub({ projectId });
  }

  async publish(topic: string, message: BusMessage): Promise<string> {
    return this.client
      .topic(topic)
      .publishMessage({ json: message.data, attributes: message.attributes ?? {} });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
