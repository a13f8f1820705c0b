// The emulated chain's topics and push subscriptions, as `npm run emulate` and test/integration/emulator.test.ts
// create them: what the README promises of them (the Eventarc push path, dead letters after 5 attempts, the
// file-drop topic pushing to ingest, an ack deadline covering each step's whole timeout), read from what the code
// asks the Pub/Sub client for. The emulator honouring these settings is emulator.test.ts's part.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PubSub } from "@google-cloud/pubsub";
import {
  DEAD_LETTER_TOPIC,
  FILE_DROP_TOPIC,
  STEPS,
  stepDefinition,
} from "../../../functions/shared/pipeline.ts";
import { createPushTopology, MAX_DELIVERY_ATTEMPTS } from "../../../tools/emulate/topology.ts";

interface Created {
  topic: string;
  name: string;
  options: {
    pushConfig?: { pushEndpoint?: string };
    ackDeadlineSeconds?: number;
    deadLetterPolicy?: { deadLetterTopic?: string; maxDeliveryAttempts?: number };
  };
}

/** A Pub/Sub client that records the topics and subscriptions asked for. */
function recordingClient(created: Created[]): PubSub {
  return {
    createTopic: async (topic: string) => [
      {
        createSubscription: async (name: string, options: Created["options"]) => {
          created.push({ topic, name, options });
          return [{}];
        },
      },
    ],
  } as unknown as PubSub;
}

const PROJECT = "pulse-topology-test";
const entryPoints = [...STEPS.map((step) => step.entryPoint), "deadLetter"];
const urls = Object.fromEntries(
  entryPoints.map((entry, index) => [entry, `http://127.0.0.1:${9000 + index}`]),
);

describe("the emulated push topology", () => {
  it("pushes each topic to its function on the path Eventarc uses, the file drops to ingest", async () => {
    const created: Created[] = [];
    await createPushTopology(recordingClient(created), PROJECT, urls, "deadLetter");
    const endpoints = Object.fromEntries(
      created.map((item) => [item.topic, item.options.pushConfig?.pushEndpoint]),
    );
    for (const step of STEPS) {
      assert.equal(
        endpoints[step.topic],
        `${urls[step.entryPoint]}/projects/${PROJECT}/topics/${step.topic}`,
      );
    }
    const ingest = stepDefinition("ingest");
    assert.equal(
      endpoints[FILE_DROP_TOPIC],
      `${urls[ingest.entryPoint]}/projects/${PROJECT}/topics/${FILE_DROP_TOPIC}`,
    );
    assert.equal(
      endpoints[DEAD_LETTER_TOPIC],
      `${urls.deadLetter}/projects/${PROJECT}/topics/${DEAD_LETTER_TOPIC}`,
    );
    assert.equal(created.length, STEPS.length + 2);
  });

  it("dead-letters every step's and the file drops' subscription after 5 attempts, the dead letters never", async () => {
    const created: Created[] = [];
    await createPushTopology(recordingClient(created), PROJECT, urls, "deadLetter");
    assert.equal(MAX_DELIVERY_ATTEMPTS, 5);
    for (const item of created) {
      const policy = item.options.deadLetterPolicy;
      if (item.topic === DEAD_LETTER_TOPIC) {
        assert.equal(policy, undefined);
        continue;
      }
      assert.deepEqual(policy, {
        deadLetterTopic: `projects/${PROJECT}/topics/${DEAD_LETTER_TOPIC}`,
        maxDeliveryAttempts: 5,
      });
    }
  });

  it("gives each subscription an ack deadline past its step's whole timeout, so no push is delivered twice meanwhile", async () => {
    const created: Created[] = [];
    await createPushTopology(recordingClient(created), PROJECT, urls, "deadLetter");
    const ingest = stepDefinition("ingest");
    for (const { topic, timeoutSeconds } of [
      ...STEPS,
      { topic: FILE_DROP_TOPIC, timeoutSeconds: ingest.timeoutSeconds },
    ]) {
      const deadline = created.find((item) => item.topic === topic)?.options.ackDeadlineSeconds ?? 0;
      assert.ok(deadline > timeoutSeconds, `${topic}: ${deadline} s for a ${timeoutSeconds} s step`);
      assert.ok(deadline <= 600, `${topic}: Pub/Sub's ceiling`);
    }
  });
});
