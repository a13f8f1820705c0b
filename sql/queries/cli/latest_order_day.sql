-- The newest order day in the raw Shopify orders (the shop's time zone): the default run date of a demo run.
SELECT MAX(DATE(created_at, @shop_timezone)) AS last_day
FROM raw.shopify_orders
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every order, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
