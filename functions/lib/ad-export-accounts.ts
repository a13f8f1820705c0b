// The account of an ad platform's UI export. An export may name its ad account (a column), or not: then its rows
// carry one derived key per platform, which stands for "any account of the shop". Ingest keys the rows it lands
// with it (functions/ingest/ads.ts) and lets such an export replace every account's rows of its days
// (sql/queries/ingest/superseded_file_drop_rows.sql); staging lets it compete with every account's rows of its
// days landed by the platform's API (sql/staging/, @unnamed_* parameters).
import { stableId, stableKey } from "./stable-ids.ts";

/** The derived account of an export that names none: one per platform, the same in every such export. */
export const UNNAMED_ACCOUNT = {
  meta: stableKey("meta-account"),
  google: stableId("google-account"),
  tiktok: stableId("tiktok-advertiser"),
} as const;

/**
 * Each ad export's raw table: its account column, and the key its rows carry when the export has no account column
 * (one derived account per platform). A corrected export replaces its own accounts' rows for its days
 * (sql/queries/ingest/superseded_file_drop_rows.sql); one without an account column, every account's.
 */
const AD_EXPORT_ACCOUNTS: Readonly<Record<string, { column: string; unnamed: string }>> = {
  facebook_ads_insights: { column: "account_id", unnamed: UNNAMED_ACCOUNT.meta },
  google_ads_campaign_stats: { column: "customer_id", unnamed: String(UNNAMED_ACCOUNT.google) },
  tiktok_ads_reports_daily: { column: "advertiser_id", unnamed: String(UNNAMED_ACCOUNT.tiktok) },
};

/**
 * The account column of a file drop's raw table and the key of an export without one (see AD_EXPORT_ACCOUNTS).
 * A mapped sales export (raw.shopify_orders) has no account: its rows' source_name is its mapping's name, as its
 * kind is, so it scopes nothing more than the kind.
 */
export function exportAccountOf(table: string): { column: string; unnamed: string } {
  return AD_EXPORT_ACCOUNTS[table] ?? { column: "source_name", unnamed: "" };
}

/** The staging models' parameters: each platform's key of an export that names no account, as text. */
export function unnamedAdAccountParams(): {
  unnamed_meta_account: string;
  unnamed_google_customer: string;
  unnamed_tiktok_advertiser: string;
} {
  return {
    unnamed_meta_account: exportAccountOf("facebook_ads_insights").unnamed,
    unnamed_google_customer: exportAccountOf("google_ads_campaign_stats").unnamed,
    unnamed_tiktok_advertiser: exportAccountOf("tiktok_ads_reports_daily").unnamed,
  };
}
