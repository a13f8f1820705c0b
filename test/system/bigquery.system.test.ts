// Against a real Google Cloud project, only when asked to:
//   PULSE_SYSTEM_PROJECT=my-project [PULSE_SYSTEM_LOCATION=EU] [PULSE_SYSTEM_DATASET=pulse_system_test] \
//   node --import tsx --test test/system/bigquery.system.test.ts
// with Application Default Credentials (gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS).
// PULSE_SYSTEM_DATASET names an existing scratch dataset for the write tests; its test table is dropped after.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { BigQuery } from "@google-cloud/bigquery";
import { BigQueryWarehouse } from "../../functions/adapters/warehouse/bigquery/warehouse.ts";

const project = process.env.PULSE_SYSTEM_PROJECT;
const location = process.env.PULSE_SYSTEM_LOCATION ?? "US";
const scratch = process.env.PULSE_SYSTEM_DATASET;
const hasCredentials =
  Boolean(process.env.GOOGLE_APPLICATION_CREDENTIALS) ||
  existsSync(join(homedir(), ".config", "gcloud", "application_default_credentials.json")) ||
  Boolean(process.env.K_SERVICE ?? process.env.CLOUD_BUILD);

const skip = !project
  ? "PULSE_SYSTEM_PROJECT is not set (system tests run only against a real project)"
  : !hasCredentials
    ? "no Application Default Credentials (gcloud auth application-default login)"
    : false;

describe("BigQuery warehouse on a real project", { skip }, () => {
  const warehouse = new BigQueryWarehouse(new BigQuery({ projectId: project, location }), {
    projectId: project ?? "unset",
    location,
    maximumBytesBilled: 1024 ** 3,
    pageSize: 1000,
    labels: { env: "system-test" },
  });
  const run = warehouse.forRun({ runDate: "2026-11-21", step: "system-test", runId: `system-${Date.now()}` });
  const table = `pulse_system_${Date.now()}`;

  after(async () => {
    if (scratch)
      await warehouse
        .execute(`DROP TABLE IF EXISTS \`${project}.${scratch}.${table}\``)
        .catch(() => undefined);
  });

  it("binds typed named parameters and returns plain values", async () => {
    const [row] = await run.query<Record<string, unknown>>(
      "SELECT @run_date AS d, DATE_ADD(@run_date, INTERVAL 1 DAY) AS next, @n * 2 AS twice, @s AS s, TO_HEX(@key) AS key_hex, TIMESTAMP '2026-11-21 08:00:00+00' AS ts",
      { run_date: "2026-11-21", n: 21, s: "ok", key: new Uint8Array([1, 255]) },
      { label: "system params" },
    );
    assert.deepEqual(row, {
      d: "2026-11-21",
      next: "2026-11-22",
      twice: 42,
      s: "ok",
      key_hex: "01ff",
      ts: "2026-11-21T08:00:00.000Z",
    });
  });

  it("streams pages and re-attaches to a job that already ran", async () => {
    const sql = "SELECT x FROM UNNEST(GENERATE_ARRAY(1, 2500)) AS x ORDER BY x";
    let rows = 0;
    let batches = 0;
    for await (const batch of run.stream(sql, {}, { label: "system stream" })) {
      rows += batch.rows.length;
      batches += 1;
    }
    assert.equal(rows, 2500);
    assert.ok(batches >= 3);
    const replay = warehouse.forRun({ runDate: "2026-11-21", step: "system-test", runId: "system-replay" });
    await replay.query("SELECT 1 AS one", {}, { label: "replay" });
    const again = warehouse.forRun({ runDate: "2026-11-21", step: "system-test", runId: "system-replay" });
    const before = warehouse.stats().reattached;
    assert.deepEqual(await again.query("SELECT 1 AS one", {}, { label: "replay" }), [{ one: 1 }]);
    assert.equal(warehouse.stats().reattached, before + 1);
  });

  it("estimates bytes with a dry run", async () => {
    const bytes = await run.estimateBytes("SELECT word FROM `bigquery-public-data.samples.shakespeare`");
    assert.ok(bytes > 0);
  });

  it(
    "materializes full then incremental, loads, and lists tables",
    { skip: scratch ? false : "PULSE_SYSTEM_DATASET is not set" },
    async () => {
      const model = `SELECT d AS day, 1 AS n FROM UNNEST(GENERATE_DATE_ARRAY(@window_start, @window_end)) AS d`;
      const scoped = new BigQueryWarehouse(new BigQuery({ projectId: project, location }), {
        projectId: project ?? "unset",
        location,
        maximumBytesBilled: 1024 ** 3,
      });
      const full = await scoped.materialize({
        dataset: scratch ?? "",
        table,
        sql: model,
        params: { window_start: "2026-11-01", window_end: "2026-11-21" },
        partitionColumn: "day",
      });
      assert.deepEqual(full, { rowsWritten: 21, mode: "full" });
      const incremental = await scoped.materialize({
        dataset: scratch ?? "",
        table,
        sql: model,
        params: {},
        partitionColumn: "day",
        window: { start: "2026-11-15", end: "2026-11-22" },
      });
      assert.deepEqual(incremental, { rowsWritten: 8, mode: "incremental" });
      const tables = await scoped.listTablesWithRowCounts(scratch ?? "");
      assert.equal(tables.find((info) => info.name === table)?.rowCount, 22);
    },
  );
});
