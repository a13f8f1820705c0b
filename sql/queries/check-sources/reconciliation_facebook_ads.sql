-- The warehouse's side of the Meta reconciliation: per day and ad account in the window, spend, impressions and
-- clicks of each day's latest extraction of every ad (the rule of sql/staging/stg_facebook_ads_insights.sql).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

latest_insights AS (
  SELECT date_start, account_id, account_currency, spend, impressions, clicks
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND date_start BETWEEN @window_start AND @window_end
  QUALIFY ROW_NUMBER() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1
)

SELECT
  date_start AS day,
  account_id,
  CAST(COALESCE(SUM(spend), 0) AS FLOAT64) AS spend,
  COALESCE(SUM(impressions), 0) AS impressions,
  COALESCE(SUM(clicks), 0) AS clicks,
  -- The account's currency, in which Meta reports its amounts: the totals keep its decimals.
  MAX(UPPER(account_currency)) AS currency
FROM latest_insights
GROUP BY day, account_id
