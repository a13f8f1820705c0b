-- Rows that earlier pulls of the Google Ads connector landed for one customer and day range: a new pull of
-- those days replaces them (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
SELECT COUNT(*) AS row_count
FROM raw.google_ads_campaign_stats
WHERE JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND CAST(customer_id AS STRING) = @account_id
  AND segments_date BETWEEN @start_date AND @end_date
