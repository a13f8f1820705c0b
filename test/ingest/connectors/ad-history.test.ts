// An ads connector's history (docs/connectors.md: "a first run pulls initialDays … the next runs pull the rest, 90
// days a run"; "a connector off for longer than that pulls the whole gap"): pulled from the local platform server
// over several runs, each platform's rows and spend per day are those the server holds, every day once, counted here
// from the server's own rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { Finding } from "../../../functions/shared/findings.ts";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import { buildModels } from "../../support/sql-fixtures.ts";
import type { ServerOptions } from "../../../tools/demo-apis/server.ts";
import { type Bench, openBench } from "./harness.ts";
import { buildPlatformData, ONLY_SHOPIFY, RUN_DATE, TIKTOK_ADVERTISER } from "./fixtures.ts";

const ADS_ONLY = { shopify: { enabled: false } };
const HISTORY_DAYS = 280;
const data = buildPlatformData(41, RUN_DATE, HISTORY_DAYS);

/** "<day>|<platform>" → [rows, spend in cents], from the server's rows of the days in [from, through]. */
function served(from: string, through: string): Map<string, [number, number]> {
  const days = new Map<string, [number, number]>();
  const add = (day: string, platform: string, spend: number) => {
    if (day < from || day > through) return;
    const [rows, cents] = days.get(`${day}|${platform}`) ?? [0, 0];
    days.set(`${day}|${platform}`, [rows + 1, cents + Math.round(spend * 100)]);
  };
  for (const row of data.metaInsights) add(row.date_start, "facebook_ads", Number(row.spend));
  for (const row of data.tiktokRows)
    add(row.dimensions.stat_time_day.slice(0, 10), "tiktok_ads", Number(row.metrics.spend));
  for (const row of data.googleRows)
    add(row.segments?.date ?? "", "google_ads", Number(row.metrics?.costMicros) / 1e6);
  return days;
}

/** The same, from the raw tables the connectors filled. */
async function landed(bench: Bench): Promise<Map<string, [number, number]>> {
  const rows = await bench.rows<{ day: string; platform: string; n: number; cents: number }>(`
    SELECT day, platform, COUNT(*)::INT AS n, SUM(cents)::BIGINT::INT AS cents FROM (
      SELECT date_start::VARCHAR AS day, 'facebook_ads' AS platform, ROUND(spend * 100) AS cents
      FROM raw.facebook_ads_insights
      UNION ALL
      SELECT stat_time_day::DATE::VARCHAR, 'tiktok_ads', ROUND(json_extract_string(metrics, '$.spend')::DECIMAL(18, 2) * 100)
      FROM raw.tiktok_ads_reports_daily
      UNION ALL
      SELECT segments_date::VARCHAR, 'google_ads', ROUND(metrics_cost_micros / 10000)
      FROM raw.google_ads_campaign_stats
    ) GROUP BY ALL`);
  return new Map(rows.map((row) => [`${row.day}|${row.platform}`, [row.n, row.cents]]));
}

