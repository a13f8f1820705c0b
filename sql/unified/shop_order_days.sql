-- grain: one row per day with orders: the shop's orders that day, cancelled ones included
-- key: date
-- not null: orders, cancelled_orders
-- partition: date (day)
-- cluster: none
-- materialization: partitions
--
-- One row per order day (in the shop's time zone) on which the shop had any order, cancelled ones included. Its
-- first date is the shop's first order day: the days source_coverage and the explanations mart cover start there,
-- on a daily run as on a full rebuild. Reading it over all of history takes 8 bytes a day, where the orders' own
-- order_date column takes 8 bytes an order.
WITH

orders_in_window AS (
  SELECT order_date, is_cancelled
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
)

SELECT
  order_date AS date,
  COUNT(*) AS orders,
  COUNTIF(is_cancelled) AS cancelled_orders
FROM orders_in_window
GROUP BY order_date
