-- The warehouse's side of the TikTok reconciliation: per day and advertiser in the window, spend, impressions and
-- clicks of each day's latest extraction of every ad (the rule of sql/staging/stg_tiktok_ads_reports_daily.sql).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

latest_reports AS (
  SELECT DATE(stat_time_day) AS day, advertiser_id, metrics
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND DATE(stat_time_day) BETWEEN @window_start AND @window_end
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ad_id, DATE(stat_time_day) ORDER BY _airbyte_extracted_at DESC) = 1
)

SELECT
  day,
  CAST(advertiser_id AS STRING) AS account_id,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.spend') AS FLOAT64)), 0) AS spend,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.impressions') AS INT64)), 0) AS impressions,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.clicks') AS INT64)), 0) AS clicks,
  -- The advertiser's currency, in which TikTok reports its amounts: the totals keep its decimals.
  MAX(UPPER(JSON_VALUE(metrics, '$.currency'))) AS currency
FROM latest_reports
GROUP BY day, account_id
