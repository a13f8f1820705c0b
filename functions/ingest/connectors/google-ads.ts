// Google Ads connector: ad-group stats by day (GAQL over searchStream, cost in micros; Performance Max campaigns by
// asset group; what a campaign's own row counts beyond its groups, such as a Smart campaign's whole day, as a row of
// the campaign with ad_group_id NULL) of each configured customer, the lookback re-pulled every run, into
// raw.google_ads_campaign_stats in the shape Airbyte's source-google-ads lands (segments_date, metrics_cost_micros, …).
import {
  customerDigits,
  GoogleAdsApi,
  type GoogleAdsRow,
  parseOauth,
} from "../../lib/platform-apis/google-ads.ts";
import type { Row } from "../../shared/ports.ts";
import { pullAdAccounts } from "./ad-range.ts";
import { airbyteColumns, type Connector, fullRow, type RowContext } from "./landing.ts";
import { optionalSecret, requireSecret, retryPolicy } from "../../lib/platform-apis/credentials.ts";

export function googleAdsRawRow(
  context: RowContext,
  customerId: string,
  row: GoogleAdsRow,
  apiVersion: string,
): Row {
  const date = row.segments?.date ?? "";
  // A Performance Max campaign's asset group stands where other campaigns have their ad group; a campaign's
  // remainder has neither, and lands with ad_group_id and ad_group_name NULL (staging names it, see its model).
  const group = row.adGroup ?? row.assetGroup;
  return fullRow("google_ads_campaign_stats", {
    segments_date: date,
    customer_id: row.customer?.id ?? customerId,
    customer_currency_code: row.customer?.currencyCode ?? null,
    campaign_id: row.campaign?.id ?? null,
    campaign_name: row.campaign?.name ?? null,
    campaign_advertising_channel_type: row.campaign?.advertisingChannelType ?? null,
    ad_group_id: group?.id ?? null,
    ad_group_name: group?.name ?? null,
    metrics_cost_micros: row.metrics?.costMicros ?? "0",
    metrics_impressions: row.metrics?.impressions ?? "0",
    metrics_clicks: row.metrics?.clicks ?? "0",
    metrics_conversions: row.metrics?.conversions ?? 0,
    metrics_conversions_value: row.metrics?.conversionsValue ?? 0,
    ...airbyteColumns(
      context,
      `api:google_ads:${customerId}:${date}:${row.campaign?.id ?? ""}:${group?.id ?? ""}`,
      { connector: "google_ads", api_version: apiVersion },
    ),
  });
}

export const googleAdsConnector: Connector = {
  source: "google_ads",
  label: "Google Ads",
  async run(context) {
    const settings = context.settings.google_ads;
    // Only the OAuth client and refresh token are needed; a developer token from before Google's sunset is
    // still sent when one is set.
    const developerToken = await optionalSecret(context, "googleAdsDeveloperToken");
    const oauth = parseOauth(await requireSecret(context, "google_ads", "googleAdsOauth"));
    const api = new GoogleAdsApi(
      { ...settings, developerToken, oauth },
      context.io,
      retryPolicy(context.settings, context.deadline),
    );
    return pullAdAccounts(
      context,
      "google_ads",
      settings.customerIds.map(customerDigits),
      settings.lookbackDays,
      async (customer, range) =>
        (await api.campaignDays(customer, range.startDate, range.endDate)).map((row) =>
          googleAdsRawRow(context, customer, row, settings.apiVersion),
        ),
    );
  },
};
