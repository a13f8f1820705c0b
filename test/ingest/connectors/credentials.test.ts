// docs/connectors.md (Credentials): "locally files in <work dir>/secrets/ or environment variables", the table's
// file and variable of each secret, and "read by the ingest and check-sources functions only when the connector is
// on". The names are written out here as the README's table gives them.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCheckSources } from "../../../functions/check-sources/step.ts";
import { runIngest } from "../../../functions/ingest/step.ts";
import { localSecrets } from "../../../functions/runtime/local-ports.ts";
import { loadConfig, secretsFromEnvironment } from "../../../functions/shared/config.ts";
import type { SecretName } from "../../../functions/shared/options.ts";
import { buildPlatformData, RUN_DATE } from "./fixtures.ts";
import { ALL_SECRETS, openBench } from "./harness.ts";

const README_TABLE: [secret: SecretName, file: string, variable: string][] = [
  ["shopifyAccessToken", "shopify-access-token", "PULSE_SHOPIFY_ACCESS_TOKEN"],
  ["metaAccessToken", "meta-access-token", "PULSE_META_ACCESS_TOKEN"],
  ["tiktokAccessToken", "tiktok-access-token", "PULSE_TIKTOK_ACCESS_TOKEN"],
  ["googleAdsDeveloperToken", "google-ads-developer-token", "PULSE_GOOGLE_ADS_DEVELOPER_TOKEN"],
  ["googleAdsOauth", "google-ads-oauth", "PULSE_GOOGLE_ADS_OAUTH"],
];
const CONNECTOR_SECRETS = new Set(README_TABLE.map(([secret]) => secret));

describe("the connectors' credentials", () => {
  it("are read locally from <work dir>/secrets/<file>, or from the variable, which wins", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "pulse-credentials-"));
    try {
      const config = loadConfig({ env: { PULSE_WORK_DIR: workDir }, cwd: workDir });
      await mkdir(join(workDir, "secrets"), { recursive: true });
      for (const [secret, file] of README_TABLE)
        await writeFile(join(workDir, "secrets", file), `from-file-${secret}\n`);
      const fromFiles = localSecrets(config, secretsFromEnvironment({}));
      for (const [secret] of README_TABLE) assert.equal(await fromFiles.get(secret), `from-file-${secret}`);

      const env = Object.fromEntries(
        README_TABLE.map(([secret, , variable]) => [variable, `from-env-${secret}`]),
      );
      const fromEnv = localSecrets(config, secretsFromEnvironment(env));
      for (const [secret] of README_TABLE) assert.equal(await fromEnv.get(secret), `from-env-${secret}`);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it("are read by ingest and check-sources only for the connectors that are on", async () => {
    const bench = await openBench(buildPlatformData(43));
    const read: string[] = [];
    const recording = (step: "ingest" | "check-sources", overrides: Record<string, object>) => {
      const context = bench.context(RUN_DATE, overrides);
      return {
        ...context,
        step,
        ports: {
          ...context.ports,
          secrets: {
            get: async (name: SecretName) => {
              if (CONNECTOR_SECRETS.has(name)) read.push(`${step} ${name}`);
              return ALL_SECRETS[name];
            },
          },
        },
      };
    };
    const allOff = {
      shopify: { enabled: false },
      facebook_ads: { enabled: false },
      tiktok_ads: { enabled: false },
      google_ads: { enabled: false },
    };
    try {
      await runIngest(recording("ingest", allOff));
      await runCheckSources(recording("check-sources", allOff));
      assert.deepEqual(read, [], "no connector on: no credential read");

      const onlyMeta = { ...allOff, facebook_ads: { enabled: true } };
      const ingest = await runIngest(recording("ingest", onlyMeta));
      assert.ok((ingest.metrics?.["connector.facebook_ads.rowsLanded"] ?? 0) > 0);
      await runCheckSources(recording("check-sources", onlyMeta));
      assert.deepEqual([...new Set(read)], ["ingest metaAccessToken", "check-sources metaAccessToken"]);
    } finally {
      await bench.close();
    }
  });
});
