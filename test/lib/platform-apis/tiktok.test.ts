// TikTok's error codes, one documented answer at a time from a local server (every answer is HTTP 200 with a
// {code, message, request_id, data} envelope): docs/connectors.md ("What real APIs do"): "TikTok's 40100 and
// 40132 ... are retried", and 40102/40104/40105 (a missing, expired or revoked token) are a credential to renew.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PlatformApiError,
  PlatformAuthError,
  type RetryPolicy,
} from "../../../functions/lib/platform-apis/http.ts";
import { REPORT_PATH, TikTokApi } from "../../../functions/lib/platform-apis/tiktok.ts";
import { startPlatformServer, TOKENS } from "../../../tools/demo-apis/server.ts";
import {
  clockedIo,
  recordingIo,
  type ScriptedAnswer,
  startScriptedServer,
} from "../../support/scripted-server.ts";

const REPORT: ScriptedAnswer = {
  status: 200,
  body: {
    code: 0,
    message: "OK",
    request_id: "r-2",
    data: {
      list: [
        {
          dimensions: { advertiser_id: "7012345678901234", stat_time_day: "2026-11-20 00:00:00" },
          metrics: { spend: "40.00", impressions: "1200", clicks: "18" },
        },
      ],
      page_info: { page: 1, page_size: 10, total_number: 1, total_page: 1 },
    },
  },
};
const refused = (code: number, message: string): ScriptedAnswer => ({
  status: 200,
  body: { code, message, request_id: "r-1", data: {} },
});

async function totals(
  script: ScriptedAnswer[],
  retry: RetryPolicy = { maxAttempts: 5, maxDelayMs: 60_000 },
  { io, sleeps } = recordingIo(),
) {
  const server = await startScriptedServer(script);
  const api = new TikTokApi({ accessToken: "token", pageSize: 10, baseUrl: server.url }, io, retry);
  try {
    const result = await api.advertiserDailyTotals("7012345678901234", "2026-11-20", "2026-11-20").then(
      (days) => ({ days, error: undefined }),
      (error: unknown) => ({ days: undefined, error }),
    );
    return { ...result, sleeps, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

describe("TikTok's error codes", () => {
  // The throttling codes of TikTok's own SDK (tiktok/tiktok-business-api-sdk, tiktok_code.py): 40100
  // REQUEST_TOO_FREQUENT and 40132 REQUEST_FREQUENCY_LIMITED.
  for (const [code, message] of [
    [40100, "Too many requests"],
    [40132, "Request frequency limited"],
  ] as const)
    it(`${code} (throttled) is waited out and asked again`, async () => {
      const result = await totals([refused(code, message), REPORT]);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.sleeps, [1000]);
      assert.equal(result.days?.get("2026-11-20")?.spend, 40);
    });

  it("a throttled retry whose wait would end after the deadline is not begun", async () => {
    // Waits of 1 s and 2 s end 3 s in; the next, 4 s, would end at 7 s, after the deadline 5 s in.
    const start = new Date("2026-11-22T11:00:00Z");
    const clock = clockedIo(start);
    const result = await totals(
      [refused(40100, "Too many requests")],
      { maxAttempts: 5, maxDelayMs: 60_000, deadline: new Date(start.getTime() + 5000) },
      clock,
    );
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      (result.error as Error).message,
      "TikTok report: code 40100: Too many requests (request r-1) at attempt 3 of 5; a wait of 4 s would end after 2026-11-22T11:00:05.000Z, the time by which ingest must stop waiting to finish within its function's timeout",
    );
    assert.deepEqual(result.sleeps, [1000, 2000]);
    assert.ok(clock.elapsedMs() <= 5000, `waited ${clock.elapsedMs()} ms`);
  });

  // 40130 SCOPE_NOT_AUTHORIZED (TikTok's SDK): the token lacks the Reporting permission the app must be given.
  for (const code of [40102, 40104, 40105, 40130]) {
    it(`${code} is a refused credential: no retry, the secret named`, async () => {
      const result = await totals([refused(code, "Access token is invalid"), REPORT]);
      assert.ok(result.error instanceof PlatformAuthError, String(result.error));
      assert.match(
        (result.error as Error).message,
        new RegExp(`^reconnect TikTok: .*code ${code}.*tiktokAccessToken secret`),
      );
      assert.equal(result.requests, 1);
    });
  }
});

describe("TikTok's reports by day", () => {
  // 90 days of one ad's rows, each with its own spend, from a local server that refuses a report by day over more
  // than 30 days (code 40002), as TikTok does.
  const days = Array.from({ length: 90 }, (_, index) =>
    new Date(Date.UTC(2026, 7, 23 + index)).toISOString().slice(0, 10),
  );
  const tiktokRows = days.map((day, index) => ({
    advertiserId: "7012345678901234",
    dimensions: { ad_id: "1790000000000001", stat_time_day: `${day} 00:00:00` },
    metrics: { spend: `${index + 1}.00`, impressions: "100", clicks: "2" },
  }));

  const serveTikTok = () =>
    startPlatformServer({
      shopifyOrders: [],
      shopTimezone: "UTC",
      metaInsights: [],
      tiktokRows,
      googleRows: [],
    });

  it("asks for 90 days in slices of at most 30 and returns every day once", async () => {
    const server = await serveTikTok();
    const api = new TikTokApi(
      { accessToken: TOKENS.tiktok, pageSize: 1000, baseUrl: server.url },
      { fetch, sleep: async () => {}, now: () => new Date() },
      { maxAttempts: 1, maxDelayMs: 0 },
    );
    try {
      const rows = await api.adDays("7012345678901234", days[0] ?? "", days.at(-1) ?? "");
      assert.deepEqual(
        rows.map((row) => row.dimensions.stat_time_day.slice(0, 10)),
        days,
      );
      const totals = await api.advertiserDailyTotals("7012345678901234", days[0] ?? "", days.at(-1) ?? "");
      assert.equal(totals.size, 90);
      assert.equal(
        [...totals.values()].reduce((sum, day) => sum + (day.spend ?? 0), 0),
        (90 * 91) / 2,
      );
      const ranges = server.requests
        .filter((request) => request.path === REPORT_PATH)
        .map((request) => `${request.params.start_date}..${request.params.end_date}`);
      assert.deepEqual(ranges, [
        "2026-08-23..2026-09-21",
        "2026-09-22..2026-10-21",
        "2026-10-22..2026-11-20",
        "2026-08-23..2026-09-21",
        "2026-09-22..2026-10-21",
        "2026-10-22..2026-11-20",
      ]);
    } finally {
      await server.close();
    }
  });

  it("the local server refuses a report by day over 31 days, as TikTok does", async () => {
    const server = await serveTikTok();
    try {
      const query = new URLSearchParams({
        advertiser_id: "7012345678901234",
        report_type: "BASIC",
        data_level: "AUCTION_AD",
        dimensions: JSON.stringify(["ad_id", "stat_time_day"]),
        metrics: JSON.stringify(["spend"]),
        start_date: "2026-08-23",
        end_date: "2026-09-22",
      });
      const response = await fetch(`${server.url}${REPORT_PATH}?${query.toString()}`, {
        headers: { "Access-Token": TOKENS.tiktok },
      });
      const body = (await response.json()) as { code: number };
      assert.equal(body.code, 40002);
    } finally {
      await server.close();
    }
  });
});
