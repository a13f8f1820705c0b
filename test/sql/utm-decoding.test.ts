// staging.stg_shopify_orders reads an order's UTM source and medium as a browser shows them: '+' and the escapes of
// the characters a channel list uses decoded, in either case of their hex digits (RFC 3986: %2c is %2C), '%25'
// last so that an escaped '%' is decoded once; then lower-cased and matched with the channel list. Hand-made
// landing URLs, each with the source, medium and channel a reader would write down for it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import {
  buildModels,
  insertRaw,
  openFixtureWarehouse,
  WHOLE_BUILD_SUITE_TIMEOUT_MS,
} from "../support/sql-fixtures.ts";

const DAY = "2026-11-21";

/** [landing site, expected utm_source, expected utm_medium, expected channel] */
const CASES: [string, string | null, string | null, string][] = [
  ["/?utm_source=Google&utm_medium=CPC", "google", "cpc", "google_ads"],
  ["/?utm_source=facebook&utm_medium=paid+social", "facebook", "paid social", "meta"],
  ["/?utm_source=facebook&utm_medium=paid%20social", "facebook", "paid social", "meta"],
  ["/?utm_source=news%7Cletter", "news|letter", null, "other"],
  ["/?utm_source=news%7cletter", "news|letter", null, "other"],
  ["/?utm_source=klaviyo%2Cflows", "klaviyo,flows", null, "other"],
  ["/?utm_source=klaviyo%2cflows", "klaviyo,flows", null, "other"],
  ["/?utm_source=partner%2fblog&utm_medium=ref%3aspring", "partner/blog", "ref:spring", "other"],
  ["/?utm_source=a%2bb", "a+b", null, "other"],
  ["/?utm_source=100%2525", "100%25", null, "other"],
  ["/?utm_source=&utm_medium=cpc", null, "cpc", "direct_or_organic"],
  ["/?UTM_SOURCE=TikTok", "tiktok", null, "tiktok"],
];

describe(
  "staging.stg_shopify_orders: UTM source and medium",
  { timeout: WHOLE_BUILD_SUITE_TIMEOUT_MS },
  () => {
    let warehouse: DuckDbWarehouse;

    before(async () => {
      warehouse = await openFixtureWarehouse();
      await insertRaw(
        warehouse,
        "shopify_orders",
        CASES.map(([landing], index) => ({
          id: 9100 + index,
          name: `#${9100 + index}`,
          created_at: `${DAY}T17:00:00Z`,
          updated_at: `${DAY}T17:00:00Z`,
          currency: "USD",
          financial_status: "paid",
          subtotal_price: "10.00",
          total_discounts: "0.00",
          total_tax: "0.00",
          total_price: "10.00",
          landing_site: landing,
          line_items: [],
          refunds: [],
          _airbyte_raw_id: `utm${index}`,
          _airbyte_extracted_at: `${DAY}T23:00:00Z`,
        })),
      );
      await buildModels(warehouse, DAY, { fullRefresh: true });
    });
    after(() => warehouse.close());

    it("decodes, lower-cases and matches them with the channel list", async () => {
      const staged = await warehouse.query<{
        order_id: number;
        utm_source: string | null;
        utm_medium: string | null;
        channel: string;
      }>(
        "SELECT order_id, utm_source, utm_medium, channel FROM staging.stg_shopify_orders ORDER BY order_id",
        {},
        {
          label: "fixture",
        },
      );
      assert.deepEqual(
        staged.map((row) => [
          CASES[Number(row.order_id) - 9100]?.[0],
          row.utm_source,
          row.utm_medium,
          row.channel,
        ]),
        CASES,
      );
    });
  },
);
