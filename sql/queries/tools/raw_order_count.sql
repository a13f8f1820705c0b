-- The distinct orders in the raw Shopify data: the size the benchmark reports a scale at.
SELECT COUNT(DISTINCT id) AS orders
FROM raw.shopify_orders
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every version, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
