import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type SecretManagerClient,
  type SecretPayload,
  SecretManagerSecrets,
} from "../../../functions/adapters/secrets/secret-manager.ts";
import { isTransient } from "../../../functions/shared/step.ts";

class FakeSecretManager implements SecretManagerClient {
  readonly requests: string[] = [];
  constructor(private readonly answer: (name: string) => SecretPayload | Error) {}
  async accessSecretVersion(request: { name: string }): Promise<[SecretPayload]> {
    this.requests.push(request.name);
    const answer = this.answer(request.name);
    if (answer instanceof Error) throw answer;
    return [answer];
  }
}

function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const KEY = "k".repeat(40);

describe("Secret Manager secrets", () => {
  it("reads projects/P/secrets/S/versions/latest and trims the line break that `echo` adds", async () => {
    const fake = new FakeSecretManager((name) =>
      name.includes("pii")
        ? { payload: { data: Buffer.from(`${KEY}\n`) } }
        : { payload: { data: "smtp://u:p@mail:587" } },
    );
    const secrets = new SecretManagerSecrets(fake, {
      projectId: "shop-analytics",
      piiHashKeySecret: "pulse-pii-hash-key",
      smtpUrlSecret: "projects/other-project/secrets/smtp",
    });
    assert.equal(await secrets.get("piiHashKey"), KEY);
    assert.equal(await secrets.get("smtpUrl"), "smtp://u:p@mail:587");
    assert.deepEqual(fake.requests, [
      "projects/shop-analytics/secrets/pulse-pii-hash-key/versions/latest",
      "projects/other-project/secrets/smtp/versions/latest",
    ]);
  });

  it("reads the connectors' credentials from secrets named after them (pulse-<kebab name>)", async () => {
    const fake = new FakeSecretManager((name) => ({ payload: { data: `value of ${name.split("/")[3]}` } }));
    const secrets = new SecretManagerSecrets(fake, {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
      provided: { tiktokAccessToken: "from the environment" },
    });
    assert.equal(await secrets.get("metaAccessToken"), "value of pulse-meta-access-token");
    assert.equal(await secrets.get("googleAdsOauth"), "value of pulse-google-ads-oauth");
    assert.equal(await secrets.get("shopifyAccessToken"), "value of pulse-shopify-access-token");
    assert.equal(await secrets.get("tiktokAccessToken"), "from the environment");
    assert.equal(fake.requests.length, 3);
  });

  it("an optional secret not in the environment is absent, and Secret Manager is not asked for it", async () => {
    // The Google Ads developer token (sunset by Google on 9 September 2026): Terraform creates and mounts it only
    // when the deployment still has one; the function is granted no other, so asking would only be denied.
    const fake = new FakeSecretManager((name) =>
      name.includes("developer-token")
        ? grpcError(7, "7 PERMISSION_DENIED: Permission denied (or it may not exist)")
        : { payload: { data: `value of ${name.split("/")[3]}` } },
    );
    const settings = { projectId: "shop-analytics", piiHashKeySecret: "pii", smtpUrlSecret: "smtp" };
    const without = new SecretManagerSecrets(fake, settings);
    assert.equal(await without.get("googleAdsDeveloperToken"), undefined);
    assert.equal(await without.get("googleAdsOauth"), "value of pulse-google-ads-oauth");
    assert.deepEqual(fake.requests, [
      "projects/shop-analytics/secrets/pulse-google-ads-oauth/versions/latest",
    ]);

    const legacy = `legacy-${"d".repeat(22)}`;
    const mounted = new SecretManagerSecrets(fake, {
      ...settings,
      provided: { googleAdsDeveloperToken: legacy },
    });
    assert.equal(await mounted.get("googleAdsDeveloperToken"), legacy);
    assert.equal(fake.requests.length, 1, "still not asked");
  });

  it("caches a value for a few minutes, then asks again", async () => {
    let now = Date.parse("2026-11-22T07:00:00Z");
    const fake = new FakeSecretManager(() => ({ payload: { data: KEY } }));
    const secrets = new SecretManagerSecrets(fake, {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
      cacheTtlMs: 60_000,
      clock: { now: () => new Date(now) },
    });
    await Promise.all([secrets.get("piiHashKey"), secrets.get("piiHashKey")]);
    await secrets.get("piiHashKey");
    assert.equal(fake.requests.length, 1);
    now += 61_000;
    await secrets.get("piiHashKey");
    assert.equal(fake.requests.length, 2);
  });

  it("explains a denied read with the role to grant, and does not cache the failure", async () => {
    let denied = true;
    const fake = new FakeSecretManager(() =>
      denied ? grpcError(7, "7 PERMISSION_DENIED: Permission denied") : { payload: { data: KEY } },
    );
    const secrets = new SecretManagerSecrets(fake, {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
    });
    await assert.rejects(
      secrets.get("piiHashKey"),
      /denied access to projects\/shop-analytics\/secrets\/pii: .*roles\/secretmanager\.secretAccessor/,
    );
    denied = false;
    assert.equal(await secrets.get("piiHashKey"), KEY);
  });

  it("says how to add a missing version, and marks an unavailable service as transient", async () => {
    const missing = new SecretManagerSecrets(new FakeSecretManager(() => grpcError(5, "5 NOT_FOUND")), {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
    });
    await assert.rejects(missing.get("smtpUrl"), /gcloud secrets versions add smtp --data-file=-/);
    const unavailable = new SecretManagerSecrets(
      new FakeSecretManager(() => grpcError(14, "14 UNAVAILABLE")),
      {
        projectId: "shop-analytics",
        piiHashKeySecret: "pii",
        smtpUrlSecret: "smtp",
      },
    );
    await assert.rejects(unavailable.get("smtpUrl"), (error: unknown) => isTransient(error));
  });

  it("refuses empty payloads and odd secret ids", async () => {
    const secrets = new SecretManagerSecrets(new FakeSecretManager(() => ({ payload: { data: "\n" } })), {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
    });
    await assert.rejects(secrets.get("piiHashKey"), /is empty/);
    await assert.rejects(secrets.read("../etc"), /invalid secret id/);
  });

  it("takes the values Terraform resolved into the environment and asks only for the others", async () => {
    const fake = new FakeSecretManager(() => ({ payload: { data: "smtp://u:p@mail:587" } }));
    const secrets = new SecretManagerSecrets(fake, {
      projectId: "shop-analytics",
      piiHashKeySecret: "pii",
      smtpUrlSecret: "smtp",
      provided: { piiHashKey: KEY },
    });
    assert.equal(await secrets.get("piiHashKey"), KEY);
    assert.deepEqual(fake.requests, []);
    assert.equal(await secrets.get("smtpUrl"), "smtp://u:p@mail:587");
    assert.deepEqual(fake.requests, ["projects/shop-analytics/secrets/smtp/versions/latest"]);
  });
});
