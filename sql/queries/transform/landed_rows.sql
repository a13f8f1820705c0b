-- What each event table holds of the rows extracted in the @landing_hours before its mark (@through_<table>,
-- included): how many, and the XOR of a 60-bit digest of each raw id. Airbyte may commit a sync's batches out of
-- order, so rows extracted before the newest one a transform read can land after it: asked again by the next
-- transform over the same span, a changed answer says some did (or a destination that de-duplicates replaced
-- some), and their days are rebuilt. Every read prunes on the raw tables' partition column.
SELECT
  'shopify_orders' AS raw_table,
  COUNT(*) AS landed_rows,
  -- Text: an INT64 does not round-trip through a JavaScript number.
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.shopify_orders
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_shopify_orders), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_shopify_orders)
UNION ALL
SELECT
  'facebook_ads_insights' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.facebook_ads_insights
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_facebook_ads_insights), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_facebook_ads_insights)
UNION ALL
SELECT
  'tiktok_ads_reports_daily' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.tiktok_ads_reports_daily
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_tiktok_ads_reports_daily), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_tiktok_ads_reports_daily)
UNION ALL
SELECT
  'google_ads_campaign_stats' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.google_ads_campaign_stats
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_google_ads_campaign_stats), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_google_ads_campaign_stats)
UNION ALL
SELECT
  'google_ads_asset_group_stats' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.google_ads_asset_group_stats
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_google_ads_asset_group_stats), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_google_ads_asset_group_stats)
UNION ALL
SELECT
  'google_ads_campaign_totals' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.google_ads_campaign_totals
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_google_ads_campaign_totals), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_google_ads_campaign_totals)
UNION ALL
SELECT
  'fx_rates' AS raw_table,
  COUNT(*) AS landed_rows,
  CAST(BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(_airbyte_raw_id)), 1, 15)) AS INT64)) AS STRING) AS raw_id_digest
FROM raw.fx_rates
WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@through_fx_rates), INTERVAL @landing_hours HOUR)
  AND _airbyte_extracted_at <= TIMESTAMP(@through_fx_rates)
