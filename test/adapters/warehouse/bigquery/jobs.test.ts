import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BigQueryWarehouseError } from "../../../../functions/adapters/warehouse/bigquery/errors.ts";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { isTransient } from "../../../../functions/shared/step.ts";
import { FakeBigQuery, lastRequest, RUN, SETTINGS } from "./fake-client.ts";

describe("BigQuery jobs: deterministic job ids", () => {
  it("derives the id from run date, step, label and a hash of run id + statement + parameters", async () => {
    const fake = new FakeBigQuery();
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await warehouse
      .forRun(RUN)
      .execute("SELECT @run_date", { run_date: "2026-11-21" }, { label: "marts.daily_kpis" });
    await warehouse
      .forRun(RUN)
      .execute("SELECT @run_date", { run_date: "2026-11-20" }, { label: "marts.daily_kpis" });
    await warehouse
      .forRun({ ...RUN, runId: "cli-other" })
      .execute("SELECT @run_date", { run_date: "2026-11-21" }, { label: "marts.daily_kpis" });
    const ids = fake.requests.map((r) => r.jobId ?? "");
    for (const id of ids) assert.match(id, /^pulse_20261121_transform_marts_daily_kpis_[0-9a-f]{16}_1$/);
    assert.equal(new Set(ids).size, 3, "other parameters or another run id → another job");
  });

  it("gives a statement issued twice in one execution two ids (the second must really run)", async () => {
    const fake = new FakeBigQuery();
    const scoped = new BigQueryWarehouse(fake, SETTINGS).forRun(RUN);
    await scoped.execute("SELECT COUNT(*) FROM raw.shopify_orders", {}, { label: "count" });
    await scoped.execute("SELECT COUNT(*) FROM raw.shopify_orders", {}, { label: "count" });
    assert.equal(fake.executions, 2);
    assert.notEqual(fake.requests[0]?.jobId, fake.requests[1]?.jobId);
  });

  it("re-attaches to the job an earlier delivery created (409) instead of running the query twice", async () => {
    const fake = new FakeBigQuery(() => ({ fields: [{ name: "n", type: "INTEGER" }], rows: [["7"]] }));
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    const first = await warehouse.forRun(RUN).query("SELECT 7 AS n", {}, { label: "seven" });
    // The redelivery: same run id, a fresh scope (as runStep creates per execution), a higher ledger attempt.
    const second = await warehouse
      .forRun({ ...RUN, attempt: 3 })
      .query("SELECT 7 AS n", {}, { label: "seven" });
    assert.deepEqual(second, first);
    assert.equal(fake.executions, 1, "the query ran once");
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[0]?.jobId, fake.requests[1]?.jobId, "the same id was asked for twice");
    assert.equal(warehouse.stats().reattached, 1);
  });

  it("runs the job again under the next try number when the earlier try had failed", async () => {
    let failing = true;
    const fake = new FakeBigQuery(() =>
      failing ? { error: { reason: "backendError", message: "Backend error" } } : { fields: [], rows: [] },
    );
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await assert.rejects(
      warehouse.forRun(RUN).execute("SELECT 1", {}, { label: "flaky" }),
      (error: unknown) => {
        assert.ok(error instanceof BigQueryWarehouseError);
        assert.equal(isTransient(error), true, "a backend error is worth a retry");
        return true;
      },
    );
    failing = false;
    await warehouse.forRun(RUN).execute("SELECT 1", {}, { label: "flaky" });
    const ids = fake.requests.map((r) => r.jobId ?? "");
    assert.match(ids[0] ?? "", /_1$/);
    assert.equal(ids[1], ids[0], "the redelivery first asks for the same job");
    assert.equal(ids[2], ids[0]?.replace(/_1$/, "_2"));
    assert.equal(fake.executions, 2);
  });

  it("uses a random id outside a run (ad-hoc CLI queries)", async () => {
    const fake = new FakeBigQuery();
    await new BigQueryWarehouse(fake, SETTINGS).execute("SELECT 1");
    assert.match(lastRequest(fake).jobId ?? "", /^pulse_adhoc_[0-9a-f]{32}$/);
  });
});
