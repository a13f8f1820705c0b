import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BigQueryWarehouseError } from "../../../../functions/adapters/warehouse/bigquery/errors.ts";
import { BigQueryWarehouse } from "../../../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { isTransient } from "../../../../functions/shared/step.ts";
import { FakeBigQuery, RUN, SETTINGS } from "./fake-client.ts";

describe("BigQuery warehouse: errors", () => {
  it("turns Access Denied into a message naming the project, dataset and the missing role", async () => {
    const fake = new FakeBigQuery(() => ({
      error: {
        reason: "accessDenied",
        message:
          "Access Denied: Table shop-analytics:marts.daily_kpis: Permission bigquery.tables.updateData denied on table",
      },
    }));
    const warehouse = new BigQueryWarehouse(fake, SETTINGS);
    await assert.rejects(
      warehouse.materialize({ dataset: "marts", table: "daily_kpis", sql: "SELECT 1 AS x", params: {} }),
      (error: unknown) => {
        assert.ok(error instanceof BigQueryWarehouseError);
        assert.match(error.message, /denied access .* project shop-analytics, dataset marts/);
        assert.match(error.message, /roles\/bigquery\.dataEditor on dataset marts/);
        assert.equal(error.status, 403);
        assert.equal(isTransient(error), false);
        return true;
      },
    );
  });

  it("names roles/bigquery.jobUser when the service account may not create jobs", async () => {
    const fake = new FakeBigQuery();
    fake.createJob = async () => {
      throw Object.assign(
        new Error("Access Denied: Project shop-analytics: User does not have bigquery.jobs.create"),
        {
          code: 403,
          errors: [{ reason: "accessDenied" }],
        },
      );
    };
    await assert.rejects(
      new BigQueryWarehouse(fake, SETTINGS).execute("SELECT 1"),
      /needs roles\/bigquery\.jobUser on project shop-analytics/,
    );
  });

  it("explains the bytes-billed guard", async () => {
    const fake = new FakeBigQuery(() => ({
      error: {
        reason: "bytesBilledLimitExceeded",
        message: "Query exceeded limit for bytes billed: 5000000000.",
      },
    }));
    await assert.rejects(
      new BigQueryWarehouse(fake, SETTINGS).execute(
        "SELECT * FROM raw.shopify_orders",
        {},
        { label: "scan" },
      ),
      /more than the 5000000000 bytes allowed per job.*estimateBytes.*PULSE_MAX_BYTES_BILLED/,
    );
  });

  it("leaves a connection dropped before BigQuery answered to Pub/Sub's retry, creating or waiting for a job", async () => {
    // As the client reports it once its own retries are spent: node-fetch's error with Node's socket error code.
    const reset = () =>
      Object.assign(
        new Error(
          "request to https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/jobs failed, reason: socket hang up",
        ),
        { code: "ECONNRESET", type: "system" },
      );
    const creating = new FakeBigQuery();
    creating.createJob = async () => {
      throw reset();
    };
    const waiting = new FakeBigQuery();
    const create = waiting.createJob.bind(waiting);
    waiting.createJob = async (request) => {
      const [job] = await create(request);
      // The long poll dies; the job's metadata then says it is still running (no error of its own to report).
      job.getQueryResults = async () => {
        throw reset();
      };
      job.getMetadata = async () => [{ status: { state: "RUNNING" } }];
      return [job];
    };
    for (const [what, fake] of [
      ["creating", creating],
      ["waiting", waiting],
    ] as const) {
      await assert.rejects(
        new BigQueryWarehouse(fake, SETTINGS).forRun(RUN).execute("SELECT 1", {}, { label: "ping" }),
        (error: unknown) => {
          assert.ok(error instanceof BigQueryWarehouseError, what);
          assert.match(error.message, /socket hang up/, what);
          assert.equal(isTransient(error), true, `${what}: a dropped connection is worth a retry`);
          return true;
        },
      );
    }
  });

  it("tells a rate limit or a quota (403s too) from a denied access: no role to grant, and a retry for the limit", async () => {
    // BigQuery answers both with HTTP 403; only accessDenied is about the service account's roles.
    const refusal = (reason: string, message: string) => {
      const fake = new FakeBigQuery();
      fake.createJob = async () => {
        throw Object.assign(new Error(message), { code: 403, errors: [{ reason, message }] });
      };
      return new BigQueryWarehouse(fake, SETTINGS).execute("SELECT 1", {}, { label: "ping" });
    };
    for (const [reason, message, transient] of [
      ["rateLimitExceeded", "Exceeded rate limits: too many table update operations for this table", true],
      ["quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned", false],
    ] as const) {
      await assert.rejects(refusal(reason, message), (error: unknown) => {
        assert.ok(error instanceof BigQueryWarehouseError, reason);
        assert.doesNotMatch(error.message, /denied access|roles\//, reason);
        assert.ok(error.message.includes(message), `${reason}: ${error.message}`);
        assert.equal(isTransient(error), transient, reason);
        return true;
      });
    }
  });
});
