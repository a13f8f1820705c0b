import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      // The configuration holds no secret: only the step that needs one reads it, through the Secrets port.
      assert.equal(JSON.stringify(runtime.config).includes('piiHashKey"'), false);
      assert.equal(runtime.projectId, "my-shop-analytics");
    } finally {
      await runtime.close();
    }
  });

  it("starts without other modes' adapters or any step's libraries: no DuckDB in the cloud, no cloud client locally, no deck library", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "pulse-start-"));
    try {
      const start = (mode: string) => {
        const child = spawnSync(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "cloud-start-child.ts"), mode, workDir],
          { encoding: "utf8", timeout: 60_000 },
        );
        assert.equal(child.status, 0, child.stderr);
        return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as unknown;
      };
      assert.deepEqual(start("cloud"), {
        warehouse: "bigquery",
        packages: ["@google-cloud/bigquery", "@google-cloud/storage"],
      });
      assert.deepEqual(start("local"), { warehouse: "duckdb", packages: ["@duckdb/node-api"] });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it("refuses cloud settings that cannot be right, naming the variable", async () => {
    await assert.rejects(
      createFunctionRuntime({
        PULSE_RUNTIME: "cloud",
        PULSE_STEP: "report",
        PULSE_PROJECT_ID: "Bad_Project",
      }),
      /\$PULSE_PROJECT_ID: cloud\.projectId: expected a Google Cloud project id/,
    );
  });

  it("finds the step of a dead letter from the subscription Pub/Sub names", () => {
    assert.equal(sourceTopicOfSubscription("projects/p/subscriptions/pulse-export-push"), "pulse-export");
    assert.equal(sourceTopicOfSubscription(undefined), "");
  });
});
