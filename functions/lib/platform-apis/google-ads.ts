// Google Ads API over its REST interface: the Node client (google-ads-api, unofficial) fixes the host
// googleads.googleapis.com and its own API version, so it cannot reach a local server. An OAuth access
// token from the refresh token, then GAQL through googleAds:searchStream (one answer, an array of result
// batches, no pages), with the login-customer-id header when set; cost comes in micros. Google sunset developer
// tokens on 9 September 2026: API access is that of the Google Cloud project owning the OAuth client, and the
// developer-token header, ignored by the API servers, is sent only when an older setup still has a token.
// Performance Max campaigns have no ad groups (a query FROM ad_group returns nothing of them): their spend is read
// from their asset groups, the unit Google reports them by below the campaign. Some spend is reported by neither:
// Smart campaigns' metrics are "available from the campaign resource" (Google Ads API, Smart campaigns → Reporting:
// https://developers.google.com/google-ads/api/docs/smart-campaigns/reporting),
// and a campaign's own row may count more than its ad groups or asset groups do. The campaign rows are read too, and
// land as they come (raw.google_ads_campaign_totals): staging counts what they hold beyond their groups, the one
// rule whichever path (this client or Airbyte's custom queries) landed them.
import { requestToken } from "./oauth.ts";
import { addTotals, type DailyTotals } from "./totals.ts";
import {
  type ApiIo,
  type AskedWait,
  PlatformApiError,
  PlatformAuthError,
  readJson,
  type RetryPolicy,
  sendWithRetry,
} from "./http.ts";

export const GOOGLE_ADS_URL = "https://googleads.googleapis.com";
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface GoogleAdsApiSettings {
  apiVersion: string;
  /** A developer token from before the sunset: sent when set, else no developer-token header. */
  developerToken?: string;
  /** {"client_id","client_secret","refresh_token"} */
  oauth: { client_id: string; client_secret: string; refresh_token: string };
  loginCustomerId?: string;
  baseUrl?: string;
  tokenUrl?: string;
}

/**
 * One searchStream result row of the queries below (int64 values as strings, as the REST API gives them); a row of
 * the campaign query has neither adGroup nor assetGroup.
 */
export interface GoogleAdsRow {
  customer?: { id?: string; currencyCode?: string };
  campaign?: { id?: string; name?: string; advertisingChannelType?: string };
  adGroup?: { id?: string; name?: string };
  /** A Performance Max campaign's asset group (what it has instead of ad groups). */
  assetGroup?: { id?: string; name?: string };
  segments?: { date?: string };
  metrics?: {
    costMicros?: string;
    impressions?: string;
    clicks?: string;
    conversions?: number;
    conversionsValue?: number;
  };
}

/** Day-by-day stats of one customer's campaigns at the level below the campaign: ad groups, or asset groups. */
function groupDaysQuery(group: "ad_group" | "asset_group", startDate: string, endDate: string): string {
  return [
    "SELECT segments.date, customer.id, customer.currency_code, campaign.id, campaign.name,",
    `campaign.advertising_channel_type, ${group}.id, ${group}.name, metrics.cost_micros,`,
    "metrics.impressions, metrics.clicks, metrics.conversions, metrics.conversions_value",
    `FROM ${group} WHERE segments.date BETWEEN '${startDate}' AND '${endDate}'`,
  ].join(" ");
}

export function adGroupDaysQuery(startDate: string, endDate: string): string {
  return groupDaysQuery("ad_group", startDate, endDate);
}

/**
 * The same day-by-day stats of the Performance Max campaigns, by asset group: they have no ad groups, so the query
 * above returns none of their spend (Google's Performance Max reporting guide).
 */
export function assetGroupDaysQuery(startDate: string, endDate: string): string {
  return groupDaysQuery("asset_group", startDate, endDate);
}

/**
 * Every campaign's own day-by-day stats, whatever it has below it: the only place Smart campaigns report their
 * metrics (Google Ads API, Smart campaigns → Reporting), and the campaign level of Performance Max reporting
 * (https://developers.google.com/google-ads/api/performance-max/reporting).
 */
