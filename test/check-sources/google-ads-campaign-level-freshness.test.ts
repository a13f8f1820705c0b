// A Google Ads account whose spend is only at campaign level (Smart campaigns: Google reports their metrics on the
// campaign alone) lands its days in raw.google_ads_campaign_totals and no row in the ad-group table. check-sources
// judged Google Ads by the ad-group table alone, so such a shop was told every morning that its Google Ads had no
// data at all while its spend was in the marts. A day of any of the source's tables is now the account's day: run
// here through the whole step on DuckDB, from hand-made raw rows, the expected days and counts written by hand.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FolderBucket } from "../../functions/adapters/bucket/folder-bucket.ts";
import { runCheckSources } from "../../functions/check-sources/step.ts";
import { sourcesStatusPath } from "../../functions/lib/bucket-layout.ts";
import { addDays } from "../../functions/lib/calendar.ts";
import { silentLogger } from "../../functions/lib/logger.ts";
import type { SourceStatus } from "../../functions/lib/reporting/report-data.ts";
import { loadConfig } from "../../functions/shared/config.ts";
import type { Finding } from "../../functions/shared/findings.ts";
import { Ledger } from "../../functions/shared/ledger.ts";
import { parseRunMessage } from "../../functions/shared/run-message.ts";
import type { StepContext } from "../../functions/shared/step.ts";
import { insertRaw, openFixtureWarehouse } from "../support/sql-fixtures.ts";

const RUN_DATE = "2026-11-21";
// The scheduled run of the shop's yesterday (New York), a morning later: loads of 05:00 UTC are 6 hours old.
const NOW = new Date("2026-11-22T11:00:00Z");

/** One campaign's day, extracted at 05:00 UTC the morning after it, as the nightly sync lands it. */
function campaignDay(day: string, campaignId: number, costMicros: number) {
  return {
    segments_date: day,
    customer_id: 1234567890,
    customer_currency_code: "USD",
    campaign_id: campaignId,
    campaign_name: `Smart ${campaignId}`,
    campaign_advertising_channel_type: "SMART",
    metrics_cost_micros: costMicros,
    metrics_impressions: 100,
    metrics_clicks: 5,
    metrics_conversions: 1,
    metrics_conversions_value: 50,
    _airbyte_raw_id: `${day}-${campaignId}`,
    _airbyte_extracted_at: `${addDays(day, 1)}T05:00:00Z`,
  };
}

/** One ad group's day of a Search campaign, landed as campaignDay's. */
function adGroupDay(day: string) {
  return {
    ...campaignDay(day, 7, 2_000_000),
    campaign_name: "Search 7",
    campaign_advertising_channel_type: "SEARCH",
    ad_group_id: 70,
    ad_group_name: "Brand terms",
    _airbyte_raw_id: `${day}-7-70`,
  };
}

/** Every day from `first` to `last`, inclusive. */
function days(first: string, last: string): string[] {
  const all: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) all.push(day);
  return all;
}

/**
 * check-sources for RUN_DATE over the raw rows given (Google Ads the one source the shop uses, so nothing else
 * speaks): Google Ads' status as the deck and the email read it, and the findings about it.
 */
