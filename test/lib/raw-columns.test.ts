// The one comparison of the declared raw tables with the raw dataset's: ingest adds what it finds missing, the
// transform names it when a model fails (test/transform/raw-columns.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasRawSchemaGaps, rawSchemaGaps } from "../../functions/lib/raw-columns.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { listedRawTable } from "../support/raw-tables.ts";

const listed = listedRawTable;
const names = (gaps: ReturnType<typeof rawSchemaGaps>) => ({
  absent: gaps.absentTables.map((table) => table.name),
  without: gaps.tablesWithoutColumns.map(({ table, columns }) => [table.name, columns.map((c) => c.name)]),
});

describe("rawSchemaGaps", () => {
  it("finds nothing when every declared table has its declared columns, whatever else it has", () => {
    const present = RAW_TABLES.map((table) => listed(table.name));
    present[0]?.columns.push({ name: "extra_connector_column", type: "STRING" });
    const gaps = rawSchemaGaps(present, RAW_TABLES);
    assert.equal(hasRawSchemaGaps(gaps), false);
  });

  it("names the absent tables and the missing columns, case aside", () => {
    const upper = listed("shopify_products");
    upper.columns = upper.columns.map((column) => ({ ...column, name: column.name.toUpperCase() }));
    const present = [
      listed("shopify_orders", ["test", "note_attributes"]),
      upper,
      ...RAW_TABLES.filter(
        (table) => !["shopify_orders", "shopify_products", "tiktok_ads_reports_daily"].includes(table.name),
      ).map((table) => listed(table.name)),
    ];
    const gaps = rawSchemaGaps(present, RAW_TABLES);
    assert.equal(hasRawSchemaGaps(gaps), true);
    assert.deepEqual(names(gaps), {
      absent: ["tiktok_ads_reports_daily"],
      without: [["shopify_orders", ["note_attributes", "test"]]],
    });
  });
});
