// Meta's own rules on top of the retry layer, one documented answer at a time from a local server: README,
// Connectors ("What real APIs do"): "Meta's x-app-usage, x-business-use-case-usage and x-ad-account-usage headers
// at or above usageThrottlePercent (default 75) slow the client down, and its rate-limit errors (4, 17, 32, 613,
// 80000–80014) wait for estimated_time_to_regain_access", and errors 190 and 102 are a credential to renew.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlatformApiError, PlatformAuthError } from "../../../functions/lib/platform-apis/http.ts";
import { MetaApi } from "../../../functions/lib/platform-apis/meta.ts";
import { recordingIo, type ScriptedAnswer, startScriptedServer } from "../../support/scripted-server.ts";

const ACCOUNT_DAY = {
  data: [{ date_start: "2026-11-20", spend: "12.50", impressions: "900", clicks: "31" }],
};
/** 300 s: the longest wait the settings allow, so that Meta's own estimate is not cut by the cap. */
const RETRY = { maxAttempts: 5, maxDelayMs: 300_000 };

async function totals(script: ScriptedAnswer[]) {
  const server = await startScriptedServer(script);
  const { io, sleeps } = recordingIo();
  const api = new MetaApi(
    {
      apiVersion: "v24.0",
      accessToken: "token",
      pageSize: 10,
      asyncAboveDays: 30,
      usageThrottlePercent: 75,
      baseUrl: server.url,
    },
    io,
    RETRY,
  );
  try {
    const result = await api.accountDailyTotals("1029384756", "2026-11-20", "2026-11-20").then(
      (days) => ({ days, error: undefined }),
      (error: unknown) => ({ days: undefined, error }),
    );
    return { ...result, sleeps, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

/** A Graph error answer as Meta sends a rate limit: HTTP 400, the code, and when access comes back (minutes). */
const rateLimited = (code: number, regainMinutes: number): ScriptedAnswer => ({
  status: 400,
  headers: {
    "x-business-use-case-usage": JSON.stringify({
      "1029384756": [
        {
          type: "ads_insights",
          call_count: 100,
          total_cputime: 20,
          total_time: 20,
          estimated_time_to_regain_access: regainMinutes,
        },
      ],
    }),
  },
  body: { error: { message: `(#${code}) rate limited`, type: "OAuthException", code } },
});

describe("Meta's rate limits and usage headers", () => {
  for (const code of [4, 17, 32, 613, 80000, 80004, 80014]) {
    it(`error ${code} waits for estimated_time_to_regain_access, then tries again`, async () => {
      const result = await totals([rateLimited(code, 2), { status: 200, body: ACCOUNT_DAY }]);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.sleeps, [120_000], "two minutes");
      assert.equal(result.days?.get("2026-11-20")?.spend, 12.5);
    });
  }

  for (const code of [100, 80015]) {
    it(`error ${code}, not a rate limit, fails at once`, async () => {
      const result = await totals([rateLimited(code, 2), { status: 200, body: ACCOUNT_DAY }]);
      assert.ok(result.error instanceof PlatformApiError, String(result.error));
      assert.match((result.error as Error).message, new RegExp(`error ${code}`));
      assert.deepEqual(result.sleeps, []);
      assert.equal(result.requests, 1);
    });
  }

  const headers: Record<string, (percent: number) => string> = {
    "x-app-usage": (percent) => JSON.stringify({ call_count: percent, total_cputime: 1, total_time: 1 }),
    "x-ad-account-usage": (percent) => JSON.stringify({ acc_id_util_pct: percent }),
    "x-business-use-case-usage": (percent) =>
      JSON.stringify({
        "1029384756": [{ type: "ads_insights", call_count: 1, total_cputime: percent, total_time: 1 }],
      }),
  };
  for (const [name, value] of Object.entries(headers)) {
    it(`${name} at 75 % of the budget or more slows the client down; below, it does not`, async () => {
      const answer = (percent: number): ScriptedAnswer => ({
        status: 200,
        headers: { [name]: value(percent) },
        body: ACCOUNT_DAY,
      });
      // The wait is that share of the longest one (maxDelaySeconds): 75 % of 300 s, 90 % of 300 s.
      assert.deepEqual((await totals([answer(74)])).sleeps, []);
      assert.deepEqual((await totals([answer(75)])).sleeps, [225_000]);
      assert.deepEqual((await totals([answer(90)])).sleeps, [270_000]);
    });
  }

  it("is on the retry layer the other clients share: 5xx backed off from 1 s, a 429's Retry-After honoured", async () => {
    // README, Connectors: "so the Meta client is fetch on the same retry layer as the others" (http.ts).
    const result = await totals([
      { status: 503, body: "" },
      { status: 502, body: "" },
      { status: 429, headers: { "retry-after": "7" }, body: "" },
      { status: 200, body: ACCOUNT_DAY },
    ]);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.sleeps, [1000, 2000, 7000]);
    assert.equal(result.requests, 4);
    assert.equal(result.days?.get("2026-11-20")?.spend, 12.5);
  });

  it("error 190 is an expired or revoked token: no retry, the credential named", async () => {
    const result = await totals([
      {
        status: 400,
        body: { error: { message: "Error validating access token", type: "OAuthException", code: 190 } },
      },
    ]);
    assert.ok(result.error instanceof PlatformAuthError);
    assert.match((result.error as Error).message, /^reconnect Meta: .*metaAccessToken secret/);
    assert.equal(result.requests, 1);
  });

  it("error 102 (API Session: the login status or token expired or was revoked) asks for a new token like 190", async () => {
    // Graph API "Handling Errors": 102, API Session, "the login status or access token has expired, been revoked,
    // or is otherwise invalid. Get a new access token." A retry cannot fix it, so it is asked once.
    const result = await totals([
      {
        status: 400,
        body: {
          error: { message: "Session key invalid or no longer valid", type: "OAuthException", code: 102 },
        },
      },
      { status: 200, body: ACCOUNT_DAY },
    ]);
    assert.ok(result.error instanceof PlatformAuthError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      "reconnect Meta: the access token is no longer valid (error 102: Session key invalid or no longer valid); generate a new system-user token with ads_read and put it in the metaAccessToken secret",
    );
    assert.equal(result.requests, 1);
    assert.deepEqual(result.sleeps, []);
  });
});
