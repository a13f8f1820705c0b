-- Extract for Looker Studio. Grain: one row per month and premium product (list price at or over the 90th
-- percentile of active products' list prices) up to the run date's month. Column list is the extract's
-- contract: add columns at the end (before is_demo), never rename or reorder.
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
WHERE month <= @run_date
ORDER BY month, product_id
