-- Extract for Looker Studio. Grain: one row per day and product up to the run date.
SELECT
  date,
  product_id,
  product_title,
  category,
  units,
  orders,
  revenue
FROM marts.product_daily_sales
WHERE date <= @run_date
ORDER BY date, product_id
