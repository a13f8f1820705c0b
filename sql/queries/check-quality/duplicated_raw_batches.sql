-- Per order day: orders whose latest version landed more than once in the raw data (a duplicated batch).
SELECT order_date, COUNT(*) AS orders
FROM staging.stg_shopify_orders
WHERE order_date BETWEEN @duplicate_start_date AND @run_date
  AND raw_copies_of_version > 1
GROUP BY order_date
ORDER BY order_date
