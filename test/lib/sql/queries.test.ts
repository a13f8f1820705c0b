import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { MODELS, modelPath } from "../../../functions/lib/sql/models.ts";
import {
  adCurrencyDays,
  deleteOfCount,
  fillQuery,
  querySlots,
  readQuery,
} from "../../../functions/lib/sql/queries.ts";
import { readSql, sqlPath } from "../../../functions/lib/sql/sql-files.ts";
import { SOURCES } from "../../../functions/shared/sources.ts";

describe("query templates", () => {
  const template = "SELECT {{column}} FROM {{table}} WHERE {{event_date}} = @run_date";

  it("fill their slots with declared names and expressions", () => {
    const source = SOURCES[0];
    assert.ok(source);
    assert.deepEqual(querySlots(template), ["column", "table", "event_date"]);
    assert.equal(
      fillQuery(template, { column: "id", table: "raw.shopify_orders", event_date: source.eventDateSql }),
      `SELECT id FROM raw.shopify_orders WHERE ${source.eventDateSql} = @run_date`,
    );
  });

  it("refuse anything else, and a missing value", () => {
    const event_date = SOURCES[0]?.eventDateSql ?? "";
    assert.throws(
      () => fillQuery(template, { column: "id; DROP TABLE x", table: "raw.t", event_date }),
      /\{\{column\}\} refuses/,
    );
    assert.throws(
      () => fillQuery(template, { column: "id", table: "raw.t", event_date: "1 = 1 OR x" }),
      /refuses/,
    );
    assert.throws(() => fillQuery(template, { column: "id", table: "raw.t" }), /no value/);
    assert.throws(() => fillQuery("SELECT * FROM ({{audit}})", { audit: "SELECT 1" }), /refuses/);
  });

  it("embed a model's own SQL, and nothing that is not a model's", () => {
    const model = MODELS.find((candidate) => candidate.name === "stg_shopify_products");
    assert.ok(model);
    const sql = readSql(modelPath(model));
    assert.equal(fillQuery("SELECT * FROM ({{model}}) AS m", { model: sql }), `SELECT * FROM (${sql}) AS m`);
    assert.throws(
      () => fillQuery("SELECT * FROM ({{model}}) AS m", { model: `${sql} UNION ALL SELECT 1` }),
      /\{\{model\}\} refuses/,
    );
  });

  it("embed the raw ad days (ingest/ad_currency_days.sql) where a query asks for them, and no other text", () => {
    const adDays = adCurrencyDays();
    assert.equal(
      fillQuery("SELECT * FROM ({{ad_days}}) AS d", { ad_days: adDays }),
      `SELECT * FROM (${adDays}) AS d`,
    );
    assert.throws(
      () => fillQuery("SELECT * FROM ({{ad_days}}) AS d", { ad_days: "SELECT 'EUR' AS currency" }),
      /\{\{ad_days\}\} refuses/,
    );
    // Both queries that look for days without a rate take their ad days from it, and neither lists the raw ad
    // tables itself.
    for (const name of ["ingest/ad_account_currencies", "ingest/ad_days_landed_since"]) {
      assert.deepEqual(querySlots(readQuery(name)), ["ad_days"], name);
      assert.doesNotMatch(readQuery(name), /raw\.(facebook|google|tiktok)_ads/, name);
    }
  });

  it("read sql/queries/<area>/<name>.sql", () => {
    assert.match(readQuery("cli/run_day_kpis"), /FROM marts\.daily_kpis/);
  });
});

describe("deleteOfCount", () => {
  it("deletes from the count's own FROM on, its filters word for word, comments before it left out", () => {
    const count = [
      "-- Rows a new pull replaces. FROM here is prose.",
      "SELECT COUNT(*) AS row_count",
      "FROM raw.shopify_orders AS earlier",
      "WHERE earlier._airbyte_extracted_at >= TIMESTAMP(@landed_at)",
      "  AND earlier.id IN (SELECT dropped.id FROM raw.shopify_orders AS dropped)",
    ].join("\n");
    assert.equal(
      deleteOfCount(count),
      [
        "DELETE FROM raw.shopify_orders AS earlier",
        "WHERE earlier._airbyte_extracted_at >= TIMESTAMP(@landed_at)",
        "  AND earlier.id IN (SELECT dropped.id FROM raw.shopify_orders AS dropped)",
      ].join("\n"),
    );
    assert.throws(() => deleteOfCount("SELECT id FROM raw.shopify_orders"), /not a count query/);
  });

  it("applies to every count whose rows the ingest step deletes", () => {
    for (const name of [
      "ingest/superseded_file_drop_orders",
      "ingest/superseded_file_drop_rows",
      ...readdirSync(sqlPath("queries/ingest"))
        .filter((file) => file.startsWith("connector_rows_"))
        .map((file) => `ingest/${file.replace(/\.sql$/, "")}`),
    ]) {
      assert.match(deleteOfCount(readQuery(name)), /^DELETE FROM (raw\.\w+|\{\{table\}\})/, name);
    }
  });
});
