-- Customers that earlier pulls of the Shopify connector landed, updated at or after the new pull's start: the new
-- pull returns every one of them again, in its latest version, and replaces them
-- (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
-- The new pull loads its own rows first and then deletes the others (@pull_id tells them apart): a crash
-- between the two leaves both versions, which staging reduces to the latest extraction, never a gap.
SELECT COUNT(*) AS row_count
FROM raw.shopify_customers
WHERE JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND JSON_VALUE(_airbyte_meta, '$.pull_id') IS DISTINCT FROM @pull_id
  AND updated_at >= TIMESTAMP(@updated_since)
