// The retry layer under every platform client, against a local server: docs/connectors.md ("What real APIs do"):
// "429, 408 and 500/502/503/504 answers and connections that fail are retried, honouring Retry-After (seconds or a date), otherwise with backoff doubling
// from 1 s, at most retry.maxAttempts attempts (default 5) and retry.maxDelaySeconds per wait (default 60)".
// The waits expected here are worked out from those words, not read from the code.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlatformApiError, sendWithRetry } from "../../../functions/lib/platform-apis/http.ts";
import {
  clockedIo,
  recordingIo,
  type ScriptedAnswer,
  startScriptedServer,
} from "../../support/scripted-server.ts";

/** The defaults: 5 attempts, 60 s at most per wait. */
const DEFAULTS = { maxAttempts: 5, maxDelayMs: 60_000 };

async function send(script: ScriptedAnswer[], policy = DEFAULTS, now?: Date) {
  const server = await startScriptedServer(script);
  const { io, sleeps } = recordingIo(now);
  try {
    const sent = await sendWithRetry("shopify", io, policy, `${server.url}/x`, { method: "GET" });
    return {
      status: sent.response.status,
      attempts: sent.attempts,
      sleeps,
      requests: server.requests.length,
    };
  } finally {
    await server.close();
  }
}

describe("sendWithRetry", () => {
  it("retries a 408 like a 5xx, with the first backoff of 1 s", async () => {
    const result = await send([{ status: 408 }, { status: 200 }]);
    assert.deepEqual(result, { status: 200, attempts: 2, sleeps: [1000], requests: 2 });
  });

  it("honours a Retry-After given as an HTTP date, from the clock's now", async () => {
    const now = new Date("2026-11-22T11:00:00Z");
    const result = await send(
      [{ status: 429, headers: { "retry-after": "Sun, 22 Nov 2026 11:00:12 GMT" } }, { status: 200 }],
      DEFAULTS,
      now,
    );
    assert.deepEqual(result.sleeps, [12_000]);
    assert.equal(result.status, 200);
  });

  it("caps a Retry-After at maxDelaySeconds", async () => {
    const result = await send([{ status: 429, headers: { "retry-after": "120" } }, { status: 200 }]);
    assert.deepEqual(result.sleeps, [60_000]);
  });

  it("doubles the backoff from 1 s up to the cap, and gives up after maxAttempts (default 5)", async () => {
    // 5 attempts, 4 waits: 1, 2, 4, 8 s under the default cap; with a cap of 3 s: 1, 2, 3, 3 s.
    const failing: ScriptedAnswer[] = [{ status: 503 }];
    const server = await startScriptedServer(failing);
    try {
      for (const [policy, waits] of [
        [DEFAULTS, [1000, 2000, 4000, 8000]],
        [{ maxAttempts: 5, maxDelayMs: 3000 }, [1000, 2000, 3000, 3000]],
      ] as const) {
        const { io, sleeps } = recordingIo();
        const before = server.requests.length;
        await assert.rejects(
          sendWithRetry("tiktok_ads", io, policy, `${server.url}/x`, { method: "GET" }),
          (error: unknown) =>
            error instanceof PlatformApiError && /HTTP 503 after 5 attempts/.test(error.message),
        );
        assert.deepEqual(sleeps, waits);
        assert.equal(server.requests.length - before, 5);
      }
    } finally {
      await server.close();
    }
  });

  for (const status of [500, 502, 503, 504]) {
    it(`retries a ${status}`, async () => {
      const result = await send([{ status }, { status: 200 }]);
      assert.deepEqual(result, { status: 200, attempts: 2, sleeps: [1000], requests: 2 });
    });
  }

  for (const status of [404, 501]) {
    it(`does not retry a ${status}: the client reads it`, async () => {
      const result = await send([{ status }, { status: 200 }]);
      assert.deepEqual(result, { status, attempts: 1, sleeps: [], requests: 1 });
    });
  }

  it("retries a connection that is refused, and names it once the attempts are spent", async () => {
    // A port that was just free and is closed again: nothing answers there.
    const server = await startScriptedServer([{ status: 200 }]);
    const url = `${server.url}/x`;
    await server.close();
    const { io, sleeps } = recordingIo();
    await assert.rejects(
      sendWithRetry("google_ads", io, DEFAULTS, url, { method: "GET" }),
      (error: unknown) =>
        error instanceof PlatformApiError && /no answer .* after 5 attempts/.test(error.message),
    );
    assert.deepEqual(sleeps, [1000, 2000, 4000, 8000]);
  });
});

