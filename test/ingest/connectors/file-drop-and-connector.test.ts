// A shop whose ad account lands both ways: the platform's API pulls it (the ingest connector, or Airbyte), and the
// shop owner also drops the platform's UI export of some of its days in the inbox. An export names campaigns, ad
// sets and ads, not their ids, so its rows carry ids derived from the names, never the API's: the same ad-day lands
// twice under two keys. Each day's spend must count once, the newest landing's: the export's when it was dropped
// after the pull, a corrected export's when dropped again, the API's again once it lands the days after that; an
// export naming no account stands for every account of its days; and the run a drop starts pulls after reading it.
// Expected numbers are the fixture rows' (what the platform's API answers) and the exports' own cells, summed
// here, never the pipeline's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runReconciliation } from "../../../functions/check-sources/reconciliation.ts";
import { runCheckSources } from "../../../functions/check-sources/step.ts";
import { BUILTIN_FORMATS } from "../../../functions/ingest/builtin-formats.ts";
import { ingestDrop } from "../../../functions/ingest/file-drop.ts";
import { runIngest } from "../../../functions/ingest/step.ts";
import { INBOX_PREFIX } from "../../../functions/lib/bucket-layout.ts";
import { addDays } from "../../../functions/lib/calendar.ts";
import { silentLogger } from "../../../functions/lib/logger.ts";
import type { PlatformData } from "../../../tools/demo-apis/server.ts";
import { buildModels, insertRaw } from "../../support/sql-fixtures.ts";
import { buildPlatformData, GOOGLE_CUSTOMER, META_ACCOUNTS, RUN_DATE, TIMEZONE } from "./fixtures.ts";
import { type Bench, openBench } from "./harness.ts";

const DAYS = 20;
/** The days the exports hold: two of the days the connector pulls. */
const DROP_DAYS = [addDays(RUN_DATE, -3), addDays(RUN_DATE, -2)];
const NONE = { enabled: false };
const ALL_DAYS = { lookbackDays: 30 };

type Platform = "facebook_ads" | "tiktok_ads" | "google_ads";

/** One line of an export, before it is written in the platform's layout: an ad's (or ad group's) day. */
interface ExportLine {
  account: string;
  day: string;
  campaign: string;
  adGroup: string;
  ad: string;
  cents: number;
  impressions: number;
  clicks: number;
}

