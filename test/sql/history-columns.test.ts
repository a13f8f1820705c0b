// A daily run reads a few tables over the shop's whole history (test/sql/partition-filters.test.ts declares them
// and why). First-order numbering is the largest: the orders of every day the shop has had. BigQuery bills those
// reads by the columns they take, so this checks them in DuckDB's plans of the model and of the renumbering check
// after late changes: integers, times, dates and a flag, 25 bytes an order of staging on BigQuery (INT64 and
// TIMESTAMP 8, BOOL 1), not the 64-character customer key.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { translateToDuckDb } from "../../functions/adapters/warehouse/duckdb/dialect/translator.ts";
import { toDuckDbParams, usedParams } from "../../functions/adapters/warehouse/duckdb/params.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { readSql } from "../../functions/lib/sql/sql-files.ts";
import { buildModels, insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
const PARAMS = {
  window_start: "2026-11-14",
  window_end: RUN_DATE,
  late_start_date: "2026-06-15",
  late_end_date: "2026-06-15",
  shop_timezone: "America/New_York",
};
const FIXED_WIDTH = new Set(["BIGINT", "BOOLEAN", "DATE", "TIMESTAMP WITH TIME ZONE"]);

interface PlanNode {
  name?: string;
  extra_info?: { Table?: string; Projections?: string | string[]; Filters?: string | string[] };
  children?: PlanNode[];
}

describe("columns of the whole-history reads of first-order numbering", () => {
  let warehouse: DuckDbWarehouse;
  const columnTypes = new Map<string, string>();

  before(async () => {
    warehouse = await openFixtureWarehouse();
    // An order in the window and one long before it: with every row inside the window, DuckDB's statistics would
    // drop the window filter as always true, and the window's reads would look like reads of all history.
    const order = (id: number, createdAt: string, extractedAt: string) => ({
      id,
      name: `#${id}`,
      email: "ann@example.com",
      created_at: createdAt,
      updated_at: createdAt,
      currency: "USD",
      total_price: "10.00",
      subtotal_price: "10.00",
      line_items: [],
      _airbyte_raw_id: `r${id}`,
      _airbyte_extracted_at: extractedAt,
    });
    await insertRaw(warehouse, "shopify_orders", [
      order(1, "2026-03-02T15:00:00Z", "2026-03-03T07:00:00Z"),
      order(2, "2026-11-20T15:00:00Z", "2026-11-21T07:00:00Z"),
    ]);
    await buildModels(warehouse, RUN_DATE);
    const reader = await warehouse.rawConnection.runAndReadAll(
      "SELECT schema_name || '.' || table_name AS tab, column_name, data_type FROM duckdb_columns()",
    );
    for (const row of reader.getRowObjectsJS())
      columnTypes.set(`${String(row.tab)}.${String(row.column_name)}`, String(row.data_type));
  });
  after(() => warehouse.close());

  /** For each scan of a table with no filter on its order_date (all its history): the columns it reads. */
  async function historyScans(sqlFile: string): Promise<{ table: string; columns: string[] }[]> {
    const translated = translateToDuckDb(readSql(sqlFile));
    const reader = await warehouse.rawConnection.runAndReadAll(
      `EXPLAIN (FORMAT JSON) ${translated}`,
      toDuckDbParams(usedParams(translated, PARAMS)),
    );
    const plans = JSON.parse(String(reader.getRows()[0]?.[1])) as PlanNode[];
    const scans: { table: string; columns: string[] }[] = [];
    const visit = (node: PlanNode) => {
      const info = node.extra_info;
      if (info?.Table) {
        const table = info.Table.split(".").slice(-2).join(".");
        const filters = [info.Filters ?? []].flat().join(" ");
        const named = `${[info.Projections ?? []].flat().join(" ")} ${filters}`;
        const columns = [...columnTypes.keys()]
          .filter((key) => key.startsWith(`${table}.`))
          .map((key) => key.slice(table.length + 1))
          .filter((column) => new RegExp(`\\b${column}\\b`).test(named));
        if (!/\border_date\s*>=/.test(filters)) scans.push({ table, columns: columns.sort() });
      }
      for (const child of node.children ?? []) visit(child);
    };
    plans.forEach(visit);
    return scans;
  }

  const widths = (table: string, columns: string[]) =>
    columns.map((column) => columnTypes.get(`${table}.${column}`) ?? `${column}: no such column`);

  it("unified.shopify_unified numbers each customer's orders from four fixed-width columns of staging", async () => {
    const scans = await historyScans("unified/shopify_unified.sql");
    assert.deepEqual(scans, [
      {
        table: "staging.stg_shopify_orders",
        columns: ["created_at", "customer_fingerprint", "is_cancelled", "order_id"],
      },
    ]);
    for (const type of widths(scans[0]!.table, scans[0]!.columns)) assert.ok(FIXED_WIDTH.has(type), type);
  });

  it("those columns are 25 bytes an order on BigQuery, not the 91 of the hash and customer id they replace", async () => {
    // README, Deploying: "25 bytes an order of history, not about 91 with the 64-character hash". BigQuery bills a
    // column by its type's size (INT64, TIMESTAMP and DATE 8 bytes, BOOL 1, STRING 2 + its UTF-8 bytes). Before
    // customer_fingerprint, numbering read the order's email_hash and customer_id in its place.
    const BIGQUERY_BYTES: Record<string, number> = {
      BIGINT: 8,
      "TIMESTAMP WITH TIME ZONE": 8,
      DATE: 8,
      BOOLEAN: 1,
    };
    const [scan] = await historyScans("unified/shopify_unified.sql");
    assert.ok(scan);
    const bytes = widths(scan.table, scan.columns).reduce(
      (sum, type) => sum + (BIGQUERY_BYTES[type] ?? NaN),
      0,
    );
    assert.equal(bytes, 25);
    const reader = await warehouse.rawConnection.runAndReadAll(
      "SELECT DISTINCT length(email_hash) AS chars FROM staging.stg_shopify_orders WHERE email_hash IS NOT NULL",
    );
    assert.deepEqual(reader.getRowObjectsJS(), [{ chars: 64n }]);
    const hashAndCustomerId = 2 + 64 + BIGQUERY_BYTES.BIGINT!;
    assert.equal(bytes - BIGQUERY_BYTES.BIGINT! + hashAndCustomerId, 91);
  });

  it("a fingerprint is 60 bits of the hash: two customers of a million share one with a chance of about 1 in 2 million", async () => {
    // README, Deploying. The email hash's first 15 hex digits are 60 bits; the birthday bound for n customers over
    // 2^60 values is 1 − e^(−n(n−1)/2 / 2^60).
    const reader = await warehouse.rawConnection.runAndReadAll(
      "SELECT email_hash, CAST(customer_fingerprint AS VARCHAR) AS fingerprint FROM staging.stg_shopify_orders WHERE email_hash IS NOT NULL",
    );
    const rows = reader.getRowObjectsJS() as { email_hash: string; fingerprint: string }[];
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(BigInt(row.fingerprint), BigInt(`0x${row.email_hash.slice(0, 15)}`));
    const n = 1_000_000;
    const chance = -Math.expm1(-(n * (n - 1)) / 2 / 2 ** 60);
    assert.equal(Math.round(1 / chance / 1_000_000), 2, `1 in ${Math.round(1 / chance)}`);
  });

  it("the renumbering check after late changes reads the same of staging, and five of unified", async () => {
    const scans = await historyScans("queries/transform/renumbered_days.sql");
    assert.deepEqual(
      scans.sort((a, b) => a.table.localeCompare(b.table)),
      [
        {
          table: "staging.stg_shopify_orders",
          columns: ["created_at", "customer_fingerprint", "is_cancelled", "order_id"],
        },
        {
          table: "unified.shopify_unified",
          columns: [
            "customer_fingerprint",
            "customer_first_order_date",
            "customer_order_number",
            "order_date",
            "order_id",
          ],
        },
      ],
    );
    for (const scan of scans)
      for (const type of widths(scan.table, scan.columns)) assert.ok(FIXED_WIDTH.has(type), type);
  });
});
