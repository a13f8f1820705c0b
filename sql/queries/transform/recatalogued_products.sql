-- The products whose catalogue entry this run changes, asked before the transform merges the catalogue: the
-- products staging.stg_shopify_products returns for the run window (its own SQL fills the slot below, so the
-- values compared are the ones it stages) against the catalogue as staged. A product is recatalogued when it is
-- new to the catalogue (its first orders may be older: they said 'Uncategorised'), or its title, its category or
-- its variants' SKUs changed, or whether they are a gift card's. The product marts carry the catalogue's title and
-- category on every day a product sold, and an orders export's lines take their product, and whether they sold a
-- gift card, from its SKUs (sql/staging/stg_shopify_line_items.sql): transform/recatalogued_days finds the older
-- days these reach.
WITH

landed AS (
  SELECT product_id, product_title, category, variants
  FROM ({{model}}) AS landed_products
),

compared AS (
  SELECT
    landed.product_id,
    landed.variants,
    staged.product_id IS NULL AS is_new,
    staged.product_title IS DISTINCT FROM landed.product_title
      OR staged.category IS DISTINCT FROM landed.category AS attributes_changed,
    -- Each SKU with its gift card flag (a products export's "Gift Card", the connector's isGiftCard; absent is
    -- none, so a catalogue landed before the flag was does not change by the flag's first false): a product now
    -- marked a gift card turns the export lines of its SKUs from sales into gift cards sold.
    (
      SELECT STRING_AGG(
        CONCAT(JSON_VALUE(variant, '$.sku'), ':', COALESCE(JSON_VALUE(variant, '$.gift_card'), 'false')),
        ',' ORDER BY JSON_VALUE(variant, '$.sku')
      )
      FROM UNNEST(JSON_QUERY_ARRAY(landed.variants)) AS variant
    ) AS landed_skus,
    (
      SELECT STRING_AGG(
        CONCAT(JSON_VALUE(variant, '$.sku'), ':', COALESCE(JSON_VALUE(variant, '$.gift_card'), 'false')),
        ',' ORDER BY JSON_VALUE(variant, '$.sku')
      )
      FROM UNNEST(JSON_QUERY_ARRAY(staged.variants)) AS variant
    ) AS staged_skus
  FROM landed
  LEFT JOIN staging.stg_shopify_products AS staged ON staged.product_id = landed.product_id
),

recatalogued AS (
  SELECT product_id, variants
  FROM compared
  WHERE is_new OR attributes_changed OR landed_skus IS DISTINCT FROM staged_skus
)

-- One row per recatalogued product and SKU of its variants, and one without a SKU for each product.
SELECT product_id, CAST(NULL AS STRING) AS sku
FROM recatalogued
UNION ALL
SELECT recatalogued.product_id, JSON_VALUE(variant, '$.sku') AS sku
FROM recatalogued
CROSS JOIN UNNEST(JSON_QUERY_ARRAY(recatalogued.variants)) AS variant
