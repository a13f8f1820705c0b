-- The days of ad spend in another currency than @shop_currency that the raw ad rows extracted at or after
-- @landed_since report (any day from @history_start_date, older or newer than the run window), per currency as
-- ranges of consecutive days (first_day to last_day): ingest's check of the ad days without an exchange rate
-- (functions/ingest/days-without-rate.ts) reads the rows landed since its last check, not every ad row of history.
-- The currency is the one staging reads as each platform's account currency (Meta's account_currency, Google Ads'
-- customer_currency_code in any of its three tables, TikTok's metrics.currency), as in ad_account_currencies.sql.
-- The bound on each raw table's partition column keeps the scan to the partitions landed since.
WITH

ad_days AS (
  SELECT UPPER(TRIM(account_currency)) AS currency, date_start AS day
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
    AND account_currency IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
    AND customer_currency_code IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_asset_group_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
    AND customer_currency_code IS NOT NULL
  UNION ALL
  -- A Google Ads account of only Smart campaigns has no group row: its days are in campaign totals alone.
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_campaign_totals
  WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
    AND customer_currency_code IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(JSON_VALUE(metrics, '$.currency'))) AS currency, DATE(stat_time_day) AS day
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
    AND JSON_VALUE(metrics, '$.currency') IS NOT NULL
),

spend_days AS (
  SELECT DISTINCT currency, day
  FROM ad_days
  WHERE currency != @shop_currency AND day >= @history_start_date
),

islands AS (
  -- Consecutive days share (day − its rank): one range per run of days.
  SELECT
    currency,
    day,
    DATE_DIFF(day, @history_start_date, DAY) - ROW_NUMBER() OVER (PARTITION BY currency ORDER BY day) AS island
  FROM spend_days
)

SELECT
  currency,
  CAST(MIN(day) AS STRING) AS first_day,
  CAST(MAX(day) AS STRING) AS last_day
FROM islands
GROUP BY currency, island
ORDER BY currency, first_day
