// pulse rerun through the real Pub/Sub client against the Pub/Sub emulator: the message lands on the step's
// topic, and a subscriber gets the run message the step's function would parse.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PubSub } from "@google-cloud/pubsub";
import { rerun } from "../../functions/cli/rerun.ts";
import pipeline from "../../functions/shared/pipeline.json" with { type: "json" };
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import {
  checkEmulatorPrerequisites,
  type PubSubEmulator,
  startPubSubEmulator,
} from "../../tools/emulate/pubsub-emulator.ts";

const PROJECT = "pulse-rerun-test";
const exportTopic = pipeline.steps.find((step) => step.name === "export")?.topic ?? "";

let unavailable: string | undefined;
try {
  await checkEmulatorPrerequisites();
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
}

describe("pulse rerun against the Pub/Sub emulator", { skip: unavailable, timeout: 120_000 }, () => {
  let emulator: PubSubEmulator;
  let client: PubSub;
  const previousHost = process.env.PUBSUB_EMULATOR_HOST;

  before(async () => {
    emulator = await startPubSubEmulator({ projectId: PROJECT });
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    client = new PubSub({ projectId: PROJECT });
    const [topic] = await client.createTopic(exportTopic);
    await topic.createSubscription("rerun-test");
  });
  after(async () => {
    await client?.close();
    if (previousHost === undefined) delete process.env.PUBSUB_EMULATOR_HOST;
    else process.env.PUBSUB_EMULATOR_HOST = previousHost;
    await emulator?.stop();
  });

  it("publishes the run message to the step's topic", async () => {
    const lines: string[] = [];
    const code = await rerun(
      ["--from", "export", "--date", "2026-11-20", "--project", PROJECT],
      {},
      {
        write: (line) => lines.push(line),
      },
    );
    assert.equal(code, 0);
    const subscription = client.subscription("rerun-test");
    const received = await new Promise<{ data: Buffer; attributes: Record<string, string> }>(
      (resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no message within 30 s")), 30_000);
        subscription.once("message", (message) => {
          clearTimeout(timer);
          message.ack();
          resolve({ data: message.data, attributes: message.attributes });
        });
        subscription.once("error", reject);
      },
    );
    await subscription.close();
    const message = parseRunMessage(JSON.parse(received.data.toString("utf8")));
    assert.equal(message.runDate, "2026-11-20");
    assert.equal(message.options.from, "export");
    assert.equal(message.options.force, false);
    assert.deepEqual(received.attributes, { runDate: "2026-11-20", runId: message.runId, step: "export" });
    assert.match(lines.join("\n"), /published run manual-/);
  });
});
