// README, Connectors, "Airbyte instead": the raw tables are those Airbyte's BigQuery destination (v2) writes into
// the raw dataset from these streams with these prefixes, and Google Ads' is a custom query named campaign_stats,
// the GAQL in functions/lib/platform-apis/google-ads.ts. The streams and prefixes are written out here from
// Airbyte's connectors (source-shopify, source-facebook-marketing, source-tiktok-marketing, source-google-ads);
// Airbyte's BigQuery destination names a table <prefix><stream> and a column after its field, every character
// other than a letter, a digit or _ becoming _ (a custom query's `campaign.id` lands as campaign_id).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { adGroupDaysQuery } from "../../functions/lib/platform-apis/google-ads.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";

const STREAMS = [
  { source: "shopify", prefix: "shopify_", streams: ["orders", "customers", "products"] },
  { source: "facebook_ads", prefix: "facebook_", streams: ["ads_insights"] },
  { source: "tiktok_ads", prefix: "tiktok_", streams: ["ads_reports_daily"] },
  { source: "google_ads", prefix: "google_ads_", streams: ["campaign_stats"] },
];
/** The columns destination-bigquery v2 adds to every final (typed) table. */
const AIRBYTE_COLUMNS = [
  "_airbyte_raw_id",
  "_airbyte_extracted_at",
  "_airbyte_meta",
  "_airbyte_generation_id",
];

const airbyteColumnName = (field: string) => field.replace(/[^A-Za-z0-9_]/g, "_");
const selected = (gaql: string) =>
  (/^\s*SELECT\s+([\s\S]+?)\s+FROM\s/i.exec(gaql)?.[1] ?? "").split(",").map((field) => field.trim());

describe("the raw tables as Airbyte writes them", () => {
  it("are the streams' tables, <prefix><stream>, each with the destination's _airbyte_ columns", () => {
    const expected = STREAMS.flatMap(({ source, prefix, streams }) =>
      streams.map((stream) => `${source}:${prefix}${stream}`),
    );
    assert.deepEqual(RAW_TABLES.map((table) => `${table.source}:${table.name}`).sort(), expected.sort());
    for (const table of RAW_TABLES) {
      const names = table.columns.map((column) => column.name);
      assert.deepEqual(
        names.filter((name) => name.startsWith("_airbyte_")),
        AIRBYTE_COLUMNS,
        table.name,
      );
    }
  });

  it("Google Ads' campaign_stats: the connector's GAQL, its fields named as Airbyte names them, are the table's columns", () => {
    const gaql = adGroupDaysQuery("2026-11-01", "2026-11-21");
    assert.match(gaql, /\bFROM ad_group\b/, "one row per ad group and day");
    const fields = selected(gaql);
    assert.ok(fields.includes("segments.date"), "segmented by day");
    const table = RAW_TABLES.find((candidate) => candidate.name === "google_ads_campaign_stats");
    assert.deepEqual(
      fields.map(airbyteColumnName),
      table?.columns.map((column) => column.name).filter((name) => !name.startsWith("_airbyte_")),
    );
  });

  it("docs/airbyte.md gives the same custom query, without the connector's date range", () => {
    const docs = readFileSync(new URL("../../docs/airbyte.md", import.meta.url), "utf8");
    const query = /The Google Ads custom query[^\n]*\n\n```sql\n([\s\S]*?)\n```/.exec(docs)?.[1];
    assert.ok(query, "the custom query in docs/airbyte.md");
    const words = (text: string) => text.replace(/\s+/g, " ").trim();
    const connector = adGroupDaysQuery("2026-11-01", "2026-11-21");
    assert.equal(words(query), words(connector.slice(0, connector.indexOf(" WHERE "))));
  });
});
