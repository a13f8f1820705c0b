// In the cloud only transform's service account may read the PII hashing key. Every other step must therefore
// run with a Secrets port that has no PII key, and fail loudly if it ever asks for one.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import type { PulseConfig } from "../../functions/shared/config.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { STEP_NAMES } from "../../functions/shared/pipeline.ts";
import type { Secrets } from "../../functions/shared/ports.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { smallDemoShop } from "../support/demo-shop.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";

/** A notify or report function's secrets: no PII key, and asking for it is a bug. */
const withoutPiiKey: Secrets = {
  get: async (name) => {
    if (name === "piiHashKey") throw new Error("only transform may read the PII hashing key");
    return undefined;
  },
};

describe("every step but transform runs without the PII key", { timeout: 180_000 }, () => {
  let workDir: string;
  let config: PulseConfig;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, config, warehouse } = await smallDemoShop("pulse-least-privilege", RUN_DATE));
    // The models are built once, by transform with its key.
    const built = await runLocally(
      config,
      parseRunMessage({ runDate: RUN_DATE, runId: "build", trigger: "manual", options: { to: "transform" } }),
      { log: silentLogger(), warehouse, secrets: fixedSecrets() },
    );
    assert.deepEqual(built.failures, []);
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("ingest, check-sources, check-quality, export, report and notify succeed", async () => {
    const report = await runLocally(
      config,
      parseRunMessage({
        runDate: RUN_DATE,
        runId: "no-pii-key",
        trigger: "manual",
        options: { skip: ["transform"], force: true },
      }),
      { log: silentLogger(), warehouse, secrets: withoutPiiKey },
    );
    assert.deepEqual(
      report.failures.map((record) => `${record.step}: ${record.error ?? record.status}`),
      [],
    );
    const ran = report.records.filter((record) => record.runId === "no-pii-key");
    assert.deepEqual(
      ran.map((record) => `${record.step}:${record.status}`),
      STEP_NAMES.filter((step) => step !== "transform").map((step) => `${step}:succeeded`),
    );
  });
});
