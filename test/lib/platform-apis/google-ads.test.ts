// The Google Ads client after Google sunset developer tokens (9 September 2026), one documented answer at a time
// from a local server: the developer-token header is sent only when a token is set, and a REST failure's
// GoogleAdsFailure (error.details[].errors[].errorCode) says what to fix. The error bodies are written out here in
// the REST shape of Google's error model (a google.rpc.Status whose details hold a GoogleAdsFailure).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { GoogleAdsApi, googleAdsErrorCodes } from "../../../functions/lib/platform-apis/google-ads.ts";
import {
  PlatformApiError,
  PlatformAuthError,
  type RetryPolicy,
} from "../../../functions/lib/platform-apis/http.ts";
import { recordingIo, type ScriptedAnswer, startScriptedServer } from "../../support/scripted-server.ts";

const CUSTOMER = "1234567890";
const oauth = () => ({
  client_id: `client-${randomBytes(4).toString("hex")}`,
  client_secret: `secret-${randomBytes(8).toString("hex")}`,
  refresh_token: `refresh-${randomBytes(8).toString("hex")}`,
});
const ACCESS_TOKEN = `ya29.${randomBytes(8).toString("hex")}`;
const TOKEN_ANSWER: ScriptedAnswer = { status: 200, body: { access_token: ACCESS_TOKEN, expires_in: 3599 } };
const ROWS: ScriptedAnswer = {
  status: 200,
  body: [
    {
      results: [
        {
          segments: { date: "2026-11-20" },
          metrics: { costMicros: "12500000", impressions: "900", clicks: "30" },
        },
      ],
      fieldMask: "segments.date,metrics.costMicros,metrics.impressions,metrics.clicks",
      requestId: "r-1",
    },
  ],
};

function failure(status: number, grpcStatus: string, errorCode: Record<string, string>): ScriptedAnswer {
  return {
    status,
    body: [
      {
        error: {
          code: status,
          message: "The caller does not have permission",
          status: grpcStatus,
          details: [
            {
              "@type": "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",
              errors: [{ errorCode, message: "described by the API" }],
              requestId: "r-failed",
            },
          ],
        },
      },
    ],
  };
}

/**
 * Google Ads' answer to a request over its rate limit: HTTP 429, RESOURCE_EXHAUSTED, a GoogleAdsFailure whose error
 * carries QuotaErrorDetails (retryDelay a Duration in its JSON form, "30s"), or a google.rpc.RetryInfo detail.
 */
function quotaExhausted(delay: { quotaErrorDetails?: string; retryInfo?: string }): ScriptedAnswer {
  return {
    status: 429,
    body: [
      {
        error: {
          code: 429,
          message: "Resource has been exhausted (e.g. check quota).",
          status: "RESOURCE_EXHAUSTED",
          details: [
            {
              "@type": "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",
              errors: [
                {
                  errorCode: { quotaError: "RESOURCE_TEMPORARILY_EXHAUSTED" },
                  message: "Too many requests in a short amount of time.",
                  ...(delay.quotaErrorDetails
                    ? {
                        details: {
                          quotaErrorDetails: {
                            rateScope: "ACCOUNT",
                            rateName: "Requests per account",
                            retryDelay: delay.quotaErrorDetails,
                          },
                        },
                      }
                    : {}),
                },
              ],
              requestId: "r-quota",
            },
            ...(delay.retryInfo
              ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay.retryInfo }]
              : []),
          ],
        },
      },
    ],
  };
}

async function ask(
  script: ScriptedAnswer[],
  developerToken?: string,
  retry: RetryPolicy = { maxAttempts: 3, maxDelayMs: 1000 },
) {
  const server = await startScriptedServer([TOKEN_ANSWER, ...script]);
  const credentials = oauth();
  const { io, sleeps } = recordingIo();
  const api = new GoogleAdsApi(
    {
      apiVersion: "v25",
      oauth: credentials,
      baseUrl: server.url,
      tokenUrl: `${server.url}/token`,
      developerToken,
    },
    io,
    retry,
  );
  try {
    const result = await api.customerDailyTotals(CUSTOMER, "2026-11-20", "2026-11-20").then(
      (days) => ({ days, error: undefined }),
      (error: unknown) => ({ days: undefined, error: error as Error }),
    );
    return { ...result, requests: server.requests.slice(1), credentials, sleeps };
  } finally {
    await server.close();
  }
}

