-- Products that earlier pulls of the Shopify connector landed, updated at or after the new pull's start: the new
-- pull returns every one of them again, in its latest version, and replaces them
-- (functions/ingest/connectors/landing.ts deletes exactly the rows this counts).
SELECT COUNT(*) AS row_count
FROM raw.shopify_products
WHERE JSON_VALUE(_airbyte_meta, '$.source') = 'api'
  AND updated_at >= TIMESTAMP(@updated_since)
