-- The newest extraction time of the event tables' raw rows after @since: the watermark the next warm run reads
-- changes from. Text, so that it round-trips exactly (microseconds) through the ops table and TIMESTAMP().
SELECT CAST(MAX(extracted_at) AS STRING) AS watermark
FROM (
  SELECT MAX(_airbyte_extracted_at) AS extracted_at
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at > TIMESTAMP(@since)
  UNION ALL
  SELECT MAX(_airbyte_extracted_at) AS extracted_at
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at > TIMESTAMP(@since)
  UNION ALL
  SELECT MAX(_airbyte_extracted_at) AS extracted_at
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at > TIMESTAMP(@since)
  UNION ALL
  SELECT MAX(_airbyte_extracted_at) AS extracted_at
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at > TIMESTAMP(@since)
) AS newest
