// TikTok connector: the integrated report by day at ad level (report_type BASIC, data_level AUCTION_AD) of each
// configured advertiser, the lookback re-pulled every run, into raw.tiktok_ads_reports_daily in the shape
// Airbyte's source-tiktok-marketing lands (ads_reports_daily stream: dimensions and a metrics record).
import { TikTokApi, type TikTokReportRow } from "../../lib/platform-apis/tiktok.ts";
import type { Row } from "../../shared/ports.ts";
import { adPullRange, type AdsState } from "./ad-range.ts";
import {
  airbyteColumns,
  type Connector,
  type RowContext,
  fullRow,
  readState,
  replaceAccountDays,
  writeState,
} from "./landing.ts";
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
    const api = new TikTokApi({ ...settings, accessToken }, context.io, retryPolicy(context.settings));
    const state = (await readState<AdsState>(context.bucket, "tiktok_ads")) ?? { accounts: {} };
    let rowsLanded = 0;
    let rowsReplaced = 0;
    const ranges: string[] = [];
    for (const advertiser of settings.advertiserIds) {
      const range = adPullRange(
        context.runDate,
        settings.lookbackDays,
        state.accounts[advertiser]?.pulledThrough,
      );
      const report = await api.adDays(advertiser, range.startDate, range.endDate);
      const rows = report.map((row) => tiktokRawRow(context, advertiser, row));
      rowsReplaced += await replaceAccountDays(
        context.warehouse,
        "tiktok_ads",
        advertiser,
        range,
        rows,
        context.pullId,
      );
      rowsLanded += rows.length;
      state.accounts[advertiser] = { pulledThrough: range.endDate, pulledAt: context.extractedAt };
      await writeState(context.bucket, "tiktok_ads", state);
      ranges.push(`${advertiser} ${range.startDate}..${range.endDate}`);
    }
    return { source: "tiktok_ads", rowsLanded, rowsReplaced, pulled: ranges.join(", ") };
  },
};
