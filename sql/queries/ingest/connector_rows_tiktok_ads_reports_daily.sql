-- Rows that earlier pulls of the TikTok connector landed for one advertiser and day range: a new pull of those
-- days replaces them (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
SELECT COUNT(*) AS row_count
FROM raw.tiktok_ads_reports_daily
WHERE JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND CAST(advertiser_id AS STRING) = @account_id
  AND DATE(stat_time_day) BETWEEN @start_date AND @end_date