export function campaignDaysQuery(startDate: string, endDate: string): string {
  return [
    "SELECT segments.date, customer.id, customer.currency_code, campaign.id, campaign.name,",
    "campaign.advertising_channel_type, metrics.cost_micros, metrics.impressions, metrics.clicks,",
    "metrics.conversions, metrics.conversions_value",
    `FROM campaign WHERE segments.date BETWEEN '${startDate}' AND '${endDate}'`,
  ].join(" ");
}

export function customerTotalsQuery(startDate: string, endDate: string): string {
  return `SELECT segments.date, customer.id, metrics.cost_micros, metrics.impressions, metrics.clicks FROM customer WHERE segments.date BETWEEN '${startDate}' AND '${endDate}'`;
}

/** The customer's own settings row: its time zone (an IANA name), which cuts its segments.date days. */
export const CUSTOMER_TIME_ZONE_QUERY = "SELECT customer.id, customer.time_zone FROM customer";

/** Digits only: 123-456-7890 → 1234567890. */
export function customerDigits(id: string): string {
  return id.replace(/-/g, "");
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class GoogleAdsApi {
  private accessToken: string | undefined;

  constructor(
    private readonly settings: GoogleAdsApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
  ) {}

  /**
   * Every campaign's stats by day: `groups`, its ad groups and the asset groups of Performance Max campaigns;
   * `campaigns`, each campaign's own day, whatever it has below it (a Smart campaign's whole day).
   */
  async campaignDays(
    customerId: string,
    startDate: string,
    endDate: string,
  ): Promise<{ groups: GoogleAdsRow[]; campaigns: GoogleAdsRow[] }> {
    if (!DATE.test(startDate) || !DATE.test(endDate)) throw new Error("dates must be YYYY-MM-DD");
    const groups = [
      ...(await this.searchStream(customerId, adGroupDaysQuery(startDate, endDate))),
      ...(await this.searchStream(customerId, assetGroupDaysQuery(startDate, endDate))),
    ];
    const campaigns = await this.searchStream(customerId, campaignDaysQuery(startDate, endDate));
    return { groups, campaigns };
  }

  /** The customer's own daily totals for [startDate, endDate], by day. */
  async customerDailyTotals(customerId: string, startDate: string, endDate: string): Promise<DailyTotals> {
    if (!DATE.test(startDate) || !DATE.test(endDate)) throw new Error("dates must be YYYY-MM-DD");
    const rows = await this.searchStream(customerId, customerTotalsQuery(startDate, endDate));
    const totals: DailyTotals = new Map();
    for (const row of rows)
      addTotals(totals, row.segments?.date ?? "", {
        spend: Number(row.metrics?.costMicros ?? 0) / 1_000_000,
        impressions: Number(row.metrics?.impressions ?? 0),
        clicks: Number(row.metrics?.clicks ?? 0),
      });
    return totals;
  }

  /** The customer's time zone (customer.time_zone, an IANA name): its days in segments.date are days there. */
  async customerTimeZone(customerId: string): Promise<string> {
    const [row] = (await this.searchStream(customerId, CUSTOMER_TIME_ZONE_QUERY)) as {
      customer?: { timeZone?: unknown };
    }[];
    const zone = row?.customer?.timeZone;
    if (typeof zone !== "string" || zone === "")
      throw new PlatformApiError(
        "google_ads",
        `Google Ads gave no customer.time_zone for customer ${customerId}`,
      );
    return zone;
  }

  private async token(): Promise<string> {
    if (this.accessToken) return this.accessToken;
    const answer = await requestToken(
      "google_ads",
      this.io,
      this.retry,
      this.settings.tokenUrl ?? GOOGLE_TOKEN_URL,
      {
        fields: { grant_type: "refresh_token", ...this.settings.oauth },
        encoding: "form",
        describe: "Google OAuth token",
      },
    );
    if (answer.accessToken) return (this.accessToken = answer.accessToken);
    const error = typeof answer.body.error === "string" ? answer.body.error : "";
    if (error === "invalid_grant" || error === "invalid_client" || answer.status === 401)
      throw new PlatformAuthError(
        "google_ads",
        `reconnect Google Ads: Google refused the OAuth refresh token (${answer.detail}); authorise again with the https://www.googleapis.com/auth/adwords scope and put the new refresh token in the googleAdsOauth secret`,
      );
    throw new PlatformApiError(
      "google_ads",
      `Google OAuth token: HTTP ${answer.status} ${error}`,
      answer.status,
    );
  }

  private async searchStream(customerId: string, query: string): Promise<GoogleAdsRow[]> {
    const base = (this.settings.baseUrl ?? GOOGLE_ADS_URL).replace(/\/$/, "");
    const url = `${base}/${this.settings.apiVersion}/customers/${customerDigits(customerId)}/googleAds:searchStream`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token()}`,
      "content-type": "application/json",
    };
    if (this.settings.developerToken) headers["developer-token"] = this.settings.developerToken;
    if (this.settings.loginCustomerId)
      headers["login-customer-id"] = customerDigits(this.settings.loginCustomerId);
    const { response } = await sendWithRetry(
      "google_ads",
      this.io,
      this.retry,
      url,
      { method: "POST", headers, body: JSON.stringify({ query }) },
      "Google Ads searchStream",
      googleAdsAskedWait,
    );
    const body = await readJson("google_ads", response, "Google Ads searchStream");
    const elements = (Array.isArray(body) ? body : [body]) as (GoogleAdsErrorBody & {
      results?: GoogleAdsRow[];
    })[];
    // Over REST the stream is one JSON array sent as it comes: an error after the 200 and some batches can only
    // arrive as an element of its own (a google.rpc.Status under "error"), and the batches before it are not all.
    const broken = elements.findIndex((element) => element?.error !== undefined);
    if (response.ok && Array.isArray(body) && broken < 0)
      return elements.flatMap((batch) => batch.results ?? []);
    const error = elements[Math.max(0, broken)] ?? {};
    const status = error.error?.status ?? "";
    const codes = googleAdsErrorCodes(error);
    const named = codes.length ? `, ${codes.join(", ")}` : "";
    if (codes.some((code) => TEST_ACCESS_ONLY.has(code)))
      throw new PlatformAuthError(
        "google_ads",
        `Google Ads API access: customer ${customerId} is not a test account, and the Google Cloud project that owns the OAuth client of the googleAdsOauth secret has only Test access (${status || response.status}${named}); apply for Explorer access on that project's Google Ads API Overview page in the Cloud console (${GOOGLE_ADS_API_OVERVIEW}), then run again with the same credentials`,
      );
    if (response.status === 401 || status === "UNAUTHENTICATED" || status === "PERMISSION_DENIED")
      throw new PlatformAuthError(
        "google_ads",
        `reconnect Google Ads: the API refused the credentials for customer ${customerId} (${status || response.status}${named}: ${error.error?.message ?? "no message"}); check the login-customer-id, that the OAuth user can read this account, and that the Google Cloud project owning the OAuth client has Explorer access or above for a real account (its Google Ads API Overview page in the Cloud console)`,
      );
    const how = response.ok
      ? `the stream broke off after ${broken} result batch${broken === 1 ? "" : "es"} with`
      : `HTTP ${response.status}`;
    throw new PlatformApiError(
      "google_ads",
      `Google Ads searchStream failed for customer ${customerId}: ${how} ${status}${named} ${error.error?.message ?? ""}`,
      error.error?.code ?? response.status,
    );
  }
}

