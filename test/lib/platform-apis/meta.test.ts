// Meta's own rules on top of the retry layer, one documented answer at a time from a local server: README,
// Connectors ("What real APIs do"): "Meta's x-app-usage, x-business-use-case-usage, x-ad-account-usage and
// x-fb-ads-insights-throttle headers at or above usageThrottlePercent (default 75) slow the client down before its
// next request, and its rate-limit errors (4, 17, 32, 613, 80000–80014) wait for estimated_time_to_regain_access or
// x-ad-account-usage's reset_time_duration, the longer; one Meta expects to outlast what the
// retries left can wait, or ingest's deadline, fails at once, naming the ad account and Meta's estimate", and errors
// 190 and 102 are a credential to renew. With a deadline, the clock here moves by every wait, as real time would.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PlatformApiError,
  PlatformAuthError,
  type RetryPolicy,
} from "../../../functions/lib/platform-apis/http.ts";
import { MetaApi } from "../../../functions/lib/platform-apis/meta.ts";
import {
  clockedIo,
  recordingIo,
  type ScriptedAnswer,
  startScriptedServer,
} from "../../support/scripted-server.ts";

const ACCOUNT_DAY = {
  data: [{ date_start: "2026-11-20", spend: "12.50", impressions: "900", clicks: "31" }],
};
/** 300 s: the longest wait the settings allow, so that Meta's own estimate is not cut by the cap. */
const RETRY = { maxAttempts: 5, maxDelayMs: 300_000 };

