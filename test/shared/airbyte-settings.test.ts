// docs/connectors.md, Airbyte sync: the `airbyte` settings. Off unless enabled; `apiUrl` is Airbyte Cloud's public API unless
// set (a self-managed Airbyte's /api/public/v1 address is taken); each connection id is a UUID (the one in the
// connection's address in Airbyte's UI); the example in docs/connectors.md carries the defaults. Expected values are written
// out here from that document, not read from the schema.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../functions/shared/config.ts";

const withAirbyte = (airbyte: unknown) =>
  loadConfig({ env: { PULSE_SETTINGS: JSON.stringify({ version: 1, airbyte }) }, cwd: "/tmp" }).airbyte;

// The connection id as it appears in Airbyte's UI: …/workspaces/<workspace>/connections/<this>/status.
const CONNECTION = "9f6c8b1e-2d3a-4c5b-8e7f-0a1b2c3d4e5f";

describe("airbyte settings", () => {
  it("is off by default, with Airbyte Cloud's API, no connections, 2 attempts and 30 s per request", () => {
    assert.deepEqual(loadConfig({ env: {}, cwd: "/tmp" }).airbyte, {
      enabled: false,
      apiUrl: "https://api.airbyte.com/v1",
      connections: {},
      maxAttempts: 2,
      requestTimeoutSeconds: 30,
    });
  });

  it("takes docs/connectors.md's example once its placeholders are connection ids, and its values are the defaults", () => {
    const readme = readFileSync(new URL("../../docs/connectors.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Airbyte sync"));
    const example = /```json\n("airbyte": \{[\s\S]*?\n\})\n```/.exec(section)?.[1];
    assert.ok(example, "docs/connectors.md's airbyte settings example");
    const { airbyte } = JSON.parse(`{${example}}`) as { airbyte: Record<string, unknown> };
    assert.throws(
      () => withAirbyte(airbyte),
      (error: unknown) =>
        error instanceof ConfigError &&
        /airbyte\.connections\.shopify/.test(error.message) &&
        /expected an Airbyte connection id \(a UUID\)/.test(error.message),
      "a placeholder is no connection id",
    );
    const filled = JSON.parse(JSON.stringify(airbyte).replaceAll("<connection id>", CONNECTION)) as object;
    const loaded = withAirbyte(filled);
    assert.deepEqual(loaded, {
      enabled: true,
      apiUrl: "https://api.airbyte.com/v1",
      connections: { shopify: CONNECTION, facebook_ads: CONNECTION },
      maxAttempts: 2,
      requestTimeoutSeconds: 30,
    });
    const { enabled: _enabled, connections: _connections, ...rest } = loaded;
    const { enabled: _off, connections: _none, ...defaults } = withAirbyte({});
    assert.deepEqual(
      rest,
      defaults,
      "the example's apiUrl, maxAttempts and requestTimeoutSeconds are the defaults",
    );
  });

  it("takes a self-managed Airbyte's public API address", () => {
    assert.equal(
      withAirbyte({ apiUrl: "http://airbyte.internal:8000/api/public/v1" }).apiUrl,
      "http://airbyte.internal:8000/api/public/v1",
    );
  });

  it("refuses a connection id that is not a UUID, or a source it does not know, naming the setting", () => {
    assert.throws(
      () => withAirbyte({ connections: { tiktok_ads: "my tiktok connection" } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /airbyte\.connections\.tiktok_ads/.test(error.message) &&
        /a UUID/.test(error.message),
    );
    assert.throws(
      () => withAirbyte({ connections: { klaviyo: CONNECTION } }),
      (error: unknown) => error instanceof ConfigError && /airbyte\.connections\.klaviyo/.test(error.message),
    );
  });
});
