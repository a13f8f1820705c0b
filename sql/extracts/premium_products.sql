-- Extract for Looker Studio. Grain: one row per month and premium product (list price at or over the 90th
-- percentile of active products' list prices) up to the run date's month. Column list is the extract's
-- contract: add columns at the end (before is_demo), never rename or reorder.
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: every filter is on a partition column, so a month costs the
-- bytes of its own partitions only. Rows stay in month order first, so chunks concatenate in month order.
SELECT
  month,
  product_id,
  product_title,
  category,
  list_price,
  premium_threshold,
  units,
  orders,
  revenue,
  revenue_share,
  revenue_rank,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.premium_products
WHERE month BETWEEN @from_date AND @through_date
ORDER BY month, product_id