const csvCell = (value: string | number) => (/[",]/.test(String(value)) ? `"${value}"` : String(value));
const csv = (header: string[], rows: (string | number)[][]) =>
  `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
const dollars = (cents: number) => (cents / 100).toFixed(2);

interface Case {
  platform: Platform;
  /** The fixture's rows of the platform, as export lines (the API's numbers). */
  lines(data: PlatformData): ExportLine[];
  /** The lines in the platform's UI export layout, naming the account, without campaign, ad set or ad ids. */
  write(lines: ExportLine[], withAccount: boolean): string;
}

const CASES: Case[] = [
  {
    platform: "facebook_ads",
    lines: (data) =>
      data.metaInsights.map((row) => ({
        account: row.account_id,
        day: row.date_start,
        campaign: row.campaign_name ?? "",
        adGroup: row.adset_name ?? "",
        ad: row.ad_name ?? "",
        cents: Math.round(Number(row.spend) * 100),
        impressions: Number(row.impressions),
        clicks: Number(row.clicks),
      })),
    write: (lines, withAccount) =>
      csv(
        [
          "Reporting starts",
          "Reporting ends",
          ...(withAccount ? ["Account ID"] : []),
          "Campaign name",
          "Ad set name",
          "Ad name",
          "Day",
          "Amount spent (USD)",
          "Impressions",
          "Link clicks",
        ],
        lines.map((line) => [
          line.day,
          line.day,
          ...(withAccount ? [line.account] : []),
          line.campaign,
          line.adGroup,
          line.ad,
          line.day,
          dollars(line.cents),
          line.impressions,
          line.clicks,
        ]),
      ),
  },
  {
    platform: "tiktok_ads",
    lines: (data) =>
      data.tiktokRows.map((row) => ({
        account: row.advertiserId,
        day: row.dimensions.stat_time_day.slice(0, 10),
        campaign: row.metrics.campaign_name ?? "",
        adGroup: row.metrics.adgroup_name ?? "",
        ad: row.metrics.ad_name ?? "",
        cents: Math.round(Number(row.metrics.spend) * 100),
        impressions: Number(row.metrics.impressions),
        clicks: Number(row.metrics.clicks),
      })),
    write: (lines, withAccount) =>
      csv(
        [
          ...(withAccount ? ["Advertiser ID"] : []),
          "Campaign name",
          "Ad group name",
          "Ad name",
          "By Day",
          "Currency",
          "Cost",
          "Impressions",
          "Clicks (destination)",
        ],
        lines.map((line) => [
          ...(withAccount ? [line.account] : []),
          line.campaign,
          line.adGroup,
          line.ad,
          line.day,
          "USD",
          dollars(line.cents),
          line.impressions,
          line.clicks,
        ]),
      ),
  },
  {
    platform: "google_ads",
    lines: (data) =>
      data.googleRows.map((row) => ({
        account: row.customer?.id ?? "",
        day: row.segments?.date ?? "",
        campaign: row.campaign?.name ?? "",
        adGroup: row.adGroup?.name ?? "",
        ad: "",
        cents: Math.round(Number(row.metrics?.costMicros) / 10_000),
        impressions: Number(row.metrics?.impressions),
        clicks: Number(row.metrics?.clicks),
      })),
    // A campaign report (Google's default level), a campaign's ad groups summed into its day, with the
    // customer id as the UI writes it (123-456-7890).
    write: (lines, withAccount) => {
      const days = new Map<string, ExportLine>();
      for (const line of lines) {
        const key = `${line.account}|${line.campaign}|${line.day}`;
        const day = days.get(key);
        if (day) {
          day.cents += line.cents;
          day.impressions += line.impressions;
          day.clicks += line.clicks;
        } else days.set(key, { ...line });
      }
      const customer = (id: string) => `${id.slice(0, 3)}-${id.slice(3, 6)}-${id.slice(6)}`;
      return `Campaign report\r\n${csv(
        [
          ...(withAccount ? ["Customer ID"] : []),
          "Campaign",
          "Day",
          "Currency code",
          "Cost",
          "Impr.",
          "Clicks",
        ],
        [...days.values()].map((line) => [
          ...(withAccount ? [customer(line.account)] : []),
          line.campaign,
          line.day,
          "USD",
          dollars(line.cents),
          line.impressions,
          line.clicks,
        ]),
      )}`;
    },
  },
];

/** Drops an export in the bench's inbox and ingests it as the ingest step would, landed at `at`. */
async function drop(bench: Bench, name: string, body: string, at: string): Promise<void> {
  const path = `${INBOX_PREFIX}${name}`;
  await bench.bucket.write(path, body);
  const outcome = await ingestDrop(
    {
      warehouse: bench.warehouse,
      bucket: bench.bucket,
      clock: { now: () => new Date(at) },
      log: silentLogger(),
    },
    {
      runDate: RUN_DATE,
      shopTimezone: TIMEZONE,
      shopCurrency: "USD",
      formats: BUILTIN_FORMATS,
      chunkSize: 2_000,
      latestEventDate: addDays(RUN_DATE, 2),
    },
    path,
  );
  assert.equal(outcome.manifest.status, "loaded", `${name}: ${String(outcome.manifest.error)}`);
}

/** Cents per day of the lines (each day's spend once). */
function centsPerDay(lines: readonly ExportLine[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const line of lines) days.set(line.day, (days.get(line.day) ?? 0) + line.cents);
  return days;
}

const sorted = (map: Map<string, number>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

/**
 * The platform's spend per day in the shop's figures (unified.ad_performance), in cents, after a transform: a
 * full build when the models are not built yet, else the daily run's (its window and the days landed since).
 */
async function spendPerDay(bench: Bench, platform: Platform): Promise<Map<string, number>> {
  const built = await bench.rows("SELECT 1 FROM information_schema.tables WHERE table_schema = 'unified'");
  await buildModels(bench.warehouse, RUN_DATE, { fullRefresh: built.length === 0 });
  const rows = await bench.rows<{ day: string; spend: number }>(
    `SELECT strftime(date, '%Y-%m-%d') AS day, SUM(spend)::DOUBLE AS spend
     FROM unified.ad_performance WHERE platform = '${platform}' GROUP BY 1`,
  );
  return new Map(rows.map((row) => [row.day, Math.round(row.spend * 100)]));
}

/** The connector settings that pull the platform alone, over every day of the fixtures. */
const pullingOnly = (platform: Platform) => ({
  facebook_ads: NONE,
  tiktok_ads: NONE,
  google_ads: NONE,
  shopify: NONE,
  [platform]: ALL_DAYS,
});

/**
 * The connector pulls every day (landed 2026-11-21T23:30Z); the owner drops an export of two of them with the
 * same numbers the morning after, then a corrected one (a cent more per line), then the next run pulls again
 * (2026-11-22T23:30Z): each day's spend is the newest landing's, once. `withAccount`: whether the exports have
 * their account column.
 */
async function landBothWays(testCase: Case, withAccount: boolean): Promise<void> {
  const data = buildPlatformData(23, RUN_DATE, DAYS);
  const only = pullingOnly(testCase.platform);
  const bench = await openBench(data);
  try {
    const apiLines = testCase.lines(data);
    const truth = centsPerDay(apiLines);
    const onDropDays = apiLines.filter((line) => DROP_DAYS.includes(line.day));
    assert.ok(onDropDays.length > 0);
    const spend = async () => sorted(await spendPerDay(bench, testCase.platform));

    assert.deepEqual((await bench.pull(RUN_DATE, only)).findings, []);
    assert.deepEqual(await spend(), sorted(truth), "connector alone");
    await drop(bench, "export.csv", testCase.write(onDropDays, withAccount), "2026-11-22T12:00:00Z");
    assert.deepEqual(await spend(), sorted(truth), "the export of the same numbers dropped after the pull");
    if (withAccount) {
      // The reconciliation's warehouse side counts as staging does: the API's own totals, each account's, match.
      const reconciled = await runReconciliation(bench.context(RUN_DATE, only), bench.io);
      const entries = reconciled.entries.filter((entry) => entry.source === testCase.platform);
      assert.ok(entries.length > 0);
      assert.deepEqual(
        entries.map((entry) => [entry.account, entry.metric, entry.status]),
        entries.map((entry) => [entry.account, entry.metric, "MATCH"]),
        "the reconciliation after the export of the same numbers",
      );
    }

    const corrected = onDropDays.map((line) => ({ ...line, cents: line.cents + 1 }));
    await drop(bench, "export-corrected.csv", testCase.write(corrected, withAccount), "2026-11-22T13:00:00Z");
    const afterCorrection = new Map([...truth, ...centsPerDay(corrected)]);
    assert.deepEqual(await spend(), sorted(afterCorrection), "the corrected export, dropped last");

    assert.deepEqual((await bench.pull(addDays(RUN_DATE, 1), only)).findings, []);
    assert.deepEqual(await spend(), sorted(truth), "the connector's next pull");
  } finally {
    await bench.close();
  }
}

describe("an ad account landed by its connector and by dropped exports of the same days", () => {
  for (const testCase of CASES) {
    it(`${testCase.platform}: each day's spend counts once, the newest landing's, whichever way it landed`, () =>
      landBothWays(testCase, true));
    it(`${testCase.platform}: an export without the account column counts in place of the API's rows, when newer`, () =>
      landBothWays(testCase, false));
  }

  it("google_ads through Airbyte: a dropped report's days count in place of the three streams', newest first", async () => {
    // Airbyte's custom queries land the ad groups' days and each campaign's own day, which counts $5 a day beyond
    // its groups (what staging adds as the campaign's own row); the report, a campaign report, holds the campaign's
    // whole day. Airbyte's rows carry its own _airbyte_meta, no source.
    const google = CASES.find((testCase) => testCase.platform === "google_ads") as Case;
    const data = buildPlatformData(31, RUN_DATE, DAYS);
    const bench = await openBench(data);
    try {
      const beyondGroups = 500;
      const groupLines = google.lines(data);
      const campaignDays = new Map<string, ExportLine>();
      for (const line of groupLines) {
        const day = campaignDays.get(line.day) ?? { ...line, adGroup: "", cents: beyondGroups };
        day.cents += line.cents;
        campaignDays.set(line.day, day);
      }
      const sync = async (extractedAt: string) => {
        const airbyte = { _airbyte_extracted_at: extractedAt, _airbyte_meta: { changes: [], sync_id: 1 } };
        await insertRaw(
          bench.warehouse,
          "google_ads_campaign_stats",
          data.googleRows.map((row) => ({
            segments_date: row.segments?.date,
            customer_id: row.customer?.id,
            customer_currency_code: "USD",
            campaign_id: row.campaign?.id,
            campaign_name: row.campaign?.name,
            ad_group_id: row.adGroup?.id,
            ad_group_name: row.adGroup?.name,
            metrics_cost_micros: row.metrics?.costMicros,
            metrics_impressions: row.metrics?.impressions,
            metrics_clicks: row.metrics?.clicks,
            ...airbyte,
          })),
        );
        await insertRaw(
          bench.warehouse,
          "google_ads_campaign_totals",
          [...campaignDays.values()].map((day) => ({
            segments_date: day.day,
            customer_id: GOOGLE_CUSTOMER,
            customer_currency_code: "USD",
            campaign_id: data.googleRows[0]?.campaign?.id,
            campaign_name: day.campaign,
            metrics_cost_micros: day.cents * 10_000,
            ...airbyte,
          })),
        );
      };
      const truth = centsPerDay([...campaignDays.values()]);
      const onDropDays = [...campaignDays.values()].filter((day) => DROP_DAYS.includes(day.day));
      const spend = async () => sorted(await spendPerDay(bench, "google_ads"));

      await sync("2026-11-21T23:30:00Z");
      assert.deepEqual(await spend(), sorted(truth), "Airbyte alone");
      await drop(bench, "report.csv", google.write(onDropDays, true), "2026-11-22T12:00:00Z");
      assert.deepEqual(
        await spend(),
        sorted(truth),
        "the report of the same numbers, dropped after the sync",
      );
      const corrected = onDropDays.map((day) => ({ ...day, cents: day.cents + 1 }));
      await drop(bench, "report-corrected.csv", google.write(corrected, true), "2026-11-22T13:00:00Z");
      assert.deepEqual(
        await spend(),
        sorted(new Map([...truth, ...centsPerDay(corrected)])),
        "the corrected report",
      );
      await sync("2026-11-22T23:30:00Z");
      assert.deepEqual(await spend(), sorted(truth), "Airbyte's next sync");
      // check-sources says so: the corrected report (which replaced the first) gave way to Airbyte's rows.
      const findings = await overriddenFindings(bench, addDays(RUN_DATE, 1), "google_ads");
      assert.deepEqual(
        findings.map((finding) => finding.message.split(" are the API's")[0]),
        [
          `Google Ads export report-corrected.csv: its days ${DROP_DAYS[0]} – ${DROP_DAYS[1]} (account ${GOOGLE_CUSTOMER})`,
        ],
      );
    } finally {
      await bench.close();
    }
  });

  it("google_ads: the run a dropped report starts reads it, then pulls: the days the connector pulls again are the API's", async () => {
    // The connector has pulled every day; a report of an old day and of a recent one, a cent more per line than
    // the API, is dropped, and the ingest step runs (its clock ticking a second per reading): it lands the report,
    // then the connector pulls its 7 lookback days again. The recent day is the API's, the old day the report's.
    const google = CASES.find((testCase) => testCase.platform === "google_ads") as Case;
    const data = buildPlatformData(37, RUN_DATE, DAYS);
    const bench = await openBench(data);
    try {
      const apiLines = google.lines(data);
      const [old, recent] = [addDays(RUN_DATE, -12), addDays(RUN_DATE, -2)];
      const reported = apiLines
        .filter((line) => line.day === old || line.day === recent)
        .map((line) => ({ ...line, cents: line.cents + 1 }));
      assert.deepEqual((await bench.pull(RUN_DATE, pullingOnly("google_ads"))).findings, []);
      await bench.bucket.write(`${INBOX_PREFIX}report.csv`, google.write(reported, true));

      const nextDay = addDays(RUN_DATE, 1);
      const context = bench.context(nextDay, {
        ...pullingOnly("google_ads"),
        google_ads: { lookbackDays: 7 },
      });
      let tick = 0;
      const clock = { now: () => new Date(Date.parse(`${nextDay}T12:00:00Z`) + 1_000 * tick++) };
      const result = await runIngest({ ...context, ports: { ...context.ports, clock } }, bench.io);
      assert.equal(result.metrics?.filesLoaded, 1);
      assert.deepEqual(
        sorted(await spendPerDay(bench, "google_ads")),
        sorted(
          new Map([...centsPerDay(apiLines), ...centsPerDay(reported.filter((line) => line.day === old))]),
        ),
      );
    } finally {
      await bench.close();
    }
  });

  it("an export without the account column, dropped last, stands for every account of its days", async () => {
    // Meta's two accounts are pulled; the export, naming no account, holds the first account's ads only. It may be
    // any account's: on its days, its numbers are Meta's whole spend, the second account's API rows left out.
    const meta = CASES.find((testCase) => testCase.platform === "facebook_ads") as Case;
    const data = buildPlatformData(29, RUN_DATE, DAYS);
    const bench = await openBench(data);
    try {
      const apiLines = meta.lines(data);
      const [first] = META_ACCOUNTS;
      const exported = apiLines.filter((line) => DROP_DAYS.includes(line.day) && line.account === first);
      assert.ok(new Set(apiLines.map((line) => line.account)).size === 2 && exported.length > 0);
      assert.deepEqual((await bench.pull(RUN_DATE, pullingOnly("facebook_ads"))).findings, []);
      await drop(bench, "export.csv", meta.write(exported, false), "2026-11-22T12:00:00Z");
      assert.deepEqual(
        sorted(await spendPerDay(bench, "facebook_ads")),
        sorted(new Map([...centsPerDay(apiLines), ...centsPerDay(exported)])),
      );
    } finally {
      await bench.close();
    }
  });
});

