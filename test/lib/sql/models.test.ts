import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import {
  buildOrder,
  downstreamOf,
  LAYERS,
  MODELS,
  modelReferences,
  parseModel,
} from "../../../functions/lib/sql/models.ts";
import { sqlPath } from "../../../functions/lib/sql/sql-files.ts";

const HEADER = `-- grain: one row per day and channel
-- key: date, channel?
-- not null: spend
-- partition: date (day)
-- cluster: channel
-- materialization: partitions
--
-- Free text: unified.not_a_reference is a comment.
SELECT * FROM unified.marketing_unified JOIN staging.channels USING (channel)`;

describe("model headers", () => {
  it("parse into the model definition", () => {
    assert.deepEqual(parseModel("marts", "example", HEADER), {
      name: "example",
      layer: "marts",
      grain: "one row per day and channel",
      key: [
        { name: "date", nullable: false },
        { name: "channel", nullable: true },
      ],
      notNull: ["date", "spend"],
      materialization: "partitions",
      partitionColumn: "date",
      partitionGrain: "day",
      clusterBy: ["channel"],
      dependencies: ["staging.channels", "unified.marketing_unified"],
    });
  });

  it("give a merged model its unique key, and leave out what is none", () => {
    const model = parseModel(
      "staging",
      "customers",
      "-- grain: one row per customer\n-- key: customer_id\n-- partition: none\n-- cluster: none\n-- materialization: merge\nSELECT 1 AS customer_id",
    );
    assert.equal(model.uniqueKey, "customer_id");
    assert.equal(model.partitionColumn, undefined);
    assert.equal(model.clusterBy, undefined);
  });

  it("refuse an incomplete or inconsistent header, naming the file", () => {
    assert.throws(
      () => parseModel("marts", "x", "-- grain: one row per day\nSELECT 1"),
      /sql\/marts\/x\.sql.*missing: key/,
    );
    assert.throws(
      () => parseModel("marts", "x", HEADER.replace("materialization: partitions", "materialization: full")),
      /materialized by partitions exactly when it declares a partition/,
    );
    assert.throws(() => parseModel("marts", "x", HEADER.replace("date (day)", "date")), /\(day\|month\)/);
    assert.throws(
      () => parseModel("marts", "x", HEADER.replace("-- cluster", "-- clusters")),
      /unknown header field/,
    );
  });

  it("name the model whose row order a partitioned model keeps, which must be one it reads", () => {
    const ordered = HEADER.replace(
      "-- materialization: partitions",
      "-- materialization: partitions\n-- row order: unified.marketing_unified",
    );
    assert.equal(parseModel("marts", "x", ordered).rowOrderFrom, "unified.marketing_unified");
    assert.equal(parseModel("marts", "x", HEADER).rowOrderFrom, undefined);
    assert.throws(
      () =>
        parseModel(
          "marts",
          "x",
          ordered.replace("row order: unified.marketing_unified", "row order: marts.daily_kpis"),
        ),
      /sql\/marts\/x\.sql: "row order: marts\.daily_kpis" must name a model or raw table this partitioned model reads/,
    );
    // A raw table it reads (its landing order), not one it names only in a comment.
    const landed = `${ordered.replace("row order: unified.marketing_unified", "row order: raw.shopify_orders")}\nJOIN raw.shopify_orders USING (id)`;
    assert.equal(parseModel("marts", "x", landed).rowOrderFrom, "raw.shopify_orders");
    assert.throws(
      () =>
        parseModel(
          "marts",
          "x",
          landed.replace("JOIN raw.shopify_orders", "-- raw.shopify_orders\nJOIN raw.other"),
        ),
      /"row order: raw\.shopify_orders" must name a model or raw table this partitioned model reads/,
    );
    const undated =
      "-- grain: g\n-- key: k\n-- partition: none\n-- cluster: none\n-- materialization: full\n-- row order: staging.a\nSELECT * FROM staging.a";
    assert.throws(
      () => parseModel("marts", "x", undated),
      /must name a model or raw table this partitioned model reads/,
    );
  });

  it("find the models a query reads, outside comments", () => {
    assert.deepEqual(modelReferences("-- marts.x\nSELECT 1 FROM marts.daily_kpis, raw.shopify_orders"), [
      "marts.daily_kpis",
    ]);
  });
});

