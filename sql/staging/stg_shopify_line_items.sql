-- grain: one row per order line item (tips aside)
-- key: line_item_id
-- partition: order_date (day)
-- cluster: product_id
-- materialization: partitions
-- row order: raw.shopify_orders
--
-- Built whole, its lines come out in raw.shopify_orders' landing order (the raw scan drives the join to the staged
-- orders), which a warehouse loaded day by day keeps nearly in order-day order: written as they come and checked,
-- not sorted (1M orders: 6.1–6.5 s of processor time against 9.2–9.3 s sorted, 3 runs each, 2026-12-06).
-- One row per order line item, for order days in the run window; a tip's line is none (below). A line item of an orders export file has no
-- product id, only a key derived from its SKU or name (ids from 4e15 up): when a products export holds its SKU,
-- the line takes that product's id, so the catalogue's title and category apply.
-- Nor does such a line say whether it sold a gift card: the products export does (its "Gift Card" column, landed
-- on each variant as gift_card). The line is a gift card when its SKU is a gift card's; a line without a SKU the
-- catalogue knows (a gift card's denominations usually have none) when its name is one that only gift cards'
-- variants give a line: Shopify names a line "<product title> - <variant title>", the product title alone for a
-- "Default Title" variant.
WITH

catalogue_variants AS (
  SELECT
    products.product_id,
    JSON_VALUE(variant, '$.sku') AS sku,
    IF(
      COALESCE(TRIM(JSON_VALUE(variant, '$.title')), 'Default Title') = 'Default Title',
      products.product_title,
      CONCAT(products.product_title, ' - ', TRIM(JSON_VALUE(variant, '$.title')))
    ) AS line_name,
    COALESCE(SAFE_CAST(JSON_VALUE(variant, '$.gift_card') AS BOOL), FALSE) AS is_gift_card
  -- The catalogue as staged (its latest version), not every snapshot ever landed in raw.
  FROM staging.stg_shopify_products AS products
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(products.variants)) AS variant
),

product_skus AS (
  -- A SKU two products share is a gift card only if both are.
  SELECT sku, MIN(product_id) AS product_id, LOGICAL_AND(is_gift_card) AS is_gift_card
  FROM catalogue_variants
  WHERE sku IS NOT NULL
  GROUP BY sku
),

gift_card_line_names AS (
  -- Product titles are not unique: a name that another product's variant also gives a line says nothing.
  SELECT line_name
  FROM catalogue_variants
  WHERE line_name IS NOT NULL
  GROUP BY line_name
  HAVING LOGICAL_AND(is_gift_card)
),

staged_orders AS (
  SELECT order_id, order_date, is_cancelled, raw_id
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
),

raw_line_items AS (
  -- The line items of the order version staging chose (its raw row), with staging's bounds on raw so that the
  -- raw table's partitions prune the same way.
  SELECT _airbyte_raw_id AS raw_id, line_items
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND created_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
    AND created_at < TIMESTAMP(DATE_ADD(@window_end, INTERVAL 2 DAY))
),

orders AS (
  SELECT staged_orders.order_id, staged_orders.order_date, staged_orders.is_cancelled, raw_line_items.line_items
  FROM staged_orders
  JOIN raw_line_items ON raw_line_items.raw_id = staged_orders.raw_id
),

line_items AS (
  SELECT
    orders.order_id,
    orders.order_date,
    orders.is_cancelled,
    SAFE_CAST(JSON_VALUE(line_item, '$.id') AS INT64) AS line_item_id,
    SAFE_CAST(JSON_VALUE(line_item, '$.product_id') AS INT64) AS product_id,
    SAFE_CAST(JSON_VALUE(line_item, '$.variant_id') AS INT64) AS variant_id,
    JSON_VALUE(line_item, '$.sku') AS sku,
    TRIM(JSON_VALUE(line_item, '$.title')) AS product_title,
    SAFE_CAST(JSON_VALUE(line_item, '$.quantity') AS INT64) AS quantity,
    SAFE_CAST(JSON_VALUE(line_item, '$.price') AS NUMERIC) AS unit_price,
    COALESCE(SAFE_CAST(JSON_VALUE(line_item, '$.total_discount') AS NUMERIC), 0) AS line_discount,
    -- A gift card sold (Shopify's line item gift_card, isGiftCard in its GraphQL API) is money owed, not a sale,
    -- until it is spent: unified.shopify_unified leaves it out of the order's revenue. Absent (a file drop, whose
    -- export does not say) is decided below, from the catalogue.
    SAFE_CAST(JSON_VALUE(line_item, '$.gift_card') AS BOOL) AS line_says_gift_card
  FROM orders
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(orders.line_items)) AS line_item
  -- Shopify's REST order (what Airbyte lands) lists each tip as a line item of its own, without a product, the only
  -- lines carrying tip_payment_gateway and tip_payment_method ("present only on tips"); the Shopify connector marks
  -- its tip lines is_tip (the order's TipSales: GraphQL has neither field). A tip is the staff's, no unit or product
  -- sold (unified.shopify_unified leaves it out of revenue, as total_tip_received): kept, it was a unit of the day
  -- and a "Tip" product with sales.
  WHERE JSON_VALUE(line_item, '$.tip_payment_gateway') IS NULL
    AND JSON_VALUE(line_item, '$.tip_payment_method') IS NULL
    AND NOT COALESCE(SAFE_CAST(JSON_VALUE(line_item, '$.is_tip') AS BOOL), FALSE)
)

SELECT
  line_items.order_id,
  line_items.order_date,
  line_items.line_item_id,
  IF(line_items.product_id >= 4000000000000000, COALESCE(product_skus.product_id, line_items.product_id), line_items.product_id)
    AS product_id,
  line_items.variant_id,
  line_items.sku,
  line_items.product_title,
  line_items.quantity,
  line_items.unit_price,
  line_items.line_discount,
  line_items.unit_price * line_items.quantity - line_items.line_discount AS line_revenue,
  CASE
    WHEN line_items.line_says_gift_card IS NOT NULL THEN line_items.line_says_gift_card
    -- A line of an orders export: its SKU's product says, else its name.
    WHEN line_items.product_id >= 4000000000000000 AND product_skus.sku IS NOT NULL THEN product_skus.is_gift_card
    WHEN line_items.product_id >= 4000000000000000 THEN gift_card_line_names.line_name IS NOT NULL
    ELSE FALSE
  END AS is_gift_card,
  line_items.is_cancelled
FROM line_items
LEFT JOIN product_skus ON product_skus.sku = line_items.sku
LEFT JOIN gift_card_line_names ON gift_card_line_names.line_name = line_items.product_title
