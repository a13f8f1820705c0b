-- The premium products (top decile of list price, marts.premium_products) of the run month and the month
-- before, by revenue, at most @top_products per month.
WITH

premium AS (
  SELECT
    month, CAST(product_id AS STRING) AS product_id, product_title, category, list_price, premium_threshold,
    units, orders, revenue, revenue_share,
    ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, product_title) AS position
  FROM marts.premium_products
  WHERE month BETWEEN @previous_month_date AND @run_month_date
)

SELECT
  month, product_id, product_title, category, list_price, premium_threshold, units, orders, revenue,
  revenue_share
FROM premium
WHERE position <= @top_products
ORDER BY month, position
