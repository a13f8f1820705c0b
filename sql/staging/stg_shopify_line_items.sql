-- grain: one row per order line item
-- key: line_item_id
-- partition: order_date (day)
-- cluster: product_id
-- materialization: partitions
--
-- One row per order line item, for order days in the run window.
WITH

orders AS (
  SELECT order_id, order_date, is_cancelled, line_items
  FROM staging.stg_shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
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
    COALESCE(SAFE_CAST(JSON_VALUE(line_item, '$.total_discount') AS NUMERIC), 0) AS line_discount
  FROM orders
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(orders.line_items)) AS line_item
)

SELECT
  order_id,
  order_date,
  line_item_id,
  product_id,
  variant_id,
  sku,
  product_title,
  quantity,
  unit_price,
  line_discount,
  unit_price * quantity - line_discount AS line_revenue,
  is_cancelled
FROM line_items
