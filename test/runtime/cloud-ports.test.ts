import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SecretManagerClient } from "../../functions/adapters/secrets/secret-manager.ts";
import type {
  BigQueryClient,
  BigQueryJobHandle,
} from "../../functions/adapters/warehouse/bigquery/client.ts";
import {
  cloudSettingsFromEnv,
  createCloudPorts,
  readCloudSecrets,
} from "../../functions/runtime/cloud-ports.ts";
import { PermanentStepError } from "../../functions/shared/step.ts";

const ENV = {
  PULSE_PROJECT_ID: "shop-analytics",
  PULSE_BQ_LOCATION: "EU",
  PULSE_BUCKET: "shop-analytics-pulse",
  PULSE_DATASET_PREFIX: "",
  PULSE_MAX_BYTES_BILLED: "2000000000",
};

const unusedBigQuery: BigQueryClient = {
  createJob: async () => {
    throw new Error("no job expected");
  },
  job: (): BigQueryJobHandle => {
    throw new Error("no job expected");
  },
};

describe("cloud settings and ports", () => {
  it("parses the variables the Terraform sets, with defaults", () => {
    const settings = cloudSettingsFromEnv(ENV);
    assert.deepEqual(settings, {
      projectId: "shop-analytics",
      location: "EU",
      bucket: "shop-analytics-pulse",
      datasetPrefix: "",
      maximumBytesBilled: 2_000_000_000,
      piiHashKeySecret: "pulse-pii-hash-key",
      smtpUrlSecret: "pulse-smtp-url",
      linkTtlSeconds: 604800,
      environment: "",
    });
  });

  it("says which variable is wrong", () => {
    assert.throws(
      () => cloudSettingsFromEnv({ ...ENV, PULSE_BUCKET: "gs://x" }),
      /bucket: expected a bucket name/,
    );
    assert.throws(() => cloudSettingsFromEnv({ ...ENV, PULSE_LINK_TTL_SECONDS: "700000" }), /linkTtlSeconds/);
  });

  it("takes secrets from the environment first and asks Secret Manager only for what is missing and needed", async () => {
    const asked: string[] = [];
    const client: SecretManagerClient = {
      accessSecretVersion: async ({ name }) => {
        asked.push(name);
        return [{ payload: { data: "smtp://u:p@mail:587" } }];
      },
    };
    const settings = cloudSettingsFromEnv(ENV);
    const secrets = await readCloudSecrets(
      settings,
      { PULSE_PII_HASH_KEY: "k".repeat(40) },
      { piiHashKey: true, smtpUrl: true },
      client,
    );
    assert.deepEqual(secrets, { piiHashKey: "k".repeat(40), smtpUrl: "smtp://u:p@mail:587" });
    assert.deepEqual(asked, ["projects/shop-analytics/secrets/pulse-smtp-url/versions/latest"]);
    const none = await readCloudSecrets(settings, {}, { piiHashKey: false, smtpUrl: false }, client);
    assert.deepEqual(none, { piiHashKey: undefined, smtpUrl: undefined });
    assert.equal(asked.length, 1);
  });

  it("builds BigQuery, GCS, the given bus and a mailer that explains a missing SMTP URL", async () => {
    const published: string[] = [];
    const ports = createCloudPorts(cloudSettingsFromEnv(ENV), {
      clients: {
        bigquery: unusedBigQuery,
        bus: { publish: async (topic) => (published.push(topic), "1") },
      },
    });
    assert.equal(ports.warehouse.kind, "bigquery");
    assert.equal(ports.bucket.location, "gs://shop-analytics-pulse");
    await ports.bus.publish("pulse-transform", { data: {} });
    assert.deepEqual(published, ["pulse-transform"]);
    await assert.rejects(
      ports.mailer.send({
        from: "a@b.c",
        to: ["d@e.f"],
        subject: "Daily",
        html: "",
        text: "",
        messageId: "<x@y>",
      }),
      (error: unknown) => error instanceof PermanentStepError && /secret pulse-smtp-url/.test(error.message),
    );
    await ports.close();
  });
});
