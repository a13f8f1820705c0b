// The one HTTP layer under every platform API client: retries what a retry can fix (429 with its Retry-After,
// 408 and 5xx with capped exponential backoff, connection failures), a bounded number of times, waiting through
// an injected sleep so that tests are instant and deterministic. A policy's deadline bounds every wait, here and in
// the clients' own (sleepBeforeDeadline): a Cloud Function killed at its timeout mid-wait lands nothing and says
// nothing, so a wait that would end after the deadline is not begun and the request fails at once, saying so. What
// the response means (an expired token, a GraphQL throttle, a TikTok error code) is for each platform's client to
// say.
import type { RawSource, SourceName } from "../../shared/raw-schemas.ts";

export interface ApiIo {
  fetch: typeof fetch;
  /** Waits; injected so tests record the waits instead of spending them. */
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No single wait is longer than this (a Retry-After above it is capped too). */
  maxDelayMs: number;
  /** First backoff; doubled each attempt. */
  baseDelayMs?: number;
  /**
   * The instant (on io's clock) by which every wait must have ended, so that the caller, a Cloud Function, still
   * finishes and reports within its timeout (ingest's connectorDeadline). No deadline, no such limit.
   */
  deadline?: Date;
  /** The step whose function's timeout the deadline keeps to, for messages; ingest unless said. */
  deadlineStep?: string;
  /**
   * How long one request may take, its answer's body included, before it is given up and counts as a failed
   * attempt (cut to REQUEST_GRACE_MS past the deadline). Without it a platform that stops answering holds the run
   * until undici's own five-minute limits, then again on each retry: past the function's timeout, where nothing is
   * landed or said. No limit, no timeout.
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_IO: ApiIo = {
  fetch: (input, init) => fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
};

/** A platform refused the credentials (expired, revoked, missing scope): only a person can fix it. */
export class PlatformAuthError extends Error {
  override name = "PlatformAuthError";
  constructor(
    readonly source: SourceName,
    message: string,
  ) {
    super(message);
  }
}

/** A platform call that failed for good (after the retries, or a request the platform rejects). */
export class PlatformApiError extends Error {
  override name = "PlatformApiError";
  constructor(
    readonly source: RawSource,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const RETRIED_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Capped exponential backoff: base × 2^(attempt−1), at most maxDelayMs. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, (policy.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
}

/** A wait the platform asks for in the body of a retried answer (Google Ads' quota retryDelay), and why. */
export interface AskedWait {
  ms: number;
  /** Who asks ("Google Ads"), and what it said ("RESOURCE_EXHAUSTED, Requests per account"), for messages. */
  platform: string;
  reason: string;
}

/** "30 s", "2.5 s": a wait in seconds, for messages. */
export const inSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** The policy's deadline when a wait of `ms` from now would end after it; undefined when it ends in time or there is none. */
export function pastDeadline(io: ApiIo, policy: RetryPolicy, ms: number): Date | undefined {
  const { deadline } = policy;
  return deadline && io.now().getTime() + ms > deadline.getTime() ? deadline : undefined;
}

/** "<deadline>, the time by which ingest must stop waiting …", for the messages of waits not begun. */
export function stopWaitingAt(deadline: Date, step = "ingest"): string {
  return `${deadline.toISOString()}, the time by which ${step} must stop waiting to finish within its function's timeout`;
}

/**
 * Sleeps `ms`, unless that wait would end after the policy's deadline: then fails at once with a PlatformApiError
 * saying what was waited for (`explain`: a string, followed by the wait and the deadline; or a function given those
 * words). Sleeping into the function's timeout would end the run with nothing landed and nothing said.
 */
export async function sleepBeforeDeadline(
  source: RawSource,
  io: ApiIo,
  policy: RetryPolicy,
  ms: number,
  explain: string | ((wait: string) => string),
  status?: number,
): Promise<void> {
  const deadline = pastDeadline(io, policy, ms);
  if (deadline) {
    const wait = `a wait of ${inSeconds(ms)} would end after ${stopWaitingAt(deadline, policy.deadlineStep)}`;
    throw new PlatformApiError(
      source,
      typeof explain === "string" ? `${explain}; ${wait}` : explain(wait),
      status,
    );
  }
  await io.sleep(ms);
}

interface RequestLimit {
  ms: number;
  signal: AbortSignal;
  /** The answer's headers came: a limit on them alone ends here (a streamed body, read as long as it takes). */
  answered(): void;
}

/**
 * How long past its deadline a request may still run. The deadline bounds waits; the time a step keeps after it
 * (ingest's 90 s, check-sources' 60 s) covers the requests still to send and the rest of the step, so a request
 * begun at the deadline has this much of it, not the whole request timeout.
 */
export const REQUEST_GRACE_MS = 30_000;

/**
 * What ends a request at the policy's limit: its request timeout, or REQUEST_GRACE_MS past its deadline if that is
 * sooner (on io's clock); undefined when neither limits it. It covers the answer's body too, unless `headersOnly`.
 */
function requestLimit(io: ApiIo, policy: RetryPolicy, headersOnly: boolean): RequestLimit | undefined {
  const left = policy.deadline ? policy.deadline.getTime() + REQUEST_GRACE_MS - io.now().getTime() : Infinity;
  const ms = Math.min(policy.requestTimeoutMs ?? Infinity, left);
  if (ms === Infinity) return undefined;
  const controller = new AbortController();
  // At least a millisecond: a request begun past its grace fails as one that did not answer in time.
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${inSeconds(ms)}`, "TimeoutError")),
    Math.max(1, Math.ceil(ms)),
  );
  // A limit left running after its answer never keeps the process alive.
  timer.unref();
  return { ms, signal: controller.signal, answered: () => headersOnly && clearTimeout(timer) };
}

/** Whether an error is a request ended by its time limit (a TimeoutError, as AbortSignal.timeout throws). */
function timedOut(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}

export interface SentRequest {
  response: Response;
  /** Attempts it took (1 when the first one answered). */
  attempts: number;
}

/**
 * Sends a request, retrying 408/429/5xx and network failures; returns the first other response (2xx or 4xx,
 * for the caller to read), or throws PlatformApiError once the attempts are spent. `askedWait` reads the wait a
 * retried answer's body asks for, which is followed (before any Retry-After); one longer than maxDelayMs fails at
 * once, saying when to try again, since asking sooner would only be refused again. So does a wait (asked for, or
 * a backoff) that would end after the policy's deadline. Each attempt has the policy's time limit
 * (requestLimit), its answer's body included unless `options.streamedBody` (a file read as long as it takes).
 */
export async function sendWithRetry(
  source: RawSource,
  io: ApiIo,
  policy: RetryPolicy,
  url: string,
  init: RequestInit,
  describe = `${init.method ?? "GET"} ${new URL(url).pathname}`,
  askedWait?: (response: Response) => Promise<AskedWait | undefined>,
  options: { streamedBody?: boolean } = {},
): Promise<SentRequest> {
  let lastProblem = "";
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    let response: Response;
    const limit = requestLimit(io, policy, options.streamedBody === true);
    try {
      const signal = limit && (init.signal ? AbortSignal.any([init.signal, limit.signal]) : limit.signal);
      response = await io.fetch(url, signal ? { ...init, signal } : init);
      limit?.answered();
    } catch (error) {
      lastProblem =
        limit && timedOut(error)
          ? `no answer within ${inSeconds(limit.ms)}`
          : `no answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
      if (attempt < policy.maxAttempts)
        await sleepBeforeDeadline(
          source,
          io,
          policy,
          backoffMs(attempt, policy),
          `${describe}: ${lastProblem} at attempt ${attempt} of ${policy.maxAttempts}`,
        );
      continue;
    }
    if (!RETRIED_STATUS.has(response.status)) return { response, attempts: attempt };
    const asked = await askedWait?.(response);
    lastProblem = asked ? `HTTP ${response.status} (${asked.reason})` : `HTTP ${response.status}`;
    if (asked && asked.ms > policy.maxDelayMs)
      throw new PlatformApiError(
        source,
        `${describe}: ${asked.platform} asks to wait ${inSeconds(asked.ms)} before the next request (${asked.reason}), longer than a run waits (connectors.retry.maxDelaySeconds: ${inSeconds(policy.maxDelayMs)}); it may be asked again after ${new Date(io.now().getTime() + asked.ms).toISOString()}`,
        response.status,
      );
    const hinted = asked?.ms ?? retryAfterMs(response.headers.get("retry-after"), io.now());
    if (!response.bodyUsed) await response.body?.cancel();
    if (attempt >= policy.maxAttempts) continue;
    // A wait the platform asks for is the earliest it will answer: one that ends after the deadline is not begun,
    // even when the cap would cut it (asking sooner would only be refused again).
    const beyond = hinted === undefined ? undefined : pastDeadline(io, policy, hinted);
    if (hinted !== undefined && beyond)
      throw new PlatformApiError(
        source,
        `${describe}: ${lastProblem}, and ${asked ? asked.platform : "its Retry-After"} asks to wait ${inSeconds(hinted)} before the next request: that would end after ${stopWaitingAt(beyond, policy.deadlineStep)}; it may be asked again after ${new Date(io.now().getTime() + hinted).toISOString()}`,
        response.status,
      );
    await sleepBeforeDeadline(
      source,
      io,
      policy,
      Math.min(policy.maxDelayMs, hinted ?? backoffMs(attempt, policy)),
      `${describe}: ${lastProblem} at attempt ${attempt} of ${policy.maxAttempts}`,
      response.status,
    );
  }
  throw new PlatformApiError(
    source,
    `${describe} kept failing: ${lastProblem} after ${policy.maxAttempts} attempts`,
    Number(/HTTP (\d+)/.exec(lastProblem)?.[1]) || undefined,
  );
}

/** The body as JSON, or a PlatformApiError naming the request when it is not JSON. */
export async function readJson(source: SourceName, response: Response, describe: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The request's time limit (sendWithRetry) covers its body: an answer that stopped half-way ends here.
    if (!timedOut(error)) throw error;
    throw new PlatformApiError(
      source,
      `${describe}: HTTP ${response.status}, but the rest of its answer did not come within the request's time limit (connectors.retry.requestTimeoutSeconds, or ingest's deadline)`,
      response.status,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PlatformApiError(
      source,
      `${describe}: HTTP ${response.status} with a body that is not JSON (${text.slice(0, 120)})`,
      response.status,
    );
  }
}