/** Where a Google Cloud project's Google Ads API access level is seen and Explorer access applied for. */
export const GOOGLE_ADS_API_OVERVIEW = "https://console.cloud.google.com/google/ads-apis/overview";

/**
 * Access that reaches test accounts only, on a real (non-test) account: CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION
 * (v25, the Cloud project's Test access), and DEVELOPER_TOKEN_NOT_APPROVED, the same refusal in the developer-token
 * era (deprecated in v25). What earlier versions answer a Test-access project since the sunset is not modelled here.
 */
const TEST_ACCESS_ONLY = new Set([
  "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION",
  "DEVELOPER_TOKEN_NOT_APPROVED",
]);

/** A failed REST call's body: google.rpc.Status, whose details hold a GoogleAdsFailure (or a RetryInfo). */
interface GoogleAdsErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: {
      "@type"?: string;
      /** google.rpc.RetryInfo's. */
      retryDelay?: unknown;
      errors?: {
        errorCode?: Record<string, unknown>;
        details?: { quotaErrorDetails?: { rateName?: unknown; retryDelay?: unknown } };
      }[];
    }[];
  };
}

/** A protobuf Duration in its JSON form ("30s", "2.500s") in milliseconds; undefined when it is not one. */
export function durationMs(value: unknown): number | undefined {
  const seconds = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value)?.[1] : undefined;
  return seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);
}

