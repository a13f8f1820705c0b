import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getFunction, getTestServer } from "@google-cloud/functions-framework/testing";
import { STEPS } from "../../functions/shared/pipeline.ts";

describe("Cloud Function entry points", () => {
  let workDir: string;
  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), "pulse-functions-"));
    process.env.PULSE_WORK_DIR = workDir;
    await import("../../functions/index.ts");
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  it("registers one CloudEvent function per step of the shared list, plus the dead-letter entry", () => {
    for (const step of STEPS) assert.equal(typeof getFunction(step.entryPoint), "function", step.entryPoint);
    assert.equal(typeof getFunction("deadLetter"), "function");
  });

  it("acknowledges a malformed Pub/Sub message instead of retrying it forever", async () => {
    const server = getTestServer("transform");
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "ce-id": "1",
          "ce-specversion": "1.0",
          "ce-source": "//pubsub.googleapis.com/projects/p/topics/pulse-transform",
          "ce-type": "google.cloud.pubsub.topic.v1.messagePublished",
        },
        body: JSON.stringify({
          message: {
            data: Buffer.from(JSON.stringify({ runDate: "yesterday" })).toString("base64"),
            messageId: "1",
          },
          subscription: "projects/p/subscriptions/pulse-transform",
        }),
      });
      assert.ok(response.status >= 200 && response.status < 300, `status ${response.status}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