const LABELS: Record<Platform, string> = {
  facebook_ads: "Meta Ads",
  tiktok_ads: "TikTok Ads",
  google_ads: "Google Ads",
};

/** check-sources' findings, for `runDate`, that an export's days count the API's rows now. */
async function overriddenFindings(bench: Bench, runDate: string, platform: Platform) {
  const context = bench.context(runDate, pullingOnly(platform));
  const result = await runCheckSources({ ...context, step: "check-sources" });
  return (result.findings ?? []).filter((finding) => finding.check === "file_drop_overridden");
}

describe("check-sources says when a dropped export's days are the API's numbers now", () => {
  for (const testCase of CASES) {
    for (const withAccount of [true, false]) {
      it(`${testCase.platform}${withAccount ? "" : ", an export without the account column"}: a pull, an export of two days, the next pull: one finding naming the export and its days`, async () => {
        const data = buildPlatformData(41, RUN_DATE, DAYS);
        const only = pullingOnly(testCase.platform);
        const bench = await openBench(data);
        try {
          const onDropDays = testCase.lines(data).filter((line) => DROP_DAYS.includes(line.day));
          const corrected = onDropDays.map((line) => ({ ...line, cents: line.cents + 1 }));
          assert.deepEqual((await bench.pull(RUN_DATE, only)).findings, []);
          await drop(bench, "export.csv", testCase.write(corrected, withAccount), "2026-11-22T12:00:00Z");
          const nextDay = addDays(RUN_DATE, 1);
          assert.deepEqual((await bench.pull(nextDay, only)).findings, []);

          const findings = await overriddenFindings(bench, nextDay, testCase.platform);
          assert.equal(findings.length, 1, JSON.stringify(findings));
          const [finding] = findings;
          assert.equal(finding?.severity, "info");
          assert.equal(finding?.subject, testCase.platform);
          assert.equal(finding?.observed, DROP_DAYS.length);
          const message = finding?.message ?? "";
          const accounts = [...new Set(onDropDays.map((line) => line.account))].sort();
          const named = withAccount
            ? ` (account${accounts.length === 1 ? "" : "s"} ${accounts.join(", ")})`
            : "";
          assert.ok(
            message.startsWith(
              `${LABELS[testCase.platform]} export export.csv: its days ${DROP_DAYS[0]} – ${DROP_DAYS[1]}${named} are the API's numbers now, landed after it`,
            ),
            message,
          );
        } finally {
          await bench.close();
        }
      });
    }
  }

  it("no finding when the export landed after the API's rows, nor when only one of the two landed", async () => {
    const meta = CASES.find((testCase) => testCase.platform === "facebook_ads") as Case;
    const only = pullingOnly("facebook_ads");
    const data = buildPlatformData(43, RUN_DATE, DAYS);
    const onDropDays = meta.lines(data).filter((line) => DROP_DAYS.includes(line.day));

    // The API's rows only.
    const pulled = await openBench(data);
    try {
      assert.deepEqual((await pulled.pull(RUN_DATE, only)).findings, []);
      assert.deepEqual(await overriddenFindings(pulled, RUN_DATE, "facebook_ads"), [], "the API's rows only");
      // Then the export, dropped after the pull: it counts.
      await drop(pulled, "export.csv", meta.write(onDropDays, true), "2026-11-22T12:00:00Z");
      assert.deepEqual(
        await overriddenFindings(pulled, RUN_DATE, "facebook_ads"),
        [],
        "the export dropped after the pull",
      );
    } finally {
      await pulled.close();
    }

    // The export only, the connector never enabled.
    const dropped = await openBench(data);
    try {
      await drop(dropped, "export.csv", meta.write(onDropDays, true), "2026-11-22T12:00:00Z");
      assert.deepEqual(await overriddenFindings(dropped, RUN_DATE, "facebook_ads"), [], "the export only");
    } finally {
      await dropped.close();
    }
  });
});