/**
 * The wait a quota error (HTTP 429, RESOURCE_EXHAUSTED) asks for: the longest retryDelay among its errors'
 * details.quotaErrorDetails ("Backoff period that customers should wait before sending next request") and any
 * google.rpc.RetryInfo detail; undefined when it names none (a daily quota says no delay: backoff then).
 */
export function googleAdsRetryDelay(body: unknown): { ms: number; reason: string } | undefined {
  const status = (Array.isArray(body) ? body[0] : body) as GoogleAdsErrorBody | undefined;
  const error = status?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  const delays: number[] = [];
  const rateNames: string[] = [];
  for (const detail of details) {
    const retryInfo = durationMs(detail?.retryDelay);
    if (retryInfo !== undefined) delays.push(retryInfo);
    for (const failure of Array.isArray(detail?.errors) ? detail.errors : []) {
      const quota = failure?.details?.quotaErrorDetails;
      const delay = durationMs(quota?.retryDelay);
      if (delay !== undefined) delays.push(delay);
      if (typeof quota?.rateName === "string" && !rateNames.includes(quota.rateName))
        rateNames.push(quota.rateName);
    }
  }
  if (delays.length === 0) return undefined;
  const reason = [error?.status, ...googleAdsErrorCodes(status), ...rateNames].filter(
    (part): part is string => typeof part === "string" && part !== "",
  );
  return { ms: Math.max(...delays), reason: reason.join(", ") };
}

/** What a retried searchStream answer asks to wait, read from its body, for the retry layer to follow. */
async function googleAdsAskedWait(response: Response): Promise<AskedWait | undefined> {
  const body = (await response.json().catch(() => undefined)) as unknown;
  const delay = googleAdsRetryDelay(body);
  return delay && { ...delay, platform: "Google Ads" };
}

/** The GoogleAdsFailure's error codes (the enum values of errors[].errorCode, e.g. USER_PERMISSION_DENIED). */
export function googleAdsErrorCodes(body: unknown): string[] {
  const details = (body as GoogleAdsErrorBody | undefined)?.error?.details;
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail) =>
    (Array.isArray(detail?.errors) ? detail.errors : []).flatMap((error) =>
      Object.values(error?.errorCode ?? {}).filter((code): code is string => typeof code === "string"),
    ),
  );
}

/** The OAuth secret's JSON, or an auth error saying what it must hold. */
export function parseOauth(text: string): {
  client_id: string;
  client_secret: string;
  refresh_token: string;
} {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (
      typeof value.client_id === "string" &&
      typeof value.client_secret === "string" &&
      typeof value.refresh_token === "string"
    )
      return {
        client_id: value.client_id,
        client_secret: value.client_secret,
        refresh_token: value.refresh_token,
      };
  } catch {
    // Reported below, without repeating the secret.
  }
  throw new PlatformAuthError(
    "google_ads",
    'the googleAdsOauth secret must be JSON with "client_id", "client_secret" and "refresh_token"',
  );
}