describe("sendWithRetry with a deadline (ingest's: its function's timeout less the time it keeps to finish)", () => {
  const START = new Date("2026-11-22T11:00:00Z");
  const STOP_WAITING = "the time by which ingest must stop waiting to finish within its function's timeout";
  const until = (seconds: number) => ({ ...DEFAULTS, deadline: new Date(START.getTime() + seconds * 1000) });

  /** The request against `script` on a clock that moves by every wait: its error, waits and requests. */
  async function sendUntil(script: ScriptedAnswer[], seconds: number) {
    const server = await startScriptedServer(script);
    const clock = clockedIo(START);
    try {
      const error = await sendWithRetry("shopify", clock.io, until(seconds), `${server.url}/x`, {
        method: "GET",
      }).then(
        () => undefined,
        (failure: unknown) => failure as PlatformApiError,
      );
      return { error, sleeps: clock.sleeps, elapsedMs: clock.elapsedMs(), requests: server.requests.length };
    } finally {
      await server.close();
    }
  }

  it("a Retry-After that would end after the deadline fails at once, saying when to ask again", async () => {
    // 120 s asked, 90 s left: the 60 s cap would fit, but asking then would only be refused again.
    const result = await sendUntil([{ status: 429, headers: { "retry-after": "120" } }], 90);
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(result.error.status, 429);
    assert.equal(
      result.error.message,
      `GET /x: HTTP 429, and its Retry-After asks to wait 120 s before the next request: that would end after 2026-11-22T11:01:30.000Z, ${STOP_WAITING}; it may be asked again after 2026-11-22T11:02:00.000Z`,
    );
    assert.deepEqual(result.sleeps, []);
    assert.equal(result.requests, 1);
  });

  it("backs off until the next wait would end after the deadline, then fails saying so", async () => {
    // Waits of 1 s and 2 s end 3 s in; the next, 4 s, would end at 7 s, after the deadline at 5 s.
    const result = await sendUntil([{ status: 503 }], 5);
    assert.ok(result.error instanceof PlatformApiError, String(result.error));
    assert.equal(result.error.status, 503);
    assert.equal(
      result.error.message,
      `GET /x: HTTP 503 at attempt 3 of 5; a wait of 4 s would end after 2026-11-22T11:00:05.000Z, ${STOP_WAITING}`,
    );
    assert.deepEqual(result.sleeps, [1000, 2000]);
    assert.ok(result.elapsedMs <= 5000, `waited ${result.elapsedMs} ms`);
    assert.equal(result.requests, 3);
  });

  it("a refused connection's backoff stops at the deadline too", async () => {
    const server = await startScriptedServer([{ status: 200 }]);
    const url = `${server.url}/x`;
    await server.close();
    const clock = clockedIo(START);
    await assert.rejects(
      sendWithRetry("google_ads", clock.io, until(2.5), url, { method: "GET" }),
      (error: unknown) =>
        error instanceof PlatformApiError &&
        /^GET \/x: no answer \(.+\) at attempt 2 of 5; a wait of 2 s would end after 2026-11-22T11:00:02\.500Z, /.test(
          error.message,
        ),
    );
    assert.deepEqual(clock.sleeps, [1000]);
  });
});
