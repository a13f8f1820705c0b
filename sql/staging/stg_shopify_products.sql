-- grain: one row per product (latest version), with its list price
-- key: product_id
-- partition: none
-- cluster: product_id
-- materialization: full
--
-- One row per Shopify product (its latest version).
WITH

latest_products AS (
  SELECT *
  FROM raw.shopify_products
  QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, updated_at DESC) = 1
)

SELECT
  id AS product_id,
  TRIM(title) AS product_title,
  COALESCE(NULLIF(TRIM(product_type), ''), 'Uncategorised') AS category,
  vendor,
  LOWER(status) AS status,
  -- The list price is the highest variant price: what a premium rule should compare.
  (
    SELECT MAX(SAFE_CAST(JSON_VALUE(variant, '$.price') AS NUMERIC))
    FROM UNNEST(JSON_QUERY_ARRAY(latest_products.variants)) AS variant
  ) AS list_price
FROM latest_products
