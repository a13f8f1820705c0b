// A raw table made before ingest or Terraform (an older Airbyte destination, a hand-made load) may not be
// partitioned on _airbyte_extracted_at: every read of it in sql/ bounds that column, which on BigQuery prunes a
// partitioned table to its recent days and reads all of an unpartitioned one, so a daily run's bytes grew with the
// shop's history and nothing said so. check-sources now reports each such table, from what the warehouse says of
// its columns (BigQuery's INFORMATION_SCHEMA.COLUMNS.is_partitioning_column; DuckDB has no partitions and says
// nothing). The step runs here on DuckDB, its table listing answered as BigQuery answers it.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { unpartitionedRawTables } from "../../functions/check-sources/inventory.ts";
import { runCheckSources } from "../../functions/check-sources/step.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import type { CountedTableInfo, TableInfo } from "../../functions/shared/ports.ts";
import type { RawTableSchema } from "../../functions/shared/raw-schemas.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";

const declared: RawTableSchema[] = [
  { name: "orders", source: "shopify", eventTimeColumn: "created_at", columns: [] },
  { name: "ads", source: "facebook_ads", eventTimeColumn: "date_start", columns: [] },
  { name: "rates", source: "exchange_rates", eventTimeColumn: "date", columns: [] },
];

function table(name: string, partitioning?: boolean): TableInfo {
  return {
    dataset: "raw",
    name,
    columns: [
      { name: "id", type: "INT64", ...(partitioning === undefined ? {} : { partitioning: false }) },
      {
        name: "_airbyte_extracted_at",
        type: "TIMESTAMP",
        ...(partitioning === undefined ? {} : { partitioning }),
      },
    ],
  };
}

describe("unpartitionedRawTables", () => {
  it("names the declared tables the warehouse says are not partitioned on _airbyte_extracted_at", () => {
    const findings = unpartitionedRawTables(
      [table("orders", false), table("ads", true), table("stray", false)],
      declared,
    );
    assert.deepEqual(
      findings.map((finding) => [finding.check, finding.severity, finding.table, finding.source]),
      [["inventory_unpartitioned_table", "warning", "orders", "shopify"]],
    );
    const [orders] = findings;
    assert.match(orders?.message ?? "", /^Raw table orders is not partitioned on _airbyte_extracted_at/);
    // The fix, runnable as written.
    assert.match(
      orders?.message ?? "",
      /CREATE TABLE raw\.orders_partitioned PARTITION BY TIMESTAMP_TRUNC\(_airbyte_extracted_at, DAY\) CLUSTER BY _airbyte_extracted_at OPTIONS \(require_partition_filter = TRUE\) AS SELECT \* FROM raw\.orders; ALTER TABLE raw\.orders RENAME TO orders_unpartitioned; ALTER TABLE raw\.orders_partitioned RENAME TO orders\.$/,
    );
  });

  it("says nothing where the warehouse has no partitions (DuckDB) or the table is absent", () => {
    assert.deepEqual(unpartitionedRawTables([table("orders"), table("ads")], declared), []);
    assert.deepEqual(unpartitionedRawTables([], declared), []);
  });
});

/** The fixture warehouse, its raw tables listed as BigQuery lists them: partitioned, but for `unpartitioned`. */
function listedAsBigQuery(warehouse: DuckDbWarehouse, unpartitioned: string): DuckDbWarehouse {
  const asBigQuery = (tables: CountedTableInfo[]): CountedTableInfo[] =>
    tables.map((info) => ({
      ...info,
      columns: info.columns.map((column) => ({
        ...column,
        partitioning: column.name === "_airbyte_extracted_at" && info.name !== unpartitioned,
      })),
    }));
  return new Proxy(warehouse, {
    get(target, property, receiver) {
      if (property === "listTablesWithRowCounts") {
        return async (dataset: string) => asBigQuery(await target.listTablesWithRowCounts(dataset));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function checkSources(listing: (warehouse: DuckDbWarehouse) => DuckDbWarehouse) {
  const dir = await mkdtemp(join(tmpdir(), "pulse-unpartitioned-"));
  const warehouse = await openFixtureWarehouse();
  try {
    const bucket = new FolderBucket(join(dir, "bucket"));
    const context = {
      step: "check-sources",
      message: parseRunMessage({ runDate: RUN_DATE, runId: `run-${RUN_DATE}`, trigger: "manual" }),
      config: loadConfig({ env: {}, cwd: dir }),
      ports: {
        warehouse: listing(warehouse),
        bucket,
        secrets: { get: async () => undefined },
        clock: { now: () => new Date("2026-11-22T11:00:00Z") },
      },
      ledger: new Ledger(bucket),
      log: silentLogger(),
    } as unknown as StepContext;
    const result = await runCheckSources(context);
    return (result.findings ?? []).filter((finding) => finding.check === "inventory_unpartitioned_table");
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("check-sources on raw tables the warehouse lists", { timeout: 60_000 }, () => {
  it("reports a raw table BigQuery says is not partitioned, once, as a warning that does not block", async () => {
    const findings = await checkSources((warehouse) => listedAsBigQuery(warehouse, "shopify_orders"));
    assert.deepEqual(
      findings.map((finding) => [finding.step, finding.table, finding.severity, finding.blocking]),
      [["check-sources", "shopify_orders", "warning", false]],
    );
  });

  it("reports nothing on DuckDB, which has no partitions", async () => {
    assert.deepEqual(await checkSources((warehouse) => warehouse), []);
  });
});
