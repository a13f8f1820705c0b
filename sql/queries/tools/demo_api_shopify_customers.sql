-- The demo shop's customers as its Shopify API would serve them (tools/demo-apis.ts): the latest version of each.
SELECT *
FROM raw.shopify_customers
WHERE id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) = 1
