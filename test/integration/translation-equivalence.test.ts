// The DuckDB translation's speed rewrites (a select-list unnest, JSON records parsed once per document and their
// fields read without a second parse, REGEXP_EXTRACT in one regex run) change how a model runs, never what it
// returns: the same demo shop run through the plain call-by-call translation and through the fast one gives
// byte-identical extracts and equal tables.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { translateToDuckDb } from "../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import { defaultDemoOptions, generateDemoData } from "../../functions/demo/generate.ts";
import { extractPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { MODELS, modelPath } from "../../functions/lib/sql/models.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { loadConfig, type PulseConfig } from "../../functions/shared/config.ts";
import { EXTRACT_NAMES } from "../../functions/shared/pipeline.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { fixedSecrets } from "../support/secrets.ts";

const RUN_DATE = "2026-11-21";
const secrets = fixedSecrets({ piiHashKey: "e".repeat(40) });

interface Shop {
  config: PulseConfig;
  warehouse: DuckDbWarehouse;
  dir: string;
}

async function runShop(plainTranslation: boolean): Promise<Shop> {
  const dir = await mkdtemp(join(tmpdir(), `pulse-translation-${plainTranslation ? "plain" : "fast"}-`));
  const config = loadConfig({ env: { PULSE_WORK_DIR: dir }, cwd: dir });
  const warehouse = await DuckDbWarehouse.open(config.local.duckdbPath, { plainTranslation });
  await generateDemoData(warehouse.rawConnection, "raw", {
    ...defaultDemoOptions(RUN_DATE),
    startDate: addDays(RUN_DATE, -399),
    ordersPerDay: 30,
  });
  const message = parseRunMessage({ runDate: RUN_DATE, runId: "equivalence", trigger: "manual", demo: true });
  const report = await runLocally(config, message, { log: silentLogger(), warehouse, secrets });
  assert.deepEqual(report.failures, []);
  return { config, warehouse, dir };
}

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

describe("the DuckDB translation's speed rewrites", { timeout: 300_000 }, () => {
  let plain: Shop;
  let fast: Shop;
  before(async () => {
    plain = await runShop(true);
    fast = await runShop(false);
  });
  after(async () => {
    for (const shop of [plain, fast]) {
      await shop.warehouse.close();
      await rm(shop.dir, { recursive: true, force: true });
    }
  });

  it("are used by the models they exist for, and not by the plain translation", () => {
    const fastSql = MODELS.map((model) => translateToDuckDb(readSql(modelPath(model)))).join("\n");
    const plainSql = MODELS.map((model) =>
      translateToDuckDb(readSql(modelPath(model)), { plain: true }),
    ).join("\n");
    for (const marker of [
      "from_json(",
      "starts_with(struct_extract(",
      "nullif(regexp_extract(",
      ", unnest(",
    ]) {
      assert.ok(fastSql.includes(marker), `fast translation uses ${marker}`);
      assert.ok(!plainSql.includes(marker), `plain translation does not use ${marker}`);
    }
  });

  it("give byte-identical extracts", async () => {
    for (const name of EXTRACT_NAMES) {
      const path = (shop: Shop) => join(shop.config.local.bucketDir, extractPath(name, RUN_DATE));
      assert.equal(await sha256(path(fast)), await sha256(path(plain)), name);
    }
  });

  it("give every model the same rows", async () => {
    for (const model of MODELS) {
      const table = `${model.layer}.${model.name}`;
      const rows = async (shop: Shop) =>
        (
          await shop.warehouse.rawConnection.runAndReadAll(
            `SELECT md5(string_agg(row_text, '|' ORDER BY row_text)) AS digest, count(*) AS n
             FROM (SELECT CAST(t AS VARCHAR) AS row_text FROM ${table} AS t)`,
          )
        ).getRowObjectsJson()[0];
      assert.deepEqual(await rows(fast), await rows(plain), table);
    }
  });
});
