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
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: the filter is on the mart's partition column, so a month costs
-- the bytes of its own partitions only. Rows stay in date order first, so chunks concatenate in month order.
WHERE date BETWEEN @from_date AND @through_date
ORDER BY date, product_id
