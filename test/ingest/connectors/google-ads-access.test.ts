// Google Ads after Google sunset developer tokens (9 September 2026): API access belongs to the Google Cloud project
// that owns the OAuth client, the developer-token header is optional and ignored, and a project with Test access
// only is refused on a real account (v25: CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION). docs/connectors.md
// (Credentials): the googleAdsOauth secret alone connects Google Ads; a developer token is sent only when set.
// The expected rows are computed here from the server's fixture objects, never from the connector's output.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { addDays } from "../../../functions/lib/calendar.ts";
import type { SecretName } from "../../../functions/shared/options.ts";
import { TOKENS } from "../../../tools/demo-apis/server.ts";
import { buildPlatformData, GOOGLE_CUSTOMER, RUN_DATE } from "./fixtures.ts";
import { ALL_SECRETS, type Bench, openBench } from "./harness.ts";

const LOOKBACK_START = addDays(RUN_DATE, -6); // the bench's seven-day lookback
const ONLY_GOOGLE = {
  shopify: { enabled: false },
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
};
const OVERVIEW_PAGE = "https://console.cloud.google.com/google/ads-apis/overview";

type LandedRow = [customer: string, day: string, adGroup: string, costMicros: string, clicks: string];

async function landed(bench: Bench): Promise<LandedRow[]> {
  const rows = await bench.rows<Record<string, string>>(
    `SELECT customer_id, segments_date::VARCHAR AS day, ad_group_id, metrics_cost_micros::VARCHAR AS cost,
       metrics_clicks::VARCHAR AS clicks FROM raw.google_ads_campaign_stats`,
  );
  return rows
    .map((row): LandedRow => [
      String(row.customer_id),
      String(row.day),
      String(row.ad_group_id),
      String(row.cost),
      String(row.clicks),
    ])
    .sort();
}

function searchStreams(bench: Bench) {
  return bench.server.requests.filter(
    (request) => request.platform === "google_ads" && request.path.endsWith("/googleAds:searchStream"),
  );
}

describe("Google Ads without a developer token", () => {
  it("lands the same raw rows with only googleAdsOauth, and sends the developer-token header only when one is set", async () => {
    const data = buildPlatformData(61);
    const expected = data.googleRows
      .filter((row) => (row.segments?.date ?? "") >= LOOKBACK_START && (row.segments?.date ?? "") <= RUN_DATE)
      .map((row): LandedRow => [
        row.customer?.id ?? "",
        row.segments?.date ?? "",
        row.adGroup?.id ?? "",
        row.metrics?.costMicros ?? "",
        row.metrics?.clicks ?? "",
      ])
      .sort();
    assert.ok(expected.length > 0, "the fixture has rows in the lookback");
    const oauthOnly: Partial<Record<SecretName, string>> = {
      googleAdsOauth: JSON.stringify(TOKENS.googleOauth),
    };
    const legacyToken = `legacy-${randomBytes(11).toString("hex")}`;

    const withoutToken = await openBench(data);
    try {
      const result = await withoutToken.pull(RUN_DATE, ONLY_GOOGLE, oauthOnly);
      assert.deepEqual(result.findings, []);
      assert.deepEqual(await landed(withoutToken), expected);
      const searches = searchStreams(withoutToken);
      assert.equal(
        searches.length,
        3,
        "the ad groups' query, the Performance Max asset groups' and the campaigns'",
      );
      for (const search of searches) {
        assert.equal(search.headers["developer-token"], undefined, "no developer-token header");
        assert.equal(search.headers.authorization, `Bearer ${TOKENS.googleAccess}`);
      }
    } finally {
      await withoutToken.close();
    }

    // An older setup that still has a token keeps sending it (harmless: Google ignores it).
    const withToken = await openBench(data);
    try {
      const result = await withToken.pull(RUN_DATE, ONLY_GOOGLE, {
        ...oauthOnly,
        googleAdsDeveloperToken: legacyToken,
      });
      assert.deepEqual(result.findings, []);
      assert.deepEqual(await landed(withToken), expected);
      const searches = searchStreams(withToken);
      assert.equal(
        searches.length,
        3,
        "the ad groups' query, the Performance Max asset groups' and the campaigns'",
      );
      for (const search of searches) assert.equal(search.headers["developer-token"], legacyToken);
    } finally {
      await withToken.close();
    }
  });

  it("a Cloud project with Test access only, on a real account: a critical auth finding saying to apply for Explorer access", async () => {
    const data = buildPlatformData(62);
    const bench = await openBench(data, { googleTestAccessClients: [TOKENS.googleOauth.client_id] });
    try {
      const result = await bench.pull(RUN_DATE, { ...ONLY_GOOGLE, google_ads: { apiVersion: "v25" } });
      assert.equal(result.findings.length, 1);
      const [finding] = result.findings;
      assert.equal(finding?.source, "google_ads");
      assert.equal(finding?.check, "connector_auth");
      assert.equal(finding?.severity, "critical");
      const message = finding?.message ?? "";
      assert.match(message, /CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION/);
      assert.match(message, new RegExp(`customer ${GOOGLE_CUSTOMER} is not a test account`));
      assert.match(message, /only Test access/);
      assert.match(message, /apply for Explorer access on that project's Google Ads API Overview page/);
      assert.ok(message.includes(OVERVIEW_PAGE), message);
      assert.doesNotMatch(message, /developer token/i, "the fix is the Cloud project's access, not a token");
      for (const secret of [
        TOKENS.googleOauth.client_secret,
        TOKENS.googleOauth.refresh_token,
        TOKENS.googleAccess,
        ALL_SECRETS.googleAdsOauth ?? "",
      ])
        assert.ok(!message.includes(secret), "no credential in the finding");
      assert.deepEqual(await landed(bench), [], "nothing landed");
      assert.equal(searchStreams(bench).length, 1, "a refusal is not retried");
    } finally {
      await bench.close();
    }
  });

  it("a Cloud project with Test access only still reads a Google Ads test account", async () => {
    const data = buildPlatformData(63);
    const bench = await openBench(data, {
      googleTestAccessClients: [TOKENS.googleOauth.client_id],
      googleTestAccounts: [GOOGLE_CUSTOMER],
    });
    try {
      const result = await bench.pull(RUN_DATE, { ...ONLY_GOOGLE, google_ads: { apiVersion: "v25" } });
      assert.deepEqual(result.findings, []);
      assert.equal(
        (await landed(bench)).length,
        data.googleRows.filter(
          (row) => (row.segments?.date ?? "") >= LOOKBACK_START && (row.segments?.date ?? "") <= RUN_DATE,
        ).length,
      );
    } finally {
      await bench.close();
    }
  });
});
