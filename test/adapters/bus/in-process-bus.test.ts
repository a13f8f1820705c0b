import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InProcessBus } from "../../../functions/adapters/bus/in-process-bus.ts";
import { decodePubSubData, type PubSubCloudEvent } from "../../../functions/shared/pubsub-envelope.ts";

describe("in-process bus", () => {
  it("delivers Pub/Sub's push envelope, in order, until the queue is empty", async () => {
    const bus = new InProcessBus({ maxDeliveryAttempts: 3, deadLetterTopic: "dead" });
    const seen: unknown[] = [];
    bus.subscribe("a", async (event) => {
      seen.push(decodePubSubData(event).data);
      await bus.publish("b", { data: { hop: 2 } });
    });
    bus.subscribe("b", async (event) => {
      assert.equal(event.type, "google.cloud.pubsub.topic.v1.messagePublished");
      assert.equal(typeof event.data.message.publishTime, "string");
      seen.push(decodePubSubData(event).data);
    });
    await bus.publish("a", { data: { hop: 1 }, attributes: { runDate: "2026-11-21" } });
    await bus.drain();
    assert.deepEqual(seen, [{ hop: 1 }, { hop: 2 }]);
  });

  it("retries a throwing handler, then dead-letters the message with the reason", async () => {
    const bus = new InProcessBus({ maxDeliveryAttempts: 3, deadLetterTopic: "dead" });
    let attempts = 0;
    const dead: PubSubCloudEvent[] = [];
    bus.subscribe("a", async () => {
      attempts += 1;
      throw new Error("warehouse unavailable");
    });
    bus.subscribe("dead", async (event) => {
      dead.push(event);
    });
    await bus.publish("a", { data: { x: 1 } });
    await bus.drain();
    assert.equal(attempts, 3);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.data.message.attributes?.deadLetterReason, "warehouse unavailable");
    assert.equal(dead[0]?.data.message.attributes?.sourceTopic, "a");
    assert.deepEqual(decodePubSubData(dead[0]).data, { x: 1 });
  });

  it("sets aside a dead letter whose every delivery failed, instead of dead-lettering it again", async () => {
    const bus = new InProcessBus({ maxDeliveryAttempts: 3, deadLetterTopic: "dead" });
    let deadDeliveries = 0;
    bus.subscribe("a", async () => {
      throw new Error("warehouse unavailable");
    });
    bus.subscribe("dead", async () => {
      deadDeliveries += 1;
      // A bound so that a bus which sends the dead letter back to its own topic ends too, and fails below.
      if (deadDeliveries < 50) throw new Error("451 4.7.1 Greylisted, try again later");
    });
    await bus.publish("a", { data: { x: 1 } });
    await bus.drain();
    assert.equal(deadDeliveries, 3, "the dead letter is delivered maxDeliveryAttempts times, then left");
    assert.deepEqual(
      bus.undelivered.map(({ topic, reason }) => ({ topic, reason })),
      [{ topic: "dead", reason: "451 4.7.1 Greylisted, try again later" }],
    );
  });

  it("rejects envelopes without message data, as Pub/Sub push never sends them", () => {
    assert.throws(() => decodePubSubData({ data: { message: { data: "" } } }), /no Pub\/Sub message data/);
    assert.throws(
      () => decodePubSubData({ data: { message: { data: Buffer.from("not json").toString("base64") } } }),
      /not JSON/,
    );
  });
});
