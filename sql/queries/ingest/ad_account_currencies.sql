-- The currencies the ad accounts' raw rows report in, over the days a run transforms: those staging reads as each
-- platform's account currency (Meta's account_currency, Google Ads' customer_currency_code in any of its three
-- tables, TikTok's metrics.currency), so that ingest fetches the exchange rates unified.ad_performance will need
-- for them.
-- A day's rows are extracted after the day began: the bound on each raw table's partition column keeps the scan
-- to the window's partitions, as staging's does.
SELECT DISTINCT UPPER(TRIM(account_currency)) AS currency
FROM raw.facebook_ads_insights
WHERE date_start BETWEEN @window_start AND @window_end
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  AND account_currency IS NOT NULL
UNION DISTINCT
SELECT DISTINCT UPPER(TRIM(customer_currency_code)) AS currency
FROM raw.google_ads_campaign_stats
WHERE segments_date BETWEEN @window_start AND @window_end
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  AND customer_currency_code IS NOT NULL
UNION DISTINCT
SELECT DISTINCT UPPER(TRIM(customer_currency_code)) AS currency
FROM raw.google_ads_asset_group_stats
WHERE segments_date BETWEEN @window_start AND @window_end
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  AND customer_currency_code IS NOT NULL
UNION DISTINCT
-- A Google Ads account of only Smart campaigns has no group row: its days are in campaign totals alone.
SELECT DISTINCT UPPER(TRIM(customer_currency_code)) AS currency
FROM raw.google_ads_campaign_totals
WHERE segments_date BETWEEN @window_start AND @window_end
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  AND customer_currency_code IS NOT NULL
UNION DISTINCT
SELECT DISTINCT UPPER(TRIM(JSON_VALUE(metrics, '$.currency'))) AS currency
FROM raw.tiktok_ads_reports_daily
WHERE DATE(stat_time_day) BETWEEN @window_start AND @window_end
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  AND JSON_VALUE(metrics, '$.currency') IS NOT NULL
ORDER BY currency
