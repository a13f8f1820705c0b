-- Extract for Looker Studio. Grain: one row per day and product up to the run date.
SELECT
  date,
  product_id,
  product_title,
  category,
  units,
  orders,
  revenue,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.product_daily_sales
WHERE date <= @run_date
ORDER BY date, product_id
