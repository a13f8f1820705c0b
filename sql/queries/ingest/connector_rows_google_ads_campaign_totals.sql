-- Rows that earlier pulls of the Google Ads connector landed in the campaigns' own days (FROM campaign) for one
-- customer and day range: a new pull of those days replaces them (functions/ingest/connectors/landing.ts deletes
-- exactly the rows this counts). The new pull loads its own rows first and then deletes the others (@pull_id
-- tells them apart): a crash between the two leaves both versions, which staging reduces to the latest
-- extraction, never a gap.
-- A report row of a day was pulled after that day began: the bound on the raw table's partition column (the day
-- before the range's first) keeps the count and the delete to the partitions since then, not the shop's history.
SELECT COUNT(*) AS row_count
FROM raw.google_ads_campaign_totals
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND JSON_VALUE(_airbyte_meta, '$.pull_id') IS DISTINCT FROM @pull_id
  AND CAST(customer_id AS STRING) = @account_id
  AND segments_date BETWEEN @start_date AND @end_date
