// The bench's single-query baseline (tools/bench-baseline.ts) is the floor the cold build is measured against, and an
// independent computation of four outputs from the raw tables alone: on a generated demo shop its daily KPIs,
// channel-day marketing, product-day sales and LTV cohorts must equal the marts of a cold build of the same raw data,
// row for row (tools/bench-compare.ts), as the bench checks at every scale.
import assert from "node:assert/strict";
import { copyFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { runLocally } from "../../functions/runtime/local-run.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { baselineSql } from "../../tools/bench-baseline.ts";
import { compareWithMarts } from "../../tools/bench-compare.ts";
import { BENCH_END } from "../../tools/bench-data.ts";
import { smallDemoShop } from "../support/demo-shop.ts";
import { fixedSecrets } from "../support/secrets.ts";

describe("bench: the single-query baseline", { timeout: 300_000 }, () => {
  let workDir: string;
  let projectFile: string;
  let baselineFile: string;
  const runDate = addDays(BENCH_END, -1);

  before(async () => {
    // A year and a half of orders, so that cohorts span many months and customers come back.
    const shop = await smallDemoShop("pulse-bench-baseline", BENCH_END, 540);
    workDir = shop.workDir;
    projectFile = shop.config.local.duckdbPath;
    baselineFile = join(workDir, "baseline.duckdb");
    await shop.warehouse.close();
    // The baseline reads the raw tables as generated, before the pipeline has built anything beside them.
    await copyFile(projectFile, baselineFile);

    const warehouse = await DuckDbWarehouse.open(projectFile);
    const report = await runLocally(
      shop.config,
      parseRunMessage({
        runDate,
        runId: "cold",
        trigger: "manual",
        options: { fullRefresh: true, to: "transform" },
      }),
      { log: silentLogger(), warehouse, secrets: fixedSecrets() },
    );
    await warehouse.close();
    assert.deepEqual(report.failures, []);

    const channels = (
      JSON.parse(await readFile("sql/reference/channels.json", "utf8")) as { channels: never[] }
    ).channels;
    const instance = await DuckDBInstance.create(baselineFile);
    const connection = await instance.connect();
    for (const statement of baselineSql(shop.config.shop.timezone, runDate, channels))
      await connection.run(statement);
    connection.closeSync();
    instance.closeSync();
  });
  after(() => rm(workDir, { recursive: true, force: true }));

  it("computes the marts' daily KPIs, channel-day marketing, product-day sales and LTV cohorts, row for row", async () => {
    const { outputs } = await compareWithMarts(projectFile, baselineFile, "1GB");
    assert.deepEqual(
      outputs.map(({ output, differing }) => [output, differing]),
      [
        ["daily_kpis", 0],
        ["marketing_daily_channel", 0],
        ["product_daily_sales", 0],
        ["ltv_cohorts", 0],
      ],
    );
    for (const { output, rows } of outputs) assert.ok(rows > 10, `${output}: ${rows} rows`);
  });
});
