// docs/connectors.md, "Airbyte instead": the raw tables are those Airbyte's BigQuery destination (v2) writes into
// the raw dataset from these streams with these prefixes, and Google Ads' are three custom queries, campaign_stats,
// asset_group_stats (Performance Max) and campaign_totals (each campaign's own day: Smart campaigns report only
// there), the GAQL in functions/lib/platform-apis/google-ads.ts. The streams and prefixes are written out here from
// Airbyte's connectors (source-shopify, source-facebook-marketing, source-tiktok-marketing, source-google-ads);
// Airbyte's BigQuery destination names a table <prefix><stream> and a column after its field, every character
// other than a letter, a digit or _ becoming _ (a custom query's `campaign.id` lands as campaign_id).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  adGroupDaysQuery,
  assetGroupDaysQuery,
  campaignDaysQuery,
} from "../../functions/lib/platform-apis/google-ads.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";

const STREAMS = [
  { source: "shopify", prefix: "shopify_", streams: ["orders", "customers", "products"] },
  { source: "facebook_ads", prefix: "facebook_", streams: ["ads_insights"] },
  { source: "tiktok_ads", prefix: "tiktok_", streams: ["ads_reports_daily"] },
  {
    source: "google_ads",
    prefix: "google_ads_",
    streams: ["campaign_stats", "asset_group_stats", "campaign_totals"],
  },
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
    // The exchange rates are no Airbyte stream: the ingest step lands them (the ECB's API or a dropped file).
    const platformTables = RAW_TABLES.filter((table) => table.source !== "exchange_rates");
    assert.deepEqual(platformTables.map((table) => `${table.source}:${table.name}`).sort(), expected.sort());
    for (const table of RAW_TABLES) {
      const names = table.columns.map((column) => column.name);
      assert.deepEqual(
        names.filter((name) => name.startsWith("_airbyte_")),
        AIRBYTE_COLUMNS,
        table.name,
      );
    }
  });

  for (const { stream, query, resource } of [
    { stream: "campaign_stats", query: adGroupDaysQuery, resource: "ad_group" },
    { stream: "asset_group_stats", query: assetGroupDaysQuery, resource: "asset_group" },
    { stream: "campaign_totals", query: campaignDaysQuery, resource: "campaign" },
  ])
    it(`Google Ads' ${stream}: the connector's GAQL FROM ${resource}, its fields named as Airbyte names them, are the table's columns`, () => {
      const gaql = query("2026-11-01", "2026-11-21");
      assert.match(gaql, new RegExp(`\\bFROM ${resource}\\b`), `one row per ${resource} and day`);
      const fields = selected(gaql);
      assert.ok(fields.includes("segments.date"), "segmented by day");
      const table = RAW_TABLES.find((candidate) => candidate.name === `google_ads_${stream}`);
      assert.deepEqual(
        fields.map(airbyteColumnName),
        table?.columns.map((column) => column.name).filter((name) => !name.startsWith("_airbyte_")),
      );
    });

  it("docs/airbyte.md gives the same three custom queries, without the connector's date range", () => {
    const docs = readFileSync(new URL("../../docs/airbyte.md", import.meta.url), "utf8");
    const words = (text: string) => text.replace(/\s+/g, " ").trim();
    for (const [stream, query] of [
      ["campaign_stats", adGroupDaysQuery],
      ["asset_group_stats", assetGroupDaysQuery],
      ["campaign_totals", campaignDaysQuery],
    ] as const) {
      const documented = new RegExp(
        `custom query \`${stream}\`[^\\n]*(?:\\n[^\\n]+)*\\n\\n\`\`\`sql\\n([\\s\\S]*?)\\n\`\`\``,
      ).exec(docs)?.[1];
      assert.ok(documented, `the custom query ${stream} in docs/airbyte.md`);
      const connector = query("2026-11-01", "2026-11-21");
      assert.equal(words(documented), words(connector.slice(0, connector.indexOf(" WHERE "))), stream);
    }
  });
});
