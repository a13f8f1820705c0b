-- grain: one row per day and product
-- key: date, product_id
-- partition: date (day)
-- cluster: product_id
-- materialization: partitions
--
-- One row per day and product: units, orders and line revenue (after line discounts).
WITH

line_items AS (
  SELECT *
  FROM staging.stg_shopify_line_items
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

products AS (
  SELECT product_id, product_title, category
  FROM staging.stg_shopify_products
)

SELECT
  line_items.order_date AS date,
  line_items.product_id,
  -- The catalogue's current title, so that a renamed product stays one row.
  COALESCE(MAX(products.product_title), MAX(line_items.product_title)) AS product_title,
  COALESCE(MAX(products.category), 'Uncategorised') AS category,
  SUM(line_items.quantity) AS units,
  COUNT(DISTINCT line_items.order_id) AS orders,
  SUM(line_items.line_revenue) AS revenue
FROM line_items
LEFT JOIN products ON products.product_id = line_items.product_id
GROUP BY line_items.order_date, line_items.product_id
