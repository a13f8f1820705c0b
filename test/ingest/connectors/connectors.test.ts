// The four connectors against the local platform server on 127.0.0.1: pages, throttling, 429 with
// Retry-After, usage headers, expired tokens, failing pages, lookback re-pulls and the incremental cursor.
// Expected numbers come from the server's fixture objects, never from the connectors' own output.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import { connectorStatePath } from "../../../functions/lib/bucket-layout.ts";
import {
  buildPlatformData,
  GOOGLE_CUSTOMER,
  META_ACCOUNTS,
  RUN_DATE,
  TIKTOK_ADVERTISER,
} from "./fixtures.ts";
import { ALL_SECRETS, type Bench, isOrdersQuery, openBench } from "./harness.ts";
import { runReconciliation } from "../../../functions/check-sources/reconciliation.ts";
import { runConnectors } from "../../../functions/ingest/connectors/run.ts";
import { createLogger } from "../../../functions/lib/logger.ts";
import { TOKENS } from "../../../tools/demo-apis/server.ts";
import { insertRaw } from "../../support/sql-fixtures.ts";

const LOOKBACK_START = addDays(RUN_DATE, -6);
const inLookback = (day: string) => day >= LOOKBACK_START && day <= RUN_DATE;

/** A pull's one finding: a critical connector_auth of `source` (only a person can grant access); its message. */
async function soleAuthFinding(bench: Bench, source: string): Promise<string> {
  const result = await bench.pull();
  assert.equal(result.findings.length, 1);
  const [finding] = result.findings;
  assert.equal(finding?.check, "connector_auth");
  assert.equal(finding?.severity, "critical");
  assert.equal(finding?.source, source);
  return finding?.message ?? "";
}

async function counts(bench: Bench) {
  const [row] = await bench.rows<Record<string, number>>(`SELECT
    (SELECT COUNT(*) FROM raw.shopify_orders)::INT AS shopify,
    (SELECT COUNT(*) FROM raw.facebook_ads_insights)::INT AS meta,
    (SELECT COUNT(*) FROM raw.tiktok_ads_reports_daily)::INT AS tiktok,
    (SELECT COUNT(*) FROM raw.google_ads_campaign_stats)::INT AS google`);
  return row;
}

