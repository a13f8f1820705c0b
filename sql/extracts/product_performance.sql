-- Extract for Looker Studio. Grain: one row per month and product up to the run date's month. Column list is the
-- extract's contract: add columns at the end (before is_demo), never rename or reorder. refund_rate is
-- refunded_orders ÷ orders (NULL, never 0, without orders); refunded_orders is counted here as the mart counts it
-- (an order with a refund counts against each of its products), since the mart keeps only the rate.
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: every filter is on a partition column, so a month costs the
-- bytes of its own partitions only. Rows stay in month order first, so chunks concatenate in month order.
WITH

product_months AS (
  SELECT month, product_id, product_title, category, units, orders, revenue, refund_rate, revenue_share,
    revenue_rank
  FROM marts.product_performance
  WHERE month BETWEEN @from_date AND @through_date
),

refunded_orders AS (
  SELECT order_id
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @from_date AND @through_date
    AND refunded_amount > 0
),

refunded_product_months AS (
  SELECT
    DATE_TRUNC(line_items.order_date, MONTH) AS month,
    line_items.product_id,
    COUNT(DISTINCT line_items.order_id) AS refunded_orders
  FROM staging.stg_shopify_line_items AS line_items
  JOIN refunded_orders ON refunded_orders.order_id = line_items.order_id
  WHERE line_items.order_date BETWEEN @from_date AND @through_date
    AND NOT line_items.is_cancelled
  GROUP BY month, line_items.product_id
)

SELECT
  product_months.month,
  product_months.product_id,
  product_months.product_title,
  product_months.category,
  product_months.units,
  product_months.orders,
  product_months.revenue,
  COALESCE(refunded_product_months.refunded_orders, 0) AS refunded_orders,
  product_months.refund_rate,
  product_months.revenue_share,
  product_months.revenue_rank,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM product_months
LEFT JOIN refunded_product_months
  ON refunded_product_months.month = product_months.month
  AND refunded_product_months.product_id = product_months.product_id
ORDER BY product_months.month, product_months.product_id
