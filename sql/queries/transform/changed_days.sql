-- The event days of the raw rows extracted since the last transform's watermark (each table's own mark,
-- @since_<table>), up to the run date: a refund or a cancellation of an old order (Airbyte lands the order
-- again), a late ad report, a backfilled file drop. A warm run rebuilds these days' partitions as well as its
-- window. Every read prunes on the raw tables' partition column (_airbyte_extracted_at).
SELECT DISTINCT day
FROM (
  SELECT DATE(created_at, @shop_timezone) AS day
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at > TIMESTAMP(@since_shopify_orders)
  UNION ALL
  SELECT date_start AS day
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at > TIMESTAMP(@since_facebook_ads_insights)
  UNION ALL
  SELECT DATE(stat_time_day) AS day
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at > TIMESTAMP(@since_tiktok_ads_reports_daily)
  UNION ALL
  SELECT segments_date AS day
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at > TIMESTAMP(@since_google_ads_campaign_stats)
) AS changed
WHERE day <= @run_date
ORDER BY day
