// TikTok connector: the integrated report by day at ad level (report_type BASIC, data_level AUCTION_AD) of each
// configured advertiser, the lookback re-pulled every run, into raw.tiktok_ads_reports_daily in the shape
// Airbyte's source-tiktok-marketing lands (ads_reports_daily stream: dimensions and a metrics record).
import { TikTokApi, type TikTokReportRow } from "../../lib/platform-apis/tiktok.ts";
import type { Row } from "../../shared/ports.ts";
import { pullAdAccounts } from "./ad-range.ts";
import { airbyteColumns, type Connector, fullRow, type RowContext } from "./landing.ts";
import { requireSecret, retryPolicy } from "../../lib/platform-apis/credentials.ts";

export function tiktokRawRow(context: RowContext, advertiserId: string, row: TikTokReportRow): Row {
  // "2026-11-20 00:00:00", midnight of the advertiser's day, as Airbyte stores it.
  const day = row.dimensions.stat_time_day.slice(0, 10);
  return fullRow("tiktok_ads_reports_daily", {
    ad_id: row.dimensions.ad_id,
    advertiser_id: advertiserId,
    stat_time_day: `${day}T00:00:00Z`,
    dimensions: JSON.stringify(row.dimensions),
    metrics: JSON.stringify(row.metrics),
    ...airbyteColumns(context, `api:tiktok_ads:${advertiserId}:${day}:${row.dimensions.ad_id}`, {
      connector: "tiktok_ads",
      api_version: "v1.3",
    }),
  });
}

export const tiktokConnector: Connector = {
  source: "tiktok_ads",
  label: "TikTok Ads",
  async run(context) {
    const settings = context.settings.tiktok_ads;
    const accessToken = await requireSecret(context, "tiktok_ads", "tiktokAccessToken");
    const api = new TikTokApi(
      { ...settings, accessToken },
      context.io,
      retryPolicy(context.settings, context.deadline),
    );
    return pullAdAccounts(
      context,
      "tiktok_ads",
      settings.advertiserIds,
      {
        lookbackDays: settings.lookbackDays,
        initialDays: settings.initialDays,
        historyRangesPerRun: settings.historyRangesPerRun,
      },
      async (advertiser, range) =>
        (await api.adDays(advertiser, range.startDate, range.endDate)).map((row) =>
          tiktokRawRow(context, advertiser, row),
        ),
    );
  },
};
