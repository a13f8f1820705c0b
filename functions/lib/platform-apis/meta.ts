// Meta Marketing API (Graph API) insights, over plain HTTP. facebook-nodejs-business-sdk's object layer
// (AdAccount.getInsights and its Cursor) builds every first request from FacebookAdsApi.GRAPH, a static getter
// read by class name, so it cannot be pointed at another host without patching the shared class for the whole
// process; FacebookAdsApi.init also installs a process-wide crash reporter that posts to Facebook by default.
// What remains usable (call() with a URL override) is axios plus an error wrapper. So this is fetch, on the one
// retry layer every connector uses, with Meta's own rules on top: the usage headers (x-app-usage,
// x-business-use-case-usage, x-ad-account-usage) slow the client down before Meta blocks it; errors 190 and 102
// are an expired or revoked token, errors 10 and 200–299 a permission the token lacks; the rate-limit codes (4, 17,
// 32, 613, 80000–80014) wait and try again; a synchronous request that timed out is asked again as an asynchronous
// report run, as Meta advises, polled until it completes or its caller's deadline comes. No wait ends after the retry
// policy's deadline: a rate limit Meta expects to last past it fails at once, naming the account and Meta's estimate.
import { addTotals, type DailyTotals } from "./totals.ts";
import {
  type ApiIo,
  inSeconds,
  pastDeadline,
  PlatformApiError,
  PlatformAuthError,
  readJson,
  type RetryPolicy,
  sendWithRetry,
  sleepBeforeDeadline,
  stopWaitingAt,
} from "./http.ts";

export const GRAPH_URL = "https://graph.facebook.com";

export interface MetaApiSettings {
  apiVersion: string;
  accessToken: string;
  pageSize: number;
  asyncAboveDays: number;
  usageThrottlePercent: number;
  baseUrl?: string;
}

export interface MetaAction {
  action_type: string;
  value: string;
}

/** One insights row at level=ad, time_increment=1, as the Graph API returns it (numbers as strings). */
export interface MetaInsightRow {
  date_start: string;
  date_stop: string;
  account_id: string;
  account_currency?: string;
  campaign_id?: string;
  campaign_name?: string;
  adset_id?: string;
  adset_name?: string;
  ad_id?: string;
  ad_name?: string;
  spend?: string;
  impressions?: string;
  clicks?: string;
  reach?: string;
  actions?: MetaAction[];
  action_values?: MetaAction[];
}

export const AD_INSIGHT_FIELDS = [
  "account_id",
  "account_currency",
  "campaign_id",
  "campaign_name",
  "adset_id",
  "adset_name",
  "ad_id",
  "ad_name",
  "spend",
  "impressions",
  "clicks",
  "reach",
  "actions",
  "action_values",
];

/**
 * Every effective_status an ad can have (facebook-nodejs-business-sdk's Ad.EffectiveStatus). An ad account's
 * insights at level=ad return no stats of ARCHIVED or DELETED ads unless filtered on ad.effective_status naming
 * them, though such an ad's spend stays in the account's totals (Marketing API, "Manage your ad object's status"):
 * an ad deleted after it spent would otherwise vanish from the days the lookback pulls again.
 */
export const AD_EFFECTIVE_STATUSES = [
  "ACTIVE",
  "ADSET_PAUSED",
  "ARCHIVED",
  "CAMPAIGN_PAUSED",
  "DELETED",
  "DISAPPROVED",
  "IN_PROCESS",
  "PAUSED",
  "PENDING_BILLING_INFO",
  "PENDING_REVIEW",
  "PREAPPROVED",
  "WITH_ISSUES",
];

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
}

interface InsightsPage<Row> {
  data?: Row[];
  paging?: { next?: string; cursors?: { after?: string } };
  error?: GraphError;
}

/**
 * A synchronous insights request too big to finish in time (Ads Insights API error codes: 100/1504018 and
 * 2/1504038, "Try a smaller date range, fetch less data, or use async jobs"): asked again as a report run.
 */
