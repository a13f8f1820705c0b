-- The products whose catalogue entry this run changes, asked before the transform merges the catalogue: the
-- products staging.stg_shopify_products returns for the run window (its own SQL fills the slot below, so the
-- values compared are the ones it stages) against the catalogue as staged. A product is recatalogued when it is
-- new to the catalogue (its first orders may be older: they said 'Uncategorised'), or its title, its category or
-- its variants' SKUs changed, or whether they are a gift card's. The product marts carry the catalogue's title and
-- category on every day a product sold, and an orders export's lines take their product, and whether they sold a
-- gift card, from its SKUs (sql/staging/stg_shopify_line_items.sql): transform/recatalogued_days finds the older
-- days these reach.
-- An orders export's line without a SKU the catalogue knows is a gift card by its name, when only gift cards'
-- variants give a line that name: a products export landed after the orders (its gift card new, renamed, newly
-- flagged, or another product now giving the same name) changes that, whatever the product's own SKUs. The line
-- names whose verdict the merge changes are returned too, each on a row of its own: the names only gift cards
-- give in the staged catalogue, against those in the catalogue as merged (the landed products in place of their
-- staged versions). A name no gift card gives before or after changes no line.
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
),

-- The catalogue before the merge (staged) and as the merge leaves it (merged: the landed products, and the staged
-- ones the landing does not replace).
catalogue_versions AS (
  SELECT 'staged' AS version, product_id, product_title, variants
  FROM staging.stg_shopify_products
  UNION ALL
  SELECT 'merged' AS version, product_id, product_title, variants
  FROM landed
  UNION ALL
  SELECT 'merged' AS version, product_id, product_title, variants
  FROM staging.stg_shopify_products
  WHERE product_id NOT IN (SELECT product_id FROM landed WHERE product_id IS NOT NULL)
),

-- Each variant's line name and gift card flag in either catalogue, as stg_shopify_line_items derives them.
line_names AS (
  SELECT
    catalogue_versions.version,
    IF(
      COALESCE(TRIM(JSON_VALUE(variant, '$.title')), 'Default Title') = 'Default Title',
      catalogue_versions.product_title,
      CONCAT(catalogue_versions.product_title, ' - ', TRIM(JSON_VALUE(variant, '$.title')))
    ) AS line_name,
    COALESCE(SAFE_CAST(JSON_VALUE(variant, '$.gift_card') AS BOOL), FALSE) AS is_gift_card
  FROM catalogue_versions
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(catalogue_versions.variants)) AS variant
),

gift_card_names AS (
  -- The names only gift cards give a line, in each catalogue.
  SELECT version, line_name
  FROM line_names
  WHERE line_name IS NOT NULL
  GROUP BY version, line_name
  HAVING LOGICAL_AND(is_gift_card)
),

regifted_line_names AS (
  -- A gift card's name in one catalogue and not the other.
  SELECT line_name
  FROM gift_card_names
  GROUP BY line_name
  HAVING COUNT(*) = 1
)

-- One row per recatalogued product and SKU of its variants, one without a SKU for each product, and one per line
-- name whose gift card verdict changes (no product, no SKU).
SELECT product_id, CAST(NULL AS STRING) AS sku, CAST(NULL AS STRING) AS line_name
FROM recatalogued
UNION ALL
SELECT recatalogued.product_id, JSON_VALUE(variant, '$.sku') AS sku, CAST(NULL AS STRING) AS line_name
FROM recatalogued
CROSS JOIN UNNEST(JSON_QUERY_ARRAY(recatalogued.variants)) AS variant
UNION ALL
SELECT CAST(NULL AS INT64) AS product_id, CAST(NULL AS STRING) AS sku, line_name
FROM regifted_line_names
