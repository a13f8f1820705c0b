-- Customers that earlier pulls of the Shopify connector landed, updated at or after the new pull's start: the new
-- pull returns every one of them again, in its latest version, and replaces them
-- (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
-- The new pull loads its own rows first and then deletes the others (@pull_id tells them apart): a crash
-- between the two leaves both versions, which staging reduces to the latest extraction, never a gap.
-- A version updated at or after @updated_since was landed (extracted) after that update: the bound on the raw
-- table's partition column, a day early for the clocks of the platform and of the pull, keeps the count and the
-- delete to the partitions since then (on BigQuery the partitions read), not the shop's history.
SELECT COUNT(*) AS row_count
FROM raw.shopify_customers
WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@updated_since), INTERVAL 1 DAY)
  AND JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND JSON_VALUE(_airbyte_meta, '$.pull_id') IS DISTINCT FROM @pull_id
  AND updated_at >= TIMESTAMP(@updated_since)