describe("Google Ads client", () => {
  it("sends no developer-token header without a token (nor with an empty one), and the totals are read", async () => {
    for (const token of [undefined, ""]) {
      const result = await ask([ROWS], token);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.days?.get("2026-11-20"), { spend: 12.5, impressions: 900, clicks: 30 });
      assert.equal(result.requests.length, 1);
      assert.equal(result.requests[0]?.headers["developer-token"], undefined);
      assert.equal(result.requests[0]?.headers.authorization, `Bearer ${ACCESS_TOKEN}`);
    }
  });

  it("still sends a developer token that is set (older setups)", async () => {
    const token = `legacy-${randomBytes(11).toString("hex")}`;
    const result = await ask([ROWS], token);
    assert.equal(result.error, undefined);
    assert.equal(result.requests[0]?.headers["developer-token"], token);
  });

  for (const code of ["CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION", "DEVELOPER_TOKEN_NOT_APPROVED"]) {
    it(`${code}: the Cloud project has Test access only; apply for Explorer access, no retry, no credential`, async () => {
      const result = await ask([failure(403, "PERMISSION_DENIED", { authorizationError: code }), ROWS]);
      assert.ok(result.error instanceof PlatformAuthError, String(result.error));
      assert.match(result.error.message, new RegExp(code));
      assert.match(
        result.error.message,
        /apply for Explorer access on that project's Google Ads API Overview page in the Cloud console \(https:\/\/console\.cloud\.google\.com\/google\/ads-apis\/overview\)/,
      );
      assert.equal(result.requests.length, 1, "not retried");
      for (const secret of [result.credentials.client_secret, result.credentials.refresh_token, ACCESS_TOKEN])
        assert.ok(!result.error.message.includes(secret), "no credential in the message");
    });
  }

  it("another refusal names its error code and what to check, without the developer token", async () => {
    const result = await ask([
      failure(403, "PERMISSION_DENIED", { authorizationError: "USER_PERMISSION_DENIED" }),
    ]);
    assert.ok(result.error instanceof PlatformAuthError);
    assert.match(result.error.message, /reconnect Google Ads: .*PERMISSION_DENIED, USER_PERMISSION_DENIED/);
    assert.match(result.error.message, /login-customer-id/);
    assert.doesNotMatch(result.error.message, /developer token/i);
  });

  it("a failure that is not a refusal stays an API error with its code", async () => {
    const result = await ask([failure(400, "INVALID_ARGUMENT", { queryError: "UNRECOGNIZED_FIELD" })]);
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.match(result.error.message, /HTTP 400 INVALID_ARGUMENT, UNRECOGNIZED_FIELD/);
  });

  // RESOURCE_EXHAUSTED (HTTP 429) with errors[].details.quotaErrorDetails.retryDelay, "Backoff period that customers
  // should wait before sending next request" (QuotaErrorDetails), or a google.rpc.RetryInfo detail: that wait, not
  // the blind first backoff of 1 s.
  const asked: [string, Parameters<typeof quotaExhausted>[0], number][] = [
    ["its quotaErrorDetails", { quotaErrorDetails: "30s" }, 30_000],
    ["a google.rpc.RetryInfo detail (fractions of seconds too)", { retryInfo: "2.5s" }, 2_500],
  ];
  for (const [where, delay, waitMs] of asked)
    it(`a quota error waits the retryDelay ${where} asks for, then asks again`, async () => {
      const result = await ask([quotaExhausted(delay), ROWS], undefined, {
        maxAttempts: 3,
        maxDelayMs: 60_000,
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(result.sleeps, [waitMs]);
      assert.equal(result.requests.length, 2);
      assert.deepEqual(result.days?.get("2026-11-20"), { spend: 12.5, impressions: 900, clicks: 30 });
    });

  it("a quota error asking for longer than a run waits fails at once, saying so and when to try again", async () => {
    // One hour asked, 60 s allowed: waiting 60 s and asking again would only be refused again.
    const result = await ask([quotaExhausted({ quotaErrorDetails: "3600s" }), ROWS], undefined, {
      maxAttempts: 5,
      maxDelayMs: 60_000,
    });
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(result.error.status, 429);
    assert.equal(
      result.error.message,
      "Google Ads searchStream: Google Ads asks to wait 3600 s before the next request (RESOURCE_EXHAUSTED, RESOURCE_TEMPORARILY_EXHAUSTED, Requests per account), longer than a run waits (connectors.retry.maxDelaySeconds: 60 s); it may be asked again after 2026-11-22T12:00:00.000Z",
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests.length, 1, "not asked again within the run");
  });

  it("a quota error's retryDelay that would end after ingest's deadline fails at once, saying when to try again", async () => {
    // 30 s asked, within the 60 s cap, but 20 s are left before ingest must stop waiting.
    const result = await ask([quotaExhausted({ quotaErrorDetails: "30s" }), ROWS], undefined, {
      maxAttempts: 5,
      maxDelayMs: 60_000,
      deadline: new Date("2026-11-22T11:00:20Z"),
    });
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(result.error.status, 429);
    assert.equal(
      result.error.message,
      "Google Ads searchStream: HTTP 429 (RESOURCE_EXHAUSTED, RESOURCE_TEMPORARILY_EXHAUSTED, Requests per account), and Google Ads asks to wait 30 s before the next request: that would end after 2026-11-22T11:00:20.000Z, the time by which ingest must stop waiting to finish within its function's timeout; it may be asked again after 2026-11-22T11:00:30.000Z",
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests.length, 1, "not asked again within the run");
  });

  it("an error at the end of a streamed answer (HTTP 200) fails the call: the batches before it are not all", async () => {
    // Over REST a server stream is one JSON array sent as it comes: once the 200 and the first batches are out, an
    // error can only arrive as the array's last element, a google.rpc.Status under "error".
    const [batch] = ROWS.body as unknown[];
    const result = await ask([
      {
        status: 200,
        body: [batch, { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } }],
      },
    ]);
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(
      result.error.message,
      "Google Ads searchStream failed for customer 1234567890: the stream broke off after 1 result batch with INTERNAL Internal error encountered.",
    );
    assert.equal(result.days, undefined, "no partial totals");
  });

  it("reads the error codes of every error of every GoogleAdsFailure, and nothing from other bodies", () => {
    assert.deepEqual(
      googleAdsErrorCodes({
        error: {
          details: [
            { errors: [{ errorCode: { authorizationError: "A" } }, { errorCode: { quotaError: "B" } }] },
            { errors: [{ errorCode: { requestError: "C" } }] },
          ],
        },
      }),
      ["A", "B", "C"],
    );
    for (const body of [undefined, null, {}, { error: {} }, { error: { details: "x" } }, []])
      assert.deepEqual(googleAdsErrorCodes(body), []);
  });
});