class SyncInsightsTimeout extends PlatformApiError {}
const SYNC_TIMEOUT_SUBCODES = new Set([1504018, 1504038]);

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isRateLimit = (code: number | undefined) =>
  code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014));

/**
 * When Meta says access comes back: the longest of its estimates, in ms, and the header field that gave it (for
 * messages). x-business-use-case-usage's estimated_time_to_regain_access is in minutes; x-ad-account-usage's
 * reset_time_duration, the seconds until the ad account's score is back to 0 (Graph API "Rate Limiting", "Headers"),
 * is often the only one an ad account's limit sends.
 */
export interface RegainEstimate {
  ms: number;
  field: "estimated_time_to_regain_access" | "reset_time_duration";
}

/**
 * The highest share (0–100) any usage header reports, and Meta's own estimate of when access is back (none: 0 ms).
 * x-fb-ads-insights-throttle is the Insights API's own (app_id_util_pct, acc_id_util_pct; Marketing API "Insights API
 * Limits and Best Practices"): the insights calls this client makes are paced by it as by the others.
 */
export function usageOf(headers: Headers): { percent: number; regain: RegainEstimate } {
  let percent = 0;
  let regain: RegainEstimate = { ms: 0, field: "estimated_time_to_regain_access" };
  const consider = (value: unknown) => {
    if (typeof value === "number" && Number.isFinite(value)) percent = Math.max(percent, value);
  };
  const considerRegain = (ms: number, field: RegainEstimate["field"]) => {
    if (Number.isFinite(ms) && ms > regain.ms) regain = { ms, field };
  };
  const parse = (name: string): unknown => {
    const text = headers.get(name);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const app = parse("x-app-usage") as Record<string, unknown> | undefined;
  if (app) for (const key of ["call_count", "total_cputime", "total_time"]) consider(app[key]);
  const insights = parse("x-fb-ads-insights-throttle") as Record<string, unknown> | undefined;
  if (insights) for (const key of ["app_id_util_pct", "acc_id_util_pct"]) consider(insights[key]);
  const account = parse("x-ad-account-usage") as Record<string, unknown> | undefined;
  if (account) {
    consider(account.acc_id_util_pct);
    if (typeof account.reset_time_duration === "number")
      considerRegain(account.reset_time_duration * 1000, "reset_time_duration");
  }
  const business = parse("x-business-use-case-usage") as Record<string, unknown> | undefined;
  for (const entries of Object.values(business ?? {})) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Record<string, unknown>[]) {
      for (const key of ["call_count", "total_cputime", "total_time"]) consider(entry[key]);
      const minutes = entry.estimated_time_to_regain_access;
      if (typeof minutes === "number") considerRegain(minutes * 60_000, "estimated_time_to_regain_access");
    }
  }
  return { percent, regain };
}

/**
 * An invalid token, which only a new one fixes: error 190 (OAuthException, "Access token has expired") and error 102
 * (API Session: "the login status or access token has expired, been revoked, or is otherwise invalid. Get a new
 * access token.", Graph API "Handling Errors").
 */
const isInvalidTokenError = (code: number | undefined) => code === 190 || code === 102;

/** "reconnect Meta: the token expired on …", from error 190's message when it says when. */
export function metaAuthMessage(error: GraphError): string {
  const expired = /expired on ([^.]+?)\. /.exec(`${error.message ?? ""} `)?.[1];
  const what = expired
    ? `the access token expired on ${expired}`
    : error.error_subcode === 460
      ? "the access token was invalidated (the password changed)"
      : `the access token is no longer valid (error ${error.code ?? 190}: ${error.message ?? "no message"})`;
  return `reconnect Meta: ${what}; generate a new system-user token with ads_read and put it in the metaAccessToken secret`;
}

