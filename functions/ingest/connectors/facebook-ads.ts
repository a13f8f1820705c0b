// Meta connector: daily ad-level insights (with actions and action values) of each configured ad account, the
// lookback re-pulled every run and replacing what earlier pulls landed, into raw.facebook_ads_insights in the
// shape Airbyte's source-facebook-marketing lands (ads_insights stream).
import { MetaApi, type MetaInsightRow } from "../../lib/platform-apis/meta.ts";
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
    const api = new MetaApi({ ...settings, accessToken }, context.io, retryPolicy(context.settings));
    const state = (await readState<AdsState>(context.bucket, "facebook_ads")) ?? { accounts: {} };
    let rowsLanded = 0;
    let rowsReplaced = 0;
    const ranges: string[] = [];
    for (const configured of settings.accountIds) {
      const account = configured.replace(/^act_/, "");
      const range = adPullRange(
        context.runDate,
        settings.lookbackDays,
        state.accounts[account]?.pulledThrough,
      );
      const insights = await api.adInsights(account, range.startDate, range.endDate, range.days);
      const rows = insights.map((row) =>
        metaRawRow(context, { ...row, account_id: row.account_id || account }, settings.apiVersion),
      );
      rowsReplaced += await replaceAccountDays(
        context.warehouse,
        "facebook_ads",
        account,
        range,
        rows,
        context.pullId,
      );
      rowsLanded += rows.length;
      state.accounts[account] = { pulledThrough: range.endDate, pulledAt: context.extractedAt };
      await writeState(context.bucket, "facebook_ads", state);
      ranges.push(`${account} ${range.startDate}..${range.endDate}`);
    }
    return { source: "facebook_ads", rowsLanded, rowsReplaced, pulled: ranges.join(", ") };
  },
};
