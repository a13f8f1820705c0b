// TikTok Business API integrated reports (/open_api/v1.3/report/integrated/get/), over plain HTTP: TikTok's
// JavaScript SDK is a beta built from a clone of its repository, for Node 13 to 18. Every answer is HTTP 200 with
// a {code, message, request_id, data} envelope: code 0 is success, 40100 is "requests too frequent" (wait and
// retry), 40102/40104/40105 are a missing, expired or revoked token, 40001 no permission on the advertiser; pages
// are numbered (page, page_size, page_info.total_page). A report by day (dimension stat_time_day) covers at most
// 30 days per request: longer ranges are asked for in slices.
import { addDays } from "../calendar.ts";
import { addTotals, type DailyTotals } from "./totals.ts";
import {
  type ApiIo,
  PlatformApiError,
  PlatformAuthError,
  readJson,
  type RetryPolicy,
  sendWithRetry,
  sleepBeforeDeadline,
} from "./http.ts";

export const TIKTOK_URL = "https://business-api.tiktok.com";
export const REPORT_PATH = "/open_api/v1.3/report/integrated/get/";
export const ADVERTISER_INFO_PATH = "/open_api/v1.3/advertiser/info/";
/**
 * The most days one report by day (stat_time_day) may cover: TikTok refuses a longer range (as Airbyte's and other
 * TikTok connectors slice theirs), and our pulls reach 90 days (a connector switched back on, a long lookback).
 */
export const DAILY_REPORT_MAX_DAYS = 30;

/** [startDate, endDate] cut into consecutive ranges of at most DAILY_REPORT_MAX_DAYS days, in order. */
export function dailyReportSlices(
  startDate: string,
  endDate: string,
): { startDate: string; endDate: string }[] {
  const slices: { startDate: string; endDate: string }[] = [];
  for (let start = startDate; start <= endDate; start = addDays(start, DAILY_REPORT_MAX_DAYS)) {
    const last = addDays(start, DAILY_REPORT_MAX_DAYS - 1);
    slices.push({ startDate: start, endDate: last < endDate ? last : endDate });
  }
  return slices;
}

export interface TikTokApiSettings {
  accessToken: string;
  pageSize: number;
  baseUrl?: string;
}

/** One report row at data_level=AUCTION_AD with dimensions ad_id and stat_time_day (values as strings). */
export interface TikTokReportRow {
  dimensions: { ad_id: string; stat_time_day: string };
  metrics: Record<string, string>;
}

export const AD_METRICS = [
  "campaign_id",
  "campaign_name",
  "adgroup_id",
  "adgroup_name",
  "ad_name",
  "spend",
  "impressions",
  "clicks",
  "conversion",
  "complete_payment",
  "total_complete_payment_rate",
  "currency",
];

interface Envelope<Data> {
  code?: number;
  message?: string;
  request_id?: string;
  data?: Data;
}

interface ReportData<Row> {
  list?: Row[];
  page_info?: { page: number; page_size: number; total_number: number; total_page: number };
}

/**
 * A token to renew: 40102, 40104, 40105 (missing, expired, revoked), and 40130 SCOPE_NOT_AUTHORIZED (TikTok's SDK,
 * tiktok_code.py), a token authorised without the Reporting permission.
 */
const AUTH_CODES = new Set([40102, 40104, 40105, 40130]);
/** "No permission to perform the related operation": the authorising user has no access to the advertiser. */
const PERMISSION_CODE = 40001;
/**
 * Throttled: 40100 REQUEST_TOO_FREQUENT and 40132 REQUEST_FREQUENCY_LIMITED, the codes TikTok's own SDK
 * (tiktok/tiktok-business-api-sdk, tiktok_code.py) names for it.
 */
const RATE_LIMIT_CODES = new Set([40100, 40132]);
const SERVER_CODES = (code: number) => code >= 50000 && code < 60000;

export class TikTokApi {
  constructor(
    private readonly settings: TikTokApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
  ) {}

  /** Daily ad-level rows of one advertiser for [startDate, endDate]. */
  adDays(advertiserId: string, startDate: string, endDate: string): Promise<TikTokReportRow[]> {
    return this.dailyReport<TikTokReportRow>(startDate, endDate, {
      advertiser_id: advertiserId,
      report_type: "BASIC",
      data_level: "AUCTION_AD",
      dimensions: JSON.stringify(["ad_id", "stat_time_day"]),
      metrics: JSON.stringify(AD_METRICS),
    });
  }

