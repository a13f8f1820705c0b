// How the transform words a model failure on a raw table that lacks a declared column or table (the comparison:
// test/lib/raw-columns.test.ts; the failure end to end on DuckDB: raw-columns-upgrade.test.ts), and the same
// failure on BigQuery (its fake), in the cloud's words.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BigQueryWarehouse } from "../../functions/adapters/warehouse/bigquery/warehouse.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { rawSchemaGaps } from "../../functions/lib/raw-columns.ts";
import { runFromCommand } from "../../functions/lib/run-command.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Ledger } from "../../functions/shared/ledger.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import { PermanentStepError, type Ports } from "../../functions/shared/step.ts";
import { missingRawColumnsMessage } from "../../functions/transform/raw-columns.ts";
import { runTransform } from "../../functions/transform/step.ts";
import { FakeBigQuery, type Outcome, SETTINGS } from "../adapters/warehouse/bigquery/fake-client.ts";
import { fixedSecrets } from "../support/secrets.ts";
import { listedRawTable } from "../support/raw-tables.ts";

const listed = listedRawTable;

describe("the transform's message for missing raw columns", () => {
  const modelError =
    "model staging.stg_shopify_orders failed on BigQuery: Unrecognized name: test at [91:27]";

  it("in the cloud, gives the rerun command for ingest, and the model's error", () => {
    const gaps = rawSchemaGaps(
      RAW_TABLES.map((table) => listed(table.name, table.name === "shopify_orders" ? ["test"] : [])),
      RAW_TABLES,
    );
    const command = runFromCommand({ step: "ingest", runDate: "2026-11-21", force: false }, {
      mode: "cloud",
      cloud: { projectId: "shop-prod" },
    } as Parameters<typeof runFromCommand>[1]);
    const message = missingRawColumnsMessage(gaps, { command, alreadySucceeded: false }, modelError);
    assert.equal(
      message,
      [
        "raw.shopify_orders lacks the column test, which this version declares: run ingest first, which adds it " +
          "(the transform only reads the raw tables), then transform and the steps after it: " +
          "npm start -- rerun --from ingest --date 2026-11-21 --project shop-prod",
        `The model's error: ${modelError}`,
      ].join("\n"),
    );
  });

  it("lists every table and column, and says why it forces when the ledger cannot say", () => {
    const present = RAW_TABLES.filter((table) => table.name !== "google_ads_campaign_stats").map((table) =>
      listed(table.name, table.name === "shopify_orders" ? ["test", "note_attributes", "phone"] : []),
    );
    const message = missingRawColumnsMessage(
      rawSchemaGaps(present, RAW_TABLES),
      { command: "npm start -- --date 2026-11-21 --from ingest --force", alreadySucceeded: undefined },
      modelError,
    );
    assert.match(
      message,
      /^raw\.shopify_orders lacks the columns phone, note_attributes and test; there is no raw\.google_ads_campaign_stats, which this version declares: run ingest first, which makes them /,
    );
    assert.match(
      message,
      /\n\(--force in case ingest has already succeeded for this date, which would skip it as done\.\)\n/,
    );
  });
});

describe("a transform on BigQuery whose raw.shopify_orders lacks `test`", () => {
  it("fails for good with the cloud's ingest command; only that diagnosis lists raw, and nothing alters it", async () => {
    let rawListings = 0;
    const fake = new FakeBigQuery((request): Outcome => {
      const sql = request.configuration.query.query;
      if (sql.includes("INFORMATION_SCHEMA.COLUMNS")) {
        const dataset = /\.(\w+)`\.INFORMATION_SCHEMA/.exec(sql)?.[1];
        // The raw tables as the version before `test` left them; no model built yet.
        const tables = dataset === "raw" ? RAW_TABLES.map((table) => listed(table.name, ["test"])) : [];
        if (dataset === "raw") rawListings += 1;
        return {
          fields: ["table_name", "column_name", "data_type", "labels"].map((name) => ({ name })),
          rows: tables.flatMap((table) =>
            table.columns.map((column) => [table.name, column.name, column.type, "[]"]),
          ),
        };
      }
      if (sql.includes("stg_shopify_orders`") && sql.includes("rows_written")) {
        return { error: { reason: "invalidQuery", message: "Unrecognized name: test at [91:27]" } };
      }
      if (request.configuration.labels.label === "newest_raw_extraction") {
        return { fields: [{ name: "raw_table" }, { name: "extracted_at" }], rows: [] };
      }
      return { fields: [{ name: "rows_written" }], rows: [["5"]] };
    });
    const config = loadConfig({
      env: { PULSE_RUNTIME: "cloud", PULSE_PROJECT_ID: "shop-analytics", PULSE_BUCKET: "shop-bucket" },
      cwd: "/tmp",
    });
    const failed = runTransform({
      step: "transform",
      message: parseRunMessage({ runDate: "2026-11-21", runId: "scheduler-test", trigger: "scheduler" }),
      config,
      ports: {
        warehouse: new BigQueryWarehouse(fake, SETTINGS),
        secrets: fixedSecrets(),
      } as unknown as Ports,
      // The ingest record of the date says it succeeded: the command forces.
      ledger: { read: async () => ({ status: "succeeded" }) } as unknown as Ledger,
      log: silentLogger(),
    });
    await assert.rejects(failed, (error: unknown) => {
      assert.ok(error instanceof PermanentStepError);
      assert.match(
        error.message,
        /^raw\.shopify_orders lacks the column test, which this version declares: run ingest first, .*: npm start -- rerun --from ingest --date 2026-11-21 --force --project shop-analytics\n/,
      );
      assert.match(
        error.message,
        /\nThe model's error: .*staging\.stg_shopify_orders.*Unrecognized name: test/,
      );
      assert.ok(error.cause instanceof Error);
      return true;
    });
    // The transform itself never lists raw: the one listing is the diagnosis, and nothing altered a table.
    assert.equal(rawListings, 1);
    assert.ok(!fake.queries().some((sql) => /ALTER TABLE/i.test(sql)));
  });
});
