-- The currencies the ad accounts' raw rows report in, over the days a run transforms, each with the first day
-- spent in it: those staging reads as each platform's account currency (Meta's account_currency, Google Ads'
-- customer_currency_code in any of its three tables, TikTok's metrics.currency), so that ingest fetches the
-- exchange rates unified.ad_performance will need for them, from the first day that needs one when the transform
-- rebuilds all history (a first build, --full-refresh: the window then starts in 2000, and this reads every ad row
-- once).
-- A day's rows are extracted after the day began: the bound on each raw table's partition column keeps the scan
-- to the window's partitions, as staging's does.
WITH

ad_days AS (
  SELECT UPPER(TRIM(account_currency)) AS currency, date_start AS day
  FROM raw.facebook_ads_insights
  WHERE date_start BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND account_currency IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_campaign_stats
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND customer_currency_code IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_asset_group_stats
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND customer_currency_code IS NOT NULL
  UNION ALL
  -- A Google Ads account of only Smart campaigns has no group row: its days are in campaign totals alone.
  SELECT UPPER(TRIM(customer_currency_code)) AS currency, segments_date AS day
  FROM raw.google_ads_campaign_totals
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND customer_currency_code IS NOT NULL
  UNION ALL
  SELECT UPPER(TRIM(JSON_VALUE(metrics, '$.currency'))) AS currency, DATE(stat_time_day) AS day
  FROM raw.tiktok_ads_reports_daily
  WHERE DATE(stat_time_day) BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND JSON_VALUE(metrics, '$.currency') IS NOT NULL
)

SELECT
  currency,
  CAST(MIN(day) AS STRING) AS first_day
FROM ad_days
GROUP BY currency
ORDER BY currency
