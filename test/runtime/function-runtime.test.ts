import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFunctionRuntime } from "../../functions/runtime/function-runtime.ts";
import { sourceTopicOfSubscription } from "../../functions/shared/handler.ts";
import { silentLogger } from "../../functions/lib/logger.ts";

describe("function runtime in the cloud", () => {
  it("builds BigQuery, Cloud Storage and Pub/Sub ports, and asks for no secret a step does not need", async () => {
    const runtime = await createFunctionRuntime(
      {
        PULSE_RUNTIME: "cloud",
        PULSE_STEP: "report",
        PULSE_PROJECT_ID: "my-shop-analytics",
        PULSE_BUCKET: "my-shop-pulse",
        PULSE_TIMEZONE: "Europe/Paris",
      },
      { log: silentLogger() },
    );
    try {
      assert.equal(runtime.config.mode, "cloud");
      assert.equal(runtime.config.shop.timezone, "Europe/Paris");
      assert.equal(runtime.ports.warehouse.kind, "bigquery");
      assert.equal(runtime.ports.bucket.location, "gs://my-shop-pulse");
      // Only transform is granted the PII key (least privilege); the report step runs without it.
      assert.equal(runtime.config.piiHashKey, undefined);
      assert.equal(runtime.projectId, "my-shop-analytics");
    } finally {
      await runtime.close();
    }
  });

  it("refuses cloud settings that cannot be right, naming the variable", async () => {
    await assert.rejects(
      createFunctionRuntime({
        PULSE_RUNTIME: "cloud",
        PULSE_STEP: "report",
        PULSE_PROJECT_ID: "Bad_Project",
      }),
      /projectId: expected a Google Cloud project id/,
    );
  });

  it("finds the step of a dead letter from the subscription Pub/Sub names", () => {
    assert.equal(sourceTopicOfSubscription("projects/p/subscriptions/pulse-export-push"), "pulse-export");
    assert.equal(sourceTopicOfSubscription(undefined), "");
  });
});
