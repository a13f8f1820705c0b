import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SecretManagerClient } from "../../functions/adapters/secrets/secret-manager.ts";
import type {
  BigQueryClient,
  BigQueryJobHandle,
} from "../../functions/adapters/warehouse/bigquery/client.ts";
import { Storage } from "@google-cloud/storage";
import { cloudSecrets, createCloudPorts, storageHandle } from "../../functions/runtime/cloud-ports.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { PermanentStepError } from "../../functions/shared/step.ts";

const ENV = {
  PULSE_RUNTIME: "cloud",
  PULSE_PROJECT_ID: "shop-analytics",
  PULSE_BQ_LOCATION: "EU",
  PULSE_BUCKET: "shop-analytics-pulse",
  PULSE_DATASET_PREFIX: "",
  PULSE_MAX_BYTES_BILLED: "2000000000",
  PULSE_CODE_VERSION: "9e107d9d372bb6826bd81d3542a419d6",
};

const unusedBigQuery: BigQueryClient = {
  createJob: async () => {
    throw new Error("no job expected");
  },
  job: (): BigQueryJobHandle => {
    throw new Error("no job expected");
  },
};

const cloudSettings = (env: Record<string, string>) => loadConfig({ env, cwd: "/srv" }).cloud;

describe("cloud settings and ports", () => {
  it("parses the variables the Terraform sets, with defaults", () => {
    assert.deepEqual(cloudSettings(ENV), {
      projectId: "shop-analytics",
      location: "EU",
      bucket: "shop-analytics-pulse",
      datasetPrefix: "",
      maximumBytesBilled: 2_000_000_000,
      piiHashKeySecret: "pulse-pii-hash-key",
      smtpUrlSecret: "pulse-smtp-url",
      linkTtlSeconds: 604800,
      environment: "",
      codeVersion: "9e107d9d372bb6826bd81d3542a419d6",
    });
  });

  it("says which variable is wrong", () => {
    assert.throws(
      () => cloudSettings({ ...ENV, PULSE_BUCKET: "gs://x" }),
      /\$PULSE_BUCKET: cloud\.bucket: expected a bucket name/,
    );
    assert.throws(
      () => cloudSettings({ ...ENV, PULSE_LINK_TTL_SECONDS: "700000" }),
      /\$PULSE_LINK_TTL_SECONDS: cloud\.linkTtlSeconds/,
    );
  });

  it("takes secrets from the environment first and asks Secret Manager only for the others, when asked", async () => {
    const asked: string[] = [];
    const client: SecretManagerClient = {
      accessSecretVersion: async ({ name }) => {
        asked.push(name);
        return [{ payload: { data: "smtp://u:p@mail:587" } }];
      },
    };
    const secrets = cloudSecrets(cloudSettings(ENV), { piiHashKey: "k".repeat(40) }, client);
    assert.deepEqual(asked, []);
    assert.equal(await secrets.get("piiHashKey"), "k".repeat(40));
    assert.equal(await secrets.get("smtpUrl"), "smtp://u:p@mail:587");
    assert.deepEqual(asked, ["projects/shop-analytics/secrets/pulse-smtp-url/versions/latest"]);
  });

  it("builds BigQuery, GCS, the given bus, and a mailer that reads the SMTP URL on its first mail", async () => {
    const published: string[] = [];
    const asked: string[] = [];
    const denied: SecretManagerClient = {
      accessSecretVersion: async ({ name }) => {
        asked.push(name);
        throw Object.assign(new Error("7 PERMISSION_DENIED"), { code: 7 });
      },
    };
    const ports = createCloudPorts(cloudSettings(ENV), {
      secrets: cloudSecrets(cloudSettings(ENV), {}, denied),
      clients: {
        bigquery: unusedBigQuery,
        bus: { publish: async (topic) => (published.push(topic), "1") },
      },
    });
    assert.equal(ports.warehouse.kind, "bigquery");
    assert.equal(ports.bucket.location, "gs://shop-analytics-pulse");
    await ports.bus.publish("pulse-transform", { data: {} });
    assert.deepEqual(published, ["pulse-transform"]);
    assert.deepEqual(asked, [], "no secret is read before a mail is sent");
    await assert.rejects(
      ports.mailer.send({
        from: "a@b.c",
        to: ["d@e.f"],
        subject: "Daily",
        html: "",
        text: "",
        messageId: "<x@y>",
      }),
      (error: unknown) =>
        !(error instanceof PermanentStepError) &&
        /secrets\/pulse-smtp-url: .*roles\/secretmanager\.secretAccessor/.test((error as Error).message),
    );
    assert.deepEqual(asked, ["projects/shop-analytics/secrets/pulse-smtp-url/versions/latest"]);
    await ports.close();
  });

  it("needs a bucket in the cloud", () => {
    const { PULSE_BUCKET: _bucket, ...withoutBucket } = ENV;
    assert.throws(
      () => createCloudPorts(cloudSettings(withoutBucket), { secrets: cloudSecrets(cloudSettings(ENV), {}) }),
      /cloud\.bucket: required in the cloud \(PULSE_BUCKET\)/,
    );
  });
});

describe("the Cloud Storage library behind the GCS bucket", () => {
  it("composes with a destination File that carries the content type asked for", async () => {
    // The library's own Bucket (no request is sent: its combine is replaced by a recorder).
    const bucket = new Storage({ projectId: "shop-analytics" }).bucket("shop-analytics-pulse");
    const seen: { sources: unknown; name?: string; contentType?: unknown }[] = [];
    Object.assign(bucket, {
      combine: async (
        sources: unknown,
        destination: { name: string; metadata: { contentType?: unknown } },
      ) => {
        seen.push({ sources, name: destination.name, contentType: destination.metadata.contentType });
        return [destination];
      },
    });
    await storageHandle(bucket).combine(
      ["a.csv", "b.csv"],
      "extracts/x/dt=2026-11-21/x.csv",
      "text/csv; charset=utf-8",
    );
    assert.deepEqual(seen, [
      {
        sources: ["a.csv", "b.csv"],
        name: "extracts/x/dt=2026-11-21/x.csv",
        contentType: "text/csv; charset=utf-8",
      },
    ]);
  });
});
