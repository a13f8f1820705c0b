-- The demo shop's products as its Shopify API would serve them (tools/demo-apis.ts): the latest version of each.
SELECT *
FROM raw.shopify_products
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every version, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
  AND id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) = 1