/** The account's totals asked of a server answering `script` (given the server's URL, for paging.next links). */
async function totals(
  script: ScriptedAnswer[] | ((url: string) => ScriptedAnswer[]),
  { retry = RETRY, clock }: { retry?: RetryPolicy; clock?: ReturnType<typeof clockedIo> } = {},
) {
  const answers: ScriptedAnswer[] = [];
  const server = await startScriptedServer(answers);
  answers.push(...(typeof script === "function" ? script(server.url) : script));
  const { io, sleeps } = clock ?? recordingIo();
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
    retry,
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

/** A first page of the account's days, its usage `headers`, and a paging.next link to the second on `url`. */
const usagePage = (url: string, headers: Record<string, string>): ScriptedAnswer => ({
  status: 200,
  headers,
  body: {
    data: [{ date_start: "2026-11-19", spend: "3.00", impressions: "100", clicks: "4" }],
    paging: { next: `${url}/v24.0/act_1029384756/insights?after=MQ` },
  },
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

  it("an ad account's rate limit waits for x-ad-account-usage's reset_time_duration when it is the only estimate", async () => {
    // Meta's ad account limit often says when its score is back to 0 (seconds) and nothing in the BUC header: 90 s,
    // not the 300 s cap a rate limit without an estimate waits.
    const accountLimited: ScriptedAnswer = {
      status: 400,
      headers: {
        "x-ad-account-usage": JSON.stringify({
          acc_id_util_pct: 100,
          reset_time_duration: 90,
          ads_api_access_tier: "standard_access",
        }),
      },
      body: { error: { message: "(#17) User request limit reached", type: "OAuthException", code: 17 } },
    };
    const result = await totals([accountLimited, { status: 200, body: ACCOUNT_DAY }]);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.sleeps, [90_000]);
    assert.equal(result.days?.get("2026-11-20")?.spend, 12.5);

    // The longer of the two estimates wins: 2 minutes to regain access over 90 s to reset.
    const both = structuredClone(rateLimited(17, 2));
    both.headers = { ...both.headers, ...accountLimited.headers };
    assert.deepEqual((await totals([both, { status: 200, body: ACCOUNT_DAY }])).sleeps, [120_000]);
  });

  const headers: Record<string, (percent: number) => string> = {
    "x-app-usage": (percent) => JSON.stringify({ call_count: percent, total_cputime: 1, total_time: 1 }),
    "x-ad-account-usage": (percent) => JSON.stringify({ acc_id_util_pct: percent }),
    // The Insights API's own header: either share counts.
    "x-fb-ads-insights-throttle": (percent) =>
      JSON.stringify({
        app_id_util_pct: 1,
        acc_id_util_pct: percent,
        ads_api_access_tier: "standard_access",
      }),
    "x-business-use-case-usage": (percent) =>
      JSON.stringify({
        "1029384756": [{ type: "ads_insights", call_count: 1, total_cputime: percent, total_time: 1 }],
      }),
  };
  for (const [name, value] of Object.entries(headers)) {
    it(`${name} at 75 % of the budget or more slows the client down before its next request; below, it does not`, async () => {
      // Two pages: the first answer's usage paces the request for the second.
      const pages = (percent: number) => (url: string) => [
        usagePage(url, { [name]: value(percent) }),
        { status: 200, body: ACCOUNT_DAY },
      ];
      // The wait is that share of the longest one (maxDelaySeconds): 75 % of 300 s, 90 % of 300 s.
      assert.deepEqual((await totals(pages(74))).sleeps, []);
      assert.deepEqual((await totals(pages(75))).sleeps, [225_000]);
      assert.deepEqual((await totals(pages(90))).sleeps, [270_000]);
      // No request follows the last answer: nothing to slow down, so no wait.
      const lastOnly = await totals([{ status: 200, headers: { [name]: value(90) }, body: ACCOUNT_DAY }]);
      assert.deepEqual(lastOnly.sleeps, []);
      assert.equal(lastOnly.days?.get("2026-11-20")?.spend, 12.5);
    });
  }

  it("is on the retry layer the other clients share: 5xx backed off from 1 s, a 429's Retry-After honoured", async () => {
    // docs/connectors.md: "so the Meta client is fetch on the same retry layer as the others" (http.ts).
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

describe("Meta's waits and ingest's deadline", () => {
  const START = new Date("2026-11-22T11:00:00Z");
  const STOP_WAITING =
    "the time by which ingest must stop waiting to finish within its function's timeout; nothing more was asked, the next run tries again";
  /** RETRY with a deadline `seconds` after START. */
  const until = (seconds: number, retry: RetryPolicy = RETRY): RetryPolicy => ({
    ...retry,
    deadline: new Date(START.getTime() + seconds * 1000),
  });

  it("a rate limit Meta expects to outlast the deadline fails at once, naming the account and Meta's estimate", async () => {
    // 12 minutes to regain access, 5 minutes left: waiting the 300 s cap and asking again would only be refused,
    // and a run killed at its timeout lands nothing and says nothing.
    const result = await totals([rateLimited(17, 12)], { retry: until(300), clock: clockedIo(START) });
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      `Meta rate-limited ad account act_1029384756 (error 17: (#17) rate limited) and expects access back in 12 minutes (estimated_time_to_regain_access), at 2026-11-22T11:12:00.000Z: that is after 2026-11-22T11:05:00.000Z, ${STOP_WAITING}`,
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests, 1);
  });

  it("a rate limit Meta expects to end before the deadline is waited out", async () => {
    const clock = clockedIo(START);
    const result = await totals([rateLimited(80004, 2), { status: 200, body: ACCOUNT_DAY }], {
      retry: until(300),
      clock,
    });
    assert.equal(result.error, undefined);
    assert.deepEqual(result.sleeps, [120_000]);
    assert.equal(result.days?.get("2026-11-20")?.spend, 12.5);
  });

  it("without Meta's estimate, a retry whose wait would end after the deadline is not begun", async () => {
    // Waits of the cap (60 s) from 11:00:00: the third would end at 11:03:00, after the 11:02:30 deadline.
    const clock = clockedIo(START);
    const result = await totals([rateLimited(4, 0)], {
      retry: until(150, { maxAttempts: 5, maxDelayMs: 60_000 }),
      clock,
    });
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      `Meta answered a rate limit (error 4: (#4) rate limited) without estimating when access comes back, and the client pauses before its next request for ad account act_1029384756: a wait of 60 s would end after 2026-11-22T11:02:30.000Z, ${STOP_WAITING}`,
    );
    assert.deepEqual(result.sleeps, [60_000, 60_000]);
    assert.ok(clock.elapsedMs() <= 150_000, `waited ${clock.elapsedMs()} ms`);
    assert.equal(result.requests, 3);
  });

  it("a usage pause that would end after the deadline is not begun", async () => {
    // 90 % used: 90 % of the 300 s cap, 270 s, before the second page; 100 s are left.
    const result = await totals(
      (url) => [
        usagePage(url, { "x-app-usage": JSON.stringify({ call_count: 90 }) }),
        { status: 200, body: ACCOUNT_DAY },
      ],
      { retry: until(100), clock: clockedIo(START) },
    );
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      `Meta's usage headers report 90 % of a rate limit used (usageThrottlePercent 75), and the client pauses before its next request for ad account act_1029384756: a wait of 270 s would end after 2026-11-22T11:01:40.000Z, ${STOP_WAITING}`,
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests, 1);
  });

  it("a reset_time_duration past the deadline fails at once, naming it", async () => {
    const result = await totals(
      [
        {
          status: 400,
          headers: {
            "x-ad-account-usage": JSON.stringify({ acc_id_util_pct: 100, reset_time_duration: 600 }),
          },
          body: { error: { message: "(#17) User request limit reached", code: 17 } },
        },
      ],
      { retry: until(300), clock: clockedIo(START) },
    );
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      `Meta rate-limited ad account act_1029384756 (error 17: (#17) User request limit reached) and expects access back in 600 s (reset_time_duration), at 2026-11-22T11:10:00.000Z: that is after 2026-11-22T11:05:00.000Z, ${STOP_WAITING}`,
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests, 1);
  });

  it("a rate limit Meta expects to outlast what the retries left can wait fails at once, deadline or not", async () => {
    // 10 minutes to regain access; 4 retries of at most 60 s each reach 4 minutes.
    const result = await totals([rateLimited(613, 10)], { retry: { maxAttempts: 5, maxDelayMs: 60_000 } });
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      "Meta rate-limited ad account act_1029384756 (error 613: (#613) rate limited) and expects access back in 10 minutes (estimated_time_to_regain_access), at 2026-11-22T11:10:00.000Z: later than the 4 retries left can wait (at most 60 s each, connectors.retry.maxDelaySeconds); nothing more was asked, the next run tries again",
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests, 1);
  });
});
