// A Google Ads report dropped as a file lands in raw.google_ads_campaign_stats whatever its level, never in
// campaign totals: a campaign report carries each campaign's whole day, a Smart campaign's (which Google reports at
// campaign level only) included, one row per campaign; an ad-group report has no row of such a campaign, and as
// an export of the same kind it replaces, for the days it covers, what the campaign report landed. README, File
// drops, says so; the sums here are the reports' own figures, added by hand.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import type { DuckDbWarehouse } from "../../functions/adapters/warehouse/duckdb/warehouse.ts";
import { BUILTIN_FORMATS } from "../../functions/ingest/builtin-formats.ts";
import { ingestDrop } from "../../functions/ingest/file-drop.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import { openFixtureWarehouse } from "../support/sql-fixtures.ts";

const CAMPAIGN_REPORT = [
  "Campaign report",
  '"November 20, 2026 - November 20, 2026"',
  "Day,Campaign,Campaign type,Currency code,Cost,Impr.,Clicks",
  "2026-11-20,Brand search,Search,USD,20.00,100,10",
  "2026-11-20,Local smart,Smart,USD,12.50,80,4",
  'Total: Account,,,,"32.50",180,14',
  "",
].join("\n");

const AD_GROUP_REPORT = [
  "Ad group report",
  '"November 20, 2026 - November 20, 2026"',
  "Day,Campaign,Ad group,Currency code,Cost,Impr.,Clicks",
  "2026-11-20,Brand search,Brand terms,USD,20.00,100,10",
  'Total: Account,,,,"20.00",100,10',
  "",
].join("\n");

async function drop(warehouse: DuckDbWarehouse, bucketDir: string, name: string, text: string, at: string) {
  const bucket = new FolderBucket(bucketDir);
  await bucket.write(`${INBOX_PREFIX}${name}`, text);
  const { manifest } = await ingestDrop(
    { warehouse, bucket, clock: { now: () => new Date(at) }, log: silentLogger() },
    {
      runDate: "2026-11-20",
      shopTimezone: "America/New_York",
      shopCurrency: "USD",
      formats: BUILTIN_FORMATS,
      chunkSize: 500,
      latestEventDate: "2026-11-21",
    },
    `${INBOX_PREFIX}${name}`,
  );
  assert.equal(manifest.status, "loaded", manifest.error ?? "");
}

async function landed(warehouse: DuckDbWarehouse) {
  const stats = await warehouse.query(
    `SELECT campaign_name, ad_group_name, CAST(metrics_cost_micros AS INT64) AS micros
     FROM raw.google_ads_campaign_stats ORDER BY campaign_name`,
  );
  const [totals] = await warehouse.query("SELECT COUNT(*) AS n FROM raw.google_ads_campaign_totals");
  return {
    stats: stats.map((row) => [row.campaign_name, row.ad_group_name, Number(row.micros)]),
    totals: Number(totals?.n),
  };
}

describe("Google Ads reports dropped as files, by level", () => {
  it("a campaign report lands a Smart campaign's day; an ad-group report of the same day then replaces it without it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulse-google-levels-"));
    const warehouse = await openFixtureWarehouse();
    try {
      await drop(warehouse, dir, "campaigns.csv", CAMPAIGN_REPORT, "2026-11-21T08:00:00Z");
      assert.deepEqual(await landed(warehouse), {
        stats: [
          ["Brand search", null, 20_000_000],
          ["Local smart", null, 12_500_000],
        ],
        totals: 0,
      });
      await drop(warehouse, dir, "ad-groups.csv", AD_GROUP_REPORT, "2026-11-21T09:00:00Z");
      assert.deepEqual(await landed(warehouse), {
        stats: [["Brand search", "Brand terms", 20_000_000]],
        totals: 0,
      });
    } finally {
      await warehouse.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
