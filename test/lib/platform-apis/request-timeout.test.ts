// Each request a platform client sends has a time limit (connectors.retry.requestTimeoutSeconds, cut to
// REQUEST_GRACE_MS past the step's deadline): a platform that stops answering fails that attempt, and the retries
// after it, in that time rather than holding the run past its function's timeout. Against a real local server that
// never answers, or answers its headers and stops; the limits here are a second of real time at most.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  PlatformApiError,
  readJson,
  REQUEST_GRACE_MS,
  sendWithRetry,
} from "../../../functions/lib/platform-apis/http.ts";
import { recordingIo, startStallingServer } from "../../support/scripted-server.ts";

describe("a request's time limit", () => {
  let server: Awaited<ReturnType<typeof startStallingServer>>;
  before(async () => {
    server = await startStallingServer();
  });
  after(() => server.close());

  it("fails each attempt at a server that never answers after the limit, and the request after its attempts", async () => {
    const { io, sleeps } = recordingIo();
    const started = performance.now();
    const error = await sendWithRetry(
      "facebook_ads",
      io,
      { maxAttempts: 3, maxDelayMs: 60_000, requestTimeoutMs: 150 },
      `${server.url}/silent`,
      { method: "GET" },
    ).then(
      () => assert.fail("a server that never answers cannot succeed"),
      (caught: unknown) => caught,
    );
    const elapsed = performance.now() - started;
    assert.ok(error instanceof PlatformApiError);
    assert.equal(error.message, "GET /silent kept failing: no answer within 0.15 s after 3 attempts");
    // Backoffs of 1 s and 2 s between them, recorded (not spent) by the io.
    assert.deepEqual(sleeps, [1000, 2000]);
    // Three attempts of 0.15 s (whether or not a loaded machine's server saw each before it was given up), not
    // undici's five minutes each.
    assert.ok(elapsed >= 3 * 150 - 20 && elapsed < 10_000, `took ${elapsed} ms`);
  });

  it("is cut to REQUEST_GRACE_MS past the deadline: the time the step keeps after it is for more than one request", async () => {
    const now = new Date("2026-11-22T11:00:00Z");
    const { io } = recordingIo(now);
    // The deadline passed 29.9 s ago: 0.1 s of the grace is left.
    const deadline = new Date(now.getTime() - REQUEST_GRACE_MS + 100);
    const error = await sendWithRetry(
      "shopify",
      io,
      { maxAttempts: 1, maxDelayMs: 60_000, requestTimeoutMs: 60_000, deadline },
      `${server.url}/silent`,
      { method: "GET" },
    ).then(
      () => assert.fail("a server that never answers cannot succeed"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof PlatformApiError);
    assert.equal(error.message, "GET /silent kept failing: no answer within 0.1 s after 1 attempts");
  });

  it("covers the answer's body: one that stops half-way fails, naming the request and its status", async () => {
    const { io } = recordingIo();
    const sent = await sendWithRetry(
      "google_ads",
      io,
      { maxAttempts: 1, maxDelayMs: 60_000, requestTimeoutMs: 1000 },
      `${server.url}/stalled`,
      { method: "POST" },
    );
    const error = await readJson("google_ads", sent.response, "Google Ads searchStream").then(
      () => assert.fail("half a body is no JSON"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof PlatformApiError);
    assert.equal(
      error.message,
      "Google Ads searchStream: HTTP 200, but the rest of its answer did not come within the request's time limit (connectors.retry.requestTimeoutSeconds, or ingest's deadline)",
    );
  });

  it("times only the answer of a streamed file (Shopify's bulk file): its body is read as long as it takes", async () => {
    const { io } = recordingIo();
    const sent = await sendWithRetry(
      "shopify",
      io,
      { maxAttempts: 1, maxDelayMs: 60_000, requestTimeoutMs: 1000 },
      `${server.url}/slow`,
      {},
      "Shopify bulk file",
      undefined,
      { streamedBody: true },
    );
    assert.deepEqual(await sent.response.json(), { rows: 3 });
  });

  it("without the streamed-file exemption, the same slow body is cut at the limit", async () => {
    const { io } = recordingIo();
    const sent = await sendWithRetry(
      "shopify",
      io,
      { maxAttempts: 1, maxDelayMs: 60_000, requestTimeoutMs: 1000 },
      `${server.url}/slow`,
      {},
    );
    await assert.rejects(readJson("shopify", sent.response, "GET /slow"), /did not come within/);
  });
});
