-- Extract for Looker Studio. Grain: one row per day up to the run date. Column list is the extract's
-- contract: add columns at the end, never rename or reorder.
SELECT
  date,
  orders,
  gross_revenue,
  discounts,
  refunds,
  net_revenue,
  units,
  aov,
  new_customers,
  returning_customers,
  new_customer_revenue,
  returning_customer_revenue,
  ad_spend,
  blended_roas,
  mer,
  cac,
  orders_missing_value,
  is_complete,
  missing_sources,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.daily_kpis
WHERE date <= @run_date
ORDER BY date
