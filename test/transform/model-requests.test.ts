// What the transform asks the warehouse for each model on a daily run: a partitioned model's window comes with the
// model's key, read here from each SQL file's own header line, so that DuckDB finds a window's changed rows by key
// (functions/adapters/warehouse/duckdb/statements.ts, keyedWindowReplace) and a merged model with its unique key.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import type { MaterializeRequest } from "../../functions/shared/ports.ts";
import {
  buildModels,
  insertRaw,
  metaAdDay,
  novemberDays,
  openFixtureWarehouse,
  soapOrder,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

/** Each model's "-- key:" header line, as written: "<layer>.<name>" → its columns, a trailing "?" dropped. */
function headerKeys(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const layer of ["staging", "unified", "marts"]) {
    for (const file of readdirSync(join("sql", layer)).filter((name) => name.endsWith(".sql"))) {
      const line = readFileSync(join("sql", layer, file), "utf8")
        .split("\n")
        .find((text) => text.startsWith("-- key:"));
      assert.ok(line, `sql/${layer}/${file} has a key line`);
      const columns = line.slice("-- key:".length).split(",");
      keys.set(
        `${layer}.${file.replace(/\.sql$/, "")}`,
        columns.map((column) => column.trim().replace(/\?$/, "")),
      );
    }
  }
  return keys;
}

describe("the transform's requests on a daily run", { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS }, () => {
  let warehouse: DuckDbWarehouse;
  const requests: MaterializeRequest[] = [];

  before(async () => {
    warehouse = await openFixtureWarehouse();
    const days = novemberDays(1, 12);
    await insertRaw(
      warehouse,
      "shopify_orders",
      days.map((day, index) => soapOrder(index + 1, `${day}T15:00:00Z`, `${day}T16:00:00Z`)),
    );
    await insertRaw(
      warehouse,
      "facebook_ads_insights",
      days.map((day) => metaAdDay(day, `${day}T20:00:00Z`)),
    );
    await buildModels(warehouse, "2026-11-11");
    const materialize = warehouse.materialize.bind(warehouse);
    warehouse.materialize = (request) => {
      requests.push(request);
      return materialize(request);
    };
    await buildModels(warehouse, "2026-11-12");
  });
  after(() => warehouse.close());

  it("gives every model its header's key, and the window to partitioned and merged models", () => {
    const keys = headerKeys();
    assert.equal(requests.length, keys.size, "one request per model");
    for (const request of requests) {
      const model = `${request.dataset}.${request.table}`;
      assert.deepEqual(request.key, keys.get(model), model);
      if (request.partitionColumn || request.uniqueKey) assert.ok(request.window, `${model} has its window`);
    }
    assert.ok(
      requests.some(
        (request) => request.table === "stg_shopify_orders" && request.key?.join() === "order_id",
      ),
    );
  });
});