/**
 * A permission the token lacks (Graph API errors 10 and 200–299: "the user has not granted or has removed a
 * permission"), typically an ad account not assigned to the system user: only a person can fix it.
 */
const isPermissionError = (code: number | undefined) =>
  code !== undefined && (code === 10 || (code >= 200 && code <= 299));

export function metaPermissionMessage(error: GraphError): string {
  return `give Meta access: the token may not read this ad account's insights (error ${error.code ?? "?"}: ${error.message ?? "no message"}); in Business Manager assign each ad account of connectors.facebook_ads.accountIds to the system user, generate its token with ads_read and put it in the metaAccessToken secret`;
}

/** "12 minutes (estimated_time_to_regain_access)", "90 s (reset_time_duration)": as Meta's header said it. */
function regainWords({ ms, field }: RegainEstimate): string {
  if (field === "reset_time_duration") return `${inSeconds(ms)} (${field})`;
  const minutes = Math.round(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? "" : "s"} (${field})`;
}

/** "error 17/2446079: User request limit reached", for messages. */
const graphErrorWords = (error: GraphError) =>
  `error ${error.code ?? "?"}${error.error_subcode ? `/${error.error_subcode}` : ""}: ${error.message ?? "no message"}`;

export class MetaApi {
  /** Every wait the usage headers asked for, in ms. */
  readonly usageWaitsMs: number[] = [];
  /**
   * The pause the last answer's usage headers (or rate limit) ask for before the next request, and why: taken just
   * before that request, so that none is waited out after the last one.
   */
  private pendingPause: { ms: number; reason: string } | undefined;

  /**
   * The retry policy's deadline (on io's clock) bounds every wait: a report run still running, a rate limit or a
   * usage pause that would end after it is given up, so that the caller (a Cloud Function with a timeout) has the
   * time to say so; no deadline, no such limit.
   */
  constructor(
    private readonly settings: MetaApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
  ) {}

  private url(path: string, params: Record<string, string>): string {
    const base = (this.settings.baseUrl ?? GRAPH_URL).replace(/\/$/, "");
    const search = new URLSearchParams({ ...params, access_token: this.settings.accessToken });
    return `${base}/${this.settings.apiVersion}/${path}?${search.toString()}`;
  }

  /** Daily ad-level insights of one account for [since, until]: asynchronous report run above asyncAboveDays. */
  async adInsights(accountId: string, since: string, until: string, days: number): Promise<MetaInsightRow[]> {
    const params = {
      level: "ad",
      time_increment: "1",
      time_range: JSON.stringify({ since, until }),
      fields: AD_INSIGHT_FIELDS.join(","),
      filtering: JSON.stringify([
        { field: "ad.effective_status", operator: "IN", value: AD_EFFECTIVE_STATUSES },
      ]),
      limit: String(this.settings.pageSize),
    };
    const account = actId(accountId);
    const reportRun = async () => {
      const runId = await this.startReportRun(account, params, `${since}..${until}`);
      return this.allPages<MetaInsightRow>(this.url(`${runId}/insights`, { limit: params.limit }), account);
    };
    if (days > this.settings.asyncAboveDays) return reportRun();
    try {
      return await this.allPages<MetaInsightRow>(this.url(`${account}/insights`, params), account);
    } catch (error) {
      // An account with many ads can be too much for a synchronous answer whatever the range: Meta says to use
      // a report run, which has the time to finish.
      if (error instanceof SyncInsightsTimeout) return reportRun();
      throw error;
    }
  }

  /** The account's own daily totals for [since, until] (level=account, time_increment=1), by day. */
  async accountDailyTotals(accountId: string, since: string, until: string): Promise<DailyTotals> {
    const account = actId(accountId);
    const rows = await this.allPages<{
      date_start: string;
      spend?: string;
      impressions?: string;
      clicks?: string;
    }>(
      this.url(`${account}/insights`, {
        level: "account",
        time_increment: "1",
        time_range: JSON.stringify({ since, until }),
        fields: "spend,impressions,clicks",
        limit: String(this.settings.pageSize),
      }),
      account,
    );
    const totals: DailyTotals = new Map();
    for (const row of rows)
      addTotals(totals, row.date_start, {
        spend: Number(row.spend ?? 0),
        impressions: Number(row.impressions ?? 0),
        clicks: Number(row.clicks ?? 0),
      });
    return totals;
  }

  /**
   * The account's time zone (an IANA name): Meta's insights cut an account's days at midnight there
   * (`timezone_name` of the ad account node).
   */
  async accountTimeZone(accountId: string): Promise<string> {
    const account = actId(accountId);
    const node = (await this.call(this.url(account, { fields: "timezone_name" }), "GET", account)) as {
      timezone_name?: unknown;
    };
    if (typeof node.timezone_name !== "string" || node.timezone_name === "")
      throw new PlatformApiError("facebook_ads", `Meta gave no timezone_name for ${actId(accountId)}`);
    return node.timezone_name;
  }

  private async startReportRun(
    account: string,
    params: Record<string, string>,
    range: string,
  ): Promise<string> {
    const started = (await this.call(this.url(`${account}/insights`, params), "POST", account)) as {
      report_run_id?: string;
    };
    const runId = started.report_run_id;
    if (!runId) throw new PlatformApiError("facebook_ads", "Meta did not return a report_run_id");
    for (let poll = 1; ; poll += 1) {
      const status = (await this.call(this.url(runId, {}), "GET", account)) as {
        async_status?: string;
        async_percent_completion?: number;
      };
      if (status.async_status === "Job Completed") return runId;
      if (status.async_status === "Job Failed" || status.async_status === "Job Skipped")
        throw new PlatformApiError(
          "facebook_ads",
          `Meta's report run ${runId} ended with "${status.async_status}"`,
        );
      if (poll >= 60)
        throw new PlatformApiError("facebook_ads", `Meta's report run ${runId} did not finish in 60 polls`);
      await sleepBeforeDeadline(
        "facebook_ads",
        this.io,
        this.retry,
        Math.min(this.retry.maxDelayMs, 2000 * Math.min(poll, 5)),
        `Meta's report run ${runId} of ${account} for ${range} was still running ("${status.async_status ?? "no status"}", ${status.async_percent_completion ?? "?"} % done) after ${poll} polls`,
      );
    }
  }

  private async allPages<Row>(first: string, account: string): Promise<Row[]> {
    const rows: Row[] = [];
    let next: string | undefined = first;
    while (next) {
      const page = (await this.call(next, "GET", account)) as InsightsPage<Row>;
      rows.push(...(page.data ?? []));
      next = page.data?.length ? page.paging?.next : undefined;
    }
    return rows;
  }

  /**
   * One Graph call for `account` (act_<id>, for messages): usage-header pacing, rate-limit codes retried, errors 190
   * and 102 as an auth error.
   */
  private async call(url: string, method: "GET" | "POST", account: string): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      await this.pauseIfAsked(account);
      const { response } = await sendWithRetry(
        "facebook_ads",
        this.io,
        this.retry,
        url,
        { method },
        `Meta ${method} insights`,
      );
      const body = (await readJson("facebook_ads", response, "Meta insights")) as InsightsPage<unknown>;
      const usage = usageOf(response.headers);
      if (response.ok && !body.error) {
        if (usage.percent >= this.settings.usageThrottlePercent)
          this.pauseBeforeNext(
            usage,
            usage.percent,
            `Meta's usage headers report ${usage.percent} % of a rate limit used (usageThrottlePercent ${this.settings.usageThrottlePercent})`,
          );
        return body;
      }
      const error = body.error ?? {};
      if (isInvalidTokenError(error.code) || response.status === 401)
        throw new PlatformAuthError("facebook_ads", metaAuthMessage(error));
      if (isPermissionError(error.code))
        throw new PlatformAuthError("facebook_ads", metaPermissionMessage(error));
      if (SYNC_TIMEOUT_SUBCODES.has(error.error_subcode ?? 0))
        throw new SyncInsightsTimeout(
          "facebook_ads",
          `Meta insights timed out: error ${error.code ?? "?"}/${error.error_subcode}: ${error.message ?? "no message"}`,
          response.status,
        );
      if (isRateLimit(error.code)) {
        this.refuseRegainPastReach(account, error, usage.regain, attempt);
        if (attempt < this.retry.maxAttempts) {
          this.pauseBeforeNext(
            usage,
            100,
            `Meta answered a rate limit (${graphErrorWords(error)})${usage.regain.ms > 0 ? "" : " without estimating when access comes back"}`,
          );
          continue;
        }
      }
      throw new PlatformApiError(
        "facebook_ads",
        `Meta insights failed: HTTP ${response.status}, error ${error.code ?? "?"}: ${error.message ?? "no message"}`,
        response.status,
      );
    }
  }

  /**
   * A rate limit Meta expects to last (estimated_time_to_regain_access) past the time the run may still wait, the
   * deadline or what the retries left can wait, fails at once: waiting the cap and asking again would only be
   * refused, and sleeping into the function's timeout would land nothing and say nothing.
   */
  private refuseRegainPastReach(
    account: string,
    error: GraphError,
    regain: RegainEstimate,
    attempt: number,
  ): void {
    if (regain.ms <= 0) return;
    const regainMs = regain.ms;
    const retriesLeft = this.retry.maxAttempts - attempt;
    const deadline = pastDeadline(this.io, this.retry, regainMs);
    const why = deadline
      ? `that is after ${stopWaitingAt(deadline, this.retry.deadlineStep)}`
      : retriesLeft === 0
        ? `the ${this.retry.maxAttempts} attempts of connectors.retry.maxAttempts are spent`
        : regainMs > retriesLeft * this.retry.maxDelayMs
          ? `later than the ${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} left can wait (at most ${inSeconds(this.retry.maxDelayMs)} each, connectors.retry.maxDelaySeconds)`
          : undefined;
    if (!why) return;
    const regainAt = new Date(this.io.now().getTime() + regainMs).toISOString();
    throw new PlatformApiError(
      "facebook_ads",
      `Meta rate-limited ad account ${account} (${graphErrorWords(error)}) and expects access back in ${regainWords(regain)}, at ${regainAt}: ${why}; nothing more was asked, the next run tries again`,
    );
  }

  /** Sets the pause before the next request: as long as Meta says access needs to come back, else longer the nearer the budget is to full. */
  private pauseBeforeNext(usage: { regain: RegainEstimate }, percent: number, reason: string): void {
    const wanted =
      usage.regain.ms > 0 ? usage.regain.ms : Math.round((percent / 100) * this.retry.maxDelayMs);
    const ms = Math.min(this.retry.maxDelayMs, Math.max(1000, wanted));
    this.pendingPause = { ms, reason };
  }

  /** Takes the pause an earlier answer asked for, unless it would end after the deadline: then fails, saying why. */
  private async pauseIfAsked(account: string): Promise<void> {
    const pause = this.pendingPause;
    if (!pause) return;
    this.pendingPause = undefined;
    await sleepBeforeDeadline(
      "facebook_ads",
      this.io,
      this.retry,
      pause.ms,
      (wait) =>
        `${pause.reason}, and the client pauses before its next request for ad account ${account}: ${wait}; nothing more was asked, the next run tries again`,
    );
    this.usageWaitsMs.push(pause.ms);
  }
}

/** act_<id>, whether or not the setting had the prefix. */
export function actId(accountId: string): string {
  return accountId.startsWith("act_") ? accountId : `act_${accountId}`;
}