  /** The advertiser's own daily totals for [startDate, endDate], by day. */
  async advertiserDailyTotals(
    advertiserId: string,
    startDate: string,
    endDate: string,
  ): Promise<DailyTotals> {
    const rows = await this.dailyReport<{
      dimensions: { stat_time_day: string };
      metrics: Record<string, string>;
    }>(startDate, endDate, {
      advertiser_id: advertiserId,
      report_type: "BASIC",
      data_level: "AUCTION_ADVERTISER",
      dimensions: JSON.stringify(["advertiser_id", "stat_time_day"]),
      metrics: JSON.stringify(["spend", "impressions", "clicks"]),
    });
    const totals: DailyTotals = new Map();
    for (const row of rows)
      addTotals(totals, row.dimensions.stat_time_day.slice(0, 10), {
        spend: Number(row.metrics.spend ?? 0),
        impressions: Number(row.metrics.impressions ?? 0),
        clicks: Number(row.metrics.clicks ?? 0),
      });
    return totals;
  }

  /**
   * The advertiser's time zone, which cuts its report days (stat_time_day): advertiser/info's
   * display_timezone (an IANA name such as America/Los_Angeles), else its timezone (such as Etc/GMT+8).
   */
  async advertiserTimeZone(advertiserId: string): Promise<string> {
    const data = await this.call<{ list?: { display_timezone?: unknown; timezone?: unknown }[] }>(
      ADVERTISER_INFO_PATH,
      {
        advertiser_ids: JSON.stringify([advertiserId]),
        fields: JSON.stringify(["advertiser_id", "timezone", "display_timezone"]),
      },
      "TikTok advertiser info",
    );
    const [info] = data.list ?? [];
    for (const zone of [info?.display_timezone, info?.timezone])
      if (typeof zone === "string" && zone !== "") return zone;
    throw new PlatformApiError("tiktok_ads", `TikTok gave no time zone for advertiser ${advertiserId}`);
  }

  /** A report by day over [startDate, endDate], one slice of at most DAILY_REPORT_MAX_DAYS after another. */
  private async dailyReport<Row>(
    startDate: string,
    endDate: string,
    params: Record<string, string>,
  ): Promise<Row[]> {
    const rows: Row[] = [];
    for (const slice of dailyReportSlices(startDate, endDate))
      rows.push(
        ...(await this.report<Row>({ ...params, start_date: slice.startDate, end_date: slice.endDate })),
      );
    return rows;
  }

  private async report<Row>(params: Record<string, string>): Promise<Row[]> {
    const rows: Row[] = [];
    for (let page = 1; ; page += 1) {
      const data = await this.call<ReportData<Row>>(
        REPORT_PATH,
        {
          ...params,
          page: String(page),
          page_size: String(this.settings.pageSize),
        },
        "TikTok report",
      );
      rows.push(...(data.list ?? []));
      if (!data.page_info || page >= data.page_info.total_page) return rows;
    }
  }

  private async call<Data>(path: string, params: Record<string, string>, what: string): Promise<Data> {
    const base = (this.settings.baseUrl ?? TIKTOK_URL).replace(/\/$/, "");
    const url = `${base}${path}?${new URLSearchParams(params).toString()}`;
    for (let attempt = 1; ; attempt += 1) {
      const { response } = await sendWithRetry(
        "tiktok_ads",
        this.io,
        this.retry,
        url,
        { method: "GET", headers: { "Access-Token": this.settings.accessToken } },
        what,
      );
      const body = (await readJson("tiktok_ads", response, what)) as Envelope<Data>;
      if (response.ok && body.code === 0 && body.data) return body.data;
      const code = body.code ?? response.status;
      if (AUTH_CODES.has(code) || response.status === 401)
        throw new PlatformAuthError(
          "tiktok_ads",
          `reconnect TikTok: the Business API refused the access token (code ${code}: ${body.message ?? "no message"}); authorise the app again with the Reporting permission and put the new token in the tiktokAccessToken secret`,
        );
      if (code === PERMISSION_CODE)
        throw new PlatformAuthError(
          "tiktok_ads",
          `give TikTok access: the Business API refused the advertiser (code ${code}: ${body.message ?? "no message"}); check connectors.tiktok_ads.advertiserIds, and that the user who authorised the app has access to each advertiser in Business Center, then authorise the app again with the Reporting permission and put the new token in the tiktokAccessToken secret`,
        );
      if ((RATE_LIMIT_CODES.has(code) || SERVER_CODES(code)) && attempt < this.retry.maxAttempts) {
        await sleepBeforeDeadline(
          "tiktok_ads",
          this.io,
          this.retry,
          Math.min(this.retry.maxDelayMs, 1000 * 2 ** (attempt - 1)),
          `${what}: code ${code}: ${body.message ?? "no message"} (request ${body.request_id ?? "?"}) at attempt ${attempt} of ${this.retry.maxAttempts}`,
        );
        continue;
      }
      throw new PlatformApiError(
        "tiktok_ads",
        `${what} failed: code ${code}: ${body.message ?? "no message"} (request ${body.request_id ?? "?"})`,
        response.status,
      );
    }
  }
}
