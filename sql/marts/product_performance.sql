-- grain: one row per month and product: units, revenue, refund rate, share, rank
-- key: month, product_id
-- partition: month (month)
-- cluster: product_id
-- materialization: partitions
--
-- One row per month and product: units, orders, revenue, refund rate, share of the month's product
-- revenue and rank within the month.
WITH

line_items AS (
  SELECT order_id, order_date, product_id, product_title, quantity, line_revenue
  FROM staging.stg_shopify_line_items
  WHERE order_date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
    AND NOT is_cancelled
),

refunded_orders AS (
  -- Shopify refunds are order-level here: an order with a refund counts against each of its products.
  SELECT order_id
  FROM unified.shopify_unified
  WHERE order_date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
    AND refunded_amount > 0
),

products AS (
  SELECT product_id, product_title, category
  FROM staging.stg_shopify_products
),

product_months AS (
  SELECT
    DATE_TRUNC(line_items.order_date, MONTH) AS month,
    line_items.product_id,
    SUM(line_items.quantity) AS units,
    COUNT(DISTINCT line_items.order_id) AS orders,
    COUNT(DISTINCT refunded_orders.order_id) AS refunded_orders,
    SUM(line_items.line_revenue) AS revenue,
    MAX(line_items.product_title) AS title_on_orders
  FROM line_items
  LEFT JOIN refunded_orders ON refunded_orders.order_id = line_items.order_id
  GROUP BY month, line_items.product_id
)

SELECT
  product_months.month,
  product_months.product_id,
  -- The catalogue's current title, so that a renamed product stays one row.
  COALESCE(products.product_title, product_months.title_on_orders) AS product_title,
  COALESCE(products.category, 'Uncategorised') AS category,
  product_months.units,
  product_months.orders,
  product_months.revenue,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(product_months.refunded_orders AS NUMERIC), CAST(product_months.orders AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS refund_rate,
  ROUND(
    SAFE_DIVIDE(
      CAST(product_months.revenue AS NUMERIC),
      CAST(SUM(product_months.revenue) OVER (PARTITION BY product_months.month) AS NUMERIC)
    ),
    4
  ) AS revenue_share,
  RANK() OVER (PARTITION BY product_months.month ORDER BY product_months.revenue DESC) AS revenue_rank
FROM product_months
LEFT JOIN products ON products.product_id = product_months.product_id