describe("connectors against local platform APIs", () => {
  const data = buildPlatformData(7);
  let bench: Bench;
  before(async () => {
    bench = await openBench(data);
  });
  after(() => bench.close());
  /**
   * The Google Ads rows a pull lands: each fixture row of the lookback (an ad group's day) in
   * google_ads_campaign_stats, and each of its campaigns' days once in google_ads_campaign_totals.
   */
  const googleLanded = () => {
    const rows = data.googleRows.filter((row) => inLookback(row.segments?.date ?? ""));
    return rows.length + new Set(rows.map((row) => `${row.segments?.date}|${row.campaign?.id}`)).size;
  };

  it("lands every source's rows, in Airbyte's raw shapes, page by page", async () => {
    const result = await bench.pull();
    assert.deepEqual(result.findings, []);
    const firstRunStart = Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`);
    const expectedOrders = data.shopifyOrders.filter(
      (order) => Date.parse(order.updatedAt) >= firstRunStart,
    ).length;
    assert.deepEqual(await counts(bench), {
      shopify: expectedOrders,
      meta: data.metaInsights.filter((row) => inLookback(row.date_start)).length,
      tiktok: data.tiktokRows.filter((row) => inLookback(row.dimensions.stat_time_day.slice(0, 10))).length,
      google: data.googleRows.filter((row) => inLookback(row.segments?.date ?? "")).length,
    });
    // README: "the ledger's ingest metrics count connector.<source>.rowsLanded": the rows each pull landed.
    const expectedAds = {
      facebook_ads: data.metaInsights.filter((row) => inLookback(row.date_start)).length,
      tiktok_ads: data.tiktokRows.filter((row) => inLookback(row.dimensions.stat_time_day.slice(0, 10)))
        .length,
      google_ads: googleLanded(),
    };
    for (const [source, rows] of Object.entries(expectedAds)) {
      assert.equal(result.metrics[`connector.${source}.rowsLanded`], rows, source);
      assert.equal(
        result.metrics[`connector.${source}.rowsReplaced`],
        0,
        `${source}: nothing earlier to replace`,
      );
    }
    // Shopify pages of 8, Meta pages of 10 per account, TikTok pages of 7.
    const shopifyRequests = bench.server.requests.filter(
      (request) => request.platform === "shopify" && isOrdersQuery(request.body),
    );
    assert.equal(shopifyRequests.length, Math.ceil(expectedOrders / 8));
    const metaPerAccount = data.metaInsights.filter(
      (row) => row.account_id === META_ACCOUNTS[0] && inLookback(row.date_start),
    ).length;
    assert.equal(
      bench.server.requests.filter((request) => request.platform === "facebook_ads").length,
      2 * Math.ceil(metaPerAccount / 10),
    );
    assert.equal(
      bench.server.requests.filter((request) => request.platform === "tiktok_ads").length,
      Math.ceil(14 / 7),
    );
    const [meta] = await bench.rows<{ meta: string; actions: string; spend: number }>(
      `SELECT _airbyte_meta::VARCHAR AS meta, actions::VARCHAR AS actions, spend FROM raw.facebook_ads_insights ORDER BY date_start, ad_id LIMIT 1`,
    );
    assert.equal(JSON.parse(meta?.meta ?? "{}").source, "api");
    assert.ok(
      JSON.parse(meta?.actions ?? "[]").some(
        (action: { action_type: string }) => action.action_type === "offsite_conversion.fb_pixel_purchase",
      ),
    );
    const [tiktok] = await bench.rows<{ advertiser: string; spend: string }>(
      `SELECT advertiser_id::VARCHAR AS advertiser, json_extract_string(metrics, '$.spend') AS spend FROM raw.tiktok_ads_reports_daily LIMIT 1`,
    );
    assert.equal(tiktok?.advertiser, TIKTOK_ADVERTISER);
    const [google] = await bench.rows<{ micros: bigint }>(
      `SELECT SUM(metrics_cost_micros) AS micros FROM raw.google_ads_campaign_stats`,
    );
    const expectedMicros = data.googleRows
      .filter((row) => inLookback(row.segments?.date ?? ""))
      .reduce((sum, row) => sum + Number(row.metrics?.costMicros), 0);
    assert.equal(Number(google?.micros), expectedMicros);
    const state = JSON.parse(
      (await bench.bucket.read(connectorStatePath("facebook_ads")))?.toString() ?? "{}",
    );
    assert.equal(state.accounts[META_ACCOUNTS[0] ?? ""].pulledThrough, RUN_DATE);
    assert.ok(
      JSON.parse((await bench.bucket.read(connectorStatePath("google_ads")))?.toString() ?? "{}").accounts[
        GOOGLE_CUSTOMER
      ],
    );
  });

  it("a second pull of the same days changes nothing: re-pulled days replace themselves", async () => {
    const fingerprint = async () =>
      bench.rows(`SELECT
        (SELECT COUNT(*) || ':' || SUM(hash(date_start, ad_id, spend, impressions)) FROM raw.facebook_ads_insights) AS meta,
        (SELECT COUNT(*) || ':' || SUM(hash(ad_id, stat_time_day, metrics::VARCHAR)) FROM raw.tiktok_ads_reports_daily) AS tiktok,
        (SELECT COUNT(*) || ':' || SUM(hash(segments_date, ad_group_id, metrics_cost_micros)) FROM raw.google_ads_campaign_stats) AS google,
        (SELECT COUNT(*) || ':' || COUNT(DISTINCT id) FROM raw.shopify_orders) AS shopify`);
    const before = await fingerprint();
    const result = await bench.pull();
    assert.deepEqual(result.findings, []);
    assert.deepEqual(await fingerprint(), before);
    // The lookback was pulled again: each ad source replaced exactly the rows the first pull landed.
    const lookbackRows = {
      facebook_ads: data.metaInsights.filter((row) => inLookback(row.date_start)).length,
      tiktok_ads: data.tiktokRows.filter((row) => inLookback(row.dimensions.stat_time_day.slice(0, 10)))
        .length,
      google_ads: googleLanded(),
    };
    for (const [source, rows] of Object.entries(lookbackRows)) {
      assert.ok(rows > 0, source);
      assert.equal(result.metrics[`connector.${source}.rowsLanded`], rows, source);
      assert.equal(result.metrics[`connector.${source}.rowsReplaced`], rows, source);
    }
  });

  it("asks Shopify only for orders updated since the cursor (less the overlap) on the next run", async () => {
    const newest = data.shopifyOrders
      .map((order) => Date.parse(order.updatedAt))
      .reduce((a, b) => Math.max(a, b));
    const seen = bench.server.requests.length;
    await bench.pull(addDays(RUN_DATE, 1));
    const shopify = bench.server.requests
      .slice(seen)
      .filter((request) => request.platform === "shopify" && isOrdersQuery(request.body));
    const search = (shopify[0]?.body as { variables: { query: string } }).variables.query;
    assert.equal(search, `updated_at:>='${new Date(newest - 10 * 60_000).toISOString()}'`);
  });
});

describe("what real APIs do", () => {
  it("honours 429 Retry-After and retries 5xx with capped backoff, then lands everything", async () => {
    const data = buildPlatformData(11);
    const bench = await openBench(data, {
      faults: [
        { platform: "shopify", request: 2, kind: "429", retryAfterSeconds: 7 },
        { platform: "tiktok_ads", request: 1, through: 2, kind: "503" },
        { platform: "google_ads", request: 2, kind: "429", retryAfterSeconds: 3 },
      ],
    });
    try {
      const result = await bench.pull();
      assert.deepEqual(result.findings, []);
      assert.ok(bench.sleeps.includes(7000), `Retry-After 7 s honoured: ${bench.sleeps.join(",")}`);
      assert.ok(bench.sleeps.includes(3000), "Google's Retry-After honoured");
      // TikTok: two 503s, backoff 1 s then 2 s.
      assert.ok(bench.sleeps.includes(1000) && bench.sleeps.includes(2000));
      const all = (await counts(bench)) ?? {};
      assert.equal(
        all.tiktok,
        data.tiktokRows.filter((row) => inLookback(row.dimensions.stat_time_day.slice(0, 10))).length,
      );
    } finally {
      await bench.close();
    }
  });

  it("waits for Shopify's cost bucket (throttleStatus) and retries a THROTTLED answer", async () => {
    const data = buildPlatformData(12);
    const bench = await openBench(data, {
      shopifyThrottle: { maximumAvailable: 1000, currentlyAvailable: 50, restoreRate: 50 },
      faults: [{ platform: "shopify", request: 3, kind: "throttled" }],
    });
    try {
      const result = await bench.pull(RUN_DATE, {
        facebook_ads: { enabled: false },
        tiktok_ads: { enabled: false },
        google_ads: { enabled: false },
      });
      assert.deepEqual(result.findings, []);
      // A page of 8 orders costs 2 + 8 × 124 = 994 points by Shopify's rules (an order: 1, its six money sets 12,
      // journey and customer 4, 10 line items 2 + 10 × 7, refunds with 10 transactions 1 + 2 + 10 × 3, address and
      // attributes 2); 50 available, 50 restored a second: (994 − 50) / 50 s = 18,880 ms.
      assert.ok(bench.sleeps.length >= 2);
      assert.ok(
        bench.sleeps.every((ms) => ms === 18_880),
        bench.sleeps.join(","),
      );
      const expected = data.shopifyOrders.filter(
        (order) => Date.parse(order.updatedAt) >= Date.parse(`${addDays(RUN_DATE, -30)}T00:00:00Z`),
      ).length;
      assert.equal((await counts(bench))?.shopify, expected);
    } finally {
      await bench.close();
    }
  });

  it("slows down when Meta's usage headers near the budget, and waits out a rate-limit error", async () => {
    const bench = await openBench(buildPlatformData(13), {
      metaUsagePercent: 90,
      faults: [{ platform: "facebook_ads", request: 2, kind: "throttled" }],
    });
    try {
      const only = {
        shopify: { enabled: false },
        tiktok_ads: { enabled: false },
        google_ads: { enabled: false },
      };
      const result = await bench.pull(RUN_DATE, only);
      assert.deepEqual(result.findings, []);
      // 90 % of the budget → 90 % of the longest wait (30 s); the 80004 error says one minute to regain access (capped at 30 s).
      assert.ok(bench.sleeps.includes(27_000), bench.sleeps.join(","));
      assert.ok(bench.sleeps.includes(30_000), bench.sleeps.join(","));
    } finally {
      await bench.close();
    }
  });

  it("an expired Meta token is a critical finding naming the source and the fix; the other sources still load", async () => {
    const data = buildPlatformData(14);
    const bench = await openBench(data, {
      faults: [{ platform: "facebook_ads", request: 1, through: 99, kind: "expired" }],
    });
    try {
      const result = await bench.pull();
      assert.equal(result.findings.length, 1);
      const [finding] = result.findings;
      assert.equal(finding?.check, "connector_auth");
      assert.equal(finding?.severity, "critical");
      assert.equal(finding?.source, "facebook_ads");
      assert.match(
        finding?.message ?? "",
        /reconnect Meta: the access token expired on Tuesday, 24-Nov-26 10:00:00 PST/,
      );
      assert.match(finding?.message ?? "", /metaAccessToken secret/);
      const all = await counts(bench);
      assert.equal(all?.meta, 0);
      assert.ok((all?.shopify ?? 0) > 0 && (all?.tiktok ?? 0) > 0 && (all?.google ?? 0) > 0);
      assert.equal(result.metrics["connector.facebook_ads.failed"], 1);
    } finally {
      await bench.close();
    }
  });

  for (const metaCode of [10, 200] as const)
    it(`a Meta token without access to the ad account (error ${metaCode}) is a critical auth finding saying what to grant, not a pull to retry`, async () => {
      const bench = await openBench(buildPlatformData(16), {
        faults: [{ platform: "facebook_ads", request: 1, through: 99, kind: "permission", metaCode }],
      });
      try {
        const message = await soleAuthFinding(bench, "facebook_ads");
        assert.match(message, new RegExp(`error ${metaCode}`));
        assert.match(message, /assign each ad account .* to the system user/);
        assert.match(message, /ads_read/);
        assert.match(message, /metaAccessToken secret/);
        assert.doesNotMatch(message, /pulls the same days again/);
        assert.ok(!message.includes(TOKENS.meta), "no token in the finding");
        const all = await counts(bench);
        assert.equal(all?.meta, 0);
        assert.ok((all?.shopify ?? 0) > 0 && (all?.tiktok ?? 0) > 0 && (all?.google ?? 0) > 0);
      } finally {
        await bench.close();
      }
    });

  it("a TikTok token whose user has no access to the advertiser (code 40001) is a critical auth finding saying what to grant", async () => {
    const bench = await openBench(buildPlatformData(17), {
      faults: [{ platform: "tiktok_ads", request: 1, through: 99, kind: "permission" }],
    });
    try {
      const message = await soleAuthFinding(bench, "tiktok_ads");
      assert.match(message, /code 40001/);
      assert.match(message, new RegExp(`No permission to operate advertiser ${TIKTOK_ADVERTISER}`));
      assert.match(message, /access to each advertiser in Business Center/);
      assert.match(message, /tiktokAccessToken secret/);
      assert.doesNotMatch(message, /pulls the same days again/);
      assert.equal((await counts(bench))?.tiktok, 0);
    } finally {
      await bench.close();
    }
  });

  it("revoked TikTok and Google tokens and a missing secret are findings too", async () => {
    const bench = await openBench(buildPlatformData(15), {
      faults: [
        { platform: "tiktok_ads", request: 1, through: 99, kind: "expired" },
        { platform: "google_ads", request: 1, kind: "expired" },
      ],
    });
    try {
      const { shopifyAccessToken: _absent, ...others } = ALL_SECRETS;
      const result = await bench.pull(RUN_DATE, {}, others);
      const bySource = new Map(result.findings.map((finding) => [finding.source, finding.message]));
      assert.match(bySource.get("tiktok_ads") ?? "", /reconnect TikTok: .*code 40105/);
      assert.match(
        bySource.get("google_ads") ?? "",
        /reconnect Google Ads: Google refused the OAuth refresh token \(invalid_grant/,
      );
      assert.match(bySource.get("shopify") ?? "", /the shopifyAccessToken secret is not set/);
      assert.equal(bySource.has("facebook_ads"), false);
      // README: each is "a critical connector_auth finding naming the source".
      assert.deepEqual(
        result.findings.map((finding) => [finding.source, finding.check, finding.severity]).sort(),
        [
          ["google_ads", "connector_auth", "critical"],
          ["shopify", "connector_auth", "critical"],
          ["tiktok_ads", "connector_auth", "critical"],
        ],
      );
    } finally {
      await bench.close();
    }
  });

  it("never writes a credential to a log line or a finding, on a clean pull or a refused one", async () => {
    // docs/connectors.md (Credentials): "None is ever logged or put in a finding." Every log line at debug level
    // is kept, on a clean pull and on one where every platform refuses its token or fails.
    // A developer token from before Google's sunset is still sent by setups that have one: never logged either.
    const developerToken = `legacy-${randomBytes(11).toString("hex")}`;
    const secrets = [
      TOKENS.shopify,
      TOKENS.meta,
      TOKENS.tiktok,
      developerToken,
      TOKENS.googleOauth.client_secret,
      TOKENS.googleOauth.refresh_token,
      TOKENS.googleAccess,
    ];
    const lines: string[] = [];
    const log = createLogger({ format: "json", minLevel: "debug", write: (line) => lines.push(line) });
    // Both functions that read the credentials: ingest's pull and check-sources' reconciliation.
    const pullLogged = async (bench: Bench) => {
      const context = {
        ...bench.context(RUN_DATE, {}, { ...ALL_SECRETS, googleAdsDeveloperToken: developerToken }),
        log,
      };
      const result = await runConnectors(context, bench.io);
      const reconciled = await runReconciliation({ ...context, step: "check-sources" }, bench.io);
      return JSON.stringify([...result.findings, ...reconciled.findings]);
    };
    const clean = await openBench(buildPlatformData(21));
    const refused = await openBench(buildPlatformData(22), {
      faults: [
        { platform: "shopify", request: 1, through: 99, kind: "expired" },
        { platform: "facebook_ads", request: 1, through: 99, kind: "expired" },
        { platform: "tiktok_ads", request: 1, through: 99, kind: "expired" },
        { platform: "google_ads", request: 1, through: 99, kind: "500" },
      ],
    });
    try {
      const findings = [await pullLogged(clean), await pullLogged(refused)];
      // The clean run's reconciliation compares a 14-day window with the 7 days pulled: mismatches, no refusal.
      assert.doesNotMatch(findings[0] ?? "", /connector_auth|connector_failed|reconciliation_unavailable/);
      assert.match(findings[1] ?? "", /connector_auth/, "the refused run did report");
      assert.match(findings[1] ?? "", /reconciliation_unavailable/, "the refused reconciliation did report");
      assert.ok(lines.length > 0, "the connectors logged");
      for (const secret of secrets) {
        for (const text of [...lines, ...findings]) {
          assert.ok(!text.includes(secret), `a credential in: ${text.slice(0, 200)}`);
        }
      }
    } finally {
      await clean.close();
      await refused.close();
    }
  });

  it("Shopify 401 and TikTok 40100 are reported or retried, and a stale Google developer token is ignored, as Google does", async () => {
    const data = buildPlatformData(18);
    const bench = await openBench(data, {
      faults: [
        { platform: "shopify", request: 1, through: 99, kind: "expired" },
        { platform: "tiktok_ads", request: 1, kind: "throttled" },
      ],
    });
    try {
      const result = await bench.pull(
        RUN_DATE,
        { facebook_ads: { enabled: false } },
        {
          ...ALL_SECRETS,
          // Any value: since the sunset (9 September 2026) Google's API servers ignore the developer-token header.
          googleAdsDeveloperToken: `revoked-${randomBytes(8).toString("hex")}`,
        },
      );
      const bySource = new Map(result.findings.map((finding) => [finding.source, finding]));
      assert.match(
        bySource.get("shopify")?.message ?? "",
        /reconnect Shopify: the Admin API refused the access token \(HTTP 401\)/,
      );
      assert.equal(bySource.get("shopify")?.check, "connector_auth");
      assert.equal(bySource.get("shopify")?.severity, "critical");
      assert.equal(bySource.has("google_ads"), false, "Google ignored the developer token");
      assert.equal(
        (await counts(bench))?.google,
        data.googleRows.filter((row) => inLookback(row.segments?.date ?? "")).length,
      );
      assert.equal(bySource.has("tiktok_ads"), false, "TikTok's 40100 was waited out");
      assert.ok(((await counts(bench))?.tiktok ?? 0) > 0);
    } finally {
      await bench.close();
    }
  });

  it("never deletes rows that Airbyte or a file drop landed", async () => {
    const data = buildPlatformData(19);
    const bench = await openBench(data);
    try {
      const [first] = data.metaInsights.filter((row) => inLookback(row.date_start));
      await insertRaw(bench.warehouse, "facebook_ads_insights", [
        {
          ...first,
          spend: 1,
          impressions: 1,
          clicks: 0,
          actions: [],
          action_values: [],
          _airbyte_raw_id: "airbyte-1",
          _airbyte_extracted_at: "2026-11-20T03:00:00Z",
          _airbyte_meta: { changes: [], sync_id: 1 },
        },
      ]);
      await bench.pull(RUN_DATE, {
        shopify: { enabled: false },
        tiktok_ads: { enabled: false },
        google_ads: { enabled: false },
      });
      await bench.pull(RUN_DATE, {
        shopify: { enabled: false },
        tiktok_ads: { enabled: false },
        google_ads: { enabled: false },
      });
      const kept = await bench.rows(
        `SELECT _airbyte_raw_id FROM raw.facebook_ads_insights WHERE _airbyte_raw_id = 'airbyte-1'`,
      );
      assert.equal(kept.length, 1);
    } finally {
      await bench.close();
    }
  });

  it("a page that keeps failing mid-range leaves the earlier pull intact and writes nothing half", async () => {
    const data = buildPlatformData(16);
    const bench = await openBench(data, {
      faults: [{ platform: "tiktok_ads", request: 4, through: 99, kind: "500" }],
    });
    try {
      const only = {
        shopify: { enabled: false },
        facebook_ads: { enabled: false },
        google_ads: { enabled: false },
      };
      await bench.pull(RUN_DATE, only); // requests 1–2: both pages of the first pull
      const before = await bench.rows(
        `SELECT COUNT(*)::INT AS n, SUM(hash(ad_id, stat_time_day, _airbyte_extracted_at)) AS h FROM raw.tiktok_ads_reports_daily`,
      );
      // Next day's pull: page 1 (request 3) answers, page 2 (request 4 on) fails every attempt.
      const result = await bench.pull(addDays(RUN_DATE, 1), only);
      assert.equal(result.findings[0]?.check, "connector_failed");
      assert.equal(result.findings[0]?.severity, "critical");
      assert.equal(result.metrics["connector.tiktok_ads.failed"], 1);
      assert.match(result.findings[0]?.message ?? "", /HTTP 500 after 4 attempts/);
      assert.deepEqual(bench.sleeps, [1000, 2000, 4000]);
      assert.deepEqual(
        await bench.rows(
          `SELECT COUNT(*)::INT AS n, SUM(hash(ad_id, stat_time_day, _airbyte_extracted_at)) AS h FROM raw.tiktok_ads_reports_daily`,
        ),
        before,
      );
      const state = JSON.parse(
        (await bench.bucket.read(connectorStatePath("tiktok_ads")))?.toString() ?? "{}",
      );
      assert.equal(state.accounts[TIKTOK_ADVERTISER].pulledThrough, RUN_DATE, "the cursor did not move");
    } finally {
      await bench.close();
    }
  });

  it("pulls a long Meta range as an asynchronous report run, and Google's searchStream batches", async () => {
    const data = buildPlatformData(17);
    const bench = await openBench(data, { googleBatchSize: 3 });
    try {
      const result = await bench.pull(RUN_DATE, {
        shopify: { enabled: false },
        tiktok_ads: { enabled: false },
        facebook_ads: { asyncAboveDays: 5 },
      });
      assert.deepEqual(result.findings, []);
      const meta = bench.server.requests.filter((request) => request.platform === "facebook_ads");
      assert.equal(
        meta.filter((request) => request.method === "POST").length,
        2,
        "one report run per account",
      );
      assert.ok(
        meta.some((request) => /^\/v24\.0\/\d+$/.test(request.path)),
        "the run's status was polled",
      );
      const all = await counts(bench);
      assert.equal(all?.meta, data.metaInsights.filter((row) => inLookback(row.date_start)).length);
      assert.equal(all?.google, data.googleRows.filter((row) => inLookback(row.segments?.date ?? "")).length);
    } finally {
      await bench.close();
    }
  });
});
