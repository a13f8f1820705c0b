-- Per order day and channel over the history: orders, and how many carry a UTM source.
SELECT
  order_date AS date,
  channel,
  COUNT(*) AS orders,
  COUNTIF(utm_source IS NOT NULL) AS orders_with_utm
FROM unified.shopify_unified
WHERE order_date BETWEEN @history_start_date AND @run_date
  AND NOT is_cancelled
GROUP BY order_date, channel
ORDER BY order_date, channel
