-- The warehouse's side of an ad platform's reconciliation: per day and ad account in the window, spend,
-- impressions and clicks as the platform's staging model counts them, its own SQL filling the slot below
-- (sql/staging/stg_facebook_ads_insights.sql, stg_tiktok_ads_reports_daily.sql, stg_google_ads_campaign_stats.sql).
-- Which rows count is staging's rule, written there once: each ad's (or ad group's) latest extraction of a day, of
-- the newest landing of the account's day, a dropped export or the API, and for Google Ads what a campaign's own
-- day counts beyond its groups. check-sources runs before the transform, so the model reads raw here, as the
-- transform will; only rows extracted from the day before the window on (the raw tables' partition column).
-- Spend is in the account's currency, in which its platform reports: the totals keep that currency's decimals.
SELECT
  date AS day,
  account_id,
  CAST(COALESCE(SUM(spend), 0) AS FLOAT64) AS spend,
  COALESCE(SUM(impressions), 0) AS impressions,
  COALESCE(SUM(clicks), 0) AS clicks,
  MAX(currency) AS currency
FROM ({{model}}) AS staged_ads
GROUP BY day, account_id
