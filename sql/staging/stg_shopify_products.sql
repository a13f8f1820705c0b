-- grain: one row per product (latest version), with its list price
-- key: product_id
-- partition: none
-- cluster: product_id
-- materialization: merge
--
-- One row per Shopify product (its latest version). Incremental runs return only the products landed since the
-- window opened; the transform merges them by product_id, so a daily run does not read every snapshot ever landed.
WITH

latest_products AS (
  SELECT *
  FROM raw.shopify_products
  -- The partition column alone, so that BigQuery prunes (see stg_shopify_customers).
  WHERE _airbyte_extracted_at >= TIMESTAMP(@window_start)
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
  ) AS list_price,
  -- The variants as landed: their SKUs give an orders export's lines (which carry no product id) their product.
  variants
FROM latest_products
