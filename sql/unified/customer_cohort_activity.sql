-- grain: one row per order month and acquisition cohort: the cohort's active customers, orders and revenue
-- key: order_month, cohort_month
-- not null: active_customers, orders, revenue
-- partition: order_month (month)
-- cluster: cohort_month
-- materialization: partitions
--
-- One row per order month and acquisition cohort (the month of the customer's first order): how many of the
-- cohort's customers ordered that month, their orders and revenue. Everything here is local to the order month,
-- so a daily run rebuilds only the window's months, and marts.ltv_cohorts adds the months up without reading
-- the orders again: its cost no longer grows with every order of history.
WITH

orders AS (
  SELECT
    customer_key,
    DATE_TRUNC(customer_first_order_date, MONTH) AS cohort_month,
    DATE_TRUNC(order_date, MONTH) AS order_month,
    order_revenue
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
    AND customer_order_number IS NOT NULL
)

SELECT
  order_month,
  cohort_month,
  COUNT(DISTINCT customer_key) AS active_customers,
  COUNT(*) AS orders,
  COALESCE(SUM(order_revenue), 0) AS revenue
FROM orders
GROUP BY order_month, cohort_month
