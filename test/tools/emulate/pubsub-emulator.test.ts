// What the README says of the Pub/Sub emulator itself, which `npm run emulate` and
// test/integration/emulator.test.ts rely on: under the subscriptions' retry policy (topology.ts) a failing push
// comes back after about 1 s and never waits longer than the policy's maximum, the dead-letter policy's attempts are
// honoured, and a push that outlives its ack deadline is pushed again while it still runs (why every subscription
// gets its step's whole timeout). Needs gcloud and Java, as emulator.test.ts does; about 40 s.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { PubSub } from "@google-cloud/pubsub";
import {
  checkEmulatorPrerequisites,
  type PubSubEmulator,
  startPubSubEmulator,
} from "../../../tools/emulate/pubsub-emulator.ts";
import { MAX_DELIVERY_ATTEMPTS, MAX_RETRY_BACKOFF_SECONDS } from "../../../tools/emulate/topology.ts";

const PROJECT = "pulse-emulator-cadence";

describe("the Pub/Sub emulator's deliveries", { timeout: 120_000 }, () => {
  let emulator: PubSubEmulator;
  let client: PubSub;
  let server: Server;
  let base: string;
  /** Per path: when each push arrived (ms), and how the test answers it. */
  const arrivals = new Map<string, number[]>();
  const answers = new Map<string, (push: number) => { status: number; afterMs: number }>();

  before(async () => {
    await checkEmulatorPrerequisites();
    emulator = await startPubSubEmulator({ projectId: PROJECT });
    client = new PubSub({ projectId: PROJECT, apiEndpoint: emulator.host, emulatorMode: true });
    server = createServer((request, response) => {
      request.resume();
      const path = request.url ?? "";
      const times = arrivals.get(path) ?? [];
      times.push(performance.now());
      arrivals.set(path, times);
      const { status, afterMs } = answers.get(path)?.(times.length) ?? { status: 204, afterMs: 0 };
      setTimeout(() => response.writeHead(status).end(), afterMs);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await client?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await emulator?.stop();
  });

  async function subscribe(name: string, options: object) {
    const [topic] = await client.createTopic(name);
    await topic.createSubscription(`${name}-push`, {
      pushConfig: { pushEndpoint: `${base}/${name}` },
      ...options,
    });
    return topic;
  }

  async function until(probe: () => boolean, what: string, timeoutMs: number, seen?: () => unknown) {
    const deadline = performance.now() + timeoutMs;
    while (!probe()) {
      if (performance.now() > deadline)
        throw new Error(`timed out waiting for ${what}; pushes seen on ${JSON.stringify(seen?.())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("retries a failing push soon under the deployment's retry policy, and dead-letters it after 5 attempts", async () => {
    await client.createTopic("cadence-dead");
    const topic = await subscribe("cadence", {
      ackDeadlineSeconds: 60,
      deadLetterPolicy: {
        deadLetterTopic: `projects/${PROJECT}/topics/cadence-dead`,
        maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS,
      },
      // The subscriptions' policy (topology.ts).
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: MAX_RETRY_BACKOFF_SECONDS } },
    });
    answers.set("/cadence", () => ({ status: 500, afterMs: 0 }));
    await topic.publishMessage({ json: { n: 1 } });
    const pushes = () => arrivals.get("/cadence") ?? [];
    await until(
      () => pushes().length >= MAX_DELIVERY_ATTEMPTS,
      "five pushes",
      60_000,
      () => [...arrivals.keys()],
    );
    // The dead-letter topic took the message: no sixth push.
    await new Promise((resolve) => setTimeout(resolve, MAX_RETRY_BACKOFF_SECONDS * 1000 + 2_000));
    const times = pushes();
    assert.equal(times.length, MAX_DELIVERY_ATTEMPTS, "five attempts, then the dead-letter topic");
    const gaps = times.slice(1).map((time, index) => Math.round((time - (times[index] ?? 0)) / 100) / 10);
    assert.ok((gaps[0] ?? 0) < 2, `first retry after about 1 s: ${gaps.join(", ")} s`);
    assert.ok(
      gaps.every((gap) => gap <= MAX_RETRY_BACKOFF_SECONDS + 1),
      `no gap over the policy's maximum: ${gaps.join(", ")} s`,
    );
  });

  it("pushes a message again while its first push still runs, once the ack deadline has passed", async () => {
    const topic = await subscribe("deadline", { ackDeadlineSeconds: 10 });
    // The first push answers after 14 s, past its 10 s ack deadline; any later one at once.
    answers.set("/deadline", (push) => ({ status: 204, afterMs: push === 1 ? 14_000 : 0 }));
    await topic.publishMessage({ json: { n: 2 } });
    await until(() => (arrivals.get("/deadline")?.length ?? 0) >= 2, "a second push", 20_000);
    const [first = 0, second = 0] = arrivals.get("/deadline") ?? [];
    const gap = (second - first) / 1000;
    assert.ok(gap >= 9 && gap < 14, `pushed again ${gap} s after the first push, before it answered`);
  });
});
