// TikTok's error codes, one documented answer at a time from a local server (every answer is HTTP 200 with a
// {code, message, request_id, data} envelope): README, Connectors ("What real APIs do"): "TikTok's 40100 is
// retried", and 40102/40104/40105 (a missing, expired or revoked token) are a credential to renew.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlatformAuthError } from "../../../functions/lib/platform-apis/http.ts";
import { TikTokApi } from "../../../functions/lib/platform-apis/tiktok.ts";
import { recordingIo, type ScriptedAnswer, startScriptedServer } from "../../support/scripted-server.ts";

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

async function totals(script: ScriptedAnswer[]) {
  const server = await startScriptedServer(script);
  const { io, sleeps } = recordingIo();
  const api = new TikTokApi({ accessToken: "token", pageSize: 10, baseUrl: server.url }, io, {
    maxAttempts: 5,
    maxDelayMs: 60_000,
  });
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
  it("40100 (requests too frequent) is waited out and asked again", async () => {
    const result = await totals([refused(40100, "Too many requests"), REPORT]);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.sleeps, [1000]);
    assert.equal(result.days?.get("2026-11-20")?.spend, 40);
  });

  for (const code of [40102, 40104, 40105]) {
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
