-- Each event table's newest extraction time after its own mark (@since_<table>): the watermark the next warm run
-- reads changes from, one time per table. A table syncs on its own: a time from another table would pass over
-- rows this one extracted earlier but landed later. NULL: nothing newer. Text, so that it round-trips exactly
-- (microseconds) through the ops table and TIMESTAMP().
SELECT 'shopify_orders' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.shopify_orders
WHERE _airbyte_extracted_at > TIMESTAMP(@since_shopify_orders)
UNION ALL
SELECT 'facebook_ads_insights' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.facebook_ads_insights
WHERE _airbyte_extracted_at > TIMESTAMP(@since_facebook_ads_insights)
UNION ALL
SELECT 'tiktok_ads_reports_daily' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.tiktok_ads_reports_daily
WHERE _airbyte_extracted_at > TIMESTAMP(@since_tiktok_ads_reports_daily)
UNION ALL
SELECT 'google_ads_campaign_stats' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.google_ads_campaign_stats
WHERE _airbyte_extracted_at > TIMESTAMP(@since_google_ads_campaign_stats)
UNION ALL
SELECT 'google_ads_asset_group_stats' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.google_ads_asset_group_stats
WHERE _airbyte_extracted_at > TIMESTAMP(@since_google_ads_asset_group_stats)
UNION ALL
SELECT 'google_ads_campaign_totals' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.google_ads_campaign_totals
WHERE _airbyte_extracted_at > TIMESTAMP(@since_google_ads_campaign_totals)
UNION ALL
SELECT 'fx_rates' AS raw_table, CAST(MAX(_airbyte_extracted_at) AS STRING) AS extracted_at
FROM raw.fx_rates
WHERE _airbyte_extracted_at > TIMESTAMP(@since_fx_rates)
