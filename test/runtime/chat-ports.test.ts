// The chat port in the cloud and local wiring: present only when chat.kind is set, its URL read from Secret
// Manager (the secret Terraform creates, pulse-chat-webhook-url) or the work dir's secrets folder when the first
// message goes out, posted to a real HTTP server.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SecretManagerClient } from "../../functions/adapters/secrets/secret-manager.ts";
import type { BigQueryClient } from "../../functions/adapters/warehouse/bigquery/client.ts";
import { cloudSecrets, createCloudPorts } from "../../functions/runtime/cloud-ports.ts";
import { createLocalPorts, localSecrets } from "../../functions/runtime/local-ports.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { startWebhookServer, type WebhookServer } from "../support/webhook-server.ts";

const ENV = {
  PULSE_RUNTIME: "cloud",
  PULSE_PROJECT_ID: "shop-analytics",
  PULSE_BUCKET: "shop-analytics-pulse",
  PULSE_CHAT_KIND: "slack",
};

const unusedBigQuery = {} as BigQueryClient;

describe("the chat port in the cloud ports", () => {
  let server: WebhookServer;
  before(async () => {
    server = await startWebhookServer();
  });
  after(() => server.close());

  it("reads the webhook URL from Secret Manager on the first post, not before", async () => {
    const config = loadConfig({ env: ENV, cwd: "/srv" });
    assert.equal(config.chat.kind, "slack");
    const asked: string[] = [];
    const client: SecretManagerClient = {
      accessSecretVersion: async ({ name }) => {
        asked.push(name);
        return [{ payload: { data: `${server.url}\n` } }];
      },
    };
    const ports = createCloudPorts(config.cloud, {
      secrets: cloudSecrets(config.cloud, {}, client),
      chatKind: config.chat.kind,
      clients: { bigquery: unusedBigQuery, bus: { publish: async () => "1" } },
    });
    assert.equal(ports.chat?.kind, "slack");
    assert.deepEqual(asked, []);
    assert.equal(
      await ports.chat?.post({ title: "Criticals", lines: ["Meta Ads data is 5 days old."] }),
      true,
    );
    assert.deepEqual(asked, ["projects/shop-analytics/secrets/pulse-chat-webhook-url/versions/latest"]);
    assert.deepEqual(JSON.parse(server.received[0]?.body ?? ""), {
      text: "*Criticals*\n• Meta Ads data is 5 days old.",
    });
    await ports.close();
  });

  it("locally, reads the URL from <work dir>/secrets/chat-webhook-url", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "pulse-chat-local-"));
    try {
      await mkdir(join(workDir, "secrets"));
      await writeFile(join(workDir, "secrets", "chat-webhook-url"), `${server.url}\n`);
      const config = loadConfig({
        env: { PULSE_WORK_DIR: workDir, PULSE_CHAT_KIND: "google-chat" },
        cwd: workDir,
      });
      const ports = await createLocalPorts(
        config,
        { publish: async () => "1" },
        {
          secrets: localSecrets(config, {}),
        },
      );
      assert.equal(ports.chat?.kind, "google-chat");
      const before = server.received.length;
      assert.equal(
        await ports.chat?.post({ title: "Criticals", lines: ["Shopify has not landed at all."] }),
        true,
      );
      assert.equal(server.received.length, before + 1);
      assert.equal(server.received.at(-1)?.path, `/services/hook/${server.token}`);
      await ports.warehouse.close();
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it("has no chat port when chat.kind is not set", async () => {
    const { PULSE_CHAT_KIND: _unset, ...withoutChat } = ENV;
    const config = loadConfig({ env: withoutChat, cwd: "/srv" });
    const ports = createCloudPorts(config.cloud, {
      secrets: cloudSecrets(config.cloud, {}),
      chatKind: config.chat.kind,
      clients: { bigquery: unusedBigQuery, bus: { publish: async () => "1" } },
    });
    assert.equal(ports.chat, undefined);
    await ports.close();
  });
});
