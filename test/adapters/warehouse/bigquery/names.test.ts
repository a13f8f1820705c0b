import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renameDatasets } from "../../../../functions/adapters/warehouse/bigquery/names.ts";

describe("BigQuery names", () => {
  it("renames logical datasets to prefixed ones outside strings and comments", () => {
    const renamed = renameDatasets(
      "SELECT 'raw.x', o.raw FROM raw.shopify_orders AS o -- marts.x\nJOIN `staging.stg` USING (id) /* ops.y */ JOIN rawer.t",
      (name) => `dev_${name}`,
    );
    assert.equal(
      renamed,
      "SELECT 'raw.x', o.raw FROM dev_raw.shopify_orders AS o -- marts.x\nJOIN `dev_staging.stg` USING (id) /* ops.y */ JOIN rawer.t",
    );
  });
});
