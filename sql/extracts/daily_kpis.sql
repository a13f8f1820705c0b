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
  missing_sources
FROM marts.daily_kpis
WHERE date <= @run_date
ORDER BY date
