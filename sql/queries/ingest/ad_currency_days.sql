-- The day and the currency of each raw ad row landed at or after @landed_since whose day is @from_date or later:
-- the currency staging reads as each platform's account currency (Meta's account_currency, Google Ads'
-- customer_currency_code in any of its three tables, TikTok's metrics.currency). The ad days of both ingest queries
-- that look for days without an exchange rate, which fill their ad_days slot with this text
-- (ad_account_currencies.sql over a window of days, ad_days_landed_since.sql over what landed since the last check).
-- The bound on each raw table's partition column keeps the scan to the partitions landed since.
SELECT UPPER(TRIM(account_currency)) AS currency, date_start AS day
FROM raw.facebook_ads_insights
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
  AND date_start >= @from_date
  AND account_currency IS NOT NULL
UNION ALL
SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
FROM raw.google_ads_campaign_stats
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
  AND segments_date >= @from_date
  AND customer_currency_code IS NOT NULL
UNION ALL
SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
FROM raw.google_ads_asset_group_stats
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
  AND segments_date >= @from_date
  AND customer_currency_code IS NOT NULL
UNION ALL
-- A Google Ads account of only Smart campaigns has no group row: its days are in campaign totals alone.
SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
FROM raw.google_ads_campaign_totals
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
  AND segments_date >= @from_date
  AND customer_currency_code IS NOT NULL
UNION ALL
SELECT UPPER(TRIM(JSON_VALUE(metrics, '$.currency'))) AS currency, DATE(stat_time_day) AS day
FROM raw.tiktok_ads_reports_daily
WHERE _airbyte_extracted_at >= TIMESTAMP(@landed_since)
  AND DATE(stat_time_day) >= @from_date
  AND JSON_VALUE(metrics, '$.currency') IS NOT NULL
