// A landing URL with only some UTMs (utm_content) and UTM note attributes on the same order, through ingest →
// staging: the URL is kept, the UTMs it lacks come from the attributes, and the URL's win where both give one.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { dropThroughTransform } from "./harness.ts";

// Invented orders. #3001: the tester's case, a landing page with utm_content only and the source, medium and
// campaign as attributes. #3002: URL and attribute disagree on utm_source. #3003: utm_content and nothing else.
// #3004: a tracking app's URL with its keys in capitals, and a campaign named outside ASCII as an attribute.
const EXPORT = [
  "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at,Cancelled at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Note Attributes,Id",
  `#3001,a@example.com,paid,USD,40.00,0.00,0.00,40.00,2026-11-21 09:00:00 -0500,,1,Linen Apron - Sand,40.00,APR-SAND,"utm_source: facebook
utm_medium: paid_social
utm_campaign: BF Prospecting
landing_page: https://shop.example.com/?utm_content=video1",9001`,
  `#3002,b@example.com,paid,USD,25.00,0.00,0.00,25.00,2026-11-21 10:00:00 -0500,,1,Stoneware Mug,25.00,MUG-1,"landing_page: https://shop.example.com/p/mug?utm_source=google&utm_medium=cpc&gclid=g1
utm_source: facebook",9002`,
  `#3003,c@example.com,paid,USD,12.00,0.00,0.00,12.00,2026-11-21 11:00:00 -0500,,1,Tea Towel,12.00,TWL-01,"landing_page: https://shop.example.com/?utm_content=video2",9003`,
  `#3004,d@example.com,paid,USD,30.00,0.00,0.00,30.00,2026-11-21 12:00:00 -0500,,1,Tea Towel,30.00,TWL-01,"landing_page: https://shop.example.com/?UTM_SOURCE=Google&UTM_MEDIUM=cpc
utm_source: facebook
utm_campaign: Noël & Été",9004`,
  "",
].join("\n");

describe("a landing URL with some UTMs and UTM note attributes", { timeout: 120_000 }, () => {
  let workDir: string;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    ({ workDir, warehouse } = await dropThroughTransform("utm-landing", {
      "shopify-orders-utm-landing.csv": EXPORT,
    }));
  });
  after(async () => {
    await warehouse.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("lands the URL with the attributes' UTMs it lacks, the URL's winning", async () => {
    const raw = await warehouse.query<{ id: number; landing_site: string | null }>(
      "SELECT id, landing_site FROM raw.shopify_orders ORDER BY id",
    );
    assert.deepEqual(
      raw.map((row) => [Number(row.id), row.landing_site]),
      [
        [
          9001,
          "/?utm_content=video1&utm_source=facebook&utm_medium=paid_social&utm_campaign=BF%20Prospecting",
        ],
        [9002, "/p/mug?utm_source=google&utm_medium=cpc&gclid=g1"],
        [9003, "/?utm_content=video2"],
        // The URL has a source and a medium (in capitals): only the campaign is added, escaped.
        [9004, "/?UTM_SOURCE=Google&UTM_MEDIUM=cpc&utm_campaign=No%C3%ABl%20%26%20%C3%89t%C3%A9"],
      ],
    );
  });

  it("credits the order whose source is only in its attributes to Meta in staging", async () => {
    const staged = await warehouse.query<{
      order_id: number;
      utm_source: string | null;
      utm_medium: string | null;
      utm_campaign: string | null;
      channel: string;
    }>(
      "SELECT order_id, utm_source, utm_medium, utm_campaign, channel FROM staging.stg_shopify_orders ORDER BY 1",
    );
    assert.deepEqual(
      staged.map((row) => [
        Number(row.order_id),
        row.utm_source,
        row.utm_medium,
        row.utm_campaign,
        row.channel,
      ]),
      [
        // Staging keeps the campaign as the URL writes it; the campaign mart decodes it (below).
        [9001, "facebook", "paid_social", "BF%20Prospecting", "meta"],
        [9002, "google", "cpc", null, "google_ads"],
        [9003, null, null, null, "direct_or_organic"],
        [9004, "google", "cpc", "No%C3%ABl%20%26%20%C3%89t%C3%A9", "google_ads"],
      ],
    );
  });

  it("attributes the orders to their campaigns by the names the platforms report", async () => {
    const attributed = await warehouse.query<{
      platform: string;
      campaign_name: string | null;
      orders: number;
    }>(
      `SELECT platform, campaign_name, attributed_orders AS orders
       FROM marts.campaign_performance_daily
       WHERE attributed_orders IS NOT NULL
       ORDER BY platform, campaign_name`,
    );
    assert.deepEqual(
      attributed.map((row) => [row.platform, row.campaign_name, Number(row.orders)]),
      [
        ["facebook_ads", "BF Prospecting", 1],
        // #3002 names no campaign (NULL sorts first).
        ["google_ads", null, 1],
        ["google_ads", "Noël & Été", 1],
      ],
    );
  });
});