function sorted(days: Map<string, [number, number]>): [string, [number, number]][] {
  return [...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `work` on a bench of its own (the platform server with `options`), closed after. */
async function onOwnBench<T>(options: ServerOptions, work: (bench: Bench) => Promise<T>): Promise<T> {
  const bench = await openBench(data, options);
  try {
    return await work(bench);
  } finally {
    await bench.close();
  }
}

const owedFindings = (findings: readonly Finding[]) =>
  findings.filter((finding) => finding.check === "connector_history_owed");

describe("an ads connector's history", () => {
  let bench: Bench;
  before(async () => {
    bench = await openBench(data);
  });
  after(async () => bench.close());

  it("with one range of history a run, a first run pulls 180 days; the next run pulls the rest, and says so until then", async () => {
    const history = { lookbackDays: 7, initialDays: 200, historyRangesPerRun: 1 };
    const settings = { ...ADS_ONLY, facebook_ads: history, tiktok_ads: history, google_ads: history };
    // 200 days back from 21 November 2026: from 6 May. The first run: the newest 90 (24 August on), then the 90
    // before them (26 May – 23 August); 20 days (6–25 May) are left.
    assert.equal(addDays(RUN_DATE, -199), "2026-05-06");
    const first = await bench.pull(RUN_DATE, settings);
    assert.deepEqual(sorted(await landed(bench)), sorted(served("2026-05-26", RUN_DATE)));
    const owed = owedFindings(first.findings);
    assert.deepEqual(
      owed.map((finding) => [finding.source, finding.severity, finding.observed]),
      [
        // Meta's two accounts owe 20 days each.
        ["facebook_ads", "warning", 40],
        ["tiktok_ads", "warning", 20],
        ["google_ads", "warning", 20],
      ],
    );
    assert.match(owed[1]?.message ?? "", /20 days between 2026-05-06 and 2026-05-25/);
    assert.match(owed[1]?.message ?? "", /the next run pulls them/);
    assert.match(owed[1]?.message ?? "", /spend, ROAS, MER and CAC leave TikTok Ads out/);

    const second = await bench.pull(addDays(RUN_DATE, 1), settings);
    assert.deepEqual(owedFindings(second.findings), []);
    assert.deepEqual(sorted(await landed(bench)), sorted(served("2026-05-06", RUN_DATE)));
  });

  it("a first run pulls up to four more ranges of history (360 days) after its newest 90, time allowing", async () => {
    const tiktokOnly = { ...ADS_ONLY, facebook_ads: { enabled: false }, google_ads: { enabled: false } };
    const firstDay = addDays(RUN_DATE, -(HISTORY_DAYS - 1));
    // All the server holds (280 days): the newest 90, then 90, 90 and 10 days of history, in the one run.
    await onOwnBench({}, async (own) => {
      const first = await own.pull(RUN_DATE, {
        ...tiktokOnly,
        tiktok_ads: { lookbackDays: 7, initialDays: HISTORY_DAYS },
      });
      assert.deepEqual(owedFindings(first.findings), []);
      const tiktokDays = (days: Map<string, [number, number]>) =>
        sorted(days).filter(([key]) => key.endsWith("|tiktok_ads"));
      assert.deepEqual(tiktokDays(await landed(own)), tiktokDays(served(firstDay, RUN_DATE)));
      assert.equal(tiktokDays(await landed(own)).length, HISTORY_DAYS, "a row a day at least");
    });
    // A platform slow enough that every request takes 4 s on ingest's clock (a range of 90 days is some 27 of
    // TikTok's requests, 108 s): after the newest days and one range of history (216 s), a second range would end
    // within 4 minutes of ingest's deadline (540 s less 90 to wrap up), so it is left for the next run, which is told.
    await onOwnBench({}, async (own) => {
      let seconds = 0;
      const slow = {
        ...own.io,
        fetch: async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
          seconds += 4;
          return own.io.fetch(input, init);
        },
        now: () => new Date(Date.parse("2026-11-22T11:00:00Z") + seconds * 1000),
      };
      const settings = { ...tiktokOnly, tiktok_ads: { lookbackDays: 7, initialDays: HISTORY_DAYS } };
      const result = await runConnectors(own.context(RUN_DATE, settings), slow);
      assert.equal(result.metrics["connector.tiktok_ads.failed"], undefined, JSON.stringify(result.findings));
      const requests = own.server.requests.filter((request) => request.platform === "tiktok_ads").length;
      assert.ok(requests * 4 <= 450, `${requests} requests, all within ingest's time`);
      const owed = owedFindings(result.findings);
      // Owed: the 100 days before the first range of history (26 May – 23 August): 15 February – 25 May.
      assert.equal(firstDay, "2026-02-15");
      assert.deepEqual(
        owed.map((finding) => [finding.severity, finding.observed]),
        [["warning", 100]],
      );
      assert.match(owed[0]?.message ?? "", /100 days between 2026-02-15 and 2026-05-25/);
      assert.match(owed[0]?.message ?? "", /left them for later to keep ingest within its time/);
      const tiktokDays = (days: Map<string, [number, number]>) =>
        sorted(days).filter(([key]) => key.endsWith("|tiktok_ads"));
      assert.deepEqual(tiktokDays(await landed(own)), tiktokDays(served("2026-05-26", RUN_DATE)));
      // The next run, on a platform answering at once, pulls them.
      const next = await own.pull(addDays(RUN_DATE, 1), settings);
      assert.deepEqual(owedFindings(next.findings), []);
      assert.deepEqual(tiktokDays(await landed(own)), tiktokDays(served(firstDay, addDays(RUN_DATE, 1))));
    });
  });

  it("a connector off for longer than 90 days pulls the whole gap over the next runs, each day once", async () => {
    await bench.warehouse.rawConnection.run(
      "DELETE FROM raw.facebook_ads_insights; DELETE FROM raw.tiktok_ads_reports_daily; DELETE FROM raw.google_ads_campaign_stats; DELETE FROM raw.google_ads_campaign_totals",
    );
    for (const source of ["facebook_ads", "tiktok_ads", "google_ads"])
      await bench.bucket.delete(`state/connectors/${source}.json`);
    const oneRange = { lookbackDays: 7, initialDays: 7, historyRangesPerRun: 1 };
    const settings = { ...ADS_ONLY, facebook_ads: oneRange, tiktok_ads: oneRange, google_ads: oneRange };
    // Last run on 1 March (its 7 days: 23 February – 1 March), then off until 21 November: 2 March – 23 August is
    // the gap beyond the newest 90 days (175 days).
    const lastOn = "2026-03-01";
    await bench.pull(lastOn, settings);
    assert.deepEqual(sorted(await landed(bench)), sorted(served("2026-02-23", lastOn)));
    const back = await bench.pull(RUN_DATE, settings);
    assert.deepEqual(
      owedFindings(back.findings).map((finding) => [finding.source, finding.observed]),
      [
        ["facebook_ads", 2 * 85],
        ["tiktok_ads", 85],
        ["google_ads", 85],
      ],
    );
    assert.match(owedFindings(back.findings)[1]?.message ?? "", /85 days between 2026-03-02 and 2026-05-25/);
    await bench.pull(addDays(RUN_DATE, 1), settings);
    assert.deepEqual(sorted(await landed(bench)), sorted(served("2026-02-23", RUN_DATE)));
  });

  it("the days still owed are incomplete in the daily KPIs, naming the platforms, until a later run pulls them", async () => {
    await onOwnBench({}, async (shop) => {
      const history = { lookbackDays: 7, initialDays: 200, historyRangesPerRun: 1 };
      const settings = {
        shopify: { initialDays: HISTORY_DAYS, bulkThresholdDays: 365 },
        facebook_ads: history,
        tiktok_ads: history,
        google_ads: history,
      };
      const missing = async () =>
        new Map(
          (
            await shop.rows<{ day: string; missing: string | null }>(
              "SELECT date::VARCHAR AS day, missing_sources AS missing FROM marts.daily_kpis WHERE date >= DATE '2026-05-01'",
            )
          ).map((row) => [row.day, row.missing]),
        );
      await shop.pull(RUN_DATE, settings);
      await buildModels(shop.warehouse, RUN_DATE, { fullRefresh: true });
      const before = await missing();
      // 6–25 May are owed by every platform; from 26 May on every platform has landed.
      for (let day = "2026-05-06"; day <= RUN_DATE; day = addDays(day, 1))
        assert.equal(
          before.get(day),
          day <= "2026-05-25" ? "facebook_ads,google_ads,tiktok_ads" : null,
          `missing sources on ${day}`,
        );

      // The next day's run pulls them, and its daily transform rebuilds those days complete.
      const next = addDays(RUN_DATE, 1);
      await shop.pull(next, settings);
      await buildModels(shop.warehouse, next);
      const after = await missing();
      for (let day = "2026-05-06"; day <= RUN_DATE; day = addDays(day, 1))
        assert.equal(after.get(day), null, `missing sources on ${day} once pulled`);
    });
  });

  it("older days the platform will not give today stay owed, with the recent days landed and no failure", async () => {
    const tiktokOnly = { ...ADS_ONLY, facebook_ads: { enabled: false }, google_ads: { enabled: false } };
    const firstRun = { ...tiktokOnly, tiktok_ads: { lookbackDays: 7, initialDays: 200 } };
    // How many requests TikTok's newest 90 days take: the history's requests come after them.
    const recentRequests = await onOwnBench({}, async (counting) => {
      await counting.pull(RUN_DATE, { ...tiktokOnly, tiktok_ads: { lookbackDays: 7, initialDays: 90 } });
      return counting.server.requests.filter((request) => request.platform === "tiktok_ads").length;
    });
    const afterRecent = (kind: "500" | "expired"): ServerOptions => ({
      faults: [{ platform: "tiktok_ads", request: recentRequests + 1, through: 10_000, kind }],
    });
    await onOwnBench(afterRecent("500"), async (failing) => {
      const result = await failing.pull(RUN_DATE, firstRun);
      assert.equal(result.metrics["connector.tiktok_ads.failed"], undefined);
      assert.deepEqual(
        result.findings.map((finding) => [finding.check, finding.severity, finding.observed]),
        // 6 May – 23 August: the 90 days the run could not pull and the 20 before them.
        [["connector_history_owed", "warning", 110]],
      );
      assert.match(
        result.findings[0]?.message ?? "",
        /110 days between 2026-05-06 and 2026-08-23\); the next run pulls them\. This run could not pull older days of account 7012345678901234 \(.*500.*\); the next run asks again\./,
      );
      const landedDays = await landed(failing);
      const tiktokDays = (days: Map<string, [number, number]>) =>
        sorted(days).filter(([key]) => key.endsWith("|tiktok_ads"));
      assert.deepEqual(tiktokDays(landedDays), tiktokDays(served("2026-08-24", RUN_DATE)));
      const state = JSON.parse(String(await failing.bucket.read("state/connectors/tiktok_ads.json")));
      assert.deepEqual(state.accounts[TIKTOK_ADVERTISER].owed, [
        { startDate: "2026-05-06", endDate: "2026-08-23" },
      ]);
    });
    // A token refused on the older days' requests is no platform hiccup: it fails the connector, as always.
    await onOwnBench(afterRecent("expired"), async (refusing) => {
      const result = await refusing.pull(RUN_DATE, firstRun);
      assert.deepEqual(
        result.findings.map((finding) => [finding.check, finding.severity]),
        [["connector_auth", "critical"]],
      );
    });
  });

  it("a shorter initialDays set later cancels the owed days it no longer reaches, and the finding with them", async () => {
    const tiktokOnly = { ...ADS_ONLY, facebook_ads: { enabled: false }, google_ads: { enabled: false } };
    await onOwnBench({}, async (own) => {
      // 250 days back from 21 November: from 17 March. With one range of history a run, the first run lands 26 May
      // on and owes 17 March – 25 May (70 days).
      assert.equal(addDays(RUN_DATE, -249), "2026-03-17");
      const first = await own.pull(RUN_DATE, {
        ...tiktokOnly,
        tiktok_ads: { lookbackDays: 7, initialDays: 250, historyRangesPerRun: 1 },
      });
      assert.deepEqual(
        owedFindings(first.findings).map((finding) => finding.observed),
        [70],
      );
      // The next day with 120 days (from 26 July, which the first run landed): nothing is owed, nothing more pulled.
      const next = addDays(RUN_DATE, 1);
      assert.equal(addDays(next, -119), "2026-07-26");
      const second = await own.pull(next, {
        ...tiktokOnly,
        tiktok_ads: { lookbackDays: 7, initialDays: 120 },
      });
      assert.deepEqual(owedFindings(second.findings), []);
      const owedRows = await own.rows<{ n: number }>(
        "SELECT COUNT(*)::INT AS n FROM ops.connector_history_owed WHERE source = 'tiktok_ads'",
      );
      assert.equal(owedRows[0]?.n, 0, "the transform counts no TikTok day as owed");
      const state = JSON.parse(String(await own.bucket.read("state/connectors/tiktok_ads.json")));
      assert.deepEqual(
        [state.accounts[TIKTOK_ADVERTISER].historyFrom, state.accounts[TIKTOK_ADVERTISER].owed],
        ["2026-07-26", []],
      );
      // What the first run landed stays: the days from 26 May, each once, the 22nd's added.
      const tiktokDays = (days: Map<string, [number, number]>) =>
        sorted(days).filter(([key]) => key.endsWith("|tiktok_ads"));
      assert.deepEqual(tiktokDays(await landed(own)), tiktokDays(served("2026-05-26", next)));
    });
  });

  it("leaves Shopify's pull as it was", async () => {
    // The Shopify connector has its own initialDays (orders updated since): no ads history finding of its own.
    const result = await bench.pull(RUN_DATE, { ...ONLY_SHOPIFY, shopify: { initialDays: 3 } });
    assert.deepEqual(owedFindings(result.findings), []);
  });
});
