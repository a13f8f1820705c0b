-- Rows that earlier pulls of the Meta connector landed for one ad account and day range: a new pull of those
-- days replaces them (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
SELECT COUNT(*) AS row_count
FROM raw.facebook_ads_insights
WHERE JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND account_id = @account_id
  AND date_start BETWEEN @start_date AND @end_date