describe("build order", () => {
  const model = (layer: "staging" | "marts", name: string, dependencies: string[]) => ({
    ...parseModel(
      layer,
      name,
      "-- grain: g\n-- key: k\n-- partition: none\n-- cluster: none\n-- materialization: full",
    ),
    dependencies,
  });

  it("runs the layers in order and every model after what it reads", () => {
    const order = buildOrder([
      model("marts", "a", ["marts.b"]),
      model("marts", "b", ["staging.c"]),
      model("staging", "c", []),
    ]);
    assert.deepEqual(
      order.map((item) => item.name),
      ["c", "b", "a"],
    );
  });

  it("finds every model downstream of a change, through the models between, and only those", () => {
    const models = [
      model("marts", "a", ["marts.b"]),
      model("marts", "b", ["staging.c"]),
      model("staging", "c", []),
      model("marts", "d", ["staging.e"]),
      model("staging", "e", []),
    ];
    assert.deepEqual([...downstreamOf(["staging.c"], models)].sort(), ["marts.a", "marts.b", "staging.c"]);
    assert.deepEqual([...downstreamOf(["marts.b"], models)].sort(), ["marts.a", "marts.b"]);
    assert.deepEqual([...downstreamOf([], models)], []);
  });

  it("refuses a cycle, an unknown model and a read of a later layer", () => {
    assert.throws(
      () => buildOrder([model("marts", "a", ["marts.b"]), model("marts", "b", ["marts.a"])]),
      /cycle/,
    );
    assert.throws(() => buildOrder([model("marts", "a", ["marts.nope"])]), /not a model/);
    assert.throws(
      () => buildOrder([model("staging", "a", ["marts.b"]), model("marts", "b", [])]),
      /later layer/,
    );
  });

  it("refuses a row order taken from a model partitioned on another column", () => {
    const partitioned = (layer: "staging" | "marts", name: string, column: string, rowOrder?: string) =>
      parseModel(
        layer,
        name,
        `-- grain: g\n-- key: k\n-- partition: ${column} (day)\n-- cluster: none\n-- materialization: partitions\n${rowOrder ? `-- row order: ${rowOrder}\n` : ""}--\nSELECT * FROM ${rowOrder ?? "raw.x"}`,
      );
    const staged = partitioned("staging", "orders", "order_date");
    assert.deepEqual(
      buildOrder([partitioned("marts", "a", "order_date", "staging.orders"), staged]).map(
        (item) => item.name,
      ),
      ["orders", "a"],
    );
    assert.throws(
      () => buildOrder([partitioned("marts", "a", "date", "staging.orders"), staged]),
      /marts\.a keeps the row order of staging\.orders, which is not partitioned on date/,
    );
  });
});

describe("the models in sql/", () => {
  it("are every .sql file of the model folders, each with a complete header", () => {
    const files = LAYERS.flatMap((layer) =>
      readdirSync(sqlPath(layer))
        .filter((file) => file.endsWith(".sql"))
        .map((file) => `${layer}.${file.replace(/\.sql$/, "")}`),
    ).sort();
    assert.deepEqual(MODELS.map((item) => `${item.layer}.${item.name}`).sort(), files);
  });

  it("are what the build needs, with each model after every model it reads", () => {
    assert.deepEqual(
      MODELS.map((item) => `${item.layer}.${item.name}`),
      [
        "staging.channels",
        "staging.stg_facebook_ads_insights",
        "staging.stg_fx_rates",
        "staging.stg_google_ads_campaign_stats",
        "staging.stg_shopify_customers",
        "staging.stg_shopify_orders",
        "staging.stg_shopify_products",
        "staging.stg_shopify_line_items",
        "staging.stg_shopify_refunds",
        "staging.stg_tiktok_ads_reports_daily",
        "unified.ad_performance",
        "unified.shopify_unified",
        "unified.customer_cohort_activity",
        "unified.marketing_unified",
        "unified.shop_order_days",
        "unified.source_coverage",
        "marts.geographic_sales",
        "marts.ltv_cohorts",
        "marts.marketing_daily_channel",
        "marts.campaign_performance_daily",
        "marts.marketing_monthly_performance",
        "marts.channel_mix",
        "marts.marketing_unified_with_explanations",
        "marts.product_daily_sales",
        "marts.product_performance",
        "marts.premium_products",
        "marts.shopify_daily_metrics",
        "marts.daily_kpis",
        "marts.executive_summary_monthly",
      ],
    );
    const built = new Set<string>();
    for (const item of MODELS) {
      for (const dependency of item.dependencies)
        assert.ok(built.has(dependency), `${item.name} reads ${dependency}`);
      built.add(`${item.layer}.${item.name}`);
    }
  });
});