async function checkGoogleAds(raw: {
  campaignStats?: Record<string, unknown>[];
  campaignTotals?: Record<string, unknown>[];
}): Promise<{ status: SourceStatus | undefined; findings: Finding[]; landedToday: number | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), "pulse-google-freshness-"));
  const warehouse = await openFixtureWarehouse();
  try {
    if (raw.campaignStats?.length) await insertRaw(warehouse, "google_ads_campaign_stats", raw.campaignStats);
    if (raw.campaignTotals?.length)
      await insertRaw(warehouse, "google_ads_campaign_totals", raw.campaignTotals);
    const bucket = new FolderBucket(join(dir, "bucket"));
    const context = {
      step: "check-sources",
      message: parseRunMessage({ runDate: RUN_DATE, runId: `run-${RUN_DATE}`, trigger: "manual" }),
      config: loadConfig({
        env: {
          PULSE_SETTINGS: JSON.stringify({
            version: 1,
            shop: { timezone: "America/New_York" },
            quality: {
              sources: {
                shopify: { expected: false },
                facebook_ads: { expected: false },
                tiktok_ads: { expected: false },
              },
            },
          }),
        },
        cwd: dir,
      }),
      ports: { warehouse, bucket, secrets: { get: async () => undefined }, clock: { now: () => NOW } },
      ledger: new Ledger(bucket),
      log: silentLogger(),
    } as unknown as StepContext;
    const result = await runCheckSources(context);
    const statuses = JSON.parse(
      (await bucket.read(sourcesStatusPath(RUN_DATE)))?.toString() ?? "[]",
    ) as SourceStatus[];
    return {
      status: statuses.find((status) => status.source === "google_ads"),
      findings: (result.findings ?? []).filter(
        (finding) => finding.source === "google_ads" || String(finding.table ?? "").startsWith("google_ads"),
      ),
      landedToday: result.metrics?.["rowsLanded.google_ads"],
    };
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe(
  "check-sources on a Google Ads account with spend only at campaign level",
  { timeout: 60_000 },
  () => {
    it("a Smart-only account landed through yesterday is fresh, with no empty ad-group table to report", async () => {
      const totals = days(addDays(RUN_DATE, -41), RUN_DATE).flatMap((day) => [
        campaignDay(day, 1, 12_500_000),
        campaignDay(day, 2, 3_000_000),
      ]);
      const { status, findings, landedToday } = await checkGoogleAds({ campaignTotals: totals });
      assert.deepEqual(
        status && { lastEventDate: status.lastEventDate, lagDays: status.lagDays, status: status.status },
        { lastEventDate: RUN_DATE, lagDays: 0, status: "ok" },
      );
      assert.equal(status?.lastLoadedAt?.slice(0, 19), "2026-11-22T05:00:00");
      assert.deepEqual(
        findings.map((finding) => `${finding.check}: ${finding.message}`),
        [],
      );
      // Two campaigns' days landed for the run date, both in campaign totals.
      assert.equal(landedToday, 2);
    });

    it("a Smart-only account whose campaign totals stopped 5 days ago is stale, naming its last day", async () => {
      const lastDay = addDays(RUN_DATE, -5);
      const totals = days(addDays(RUN_DATE, -41), lastDay).map((day) => campaignDay(day, 1, 12_500_000));
      const { status, findings } = await checkGoogleAds({ campaignTotals: totals });
      assert.deepEqual(
        status && { lastEventDate: status.lastEventDate, lagDays: status.lagDays, status: status.status },
        { lastEventDate: "2026-11-16", lagDays: 5, status: "critical" },
      );
      assert.deepEqual(
        findings.map((finding) => `${finding.check} ${finding.severity}: ${finding.message}`),
        [
          "source_freshness critical: Google Ads data is 5 days old (last day 2026-11-16). ROAS for Google is not meaningful until it syncs again.",
        ],
      );
    });

    it("a campaign-totals day stopped long before the volume history began is still found, from all history", async () => {
      const totals = days("2026-07-01", "2026-08-10").map((day) => campaignDay(day, 1, 12_500_000));
      const { status } = await checkGoogleAds({ campaignTotals: totals });
      assert.equal(status?.lastEventDate, "2026-08-10");
      assert.equal(status?.lastLoadedAt?.slice(0, 19), "2026-08-11T05:00:00");
      assert.equal(status?.status, "critical");
    });

    it("an account with both tables has a day when either has it", async () => {
      // Ad groups stopped 10 days ago (the Search campaign paused); the Smart campaign's totals go on to yesterday.
      const groupsStopped = await checkGoogleAds({
        campaignStats: days(addDays(RUN_DATE, -41), addDays(RUN_DATE, -10)).map(adGroupDay),
        campaignTotals: days(addDays(RUN_DATE, -41), RUN_DATE).map((day) => campaignDay(day, 1, 12_500_000)),
      });
      assert.equal(groupsStopped.status?.lastEventDate, RUN_DATE);
      assert.equal(groupsStopped.status?.status, "ok");
      assert.deepEqual(groupsStopped.findings, []);
      // The other way round: totals stopped 3 days ago (a third stream switched off), ad groups go on.
      const totalsStopped = await checkGoogleAds({
        campaignStats: days(addDays(RUN_DATE, -41), RUN_DATE).map(adGroupDay),
        campaignTotals: days(addDays(RUN_DATE, -41), addDays(RUN_DATE, -3)).map((day) =>
          campaignDay(day, 1, 12_500_000),
        ),
      });
      assert.equal(totalsStopped.status?.lastEventDate, RUN_DATE);
      assert.equal(totalsStopped.status?.status, "ok");
      // Both through yesterday: the run date's rows landed are the ad group's and the campaign's, together.
      const bothFresh = await checkGoogleAds({
        campaignStats: days(addDays(RUN_DATE, -41), RUN_DATE).map(adGroupDay),
        campaignTotals: days(addDays(RUN_DATE, -41), RUN_DATE).map((day) => campaignDay(day, 1, 12_500_000)),
      });
      assert.equal(bothFresh.status?.status, "ok");
      assert.equal(bothFresh.landedToday, 2);
      // Neither table has the run date's rows when both stop: the newer of their last days is the account's.
      const bothStopped = await checkGoogleAds({
        campaignStats: days(addDays(RUN_DATE, -41), addDays(RUN_DATE, -6)).map(adGroupDay),
        campaignTotals: days(addDays(RUN_DATE, -41), addDays(RUN_DATE, -4)).map((day) =>
          campaignDay(day, 1, 12_500_000),
        ),
      });
      assert.deepEqual(
        bothStopped.status && {
          lastEventDate: bothStopped.status.lastEventDate,
          lagDays: bothStopped.status.lagDays,
        },
        { lastEventDate: "2026-11-17", lagDays: 4 },
      );
    });

    it("an account with no row in any of its tables has no data at all, every table named", async () => {
      const { status, findings } = await checkGoogleAds({});
      assert.equal(status?.status, "critical");
      assert.equal(status?.lastEventDate, null);
      assert.deepEqual(
        findings.map((finding) => `${finding.check}: ${finding.message}`),
        [
          "inventory_empty_table: Raw table google_ads_campaign_stats is empty.",
          "source_freshness: Google Ads has no data at all: tables google_ads_campaign_stats, google_ads_asset_group_stats and google_ads_campaign_totals are empty.",
        ],
      );
    });
  },
);
