// Google Ads connector: ad-group stats by day (GAQL over searchStream, cost in micros; Performance Max campaigns by
// asset group) of each configured customer into raw.google_ads_campaign_stats, and each campaign's own day (a Smart
// campaign's whole day is only there) into raw.google_ads_campaign_totals, the lookback re-pulled every run, in the
// shape Airbyte's source-google-ads lands its custom queries (segments_date, metrics_cost_micros, …). Staging counts
// what a campaign's day holds beyond its groups, as it does for Airbyte's three streams.
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

/**
 * A searchStream row as its raw table's row: a group's (ad group, or a Performance Max campaign's asset group, in
 * the ad group's place) in google_ads_campaign_stats, a campaign's own day (no group) in google_ads_campaign_totals.
 */
export function googleAdsRawRow(
  context: RowContext,
  customerId: string,
  row: GoogleAdsRow,
  apiVersion: string,
): Row {
  const date = row.segments?.date ?? "";
  const group = row.adGroup ?? row.assetGroup;
  return fullRow(group ? "google_ads_campaign_stats" : "google_ads_campaign_totals", {
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
      {
        lookbackDays: settings.lookbackDays,
        initialDays: settings.initialDays,
        historyRangesPerRun: settings.historyRangesPerRun,
      },
      async (customer, range) => {
        const { groups, campaigns } = await api.campaignDays(customer, range.startDate, range.endDate);
        const raw = (row: GoogleAdsRow) => googleAdsRawRow(context, customer, row, settings.apiVersion);
        return {
          google_ads_campaign_stats: groups.map(raw),
          google_ads_campaign_totals: campaigns.map(raw),
        };
      },
    );
  },
};
