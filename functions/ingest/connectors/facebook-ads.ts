// Meta connector: daily ad-level insights (with actions and action values) of each configured ad account, the
// lookback re-pulled every run and replacing what earlier pulls landed, into raw.facebook_ads_insights in the
// shape Airbyte's source-facebook-marketing lands (ads_insights stream).
import { MetaApi, type MetaInsightRow } from "../../lib/platform-apis/meta.ts";
import type { Row } from "../../shared/ports.ts";
import { pullAdAccounts } from "./ad-range.ts";
import { airbyteColumns, type Connector, fullRow, type RowContext } from "./landing.ts";
import { requireSecret, retryPolicy } from "../../lib/platform-apis/credentials.ts";

export function metaRawRow(context: RowContext, row: MetaInsightRow, apiVersion: string): Row {
  const int = (value: string | undefined) => (value === undefined ? null : String(Math.round(Number(value))));
  return fullRow("facebook_ads_insights", {
    date_start: row.date_start,
    date_stop: row.date_stop,
    account_id: row.account_id,
    account_currency: row.account_currency ?? null,
    campaign_id: row.campaign_id ?? null,
    campaign_name: row.campaign_name ?? null,
    adset_id: row.adset_id ?? null,
    adset_name: row.adset_name ?? null,
    ad_id: row.ad_id ?? null,
    ad_name: row.ad_name ?? null,
    spend: row.spend === undefined ? null : Number(row.spend),
    impressions: int(row.impressions),
    clicks: int(row.clicks),
    reach: int(row.reach),
    actions: JSON.stringify(row.actions ?? []),
    action_values: JSON.stringify(row.action_values ?? []),
    ...airbyteColumns(context, `api:facebook_ads:${row.account_id}:${row.date_start}:${row.ad_id ?? ""}`, {
      connector: "facebook_ads",
      api_version: apiVersion,
    }),
  });
}

export const metaConnector: Connector = {
  source: "facebook_ads",
  label: "Meta Ads",
  async run(context) {
    const settings = context.settings.facebook_ads;
    const accessToken = await requireSecret(context, "facebook_ads", "metaAccessToken");
    const api = new MetaApi(
      { ...settings, accessToken },
      context.io,
      retryPolicy(context.settings, context.deadline),
    );
    const accounts = settings.accountIds.map((configured) => configured.replace(/^act_/, ""));
    return pullAdAccounts(
      context,
      "facebook_ads",
      accounts,
      {
        lookbackDays: settings.lookbackDays,
        initialDays: settings.initialDays,
        historyRangesPerRun: settings.historyRangesPerRun,
      },
      async (account, range) =>
        (await api.adInsights(account, range.startDate, range.endDate, range.days)).map((row) =>
          metaRawRow(context, { ...row, account_id: row.account_id || account }, settings.apiVersion),
        ),
    );
  },
};
